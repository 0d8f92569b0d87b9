"""The lead commission writes to every applicant of a call (issue 16, item 5): recorded as typed, one inbox item
per member of each organisation with an application (drafts included, withdrawn ones left out) and one e-mail;
bad input sends nothing; only the lead's officers write, they and administrators read the record."""

import pytest
from django.db import DatabaseError, InternalError, transaction
from django.urls import reverse

from applications import broadcasts, filing, permissions
from applications.models import Broadcast
from portal.accounts.models import Notification, NotificationKind, OutboxMessage
from portal.errors import ErrorCode, PortalError
from tests.factories import administrator, member, officer
from tests.filings import make_draft, submit
from tests.logins import login
from tests.permission_table import Case, assert_answer, assert_table_covers

SUBJECT = "Deadline moved to 30 June"
BODY = "The call now closes on 30 June at 17:00.\nDocuments already uploaded stay valid."


@pytest.fixture
def applicants(filing_call, alice, bob, charlie):
    """alice's organisation submitted, charlie's keeps a draft; a third organisation withdrew."""
    submit(filing_call, alice)
    make_draft(filing_call, charlie)
    quitter = member(alice.organisation.__class__.objects.create(name="Withdrawn Co", uscc="91310000MA1FL8XQ30"))
    withdrawn = submit(filing_call, quitter, title="Withdrawn drug")
    filing.application_withdraw(application=withdrawn, by=quitter, reason="We stop the trial.")
    return quitter


def test_each_member_of_each_applicant_is_told_exactly_once(
    filing_call, stcsm_officer, alice, bob, charlie, applicants
):
    broadcast = broadcasts.broadcast_send(call=filing_call, by=stcsm_officer, subject=SUBJECT, body=BODY)
    items = Notification.objects.filter(key=f"broadcast:{broadcast.pk}")
    assert sorted(items.values_list("user__username", flat=True)) == sorted(
        [alice.username, bob.username, charlie.username]
    )
    assert broadcast.recipient_count == 3
    assert all(item.kind == NotificationKind.BROADCAST for item in items)
    assert OutboxMessage.objects.filter(notifications__in=items).distinct().count() == 1
    item = items.get(user=alice)
    # As typed in both slots, under a translated heading that names the commission and the call.
    assert item.body_en.count(BODY) == 1 and item.body_zh.count(BODY) == 1
    assert item.title_en.startswith("Announcement from ") and "Innovative drugs call" in item.title_en
    assert "创新药申报" in item.title_zh and "上海市科学技术委员会" in item.title_zh
    assert item.title_en.endswith(SUBJECT) and item.title_zh.endswith(SUBJECT)
    assert not Notification.objects.filter(user=applicants, kind=NotificationKind.BROADCAST).exists()


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [("", BODY, "subject"), (SUBJECT, "  ", "body"), ("x" * 201, BODY, "subject"), ("two\nlines", BODY, "subject")],
    ids=["no subject", "blank body", "long subject", "two-line subject"],
)
def test_bad_input_is_a_field_error_and_nothing_is_sent(filing_call, stcsm_officer, applicants, subject, body, field):
    with pytest.raises(PortalError) as caught:
        broadcasts.broadcast_send(call=filing_call, by=stcsm_officer, subject=subject, body=body)
    assert caught.value.code == ErrorCode.INVALID and field in caught.value.errors
    assert not Broadcast.objects.exists() and not Notification.objects.filter(kind=NotificationKind.BROADCAST).exists()


def test_only_the_lead_sends(filing_call, smpa_officer, applicants):
    with pytest.raises(PortalError) as caught:
        broadcasts.broadcast_send(call=filing_call, by=smpa_officer, subject=SUBJECT, body=BODY)
    assert caught.value.code == ErrorCode.NOT_ALLOWED and not Broadcast.objects.exists()


# --- who may: lead officer, officer of another commission, co-reviewer officer, applicant, administrator ----------

CASES = [
    Case("lead officer sends", permissions.can_broadcast_to_call, "", lambda s: (s["lead"], s.call)),
    Case(
        "co-reviewer officer may not send", permissions.can_broadcast_to_call, "not_lead", lambda s: (s["co"], s.call)
    ),
    Case(
        "other commission may not send", permissions.can_broadcast_to_call, "not_lead", lambda s: (s["other"], s.call)
    ),
    Case("applicant may not send", permissions.can_broadcast_to_call, "not_lead", lambda s: (s["alice"], s.call)),
    Case("admin may not send", permissions.can_broadcast_to_call, "not_lead", lambda s: (s["admin"], s.call)),
    Case("lead officer reads", permissions.can_view_broadcasts, "", lambda s: (s["lead"], s.call)),
    Case("admin reads", permissions.can_view_broadcasts, "", lambda s: (s["admin"], s.call)),
    Case("co-reviewer officer does not read", permissions.can_view_broadcasts, "not_lead", lambda s: (s["co"], s.call)),
    Case("other commission does not read", permissions.can_view_broadcasts, "not_lead", lambda s: (s["other"], s.call)),
    Case("applicant does not read", permissions.can_view_broadcasts, "not_lead", lambda s: (s["alice"], s.call)),
]


