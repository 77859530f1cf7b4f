"""Every page, PDF and export read as a user would, in Chinese and in English.

The role matrix's world (one app on SQLite, a user of every role, a building with records)
gets a finished check with its verdict (written straight to the tables: no engine run). Then
every GET route the URL map serves is opened as every role in both languages (the matrix
says how to fill each route's arguments), and the check and tally PDFs (pdftotext) and the
CSV/XLSX exports are read too. A text fails on:

- a snake_case or dotted key (`non_heating`, `quota.basis.heating`);
- a Python literal (`None`, `False`, `True`);
- a number with more than `MAX_DECIMALS` decimals (23449.999999999996);
- on a Chinese page, a Latin word outside `LATIN_ALLOWED` (standard numbers, units,
  EnergyPlus, EUI, IDF, EPW, proper names);
- on an English page, Chinese outside `CJK_ALLOWED` (the language switch).

Data the users typed (names, addresses, usernames, file names) is removed first: it is the
users' words, in whatever language they wrote them.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import uuid
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from registry.models import AuditEvent, Building, Parcel, ParcelCondition, Record, User, WeatherFile
from registry.services.quotas import verdicts
from tests.conftest import poppler
from tests.security.conftest import ROLES
from tests.security.conftest import world as world  # noqa: F401  (the module's fixture)
from tests.security.test_role_matrix import EXPECTED, call, url_for_rule
from tests.services.checks.test_report import add_done_check

MAX_DECIMALS = 5  # conversion factors print as the standard does (0.03412)
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b[a-z]{2,}(?:\.[a-z_]{2,})+\b")  # not "e.g."
LITERAL = re.compile(r"\b(?:None|True|False|nan|NaN)\b")
LONG_FLOAT = re.compile(rf"\d\.\d{{{MAX_DECIMALS + 1},}}")
ASCII_UNIT = re.compile(r"\bm[23]\b")  # m² and m³ typeset, never m2
BARE_AREA = re.compile(r"(?<![\d,.])\d{5,}(?:\.\d+)?\s*m²")  # 23450.0 m²: no separators
# Chinese text takes the full-width colon (状态：已完成), as the catalogue writes it, and
# full-width brackets around Chinese words (（北京时间）, not (北京时间)).
ASCII_COLON = re.compile(r"[\u3400-\u9fff\uf900-\ufaff）]\s?:")
ASCII_BRACKETS = re.compile(r"\([^()]*[\u3400-\u9fff][^()]*\)")
URL = re.compile(r"\bhttps?://\S+|\b[\w.-]+@[\w.-]+\b")
FILE_NAME = re.compile(r"\S+\.(?:idf|epw|csv|xlsx|pdf|json|svg)\b", re.I)
HEX = re.compile(r"\b[0-9a-f]{16,}\b")
LABEL = re.compile(r"\bQD-[\w-]+")  # label numbers the world's records are given
# An official document number, cited as issued (青政字〔2021〕11号): a proper name.
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,4}字〔\d{4}〕\d+号")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")

# Latin a Chinese page may hold: standards, units, formats, engine and proper names.
LATIN_ALLOWED = {
    *"GB DB T JGJ GB/T DB37 EnergyPlus EUI IDF EPW SHA kWh kgce kgce/kWh MJ m kg h a s".split(),
    *"API CSV XLSX PDF JSON QR URL HTTP HTTPS ID OpenAPI Token Bearer English".split(),
    *"A B C NZEB ASHRAE TMY TMY3 ERA5 NREL Celery Redis PostgreSQL SQLite".split(),
    *"v V pt px x csv xlsx SHA- SHA-256 Pa Excel".split(),
}
# Chinese an English page may hold: the language switch's own name, and the holiday names an
# administrator types as the State Council's notice prints them (the calendar form's example).
# The parcel import's help names the one column it needs as the land bureau's sheets head it.
CJK_ALLOWED = {"中文", "元旦", "春节", "宗地编号"}

LANGS = ("zh", "en")


def user_words(world) -> list[str]:
    """What users typed: removed before the scan, longest first."""
    words: set[str] = set()
    with world.session() as session:
        for b in session.exec(select(Building)):
            words |= {b.name, b.address, b.owner_name, b.design_unit, b.owner_credit_code}
        for r in session.exec(select(Record)):
            words |= {r.label_number, r.notes, r.rejected_reason, r.revoke_reason}
        for u in session.exec(select(User)):
            words |= {u.username, u.display_name}
        for p in session.exec(select(Parcel)):
            words |= {p.number, p.contract_number, p.developer_name, p.land_use}
        for c in session.exec(select(ParcelCondition)):
            words |= {c.clause, c.document}
        for e in session.exec(select(AuditEvent)):
            words |= {e.reason, e.actor_name}
    words |= {"面积不符", "王 139", "名称以许可证为准", "typo in the label", "missing drawings"}
    return sorted((w for w in words if w), key=len, reverse=True)


def problems_in(text: str, lang: str, typed: list[str]) -> list[str]:
    for word in typed:
        text = text.replace(word, " ")
    text = URL.sub(" ", text)
    text = FILE_NAME.sub(" ", text)
    text = HEX.sub(" ", text)
    text = LABEL.sub(" ", text)
    text = DOCUMENT_NUMBER.sub(" ", text)
    found = []
    found += [f"key {m}" for m in SNAKE.findall(text)]
    found += [f"key {m}" for m in DOTTED.findall(text)]
    found += [f"literal {m}" for m in LITERAL.findall(text)]
    found += [f"digits {m}" for m in LONG_FLOAT.findall(text)]
    found += [f"unit {m}" for m in ASCII_UNIT.findall(text)]
    found += [f"area {m}" for m in BARE_AREA.findall(text)]
    if lang == "zh":
        found += [f"brackets {m}" for m in ASCII_BRACKETS.findall(text)]
        found += [
            f"colon {text[max(0, m.start() - 10) : m.end() + 6]}"
            for m in ASCII_COLON.finditer(text)
        ]
        found += [
            f"Latin {w}"
            for w in LATIN_WORD.findall(text)
            # Single letters are classes, zones and hash fragments a line break split off.
            if len(w) > 1 and w not in LATIN_ALLOWED and not re.fullmatch(r"[A-Z]{1,3}\d*", w)
        ]
    else:
        found += [f"CJK {w}" for w in CJK.findall(text) if w not in CJK_ALLOWED]
    return sorted(set(found))


def html_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<(code|pre|metadata)\b.*?</\1>", " ", html, flags=re.S)  # hashes, SVG
    # Provenance an administrator checks (where a value was transcribed from) is quoted as
    # written: the admin pages keep it, marked so.
    html = re.sub(r'<(\w+)[^>]*class="[^"]*\bprovenance\b[^"]*".*?</\1>', " ", html, flags=re.S)
    # Column headers a file may carry (the import's list of recognised headers) are quoted
    # as a sheet writes them, in either language.
    html = re.sub(r'<(\w+)[^>]*class="[^"]*\bverbatim\b[^"]*".*?</\1>', " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        [poppler("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True
    )
    return " ".join(out.stdout.decode("utf-8").split())


@pytest.fixture(scope="module")
def done_check(world):
    """A finished check of the world's building, with its verdict pinned."""
    with world.session() as session:
        building = session.get(Building, world.building_id)
        weather = session.exec(select(WeatherFile).where(WeatherFile.is_default)).one()
        check = add_done_check(session, building, world.users["designer_own"], weather)
        verdicts.assess_check(session=session, check_id=check.id)
        session.commit()
        return check.id


