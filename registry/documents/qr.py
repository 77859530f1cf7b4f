"""QR codes of a label's public verification URL, for plaques and PDF certificates."""

from __future__ import annotations

import io
from urllib.parse import quote

import segno


def verify_url(base_url: str, label_number: str) -> str:
    """The QR-friendly page for a label: {PUBLIC_BASE_URL}/verify/<label>."""
    return f"{base_url.rstrip('/')}/verify/{quote(label_number, safe='')}"


def _code(base_url: str, label_number: str):
    # Error correction M survives a scuffed plaque; the URL stays short enough for a small code.
    return segno.make(verify_url(base_url, label_number), error="m", micro=False)


def url_qr_svg(url: str, *, scale: int = 4) -> str:
    """An SVG document (text) of any URL's QR code (e.g. the verification page itself)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, border=2
    )
    return buffer.getvalue().decode("utf-8")


def qr_svg(base_url: str, label_number: str, *, scale: int = 4) -> str:
    """An SVG document (text) of the verification URL's QR code."""
    buffer = io.BytesIO()
    _code(base_url, label_number).save(
        buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, border=2
    )
    return buffer.getvalue().decode("utf-8")


def qr_png(base_url: str, label_number: str, *, scale: int = 6) -> bytes:
    """PNG bytes of the verification URL's QR code."""
    buffer = io.BytesIO()
    _code(base_url, label_number).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
