"""Expert review: automatic exclusion of the applicant's own experts, conflict-of-interest declarations
before the file opens, scores on the call's rubric, the summary and ranking of scores, and when the lead
commission may decide."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications import workflow
from applications.models import Application, AuditEvent, State
from applications.selectors import visible_applications
from portal.errors import ErrorCode, PortalError
from reviews import services
from reviews.models import AssignmentState, Decision, ExpertAssignment
from reviews.selectors import call_ranking, score_summary
from tests import journeys
from tests.calls import RUBRIC
from tests.factories import expert
from tests.filings import PDF, submit


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def invite(call, admin, username, organisation=None):
    person = expert(username=username, organisation=organisation)
    services.expert_invite(call=call, expert=person, by=admin)
    return person


def sent_to_experts(call, by) -> Application:
    """An application of `by`'s organisation with every opinion given and the budget confirmed, sent to
    the call's experts."""
    application = journeys.ready_for_decision(submit(call, by))
    return workflow.transition(application=application, action="send_to_experts", by=journeys.lead(application))


def assignment_of(application, person) -> ExpertAssignment:
    return ExpertAssignment.objects.get(application=application, expert=person)


def declare_and_score(application, person, innovation, feasibility) -> ExpertAssignment:
    assignment = assignment_of(application, person)
    services.conflict_declare(assignment=assignment, by=person, has_conflict=False)
    return services.score_submit(
        assignment=assignment, by=person, scores={"innovation": innovation, "feasibility": feasibility}
    )


def sees(person, application) -> bool:
    return visible_applications(person).filter(pk=application.pk).exists()


def attachment_url(application) -> str:
    attachment = application.current_version.attachments.order_by("pk").first()
    return reverse("attachment-download", args=[attachment.pk])


def page_url(assignment) -> str:
    return reverse("expert-assignment", args=[assignment.pk])


def file_status(client, person, application) -> tuple[int, int]:
    """(the expert's assignment page, the download of a submitted document), as HTTP status codes."""
    client.force_login(person)
    return (
        client.get(page_url(assignment_of(application, person))).status_code,
        client.get(attachment_url(application)).status_code,
    )


def state_of(assignment) -> tuple:
    row = ExpertAssignment.objects.get(pk=assignment.pk)
    return row.state, row.scores, row.weighted_score, AuditEvent.objects.filter(application=row.application).count()


# --- who sees the file -------------------------------------------------------------------------------


def test_expert_from_the_applicants_own_organisation_is_excluded_automatically(
    expert_call, invited_expert, admin, alice, org_a, org_b, client
):
    dr_own = invite(expert_call, admin, "dr-own", organisation=org_a)
    dr_other = invite(expert_call, admin, "dr-other", organisation=org_b)
    application = sent_to_experts(expert_call, alice)

    states = {
        person.username: assignment_of(application, person).state for person in (invited_expert, dr_own, dr_other)
    }
    assert states == {
        "dr-wang": AssignmentState.AWAITING_DECLARATION,
        "dr-own": AssignmentState.SAME_ORGANISATION,
        "dr-other": AssignmentState.AWAITING_DECLARATION,  # another organisation's expert is no conflict
    }
    own = assignment_of(application, dr_own)
    with pytest.raises(PortalError) as refused:
        services.conflict_declare(assignment=own, by=dr_own, has_conflict=False)
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    assert assignment_of(application, dr_own).state == AssignmentState.SAME_ORGANISATION
    assert not sees(dr_own, application)
    assert file_status(client, dr_own, application) == (404, 404)


def test_an_expert_who_has_not_declared_yet_cannot_see_the_file(expert_call, invited_expert, alice, client):
    application = sent_to_experts(expert_call, alice)
    assert assignment_of(application, invited_expert).state == AssignmentState.AWAITING_DECLARATION
    assert not sees(invited_expert, application)
    assert file_status(client, invited_expert, application) == (404, 404)


