"""The commissions' digital seals on letters and certificates (issue 17): PAdES signatures made with
pyHanko, each commission with its own key and certificate, and their validation for the verification page.

Keys come from settings.SEAL_DIR, one PKCS#12 file per commission (`<CODE>.p12`, under SEAL_PASSPHRASE); the
signatures are trusted when they chain to one of the SEAL_TRUST_ROOTS. In a demo, `manage.py seal_demo_ca` makes a
demo certificate authority (`demo-ca.pem` in SEAL_DIR) and a key for every commission; its letters say so.

The seal is a PAdES baseline signature (ETSI.CAdES.detached, SHA-256) in a field "Seal" whose box is the space
templates/letters/_seal.html reserves under the Chinese signature line: WeasyPrint writes that element's position
as the named destination "seal", so the box follows the letter's layout. The box's appearance is a small page
WeasyPrint renders from templates/letters/seal_stamp.html (CJK fonts included), imported by pyHanko.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.template.loader import render_to_string

from awards.letter_assets import LETTER_FONTS
from portal.accounts.models import Commission

logger = logging.getLogger(__name__)

FIELD_NAME = "Seal"
# The named destination WeasyPrint writes for the element with id="seal" (templates/letters/_seal.html).
ANCHOR = "seal"
# The stamp's size, in the letter's reserved space and in its own appearance page alike.
WIDTH_MM, HEIGHT_MM = 64, 19
DEMO_CA_FILE = "demo-ca.pem"
# The demo CA's subject: a certificate it issued is a demo seal wherever it is validated.
DEMO_CA_NAME = "Shanghai Biomedical Support Portal demo seal CA"
DEMO_ORGANISATION = "Shanghai Biomedical Support Portal (demo)"
MM = 72 / 25.4
SIGNATURE_BYTES = 8192


class SealUnavailable(RuntimeError):
    """The commission has no key in SEAL_DIR (or it cannot be opened): the letter cannot be sealed."""


@dataclass(frozen=True)
class SealCheck:
    """What validating an uploaded PDF's seal found."""

    signed: bool  # the PDF carries a signature at all
    intact: bool  # the signed bytes are unchanged
    whole_document: bool  # the signature covers the whole file (nothing appended after signing)
    trusted: bool  # the signer's certificate chains to a trusted root (the demo CA's, in a demo)
    signer: str = ""  # the signing commission's code, or the certificate's subject when it is no commission's
    demo: bool = False  # signed with a demo certificate authority's key

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.whole_document and self.trusted


# Keys and certificates.


def seal_dir() -> Path:
    return Path(settings.SEAL_DIR)


def is_demo() -> bool:
    """Whether this deployment seals with the demo CA: what the letter says under its seal. Decided from the
    demo CA's certificate in SEAL_DIR, so rendering needs no private key."""
    return (seal_dir() / DEMO_CA_FILE).exists()


def _passphrase() -> bytes | None:
    return settings.SEAL_PASSPHRASE.encode() if settings.SEAL_PASSPHRASE else None


def _signer(code: str):
    from pyhanko.sign import signers

    path = seal_dir() / f"{code}.p12"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SealUnavailable(f"no seal key for commission {code} at {path}") from error
    try:
        return signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=_passphrase())
    except ValueError as error:
        raise SealUnavailable(f"the seal key {path} cannot be opened (SEAL_PASSPHRASE?)") from error


def _subject(*, common_name: str, organisation: str, code: str = "") -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Shanghai"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if code:
        # Where validation finds the commission again (SealCheck.signer).
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, code))
    return x509.Name([*attributes, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(*, subject, issuer, public_key, issuer_key, ca: bool, years: int) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def make_ca(directory: Path, *, name: str = DEMO_CA_NAME, file_name: str = DEMO_CA_FILE) -> Path:
    """A certificate authority (EC P-256, ten years): its certificate `file_name` and its key beside it
    (`<stem>.key`, readable by the owner only). Returns the certificate's path."""
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _subject(common_name=name, organisation=DEMO_ORGANISATION)
    cert = _certificate(subject=subject, issuer=subject, public_key=key.public_key(), issuer_key=key, ca=True, years=10)
    key_path = directory / f"{Path(file_name).stem}.key"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption())
    )
    key_path.chmod(0o600)
    cert_path = directory / file_name
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path


