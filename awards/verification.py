"""The public verification of letters and certificates (issue 17): each carries a random token, printed as a QR
code and a short link to /verify/<token>/, where anyone reads what it states, whether it is still in force, and
may check a PDF against the one issued (byte for byte, and its seal).

The token, not the letter number, keys the page: numbers are sequential, and a rejection is no public fact.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.letter_assets import qr_data_uri
from awards.models import Letter, LetterKind
from awards.seal import SealCheck, validate_seal
from portal.accounts.models import Commission
from portal.bilingual import localized
from portal.errors import ErrorCode, PortalError
from portal.request_guards import too_large_message

# A letter is a few hundred kilobytes; anything far larger is not one of ours.
MAX_PDF_BYTES = 10 * 1024 * 1024


def new_token() -> str:
    """A fresh verification token: 128 random bits, 22 URL-safe characters."""
    return secrets.token_urlsafe(16)


def verify_url(token: str) -> str:
    """Where the QR code and the short link on a letter lead."""
    return f"{settings.SITE_URL}{reverse('verify', args=[token])}"


def verification_context(letter: Letter) -> dict:
    """What templates/letters/_verification.html prints: the link and its QR code (render context, not the
    snapshot, so every letter gets them whatever its snapshot holds)."""
    url = verify_url(letter.token)
    return {"verify_url": url, "verify_qr": qr_data_uri(url)}


def letter_by_token(token: str) -> Letter:
    """The issued letter with this token; 404 for an unknown token, or a letter not yet rendered (no PDF was
    issued, so nothing is there to verify)."""
    letter = (
        Letter.objects.select_related("commission", "application__call__program")
        .filter(token=token, rendered_at__isnull=False)
        .first()
    )
    if letter is None:
        raise Http404
    return letter


@dataclass(frozen=True)
class Standing:
    """Whether the letter is in force today, and if not, since when and why."""

    in_force: bool
    revoked: bool = False
    since: date | None = None
    cause: str = ""  # the cause's name, in the active language
    reason: str = ""  # the officer's words, as recorded
    expired: bool = False  # a certificate past its validity


def standing(letter: Letter, today: date | None = None) -> Standing:
    today = today or timezone.localdate()
    if letter.revoked_on is not None:
        return Standing(
            in_force=False,
            revoked=True,
            since=letter.revoked_on,
            cause=letter.get_revoked_cause_display() if letter.revoked_cause else "",
            reason=letter.revoked_reason,
        )
    if letter.kind == LetterKind.CERTIFICATE:
        valid_to = date.fromisoformat(letter.content.get("entry", {}).get("valid_to") or "9999-12-31")
        if valid_to < today:
            return Standing(in_force=False, expired=True, since=valid_to)
    return Standing(in_force=True)


@dataclass(frozen=True)
class PdfCheck:
    """An uploaded PDF against the issued one."""

    identical: bool
    sha256: str
    seal: SealCheck


def _pdf_bytes(upload) -> bytes:
    if upload is None:
        raise PortalError(ErrorCode.REQUIRED, _("Choose the PDF file to check."), field="file")
    if upload.size > MAX_PDF_BYTES:
        raise PortalError(ErrorCode.UPLOAD_REFUSED, too_large_message(upload.size, limit=MAX_PDF_BYTES), field="file")
    upload.seek(0)
    data = upload.read()
    # By the bytes, not the name: every PDF starts with its header (within the first kilobyte, says the standard).
    if b"%PDF-" not in data[:1024]:
        raise PortalError(
            ErrorCode.UPLOAD_REFUSED, _("Only PDF files can be checked; this file is no PDF."), field="file"
        )
    return data


def signer_name(seal: SealCheck) -> str:
    """Who sealed: the commission's name in the active language, or the certificate's subject as it reads."""
    commission = Commission.objects.filter(code=seal.signer).first() if seal.signer else None
    return localized(commission, "name") if commission is not None else seal.signer


def pdf_check(*, letter: Letter, upload) -> PdfCheck:
    """Whether `upload` (an uploaded file) is byte for byte the PDF issued as `letter`, and what its seal says.
    Nothing is stored."""
    data = _pdf_bytes(upload)
    digest = hashlib.sha256(data).hexdigest()
    return PdfCheck(identical=secrets.compare_digest(digest, letter.sha256), sha256=digest, seal=validate_seal(data))
