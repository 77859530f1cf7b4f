"""The catalogue and the source agree: every string the registry shows has its Chinese.

"The source" is what `make catalogue` extracts (registry.catalogue, driven by babel.cfg):
gettext calls in registry/, templates/ and reports/, the domain's N_/NC_ marks (vocabulary
names), and every code message's English template (msgctxt = the code). Each check is a
function of its inputs, and each is shown failing on a planted fault.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from registry import i18n, vocabulary
from registry.catalogue import PO, ROOT, extract, message_tables

# A message template is English: a few Chinese words may be quoted (what a sheet may hold,
# 新建 / 既有), but never more Chinese than Latin letters.
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_PLACEHOLDERS = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO.open("rb") as po_file:
        return read_po(po_file)


@pytest.fixture(scope="module")
def used() -> Catalog:
    return extract()


def _key(message: Message) -> tuple[str | None, str]:
    return (message.context, message.id if isinstance(message.id, str) else message.id[0])


def untranslated(catalog: Catalog, used: Catalog) -> list[tuple[str | None, str]]:
    """Strings the source uses that have no (non-fuzzy) Chinese."""
    done = {_key(m) for m in catalog if m.id and m.string and not m.fuzzy}
    return sorted((_key(m) for m in used if m.id and _key(m) not in done), key=str)


def unused(catalog: Catalog, used: Catalog) -> list[tuple[str | None, str]]:
    """Catalogue entries no source uses any more (and obsolete #~ entries)."""
    wanted = {_key(m) for m in used if m.id}
    stale = [_key(m) for m in catalog if m.id and _key(m) not in wanted]
    return sorted(stale + [(None, str(key)) for key in catalog.obsolete], key=str)


def placeholder_mismatches(catalog: Catalog) -> list[tuple[str | None, str]]:
    """Entries whose translation names other placeholders than the English."""
    found = []
    for message in catalog:
        if not (message.id and message.string):
            continue

        def names(text: str) -> set[str]:
            return {a or b for a, b in _PLACEHOLDERS.findall(text)}

        if names(message.id) != names(message.string):
            found.append(_key(message))
    return found


def not_english(templates: dict[str, str]) -> list[str]:
    """Message codes whose 'English' template is mostly Chinese."""
    prose = {code: _PLACEHOLDERS.sub("", text) for code, text in templates.items()}
    return [
        code for code, text in prose.items() if len(_CJK.findall(text)) > len(_LATIN.findall(text))
    ]


def source_message_tables() -> dict[str, str]:
    """Every MESSAGES entry written in registry/, as the extraction reads it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "registry").rglob("*.py")):
        for _line, code, english in message_tables(path.read_bytes()):
            found[code] = english
    return found


def unregistered(source: dict[str, str], runtime: dict[str, str]) -> list[str]:
    """Codes written in a MESSAGES dict that registry.i18n does not collect (a module left
    out of i18n._collect), or collected with other text; and collected codes that are not a
    plain literal the extraction can see."""
    return sorted(
        {code for code, text in source.items() if runtime.get(code) != text}
        | {code for code in runtime if code not in source}
    )


def test_the_catalogue_is_read(catalog, used):
    assert not catalog.fuzzy
    assert len(used) > 800 and len(catalog) > 800
    assert {m.context for m in used} >= {"record.not_found", "building type", "record status"}


def test_every_core_page_string_is_translated(catalog, used):
    # Every page of every feature, and every other string the source uses.
    assert untranslated(catalog, used) == []


def test_the_catalogue_has_no_unused_entries(catalog, used):
    assert unused(catalog, used) == []


def test_placeholders_survive_translation(catalog):
    assert placeholder_mismatches(catalog) == []


def test_every_message_dict_is_collected_and_english(used):
    runtime = i18n.messages()
    assert unregistered(source_message_tables(), runtime) == []
    assert not_english(runtime) == []
    extracted = {m.context for m in used if m.context in runtime}
    assert extracted == set(runtime)


def test_every_vocabulary_name_is_in_the_catalogue_under_its_context(catalog):
    entries = {_key(m) for m in catalog if m.string}
    missing = [
        (context, english)
        for context in vocabulary.VOCABULARIES
        for english in vocabulary.english_names(context)
        if (context, english) not in entries
    ]
    assert missing == []


def test_each_check_fails_on_a_planted_fault(catalog, used):
    planted = Catalog()
    for message in catalog:
        if message.id:
            planted.add(message.id, message.string, context=message.context)
    planted.delete("Buildings")  # a page string left untranslated
    planted.add("Nobody uses this", "没人用")  # a stale entry
    planted.get("Page %(page)s of %(pages)s").string = "第 %(number)s 页"  # a placeholder renamed
    assert untranslated(planted, used) == [(None, "Buildings")]
    assert unused(planted, used) == [(None, "Nobody uses this")]
    assert placeholder_mismatches(planted) == [(None, "Page %(page)s of %(pages)s")]
    assert not_english({"x.y": "东西坏了：{name}。"}) == ["x.y"]
    assert not_english({"x.y": "“{value}” should be new (新建) or existing (既有)."}) == []
    source = {**source_message_tables(), "x.forgotten": "A module left out."}
    assert unregistered(source, i18n.messages()) == ["x.forgotten"]


def test_message_tables_are_found_only_as_literals():
    source = (
        'MESSAGES = {"a.b": "English {x}.", "a.c": ("旧", "old")}\n'
        'OTHER_MESSAGES: dict[str, str] = {"a.d": "Also" " joined."}\n'
        'NOT_A_TABLE = {"a.e": "no"}\n'
    )
    assert [(code, text) for _line, code, text in message_tables(source)] == [
        ("a.b", "English {x}."),
        ("a.d", "Also joined."),
    ]


def test_the_compiled_catalogue_is_what_pages_read():
    # Flask-Babel and registry.i18n read the same .mo (compiled on first use when stale).
    i18n.translations("zh")
    mo = Path(PO).with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime
