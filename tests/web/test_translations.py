"""Every string the registry pages show has a Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "registry" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
CORE_PAGES = [
    # Every page of every feature: a string added anywhere without a translation fails here.
    ("registry/web/**.py", "python"),
    ("templates/**.html", "jinja2"),
]


def _msgids() -> set[str]:
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=CORE_PAGES, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_core_page_string_is_translated():
    with PO.open("rb") as po_file:
        catalog = read_po(po_file)
    assert not catalog.fuzzy
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    msgids = _msgids()
    assert len(msgids) > 100
    assert sorted(msgids - translated) == []


def test_placeholders_survive_translation():
    with PO.open("rb") as po_file:
        catalog = read_po(po_file)
    for message in catalog:
        if message.id and "%(" in message.id:
            for name in ("%(username)s", "%(total)s", "%(page)s", "%(id)s", "%(area)s"):
                assert (name in message.id) == (name in message.string), message.id
