"""Issue 17, the digital seal: every issued letter and certificate carries a PAdES signature of its commission, in a
visible field on the page of the Chinese signature line, that pyHanko validates against the demo CA; a changed byte,
another commission's name or a CA nobody trusts does not pass."""

import io

import pytest
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from awards import seal
from awards.certificates import certificate_issue
from awards.letters import letter_issue, render_letter
from awards.models import Letter
from portal.accounts.models import Commission
from tests import registers
from tests.awards.test_certificates import aid_call  # noqa: F401 -- the fixture
from tests.awards.test_letters import confirmed_award

pytestmark = pytest.mark.django_db


def sealed_bytes(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture
def letter(review_call, alice) -> Letter:
    award = confirmed_award(review_call, alice)
    return letter_issue(decision_id=award.decision_id)


def test_an_issued_letter_is_sealed_by_its_commission_over_the_whole_document(letter):
    pdf = sealed_bytes(letter)
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=seal.trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    )
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    assert signature.field_name == "Seal"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    # Visible, on page 1 (the Chinese signature line's page), not a zero-size box.
    widget = signature.sig_field["/Kids"][0] if "/Kids" in signature.sig_field else signature.sig_field
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 30
    assert widget.raw_get("/P").idnum == PdfFileReader(io.BytesIO(pdf)).find_page_for_modification(0)[0].idnum

    check = seal.validate_seal(pdf)
    assert check.valid and check.whole_document and check.demo
    assert check.signer == "STCSM" == letter.commission.code


def test_an_issued_certificate_is_sealed_by_its_lead_commission(aid_call, alice):  # noqa: F811
    entry = registers.listed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    certificate = certificate_issue(decision_id=entry.decision_id)
    check = seal.validate_seal(sealed_bytes(certificate))
    assert check.valid and check.demo
    assert check.signer == certificate.commission.code != "STCSM"


def test_the_demo_letter_says_its_seal_is_a_demo_one(letter):
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(sealed_bytes(letter))).pages[0].extract_text()
    assert "演示印章" in text and "Demo seal" in text


def test_one_changed_byte_breaks_the_seal(letter):
    pdf = bytearray(sealed_bytes(letter))
    # A byte of the first page's content stream, inside the signed range.
    pdf[len(pdf) // 10] ^= 0x01
    check = seal.validate_seal(bytes(pdf))
    assert check.signed and not check.intact and not check.valid


def test_bytes_appended_after_sealing_are_not_covered(letter):
    pdf = sealed_bytes(letter) + b"\n% appended after the seal\n"
    check = seal.validate_seal(pdf)
    assert check.signed and not check.whole_document and not check.valid


def test_a_letter_of_one_commission_does_not_pass_as_another_commissions(letter):
    other = Commission.objects.exclude(pk=letter.commission_id).get(code="SHEITC")
    assert seal.validate_seal(sealed_bytes(letter)).signer == "STCSM" != other.code
    # Sealed again by the other commission's own key, the same letter names that commission, not its own.
    resealed = seal.validate_seal(seal.sign_pdf(render_letter(letter), commission=other))
    assert resealed.valid and resealed.signer == "SHEITC" != letter.commission.code


def test_a_seal_from_an_untrusted_ca_is_not_trusted(letter, tmp_path, settings):
    seal.make_ca(tmp_path, name="Some other CA", file_name="other-ca.pem")
    seal.make_seal_key(tmp_path, letter.commission, ca_file="other-ca.pem")
    settings.SEAL_DIR = tmp_path  # the key of this other CA signs; the trust roots stay the demo CA's
    forged = seal.sign_pdf(render_letter(letter), commission=letter.commission)
    check = seal.validate_seal(forged)
    assert check.signed and check.intact and check.whole_document
    assert not check.trusted and not check.valid and not check.demo


@pytest.mark.parametrize("pdf", [b"", b"not a pdf at all", b"%PDF-1.7\n%%EOF\n"])
def test_what_is_no_sealed_pdf_is_reported_unsigned_without_an_error(pdf):
    assert seal.validate_seal(pdf) == seal.SealCheck(signed=False, intact=False, whole_document=False, trusted=False)


def test_an_unsigned_letter_is_unsigned(letter):
    check = seal.validate_seal(render_letter(letter))
    assert not check.signed and not check.valid


def test_seal_demo_ca_makes_the_ca_and_a_key_per_commission_once(catalogue, tmp_path, settings):
    settings.SEAL_DIR = tmp_path / "seal"
    call_command("seal_demo_ca")
    codes = set(Commission.objects.values_list("code", flat=True))
    assert {p.stem for p in settings.SEAL_DIR.glob("*.p12")} == codes
    before = {p.name: p.read_bytes() for p in settings.SEAL_DIR.iterdir()}
    call_command("seal_demo_ca")  # every start: nothing made again, letters sealed before still validate
    assert {p.name: p.read_bytes() for p in settings.SEAL_DIR.iterdir()} == before


def test_seal_demo_ca_leaves_a_directory_of_real_keys_alone(catalogue, tmp_path, settings):
    settings.SEAL_DIR = tmp_path
    (tmp_path / "STCSM.p12").write_bytes(b"a real commission's key")
    with pytest.raises(CommandError):
        call_command("seal_demo_ca")
    assert [p.name for p in tmp_path.iterdir()] == ["STCSM.p12"]


def test_without_its_key_a_letter_is_not_issued_unsealed(review_call, alice, tmp_path, settings):
    award = confirmed_award(review_call, alice)
    settings.SEAL_DIR = tmp_path
    with pytest.raises(seal.SealUnavailable):
        letter_issue(decision_id=award.decision_id)
    letter = Letter.objects.get(decision_id=award.decision_id)
    assert not letter.pdf and letter.rendered_at is None and not letter.sha256
