"""An application's thread (reviews/threads.py): who reads and writes it, internal messages kept from the applicant,
clarification requests answered with files, the thread across a return for correction, the append-only record,
the reminders, the pages and the API. Who may, case by case: tests/reviews/test_permissions.py."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import IntegrityError, InternalError, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import filing, workflow
from applications.models import AuditEvent
from portal.accounts.models import Notification, NotificationKind
from portal.errors import PortalError
from reviews import threads
from reviews.models import Message, MessageAttachment
from tests import journeys
from tests.filings import EXE, PDF, PNG, pdf, submit
from tests.logins import login

FAR = date(2099, 1, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def in_review(review_call, alice, bob, stcsm_officer, smpa_officer, finance_officer):
    """alice's application in department review: STCSM (lead), SMPA and FIN hold tasks on it."""
    return journeys.pass_formal_check(submit(review_call, alice))


def ask(application, officer, body="Which clinical site ran the trial?", due_on=FAR, **kwargs):
    return threads.message_post(application=application, by=officer, body=body, due_on=due_on, **kwargs)


def client_of(user) -> Client:
    client = login(Client(), user)
    client.cookies["django_language"] = "en"
    return client


# --- reading and writing ------------------------------------------------------------------------------------


def test_an_officers_message_reaches_the_applicants_team_in_their_inbox(in_review, alice, bob, stcsm_officer):
    message = threads.message_post(application=in_review, by=stcsm_officer, body="We received the file.")
    assert message.side == "commission" and message.commission_id == stcsm_officer.commission_id
    told = Notification.objects.filter(key=f"message:{message.pk}")
    assert set(told.values_list("user__username", flat=True)) == {"alice", "bob"}
    item = told.get(user=alice)
    assert item.kind == NotificationKind.MESSAGE
    assert item.link == reverse("application-detail", kwargs={"pk": in_review.pk}) + "#thread"
    assert "We received the file." in item.body_en and "We received the file." in item.body_zh
    assert "科学技术委员会" in item.body_zh and "Science and Technology Commission" in item.body_en  # names, not codes


def test_an_applicants_message_reaches_the_officers_holding_open_tasks(in_review, alice, commerce_officer):
    message = threads.message_post(application=in_review, by=alice, body="Our trial site moved.")
    told = set(Notification.objects.filter(key=f"message:{message.pk}").values_list("user__username", flat=True))
    # STCSM leads, SMPA co-reviews (open opinion tasks); FIN's finance officer is no officer; COMMERCE holds nothing.
    assert told == {"stcsm-officer", "smpa-officer"}
    assert (
        Notification.objects.get(key=f"message:{message.pk}", user__username="smpa-officer").link
        == reverse("review-application", kwargs={"pk": in_review.pk}) + "#thread"
    )


def test_an_internal_message_is_never_shown_to_the_applicants_team(in_review, alice, bob, stcsm_officer, admin):
    internal = threads.message_post(application=in_review, by=stcsm_officer, body="Check the credit.", internal=True)
    public = threads.message_post(application=in_review, by=stcsm_officer, body="Received.")
    assert list(threads.thread_messages(alice, in_review)) == [public]
    assert list(threads.thread_messages(stcsm_officer, in_review)) == [internal, public]
    assert list(threads.thread_messages(admin, in_review)) == [internal, public]
    assert not Notification.objects.filter(key=f"message:{internal.pk}").exists()  # nobody is told
    page = client_of(bob).get(reverse("application-detail", kwargs={"pk": in_review.pk})).content.decode()
    assert "Received." in page and "Check the credit." not in page
    api = client_of(bob).get(reverse("v1:application-messages", kwargs={"pk": in_review.pk})).json()
    assert [m["body"] for m in api] == ["Received."]
    with pytest.raises(PortalError):
        threads.clarification_answer(request=internal, by=alice, body="Peeking.")


def test_the_applicant_may_not_mark_a_message_internal_nor_ask_a_clarification(in_review, alice):
    with pytest.raises(PortalError):
        threads.message_post(application=in_review, by=alice, body="Hidden?", internal=True)
    with pytest.raises(PortalError):
        threads.message_post(application=in_review, by=alice, body="Answer me", due_on=FAR)
    assert not Message.objects.exists()


def test_bad_input_is_refused_and_nothing_is_written(in_review, stcsm_officer):
    for kwargs in (
        {"body": "   "},
        {"body": "x" * (threads.MAX_BODY + 1)},
        {"body": "A\x00B"},
        {"body": "When?", "due_on": timezone.localdate()},
        {"body": "Both?", "due_on": FAR, "internal": True},
    ):
        with pytest.raises(PortalError):
            threads.message_post(application=in_review, by=stcsm_officer, **kwargs)
    assert not Message.objects.exists() and not AuditEvent.objects.filter(action__startswith="clarification").exists()


