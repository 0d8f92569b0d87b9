"""The world of the access matrix (tests/portal/test_access_matrix.py): two organisations, the
commissions of one call and an unrelated one, experts in and out of a round, a finance officer, an
administrator, and applications, files, awards, letters, objections, invitations and an export in every
state a URL can point at. Built once per module through the services, as the other tests build them.

People (the matrix's columns):
    alice    administrator of org_a (Zhangjiang Demo Biotech), the "own" organisation
    bob      her colleague in org_a (no team administration)
    charlie  administrator of org_b (Other Pharma), the "other" organisation
    lead     stcsm_officer: STCSM leads both calls (BIO24-DRUG-INNOVATIVE)
    co       smpa_officer: SMPA co-reviews (routed once the formal check passes)
    other    commerce_officer: COMMERCE, a commission the BIO24 calls are never routed to; it keeps the register of
             the foreign-aid catalogue (INTL24-FOREIGN-AID-CATALOGUE), whose call the world also has
    fin      finance_officer of the Finance Bureau (budget confirmation, payments)
    expert   the expert persona (dr-wang), invited to the expert call and assigned to its applications
    stranger expert invited to nothing
    admin    the admin persona (staff and superuser, as `load_demo` makes them)

The internationalisation desk's cases (STCSM routes them) go to SMPA (co) and HEALTH, never to COMMERCE (other).

Every person but the stranger is a persona of tests/personas.py.
"""

from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from applications import alerts, filing, workflow
from applications.catalogue import load_catalogue
from awards import exports, notice
from awards.certificates import certificate_issue
from awards.letters import letter_issue
from awards.models import Award
from awards.projects import acceptance, documents, statements, variations
from awards.projects.models import DocumentKind, Project, VariationKind
from awards.register_notice import entry_objection_file
from awards.services import award_compute
from portal.accounts import inbox
from portal.accounts.models import Commission, NotificationKind
from portal.accounts.organisations import hash_token, member_invite
from reviews import services, threads
from reviews.models import ExpertAssignment, ReviewTask, TaskKind
from tests import journeys, personas, registers
from tests.calls import bio24_call, desk_call
from tests.factories import expert
from tests.filings import DRUG_FACTS, make_draft, open_case, pdf
from tests.projects import builders

INVITATION_TOKEN = "matrix-invitation-token-for-org-a"


class Keys:
    """A fresh product key per filing: awards of one product would otherwise be reduced by overlap."""

    n = 0

    @classmethod
    def facts(cls) -> dict:
        cls.n += 1
        return {**DRUG_FACTS, "product_key": f"MATRIX-{cls.n:03d}"}


def _submitted(call, by, title):
    return filing.application_submit(application=make_draft(call, by, facts=Keys.facts(), title=title), by=by)


def _approved(call, by, title):
    return journeys.approve(_submitted(call, by, title))


def _sent_to_experts(call, by, title):
    application = journeys.ready_for_decision(_submitted(call, by, title))
    return workflow.transition(application=application, action="send_to_experts", by=journeys.lead(application))


# The org_a applications whose projects the matrix points at, by title -> the world's attribute.
PROJECTS = {
    "A project in progress": "a_running_app",
    "A project with a variation asked for": "a_varied_app",
    "A project ready for acceptance": "a_ready_app",
    "A project applied for acceptance": "a_applied_app",
    "A project on the panel": "a_panel_app",
    "A project awaiting a declaration": "a_undeclared_app",
    "A project failed": "a_failed_app",
    "A project with conditions": "a_conditions_app",
}


