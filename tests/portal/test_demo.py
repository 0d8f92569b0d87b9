"""`make run` loads the demo data on every start: it must load on a fresh database and again unchanged."""

from django.core.management import call_command

from applications.models import Application, Call
from portal.models import User
from reviews.models import CallExpert, ReviewTask


def test_demo_data_loads_twice_without_duplicates(catalogue):
    call_command("load_demo")
    counts = (User.objects.count(), Call.objects.count(), Application.objects.count(), ReviewTask.objects.count())
    call_command("load_demo")
    assert (
        User.objects.count(),
        Call.objects.count(),
        Application.objects.count(),
        ReviewTask.objects.count(),
    ) == counts
    # Something to work on for every role: a submitted file in STCSM's queue, an expert on the drug call.
    assert ReviewTask.objects.filter(commission__code="STCSM", state="open").exists()
    assert CallExpert.objects.filter(expert__username="expert").exists()
    assert set(User.objects.values_list("role", flat=True)) == {"admin", "enterprise", "officer", "finance", "expert"}