def test_a_fake_attachment_is_refused_and_nothing_is_written(in_review, alice, stcsm_officer):
    question = ask(in_review, stcsm_officer)
    for upload in (pdf("setup.pdf", EXE), pdf("empty.pdf", b"")):
        with pytest.raises(PortalError) as refused:
            threads.clarification_answer(request=question, by=alice, body="See the file.", files=[upload])
        assert "files" in refused.value.errors
    with pytest.raises(PortalError):
        threads.clarification_answer(request=question, by=alice, body="Many.", files=[pdf()] * 6)
    assert not MessageAttachment.objects.exists() and Message.objects.count() == 1
    assert Message.objects.get(pk=question.pk).answered_at is None


# --- clarification requests ---------------------------------------------------------------------------------


def test_a_clarification_request_is_answered_once_with_files_and_both_are_in_the_history(
    in_review, alice, bob, stcsm_officer, smpa_officer
):
    question = ask(in_review, stcsm_officer)
    requested = AuditEvent.objects.get(action=threads.ThreadAction.CLARIFICATION_REQUESTED)
    assert requested.data == {"message": question.pk, "due_on": FAR.isoformat()} and requested.visible_to_applicant
    assert requested.to_state == requested.from_state == in_review.state  # not a lifecycle step
    assert Notification.objects.get(key=f"message:{question.pk}", user=alice).event == requested

    reply = threads.clarification_answer(
        request=question, by=bob, body="Ruijin Hospital.", files=[pdf("site.pdf"), pdf("scan.png", PNG)]
    )
    question.refresh_from_db()
    assert question.answered_by == reply and question.answered_at is not None and reply.answers == question
    assert [(a.original_name, a.content_type) for a in reply.attachments.all()] == [
        ("site.pdf", "application/pdf"),
        ("scan.png", "image/png"),
    ]
    assert reply.attachments.first().file.read() == PDF
    answered = AuditEvent.objects.get(action=threads.ThreadAction.CLARIFICATION_ANSWERED)
    assert answered.data == {"message": reply.pk, "request": question.pk}
    # The officers are told; the one who asked first of all.
    told = set(Notification.objects.filter(key=f"message:{reply.pk}").values_list("user__username", flat=True))
    assert told == {"stcsm-officer", "smpa-officer"}
    with pytest.raises(PortalError):
        threads.clarification_answer(request=Message.objects.get(pk=question.pk), by=alice, body="Again.")
    assert Message.objects.filter(answers=question).count() == 1
    assert [workflow.label_of(e.action) for e in (requested, answered)] == [
        "Clarification requested",
        "Clarification answered",
    ]


def test_the_thread_survives_a_return_for_correction_and_the_resubmission(review_call, alice, stcsm_officer):
    application = submit(review_call, alice)
    workflow.transition(application=application, action="start_formal_check", by=stcsm_officer)
    question = ask(application, stcsm_officer, body="Your trial approval is unreadable: which number is it?")
    application = workflow.transition(
        application=application, action="return_for_correction", by=stcsm_officer, reason="Unreadable approval."
    )
    threads.clarification_answer(request=question, by=alice, body="CXHL2400123; a clear scan is attached.")
    filing.application_submit(application=application, by=alice)
    application.refresh_from_db()
    assert application.versions.count() == 2
    bodies = [m.body for m in threads.thread_messages(stcsm_officer, application)]
    assert bodies == [
        "Your trial approval is unreadable: which number is it?",
        "CXHL2400123; a clear scan is attached.",
    ]
    later = threads.message_post(application=application, by=stcsm_officer, body="Thank you, checking again.")
    assert later.application_id == application.pk


# --- the append-only record ---------------------------------------------------------------------------------


def _refused(statement):
    with pytest.raises((InternalError, DatabaseError)), transaction.atomic():
        statement()


def test_the_database_refuses_to_change_or_remove_a_message(in_review, alice, stcsm_officer):
    question = ask(in_review, stcsm_officer, files=[pdf()])
    rows = Message.objects.filter(pk=question.pk)
    _refused(lambda: rows.update(body="Rewritten."))
    _refused(lambda: rows.update(author=alice))
    _refused(lambda: rows.update(internal=True))
    _refused(lambda: rows.delete())
    _refused(lambda: MessageAttachment.objects.filter(message=question).update(original_name="other.pdf"))
    _refused(lambda: MessageAttachment.objects.filter(message=question).delete())
    reply = threads.clarification_answer(request=question, by=alice, body="Here.")
    # The answer was set once; setting it again (or clearing it) is refused.
    _refused(lambda: rows.update(answered_at=timezone.now()))
    _refused(lambda: rows.update(answered_at=None, answered_by=None))
    assert rows.get().body == "Which clinical site ran the trial?" and rows.get().answered_by == reply