class Scene:
    def __init__(self, call, people):
        self.call, self.people = call, people

    def __getitem__(self, name):
        return self.people[name]


def test_the_table_covers_both_functions():
    assert_table_covers(CASES, [permissions.can_broadcast_to_call, permissions.can_view_broadcasts])


@pytest.mark.parametrize("case", CASES, ids=str)
def test_who_may(case, filing_call, stcsm_officer, smpa_officer, commerce_officer, alice):
    people = {
        "lead": stcsm_officer,
        "co": smpa_officer,
        "other": commerce_officer,
        "alice": alice,
        "admin": administrator(username="admin-ops"),
    }
    assert_answer(case, Scene(filing_call, people))


# --- the page and the API ----------------------------------------------------------------------------------------


def test_the_page_asks_for_confirmation_then_sends_once(client, filing_call, stcsm_officer, applicants):
    login(client, stcsm_officer)
    url = reverse("call-broadcasts", args=[filing_call.pk])
    preview = client.post(url, {"subject": SUBJECT, "body": BODY})
    assert preview.status_code == 200 and b"3 people" in preview.content and not Broadcast.objects.exists()
    sent = client.post(url, {"subject": SUBJECT, "body": BODY, "confirm": "yes"}, follow=True)
    assert sent.status_code == 200 and Broadcast.objects.get().body == BODY
    assert SUBJECT in sent.content.decode() and "Announcement sent to 3 people." in sent.content.decode()


def test_the_page_shows_field_errors_and_sends_nothing(client, filing_call, stcsm_officer, applicants):
    login(client, stcsm_officer)
    answer = client.post(
        reverse("call-broadcasts", args=[filing_call.pk]), {"subject": "", "body": BODY, "confirm": "yes"}
    )
    assert answer.status_code == 200 and answer.context["form"].errors["subject"]
    assert not Broadcast.objects.exists()


def test_the_list_page_reads_in_a_few_queries(
    client, filing_call, stcsm_officer, applicants, django_assert_max_num_queries
):
    for n in range(12):
        author = officer("STCSM", username=f"stcsm-{n}")
        broadcasts.broadcast_send(call=filing_call, by=author, subject=f"{SUBJECT} ({n})", body=BODY)
    login(client, stcsm_officer)
    with django_assert_max_num_queries(12):
        answer = client.get(reverse("call-broadcasts", args=[filing_call.pk]))
    assert answer.status_code == 200 and answer.content.decode().count("<details>") == 12


def test_the_api_lists_and_sends(client, filing_call, stcsm_officer, smpa_officer, applicants):
    url = f"/api/v1/calls/{filing_call.pk}/broadcasts/"
    login(client, stcsm_officer)
    bad = client.post(url, {"subject": "", "body": BODY}, content_type="application/json")
    assert bad.status_code == 400 and "subject" in bad.json() and not Broadcast.objects.exists()
    sent = client.post(url, {"subject": SUBJECT, "body": BODY}, content_type="application/json")
    assert sent.status_code == 201 and sent.json()["recipient_count"] == 3
    assert [row["subject"] for row in client.get(url).json()] == [SUBJECT]
    login(client, smpa_officer)
    assert client.get(url).status_code == 404


def _refused(statement) -> None:
    with pytest.raises((InternalError, DatabaseError)), transaction.atomic():
        statement()


def test_the_database_refuses_to_change_or_remove_an_announcement(filing_call, stcsm_officer, applicants, alice):
    broadcast = broadcasts.broadcast_send(
        call=filing_call, by=stcsm_officer, subject="Deadline moved", body="The call closes a week later."
    )
    assert Broadcast.objects.get(pk=broadcast.pk).recipient_count > 0
    rows = Broadcast.objects.filter(pk=broadcast.pk)
    _refused(lambda: rows.update(body="The call closes as planned."))
    _refused(lambda: rows.update(subject="Nothing moved"))
    _refused(lambda: rows.update(author=alice))
    _refused(lambda: rows.update(recipient_count=0))  # the count is written once
    _refused(lambda: rows.delete())
    assert Broadcast.objects.get(pk=broadcast.pk).body == "The call closes a week later."
