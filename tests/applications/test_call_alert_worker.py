"""The beat's call-alert task on the real Celery worker (local Redis): the members of a subscribed organisation
get one inbox item and one e-mail, a second run tells nobody again."""

import time

import pytest

from applications import alerts
from applications.tasks import send_call_alerts
from portal.accounts.models import Notification, OutboxMessage
from tests.calls import bio24_call
from tests.factories import OrganisationFactory, member

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_alerts_each_member_once(catalogue, celery_worker_process):
    organisation = OrganisationFactory()
    alice = member(organisation, admin=True, username="alice")
    bob = member(organisation, username="bob")
    outsider = member(OrganisationFactory(), admin=True, username="charlie")
    alerts.alert_add(organisation=organisation, by=alice, criterion="commission", value="STCSM")
    call = bio24_call()  # created already open
    assert send_call_alerts.delay().get(timeout=60) == 2
    assert send_call_alerts.delay().get(timeout=60) == 0
    items = Notification.objects.filter(key=f"call-alert:{call.pk}")
    assert sorted(items.values_list("user__username", flat=True)) == ["alice", "bob"]
    deadline = time.monotonic() + 60
    while OutboxMessage.objects.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    mails = list(OutboxMessage.objects.filter(subject__contains="Innovative drugs (review)"))
    assert len(mails) == 1 and mails[0].sent_at is not None
    assert sorted(mails[0].recipients) == sorted([alice.email, bob.email]) and outsider.email not in mails[0].recipients