def _projects(w) -> None:
    """Projects in each state a project route can point at, walked there through the services."""
    for application in (getattr(w, name) for name in PROJECTS.values()):
        letter_issue(decision_id=Award.objects.get(application=application).decision_id)
    # The project of a's award: a complete draft, not yet submitted; b's: submitted, with the lead.
    w.a_project = Project.objects.get(award=w.a_award)
    statements.statement_save(project=w.a_project, by=w.alice, content=builders.statement_content())
    w.b_project = Project.objects.get(award=w.b_award)
    builders.submitted(w.b_project, w.charlie)
    started = {}
    for name in PROJECTS.values():
        project = Project.objects.get(application=getattr(w, name))
        builders.submitted(project, w.alice)
        statements.statement_accept(project=project, by=w.lead)
        started[name] = Project.objects.get(pk=project.pk)
    # In progress: report 1 filed (the lead answers it), report 2 due with its evidence attached.
    w.a_running = started["a_running_app"]
    w.a_report_filed = builders.file_report(w.a_running.reports.get(number=1), w.alice)
    w.a_report_due = w.a_running.reports.get(number=2)
    w.a_evidence = documents.evidence_add(report=w.a_report_due, upload=pdf("evidence.pdf"), by=w.alice)
    w.a_instalment = w.a_running.instalments.get(number=1)  # payable: on the letter
    # A variation waiting for the lead.
    w.a_varied = started["a_varied_app"]
    w.a_variation = variations.variation_request(
        project=w.a_varied,
        by=w.alice,
        kind=VariationKind.CHANGE_LEAD,
        change={"name": "Dr Zhou"},
        grounds="Dr Li left.",
    )
    # Every report accepted and both acceptance documents attached: acceptance can be applied for.
    w.a_acceptable = builders.all_reports_accepted(started["a_ready_app"], w.alice)
    for kind in (DocumentKind.FINAL_REPORT, DocumentKind.AUDIT_REPORT):
        documents.acceptance_document_add(project=w.a_acceptable, kind=kind, upload=pdf(f"{kind}.pdf"), by=w.alice)
    for name in ("a_applied_app", "a_panel_app", "a_undeclared_app", "a_failed_app", "a_conditions_app"):
        builders.pay(started[name].instalments.get(number=1))
        started[name] = builders.acceptance_applied(builders.all_reports_accepted(started[name], w.alice), w.alice)
    w.a_applied = started["a_applied_app"]
    # Panels of dr-wang: declared no conflict on one (its file is open to him), not yet on the other.
    w.a_panel, w.a_undeclared = started["a_panel_app"], started["a_undeclared_app"]
    (w.seat,) = acceptance.panel_send(project=w.a_panel, by=w.lead, experts=[w.expert])
    acceptance.panel_declare(seat=w.seat, by=w.expert, has_conflict=False)
    (w.seat_undeclared,) = acceptance.panel_send(project=w.a_undeclared, by=w.lead, experts=[w.expert])
    w.a_panel_document = acceptance.current(w.a_panel).documents.first()
    w.a_failed = started["a_failed_app"]
    acceptance.acceptance_decide(project=w.a_failed, by=w.lead, outcome="failed", reasons="Indicators not met.")
    w.a_proposal = Project.objects.get(pk=w.a_failed.pk).clawback_proposal
    w.a_conditions = started["a_conditions_app"]
    acceptance.acceptance_decide(
        project=w.a_conditions,
        by=w.lead,
        outcome="passed_with_conditions",
        reasons="Mostly.",
        conditions="File the CSR.",
    )


