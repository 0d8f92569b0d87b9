"""The inbox in the API (issue 16): one's own items with the unread count, marking one or all read, the e-mail
choices per kind; another person's item is a 404 (administrators included); bad choices a 400 with field errors
and nothing saved."""

import pytest
from django.db import transaction
from django.urls import reverse

from portal.accounts import inbox
from portal.accounts.models import Delivery, Notification, NotificationKind, NotificationPreference
from tests.api.conftest import client_for

TEXTS = {"zh-hans": ("决定书已出具", "请下载。"), "en": ("Letter issued", "Download it.")}


def tell(user, n=1):
    with transaction.atomic():
        for i in range(n):
            inbox.notify(users=[user], kind=NotificationKind.LETTER, key=f"api:{i}", texts=TEXTS, link="/calls/")
    return Notification.objects.filter(user=user).order_by("-pk")


def test_the_list_is_ones_own_newest_first_with_the_unread_count(alice, bob, django_assert_max_num_queries):
    tell(alice, 3)
    tell(bob)
    inbox.notification_mark_read(notification=Notification.objects.filter(user=alice).earliest("pk"), by=alice)
    client = client_for(alice)
    with django_assert_max_num_queries(8):
        body = client.get(reverse("v1:notification-list"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["unread"] == 2 and len(body["results"]) == 3
    ids = [row["id"] for row in body["results"]]
    assert ids == sorted(ids, reverse=True)
    first = body["results"][0]
    assert (first["title"], first["kind"], first["kind_label"], first["unread"]) == (
        "Letter issued",
        "letter",
        "Letters and certificates",
        True,
    )
    chinese = client.get(reverse("v1:notification-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["results"][0]["title"] == "决定书已出具" and chinese["results"][0]["kind_label"] == "决定书与证书"


@pytest.mark.parametrize("reader", ["bob", "charlie", "admin"])
def test_another_persons_item_is_not_found(request, alice, reader):
    item = tell(alice).first()
    client = client_for(request.getfixturevalue(reader))
    assert client.get(reverse("v1:notification-detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("v1:notification-read", args=[item.pk])).status_code == 404
    assert Notification.objects.get(pk=item.pk).read_at is None


def test_marking_one_and_all_read(alice, bob):
    items = tell(alice, 3)
    tell(bob)
    client = client_for(alice)
    body = client.post(reverse("v1:notification-read", args=[items[0].pk])).json()
    assert body["unread"] is False and body["read_at"]
    assert client.post(reverse("v1:notification-read-all")).json() == {"marked": 2, "unread": 0}
    assert inbox.unread_count(bob) == 1


def test_preferences_are_read_and_set_per_kind(alice):
    client = client_for(alice)
    assert client.get(reverse("v1:notification-preferences")).json() == {
        kind: Delivery.IMMEDIATE for kind in NotificationKind.values
    }
    response = client.put(reverse("v1:notification-preferences"), {"letter": "digest"}, format="json")
    assert response.status_code == 200 and response.json()["letter"] == "digest"
    assert response.json()["payment"] == "immediate"


@pytest.mark.parametrize("body", [{"letter": "weekly"}, {"letters": "digest"}, {"letter": "digest", "payment": 3}])
def test_bad_preferences_are_a_400_with_field_errors_and_save_nothing(alice, body):
    response = client_for(alice).put(reverse("v1:notification-preferences"), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) - {"code"} <= set(body) and set(response.json()) & set(body)
    assert not NotificationPreference.objects.exists()
