"""Message codes as the tests read them: each code's template in Chinese and in English."""

from __future__ import annotations

from collections.abc import Iterable

from registry.i18n import messages, render, template

LOCALES = ("zh_Hans_CN", "en")


def bilingual(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{code: (Chinese template, English template)} for a feature's MESSAGES (or any codes)."""
    return {code: (template(code, "zh_Hans_CN"), template(code, "en")) for code in codes}


def catalogue() -> dict[str, tuple[str, str]]:
    """Every message code of the registry, in both languages."""
    return bilingual(messages())


def message(code: str, params: dict | None = None, locale: str = "zh_Hans_CN") -> str:
    return render(code, params, locale)