# The API reference is the developers' (its schema names are the API's contract).
NOT_READ = {"/api/docs", "/api/openapi.json"}


def pages(world):
    """(rule, role) for every GET route and every role the matrix lets in (status 200)."""
    for (rule, method), case in EXPECTED.items():
        if method != "GET" or rule in NOT_READ:
            continue
        for role in ROLES:
            if case.expect[role] == 200:
                yield rule, role


def fetch(world, rule: str, role: str, lang: str):
    """The matrix's request, in `lang` (for anonymous visitors too: ?lang=)."""
    if role != "anonymous":
        return call(world, rule, "GET", role, lang)
    case = EXPECTED[(rule, "GET")]
    path = url_for_rule(rule, case.target(world))
    client = world.app.test_client()
    response = client.get(path, query_string={**(case.query or {}), "lang": lang})
    response.get_data()
    response.close()
    return response


def test_every_page_reads_in_the_users_language(world, done_check, tmp_path):
    typed = user_words(world)
    failures: dict[str, list[str]] = {}
    seen = 0
    for rule, role in pages(world):
        for lang in LANGS:
            response = fetch(world, rule, role, lang)
            if response.status_code != 200:
                continue
            body = response.get_data()
            kind = response.mimetype
            if kind == "text/html":
                text = html_text(body.decode("utf-8"))
            elif kind == "application/pdf":
                text = pdf_text(body, tmp_path)
            else:
                continue  # JSON (the API's own contract), images, files: read elsewhere
            seen += 1
            found = problems_in(text, lang, typed)
            if found:  # the request may have made rows of its own (a new record, a user)
                typed = user_words(world)
                found = problems_in(text, lang, typed)
            if found:
                failures[f"{lang} {role} {rule}"] = found
    assert seen > 50
    assert failures == {}


