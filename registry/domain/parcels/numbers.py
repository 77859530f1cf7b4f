"""The parcel number (宗地编号) in one written form, so the same parcel is never entered twice.

Contracts and spreadsheets write the same number with full-width characters, spaces, lower
case and assorted dashes ("青岛 370212-２０２１ 号"); the registry keeps one form of it.
"""

from __future__ import annotations

import re
import unicodedata

NUMBER_MAX_CHARS = 64
# After normalising: CJK characters (a district's name is often part of the number), ASCII
# letters, digits, dashes and brackets (no slash: the number is a path segment of its URL).
_ALLOWED = re.compile(r"^[0-9A-Z\u4e00-\u9fff\-()]+$")
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "‐": "-", "‑": "-", "―": "-", "_": "-"})


def normalise_parcel_number(value) -> str:
    """The parcel number's one form: NFKC (full-width to half-width), no spaces, upper case,
    every dash as "-". ValueError when blank, too long or holding other characters."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    text = "".join(text.split()).translate(_DASHES).upper()
    text = re.sub("-{2,}", "-", text).strip("-")
    if not text or len(text) > NUMBER_MAX_CHARS or not _ALLOWED.match(text):
        raise ValueError(value)
    return text