def build() -> SimpleNamespace:
    load_catalogue()
    w = SimpleNamespace()
    w.org_a = personas.org_a()
    w.org_b = personas.org_b()
    w.alice = personas.alice()
    w.bob = personas.bob()
    w.charlie = personas.charlie()
    w.lead = personas.stcsm_officer()
    w.co = personas.smpa_officer()
    w.other = personas.commerce_officer()
    w.fin = personas.finance_officer()
    w.expert = personas.expert()
    w.stranger = expert(username="dr-zhao")
    w.admin = personas.admin()  # with the authenticator app administrators sign in with

    # Two calls of one program led by STCSM; the second uses expert review.
    w.call = bio24_call()
    w.xcall = bio24_call(uses_expert_review=True)
    services.expert_invite(call=w.xcall, expert=w.expert, by=w.admin)

    # --- org_a's applications, one per state a URL can show -------------------------------------
    w.a_draft = make_draft(w.call, w.alice, facts=Keys.facts(), title="A draft")
    w.a_draft_attachment = w.a_draft.attachments.order_by("pk").first()
    w.a_submitted = _submitted(w.call, w.alice, "A submitted")  # only STCSM's formal check so far
    w.a_submitted_attachment = w.a_submitted.current_version.attachments.order_by("pk").first()
    w.a_formal_task = ReviewTask.objects.get(application=w.a_submitted, kind=TaskKind.FORMAL_CHECK)
    w.a_review = journeys.pass_formal_check(_submitted(w.call, w.alice, "A in review"))  # opinions, budget open
    w.smpa_task = ReviewTask.objects.get(application=w.a_review, commission__code="SMPA", kind=TaskKind.OPINION)
    w.fin_task = ReviewTask.objects.get(application=w.a_review, commission__code="FIN", kind=TaskKind.BUDGET)
    w.a_ready = journeys.ready_for_decision(_submitted(w.call, w.alice, "A ready for decision"))

    # Expert review: dr-wang declared no conflict on one (the file is open to him), not yet on the other.
    w.a_expert = _sent_to_experts(w.xcall, w.alice, "A with the experts")
    w.a_expert_attachment = w.a_expert.current_version.attachments.order_by("pk").first()
    w.assignment = ExpertAssignment.objects.get(application=w.a_expert, expert=w.expert)
    services.conflict_declare(assignment=w.assignment, by=w.expert, has_conflict=False)
    w.a_expert2 = _sent_to_experts(w.xcall, w.alice, "A awaiting the declaration")
    w.assignment_undeclared = ExpertAssignment.objects.get(application=w.a_expert2, expert=w.expert)

    # The thread of "A in review" (reviews/threads.py): STCSM's clarification request with a file, and an internal
    # note with one (the applicant's team never reads it).
    w.a_question = threads.message_post(
        application=w.a_review, by=w.lead, body="Which site ran the trial?", due_on=date(2099, 1, 1), files=[pdf()]
    )
    w.a_question_file = w.a_question.attachments.get()
    w.a_internal_file = threads.message_post(
        application=w.a_review, by=w.lead, body="Check the credit record.", internal=True, files=[pdf()]
    ).attachments.get()

    # --- org_b's applications ---------------------------------------------------------------------
    w.b_draft = make_draft(w.call, w.charlie, facts=Keys.facts(), title="B draft")
    w.b_submitted = _submitted(w.call, w.charlie, "B submitted")
    w.b_submitted_attachment = w.b_submitted.current_version.attachments.order_by("pk").first()

    # --- awards: confirmed with a letter (both organisations), on notice with an objection, computed --
    w.a_awarded = _approved(w.call, w.alice, "A awarded")
    w.b_awarded = _approved(w.call, w.charlie, "B awarded")
    # Awards whose projects stand at the states the project routes point at (issue 15; _projects below).
    for title in PROJECTS:
        setattr(w, PROJECTS[title], _approved(w.call, w.alice, title))
    for application in (w.a_awarded, w.b_awarded, *(getattr(w, name) for name in PROJECTS.values())):
        award_compute(application_id=application.pk)
    notice.notice_publish(call=w.call, by=w.lead)
    notice.notices_close(today=timezone.localdate() + timedelta(days=30))
    w.a_award = Award.objects.get(application=w.a_awarded)
    w.b_award = Award.objects.get(application=w.b_awarded)
    w.a_letter = letter_issue(decision_id=w.a_award.decision_id)
    w.b_letter = letter_issue(decision_id=w.b_award.decision_id)
    _projects(w)

    w.a_notice = _approved(w.call, w.alice, "A on public notice")
    award_compute(application_id=w.a_notice.pk)
    notice.notice_publish(call=w.call, by=w.lead)
    w.notice_award = Award.objects.get(application=w.a_notice)
    w.objection = notice.objection_file(
        award=w.notice_award, name="Zhou Min", id_number="310101199001011234", phone="13800000000", text="Doubts."
    )
    w.a_computed = _approved(w.call, w.alice, "A computed, not yet on notice")
    w.computed_award = award_compute(application_id=w.a_computed.pk)

    # --- a register: alice's device listed with its certificate, one on notice with an objection, one approved ---
    w.aid_call = registers.recognition_call(registers.AID)
    aid = registers.AID_FACTS
    w.a_entry = registers.listed(w.aid_call, w.alice, title="A listed device", facts={**aid, "product_key": "AID-1"})
    w.a_certificate = certificate_issue(decision_id=w.a_entry.decision_id)
    w.notice_entry = registers.on_notice(
        w.aid_call, w.alice, title="A device on notice", facts={**aid, "product_key": "AID-2"}
    )
    w.entry_objection = entry_objection_file(
        entry=w.notice_entry, name="Zhou Min", id_number="310101199001011234", phone="13800000000", text="Imported."
    )
    w.waiting_entry = registers.entry_of(
        registers.approved(w.aid_call, w.alice, title="A device approved", facts={**aid, "product_key": "AID-3"})
    )

    # --- a co-reviewer nobody is registered for: the lead may proceed without its opinion ---------
    # A commission of its own, routed to this one filing only, so no journey above gave it an officer.
    nobody = Commission.objects.create(code="NOBODY", name_en="Unstaffed Bureau", name_zh="无人局")
    w.call.program.co_reviewers.add(nobody)
    w.a_unstaffed = journeys.pass_formal_check(_submitted(w.call, w.alice, "A without an officer"))
    w.call.program.co_reviewers.remove(nobody)
    w.unstaffed_task = ReviewTask.objects.get(application=w.a_unstaffed, commission=nobody, kind=TaskKind.OPINION)
    w.a_unstaffed_smpa_task = ReviewTask.objects.get(
        application=w.a_unstaffed, commission__code="SMPA", kind=TaskKind.OPINION
    )

    # --- the internationalisation desk (B II.5(12)): cases of each organisation ---------------------
    # Routed to SMPA (the "co" column) and HEALTH; COMMERCE ("other") is never routed to.
    w.desk = desk_call()
    w.a_case = open_case(w.desk, w.alice, title="A case to route")  # in STCSM's queue only
    w.a_case_routed = journeys.route(open_case(w.desk, w.alice, title="A case routed"))
    w.case_smpa_task = ReviewTask.objects.get(
        application=w.a_case_routed, commission__code="SMPA", kind=TaskKind.DESK_ANSWER
    )
    w.a_case_answered = journeys.answered_case(open_case(w.desk, w.alice, title="A case answered"))
    w.b_case = journeys.answered_case(open_case(w.desk, w.charlie, title="B case answered"))

    # --- teams: a pending invitation in each organisation (the clear token of org_a's is known) ---
    w.invitation_a = member_invite(organisation=w.org_a, email="frank@example.com", by=w.alice)
    w.invitation_a.token_hash = hash_token(INVITATION_TOKEN)
    w.invitation_a.save(update_fields=["token_hash"])
    w.invitation_b = member_invite(organisation=w.org_b, email="grace@example.com", by=w.charlie)

    # --- alice's API token (the page and the API list and revoke it) ---------------------------------
    from knox.models import AuthToken

    w.alice_token, _clear = AuthToken.objects.create(user=w.alice)

    # --- an unread item of alice's inbox (the world's steps left others with every person they concern) ---
    (w.alice_item,) = inbox.notify(
        users=[w.alice],
        kind=NotificationKind.OTHER,
        key="matrix:alice",
        texts={"zh-hans": ("矩阵", "正文"), "en": ("Matrix", "Text")},
        link="/",
    )

    # --- the administrator's finished XLSX export --------------------------------------------------
    # org_a's call alert (issue 16): the kind of support of the BIO24 drug calls
    w.a_alert, _created = alerts.alert_add(organisation=w.org_a, by=w.alice, criterion="kind", value="rd_innovation")
    w.export = exports.export_request(user=w.admin, kind="xlsx", filters={})
    exports.export_build(export_id=w.export.pk)
    w.export.refresh_from_db()
    return w