def test_an_expert_who_declares_a_conflict_is_excluded_and_cannot_open_the_file(
    expert_call, invited_expert, alice, client
):
    application = sent_to_experts(expert_call, alice)
    assignment = assignment_of(application, invited_expert)
    client.force_login(invited_expert)
    declare = reverse("expert-declare", args=[assignment.pk])

    # A conflict needs its description; without one nothing is recorded.
    client.post(declare, {"has_conflict": "true", "note": ""})
    assert assignment_of(application, invited_expert).state == AssignmentState.AWAITING_DECLARATION

    response = client.post(declare, {"has_conflict": "true", "note": "I advised the applicant in 2024."})
    assert response.status_code == 302
    excluded = assignment_of(application, invited_expert)
    assert (excluded.state, excluded.conflict_note) == (AssignmentState.CONFLICT, "I advised the applicant in 2024.")
    assert not sees(invited_expert, application)
    assert file_status(client, invited_expert, application) == (404, 404)

    # Having declared a conflict, the expert cannot change their mind to open the file.
    client.post(declare, {"has_conflict": "false"})
    assert assignment_of(application, invited_expert).state == AssignmentState.CONFLICT
    assert file_status(client, invited_expert, application) == (404, 404)


def test_after_declaring_no_conflict_the_expert_sees_the_file_and_scores_it_on_the_rubric(
    expert_call, invited_expert, alice, client
):
    application = sent_to_experts(expert_call, alice)
    assignment = assignment_of(application, invited_expert)
    client.force_login(invited_expert)

    response = client.post(reverse("expert-declare", args=[assignment.pk]), {"has_conflict": "false"})
    assert response.status_code == 302 and response.url == page_url(assignment)
    assert sees(invited_expert, application)
    page = client.get(page_url(assignment))
    assert page.status_code == 200
    assert list(page.context["form"].fields) == ["score_innovation", "score_feasibility", "comment"]
    download = client.get(attachment_url(application))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    response = client.post(
        page_url(assignment), {"score_innovation": "90", "score_feasibility": "40", "comment": "Strong science."}
    )
    assert response.status_code == 302
    scored = assignment_of(application, invited_expert)
    assert (scored.state, scored.scores, scored.weighted_score, scored.comment) == (
        AssignmentState.SCORED,
        {"innovation": 90, "feasibility": 40},
        Decimal("70.00"),
        "Strong science.",
    )
    # The scored file stays readable; the score is not given twice.
    assert client.get(page_url(assignment)).context["form"] is None


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("zh-hans", ["创新性（权重 60）", "可行性（权重 40）"]),
        ("en", ["Innovation (weight 60)", "Feasibility (weight 40)"]),
    ],
)
def test_the_score_form_names_each_criterion_and_its_weight_in_the_pages_language(
    expert_call, invited_expert, alice, client, language, labels
):
    """Issue 18: "创新性 (weight 60)" mixed the languages on the Chinese form."""
    application = sent_to_experts(expert_call, alice)
    assignment = assignment_of(application, invited_expert)
    services.conflict_declare(assignment=assignment, by=invited_expert, has_conflict=False)
    client.force_login(invited_expert)
    client.cookies["django_language"] = language
    form = client.get(page_url(assignment)).context["form"]
    assert [str(form.fields[name].label) for name in ("score_innovation", "score_feasibility")] == labels