def _encryption():
    passphrase = _passphrase()
    return serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()


def make_seal_key(directory: Path, commission, *, ca_file: str = DEMO_CA_FILE) -> Path:
    """`<CODE>.p12` for `commission`: an EC P-256 key and a five-year certificate issued by the CA in
    `directory`, with the commission's code in the subject (organizationIdentifier)."""
    ca_cert = x509.load_pem_x509_certificate((directory / ca_file).read_bytes())
    ca_key = serialization.load_pem_private_key(
        (directory / f"{Path(ca_file).stem}.key").read_bytes(), password=_passphrase()
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(
        # A common name has at most 64 bytes; the organisation's name is not bounded.
        subject=_subject(
            common_name=commission.name_zh if len(commission.name_zh.encode()) <= 64 else commission.code,
            organisation=commission.name_en,
            code=commission.code,
        ),
        issuer=ca_cert.subject,
        public_key=key.public_key(),
        issuer_key=ca_key,
        ca=False,
        years=5,
    )
    path = directory / f"{commission.code}.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(commission.code.encode(), key, cert, [ca_cert], _encryption())
    )
    path.chmod(0o600)
    return path


def demo_ca_ensure(commissions) -> list[str]:
    """The demo CA and a seal key for each of `commissions` in SEAL_DIR, made only where missing (so it is
    safe on every start). Returns the codes of the keys it made. Refuses a SEAL_DIR that holds keys but no
    demo CA: those are real seals, not to be mixed with demo ones."""
    directory = seal_dir()
    existing = sorted(directory.glob("*.p12")) if directory.exists() else []
    if not is_demo():
        if existing:
            raise SealUnavailable(f"{directory} holds seal keys but no demo CA; not adding demo keys there")
        make_ca(directory)
    made = []
    for commission in commissions:
        if not (directory / f"{commission.code}.p12").exists():
            make_seal_key(directory, commission)
            made.append(commission.code)
    return made


# Signing.


def _stamp_content(pdf: bytes):
    """The stamp page (PDF bytes) as the appearance's background: pyHanko's ImportedPdfPage, read from memory."""
    import uuid

    from pyhanko.pdf_utils import content
    from pyhanko.pdf_utils.reader import PdfFileReader

    class ImportedStamp(content.ImportedPdfPage):
        def render(self) -> bytes:
            xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(BytesIO(pdf)), page_ix=0)
            name = "/Stamp" + uuid.uuid4().hex
            self.resources.xobject[name] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = content.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name.encode() + b" Do"

    return ImportedStamp(file_name="", page_ix=0)


@lru_cache(maxsize=64)
def stamp_pdf(name_zh: str, name_en: str, demo: bool) -> bytes:
    """The seal's appearance, a page of the stamp's size; the same for every letter of a commission."""
    from weasyprint import HTML

    html = render_to_string(
        "letters/seal_stamp.html",
        {"name_zh": name_zh, "name_en": name_en, "demo": demo, "seal": seal_context(), "fonts": LETTER_FONTS},
    )
    return HTML(string=html).write_pdf()


def seal_context() -> dict:
    """What the letter templates need for the seal (render_letter passes it as `seal`)."""
    # The signature's box is in whole points; the stamp page is made exactly that size, so nothing is clipped.
    return {
        "demo": is_demo(),
        "width_pt": round(WIDTH_MM * MM),
        "height_pt": round(HEIGHT_MM * MM),
    }


def _named_destinations(node) -> dict:
    found = {}
    names = node.get("/Names")
    if names is not None:
        names = list(names)
        for key, value in zip(names[::2], names[1::2], strict=False):
            found[str(key)] = value.get_object()
    for kid in node.get("/Kids", []):
        found.update(_named_destinations(kid.get_object()))
    return found


