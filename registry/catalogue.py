"""How the catalogue is built from the source: `make catalogue` and what pybabel extracts.

babel.cfg names the files; `extract_python` (its method for Python) finds what Babel's own
extractor finds (`_`, `gettext`, `pgettext`, `_l`, the domain's `N_` / `NC_` marks, …) and,
in addition, every entry of a `MESSAGES` dict: the code as msgctxt, its English template as
msgid. `refresh()` extracts, merges into the Chinese `.po` (new strings untranslated,
changed ones fuzzy, unused ones dropped) and writes it back in one layout.

Development tooling: Babel's extraction and catalogue modules are imported here only.
"""

from __future__ import annotations

import ast
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "babel.cfg"
PO = ROOT / "registry" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
WIDTH = 100

# What a call is extracted as: Babel's defaults, Flask-Babel's lazy forms and the domain's
# marks (registry.domain.text). A context argument comes first (1c).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,
    "NC_": ((1, "c"), 2),
}


def message_tables(source: str | bytes) -> list[tuple[int, str, str]]:
    """(line, code, English) for every entry of a dict literal assigned to a name ending in
    MESSAGES; entries that are not string literals are left to the tests to refuse."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        named = any(isinstance(t, ast.Name) and t.id.endswith("MESSAGES") for t in targets)
        if not (named and isinstance(node.value, ast.Dict)):
            continue
        for key, value in zip(node.value.keys, node.value.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                found.append((key.lineno, key.value, value.value))
    return found


def extract_python(fileobj, keywords, comment_tags, options):
    """Babel extraction method: Babel's Python extractor plus the MESSAGES dicts."""
    from babel.messages.extract import extract_python as babel_extract_python

    data = fileobj.read()
    for lineno, code, english in message_tables(data):
        yield lineno, "pgettext", (code, english), []
    yield from babel_extract_python(io.BytesIO(data), keywords, comment_tags, options)


def extract():
    """Every translatable string in the source (babel.cfg's files) as a Babel Catalog."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with CONFIG.open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project="registry", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        template.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def refresh(po: Path = PO) -> None:
    """Merge the source's strings into the catalogue; unused entries are dropped."""
    from babel.messages.pofile import read_po, write_po

    template = extract()
    with po.open("rb") as handle:
        catalog = read_po(handle)
    catalog.update(template, update_header_comment=False)
    catalog.obsolete.clear()
    tmp = po.with_suffix(".po.tmp")
    with tmp.open("wb") as handle:
        write_po(handle, catalog, width=WIDTH, ignore_obsolete=True)
    tmp.replace(po)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    untranslated = [m.id for m in catalog if m.id and not m.string]
    print(f"{po}: {len(catalog)} entries, {len(untranslated)} to translate, {len(fuzzy)} fuzzy")


if __name__ == "__main__":
    refresh(Path(sys.argv[1]) if len(sys.argv) > 1 else PO)
