from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from applications.selectors import open_calls
from portal.health import readiness


def home(request):
    calls = open_calls().order_by("closes_at")[:20]
    return render(request, "portal/home.html", {"calls": calls})


@never_cache
def healthz_live(request):
    """Liveness: the process answers. No database, no Redis: restarting a web process cures neither."""
    return JsonResponse({"status": "ok"})


@never_cache
def healthz(request):
    """Readiness: the database, Redis and a worker that wrote its heartbeat lately."""
    checks = readiness()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)