def csv_text(data: bytes) -> tuple[str, list[str]]:
    """A CSV's cells as text, and the number cells that are not plain rounded numbers."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return " ".join(" ".join(r) for r in rows), [
        c for r in rows for c in r if re.fullmatch(rf"-?\d+\.\d{{{MAX_DECIMALS + 1},}}", c)
    ]


def xlsx_text(data: bytes) -> tuple[str, list[str]]:
    """An XLSX's sheet names and cells as text, and cells holding Python literals or floats
    with more digits than stated."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    words, bad = [], []
    for sheet in book.worksheets:
        words.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                if isinstance(cell, bool):
                    bad.append(f"boolean {cell}")
                elif isinstance(cell, float) and cell != round(cell, MAX_DECIMALS):
                    bad.append(f"digits {cell}")
                elif cell is not None:
                    words.append(str(cell))
    book.close()
    return " ".join(words), bad


def test_the_check_and_tally_documents_and_exports_read_in_the_users_language(
    world, done_check, tmp_path
):
    typed = user_words(world)
    year = 2021  # the world's approved record was issued in 2021
    documents = [
        (f"/checks/{done_check}", "designer_own"),
        (f"/checks/{done_check}/report.pdf", "designer_own"),
        (f"/buildings/{world.building_id}", "designer_own"),
        (f"/dashboard/tally-{year}.pdf", "viewer"),
        (f"/dashboard/tally-{year}.csv", "viewer"),
        (f"/dashboard/tally-{year}.xlsx", "viewer"),
        ("/buildings/export.csv", "viewer"),
        ("/buildings/export.xlsx", "viewer"),
    ]
    failures: dict[str, list[str]] = {}
    for path, role in documents:
        for lang in LANGS:
            client = world.client(role, lang)
            response = client.get(path)
            assert response.status_code == 200, (path, lang, response.status_code)
            body = response.get_data()
            bad: list[str] = []
            if path.endswith(".pdf"):
                text = pdf_text(body, tmp_path)
            elif path.endswith(".csv"):
                text, bad = csv_text(body)
            elif path.endswith(".xlsx"):
                text, bad = xlsx_text(body)
            else:
                text = html_text(body.decode("utf-8"))
            found = bad + problems_in(text, lang, typed)
            if found:
                failures[f"{lang} {path}"] = found
    assert failures == {}


def test_the_scanner_finds_what_it_looks_for():
    planted = (
        "non_heating quota.basis.heating None 23449.999999999996 kgce/(m2·a) 23450.0 m² "
        "Table 表1 EnergyPlus 12,345.5 m² e.g. 0.03412"
    )
    zh = problems_in(planted, "zh", [])
    assert {"key non_heating", "key quota.basis.heating", "literal None"} <= set(zh)
    assert "digits 9.999999999996" in zh and "unit m2" in zh and "Latin Table" in zh
    assert "area 23450.0 m²" in zh and not any("12,345" in p for p in zh)
    assert not any("EnergyPlus" in p or "e.g" in p or "0.03412" in p for p in zh)
    assert problems_in("Heating 供暖 中文", "en", []) == ["CJK 供暖"]
    assert problems_in("王工 wrote this", "zh", ["王工", "wrote this"]) == []
    assert problems_in("状态: 已完成", "zh", []) == ["colon 状态: 已完成"]
    assert problems_in("状态：已完成 · 17:22 · Token: Bearer", "zh", []) == []
    assert problems_in("17:22 (北京时间)", "zh", []) == ["brackets (北京时间)"]
    assert problems_in("17:22（北京时间） · 12.5 (m²)", "zh", []) == []


def test_spreadsheets_are_sized_and_formatted(world):
    """Columns sized to their headers, decimals with a number format, in both exports."""
    year = 2021
    for path in ("/buildings/export.xlsx", f"/dashboard/tally-{year}.xlsx"):
        data = world.client("viewer", "zh").get(path).get_data()
        book = load_workbook(io.BytesIO(data))
        for sheet in book.worksheets:
            widths = [d.width for d in sheet.column_dimensions.values() if d.width]
            assert widths and min(widths) >= 10, (path, sheet.title)
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, float):
                        assert cell.number_format == "#,##0.00", (path, sheet.title, cell)
