"""The edit page's autosave (issue 18): the same view and draft save as the "Save draft" button, answering
with the "saved at" line instead of a page; what cannot be saved is said and nothing changes."""

import re

from django.urls import reverse

from applications.models import Application
from tests.filings import DRUG_FACTS, make_draft
from tests.logins import login


def autosave(client, application, track=None, **fields):
    data = {"title": application.title, "action": "autosave", **{f"facts-{k}": v for k, v in fields.items()}}
    if track:
        data["track"] = track
    return client.post(reverse("application-edit", args=[application.pk]), data, HTTP_HX_REQUEST="true")


def test_autosave_keeps_what_was_typed_and_says_when(client, filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    login(client, alice)
    response = autosave(client, application, **{**DRUG_FACTS, "product_key": "CXHL2400999"})
    assert response.status_code == 200
    assert re.fullmatch(r"Saved at \d\d:\d\d", response.content.decode().strip())
    assert Application.objects.get(pk=application.pk).draft_facts["product_key"] == "CXHL2400999"


def test_autosave_in_chinese(client, filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    login(client, alice)
    client.cookies["django_language"] = "zh-hans"
    assert re.fullmatch(r"已于 \d\d:\d\d 保存", autosave(client, application, **DRUG_FACTS).content.decode().strip())


def test_autosave_without_a_title_saves_nothing_and_says_why(client, filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    before = Application.objects.get(pk=application.pk).draft_facts
    login(client, alice)
    data = {"title": "", "action": "autosave", "facts-product_key": "CHANGED"}
    response = client.post(reverse("application-edit", args=[application.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Not saved:" in response.content.decode()
    assert Application.objects.get(pk=application.pk).draft_facts == before


def test_autosave_of_what_cannot_be_stored_saves_nothing(client, filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    before = Application.objects.get(pk=application.pk).draft_facts
    login(client, alice)
    response = autosave(client, application, **{**DRUG_FACTS, "product_key": "A\x00B"})
    assert response.status_code == 200 and "Not saved:" in response.content.decode()
    assert Application.objects.get(pk=application.pk).draft_facts == before


def test_autosave_never_changes_the_track(client, filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    login(client, alice)
    assert autosave(client, application, track="phase_1", **DRUG_FACTS).status_code == 200
    assert Application.objects.get(pk=application.pk).track.code == "phase_2"
    # The same post as the "Save draft" button does change it: the track is the form's to choose.
    data = {"title": application.title, "action": "save", "track": "phase_1"}
    client.post(reverse("application-edit", args=[application.pk]), data)
    assert Application.objects.get(pk=application.pk).track.code == "phase_1"


def test_a_colleague_may_autosave_an_outsider_gets_404(client, filing_call, alice, bob, charlie):
    application = make_draft(filing_call, alice, documents=False)
    login(client, bob)
    assert autosave(client, application, **DRUG_FACTS).status_code == 200
    client.logout()
    login(client, charlie)
    assert autosave(client, application, product_key="OUTSIDER").status_code == 404
    assert Application.objects.get(pk=application.pk).draft_facts["product_key"] != "OUTSIDER"
