"""Every person's inbox (issue 16, item 2): a notification is a row before it is a message; its e-mail comes at
once or in the daily digest as the person chose per kind; every step of an application, an award, an objection and
a project leaves an item with the people it concerns (portal/accounts/inbox.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from applications import filing, workflow
from applications.models import AuditEvent
from awards import notice, register_notice
from awards.models import Award
from awards.projects import statements
from awards.projects.models import Project
from awards.services import award_compute
from portal.accounts import inbox
from portal.accounts.models import (
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboxKind,
    OutboxMessage,
)
from portal.accounts.outbox import outbox_send
from portal.errors import PortalError
from tests import journeys, registers
from tests.awards.test_notice import OBJECTOR
from tests.factories import member
from tests.filings import make_draft, submit
from tests.journeys import approved_directly
from tests.projects import builders

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEXTS = {"zh-hans": ("新的消息", "正文。"), "en": ("Something new", "The text.")}


def tell(users, *, key="news:1", kind=NotificationKind.OTHER, **kwargs):
    with transaction.atomic():
        return inbox.notify(users=users, kind=kind, key=key, texts=TEXTS, link="/calls/", **kwargs)


def take_digest(user, kind):
    inbox.preferences_set(user=user, choices={kind: Delivery.DIGEST})


# --- notify: one row per person, one e-mail for those who take it at once ------------------------------------


def test_notify_writes_one_item_per_active_person_and_one_mail_for_those_taking_it_at_once(alice, bob, org_a):
    gone = member(org_a, username="gone", is_active=False)
    items = tell([alice, bob, gone])
    assert sorted(item.user.username for item in items) == ["alice", "bob"]
    (mail,) = OutboxMessage.objects.filter(kind=OutboxKind.NOTIFICATION)
    assert sorted(mail.recipients) == sorted([alice.email, bob.email])
    assert "新的消息" in mail.subject and "Something new" in mail.subject and "/calls/" in mail.body
    assert set(Notification.objects.values_list("outbox", flat=True)) == {mail.pk}
    # The same news twice is told once.
    assert tell([alice, bob]) == []
    assert Notification.objects.count() == 2 and OutboxMessage.objects.count() == 1


def test_an_inbox_link_is_a_path_inside_the_portal(alice):
    with pytest.raises(ValueError), transaction.atomic():
        inbox.notify(users=[alice], kind=NotificationKind.OTHER, key="k", texts=TEXTS, link="https://evil.example")


def test_the_inbox_alone_is_never_mailed_not_even_in_the_digest(alice):
    take_digest(alice, NotificationKind.OTHER)
    tell([alice], mail=False)
    assert inbox.digest_send() == 0
    assert not OutboxMessage.objects.exists()


# --- the daily digest -------------------------------------------------------------------------------------------


def test_a_digest_taker_gets_no_mail_at_once_and_one_digest_which_a_second_run_does_not_repeat(alice, bob):
    take_digest(alice, NotificationKind.OTHER)
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=SHANGHAI)):
        tell([alice, bob], key="news:1")
        tell([alice], key="news:2")
    (at_once,) = OutboxMessage.objects.filter(kind=OutboxKind.NOTIFICATION)
    assert at_once.recipients == [bob.email]
    with time_machine.travel(datetime(2026, 3, 3, 8, 0, tzinfo=SHANGHAI)):
        assert inbox.digest_send() == 1
        assert inbox.digest_send() == 0
    (digest,) = OutboxMessage.objects.filter(kind=OutboxKind.DIGEST)
    assert digest.recipients == [alice.email]
    assert "Something new" in digest.body and "2026-03-03" in digest.subject and "2 items" in digest.subject
    assert "/inbox/settings/" in digest.body
    assert not Notification.objects.filter(mailed_at__isnull=True).exists()
    # Only what came after is in the next one.
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI)):
        tell([alice], key="news:3")
    with time_machine.travel(datetime(2026, 3, 4, 8, 0, tzinfo=SHANGHAI)):
        assert inbox.digest_send() == 1
    assert OutboxMessage.objects.filter(kind=OutboxKind.DIGEST).count() == 2


def test_an_application_step_mail_leaves_out_the_digest_takers_when_it_is_sent(filing_call, alice, bob, mailoutbox):
    take_digest(alice, NotificationKind.SUBMITTED)
    application = filing.application_submit(application=make_draft(filing_call, bob), by=bob)
    event = application.events.get(action=workflow.Action.SUBMIT)
    mail = OutboxMessage.objects.get(event=event)
    assert mail.recipients == [bob.email]
    items = {item.user_id: item for item in Notification.objects.filter(event=event)}
    assert set(items) == {alice.pk, bob.pk}
    assert (items[bob.pk].outbox, items[alice.pk].outbox, items[alice.pk].mailed_at) == (mail, None, None)
    # Who takes the digest is read again when it leaves: bob chose the digest meanwhile, alice went back.
    take_digest(bob, NotificationKind.SUBMITTED)
    inbox.preferences_set(user=alice, choices={NotificationKind.SUBMITTED: Delivery.IMMEDIATE})
    assert outbox_send(message_id=mail.pk)
    assert mailoutbox[0].to == [alice.email]


# --- preferences ------------------------------------------------------------------------------------------------


def test_preferences_default_to_at_once_and_bad_input_saves_nothing(alice):
    assert set(inbox.preferences_of(alice).values()) == {Delivery.IMMEDIATE}
    assert set(inbox.preferences_of(alice)) == set(NotificationKind.values)
    with pytest.raises(PortalError) as refused:
        inbox.preferences_set(
            user=alice, choices={NotificationKind.LETTER: Delivery.DIGEST, NotificationKind.PAYMENT: "weekly"}
        )
    assert set(refused.value.errors) == {NotificationKind.PAYMENT}
    assert not NotificationPreference.objects.exists()
    take_digest(alice, NotificationKind.LETTER)
    assert inbox.preferences_of(alice)[NotificationKind.LETTER] == Delivery.DIGEST


def test_reading_is_the_owners_and_marks_once(alice, bob):
    (item,) = tell([alice])
    with pytest.raises(PermissionError):
        inbox.notification_mark_read(notification=item, by=bob)
    assert inbox.unread_count(alice) == 1
    first = inbox.notification_mark_read(notification=item, by=alice).read_at
    assert inbox.notification_mark_read(notification=Notification.objects.get(pk=item.pk), by=alice).read_at == first
    assert inbox.unread_count(alice) == 0


# --- who is told what -----------------------------------------------------------------------------------------


def kinds_of(user) -> dict[str, str]:
    """action of the item's event -> kind, for `user`'s items tied to an event."""
    items = Notification.objects.filter(user=user, event__isnull=False).select_related("event")
    return {item.event.action: item.kind for item in items}


def test_a_member_is_told_of_each_step_of_a_grant(review_call, alice, bob):
    # Submission, return for correction, resubmission.
    application = submit(review_call, alice)
    lead = journeys.lead(application)
    workflow.transition(application=application, action="start_formal_check", by=lead)
    workflow.transition(application=application, action="return_for_correction", by=lead, reason="Unsigned pledge.")
    # Approval, the public notice, the letter, a payment (through the project's first instalment).
    project = builders.issued_project(review_call, alice)
    statements.statement_save(project=project, by=alice, content=builders.statement_content())
    statements.statement_submit(project=project, by=alice)
    statements.statement_accept(project=project, by=builders.lead(project))
    builders.pay(Project.objects.get(pk=project.pk).instalments.get(number=1))
    seen = kinds_of(bob)
    assert {
        "submit": NotificationKind.SUBMITTED,
        "return_for_correction": NotificationKind.RETURNED,
        "notice_published": NotificationKind.NOTICE,
        "letter_issued": NotificationKind.LETTER,
        "payment_recorded": NotificationKind.PAYMENT,
        "statement_accepted": NotificationKind.PROJECT,
        "instalment_paid": NotificationKind.PROJECT,
    }.items() <= seen.items()
    # Each is tied to the step's own mail, in both languages, with a link into the portal.
    letter = Notification.objects.get(user=bob, event__action="letter_issued")
    assert letter.outbox.event_id == letter.event_id and letter.outbox.letter_id
    assert letter.title_zh != letter.title_en and letter.link == f"/applications/{project.application_id}/"
    accepted = Notification.objects.get(user=bob, event__action="statement_accepted")
    assert accepted.outbox.event_id == accepted.event_id and accepted.link == f"/projects/{project.pk}/"


def test_an_approval_tells_the_members(review_call, alice, bob):
    application = journeys.approve(submit(review_call, alice))
    assert kinds_of(bob)["approve"] == NotificationKind.DECISION
    assert Notification.objects.get(user=alice, event__action="approve").link == f"/applications/{application.pk}/"


def test_the_lead_officers_learn_of_a_project_step_they_must_answer(review_call, alice, stcsm_officer, smpa_officer):
    project = builders.issued_project(review_call, alice)
    statements.statement_save(project=project, by=alice, content=builders.statement_content())
    statements.statement_submit(project=project, by=alice)
    (item,) = Notification.objects.filter(user=stcsm_officer, event__action="statement_submitted")
    assert item.kind == NotificationKind.PROJECT and item.link == f"/projects/{project.pk}/"
    assert item.outbox.recipients == [stcsm_officer.email] and item.outbox.event_id is None
    assert not Notification.objects.filter(user=smpa_officer).exists()
    assert not Notification.objects.filter(user=alice, event__action="statement_submitted").exists()


def test_an_officer_taking_project_news_in_the_digest_gets_no_mail_at_once(review_call, alice, stcsm_officer):
    take_digest(stcsm_officer, NotificationKind.PROJECT)
    project = builders.issued_project(review_call, alice)
    builders.submitted(project, alice)
    (item,) = Notification.objects.filter(user=stcsm_officer, event__action="statement_submitted")
    assert (item.outbox, item.mailed_at) == (None, None)
    assert inbox.digest_send() >= 1
    assert Notification.objects.get(pk=item.pk).outbox.kind == OutboxKind.DIGEST


def test_an_objection_to_an_award_tells_the_lead_officers_and_not_the_organisation(
    review_call, alice, bob, stcsm_officer, smpa_officer
):
    (application,) = approved_directly(review_call, alice, rd_spending="10000000", product_key="INBOX")
    award = award_compute(application_id=application.pk)
    notice.notice_publish(call=award.call, by=journeys.lead(application))
    objection = notice.objection_file(award=Award.objects.get(pk=award.pk), **OBJECTOR)
    (item,) = Notification.objects.filter(user=stcsm_officer, key=f"objection:{objection.pk}:filed")
    assert item.kind == NotificationKind.OBJECTION and item.link == f"/review/calls/{review_call.pk}/awards/"
    assert application.receipt_number in item.title_en and OBJECTOR["text"] in item.body_en
    assert item.outbox.recipients == [stcsm_officer.email]
    assert item.event.action == "objection_filed"
    assert not Notification.objects.filter(user__in=[alice, bob, smpa_officer], key__startswith="objection:").exists()
    # Upheld, the application goes back to the lead, and the members learn it from that step.
    notice.objection_resolve(objection=objection, by=stcsm_officer, upheld=True, resolution="Same trial twice.")
    assert kinds_of(bob)["reopen_after_objection"] == NotificationKind.OBJECTION


def test_an_objection_to_a_register_entry_tells_the_registers_lead_officers(catalogue, alice, commerce_officer):
    call = registers.recognition_call(registers.AID)
    entry = registers.on_notice(call, alice, title="A device", facts={**registers.AID_FACTS, "product_key": "IN-1"})
    objection = register_notice.entry_objection_file(entry=entry, **OBJECTOR)
    (item,) = Notification.objects.filter(user=commerce_officer, key=f"objection:{objection.pk}:filed")
    assert item.link == f"/review/calls/{call.pk}/register/" and "listing" in item.title_en
    assert not Notification.objects.filter(user=alice, key__startswith="objection:").exists()


def test_a_rolled_back_step_leaves_no_item(filing_call, alice):
    draft = make_draft(filing_call, alice)
    with pytest.raises(RuntimeError), transaction.atomic():
        filing.application_submit(application=draft, by=alice)
        raise RuntimeError("after the submission")
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(application=draft, action="submit").exists()
