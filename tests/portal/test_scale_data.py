"""The scale data set of `make bench` (tests/bench/scale_data.py), at a tiny scale: every row it writes is one
the portal itself could have written."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.test import override_settings

from applications.facts import FactsForm, form_data_from_json
from applications.models import Application, ApplicationVersion, State
from awards.models import Award, AwardState, Letter, LetterSequence
from portal.accounts.models import Organisation, Role, User
from portal.accounts.uscc import read_shanghai_uscc
from reviews.models import Decision, DecisionOutcome, ReviewTask, TaskKind, TaskState
from tests.bench import generate, scale_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(catalogue):
    return scale_data.generate(organisations=20, applications=300, seed=7, log=lambda _line: None)


def test_counts_and_states(generated):
    assert Organisation.objects.count() == 20
    assert Application.objects.count() == 300 == generated.applications
    states = dict(Application.objects.values_list("state").annotate(n=Count("pk")).order_by())
    assert states == {k: v for k, v in generated.states.items() if v}
    for state in (State.DRAFT, State.SUBMITTED, State.DEPARTMENT_REVIEW, State.APPROVED, State.REJECTED):
        assert states.get(state), state
    assert Award.objects.count() == generated.awards == Application.objects.filter(state=State.APPROVED).count()
    assert ReviewTask.objects.count() == generated.tasks


def test_organisations_and_members_are_valid(generated):
    for organisation in Organisation.objects.all():
        assert read_shanghai_uscc(organisation.uscc).district == organisation.district
        members = organisation.members.all()
        assert members and all(m.role == Role.ENTERPRISE for m in members)
        assert all(m.has_perm("portal.apply_for", organisation) for m in members)
        assert sum(m.is_org_admin for m in members) == 1
    assert not User.objects.filter(role__in=[Role.OFFICER, Role.FINANCE], commission=None).exists()


def test_applications_are_filed_as_the_portal_files_them(generated):
    drafts = Application.objects.filter(state=State.DRAFT)
    assert not drafts.filter(Q(receipt_number__isnull=False) | Q(current_version__isnull=False)).exists()
    filed = Application.objects.exclude(state=State.DRAFT).select_related("call__program", "current_version")
    for application in filed:
        version = application.current_version
        assert version.application_id == application.pk and version.number == 1
        assert (
            application.receipt_number
            == f"{application.call.year}-{application.call.program.lead.code}-{application.pk:06d}"
        )
        data, errors = form_data_from_json(application.track.fact_schema, version.facts)
        assert not errors and FactsForm(application.track.fact_schema, data=data).is_valid()
        assert application.call.opens_at <= application.first_submitted_at <= application.updated_at
    assert ApplicationVersion.objects.count() == filed.count()


def test_review_tasks_follow_routing(generated):
    for application in Application.objects.exclude(state=State.DRAFT).prefetch_related("tasks"):
        kinds = [t.kind for t in application.tasks.all()]
        assert kinds.count(TaskKind.FORMAL_CHECK) == 1, application.state
        open_tasks = [t for t in application.tasks.all() if t.state == TaskState.OPEN]
        if application.state in (State.SUBMITTED, State.FORMAL_CHECK):
            assert [t.kind for t in open_tasks] == [TaskKind.FORMAL_CHECK]
        if application.state == State.DEPARTMENT_REVIEW:
            assert TaskKind.BUDGET in kinds and TaskKind.OPINION in kinds
        if application.state in (State.APPROVED, State.REJECTED, State.WITHDRAWN, State.RETURNED):
            assert not open_tasks, application.state
        lead = [t for t in application.tasks.all() if t.is_lead]
        assert lead and all(t.commission_id == application.call.program.lead_id for t in lead)


def test_decisions_awards_and_letters_hold_together(generated):
    assert not Decision.objects.exclude(application__state__in=[State.APPROVED, State.REJECTED]).exists()
    assert (
        not Decision.objects.filter(outcome=DecisionOutcome.APPROVED)
        .exclude(application__state=State.APPROVED)
        .exists()
    )
    awards = Award.objects.select_related("application", "decision")
    assert all(a.application.state == State.APPROVED and a.decision.application_id == a.application_id for a in awards)
    assert all(
        a.organisation_id == a.application.organisation_id and a.call_id == a.application.call_id for a in awards
    )
    assert not Award.objects.filter(paid__gt=F("amount")).exists()
    assert not Award.objects.filter(state__in=[AwardState.DISBURSED], paid=0).exists()
    assert not Letter.objects.filter(award__isnull=False).exclude(award__decision=F("decision")).exists()
    for sequence in LetterSequence.objects.all():
        numbers = sorted(
            Letter.objects.filter(commission=sequence.commission, year=sequence.year).values_list("number", flat=True)
        )
        assert numbers == list(range(1, sequence.last + 1))  # gapless, as next_number keeps them


@override_settings(DEBUG=True)  # wipe() refuses to run on a production (DEBUG off) database
def test_same_seed_same_data(catalogue):
    scale_data.generate(organisations=5, applications=40, seed=3, log=lambda _line: None)
    first = list(Application.objects.order_by("pk").values_list("title", "state", "estimated_amount"))
    scale_data.wipe()
    assert not Application.objects.exists() and not scale_data.exists()
    scale_data.generate(organisations=5, applications=40, seed=3, log=lambda _line: None)
    assert list(Application.objects.order_by("pk").values_list("title", "state", "estimated_amount")) == first


def test_command_refuses_to_generate_twice(catalogue, capsys):
    call_command(generate.Command(), organisations=3, applications=10, verbosity=0)
    with pytest.raises(Exception, match="already present"):
        call_command(generate.Command(), organisations=3, applications=10, verbosity=0)
    call_command(generate.Command(), organisations=3, applications=10, if_missing=True, verbosity=0)
    assert Application.objects.count() == 10


def test_pages_keep_their_query_count_on_generated_data(client, generated, django_assert_max_num_queries):
    """Dashboard and queue: the same queries for the busiest and the quietest user."""
    counts = {}
    busiest = Organisation.objects.annotate(n=Count("applications")).order_by("-n").first()
    quietest = Organisation.objects.annotate(n=Count("applications")).filter(n__gt=0).order_by("n").first()
    officers = (
        User.objects.filter(role=Role.OFFICER)
        .annotate(n=Count("commission__tasks", filter=Q(commission__tasks__state=TaskState.OPEN)))
        .filter(n__gt=0)
        .order_by("-n")
    )
    for name, user, url in [
        ("dashboard busy", busiest.members.first(), "/applications/"),
        ("dashboard quiet", quietest.members.first(), "/applications/"),
        ("queue busy", officers.first(), "/review/queue/"),
        ("queue quiet", officers.last(), "/review/queue/"),
    ]:
        client.force_login(user)
        with django_assert_max_num_queries(14) as captured:
            assert client.get(url).status_code == 200
        counts[name] = len(captured.captured_queries)
    assert counts["dashboard busy"] == counts["dashboard quiet"]
    assert counts["queue busy"] == counts["queue quiet"]


def test_the_generator_runs_as_make_bench_calls_it():
    """`make bench-data` runs `python -m tests.bench.generate` in a fresh process, before Django is set up."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.generate", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "--if-missing" in result.stdout
