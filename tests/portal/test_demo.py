"""`make run` loads the demo data on every start: it must load on a fresh database and again unchanged, and a
new user must find every stage of SPEC §3 at once, each reached through the services with its audit trail."""

import time

import pytest
from django.core.management import call_command

from applications.models import Application, AuditEvent, Call, State
from awards.models import Award, AwardState, Clawback, Letter, Payment
from awards.projects.models import Project, ProjectState
from portal.accounts.models import Commission, Role, User
from portal.management.commands.load_demo import DEVICE_STAGES
from reviews.models import CallExpert, ExpertAssignment, ReviewTask


@pytest.fixture
def demo(catalogue):
    started = time.monotonic()
    call_command("load_demo")
    return time.monotonic() - started


def counts():
    models = [User, Call, Application, ReviewTask, Award, Letter, Payment, Clawback, AuditEvent, Project]
    return [model.objects.count() for model in models]


def test_demo_data_loads_twice_without_duplicates(demo):
    before = counts()
    call_command("load_demo")
    assert counts() == before
    # Something to work on for every role: a submitted file in STCSM's queue, an expert on the drug call.
    assert ReviewTask.objects.filter(commission__code="STCSM", state="open").exists()
    assert CallExpert.objects.filter(expert__username="expert").exists()
    assert set(User.objects.values_list("role", flat=True)) == {"admin", "enterprise", "officer", "finance", "expert"}


def test_demo_loads_in_under_thirty_seconds(demo):
    assert demo < 30


def test_every_commission_work_is_routed_to_has_a_login(demo):
    """The walk stalled when DRC, a co-reviewer of the drug program, had no officer."""
    routed = set(Commission.objects.filter(led_programs__isnull=False).values_list("code", flat=True))
    routed |= set(Commission.objects.filter(co_reviewed_programs__isnull=False).values_list("code", flat=True))
    routed |= set(Commission.objects.filter(confirms_budget=True).values_list("code", flat=True))
    assert "DRC" in routed
    for code in routed:
        commission = Commission.objects.get(code=code)
        role = Role.FINANCE if commission.confirms_budget else Role.OFFICER
        assert User.objects.filter(commission=commission, role=role, is_active=True).exists(), code


def test_demo_applications_stand_at_every_stage(demo):
    states = set(Application.objects.values_list("state", flat=True))
    assert {State.SUBMITTED, State.FORMAL_CHECK, State.DEPARTMENT_REVIEW, State.EXPERT_REVIEW, State.APPROVED} <= states
    assert ExpertAssignment.objects.filter(expert__username="expert", application__state=State.EXPERT_REVIEW).exists()
    # DRC has an opinion to give on the application in department review.
    assert ReviewTask.objects.filter(
        commission__code="DRC", state="open", application__state=State.DEPARTMENT_REVIEW
    ).exists()
    on_notice = Award.objects.get(state=AwardState.PUBLICITY)
    assert on_notice.notice_until >= on_notice.notice_from  # open: objections can be filed today


def test_demo_awards_have_letters_payments_and_a_clawback_with_their_audit_trail(demo):
    letter = Letter.objects.get(application__title=DEVICE_STAGES["letter_issued"][0])
    assert letter.award.state == AwardState.LETTER_ISSUED and letter.award.paid == 0
    assert letter.rendered_at is not None and letter.pdf.read(5) == b"%PDF-"
    partly = Award.objects.get(application__title=DEVICE_STAGES["partly_paid"][0])
    assert partly.state == AwardState.LETTER_ISSUED
    assert partly.payments.count() == 1 and 0 < partly.paid < partly.amount
    clawed = Award.objects.get(state=AwardState.CLAWED_BACK)
    assert clawed.clawbacks.count() == 1 and clawed.clawed_back > 0
    for award in [letter.award, partly, clawed]:
        actions = set(AuditEvent.objects.filter(application=award.application).values_list("action", flat=True))
        assert {"submit", "pass_formal_check", "approve", "notice_published", "award_confirmed", "letter_issued"} <= (
            actions
        ), actions


def test_print_logins_names_every_login_with_what_to_try(demo, capsys):
    call_command("load_demo", "--print-logins")
    out = capsys.readouterr().out
    for username in User.objects.values_list("username", flat=True):
        assert f"  {username} " in out
    assert "officer-drc" in out and out.count("try first:") == User.objects.count()