def test_one_answer_per_request_even_written_around_the_service(in_review, alice, stcsm_officer):
    question = ask(in_review, stcsm_officer)
    threads.clarification_answer(request=question, by=alice, body="First.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(application=in_review, author=alice, side="applicant", body="Second.", answers=question)


# --- reminders ----------------------------------------------------------------------------------------------


def test_a_request_is_reminded_the_day_before_and_once_overdue_never_twice_never_after_the_answer(
    in_review, alice, bob, stcsm_officer
):
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        due = ask(in_review, stcsm_officer, due_on=date(2026, 3, 10))
        answered = ask(in_review, stcsm_officer, body="And the batch?", due_on=date(2026, 3, 10))
        assert threads.clarification_reminders_send() == 0  # not yet due
    with time_machine.travel("2026-03-09 09:00 +0800", tick=False):
        assert threads.clarification_reminders_send() == 4  # two requests, two members
        assert threads.clarification_reminders_send() == 0  # the next beat run sends nothing again
        threads.clarification_answer(request=answered, by=alice, body="Batch 7.")
    with time_machine.travel("2026-03-10 09:00 +0800", tick=False):
        assert threads.clarification_reminders_send() == 0  # due today: told yesterday
    with time_machine.travel("2026-03-11 09:00 +0800", tick=False):
        assert threads.clarification_reminders_send() == 2  # overdue: the open one only
        assert threads.clarification_reminders_send() == 0
    with time_machine.travel("2026-03-12 09:00 +0800", tick=False):
        assert threads.clarification_reminders_send() == 0
    keys = set(Notification.objects.filter(kind=NotificationKind.REMINDER).values_list("key", flat=True))
    assert keys == {
        f"reminder:clarification:{answered.pk}:due",
        f"reminder:clarification:{due.pk}:due",
        f"reminder:clarification:{due.pk}:overdue",
    }
    overdue = Notification.objects.get(key=f"reminder:clarification:{due.pk}:overdue", user=bob)
    assert "2026-03-10" in overdue.body_en and "Which clinical site" in overdue.body_zh


def test_the_reminders_task_is_on_the_beat_schedule(settings):
    from reviews.tasks import send_clarification_reminders

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert send_clarification_reminders.name in names


# --- pages --------------------------------------------------------------------------------------------------


def test_an_officer_asks_on_the_review_page_and_the_applicant_answers_on_hers(in_review, alice, stcsm_officer):
    officer = client_of(stcsm_officer)
    url = reverse("thread-post", kwargs={"pk": in_review.pk})
    response = officer.post(
        url, {"message-body": "Which site?", "message-due_on": (timezone.localdate() + timedelta(days=5)).isoformat()}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/review/applications/{in_review.pk}/#thread")
    question = Message.objects.get()
    assert question.is_open_request
    applicant = client_of(alice)
    page = applicant.get(reverse("application-detail", kwargs={"pk": in_review.pk})).content.decode()
    assert "Which site?" in page and f'id="answer-{question.pk}"' in page
    answer_url = reverse("thread-answer", kwargs={"pk": in_review.pk, "message_id": question.pk})
    refused = applicant.post(
        answer_url, {f"answer-{question.pk}-body": "See it.", f"answer-{question.pk}-files": pdf("x.pdf", EXE)}
    )
    assert refused.status_code == 200 and "Only PDF, JPEG and PNG" in refused.content.decode()
    assert not Message.objects.filter(answers=question).exists()
    done = applicant.post(
        answer_url, {f"answer-{question.pk}-body": "Ruijin.", f"answer-{question.pk}-files": pdf("site.pdf")}
    )
    assert done.status_code == 302
    review = officer.get(reverse("review-application", kwargs={"pk": in_review.pk})).content.decode()
    assert "Ruijin." in review and "site.pdf" in review
    file = MessageAttachment.objects.get()
    download = officer.get(reverse("thread-file", kwargs={"attachment_id": file.pk}))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def _gets_404_everywhere(person, application, file):
    client = client_of(person)
    urls = [
        reverse("thread", kwargs={"pk": application.pk}),
        reverse("thread-file", kwargs={"attachment_id": file.pk}),
        reverse("v1:application-messages", kwargs={"pk": application.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, (person, url)
    posted = client.post(reverse("thread-post", kwargs={"pk": application.pk}), {"message-body": "Hi"})
    assert posted.status_code == 404
    api = client.post(urls[2], {"body": "Hi"}, content_type="application/json")
    assert api.status_code == 404


def test_outsiders_get_404_on_the_thread_its_files_and_its_api(in_review, stcsm_officer, charlie, commerce_officer):
    file = ask(in_review, stcsm_officer, files=[pdf()]).attachments.get()
    for person in (charlie, commerce_officer):
        _gets_404_everywhere(person, in_review, file)
    assert Message.objects.count() == 1


def test_an_expert_reads_the_file_but_not_its_thread(expert_call, alice, stcsm_officer, admin, expert):
    from reviews import services
    from reviews.models import ExpertAssignment

    services.expert_invite(call=expert_call, expert=expert, by=admin)
    application = journeys.ready_for_decision(submit(expert_call, alice))
    workflow.transition(application=application, action="send_to_experts", by=stcsm_officer)
    assignment = ExpertAssignment.objects.get(application=application, expert=expert)
    services.conflict_declare(assignment=assignment, by=expert, has_conflict=False)
    file = ask(application, stcsm_officer, files=[pdf()]).attachments.get()
    assert client_of(expert).get(reverse("expert-assignment", kwargs={"pk": assignment.pk})).status_code == 200
    _gets_404_everywhere(expert, application, file)


def test_an_administrator_reads_the_thread_but_does_not_write(in_review, admin, stcsm_officer):
    threads.message_post(application=in_review, by=stcsm_officer, body="Internal view.", internal=True)
    client = client_of(admin)
    page = client.get(reverse("thread", kwargs={"pk": in_review.pk})).content.decode()
    assert "Internal view." in page and 'id="message-form"' not in page
    response = client.post(reverse("thread-post", kwargs={"pk": in_review.pk}), {"message-body": "Hello"})
    assert response.status_code == 302 and Message.objects.count() == 1


def test_the_thread_page_costs_the_same_few_queries_however_long_the_thread(
    in_review, alice, bob, stcsm_officer, django_assert_max_num_queries
):
    for n in range(3):
        threads.message_post(application=in_review, by=stcsm_officer, body=f"Question {n}", files=[pdf()])
        threads.message_post(application=in_review, by=bob, body=f"Reply {n}", files=[pdf()])
    client = client_of(alice)
    url = reverse("thread", kwargs={"pk": in_review.pk})
    with django_assert_max_num_queries(16):
        short = client.get(url)
    for n in range(10):
        ask(in_review, stcsm_officer, body=f"More {n}", files=[pdf()])
    with django_assert_max_num_queries(16):
        long = client.get(url)
    assert short.status_code == long.status_code == 200 and "More 9" in long.content.decode()


def test_the_project_page_links_the_applications_thread(review_call, alice, stcsm_officer):
    from tests.projects.builders import in_progress

    project = in_progress(review_call, alice)
    threads.message_post(application=project.application, by=stcsm_officer, body="The project goes on.")
    page = client_of(alice).get(reverse("project-detail", kwargs={"pk": project.pk})).content.decode()
    assert 'id="thread-link"' in page and f"/applications/{project.application_id}/#thread" in page


# --- the API ------------------------------------------------------------------------------------------------


def test_the_api_reads_writes_and_answers_with_a_file(in_review, alice, stcsm_officer):
    officer = client_of(stcsm_officer)
    url = reverse("v1:application-messages", kwargs={"pk": in_review.pk})
    bad = officer.post(url, {"body": "When?", "due_on": "2000-01-01"}, content_type="application/json")
    assert bad.status_code == 400 and "due_on" in bad.json()
    asked = officer.post(url, {"body": "Which site?", "due_on": FAR.isoformat()}, content_type="application/json")
    assert asked.status_code == 201 and asked.json()["due_on"] == FAR.isoformat()
    applicant = client_of(alice)
    answer_url = reverse(
        "v1:application-messages-answer", kwargs={"pk": in_review.pk, "message_id": asked.json()["id"]}
    )
    fake = applicant.post(answer_url, {"body": "See it.", "files": [pdf("x.pdf", EXE)]})
    assert fake.status_code == 400 and "files" in fake.json()
    answered = applicant.post(answer_url, {"body": "Ruijin.", "files": [pdf("site.pdf")]})
    assert answered.status_code == 201 and answered.json()["attachments"][0]["original_name"] == "site.pdf"
    thread = officer.get(url).json()
    assert [m["body"] for m in thread] == ["Which site?", "Ruijin."]
    assert thread[0]["answered_by"] == thread[1]["id"] and thread[0]["commission"] == "STCSM"
    assert applicant.post(answer_url, {"body": "Again."}).status_code == 403