@pytest.mark.parametrize("bad", [101, -1, "abc"], ids=["101", "minus-1", "abc"])
def test_a_score_outside_0_to_100_or_not_a_number_is_refused_with_a_field_error_and_changes_nothing(
    bad, expert_call, invited_expert, alice, client
):
    application = sent_to_experts(expert_call, alice)
    assignment = assignment_of(application, invited_expert)
    services.conflict_declare(assignment=assignment, by=invited_expert, has_conflict=False)
    before = state_of(assignment)
    assert before[:3] == (AssignmentState.OPEN, {}, None)

    with pytest.raises(PortalError) as refused:
        services.score_submit(assignment=assignment, by=invited_expert, scores={"innovation": bad, "feasibility": 50})
    assert refused.value.code == ErrorCode.INVALID
    assert list(refused.value.errors) == ["innovation"]
    assert state_of(assignment) == before

    client.force_login(invited_expert)
    response = client.post(page_url(assignment), {"score_innovation": str(bad), "score_feasibility": "50"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["score_innovation"]
    assert state_of(assignment) == before


def test_the_weighted_score_uses_the_rubric_weights(expert_call, invited_expert, alice):
    application = sent_to_experts(expert_call, alice)
    scored = declare_and_score(application, invited_expert, innovation=90, feasibility=40)
    # Innovation weighs 60, feasibility 40: (90 x 60 + 40 x 40) / 100 = 70, where a plain average gives 65.
    assert [c["weight"] for c in RUBRIC] == [60, 40]
    assert scored.weighted_score == Decimal("70.00")
    # Weights need not add up to 100: they are divided by their sum.
    rubric = [{"code": "a", "weight": 3}, {"code": "b", "weight": 1}]
    assert services.weighted(rubric, {"a": 100, "b": 20}) == Decimal("80.00")


def test_score_summary_gives_the_average_low_high_and_spread_of_the_experts(
    expert_call, invited_expert, admin, alice, org_a
):
    dr_li = invite(expert_call, admin, "dr-li")
    dr_zhao = invite(expert_call, admin, "dr-zhao")
    invite(expert_call, admin, "dr-own", organisation=org_a)  # excluded: counts nowhere
    application = sent_to_experts(expert_call, alice)
    declare_and_score(application, invited_expert, 90, 40)  # 70
    declare_and_score(application, dr_li, 80, 80)  # 80
    declare_and_score(application, dr_zhao, 60, 60)  # 60

    summary = score_summary(application)
    assert (summary["count"], summary["assigned"]) == (3, 3)
    assert (summary["average"], summary["low"], summary["high"]) == (Decimal(70), Decimal(60), Decimal(80))
    assert summary["stdev"] == Decimal("8.16")  # population standard deviation of 70, 80, 60


def test_call_ranking_orders_applications_by_average_weighted_score_unscored_last(
    expert_call, invited_expert, admin, alice, bob, charlie
):
    dr_li = invite(expert_call, admin, "dr-li")
    middling = sent_to_experts(expert_call, alice)
    best = sent_to_experts(expert_call, charlie)
    unscored = sent_to_experts(expert_call, bob)
    declare_and_score(middling, invited_expert, 60, 60)
    declare_and_score(middling, dr_li, 70, 70)
    declare_and_score(best, invited_expert, 80, 80)
    declare_and_score(best, dr_li, 90, 90)
    services.conflict_declare(assignment=assignment_of(unscored, dr_li), by=dr_li, has_conflict=False)

    ranking = list(call_ranking(expert_call))
    assert [(a.pk, a.average, a.scores) for a in ranking] == [
        (best.pk, Decimal(85), 2),
        (middling.pk, Decimal(65), 2),
        (unscored.pk, None, 0),
    ]


# --- when the lead decides ---------------------------------------------------------------------------


def refused_code(application, action, **payload) -> str:
    before = (
        Application.objects.get(pk=application.pk).state,
        AuditEvent.objects.filter(application=application).count(),
        Decision.objects.filter(application=application).count(),
        ExpertAssignment.objects.filter(application=application).count(),
    )
    with pytest.raises(PortalError) as refused:
        workflow.transition(application=application, action=action, by=journeys.lead(application), **payload)
    after = (
        Application.objects.get(pk=application.pk).state,
        AuditEvent.objects.filter(application=application).count(),
        Decision.objects.filter(application=application).count(),
        ExpertAssignment.objects.filter(application=application).count(),
    )
    assert after == before
    return refused.value.code


def test_the_leads_decision_waits_for_the_score_of_every_expert_not_excluded(
    expert_call, invited_expert, admin, alice, org_a
):
    dr_li = invite(expert_call, admin, "dr-li")
    dr_zhao = invite(expert_call, admin, "dr-zhao")
    invite(expert_call, admin, "dr-own", organisation=org_a)  # excluded by organisation
    application = sent_to_experts(expert_call, alice)
    declare_and_score(application, invited_expert, 70, 70)
    services.conflict_declare(assignment=assignment_of(application, dr_li), by=dr_li, has_conflict=False)
    services.conflict_declare(
        assignment=assignment_of(application, dr_zhao), by=dr_zhao, has_conflict=True, note="Former employer."
    )

    assert refused_code(application, "approve") == ErrorCode.SCORES_MISSING
    assert refused_code(application, "reject", reason="Weak.") == ErrorCode.SCORES_MISSING

    services.score_submit(
        assignment=assignment_of(application, dr_li), by=dr_li, scores={"innovation": 80, "feasibility": 60}
    )
    approved = workflow.transition(application=application, action="approve", by=journeys.lead(application))
    assert approved.state == State.APPROVED


def test_the_leads_decision_goes_ahead_once_the_experts_deadline_has_passed(expert_call, invited_expert, admin, alice):
    dr_li = invite(expert_call, admin, "dr-li")  # never declares
    application = sent_to_experts(expert_call, alice)
    declare_and_score(application, invited_expert, 70, 70)
    due = assignment_of(application, dr_li).due_on
    assert due > timezone.localdate()

    def at(day):
        return time_machine.travel(timezone.make_aware(datetime.combine(day, time(10))), tick=False)

    assert refused_code(application, "approve") == ErrorCode.SCORES_MISSING
    with at(due):  # the last day of the experts' deadline: still waiting
        assert refused_code(application, "approve") == ErrorCode.SCORES_MISSING
    with at(due + timedelta(days=1)):
        approved = workflow.transition(application=application, action="approve", by=journeys.lead(application))
    assert approved.state == State.APPROVED
    assert score_summary(application)["count"] == 1


def test_a_call_without_expert_review_refuses_send_to_experts(review_call, alice):
    application = journeys.ready_for_decision(submit(review_call, alice))
    assert refused_code(application, "send_to_experts") == ErrorCode.INVALID
    assert not ExpertAssignment.objects.filter(application=application).exists()


def test_send_to_experts_needs_an_invited_expert(expert_call, alice):
    application = journeys.ready_for_decision(submit(expert_call, alice))
    assert refused_code(application, "send_to_experts") == ErrorCode.INVALID


def test_a_call_with_expert_review_refuses_approval_straight_from_department_review(expert_call, invited_expert, alice):
    application = journeys.ready_for_decision(submit(expert_call, alice))
    assert refused_code(application, "approve") == ErrorCode.INVALID
    assert not Decision.objects.filter(application=application).exists()
    sent = workflow.transition(application=application, action="send_to_experts", by=journeys.lead(application))
    assert sent.state == State.EXPERT_REVIEW


def test_an_expert_who_never_declared_cannot_open_the_file_after_the_decision(
    expert_call, invited_expert, admin, alice, client
):
    dr_li = invite(expert_call, admin, "dr-li")  # lets the deadline pass without declaring
    application = sent_to_experts(expert_call, alice)
    declare_and_score(application, invited_expert, 70, 70)
    due = assignment_of(application, dr_li).due_on
    with time_machine.travel(timezone.make_aware(datetime.combine(due + timedelta(days=1), time(10))), tick=False):
        workflow.transition(application=application, action="approve", by=journeys.lead(application))

    late = assignment_of(application, dr_li)
    with pytest.raises(PortalError) as refused:
        services.conflict_declare(assignment=late, by=dr_li, has_conflict=False)
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    assert assignment_of(application, dr_li).state == AssignmentState.AWAITING_DECLARATION
    assert not sees(dr_li, application)
    assert file_status(client, dr_li, application) == (404, 404)
