"""Usernames: one spelling per person, and none that looks like another's.

A name is stored normalised (NFKC, then case-folded), so `Admin` and `ａｄｍｉｎ` are `admin`.
Invisible and combining characters, spaces and punctuation other than `. _ - @` are
refused, which rules out `admin` + a zero-width space. A name whose *skeleton* (every
character replaced by the smallest member of its class of look-alikes in Unicode's
confusables table, as shipped by `confusable_homoglyphs`) equals an existing user's is
refused too: `аdmin` with a Cyrillic а, or `adm1n`, beside `admin`.
"""

from __future__ import annotations

import functools
import unicodedata

MAX_USERNAME_LENGTH = 64
_ALLOWED_PUNCTUATION = frozenset("._-@")

MESSAGES: dict[str, str] = {
    "user.username_characters": (
        "A username may contain letters, digits and . _ - @ only: no spaces, invisible characters "
        "or combining marks."
    ),
    "user.username_confusable": (
        "The username “{username}” looks the same as the existing user “{other}”; choose another."
    ),
}


def normalise_username(raw: str | None) -> str:
    """The stored form of a typed username: NFKC, case-folded, outer spaces trimmed."""
    return unicodedata.normalize("NFKC", (raw or "").strip()).casefold().strip()


def username_problem(name: str) -> tuple[str, dict] | None:
    """What is wrong with the normalised `name` (a message code and params), or None."""
    if not name:
        return ("field.required", {})
    if len(name) > MAX_USERNAME_LENGTH:
        return ("field.too_long", {"max": MAX_USERNAME_LENGTH})
    for char in name:
        if char in _ALLOWED_PUNCTUATION:
            continue
        if unicodedata.category(char)[0] not in "LN":
            return ("user.username_characters", {})
    return None


@functools.cache
def _classes() -> dict[str, str]:
    """Each confusable character -> the smallest character it can be mistaken for,
    through any chain of look-alikes (union-find over the confusables table)."""
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def find(char: str) -> str:
        root = char
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(char, char) != root:
            parent[char], char = root, parent[char]
        return root

    for char, glyphs in confusables_data.items():
        for glyph in glyphs:
            other = glyph["c"]
            if len(char) != 1 or len(other) != 1:
                continue  # multi-character look-alikes (m ~ rn) are not mapped
            a, b = find(char), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {char: find(char) for char in parent}


def skeleton(name: str) -> str:
    """The form two look-alike names share; compare skeletons of normalised names."""
    classes = _classes()
    return "".join(classes.get(char, char) for char in name)
