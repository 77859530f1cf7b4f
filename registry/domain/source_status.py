"""How sure a number's source is, in the reader's language: one table for the check page, the
check report (PDF), the quota tables and the validity rules, so a status never reaches a page
as a bare code."""

from __future__ import annotations

SOURCE_STATUS_NAMES = {
    "verified-primary": ("已核实（标准原文）", "verified (primary source)"),
    "verified-secondary": ("已核实（转引来源）", "verified (secondary source)"),
    "derived": ("推算值", "derived"),
    "assumption": ("假定值", "assumption"),
    "unverified": ("未核实", "UNVERIFIED"),
    # A validity rule the registry sets itself, after the practice its source names.
    "registry-rule": ("本系统自定规则", "the registry's own rule"),
}


def source_status_name(status: str, locale: str = "zh") -> str:
    """The status's name ('zh…' locales in Chinese, others in English, as messages.render
    does); a status not in the table is shown as stored."""
    zh, en = SOURCE_STATUS_NAMES.get(status, (status, status))
    return zh if str(locale).lower().startswith("zh") else en
