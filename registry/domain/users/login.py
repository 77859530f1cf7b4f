"""Rules of the login: where it may send the browser back to, and how long a username
that keeps failing waits before its next attempt.

The wait delays guessing without locking the owner out: it never exceeds a minute, it
applies the same to names that do not exist (so the answer tells nobody which do), and a
success or an administrator clears it. Guessing from one address is also capped by the
per-address limit (`LOGIN_RATE_LIMIT`).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

# Failures that cost nothing; each further one doubles the wait, up to the cap.
FREE_FAILURES = 4
FIRST_DELAY_S = 1
MAX_DELAY_S = 60
# Failures older than this are forgotten.
FORGET_AFTER_S = 15 * 60

MESSAGES: dict[str, str] = {
    "auth.throttled": (
        "Too many login attempts for this account; try again in {seconds} seconds, or ask an "
        "administrator."
    ),
    "auth.rate_limited": (
        "Too many failed logins from this address; try again in {seconds} seconds."
    ),
    "request.control_characters": (
        "The request contains control characters (such as a line break) and was refused. Nothing "
        "was saved."
    ),
}


def delay_after(failures: int) -> int:
    """Seconds to wait after `failures` failures in a row: 0 for the first few, then
    1, 2, 4, … up to MAX_DELAY_S."""
    if failures <= FREE_FAILURES:
        return 0
    return min(FIRST_DELAY_S * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_S)


def has_control_characters(value: str) -> bool:
    """C0/C1 controls, DEL and the Unicode line and paragraph separators: nothing a header
    or a URL may carry (browsers silently drop a tab or a newline from a URL)."""
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value)


def own_path(target: str | None) -> str | None:
    """`target` if it is a path on this site (`/buildings?q=x`), else None.

    A scheme, a host, `//`, or a backslash (which browsers read as a slash) make it
    someone else's address. Control characters must be refused before this.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
