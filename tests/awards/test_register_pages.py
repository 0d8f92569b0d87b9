"""The public register of each measure (no login): valid, expired and removed entries with their dates and the
removal reason, a search by name and product, open data (JSON, CSV) of the same rows and nothing internal; the
entry's own page, the lead commission's pages, and the objection to an entry on notice."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse

from awards import register
from awards.certificates import certificate_issue
from awards.models import EntryState, ObjectionState, RegisterEntry
from tests import journeys, registers
from tests.logins import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def aid_call(catalogue):
    return registers.recognition_call(registers.AID)


@pytest.fixture
def world(aid_call, alice, charlie):
    """A valid entry with its certificate, an expired one, a removed one, one still on notice and one awaiting it."""
    valid = registers.listed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    certificate_issue(decision_id=valid.decision_id)
    expired = registers.listed(
        aid_call, alice, title="Infusion pump", facts={**registers.AID_FACTS, "product_key": "PUMP-1"}
    )
    RegisterEntry.objects.filter(pk=valid.pk).update(valid_to=expired.valid_to + timedelta(days=400))
    register.entries_expire(today=expired.valid_to + timedelta(days=1))
    removed = registers.listed(
        aid_call, charlie, title="Dialysis unit", facts={**registers.AID_FACTS, "product_key": "DIA-9"}
    )
    register.entry_remove(entry=removed, by=journeys.staff("COMMERCE"), reason="Production moved out of Shanghai.")
    noticed = registers.on_notice(
        aid_call, charlie, title="Oxygen concentrator", facts={**registers.AID_FACTS, "product_key": "OX-2"}
    )
    waiting = registers.entry_of(
        registers.approved(
            aid_call, charlie, title="Surgical robot", facts={**registers.AID_FACTS, "product_key": "ROB-3"}
        )
    )
    return {
        name: RegisterEntry.objects.get(pk=entry.pk)
        for name, entry in dict(valid=valid, expired=expired, removed=removed, noticed=noticed, waiting=waiting).items()
    }


def page(client, **query):
    return client.get(reverse("public-register", args=[registers.AID]), query, HTTP_ACCEPT_LANGUAGE="en")


def test_the_public_register_lists_valid_expired_and_removed_entries_with_the_removal_reason(client, world):
    response = page(client)
    assert response.status_code == 200
    body = response.content.decode()
    for name in ["valid", "expired", "removed"]:
        assert f'id="entry-{world[name].pk}"' in body, name
    assert "Oxygen concentrator" not in body and "Surgical robot" not in body  # not listed yet
    assert "Removed on" in body and "Production moved out of Shanghai." in body
    assert world["valid"].certificate.reference in body
    assert str(world["valid"].valid_to) in body and "Expired" in body


def test_the_public_register_shows_nothing_internal(client, world):
    body = page(client).content.decode()
    for internal in [
        world["valid"].application.receipt_number,  # the file's number
        journeys.staff("COMMERCE").username,  # who reviewed or removed
        "Meets the clause.",  # the decision's reasons
        "made_in_shanghai",
    ]:
        assert internal not in body, internal


def test_the_register_is_searched_by_holder_product_and_certificate_number(client, world, alice):
    assert f"entry-{world['valid'].pk}" in page(client, q="ventilator").content.decode()
    by_key = page(client, q="pump").content.decode()
    assert f"entry-{world['expired'].pk}" in by_key and f"entry-{world['valid'].pk}" not in by_key
    assert f"entry-{world['valid'].pk}" in page(client, q=world["valid"].certificate.reference).content.decode()
    by_holder = page(client, q=alice.organisation.name[:10]).content.decode()
    assert f"entry-{world['removed'].pk}" not in by_holder and f"entry-{world['valid'].pk}" in by_holder
    removed_only = page(client, state=EntryState.REMOVED).content.decode()
    assert f"entry-{world['removed'].pk}" in removed_only and f"entry-{world['valid'].pk}" not in removed_only


def test_an_unknown_register_or_a_grant_has_no_public_register(client, catalogue):
    assert client.get(reverse("public-register", args=["NO-SUCH"])).status_code == 404
    assert client.get(reverse("public-register", args=["BIO24-DRUG-INNOVATIVE"])).status_code == 404


def more_removed_entries(like: RegisterEntry, n: int) -> None:
    """Copies of a removed entry (no live key to collide with), standing for a register that grew."""
    fields = {f.attname: getattr(like, f.attname) for f in RegisterEntry._meta.concrete_fields if not f.primary_key}
    RegisterEntry.objects.bulk_create([RegisterEntry(**{**fields, "subject": f"Copy {i}"}) for i in range(n)])


def test_the_public_register_costs_the_same_queries_however_many_entries(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(3) as few:
        assert page(client).status_code == 200
    more_removed_entries(world["removed"], 20)
    with django_assert_max_num_queries(3) as many:
        assert "Copy 19" in page(client).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(1):
        assert client.get(reverse("registers")).status_code == 200


def read_json(client, **query):
    response = client.get(reverse("public-register-json", args=[registers.AID]), query)
    return json.loads(b"".join(response.streaming_content))


def test_open_data_has_the_rows_of_the_page_and_nothing_internal(client, world, alice, django_assert_max_num_queries):
    more_removed_entries(world["removed"], 20)
    with django_assert_max_num_queries(2):
        data = read_json(client)
    RegisterEntry.objects.filter(subject__startswith="Copy ").delete()
    data = read_json(client)
    assert data["register"] == registers.AID and data["license"].startswith("https://creativecommons.org/")
    rows = {row["listed"]: row for row in data["entries"]}
    assert set(rows) == {"Portable ventilator", "Infusion pump", "Dialysis unit"}
    valid = rows["Portable ventilator"]
    assert valid == {
        "id": f"360G-SHBIOMED-REG-{world['valid'].pk}",
        "register": registers.AID,
        "clause": "II.4(11)",
        "category": None,
        "holder": {"id": f"CN-USCC-{alice.organisation.uscc}", "name": alice.organisation.name},
        "listed": "Portable ventilator",
        "productKey": "国械注准20233010001",
        "details": {"product_key": "国械注准20233010001"},
        "state": "valid",
        "validFrom": world["valid"].valid_from.isoformat(),
        "validTo": world["valid"].valid_to.isoformat(),
        "removedOn": None,
        "removalReason": None,
        "certificate": world["valid"].certificate.reference,
    }
    assert rows["Dialysis unit"]["removalReason"] == "Production moved out of Shanghai."
    assert [row["listed"] for row in read_json(client, q="pump")["entries"]] == ["Infusion pump"]


def test_the_csv_has_the_same_rows_and_no_cell_opens_as_a_formula(client, world):
    RegisterEntry.objects.filter(pk=world["valid"].pk).update(subject="=HYPERLINK(1)")  # as an applicant may type
    response = client.get(reverse("public-register-csv", args=[registers.AID]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Identifier", "Register", "Clause"] and rows[0][-1] == "Details"
    listed = {row[6] for row in rows[1:]}
    assert listed == {"Infusion pump", "Dialysis unit", "'=HYPERLINK(1)"}


def test_the_entry_page_is_for_the_holder_the_keeper_and_the_staff_routed_to_it(client, world, alice, charlie):
    url = reverse("register-entry", args=[world["valid"].pk])
    login(client, alice)
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Certificates" in body and world["valid"].certificate.reference in body
    assert "Listed in the register" in body and "Remove from the register" not in body
    login(client, charlie)
    assert client.get(url).status_code == 404
    login(client, journeys.staff("COMMERCE"))
    assert "Remove from the register" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_lead_removes_an_entry_from_its_page(client, world):
    entry = world["valid"]
    login(client, journeys.staff("COMMERCE"))
    url = reverse("register-entry-remove", args=[entry.pk])
    empty = client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    assert RegisterEntry.objects.get(pk=entry.pk).state == EntryState.VALID
    done = client.post(url, {"reason": "Certificate revoked by NMPA."})
    assert done.status_code == 302
    entry.refresh_from_db()
    assert (entry.state, entry.removal_reason) == (EntryState.REMOVED, "Certificate revoked by NMPA.")


def test_the_leads_pages_list_its_registers_and_the_calls_entries(
    client, world, aid_call, django_assert_max_num_queries
):
    login(client, journeys.staff("COMMERCE"))
    with django_assert_max_num_queries(9):  # 8 and the header's unread count (issue 16)
        kept = client.get(reverse("led-registers"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(entry.subject in kept for entry in world.values())
    with django_assert_max_num_queries(10):  # 9 and the header's unread count
        response = client.get(reverse("call-register", args=[aid_call.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Publish the notice" in response.content.decode()
    assert client.post(reverse("register-publish", args=[aid_call.pk])).status_code == 302
    assert RegisterEntry.objects.get(pk=world["waiting"].pk).state == EntryState.IN_NOTICE
    login(client, journeys.staff("HEALTH"))
    assert client.get(reverse("call-register", args=[aid_call.pk])).status_code == 404
    assert "Surgical robot" not in client.get(reverse("led-registers")).content.decode()


def test_anyone_objects_to_an_entry_on_notice_on_the_notices_page(client, world):
    entry = world["noticed"]
    notices = client.get(reverse("notices"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Oxygen concentrator" in notices and reverse("register-objection", args=[entry.pk]) in notices
    response = client.post(
        reverse("register-objection", args=[entry.pk]),
        {
            "name": "Zhou Min",
            "id_number": "310101199001011234",
            "phone": "13800000000",
            "text": "The device is imported.",
            "signed": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (
        response.status_code == 200
        and "The entry is not listed while your objection is open." in response.content.decode()
    )
    assert entry.objections.get().state == ObjectionState.OPEN
    # An entry not on notice takes no objection.
    assert client.get(reverse("register-objection", args=[world["valid"].pk])).status_code == 404


def test_the_lead_resolves_an_objection_to_an_entry(client, world):
    from awards.register_notice import entry_objection_file

    objection = entry_objection_file(
        entry=world["noticed"], name="Zhou Min", id_number="310101199001011234", phone="1380000", text="Doubts."
    )
    login(client, journeys.staff("COMMERCE"))
    url = reverse("register-objection-resolve", args=[objection.pk])
    assert client.post(url, {"upheld": "false", "resolution": "Made in Shanghai."}).status_code == 302
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED
