"""The inbox pages (issue 16): one's own items newest first, unread ones marked, in the reader's language; opening
one marks it read; the header counts what is unread; another person's item is a 404, administrators included; the
e-mail choices per kind, bad input refused with nothing saved."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.accounts import inbox
from portal.accounts.models import Delivery, Notification, NotificationKind, NotificationPreference
from tests.logins import login

TEXTS = {
    "zh-hans": ("您的申请已受理", "我们已收到您的申请。"),
    "en": ("Your application was received", "We received your application."),
}


def tell(user, n=1, *, kind=NotificationKind.SUBMITTED, texts=TEXTS):
    with transaction.atomic():
        for i in range(n):
            inbox.notify(
                users=[user],
                kind=kind,
                key=f"page:{user.pk}:{Notification.objects.count()}:{i}",
                texts=texts,
                link="/calls/",
            )
    return Notification.objects.filter(user=user).order_by("-pk")


def page(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


def test_the_inbox_lists_ones_items_newest_first_with_the_unread_marked(client, alice, bob):
    tell(alice, texts={"zh-hans": ("旧的", ""), "en": ("Older", "")})
    newer = tell(alice).first()
    tell(bob, texts={"zh-hans": ("别人的", ""), "en": ("Bob's own", "")})
    inbox.notification_mark_read(notification=Notification.objects.get(title_en="Older"), by=alice)
    body = page(login(client, alice), "inbox").content.decode()
    assert body.index("Your application was received") < body.index("Older")
    assert "Bob's own" not in body
    assert body.count('class="unread"') == 1 and "Submission receipts" in body
    assert timezone.localtime(newer.created_at).strftime("%Y-%m-%d") in body  # Shanghai time, as the page shows it
    assert reverse("inbox-item", args=[newer.pk]) in body


def test_opening_an_item_marks_it_read_and_leads_to_its_page(client, alice):
    item = tell(alice).first()
    client = login(client, alice)
    assert '<span class="count">1</span>' in page(client, "inbox").content.decode()
    body = page(client, "inbox-item", item.pk).content.decode()
    assert "We received your application." in body and 'href="/calls/"' in body
    assert Notification.objects.get(pk=item.pk).read_at is not None
    assert 'class="count"' not in page(client, "inbox").content.decode()


def test_mark_all_read(client, alice, bob):
    tell(alice, 3)
    tell(bob)
    response = login(client, alice).post(reverse("inbox-read-all"))
    assert response.status_code == 302 and inbox.unread_count(alice) == 0 and inbox.unread_count(bob) == 1


def test_the_header_counts_the_unread_for_everyone_signed_in(client, alice, stcsm_officer, expert):
    for person in (alice, stcsm_officer, expert):
        tell(person, 2)
        body = page(login(client, person), "home").content.decode()
        assert 'href="/inbox/"' in body and '<span class="count">2</span>' in body
    client.logout()
    assert 'href="/inbox/"' not in page(client, "home").content.decode()


@pytest.mark.parametrize("reader", ["alice", "bob", "charlie", "admin"])
def test_an_item_is_its_owners_alone(client, request, alice, reader):
    item = tell(alice).first()
    person = request.getfixturevalue(reader)
    response = page(login(client, person), "inbox-item", item.pk)
    assert response.status_code == (200 if reader == "alice" else 404)
    assert (Notification.objects.get(pk=item.pk).read_at is None) == (reader != "alice")


def test_each_language_shows_its_own_words_only(client, alice):
    item = tell(alice).first()
    chinese = page(login(client, alice, "zh-hans"), "inbox").content.decode()
    assert "您的申请已受理" in chinese and "Your application was received" not in chinese and "收件箱" in chinese
    opened = page(client, "inbox-item", item.pk).content.decode()
    assert "我们已收到您的申请。" in opened and "We received your application." not in opened
    english = page(login(client, alice, "en"), "inbox-item", item.pk).content.decode()
    assert "We received your application." in english and "我们已收到" not in english


def test_the_inbox_page_reads_few_queries_however_many_items(client, alice, django_assert_max_num_queries):
    client = login(client, alice)
    tell(alice, 3)
    with django_assert_max_num_queries(9) as few:
        assert page(client, "inbox").status_code == 200
    tell(alice, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = page(client, "inbox").content.decode()
    assert body.count('class="unread"') == 25 and "Page 1 of 3" in body


def test_the_settings_save_the_choices_per_kind(client, alice):
    client = login(client, alice)
    body = page(client, "inbox-settings").content.decode()
    assert "Letters and certificates" in body and "One daily digest e-mail" in body
    choices = {kind: Delivery.IMMEDIATE for kind in NotificationKind.values} | {"letter": Delivery.DIGEST}
    assert client.post(reverse("inbox-settings"), choices).status_code == 302
    assert inbox.preferences_of(alice)["letter"] == Delivery.DIGEST
    assert NotificationPreference.objects.filter(user=alice, delivery=Delivery.DIGEST).count() == 1


def test_bad_settings_are_a_form_error_and_save_nothing(client, alice):
    client = login(client, alice)
    choices = {kind: Delivery.DIGEST for kind in NotificationKind.values} | {"payment": "weekly"}
    response = client.post(reverse("inbox-settings"), choices)
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_administrators_list_the_items_in_the_django_admin_and_change_none(client, alice, admin):
    item = tell(alice).first()
    client = login(client, admin)
    body = client.get(reverse("admin:portal_notification_changelist")).content.decode()
    assert "Your application was received" in body
    assert client.get(reverse("admin:portal_notification_add")).status_code == 403
    response = client.post(reverse("admin:portal_notification_change", args=[item.pk]), {"title_en": "Changed"})
    assert response.status_code == 403 and Notification.objects.get(pk=item.pk).title_en == TEXTS["en"][0]
