"""The experts' side of acceptance: the panel seats they hold, the declaration of conflicts that opens the
acceptance file, and the score on the acceptance rubric (the forms of the review's expert pages)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards.projects import acceptance, permissions, selectors
from awards.projects.progress import indicators_of
from portal.accounts.guards import requires
from portal.accounts.predicates import is_expert
from portal.errors import PortalError
from reviews.forms import DeclarationForm, ScoreForm
from reviews.models import AssignmentState


@login_required
@require_GET
@requires(is_expert)
def seats_page(request):
    seats = list(selectors.panel_seats(request.user).order_by("due_on", "pk"))
    context = {
        "to_declare": [s for s in seats if s.state == AssignmentState.AWAITING_DECLARATION],
        "to_score": [s for s in seats if s.state == AssignmentState.OPEN],
        "done": [s for s in seats if s.state not in (AssignmentState.AWAITING_DECLARATION, AssignmentState.OPEN)],
        "declaration_form": DeclarationForm(),
    }
    return render(request, "projects/expert_seats.html", context)


@login_required
@require_POST
@requires(is_expert)
def seat_declare(request, pk):
    seat = selectors.get_seat_for_user(request.user, pk)
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you have a conflict of interest."))
        return redirect("expert-acceptances")
    try:
        acceptance.panel_declare(
            seat=seat, by=request.user, has_conflict=form.cleaned_data["has_conflict"], note=form.cleaned_data["note"]
        )
    except PortalError as error:
        error.flash(request)
        return redirect("expert-acceptances")
    if form.cleaned_data["has_conflict"]:
        messages.success(request, _("Recorded: you are excluded from this acceptance."))
        return redirect("expert-acceptances")
    return redirect("expert-acceptance", pk=seat.pk)


@login_required
@require_http_methods(["GET", "POST"])
@requires(is_expert)
def seat_page(request, pk):
    seat = selectors.get_seat_for_user(request.user, pk)
    if not permissions.can_view_panel_file(request.user, seat)[0]:
        raise Http404
    project = seat.project
    rubric = acceptance.rubric_of(project)
    form = ScoreForm(request.POST or None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        try:
            acceptance.panel_score(
                seat=seat, by=request.user, scores=form.scores(), comment=form.cleaned_data["comment"]
            )
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Your score is recorded. Thank you."))
            return redirect("expert-acceptances")
    context = {
        "seat": seat,
        "project": project,
        "acceptance": seat.acceptance,
        "content": project.version.content if project.version_id else project.statement,
        "indicators": indicators_of(project),
        "documents": list(seat.acceptance.documents.all()),
        "form": form if seat.state == AssignmentState.OPEN else None,
    }
    return render(request, "projects/expert_seat.html", context)
