"""The commissions' digital seals on letters and certificates (issue 17): PAdES signatures made with
pyHanko, each commission with its own key and certificate, and their validation for the verification page.

Interface fixed for the parallel work on issue 17; the seal branch fills it in.
"""

from dataclasses import dataclass


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


def validate_seal(pdf: bytes) -> SealCheck:
    """Validate the (first) signature of `pdf` against the configured trust roots."""
    return SealCheck(signed=False, intact=False, whole_document=False, trusted=False)
