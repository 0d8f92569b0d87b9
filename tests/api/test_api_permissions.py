"""The review issue's permission matrix through the API (SPEC §7: same permissions as the pages): for each
lifecycle step x each actor, exactly the allowed actors succeed; everyone else gets 404 for an object they may
not see, 403 for a step they may not take on one they see, and nothing is written. Lists show only what the user
may see; token and session auth work; malformed input is a 400 naming the field."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from applications.models import Application, AuditEvent, State
from applications.selectors import visible_applications
from awards.letters import letter_issue
from awards.services import award_compute
from reviews import selectors as review_selectors
from reviews.models import Decision, ReviewTask, TaskKind, TaskState
from tests import journeys
from tests.factories import PASSWORD
from tests.filings import EXE, make_draft, pdf, submit

REASON = "Recorded for the API permission matrix."
API = "/api/v1"


def reload(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def snapshot(application: Application) -> dict:
    """Everything a step could write about one application."""
    application = reload(application)
    return {
        "state": application.state,
        "title": application.title,
        "facts": application.draft_facts,
        "audit_events": AuditEvent.objects.filter(application=application).count(),
        "decisions": Decision.objects.filter(application=application).count(),
        "tasks": list(
            ReviewTask.objects.filter(application=application)
            .order_by("pk")
            .values_list("pk", "state", "outcome", "assigned_to_id")
        ),
        "versions": application.versions.count(),
        "attachments": application.attachments.count(),
    }


# --- applications in each source state ----------------------------------------------------------------


def draft(call, people) -> Application:
    return make_draft(call, people["alice"])


def submitted(call, people) -> Application:
    return submit(call, people["alice"])


def in_formal_check(call, people) -> Application:
    application = submitted(call, people)
    journeys.workflow.transition(application=application, action="start_formal_check", by=people["lead_officer"])
    return reload(application)


def in_department_review(call, people) -> Application:
    return journeys.pass_formal_check(submitted(call, people))


def ready_for_decision(call, people) -> Application:
    return journeys.ready_for_decision(submitted(call, people))


def open_task(application: Application, code: str, kind: str) -> ReviewTask:
    return ReviewTask.objects.get(application=application, commission__code=code, kind=kind, state=TaskState.OPEN)


# --- the steps, as API requests -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    source: Callable  # (call, people) -> application in the step's source state
    request: Callable  # (client, application) -> response
    allowed: frozenset
    target: str | None  # the state after the step (None: the step does not change it)
    on_task: tuple | None = None  # (commission code, task kind): the object is that task, not the application

    def task(self, application):
        return open_task(application, *self.on_task) if self.on_task else None


def transition(action: str, **body):
    return lambda client, application: client.post(
        f"{API}/applications/{application.pk}/transitions/", {"action": action, **body}, format="json"
    )


def on_task(code: str, kind: str, verb: str, body: dict):
    def request(client, application):
        return client.post(f"{API}/review-tasks/{open_task(application, code, kind).pk}/{verb}/", body, format="json")

    return request


APPLICANT = frozenset({"alice", "bob"})
LEAD = frozenset({"lead_officer"})

STEPS = [
    Step(
        "save_draft",
        draft,
        lambda client, a: client.patch(
            f"{API}/applications/{a.pk}/", {"title": "Renamed", "facts": {"rd_spending": "2000000"}}, format="json"
        ),
        APPLICANT,
        State.DRAFT,
    ),
    Step(
        "attachment",
        draft,
        lambda client, a: client.post(
            f"{API}/applications/{a.pk}/attachments/",
            {"document_type": a.track.document_types[0]["code"], "file": pdf()},
            format="multipart",
        ),
        APPLICANT,
        None,
    ),
    Step(
        "submit", draft, lambda client, a: client.post(f"{API}/applications/{a.pk}/submit/"), APPLICANT, State.SUBMITTED
    ),
    Step("start_formal_check", submitted, transition("start_formal_check"), LEAD, State.FORMAL_CHECK),
    Step(
        "pass_formal_check",
        in_formal_check,
        transition("pass_formal_check", checklist=journeys.ALL_HOLD),
        LEAD,
        State.DEPARTMENT_REVIEW,
    ),
    Step(
        "return_for_correction",
        in_formal_check,
        transition("return_for_correction", reason=REASON, checklist={"documents": False}),
        LEAD,
        State.RETURNED,
    ),
    Step("approve", ready_for_decision, transition("approve"), LEAD, State.APPROVED),
    Step("reject", ready_for_decision, transition("reject", reason=REASON), LEAD, State.REJECTED),
    Step(
        "withdraw",
        submitted,
        lambda client, a: client.post(f"{API}/applications/{a.pk}/withdraw/", {"reason": REASON}, format="json"),
        APPLICANT,
        State.WITHDRAWN,
    ),
    Step(
        "opinion",
        in_department_review,
        on_task("SMPA", TaskKind.OPINION, "opinion", {"opinion": "support", "reasons": "Fine."}),
        frozenset({"co_reviewer"}),
        None,
        on_task=("SMPA", TaskKind.OPINION),
    ),
    Step(
        "budget_confirmation",
        in_department_review,
        on_task("FIN", TaskKind.BUDGET, "budget", {"confirmed": True}),
        frozenset({"finance_officer"}),
        None,
        on_task=("FIN", TaskKind.BUDGET),
    ),
]


def expected_refusal(name: str, user, step: Step, application: Application) -> int:
    """404 to whoever may not see the object, 403 to whoever sees it but may not take the step."""
    if not user.is_authenticated:
        return 403  # not signed in (session auth comes first, so DRF answers 403 rather than 401)
    task = step.task(application)
    if task is not None:
        visible = review_selectors.commission_tasks(user).filter(pk=task.pk).exists()
    else:
        visible = visible_applications(user).filter(pk=application.pk).exists()
    return 403 if visible else 404


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_only_the_allowed_actors_take_each_step_and_a_refusal_writes_nothing(step, review_call, people, clients):
    application = step.source(review_call, people)
    before = snapshot(application)

    answers, expected, wrote = {}, {}, []
    for name, user in people.items():
        if name in step.allowed:
            continue
        expected[name] = expected_refusal(name, user, step, application)
        answers[name] = step.request(clients[name], application).status_code
        if snapshot(application) != before:
            wrote.append(name)
    assert answers == expected
    assert wrote == []
    # Outsiders learn nothing: another organisation and an unrelated commission always get 404.
    assert answers["charlie"] == answers["unrelated_officer"] == 404

    for n, name in enumerate(sorted(step.allowed)):
        target = application if n == 0 else step.source(review_call, people)
        events = AuditEvent.objects.filter(application=target).count()
        response = step.request(clients[name], target)
        assert response.status_code in (200, 201), (name, response.json())
        if step.target is not None:
            assert reload(target).state == step.target == response.json()["state"]
        if step.name not in ("save_draft", "attachment"):
            event = AuditEvent.objects.filter(application=target).latest("pk")
            assert AuditEvent.objects.filter(application=target).count() == events + 1
            assert event.actor == people[name]


def test_the_matrix_names_every_officer_step_and_the_applicants_steps():
    assert {s.name for s in STEPS} >= {
        "submit",
        "start_formal_check",
        "pass_formal_check",
        "return_for_correction",
        "approve",
        "reject",
        "withdraw",
        "opinion",
        "budget_confirmation",
    }


def test_visible_but_not_allowed_is_403_with_the_reason(review_call, people, clients):
    application = in_department_review(review_call, people)
    before = snapshot(application)
    fin_task = open_task(application, "FIN", TaskKind.BUDGET)
    # The Finance Bureau sees its budget task but gives no technical opinion on it.
    response = clients["finance_officer"].post(
        f"{API}/review-tasks/{fin_task.pk}/opinion/", {"opinion": "support"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed" and response.json()["non_field_errors"]
    # A co-reviewer sees the file but does not decide.
    response = clients["co_reviewer"].post(
        f"{API}/applications/{application.pk}/transitions/", {"action": "reject", "reason": REASON}, format="json"
    )
    assert response.status_code == 403
    assert snapshot(application) == before


def test_an_illegal_step_is_a_400_and_changes_nothing(review_call, people, clients):
    application = submitted(review_call, people)
    before = snapshot(application)
    response = clients["lead_officer"].post(
        f"{API}/applications/{application.pk}/transitions/", {"action": "approve"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"
    assert snapshot(application) == before


# --- lists and reads ------------------------------------------------------------------------------------


def ids(response) -> set:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_application_lists_show_only_what_the_user_may_see(review_call, people, clients):
    alices = submitted(review_call, people)
    alices_draft = draft(review_call, people)
    charlies = submit(review_call, people["charlie"])

    assert ids(clients["alice"].get(f"{API}/applications/")) == {alices.pk, alices_draft.pk}
    assert ids(clients["bob"].get(f"{API}/applications/")) == {alices.pk, alices_draft.pk}
    assert ids(clients["charlie"].get(f"{API}/applications/")) == {charlies.pk}
    # The lead commission sees what was submitted to it, never a draft; other commissions see nothing yet.
    assert ids(clients["lead_officer"].get(f"{API}/applications/")) == {alices.pk, charlies.pk}
    for name in ("co_reviewer", "unrelated_officer", "finance_officer", "expert"):
        assert ids(clients[name].get(f"{API}/applications/")) == set(), name
    assert clients["anonymous"].get(f"{API}/applications/").status_code == 403

    assert clients["charlie"].get(f"{API}/applications/{alices.pk}/").status_code == 404
    assert clients["lead_officer"].get(f"{API}/applications/{alices_draft.pk}/").status_code == 404
    body = clients["bob"].get(f"{API}/applications/{alices.pk}/").json()
    assert (body["state"], body["receipt_number"], body["program"]) == (
        "submitted",
        alices.receipt_number,
        "BIO24-DRUG-INNOVATIVE",
    )
    assert ids(clients["alice"].get(f"{API}/applications/?state=draft")) == {alices_draft.pk}


def test_review_queues_show_each_commission_its_own_open_tasks(review_call, people, clients):
    application = in_department_review(review_call, people)
    other = submitted(review_call, people)
    tasks = {t.commission.code: t.pk for t in ReviewTask.objects.filter(application=application, state="open")}

    assert ids(clients["co_reviewer"].get(f"{API}/review-tasks/")) == {tasks["SMPA"]}
    assert ids(clients["finance_officer"].get(f"{API}/review-tasks/")) == {tasks["FIN"]}
    stcsm = ids(clients["lead_officer"].get(f"{API}/review-tasks/"))
    assert tasks["STCSM"] in stcsm and tasks["SMPA"] not in stcsm
    assert open_task(other, "STCSM", TaskKind.FORMAL_CHECK).pk in stcsm
    for name in ("alice", "bob", "charlie", "unrelated_officer", "expert"):
        assert ids(clients[name].get(f"{API}/review-tasks/")) == set(), name
    assert clients["co_reviewer"].get(f"{API}/review-tasks/{tasks['FIN']}/").status_code == 404
    assert clients["co_reviewer"].get(f"{API}/review-tasks/{tasks['SMPA']}/").json()["commission"] == "SMPA"

    lead = clients["lead_officer"]
    assert ids(lead.get(f"{API}/review-tasks/?kind=formal_check")) == {open_task(other, "STCSM", "formal_check").pk}
    assert ids(lead.get(f"{API}/review-tasks/?overdue=true")) == set()
    assert ids(lead.get(f"{API}/review-tasks/?call={review_call.pk}&program=BIO24-DRUG-INNOVATIVE")) == stcsm
    assert ids(lead.get(f"{API}/review-tasks/?program=BIO21-CDMO")) == set()


def test_open_calls_are_public_and_filter_by_commission_program_and_kind(review_call, people, clients):
    anonymous = APIClient()
    everything = ids(anonymous.get(f"{API}/calls/"))
    assert review_call.pk in everything
    assert ids(anonymous.get(f"{API}/calls/?commission=STCSM")) == {review_call.pk}
    assert ids(anonymous.get(f"{API}/calls/?commission=stcsm&program=BIO24-DRUG-INNOVATIVE")) == {review_call.pk}
    assert ids(anonymous.get(f"{API}/calls/?commission=COMMERCE")) == set()
    kind = review_call.program.kind
    assert review_call.pk in ids(anonymous.get(f"{API}/calls/?kind={kind}"))
    assert ids(anonymous.get(f"{API}/calls/?kind=no-such-kind")) == set()
    body = anonymous.get(f"{API}/calls/{review_call.pk}/").json()
    assert body["lead"] == "STCSM" and {t["code"] for t in body["tracks"]} >= {"phase_1", "phase_2", "phase_3"}


def test_organisations_me_is_the_users_own(review_call, people, clients):
    assert clients["bob"].get(f"{API}/organisations/me/").json()["name"] == "Zhangjiang Demo Biotech"
    assert clients["charlie"].get(f"{API}/organisations/me/").json()["name"] == "Other Pharma"
    assert clients["lead_officer"].get(f"{API}/organisations/me/").status_code == 404
    assert clients["anonymous"].get(f"{API}/organisations/me/").status_code == 403


def test_awards_and_letters_reach_only_those_who_may_see_them(review_call, people, clients):
    approved = journeys.approve(submitted(review_call, people))
    award = award_compute(application_id=approved.pk)
    rejected = ready_for_decision(review_call, people)
    journeys.workflow.transition(application=rejected, action="reject", by=people["lead_officer"], reason=REASON)
    letter = letter_issue(decision_id=Decision.objects.get(application=rejected).pk)

    assert ids(clients["alice"].get(f"{API}/awards/")) == {award.pk}
    assert ids(clients["lead_officer"].get(f"{API}/awards/")) == {award.pk}
    for name in ("charlie", "unrelated_officer", "expert"):
        assert ids(clients[name].get(f"{API}/awards/")) == set(), name
    assert clients["charlie"].get(f"{API}/awards/{award.pk}/").status_code == 404
    body = clients["bob"].get(f"{API}/awards/{award.pk}/").json()
    assert Decimal(body["amount"]) == award.amount and body["application"] == approved.pk

    download = clients["alice"].get(f"{API}/letters/{letter.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    for name in ("charlie", "unrelated_officer", "expert"):
        refused = clients[name].get(f"{API}/letters/{letter.pk}/pdf/", HTTP_ACCEPT="application/pdf")
        assert refused.status_code == 404, name
        assert refused["Content-Type"] == "application/json"
    assert clients["anonymous"].get(f"{API}/letters/{letter.pk}/pdf/").status_code == 403


def test_lists_are_paged_by_cursor(review_call, people, clients):
    made = {draft(review_call, people).pk for _ in range(3)}
    first = clients["alice"].get(f"{API}/applications/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = clients["alice"].get(first["next"]).json()
    assert {r["id"] for r in first["results"] + second["results"]} == made
    assert second["next"] is None


# --- authentication --------------------------------------------------------------------------------------


def test_a_token_is_obtained_with_the_password_and_authenticates(review_call, people):
    anonymous = APIClient()
    response = anonymous.post(f"{API}/auth-token/", {"username": "bob", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(f"{API}/organisations/me/").status_code == 200
    assert (
        anonymous.post(f"{API}/auth-token/", {"username": "bob", "password": "wrong"}, format="json").status_code == 400
    )

    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert stale.get(f"{API}/applications/").status_code == 403
    AuthToken.objects.filter(user=people["bob"]).delete()
    assert client.get(f"{API}/organisations/me/").status_code == 403


def test_session_auth_works_and_needs_the_csrf_token_to_write(review_call, people):
    application = draft(review_call, people)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(people["alice"])
    assert client.get(f"{API}/applications/{application.pk}/").status_code == 200
    assert client.post(f"{API}/applications/{application.pk}/submit/").status_code == 403
    assert reload(application).state == State.DRAFT


# --- malformed input --------------------------------------------------------------------------------------


def test_creating_a_draft_through_the_api(review_call, people, clients):
    response = clients["alice"].post(
        f"{API}/applications/", {"call": review_call.pk, "track": "phase_1", "title": "Drug Y"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["state"], response.json()["track"]) == ("draft", "phase_1")
    assert Application.objects.get(pk=response.json()["id"]).created_by == people["alice"]
    # Officers and experts file for no organisation.
    for name in ("lead_officer", "expert"):
        refused = clients[name].post(
            f"{API}/applications/", {"call": review_call.pk, "track": "phase_1", "title": "X"}, format="json"
        )
        assert refused.status_code == 403, name


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"track": "phase_1", "title": "X"}, "call"),
        ({"call": "one", "track": "phase_1", "title": "X"}, "call"),
        ({"call": 999999, "track": "phase_1", "title": "X"}, "call"),
        ({"call": "CALL", "track": "phase_9", "title": "X"}, "track"),
        ({"call": "CALL", "track": "phase_1"}, "title"),
        ({"call": "CALL", "track": "phase_1", "title": "x" * 201}, "title"),
        ({"call": "CALL", "track": "phase_1", "title": "nul\x00"}, "title"),
    ],
    ids=[
        "missing-call",
        "call-not-a-number",
        "no-such-open-call",
        "unknown-track",
        "missing-title",
        "long-title",
        "nul",
    ],
)
def test_malformed_draft_is_400_naming_the_field(review_call, people, clients, body, field):
    body = {k: (review_call.pk if v == "CALL" else v) for k, v in body.items()}
    response = clients["alice"].post(f"{API}/applications/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_malformed_edits_and_steps_are_400_naming_the_field(review_call, people, clients):
    alice = clients["alice"]
    application = draft(review_call, people)
    before = snapshot(application)
    url = f"{API}/applications/{application.pk}"
    cases = [
        (alice.patch(f"{url}/", {"facts": ["rd_spending"]}, format="json"), "facts"),
        (alice.patch(f"{url}/", {"facts": {"rd_spending": {"nested": 1}}}, format="json"), "facts"),
        (alice.patch(f"{url}/", {"facts": {"rd_spending": "1\x00"}}, format="json"), "facts"),
        (
            alice.post(f"{url}/attachments/", {"document_type": "x" * 41, "file": pdf()}, format="multipart"),
            "document_type",
        ),
        (
            alice.post(f"{url}/attachments/", {"document_type": "nope", "file": pdf()}, format="multipart"),
            "document_type",
        ),
        (
            alice.post(
                f"{url}/attachments/",
                {"document_type": "clinical_trial_approval", "file": pdf("x.pdf", EXE)},
                format="multipart",
            ),
            "file",
        ),
        (alice.post(f"{url}/attachments/", {"document_type": "nope"}, format="multipart"), "file"),
        (alice.post(f"{url}/transitions/", {"action": "teleport"}, format="json"), "action"),
    ]
    assert [(r.status_code, field in r.json()) for r, field in cases] == [(400, True)] * len(cases)
    assert snapshot(application) == before

    # Submitting a draft with a missing fact names the fact.
    alice.patch(f"{url}/", {"facts": {"rd_spending": None}}, format="json")
    response = alice.post(f"{url}/submit/")
    assert response.status_code == 400
    assert "rd_spending" in response.json()["facts"]
    assert reload(application).state == State.DRAFT


@pytest.mark.parametrize(
    "raw",
    [
        '{"facts": {"rd_spending": 1e309}}',
        '{"facts": {"rd_spending": -1e309}}',
        '{"facts": {"rd_spending": 1e20}}',
        '{"facts": {"indications": ["oncology", 1e309]}}',
        '{"title": "Renamed", "facts": {"rd_spending": "1", "indications": [-1e309]}}',
    ],
    ids=["infinity", "minus-infinity", "out-of-range", "in-a-list", "beside-valid-changes"],
)
def test_a_number_that_cannot_be_stored_in_the_facts_is_400_and_saves_nothing(review_call, people, clients, raw):
    # 1e309 parses as infinity, which PostgreSQL's jsonb refuses: this answered 500.
    application = draft(review_call, people)
    before = snapshot(application)
    url = f"{API}/applications/{application.pk}/"
    response = clients["alice"].generic("PATCH", url, raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert set(response.json()["facts"]) == {"indications" if "indications" in raw else "rd_spending"}
    assert snapshot(application) == before


def test_nan_and_infinity_literals_in_the_json_are_400(review_call, people, clients):
    application = draft(review_call, people)
    url = f"{API}/applications/{application.pk}/"
    for raw in ('{"facts": {"rd_spending": NaN}}', '{"facts": {"rd_spending": Infinity}}'):
        assert clients["alice"].generic("PATCH", url, raw, content_type="application/json").status_code == 400


def test_malformed_officer_input_is_400_and_writes_nothing(review_call, people, clients):
    checking = in_formal_check(review_call, people)
    review = in_department_review(review_call, people)
    lead = clients["lead_officer"]
    snapshots = (snapshot(checking), snapshot(review))
    smpa = open_task(review, "SMPA", TaskKind.OPINION)
    fin = open_task(review, "FIN", TaskKind.BUDGET)
    cases = [
        (
            lead.post(f"{API}/applications/{checking.pk}/transitions/", {"action": "pass_formal_check"}, format="json"),
            "checklist",
        ),
        (
            lead.post(
                f"{API}/applications/{checking.pk}/transitions/",
                {"action": "pass_formal_check", "checklist": {"documents": "perhaps"}},
                format="json",
            ),
            "checklist",
        ),
        (
            lead.post(
                f"{API}/applications/{checking.pk}/transitions/", {"action": "return_for_correction"}, format="json"
            ),
            "reason",
        ),
        (lead.post(f"{API}/applications/{review.pk}/transitions/", {"action": "reject"}, format="json"), "reason"),
        (
            lead.post(
                f"{API}/applications/{review.pk}/transitions/",
                {"action": "approve", "recommended_amount": "-1"},
                format="json",
            ),
            "recommended_amount",
        ),
        (
            clients["co_reviewer"].post(f"{API}/review-tasks/{smpa.pk}/opinion/", {"opinion": "maybe"}, format="json"),
            "opinion",
        ),
        (
            clients["co_reviewer"].post(f"{API}/review-tasks/{smpa.pk}/opinion/", {"opinion": "object"}, format="json"),
            "reasons",
        ),
        (clients["finance_officer"].post(f"{API}/review-tasks/{fin.pk}/budget/", {}, format="json"), "confirmed"),
        (
            clients["finance_officer"].post(
                f"{API}/review-tasks/{fin.pk}/budget/", {"confirmed": False}, format="json"
            ),
            "note",
        ),
    ]
    assert [(r.status_code, field in r.json()) for r, field in cases] == [(400, True)] * len(cases)
    assert (snapshot(checking), snapshot(review)) == snapshots
