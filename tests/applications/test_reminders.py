"""A draft whose call closes within 3 days is reminded to its organisation's team by Celery beat, once per draft
and closing time, with the clock moved: never twice across beat runs, none once submitted or withdrawn from
view, none to another organisation."""

from datetime import timedelta

import pytest
import time_machine

from applications import filing, reminders, tasks
from applications.models import Application, Call
from portal.accounts.models import Notification, NotificationKind, OutboxMessage
from tests.filings import make_draft


def beat_at(moment) -> int:
    with time_machine.travel(moment, tick=False):
        return tasks.send_draft_reminders()


def reminders_of(application: Application):
    return Notification.objects.filter(
        kind=NotificationKind.REMINDER, key__startswith=f"reminder:draft:{application.pk}:"
    )


@pytest.fixture
def draft(filing_call, alice) -> Application:
    return make_draft(filing_call, alice, title="Drug D phase 2")


def test_the_team_is_reminded_once_three_days_before_the_call_closes(draft, alice, bob, charlie, filing_call):
    closes = filing_call.closes_at
    assert beat_at(closes - timedelta(days=3, hours=1)) == 0  # too early
    assert beat_at(closes - timedelta(days=2, hours=23)) == 1
    assert beat_at(closes - timedelta(days=2, hours=22)) == 0  # the next hour
    assert beat_at(closes - timedelta(hours=2)) == 0
    items = reminders_of(draft)
    assert sorted(items.values_list("user__username", flat=True)) == ["alice", "bob"]
    assert OutboxMessage.objects.filter(notifications__in=items).distinct().count() == 1
    item = items.get(user=alice)
    assert item.link == f"/applications/{draft.pk}/edit/"
    assert "Drug D phase 2" in item.title_en and "Drug D phase 2" in item.title_zh
    assert "创新药申报" in item.body_zh and "Innovative drugs call" in item.body_en
    assert not Notification.objects.filter(user=charlie, kind=NotificationKind.REMINDER).exists()


def test_no_reminder_once_the_draft_is_submitted(draft, alice, filing_call):
    filing.application_submit(application=draft, by=alice)
    assert beat_at(filing_call.closes_at - timedelta(days=1)) == 0
    assert not reminders_of(draft).exists()


def test_no_reminder_once_the_call_has_closed(draft, filing_call):
    assert reminders.draft_reminders_send(now=filing_call.closes_at + timedelta(minutes=1)) == 0
    assert not reminders_of(draft).exists()


def test_a_call_whose_closing_moves_reminds_again(draft, alice, filing_call):
    beat_at(filing_call.closes_at - timedelta(days=1))
    later = filing_call.closes_at + timedelta(days=10)
    Call.objects.filter(pk=filing_call.pk).update(closes_at=later)
    beat_at(later - timedelta(days=1))
    assert reminders_of(draft).filter(user=alice).count() == 2
