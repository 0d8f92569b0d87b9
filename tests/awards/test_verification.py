"""The public verification of letters and certificates (issue 17): a random token on each, printed as a QR code
and a short link in both halves; a public page (and its API) stating what the letter says and whether it is in
force; a check of an uploaded copy (byte for byte, and its seal); throttled; a rejection's token nowhere public."""

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from applications import workflow
from awards.certificates import certificate_issue
from awards.letter_assets import qr_data_uri
from awards.letters import LETTER_FONTS, TEMPLATES, letter_issue
from awards.models import Letter, LetterKind
from awards.verification import verification_context, verify_url
from tests import journeys, registers
from tests.awards.test_letters import confirmed_award
from tests.filings import PDF, submit
from tests.logins import login
from tests.paths import ARTIFACTS

pytestmark = pytest.mark.django_db

NOT_A_PDF = b"MZ\x90\x00 an executable renamed to letter.pdf"


@pytest.fixture
def award_letter(review_call, alice) -> Letter:
    award = confirmed_award(review_call, alice)
    return letter_issue(decision_id=award.decision_id)


@pytest.fixture
def rejection_letter(review_call, charlie) -> Letter:
    application = journeys.ready_for_decision(submit(review_call, charlie, title="Drug R"))
    workflow.transition(application=application, action="reject", by=journeys.lead(application), reason="Not new.")
    return letter_issue(decision_id=application.decisions.get().pk)


@pytest.fixture
def certificate(catalogue, alice) -> Letter:
    entry = registers.listed(
        registers.recognition_call(registers.AID), alice, title="Portable ventilator", facts=registers.AID_FACTS
    )
    return certificate_issue(decision_id=entry.decision_id)