def seal_box(reader) -> tuple[int, tuple[int, int, int, int]]:
    """(page index, box in PDF points) of the space the template reserved; the foot of page 1's right side
    when the PDF has no such place."""
    context = seal_context()
    width, height = context["width_pt"], context["height_pt"]
    names = reader.root.get("/Names")
    dests = _named_destinations(names["/Dests"].get_object()) if names and "/Dests" in names else {}
    destination = dests.get(ANCHOR)
    if isinstance(destination, dict):  # a destination may be a dictionary holding it under /D
        destination = destination.get("/D")
    if destination is not None:
        page_ref, left, top = destination.raw_get(0), float(destination[2]), float(destination[3])
        for index in range(int(reader.root["/Pages"]["/Count"])):
            ref, _resources = reader.find_page_for_modification(index)
            if ref.idnum == page_ref.idnum:
                x, y = round(left), round(top)
                return index, (x, y - height, x + width, y)
    _x1, y1, x2, _y2 = (float(v) for v in reader.root["/Pages"]["/Kids"][0].get_object()["/MediaBox"])
    return 0, (round(x2 - 60 - width), round(y1 + 60), round(x2 - 60), round(y1 + 60 + height))


def sign_pdf(pdf: bytes, *, commission) -> bytes:
    """`pdf` sealed by `commission`: a PAdES baseline signature (ETSI.CAdES.detached, SHA-256) in the visible
    field "Seal" on the page of the Chinese signature line. Raises SealUnavailable without its key."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    signer = _signer(commission.code)
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    page, box = seal_box(writer.prev)
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=page, box=box))
    style = StaticStampStyle(
        background=_stamp_content(stamp_pdf(commission.name_zh, commission.name_en, is_demo())),
        background_opacity=1.0,
        background_layout=SimpleBoxLayoutRule(
            AxisAlignment.ALIGN_MID, AxisAlignment.ALIGN_MID, margins=Margins.uniform(0)
        ),
        border_width=0,
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=commission.name_zh,
        location="Shanghai",
    )
    out = BytesIO()
    # Room for the CMS blob given up front: pyHanko would otherwise sign once more, as a dry run, to measure it
    # (an EC P-256 signature with its two certificates takes under 2 KB).
    pdf_signer = signers.PdfSigner(metadata, signer=signer, stamp_style=style)
    _run(lambda: pdf_signer.async_sign_pdf(writer, output=out, bytes_reserved=SIGNATURE_BYTES))
    return out.getvalue()


def _run(coroutine):
    """Run pyHanko's async work to its end. Its sync wrappers call asyncio.run(), which refuses to start in a
    thread that already runs an event loop (one that drives Playwright's sync API, say): there, a thread of its
    own runs it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine())).result()


# Validation.


def trust_roots() -> list:
    from pyhanko.keys import load_certs_from_pemder

    roots = []
    for path in settings.SEAL_TRUST_ROOTS:
        try:
            roots.extend(load_certs_from_pemder([path]))
        except (OSError, ValueError):
            logger.warning("seal trust root %s cannot be read", path)
    return roots


def _demo_issuer() -> asn1_x509.Name:
    subject = _subject(common_name=DEMO_CA_NAME, organisation=DEMO_ORGANISATION)
    return asn1_x509.Name.load(subject.public_bytes())


def _signer_code(cert: asn1_x509.Certificate) -> str:
    subject = cert.subject.native
    code = subject.get("organization_identifier", "")
    if code and Commission.objects.filter(code=code).exists():
        return code
    names = {subject.get("organization_name", ""), subject.get("common_name", "")} - {""}
    for commission in Commission.objects.all():
        if {commission.name_zh, commission.name_en} & names:
            return commission.code
    return cert.subject.human_friendly


def validate_seal(pdf: bytes) -> SealCheck:
    """Validate the (first) signature of `pdf` against the configured trust roots. Whatever the bytes, the
    answer is a SealCheck, never an exception."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    unsigned = SealCheck(signed=False, intact=False, whole_document=False, trusted=False)
    try:
        signatures = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # not a PDF pyHanko can read: no seal to speak of
        return unsigned
    if not signatures:
        return unsigned
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    signature = signatures[0]
    try:
        status = _run(lambda: async_validate_pdf_signature(signature, context))
    except Exception as error:  # a damaged signature or PDF is an invalid seal, not an error of the page
        logger.info("seal validation failed: %s", error)
        return SealCheck(signed=True, intact=False, whole_document=False, trusted=False)
    cert = status.signing_cert
    return SealCheck(
        signed=True,
        intact=bool(status.intact and status.valid),
        whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=bool(status.trusted),
        signer=_signer_code(cert) if cert is not None else "",
        demo=cert is not None and cert.issuer == _demo_issuer(),
    )
