"""`make bench`'s URLs: the portal's own, plus a bare view that the page latencies are compared with."""

from django.http import HttpResponse
from django.urls import include, path

from applications.models import Application
from reviews.models import ReviewTask, TaskState


def bare(request):
    """The floor under a page: the same middleware, session and user, then one indexed query for what
    the page lists first (an officer's open tasks by deadline; an organisation's latest applications)."""
    user = request.user
    if user.commission_id:
        rows = ReviewTask.objects.filter(commission_id=user.commission_id, state=TaskState.OPEN).order_by(
            "due_on", "pk"
        )
    else:
        rows = Application.objects.filter(organisation_id=user.organisation_id).order_by("-updated_at")
    return HttpResponse("\n".join(str(pk) for pk in rows.values_list("pk", flat=True)[:25]))


def trivial(request):
    """The floor under a health check: the same middleware for an anonymous request, no query, no cache."""
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("bench/trivial/", trivial), path("", include("portal.urls"))]