def pdf_bytes(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as handle:
        return handle.read()


def pages_text(data: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def page(client: Client, letter: Letter, language: str = "en"):
    client.cookies["django_language"] = language
    return client.get(reverse("verify", args=[letter.token]))


def facts_of(response) -> str:
    """The page's statement of the letter, its tags stripped (to compare what different people see)."""
    html = response.content.decode()
    block = re.search(r'<dl class="facts card verify-facts" id="letter-facts">(.*?)</dl>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


def upload(data: bytes, name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


# --- the token and what the letter prints ---------------------------------------------------------------------


def test_every_letter_and_certificate_gets_its_own_random_token_not_its_number(
    award_letter, rejection_letter, certificate
):
    tokens = [award_letter.token, rejection_letter.token, certificate.token]
    assert len(set(tokens)) == 3
    for letter in (award_letter, rejection_letter, certificate):
        assert len(letter.token) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", letter.token)
        assert letter.reference not in letter.token and str(letter.number) != letter.token


@pytest.mark.parametrize("kind", ["award_letter", "rejection_letter", "certificate"])
def test_both_halves_print_the_link_to_the_verification_page_and_its_qr_code(kind, request):
    letter = request.getfixturevalue(kind)
    url = verify_url(letter.token)
    assert url.endswith(f"/verify/{letter.token}/")
    zh, en = pages_text(pdf_bytes(letter))  # still one page in each language
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # kept to be looked at (pdftoppm)
    (ARTIFACTS / f"verify-{letter.kind}.pdf").write_bytes(pdf_bytes(letter))
    assert url in zh and "核验本文件" in zh
    assert url in en and "Toverifythisdocument" in en  # lines break anywhere: the text has no spaces
    # the QR code of that same link, once in each half
    context = verification_context(letter)
    html = render_to_string(
        TEMPLATES.get(letter.kind, "letters/letter.html"),
        {"letter": letter, "c": letter.content, "fonts": LETTER_FONTS, **context},
    )
    assert context["verify_qr"] == qr_data_uri(url) and html.count(f'<img src="{context["verify_qr"]}"') == 2


def test_the_certificate_no_longer_points_at_the_register_search(certificate):
    assert "register_url" not in certificate.content and "qr" not in certificate.content
    assert "?q=" not in "".join(pages_text(pdf_bytes(certificate)))


def test_an_old_certificate_snapshot_with_the_registers_qr_still_renders(certificate):
    from awards.letters import render_letter

    old = "https://portal.example/registers/X/?q=" + certificate.reference
    certificate.content |= {"register_url": old, "qr": qr_data_uri(old)}
    text = "".join(pages_text(render_letter(certificate)))
    assert verify_url(certificate.token) in text and old not in text


# --- the page -----------------------------------------------------------------------------------------------


def test_the_page_states_an_award_letter_in_english_and_in_chinese(award_letter, client):
    program = award_letter.application.call.program
    english = page(client, award_letter, "en")
    assert english.status_code == 200
    facts = facts_of(english)
    for said in [
        award_letter.reference,
        award_letter.application.organisation.name,
        program.title_en,
        "4,000,000 yuan",
        award_letter.issued_on.isoformat(),
        award_letter.sha256,
    ]:
        assert said in facts, said
    assert program.code not in facts  # names, never codes
    assert "In force" in english.content.decode()
    chinese = page(client, award_letter, "zh-hans")
    assert program.title_zh in facts_of(chinese) and "本文件由本平台签发，未被撤销。" in chinese.content.decode()
    assert program.title_en not in facts_of(chinese)


def test_the_page_of_a_rejection_says_not_granted_and_nothing_of_its_reasons(rejection_letter, client):
    response = page(client, rejection_letter)
    facts = facts_of(response)
    assert "Not granted" in facts and rejection_letter.reference in facts
    assert "Not new." not in response.content.decode()


def test_the_page_of_a_certificate_states_what_is_listed_and_its_validity(certificate, client):
    entry = certificate.entry
    facts = facts_of(page(client, certificate))
    assert "Portable ventilator" in facts
    assert f"{entry.valid_from.isoformat()} – {entry.valid_to.isoformat()}" in facts


def test_an_expired_certificate_is_no_longer_in_force(certificate, client):
    certificate.content["entry"]["valid_to"] = "2020-01-01"
    Letter.objects.filter(pk=certificate.pk).update(content=certificate.content)
    html = page(client, certificate).content.decode()
    assert "No longer in force" in html and "2020-01-01" in html


def test_the_page_is_public_and_the_same_for_the_owner_a_colleague_an_outsider_and_anyone(
    award_letter, alice, bob, charlie
):
    seen = []
    for person in (alice, bob, charlie, None):
        client = login(Client(), person) if person else Client()
        response = page(client, award_letter)
        assert response.status_code == 200
        seen.append(facts_of(response))
    assert len(set(seen)) == 1


def test_an_unknown_token_and_a_letter_not_yet_rendered_are_404(award_letter, client):
    assert client.get(reverse("verify", args=["x" * 22])).status_code == 404
    assert client.get(reverse("verify", args=[award_letter.reference])).status_code == 404  # numbers are no key
    Letter.objects.filter(pk=award_letter.pk).update(rendered_at=None)
    assert page(client, award_letter).status_code == 404


# --- checking a copy ----------------------------------------------------------------------------------------


def check(client: Client, letter: Letter, file) -> str:
    client.cookies["django_language"] = "en"
    response = client.post(reverse("verify", args=[letter.token]), {"file": file} if file else {})
    assert response.status_code == 200
    return response.content.decode()


def test_the_issued_pdf_is_identical_and_its_seal_valid_as_its_commissions(award_letter, client):
    html = check(client, award_letter, upload(pdf_bytes(award_letter)))
    assert "Identical" in html and "Not identical" not in html
    assert "Seal valid" in html and f"Sealed by {award_letter.commission.name_en}" in html
    assert "a demonstration certificate" in html  # the test run's keys are the demo CA's


def test_a_pdf_without_a_seal_says_so(award_letter, client):
    html = check(client, award_letter, upload(PDF))
    assert "Not identical" in html and "No seal" in html and "Seal valid" not in html


def test_a_copy_with_one_byte_changed_is_not_identical(award_letter, client):
    data = bytearray(pdf_bytes(award_letter))
    data[len(data) // 2] ^= 0x01
    html = check(client, award_letter, upload(bytes(data)))
    assert "Not identical" in html and hashlib.sha256(bytes(data)).hexdigest() in html
    assert "Seal not valid" in html and "Seal valid" not in html


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (None, "This field is required."),
        (upload(b"", "empty.pdf"), "The submitted file is empty."),
        (upload(NOT_A_PDF, "letter.pdf"), "Only PDF files can be checked"),
        (upload(b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "huge.pdf"), "at most 10,485,760 bytes"),
    ],
    ids=["no file", "empty", "not a pdf", "too large"],
)
def test_anything_but_a_pdf_within_the_limit_gets_a_field_error(award_letter, client, file, message):
    if file is not None:
        file.seek(0)
    html = check(client, award_letter, file)
    assert message in html and 'class="error"' in html and "check-result" not in html


# --- throttled ----------------------------------------------------------------------------------------------


def test_lookups_are_throttled_per_address_with_an_error_page(award_letter, client, settings):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verify"].split("/")[0])
    client.cookies["django_language"] = "en"
    for n in range(rate):
        # guesses count as much as real lookups, and the page and the API share the count
        if n % 3 == 0:
            assert client.get(reverse("verify", args=[f"guess{n:017d}"])).status_code == 404
        elif n % 3 == 1:
            assert APIClient().get(reverse("v1:verify", args=[award_letter.token])).status_code == 200
        else:
            assert page(client, award_letter).status_code == 200
    refused = page(client, award_letter)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "Too many lookups" in html and 'role="alert"' in html and award_letter.reference not in html
    assert APIClient().get(reverse("v1:verify", args=[award_letter.token])).status_code == 429
    # another address is not held back
    assert client.get(reverse("verify", args=[award_letter.token]), REMOTE_ADDR="10.0.0.9").status_code == 200


# --- the API ------------------------------------------------------------------------------------------------


def test_the_api_answers_the_same_facts_as_json(award_letter, certificate, rejection_letter):
    api = APIClient()
    answer = api.get(reverse("v1:verify", args=[award_letter.token]), HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    program = award_letter.application.call.program
    assert answer.json() == {
        "reference": award_letter.reference,
        "kind": LetterKind.AWARD,
        "kind_label": "Award decision",
        "commission": program.lead.name_en,
        "recipient": award_letter.application.organisation.name,
        "program": program.title_en,
        "amount": "4000000.00",
        "granted": True,
        "subject": None,
        "valid_from": None,
        "valid_to": None,
        "issued_on": award_letter.issued_on.isoformat(),
        "sha256": award_letter.sha256,
        "in_force": True,
        "revoked_on": None,
        "revoked_because": "",
        "revoked_reason": "",
        "expired": False,
    }
    listed = api.get(reverse("v1:verify", args=[certificate.token])).json()
    assert (listed["subject"], listed["valid_to"]) == ("Portable ventilator", certificate.entry.valid_to.isoformat())
    refused = api.get(reverse("v1:verify", args=[rejection_letter.token]), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert refused["granted"] is False and refused["amount"] is None
    assert refused["program"] == rejection_letter.application.call.program.title_zh
    assert api.get(reverse("v1:verify", args=["nope" * 6])).status_code == 404


def test_the_api_checks_an_uploaded_pdf(award_letter):
    api, url = APIClient(), reverse("v1:verify", args=[award_letter.token])
    same = api.post(url, {"file": upload(pdf_bytes(award_letter))}, format="multipart").json()
    assert same["identical"] is True and same["sha256"] == award_letter.sha256
    # Who sealed, by the commission's name in the request's language.
    assert same["seal"].pop("signer") in (award_letter.commission.name_zh, award_letter.commission.name_en)
    assert same["seal"] == {
        "signed": True,
        "intact": True,
        "whole_document": True,
        "trusted": True,
        "valid": True,
        "demo": True,
    }
    changed = bytearray(pdf_bytes(award_letter))
    changed[-100] ^= 0x01
    assert api.post(url, {"file": upload(bytes(changed))}, format="multipart").json()["identical"] is False
    refused = api.post(url, {"file": upload(NOT_A_PDF)}, format="multipart")
    assert refused.status_code == 400 and refused.json()["code"] == "upload_refused"
    assert api.post(url, {}, format="multipart").status_code == 400


# --- a rejection is no public fact --------------------------------------------------------------------------


def test_a_rejections_token_appears_on_no_public_page_and_in_no_outsiders_api_list(
    rejection_letter, award_letter, certificate, review_call, alice, charlie
):
    token = rejection_letter.token
    assert rejection_letter.application.organisation == charlie.organisation
    outsider_pages = [
        reverse("home"),
        reverse("calls"),
        reverse("call-detail", args=[review_call.pk]),
        reverse("notices"),
        reverse("registers"),
        reverse("public-register", args=[registers.AID]),
        reverse("public-register-json", args=[registers.AID]),
        reverse("public-register-csv", args=[registers.AID]),
        reverse("open-data-json"),
        reverse("open-data-csv"),
    ]
    api_lists = ["v1:call-list", "v1:application-list", "v1:award-list", "v1:notification-list", "v1:project-list"]
    anyone, outsider = Client(), login(Client(), alice)  # alice: of another organisation than the rejected one
    api = APIClient()
    api.force_login(alice)
    for url in outsider_pages:
        for client in (anyone, outsider):
            response = client.get(url)
            assert response.status_code == 200, url
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert token.encode() not in body, url
    for name in api_lists:
        response = api.get(reverse(name))
        assert response.status_code == 200, name
        assert token not in response.content.decode(), name
    # ... while the letter itself carries it, for its holder to share, and its owner's page links to it
    assert verify_url(token) in "".join(pages_text(pdf_bytes(rejection_letter)))
    owner_page = login(Client(), charlie).get(reverse("application-detail", args=[rejection_letter.application_id]))
    assert reverse("verify", args=[token]) in owner_page.content.decode()
    assert timezone.localdate() == rejection_letter.issued_on
