"""How the domain names things for people: in English, marked for the catalogue.

The domain never translates (it imports nothing outside itself). It returns message codes
with parameters, and codes whose names live beside them in English; the layers above put
them in the reader's language with `registry.i18n`. These markers only let `pybabel
extract` (babel.cfg) find the English, so the catalogue holds its Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable


def N_(text: str) -> str:
    """Mark `text` for the catalogue; it is translated where it is shown."""
    return text


def NC_(context: str, text: str) -> str:  # noqa: ARG001  (the context is for extraction)
    """Mark `text` for the catalogue under `context` (a vocabulary: "building type",
    "record status" …): one English word may name different things."""
    return text


def names(context: str | None, english: Iterable[str], *, join: str = "list") -> dict:
    """A message parameter that is a list of names: shown translated (under `context`) and
    joined by the reader's separator ("list": a, b / a、b; "or": a or b). Plain JSON, so it
    survives being stored with the message code."""
    return {"names": list(english), "context": context, "join": join}


def quoted_names(words: Iterable[str]) -> dict:
    """`names` of words quoted as the sheet has them, untranslated: column headers (“备注”)."""
    return names(None, [f"“{word}”" for word in words])
