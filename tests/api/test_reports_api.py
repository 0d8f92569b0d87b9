"""The award report through the API: administrators only, the page's filters, totals that match."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from awards.models import Award
from tests import journeys
from tests.awards.bulk import make_awards
from tests.calls import bio24_call
from tests.factories import administrator, finance_officer

URL = "/api/v1/reports/awards/"


@pytest.fixture
def awards(catalogue, alice):
    call = bio24_call()
    make_awards(call, 12, decided_by=journeys.lead_of_call(call), creator=alice)
    return Award.objects.filter(call=call)


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_only_administrators_read_the_report(awards, alice, catalogue):
    for user in [alice, journeys.staff("STCSM"), finance_officer(username="f")]:
        assert client_for(user).get(URL).status_code == 403
    assert APIClient().get(URL).status_code == 403


def test_report_totals_and_pivots_match_the_database(awards):
    body = client_for(administrator(username="ops")).get(URL, {"district": "jingan"}).json()
    jingan = awards.filter(organisation__district="jingan")
    assert body["count"] == jingan.count()
    assert Decimal(body["awarded"]) == sum(a.amount for a in jingan)
    assert sum(Decimal(c["awarded"]) for c in body["by_district_year"]) == sum(a.amount for a in jingan)


def test_a_bad_filter_is_a_400_naming_it(awards):
    response = client_for(administrator(username="ops")).get(URL, {"state": "lottery"})
    assert response.status_code == 400 and "state" in response.json()
