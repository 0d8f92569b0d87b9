"""The commission's queue and the review page, through the test client."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationVersion, State
from portal.accounts.models import Commission
from reviews.models import ReviewTask, TaskKind
from tests import journeys
from tests.factories import OrganisationFactory, expert, member, officer
from tests.filings import submit
from tests.logins import login

QUEUE = reverse("review-queue")


def bulk_tasks(call, commission_code: str, n: int, start: int = 0) -> None:
    """`n` applications in department review with an open opinion task each, written in bulk."""
    organisations = [OrganisationFactory() for _ in range(5)]
    creator = member(organisations[0])
    track = call.program.tracks.get(code="phase_2")
    applications = Application.objects.bulk_create(
        Application(
            organisation=organisations[i % 5],
            call=call,
            track=track,
            created_by=creator,
            state=State.DEPARTMENT_REVIEW,
            title=f"Bulk {i}",
            receipt_number=f"BULK-{commission_code}-{i:05d}",
        )
        for i in range(start, start + n)
    )
    versions = ApplicationVersion.objects.bulk_create(
        ApplicationVersion(
            application=a,
            number=1,
            title=a.title,
            facts={},
            product_key=f"P{a.pk}",
            catalogue_version="test",
            submitted_at=timezone.now(),
            submitted_by=creator,
        )
        for a in applications
    )
    for application, version in zip(applications, versions, strict=True):
        application.current_version = version
    Application.objects.bulk_update(applications, ["current_version"])
    commission = Commission.objects.get(code=commission_code)
    today = timezone.localdate()
    ReviewTask.objects.bulk_create(
        ReviewTask(
            application=a,
            version=v,
            commission=commission,
            kind=TaskKind.OPINION,
            due_on=today + timedelta(days=i % 30 - 5),
        )
        for i, (a, v) in enumerate(zip(applications, versions, strict=True))
    )


def test_each_commission_sees_only_its_own_tasks(client, review_call, alice, smpa_officer, stcsm_officer):
    application = journeys.pass_formal_check(submit(review_call, alice))
    login(client, smpa_officer)
    body = client.get(QUEUE).content.decode()
    assert application.receipt_number in body and "Department opinion" in body
    assert client.get(reverse("review-application", args=[application.pk])).status_code == 200

    login(client, officer("COMMERCE", username="commerce"))
    assert application.receipt_number not in client.get(QUEUE).content.decode()
    assert client.get(reverse("review-application", args=[application.pk])).status_code == 404
    task = ReviewTask.objects.get(application=application, commission__code="SMPA")
    response = client.post(reverse("review-opinion", args=[task.pk]), {"opinion": "support"})
    assert response.status_code == 404
    assert ReviewTask.objects.get(pk=task.pk).state == "open"


@pytest.mark.parametrize("who", ["enterprise", "expert", "anonymous"])
def test_the_queue_is_for_commission_staff_only(client, review_call, alice, who):
    if who == "enterprise":
        login(client, alice)
    elif who == "expert":
        login(client, expert(username="an-expert"))
    response = client.get(QUEUE)
    assert response.status_code == (302 if who == "anonymous" else 404)


def test_queue_filters_search_and_overdue(client, review_call, alice, charlie, smpa_officer):
    mine = journeys.pass_formal_check(submit(review_call, alice, title="Alice drug"))
    theirs = journeys.pass_formal_check(submit(review_call, charlie, title="Charlie drug"))
    ReviewTask.objects.filter(application=theirs).update(due_on=timezone.localdate() - timedelta(days=10))
    login(client, smpa_officer)

    def receipts(**params):
        body = client.get(QUEUE, params).content.decode()
        return {a.receipt_number for a in (mine, theirs) if a.receipt_number in body}

    assert receipts() == {mine.receipt_number, theirs.receipt_number}
    assert receipts(q=alice.organisation.name[:12]) == {mine.receipt_number}
    assert receipts(q=charlie.organisation.uscc.lower()) == {theirs.receipt_number}
    assert receipts(q=mine.receipt_number) == {mine.receipt_number}
    assert receipts(overdue="on") == {theirs.receipt_number}
    assert receipts(kind="budget_confirmation") == set()
    assert "days overdue" in client.get(QUEUE).content.decode()


def test_bulk_assignment_to_a_colleague_and_never_to_another_commission(
    client, review_call, alice, charlie, smpa_officer
):
    first = journeys.pass_formal_check(submit(review_call, alice))
    second = journeys.pass_formal_check(submit(review_call, charlie))
    tasks = list(ReviewTask.objects.filter(commission__code="SMPA").values_list("pk", flat=True))
    colleague = officer("SMPA", username="smpa-colleague")
    login(client, smpa_officer)
    client.post(reverse("review-assign"), {"tasks": tasks, "assignee": colleague.pk})
    assert set(ReviewTask.objects.filter(pk__in=tasks).values_list("assigned_to", flat=True)) == {colleague.pk}

    outsider = officer("HEALTH", username="health-officer")
    response = client.post(reverse("review-assign"), {"tasks": tasks, "assignee": outsider.pk}, follow=True)
    assert response.status_code == 200
    assert set(ReviewTask.objects.filter(pk__in=tasks).values_list("assigned_to", flat=True)) == {colleague.pk}
    assert first.pk != second.pk


def test_queue_query_count_does_not_grow_with_the_number_of_tasks(client, review_call, smpa_officer):
    login(client, smpa_officer)
    counts = []
    for start, n in ((0, 10), (10, 990)):  # 10 tasks, then 1,000
        bulk_tasks(review_call, "SMPA", n, start)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE, {"page": 2 if n == 990 else 1})
        assert response.status_code == 200
        counts.append(len(queries))
    assert ReviewTask.objects.filter(commission__code="SMPA").count() == 1000
    assert counts[0] == counts[1], counts


def test_queue_page_stays_within_its_query_budget(client, review_call, smpa_officer, django_assert_max_num_queries):
    bulk_tasks(review_call, "SMPA", 60)
    login(client, smpa_officer)
    with django_assert_max_num_queries(13):  # 12 and the header's unread count (issue 16)
        client.get(QUEUE, {"overdue": "on", "q": "Demo"})


def test_review_page_offers_each_commission_its_own_step(client, review_call, alice, stcsm_officer, smpa_officer):
    application = submit(review_call, alice)
    page = reverse("review-application", args=[application.pk])
    login(client, stcsm_officer)
    assert "Start the formal check" in client.get(page).content.decode()
    client.post(reverse("review-formal-check", args=[application.pk]), {"action": "start_formal_check"})
    body = client.get(page).content.decode()
    assert "credit check" in body and "Pass the formal check" in body
    # Passing with an unticked item is refused with the reason, and nothing moves.
    response = client.post(
        reverse("review-formal-check", args=[application.pk]),
        {"action": "pass_formal_check", "check_documents": "on"},
        follow=True,
    )
    assert "Every item of the checklist must hold" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == State.FORMAL_CHECK
    checks = {f"check_{item}": "on" for item in journeys.ALL_HOLD}
    client.post(reverse("review-formal-check", args=[application.pk]), {"action": "pass_formal_check", **checks})
    assert Application.objects.get(pk=application.pk).state == State.DEPARTMENT_REVIEW

    login(client, smpa_officer)
    task = ReviewTask.objects.get(application=application, commission__code="SMPA")
    body = client.get(page).content.decode()
    # The commission by its name (issue 18), never its code.
    assert f"Opinion of {task.commission.name_en}" in body and "Decision of the lead commission" not in body
    assert "Opinion of SMPA" not in body
    response = client.post(reverse("review-opinion", args=[task.pk]), {"opinion": "object"}, follow=True)
    assert "An objection needs its reasons" in response.content.decode()
    client.post(reverse("review-opinion", args=[task.pk]), {"opinion": "object", "reasons": "Weak data."})
    assert ReviewTask.objects.get(pk=task.pk).outcome == "object"


def test_review_pages_speak_both_languages(client, review_call, alice, smpa_officer):
    application = journeys.pass_formal_check(submit(review_call, alice))
    login(client, smpa_officer, language="zh-hans")
    assert "审核" in client.get(QUEUE).content.decode()
    assert "意见" in client.get(reverse("review-application", args=[application.pk])).content.decode()