def test_the_demo_administrator_confirms_policy_c_on_the_record(demo, client):
    """Issue 14, correction 5: the demo shows the administrator's act, not a silent flag."""
    from applications.models import Policy
    from tests import personas
    from tests.logins import login

    policy = Policy.objects.get(code="SH-GOV-OFFICE-2024-9")
    admin = User.objects.get(username="admin")
    assert policy.amounts_verified and policy.amounts_verified_by == admin and policy.amounts_verified_at
    assert "沪府办规〔2024〕9号" in policy.amounts_verified_against
    at = policy.amounts_verified_at
    call_command("load_demo")
    assert Policy.objects.get(pk=policy.pk).amounts_verified_at == at  # loading again is not a second act
    # Any administrator reads the act in the Django admin (the demo's own one first sets up two-factor).
    listed = login(client, personas.admin()).get("/admin/applications/policy/").content.decode()
    assert policy.amounts_verified_against in listed


def test_demo_projects_stand_at_every_state_after_the_award(demo):
    """Issue 15: a project in every state, each reached through the services with its audit trail."""
    assert set(Project.objects.values_list("state", flat=True)) == set(ProjectState.values)
    passed = Project.objects.get(state=ProjectState.PASSED)
    assert passed.award.state == AwardState.DISBURSED and passed.award.paid == passed.award.amount
    clawed = Project.objects.get(state=ProjectState.CLAWED_BACK)
    assert clawed.award.clawbacks.get().proposal == clawed.clawback_proposal
    for project in Project.objects.all():
        actions = set(AuditEvent.objects.filter(data__project=project.pk).values_list("action", flat=True))
        assert "project_opened" in actions, project
    panel = Project.objects.get(state=ProjectState.ACCEPTANCE_PANEL)
    assert panel.panel_assignments.filter(expert__username="expert").exists()


def test_the_demo_has_an_internationalisation_desk_case_answered_by_two_units(demo, client):
    """B II.5(12): alice's case, routed by STCSM to Customs and SMPA, both answered; she reads both and may reopen."""
    from django.urls import reverse

    from reviews.models import TaskKind
    from tests.logins import login

    case = Application.objects.get(call__program__code="INTL24-INTERNATIONALISATION-DESK")
    assert case.state == State.ANSWERED and case.organisation.members.filter(username="alice").exists()
    answers = ReviewTask.objects.filter(application=case, kind=TaskKind.DESK_ANSWER, state="done")
    assert set(answers.values_list("commission__code", flat=True)) == {"CUSTOMS", "SMPA"}
    assert AuditEvent.objects.filter(application=case, action="answered", actor=None).count() == 1
    page = login(client, User.objects.get(username="alice")).get(reverse("desk-case", args=[case.pk]))
    body = page.content.decode()
    assert "Shanghai Customs" in body and "Municipal Medical Products Administration" in body
    assert 'id="reopen"' in body and "port office" not in body  # Customs' internal note stays internal
    # Every unit the desk may be routed to has a login, so a routing made in the demo can be answered.
    for code in ("FAO", "FINOFFICE", "SFRB", "CCPIT", "CUSTOMS", "LEADGROUP"):
        assert User.objects.filter(commission__code=code, role=Role.OFFICER, is_active=True).exists(), code


def test_the_demo_shows_public_registers_with_a_valid_and_a_removed_entry_and_a_hospitals_beds(demo, client):
    from awards.models import EntryState, RegisterEntry

    hospital = User.objects.get(username="hospital")
    assert hospital.organisation.kind == "public_institution" and hospital.check_password("demo-portal-2026")
    beds = RegisterEntry.objects.get(program__code="BIO21-CLINICAL-RESEARCH-BEDS")
    assert (beds.organisation, beds.state) == (hospital.organisation, EntryState.VALID)
    assert beds.certificate.pdf.read(5) == b"%PDF-" and beds.public_facts[0]["value"] == 36
    aid = RegisterEntry.objects.filter(program__code="INTL24-FOREIGN-AID-CATALOGUE")
    assert sorted(aid.values_list("state", flat=True)) == [EntryState.IN_NOTICE, EntryState.REMOVED, EntryState.VALID]
    page = client.get("/registers/INTL24-FOREIGN-AID-CATALOGUE/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Removed on" in page and "production moved outside Shanghai" in page
    assert "36" in client.get("/registers/BIO21-CLINICAL-RESEARCH-BEDS/").content.decode()
