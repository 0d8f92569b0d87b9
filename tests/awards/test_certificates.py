"""Certificates of register entries: numbered from the lead commission's letter series, bilingual, stating the
legal basis, what is listed, the validity and the remedies, re-rendered identically, mailed with the PDF, and
downloaded only by those who may see the file."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications import workflow
from awards import letters
from awards.certificates import certificate_issue
from awards.letters import letter_issue
from awards.models import Letter, LetterKind, RegisterEntry
from awards.register_lifecycle import RegisterAction
from awards.verification import verify_url
from tests import journeys, registers
from tests.factories import member
from tests.logins import login
from tests.paths import ARTIFACTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def aid_call(catalogue):
    return registers.recognition_call(registers.AID)


def in_chinese(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def pdf_text(letter: Letter) -> str:
    with letter.pdf.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_the_certificate_states_the_listing_in_both_languages(aid_call, alice):
    entry = registers.listed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    letter = certificate_issue(decision_id=entry.decision_id)
    entry.refresh_from_db()
    assert entry.certificate == letter and letter.kind == LetterKind.CERTIFICATE and letter.entry == entry
    assert letter.reference == f"COMMERCE-{timezone.localdate().year}-00001"
    text = pdf_text(letter)
    for said in [
        letter.reference,
        "上海市商务委员会",
        "认定证书",
        alice.organisation.uscc,
        "Portable ventilator",
        "国械注准20233010001",
        f"有效期：{in_chinese(entry.valid_from)}至{in_chinese(entry.valid_to)}",
        "符合《上海市促进生物医药企业国际竞争力行动方案（2024—2027年）》",  # the basis (policy B has no number)
        "六十日内向上海市人民政府申请行政复议",  # the remedies, in Chinese, naming the body
        "六个月内向有管辖权的人民法院提起行政诉讼",
        "第二条第（四）项第11目",  # the clause, B II.4(11), as the Chinese cites it
        "Certificate of recognition",
        f"Valid from {entry.valid_from} to {entry.valid_to}",
        "to the Shanghai Municipal People's Government for administrative reconsideration within 60 days",
        "section II, item 4, point (11)",
    ]:
        assert "".join(said.split()) in "".join(text.split()), said  # lines break anywhere
    # Words, never codes: neither the program's code nor the clause's.
    assert "INTL24" not in "".join(text.split())
    assert "II.4(11)" not in text and "条款" not in text
    html = render_to_string("letters/certificate.html", {"letter": letter, "c": letter.content, "fonts": ""})
    assert '<section class="en" lang="en">' in html
    assert len(PdfReader(letter.pdf.path).pages) == 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # kept to be looked at (pdftoppm)
    with letter.pdf.open("rb") as handle:
        (ARTIFACTS / "certificate-foreign-aid.pdf").write_bytes(handle.read())


def test_the_certificate_links_to_its_verification_page_not_to_the_register_search(aid_call, alice):
    # Issue 17: the QR code and link lead to /verify/<token>/, which says whether it is still in force.
    entry = registers.listed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    letter = certificate_issue(decision_id=entry.decision_id)
    assert verify_url(letter.token) in "".join(pdf_text(letter).split())
    assert "register_url" not in letter.content and "qr" not in letter.content


def test_certificates_and_decision_letters_share_the_commissions_series_without_gaps(aid_call, alice, charlie):
    listed = registers.listed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    rejected = journeys.ready_for_decision(
        registers.filed(aid_call, charlie, title="Dialysis unit", facts={**registers.AID_FACTS, "product_key": "D-1"})
    )
    workflow.transition(application=rejected, action="reject", by=journeys.lead(rejected), reason="Not innovative.")
    certificate = certificate_issue(decision_id=listed.decision_id)
    refusal = letter_issue(decision_id=rejected.decisions.get().pk)
    assert [certificate.number, refusal.number] == [1, 2]
    text = pdf_text(refusal)
    assert "不予认定" in text and "not granted the listing" in text and "不予资助" not in text


def test_a_certificate_is_issued_once_and_re_renders_identically(aid_call, alice):
    entry = registers.listed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    letter = certificate_issue(decision_id=entry.decision_id)
    assert certificate_issue(decision_id=entry.decision_id).pk == letter.pk
    with letter.pdf.open("rb") as handle:
        sealed = handle.read()
    assert hashlib.sha256(sealed).hexdigest() == letter.sha256
    # The seal is an incremental update: the sealed file begins with exactly the re-rendered PDF.
    assert sealed.startswith(letters.render_letter(letter))
    assert Letter.objects.count() == 1
    assert entry.events.filter(action=RegisterAction.CERTIFICATE_ISSUED).count() == 1


def test_no_certificate_before_the_entry_is_listed(aid_call, alice):
    entry = registers.on_notice(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    with pytest.raises(ValueError):
        certificate_issue(decision_id=entry.decision_id)
    assert not Letter.objects.exists()


def test_the_certificate_is_mailed_to_the_holder_with_the_pdf_attached(
    aid_call, alice, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    entry = registers.listed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    with django_capture_on_commit_callbacks(execute=True):
        letter = certificate_issue(decision_id=entry.decision_id)
    (message,) = [m for m in mailoutbox if letter.reference in m.body]
    assert message.to == [alice.email]
    assert "Certificate for application" in message.subject and "证书" in message.subject
    assert f"valid until {entry.valid_to}" in message.body
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == (f"{letter.reference}.pdf", "application/pdf") and content.startswith(b"%PDF")


def test_the_holders_members_and_the_staff_download_the_certificate_and_outsiders_get_404(
    client, aid_call, alice, charlie
):
    entry = registers.listed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    url = reverse("letter-download", args=[certificate_issue(decision_id=entry.decision_id).pk])
    assert client.get(url).status_code == 302  # to the login page
    for user, status in [
        (alice, 200),
        (member(alice.organisation, username="bob"), 200),
        (journeys.staff("COMMERCE"), 200),  # the commission that keeps the register
        (journeys.staff("HEALTH"), 200),  # routed to the file as a co-reviewer
        (charlie, 404),
        (journeys.staff("STCSM"), 404),  # a commission the file never reached
    ]:
        login(client, user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_renewal_certificate_says_it_renews_and_the_old_one_stays_on_the_entry(aid_call, alice, eager_celery):
    entry = registers.listed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    first = certificate_issue(decision_id=entry.decision_id)
    shift = entry.valid_to - timezone.localdate() - timedelta(days=30)
    RegisterEntry.objects.filter(pk=entry.pk).update(
        valid_from=entry.valid_from - shift, valid_to=entry.valid_to - shift
    )
    renewal = journeys.approve(registers.filed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS))
    second = certificate_issue(decision_id=renewal.decisions.get().pk)
    assert list(RegisterEntry.objects.get(pk=entry.pk).certificates.order_by("number")) == [first, second]
    text = "".join(pdf_text(second).split())  # lines break anywhere
    assert "予以延续认定" in text and "renewthelistingof" in text
