from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from applications.selectors import open_calls
from portal.health import check_celery, check_database, check_redis


def home(request):
    calls = open_calls().order_by("closes_at")[:20]
    return render(request, "portal/home.html", {"calls": calls})


@never_cache
def healthz(request):
    checks = {"database": check_database(), "redis": check_redis(), "celery": check_celery()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)
