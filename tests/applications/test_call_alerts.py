"""Call alerts (issue 16, item 4): an organisation subscribes to kinds of support, lead commissions or measures;
when a matching call opens, each of its members gets one inbox item and one e-mail, however often the beat runs
and however many of its criteria match."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications import alerts
from applications.models import CallAlert, Program
from applications.services import call_create
from portal.accounts.models import Notification, NotificationKind, OutboxMessage
from portal.errors import PortalError
from tests.calls import confirm_policy_c

DRUGS = "BIO24-DRUG-INNOVATIVE"  # rd_innovation, led by STCSM
HOSPITAL = "BIO24-HOSPITAL-DEMO"  # led by SHEITC


def announce(code=DRUGS, *, opens_in=timedelta(days=3), title="Innovative drugs 2027"):
    """A call created before it opens: announced until `opens_at`."""
    confirm_policy_c()
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code=code),
        year=now.year,
        title_en=title,
        title_zh="创新药 2027",
        opens_at=now + opens_in,
        closes_at=now + opens_in + timedelta(days=30),
        budget=50_000_000,
        track_terms={"*": {"rate": "0.30"}},
    )


def items(call):
    return Notification.objects.filter(key=f"call-alert:{call.pk}", kind=NotificationKind.CALL_ALERT)


def mails_to(user):
    return [m for m in OutboxMessage.objects.all() if user.email in m.recipients]


def test_subscribing_then_opening_a_matching_call_gives_one_item_and_one_mail_per_member(
    alice, bob, charlie, catalogue, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    client_call = announce()
    alerts.alert_add(organisation=alice.organisation, by=alice, criterion="kind", value="rd_innovation")
    # A second criterion the same call matches: still one item per member.
    alerts.alert_add(organisation=alice.organisation, by=bob, criterion="commission", value="stcsm")
    # org_b follows another commission's calls only.
    alerts.alert_add(organisation=charlie.organisation, by=charlie, criterion="commission", value="SHEITC")

    assert alerts.call_alerts_send() == 0  # announced, not open: nobody is told yet
    with time_machine.travel(client_call.opens_at + timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            written = alerts.call_alerts_send()
        with django_capture_on_commit_callbacks(execute=True):
            again = alerts.call_alerts_send()

    assert (written, again) == (2, 0)
    assert sorted(items(client_call).values_list("user__username", flat=True)) == ["alice", "bob"]
    item = items(client_call).get(user=alice)
    assert item.link == reverse("call-detail", args=[client_call.pk])
    assert item.title_en == "A call is open: Innovative drugs 2027" and "创新药 2027" in item.title_zh
    assert len(mails_to(alice)) == len(mails_to(bob)) == 1 and mails_to(charlie) == []
    sent = [m for m in mailoutbox if "Innovative drugs 2027" in m.subject]
    assert len(sent) == 1 and sorted(sent[0].to) == sorted([alice.email, bob.email])
    assert f"/calls/{client_call.pk}/" in sent[0].body
    assert not Notification.objects.filter(user=charlie).exists()


def test_a_call_created_already_open_is_alerted_by_the_next_run(alice, bob, catalogue):
    alerts.alert_add(organisation=alice.organisation, by=alice, criterion="program", value=DRUGS)
    call = announce(opens_in=-timedelta(hours=1))
    assert alerts.call_alerts_send() == 2
    assert alerts.call_alerts_send() == 0
    assert items(call).count() == 2


def test_a_call_that_matches_nothing_tells_nobody_and_a_closed_one_is_never_alerted(alice, catalogue):
    alerts.alert_add(organisation=alice.organisation, by=alice, criterion="commission", value="SHEITC")
    drugs = announce(opens_in=-timedelta(hours=1))
    assert alerts.call_alerts_send() == 0 and not items(drugs).exists()
    hospital = announce(HOSPITAL, opens_in=timedelta(days=1), title="Hospitals")
    with time_machine.travel(hospital.closes_at + timedelta(days=1)):
        assert alerts.call_alerts_send() == 0
    assert not items(hospital).exists()


def test_a_member_who_left_or_lost_the_right_to_apply_is_not_told(alice, bob, catalogue):
    from portal.accounts.organisations import member_detach

    alerts.alert_add(organisation=alice.organisation, by=alice, criterion="kind", value="rd_innovation")
    member_detach(organisation=alice.organisation, user=bob)
    call = announce(opens_in=-timedelta(minutes=5))
    alerts.call_alerts_send()
    assert list(items(call).values_list("user__username", flat=True)) == ["alice"]


@pytest.mark.parametrize(
    ("criterion", "value", "field"),
    [
        ("kind", "lottery", "value"),
        ("commission", "NOPE", "value"),
        ("commission", "FIN", "value"),  # FIN leads no measure: its "calls" would be none
        ("program", "NO-SUCH-MEASURE", "value"),
        ("colour", "blue", "criterion"),
        ("kind", "  ", "value"),
    ],
)
def test_bad_criteria_are_field_errors_and_nothing_is_written(alice, catalogue, criterion, value, field):
    with pytest.raises(PortalError) as refused:
        alerts.alert_add(organisation=alice.organisation, by=alice, criterion=criterion, value=value)
    assert field in refused.value.errors
    assert not CallAlert.objects.exists()


def test_subscribing_twice_keeps_one_and_outsiders_may_not_subscribe_an_organisation(alice, bob, charlie, catalogue):
    organisation = alice.organisation
    first, created = alerts.alert_add(organisation=organisation, by=alice, criterion="kind", value="rd_innovation")
    again, created_again = alerts.alert_add(
        organisation=alice.organisation, by=bob, criterion="kind", value="rd_innovation"
    )
    assert created and not created_again and first.pk == again.pk
    with pytest.raises(PortalError) as refused:
        alerts.alert_add(organisation=alice.organisation, by=charlie, criterion="kind", value="rd_innovation")
    assert refused.value.code == "not_allowed"
    with pytest.raises(PortalError):
        alerts.alert_remove(alert=first, by=charlie)
    alerts.alert_remove(alert=first, by=bob)
    assert not CallAlert.objects.exists()


def test_the_alerts_page_adds_lists_and_removes_with_field_errors(client, alice, catalogue):
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    page = reverse("alerts")
    response = client.post(page, {"criterion": "kind", "value": "lottery"})
    assert response.status_code == 200 and "No measure is of this kind of support." in response.content.decode()
    assert not CallAlert.objects.exists()
    assert client.post(page, {"criterion": "commission", "value": "STCSM"}).status_code == 302
    listed = client.get(page).content.decode()
    assert "Municipal Science and Technology Commission" in listed and "Lead commission" in listed
    alert = CallAlert.objects.get()
    assert client.post(reverse("alert-remove", args=[alert.pk])).status_code == 302
    assert not CallAlert.objects.exists()


def test_the_alerts_api_lists_adds_refuses_and_deletes(client, alice, charlie, catalogue):
    client.force_login(alice)
    created = client.post("/api/v1/alerts/", {"criterion": "program", "value": DRUGS}, content_type="application/json")
    assert created.status_code == 201 and created.json()["value"] == DRUGS
    assert (
        client.post(
            "/api/v1/alerts/", {"criterion": "program", "value": DRUGS}, content_type="application/json"
        ).status_code
        == 200
    )
    bad = client.post("/api/v1/alerts/", {"criterion": "kind", "value": "lottery"}, content_type="application/json")
    assert bad.status_code == 400 and "value" in bad.json()
    assert [row["value"] for row in client.get("/api/v1/alerts/").json()] == [DRUGS]
    pk = created.json()["id"]
    client.force_login(charlie)
    assert client.get(f"/api/v1/alerts/{pk}/").status_code == 404
    assert client.delete(f"/api/v1/alerts/{pk}/").status_code == 404
    client.force_login(alice)
    assert client.delete(f"/api/v1/alerts/{pk}/").status_code == 204
    assert not CallAlert.objects.exists()


def test_the_beat_runs_the_alerts_every_quarter_hour():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["call-alerts"]
    assert entry == {"task": "applications.tasks.send_call_alerts", "schedule": 900.0}
