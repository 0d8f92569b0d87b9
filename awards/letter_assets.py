"""What letters and certificates draw with: their fonts and QR codes (used by letters, certificates, the seal's
stamp and the verification block alike, so it sits below all of them)."""

import base64

import qrcode
import qrcode.image.svg

# Fonts installed by the Makefile (fonts-noto-cjk); WeasyPrint subsets them with HarfBuzz.
LETTER_FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", serif'


def qr_data_uri(url: str) -> str:
    """The link as a QR code, an SVG drawn by the portal (no external service), embeddable in the PDF."""
    svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=6).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
