"""One text mechanism, read from the source: no locale branches, no Chinese display text in
Python.

Words a reader sees are English in the code and Chinese in the catalogue (registry.i18n);
the code never asks which language it is in (`== "en"`, `startswith("zh")`) and never
holds a (zh, en) pair. Chinese stays in Python only where it is input vocabulary, what users
type and spreadsheets hold, or a citation quoted as printed: the modules below, each with
its reason. Docstrings and comments may name Chinese terms.
"""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

ALLOWED_CHINESE = {
    "registry/domain/buildings/districts.py": "district names users write: official, short, "
    "legacy and functional-zone names",
    "registry/domain/buildings/records.py": "level and stage names users type (三星级, 预评价)",
    "registry/domain/buildings/fields.py": "yes/no words and full-width separators users type",
    "registry/domain/imports/headers.py": "spreadsheet headers and building-type words the "
    "importer recognises",
    "registry/domain/imports/normalise.py": "cell words the importer reads: stars, stages, "
    "energy levels, retrofit kinds, units, yes/no",
    "registry/domain/imports/cells.py": "cell words the importer reads: new/existing, "
    "prefabricated, levels named in headers, 层 after a storey count",
    "registry/domain/imports/rows.py": "row words the importer reads: totals (合计)",
    "registry/domain/imports/template.py": "the import template's example row (cells as users "
    "type them) and its 序号 / 示例 marks",
    "registry/domain/metered/sheet.py": "headers and source words of the energy monitoring "
    "platform's export that the meter import recognises",
    "registry/domain/quotas/transcribed.py": "the standards' table names and heating columns "
    "as printed, quoted in each seeded quota row's citation",
    "registry/domain/quotas/db37_education.py": "DB37/T 2671's row labels as printed, quoted in "
    "each seeded quota row's citation",
    "registry/domain/quotas/db37_public.py": "DB37/T 2672, 2673 and 3780's row labels as "
    "printed, quoted in each seeded quota row's citation",
    "registry/domain/quotas/gb51161.py": "GB/T 51161's row labels as printed, quoted in each "
    "seeded quota row's citation",
    "registry/domain/saving/data.py": "the reference parameters cite their standards' clauses "
    "as printed (表3.3.1-3 外墙), and the room words a zone name may carry (会议, 走廊)",
    "registry/domain/checks/accounting.py": "conversion factors cite their standards' own "
    "terms (等价值, 当量值)",
    "registry/domain/tally/targets.py": "clause numbers of 青政字〔2021〕11号 as printed, kept "
    "with each target",
    "registry/cli/records.py": "--help examples of what users type (市南区, 二星级)",
    "registry/domain/notice/seed.py": "the State Council notices that set each year's public "
    "holidays, cited by their official titles, and the holidays they name",
    "registry/domain/parcels/conditions.py": "the word for a condition stated but not yet "
    "verified, as officers and contracts write it (待核实)",
    "registry/domain/parcels/sheet.py": "the column headers of the land bureau's parcel "
    "lists the importer recognises",
    "registry/domain/settings.py": "on/off words an administrator types (开, 关, 是, 否)",
}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_PLACEHOLDERS = re.compile(r"%\((\w+)\)[sdif]|\{\w*\}")
# What a locale is called when code asks which one it is in.
LOCALE_WORDS = {"en", "zh", "zh_Hans_CN", "zh-CN", "zh_CN"}
TEMPLATE_BRANCHES = re.compile(
    r"""if\s+en\s+else|\ben\s*=\s*[\w.()]*locale|==\s*['"](?:en|zh)|ui_locale\(\)\s*[=!]="""
)


def _english_led(text: str) -> bool:
    prose = _PLACEHOLDERS.sub("", text)
    return len(_CJK.findall(prose)) <= len(_LATIN.findall(prose))


def _allowed_nodes(tree: ast.AST) -> set[int]:
    """String nodes that may hold Chinese: docstrings (and other bare string statements) and
    English templates of MESSAGES dicts that quote a Chinese word."""
    allowed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            allowed.add(id(node.value))
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        named = any(isinstance(t, ast.Name) and t.id.endswith("MESSAGES") for t in targets)
        if named and isinstance(node.value, ast.Dict):
            for value in node.value.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    if _english_led(value.value):
                        allowed.add(id(value))
    return allowed


def _is_locale_word(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in LOCALE_WORDS
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_locale_word(e) for e in node.elts)
    return False


def scan_python(source: str, chinese_allowed: bool = False) -> list[tuple[int, str]]:
    """(line, what) for each locale branch, and each Chinese literal unless allowed."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            _is_locale_word(side) for side in (node.left, *node.comparators)
        ):
            found.append((node.lineno, "compares with a locale"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("startswith", "endswith")
            and any(_starts_like_locale(arg) for arg in node.args)
        ):
            found.append((node.lineno, "asks which language by prefix"))
    if not chinese_allowed:
        allowed = _allowed_nodes(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _CJK.search(node.value)
                and id(node) not in allowed
            ):
                found.append((node.lineno, f"Chinese text {node.value[:30]!r}"))
    return sorted(found)


def _starts_like_locale(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in LOCALE_WORDS or node.value in ("zh_", "zh-", "en_", "en-")
    if isinstance(node, ast.Tuple):
        return any(_starts_like_locale(e) for e in node.elts)
    return False


def scan_template(text: str) -> list[tuple[int, str]]:
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if TEMPLATE_BRANCHES.search(line)
    ]


def _python_files():
    for path in sorted((ROOT / "registry").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" not in relative:
            yield relative, path


def test_no_locale_branches_and_no_chinese_text_in_python():
    found = {
        relative: problems
        for relative, path in _python_files()
        if (problems := scan_python(path.read_text(encoding="utf-8"), relative in ALLOWED_CHINESE))
    }
    assert found == {}


def test_templates_do_not_branch_on_the_locale():
    found = {
        path.relative_to(ROOT).as_posix(): problems
        for folder in ("templates", "reports")
        for path in sorted((ROOT / folder).rglob("*.html"))
        if (problems := scan_template(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_every_allowlisted_module_exists_and_still_needs_it():
    for relative in ALLOWED_CHINESE:
        source = (ROOT / relative).read_text(encoding="utf-8")
        assert scan_python(source) != [], f"{relative} no longer holds Chinese: drop it"


def test_the_scans_fail_on_planted_examples():
    planted = '''
"""A docstring may say 中文."""
MESSAGES = {
    "a.b": "“{value}” should be new (新建) or existing (既有).",
    "a.c": ("东西坏了。", "It broke."),
}
NAMES = {"hotel": ("旅馆建筑", "Hotel")}

def name(locale):
    if locale == "en":
        return "Hotel"
    index = 0 if locale.startswith("zh") else 1
    return ["旅馆", "Hotel"][lang == "en"] + f"第 {index} 页"
'''
    found = scan_python(planted)
    whats = [what for _line, what in found]
    assert whats.count("compares with a locale") == 2
    assert whats.count("asks which language by prefix") == 1
    chinese = [what for what in whats if what.startswith("Chinese")]
    # The pair's 东西坏了, 旅馆建筑, 旅馆, and the f-string's two parts; not the docstring.
    assert len(chinese) == 5
    assert not any("新建" in what for what in whats)
    assert [w for _l, w in scan_python(planted, chinese_allowed=True) if "Chinese" in w] == []
    assert scan_template('{% set en = locale == "en" %}\n{{ "Hi" if en else "你好" }}') != []
    assert scan_template('<html lang="{{ html_lang }}">{{ _("Hi") }}') == []
