"""Every file in tests/data/bad/ (and the big ones made here): the exact message code users
get, in Chinese and English, a 4xx (never a 500), and nothing stored.

tests/data/bad/README.md lists each file with what it is and the message it earns.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from werkzeug.test import EnvironBuilder, run_wsgi_app

from registry.domain.text import names
from registry.errors import ValidationFailed
from registry.i18n import render
from registry.models import (
    Building,
    Check,
    CheckResult,
    ImportBatch,
    Record,
    WeatherFile,
)
from registry.services.checks import weather as weather_service
from registry.services.checks.runner import execute_check
from tests.conftest import DATA_DIR
from tests.messages import catalogue
from tests.security.conftest import build_world, new_app

BAD = DATA_DIR / "bad"
LANGS = ("zh", "en")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app = new_app(tmp_path_factory.mktemp("bad"))
    yield build_world(app)
    app.extensions["registry.engine"].dispose()


def assert_bilingual(code: str, params: dict) -> tuple[str, str]:
    """The code exists and reads as a full sentence in both languages."""
    assert code in catalogue(), code
    zh, en = (render(code, params, lang) for lang in LANGS)
    assert zh != en and zh != code and en != code
    for text, template in zip((zh, en), catalogue()[code], strict=True):
        assert "{" not in template or text != template, text  # every placeholder filled
    return zh, en


def counts(world) -> dict[str, int]:
    with world.session() as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Building, Record, Check, CheckResult, ImportBatch, WeatherFile)
        }


def stored_files(world) -> set[Path]:
    upload = Path(world.app.extensions["registry.config"].UPLOAD_DIR)
    weather = Path(world.app.extensions["registry.config"].WEATHER_DIR)
    return {
        p
        for folder in (upload, weather)
        if folder.exists()
        for p in folder.rglob("*")
        if p.is_file()
    }


class Unchanged:
    """Asserts that no row and no file was added while the block ran."""

    def __init__(self, world, *, except_models=()):
        self.world, self.except_models = world, set(except_models)

    def __enter__(self):
        self.rows, self.files = counts(self.world), stored_files(self.world)
        return self

    def __exit__(self, *exc_info):
        if exc_info[0] is not None:
            return False
        after = counts(self.world)
        for model, before in self.rows.items():
            if model not in self.except_models:
                assert after[model] == before, f"{model}: {before} -> {after[model]}"
        if "Check" not in self.except_models:
            assert stored_files(self.world) == self.files
        return False


# -- models refused at upload: 422 on the idf field -----------------------------------------

UPLOAD_REFUSED = {
    "idf_version_9_4.idf": ("idf.wrong_version", {"found": "9.4"}),
    "idf_binary.idf": ("idf.binary", {}),
    "idf_utf16.idf": ("idf.encoding", {"encoding": "UTF-16"}),
    "idf_invalid_encoding.idf": ("idf.encoding", {"encoding": "unknown"}),
    "idf_python_plugin.idf": ("idf.forbidden_object", {"object": "PythonPlugin:Instance"}),
    "idf_external_interface.idf": ("idf.forbidden_object", {"object": "ExternalInterface"}),
    "idf_fmu.idf": (
        "idf.forbidden_object",
        {"object": "ExternalInterface:FunctionalMockupUnitExport:From:Variable"},
    ),
    "idf_fmu_import.idf": (
        "idf.forbidden_object",
        {"object": "ExternalInterface:FunctionalMockupUnitImport"},
    ),
    "idf_empty.idf": ("idf.empty", {}),
    "idf_ems_while_loop.idf": (
        "idf.ems_while_loop",
        {"program": "BusyLoop", "line": "WHILE LoopX < 1"},
    ),
    "idf_ems_recursion.idf": ("idf.ems_recursion", {"chain": "Ping → Pong → Ping"}),
    "idf_only_comments.idf": ("idf.no_version", {}),
    "model_wrong_extension.txt": ("check.wrong_extension", {"name": "model_wrong_extension.txt"}),
}


def multipart(field: str, filename: str, data: bytes) -> dict:
    """A one-file form body, built here: the test client would spool a big one to a temp
    file it never closes."""
    boundary = "corpus-boundary-7f3a"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(world, data: bytes, filename: str, lang: str, *, where: str = "api"):
    form = multipart("idf", filename, data)
    if where == "web":
        return world.client("designer_own", lang=None if lang == "zh" else "en").post(
            f"/buildings/{world.building_id}/checks/new", **form
        )
    return world.app.test_client().post(
        f"/api/v1/buildings/{world.building_id}/checks",
        **form,
        headers=world.headers("designer_own", lang),
    )


@pytest.mark.parametrize("name", sorted(UPLOAD_REFUSED))
def test_models_refused_at_upload(world, name):
    code, params = UPLOAD_REFUSED[name]
    expected = dict(zip(LANGS, assert_bilingual(code, params), strict=True))
    data = (BAD / name).read_bytes()
    with Unchanged(world):
        for lang in LANGS:
            response = upload(world, data, name, lang)
            assert response.status_code == 422
            assert response.json["code"] == "validation.failed"
            assert response.json["errors"] == {"idf": expected[lang]}
            page = upload(world, data, name, lang, where="web")
            assert page.status_code == 422
            assert expected[lang] in html.unescape(page.get_data(as_text=True))


def _zip_bomb() -> bytes:
    """A few KB that would unpack to 100 MB, sent as a model."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.idf", b"\0" * 100_000_000)
    return buffer.getvalue()


def test_zip_bomb_renamed_idf_is_refused_without_unpacking(world):
    data = _zip_bomb()
    assert len(data) < 200_000
    expected = assert_bilingual("idf.binary", {})
    with Unchanged(world):
        for lang, message in zip(LANGS, expected, strict=True):
            response = upload(world, data, "bomb.idf", lang)
            assert response.status_code == 422
            assert response.json["errors"] == {"idf": message}


def test_model_just_over_the_limit_is_refused(world):
    limit = world.app.extensions["registry.config"].MAX_UPLOAD_BYTES
    data = b"Version,25.2;\n" + b"! padding\n" * (limit // 10)
    assert limit < len(data) < limit + 1024 * 1024
    params = {"size_mb": f">{limit / 1048576:.0f}", "max_mb": f"{limit / 1048576:.0f}"}
    expected = assert_bilingual("check.too_large", params)
    with Unchanged(world):
        for lang, message in zip(LANGS, expected, strict=True):
            response = upload(world, data, "big.idf", lang)
            assert response.status_code == 422
            assert response.json["errors"] == {"idf": message}


class _Zeros(io.RawIOBase):
    """A 200 MB request body that is never held in memory."""

    def __init__(self, size: int):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = b"0" * n
        self.left -= n
        return n


@pytest.mark.parametrize("lang", LANGS)
def test_200_mb_upload_is_cut_off_before_it_is_read(world, lang):
    size = 200 * 1024 * 1024
    boundary = "bound"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="idf"; filename="huge.idf"\r\n\r\n'
    ).encode()
    body = io.BufferedReader(_Zeros(size))
    environ = EnvironBuilder(
        path=f"/api/v1/buildings/{world.building_id}/checks",
        method="POST",
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=world.headers("designer_own", lang),
    ).get_environ()
    # Straight to the WSGI app: the test client would buffer the body to seek in it.
    environ["wsgi.input"] = io.BufferedReader(_Chain(head, body))
    environ["CONTENT_LENGTH"] = str(len(head) + size)
    with Unchanged(world):
        chunks, status, headers = run_wsgi_app(world.app, environ, buffered=True)
    answer = json.loads(b"".join(chunks))
    assert status.startswith("413")
    assert answer["code"] == "http.413"
    assert answer["message"] == assert_bilingual("http.413", {})[LANGS.index(lang)]
    assert body.raw.left > size - 64 * 1024 * 1024  # most of it never read


class _Chain(io.RawIOBase):
    def __init__(self, first: bytes, rest):
        self.first, self.rest = io.BytesIO(first), rest

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.first.read(len(buffer)) or self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


# -- models the worker refuses: accepted and queued, then failed with the reason ------------

WORKER_REFUSED = {
    "idf_truncated.idf": ("idf.no_zones", {}),
    "idf_no_zones.idf": ("idf.no_zones", {}),
    "idf_no_surfaces.idf": ("idf.no_surfaces", {}),
    "idf_unknown_object.idf": ("idf.unknown_object", {"objects": "Zonee"}),
    "idf_schedule_file_passwd.idf": (
        "idf.external_file",
        {"object": "Schedule:File", "name": "Leak"},
    ),
    "idf_absurd_size.idf": ("idf.absurd_size", {"area": "1e+60", "max": "10,000,000"}),
}


def run_in_worker(world, name: str) -> dict:
    response = upload(world, (BAD / name).read_bytes(), name, "zh")
    assert response.status_code == 202, response.json
    check_id = response.json["id"]
    config = world.app.extensions["registry.config"]
    engine = world.app.extensions["registry.engine"]
    assert execute_check(engine=engine, config=config, check_id=check_id, worker="test") == "failed"
    bodies = {}
    for lang in LANGS:
        shown = world.app.test_client().get(
            f"/api/v1/checks/{check_id}", headers=world.headers("designer_own", lang)
        )
        assert shown.status_code == 200
        bodies[lang] = shown.json
    with Session(engine) as session:
        assert session.exec(select(CheckResult).where(CheckResult.check_id == check_id)).all() == []
    return bodies


@pytest.mark.parametrize("name", sorted(WORKER_REFUSED))
def test_models_the_worker_refuses_before_running_energyplus(world, name):
    code, params = WORKER_REFUSED[name]
    expected = assert_bilingual(code, params)
    with Unchanged(world, except_models={"Check"}):
        bodies = run_in_worker(world, name)
    for lang, message in zip(LANGS, expected, strict=True):
        assert bodies[lang]["status"] == "failed"
        assert bodies[lang]["error"] == {"code": code, "message": message, "differences": []}
        assert bodies[lang]["result"] is None


@pytest.mark.energyplus
def test_model_energyplus_stops_on_reports_its_fatal(world):
    with Unchanged(world, except_models={"Check"}):
        bodies = run_in_worker(world, "idf_missing_material.idf")
    for lang in LANGS:
        error = bodies[lang]["error"]
        assert error["code"] == "energyplus.failed"
        assert (
            error["message"]
            == assert_bilingual("energyplus.failed", {"returncode": 1})[LANGS.index(lang)]
        )
        messages = json.dumps(bodies[lang]["energyplus_messages"], ensure_ascii=False)
        assert "CONCRETE 300MM" in messages.upper()


# -- weather files --------------------------------------------------------------------------

CHICAGO = "USA_IL_Chicago-OHare.Intl.AP.725300_TMY3.epw"
WEATHER_REFUSED = {
    "epw_truncated.epw": ("weather.wrong_hours", {"found": 100}),
    "epw_not_epw.epw": ("weather.no_location", {}),
    "epw_bad_location.epw": (
        "weather.bad_location",
        {"detail": "LOCATION,Nowhere,XX,XXX,TEST,000000,123.0,520.0,30,99999"},
    ),
    "epw_binary.epw": ("weather.not_text", {}),
    "epw_empty.epw": ("weather.empty", {}),
}


def _wrong_columns_epw() -> bytes:
    """8760 hourly rows of 10 columns (a CSV export, not an EPW): made here, 300 KB."""
    header = (BAD / "epw_truncated.epw").read_bytes().split(b"\r\n")[:8]
    rows = [f"2021,1,1,{h % 24 + 1},60,x,1.0,2.0,3.0,4.0".encode() for h in range(8760)]
    return b"\r\n".join(header + rows) + b"\r\n"


def _chicago() -> list[bytes]:
    from registry.domain.checks.energyplus import weather_data_dir

    return (weather_data_dir() / CHICAGO).read_bytes().splitlines()


def _one_field_changed(line: int, column: int, value: str) -> bytes:
    """The engine's Chicago TMY3 file with one field of one hourly record changed."""
    lines = _chicago()
    fields = lines[line - 1].split(b",")
    fields[column - 1] = value.encode()
    lines[line - 1] = b",".join(fields)
    return b"\n".join(lines) + b"\n"


def _where(line, column, field, value):
    """Where the refusal points: the field is named through the EPW vocabulary."""
    return {"line": line, "column": column, "field": names("EPW field", [field]), "value": value}


# Every field the engine reads is checked (issue 24, item 12): these went through before and
# failed later, inside EnergyPlus.
GENERATED_EPWS = {
    "month 13": (
        lambda: _one_field_changed(9, 2, "13"),
        "weather.field_out_of_range",
        {**_where(9, 2, "month", "13"), "low": 1, "high": 12},
    ),
    "hour 99": (
        lambda: _one_field_changed(20, 4, "99"),
        "weather.field_out_of_range",
        {**_where(20, 4, "hour", "99"), "low": 1, "high": 24},
    ),
    "radiation not a number": (
        lambda: _one_field_changed(100, 14, "n/a"),
        "weather.field_not_numeric",
        _where(100, 14, "global horizontal radiation", "n/a"),
    ),
    "negative radiation": (
        lambda: _one_field_changed(4000, 15, "-5"),
        "weather.field_negative",
        _where(4000, 15, "direct normal radiation", "-5"),
    ),
    "31 April": (
        lambda: _one_field_changed(9 + 90 * 24, 3, "31"),
        "weather.bad_date",
        {"line": 2169, "month": 4, "day": 31},
    ),
    "wrong columns": (
        lambda: _wrong_columns_epw(),
        "weather.too_few_columns",
        {"line": 9, "count": 10, "expected": 35},
    ),
}


@pytest.mark.parametrize("name", [*sorted(WEATHER_REFUSED), *GENERATED_EPWS])
def test_weather_files_refused_with_the_reason(world, name):
    if name in GENERATED_EPWS:
        make, code, params = GENERATED_EPWS[name]
        data = make()
    else:
        data = (BAD / name).read_bytes()
        code, params = WEATHER_REFUSED[name]
    assert_bilingual(code, params)
    with Unchanged(world), world.session() as session:
        with pytest.raises(ValidationFailed) as refused:
            weather_service.add_weather(
                session=session,
                actor=world.users["designer_own"],
                config=world.app.extensions["registry.config"],
                data=data,
                name=f"{name}.epw",
            )
        session.rollback()
    assert refused.value.field_errors == {"epw": (code, params)}


def test_a_weather_file_with_a_utf8_bom_is_the_same_file(world):
    """Saved by an editor that writes a byte-order mark: accepted, stored and hashed without it."""
    data = b"\n".join(_chicago()) + b"\n"
    with world.session() as session:
        plain = weather_service.add_weather(
            session=session,
            actor=world.users["designer_own"],
            config=world.app.extensions["registry.config"],
            data=data,
            name="chicago.epw",
        )
        marked = weather_service.add_weather(
            session=session,
            actor=world.users["designer_own"],
            config=world.app.extensions["registry.config"],
            data=b"\xef\xbb\xbf" + data,
            name="chicago-bom.epw",
        )
        assert marked.id == plain.id and marked.sha256 == hashlib.sha256(data).hexdigest()


# -- spreadsheets ---------------------------------------------------------------------------


def import_file(
    world, data: bytes, filename: str, lang: str, *, dry_run: bool = False, role: str = "officer"
):
    return world.app.test_client().post(
        "/api/v1/imports",
        **multipart("file", filename, data),
        query_string={"dry_run": "1"} if dry_run else {},
        headers=world.headers(role, lang),
    )


SHEET_REFUSED = {
    "sheet_no_header.csv": ("import.no_header", {"rows": 20}),
    "sheet_not_a_spreadsheet.xlsx": (
        "import.file_unreadable",
        {"filename": "sheet_not_a_spreadsheet.xlsx"},
    ),
    "sheet_zip_without_workbook.xlsx": (
        "import.file_unreadable",
        {"filename": "sheet_zip_without_workbook.xlsx"},
    ),
    "sheet_unknown_type.pdf": ("import.file_type_unknown", {"filename": "sheet_unknown_type.pdf"}),
}


def _million_columns() -> bytes:
    header = ",".join(
        ["项目名称", "所在区（市）", "建筑类型", "建筑面积"]
        + [f"c{i}" for i in range(1_000_000 - 4)]
    )
    return (header + "\n" + "x,市南区,办公建筑,1000" + ",0" * (1_000_000 - 4) + "\n").encode()


@pytest.mark.parametrize("name", [*sorted(SHEET_REFUSED), "million_columns.csv (generated)"])
def test_sheets_that_cannot_be_read_are_refused(world, name):
    if name.startswith("million"):
        data, filename = _million_columns(), "million_columns.csv"
        code, params = "import.too_many_columns", {"found": 1_000_000, "max": 1000}
    else:
        data, filename = (BAD / name).read_bytes(), name
        code, params = SHEET_REFUSED[name]
    expected = assert_bilingual(code, params)
    with Unchanged(world):
        for lang, message in zip(LANGS, expected, strict=True):
            response = import_file(world, data, filename, lang)
            assert response.status_code == 422
            assert response.json == {"code": code, "message": message, "errors": {}}


SHEET_ROWS_REFUSED = {
    "sheet_wrong_types.csv": [
        {
            "district_code": "district.unknown",
            "building_type": "building.type_unknown",
            "floor_area_m2": "area.unreadable",
            "completion_year": "import.year_unreadable",
            "storeys": "field.out_of_range",
        },
        {"storeys": "number.unreadable", "floor_area_m2": "area.not_positive"},
    ],
    "sheet_control_characters.csv": [
        {"name": "field.control_characters"},
        {"name": "field.control_characters"},
    ],
}


@pytest.mark.parametrize("name", sorted(SHEET_ROWS_REFUSED))
def test_sheet_rows_refused_field_by_field_and_nothing_imported(world, name):
    data = (BAD / name).read_bytes()
    with Unchanged(world):
        for lang in LANGS:
            response = import_file(world, data, name, lang)
            assert response.status_code == 200  # the file was read; no row was new
            body = response.json
            assert body["batch"] is None
            assert body["message"] == assert_bilingual("import.nothing_new", {})[LANGS.index(lang)]
            rows = body["rows"]
            assert [r["outcome"] for r in rows] == ["rejected"] * len(SHEET_ROWS_REFUSED[name])
            for row, wanted in zip(rows, SHEET_ROWS_REFUSED[name], strict=True):
                assert {p["field"]: p["code"] for p in row["problems"]} == wanted
                for problem in row["problems"]:
                    assert problem["code"] in catalogue()
                    assert problem["message"] and problem["message"] != problem["code"]
                    template = catalogue()[problem["code"]][LANGS.index(lang)]
                    assert "{" not in template or problem["message"] != template


@pytest.mark.parametrize(
    ("name", "expected_name"),
    [
        ("sheet_bom_utf8.csv", "BOM测试大厦"),
        ("sheet_gbk.csv", "GBK编码测试大厦"),
    ],
)
def test_bom_and_gbk_sheets_read_their_chinese_correctly(world, name, expected_name):
    response = import_file(world, (BAD / name).read_bytes(), name, "zh", dry_run=True, role="admin")
    assert response.status_code == 200
    assert [(r["outcome"], r["name"]) for r in response.json["rows"]] == [
        ("new_building", expected_name)
    ]


def test_xlsm_macros_never_run_and_formulas_are_not_evaluated(world):
    """The VBA project is ignored, and a formula cell has no value to import."""
    data = (BAD / "sheet_macros.xlsm").read_bytes()
    response = import_file(world, data, "sheet_macros.xlsm", "en", dry_run=True)
    assert response.status_code == 200
    rows = response.json["rows"]
    assert [(r["outcome"], r["name"]) for r in rows] == [
        ("new_building", "宏测试大厦"),
        ("rejected", ""),
    ]
    assert {p["field"]: p["code"] for p in rows[1]["problems"]} == {
        "name": "field.required",
        "floor_area_m2": "field.required",
    }


def test_formula_text_is_kept_as_text_and_neutralised_on_export(world):
    """`=cmd|…` is a legal (if odd) name: stored as typed, but every export shows it as
    text a spreadsheet will not run."""
    data = (BAD / "sheet_formulas.csv").read_bytes()
    response = import_file(world, data, "sheet_formulas.csv", "zh")
    assert response.status_code == 201
    rows = response.json["rows"]
    assert [r["outcome"] for r in rows] == ["new_building", "rejected"]
    assert {p["field"]: p["code"] for p in rows[1]["problems"]} == {
        "district_code": "district.unknown",
        "building_type": "building.type_unknown",
        "floor_area_m2": "area.unreadable",
    }
    headers = world.headers("viewer")
    client = world.app.test_client()
    csv_text = client.get(
        "/api/v1/buildings/export", query_string={"q": "cmd"}, headers=headers
    ).get_data(as_text=True)
    assert "\n'=cmd|' /C calc'!A0," in csv_text.replace('"', "")
    assert "\n=cmd" not in csv_text
    import openpyxl

    xlsx = client.get(
        "/api/v1/buildings/export", query_string={"q": "cmd", "format": "xlsx"}, headers=headers
    ).data
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    cell = sheet["A2"]
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s"
    page = world.client("viewer").get("/buildings/export.csv?q=cmd").get_data(as_text=True)
    assert "'=cmd" in page


# -- API bodies -----------------------------------------------------------------------------

API_CASES = {
    # file: (status, top-level code, {field: (code, params)})
    "api_wrong_types.json": (
        422,
        "validation.failed",
        {
            "district_code": ("district.unknown", {"value": "['370202']"}),
            "building_type": ("field.required", {}),
            "floor_area_m2": ("area.not_a_number", {"value": "[1]"}),
            "storeys": ("field.not_a_number", {"value": "{'a': 1}"}),
            "is_new_build": ("field.not_boolean", {"value": "maybe"}),
        },
    ),
    "api_huge_float.json": (
        422,
        "validation.failed",
        {"floor_area_m2": ("area.not_a_number", {"value": "inf"})},
    ),
    "api_nan.json": (
        422,
        "validation.failed",
        {"floor_area_m2": ("area.not_a_number", {"value": "nan"})},
    ),
    "api_huge_int.json": (
        422,
        "validation.failed",
        {"storeys": ("field.not_a_number", {"value": "1" * 400})},
    ),
    "api_negative_area.json": (
        422,
        "validation.failed",
        {"floor_area_m2": ("area.not_positive", {})},
    ),
    "api_rtl_override.json": (422, "validation.failed", {"name": ("field.control_characters", {})}),
    "api_long_name.json": (422, "validation.failed", {"name": ("field.too_long", {"max": 200})}),
    "api_nul_byte.json": (400, "request.nul_character", {}),
    "api_not_json.txt": (400, "request.not_json", {}),
    "api_array.json": (400, "request.not_json", {}),
}


def post_building(world, body: bytes, lang: str, path: str = "/api/v1/buildings"):
    return world.app.test_client().post(
        path, data=body, content_type="application/json", headers=world.headers("officer", lang)
    )


@pytest.mark.parametrize("name", sorted(API_CASES))
def test_bad_api_bodies_are_refused_with_field_messages(app_both_world, name):
    world = app_both_world
    status, code, fields = API_CASES[name]
    assert_bilingual(code, {})
    body = (BAD / name).read_bytes()
    with Unchanged(world):
        for lang in LANGS:
            response = post_building(world, body, lang)
            assert response.status_code == status, response.json
            assert response.json["code"] == code
            assert response.json["message"] == render(code, {}, lang)
            assert response.json["errors"] == {
                field: assert_bilingual(c, p)[LANGS.index(lang)] for field, (c, p) in fields.items()
            }


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.requires_postgres)])
def app_both_world(request, tmp_path):
    """A small world on each database: NUL bytes and long text differ between them."""
    from registry import create_app
    from tests.conftest import make_config

    if request.param == "postgresql":
        url = request.getfixturevalue("pg_database_url")
        from tests.conftest import _truncate_pg

        _truncate_pg(url)
        app = create_app(
            make_config(
                tmp_path, url, WTF_CSRF_ENABLED=False, VERIFY_RATE_LIMIT="100000 per minute"
            )
        )
    else:
        app = new_app(tmp_path)
    yield build_world(app)
    app.extensions["registry.engine"].dispose()


@pytest.mark.parametrize(
    ("name", "stored_name"),
    [
        ("api_emoji.json", "🏢 绿色大厦 🌿"),
        ("api_zero_width.json", "零宽字符大厦"),
    ],
)
def test_emoji_are_kept_and_zero_width_characters_dropped(app_both_world, name, stored_name):
    response = post_building(app_both_world, (BAD / name).read_bytes(), "zh")
    assert response.status_code == 201
    assert response.json["name"] == stored_name


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    ("what", "body", "status", "code"),
    [
        ("nested 100,000 deep", _deep(100_000), 400, "request.not_json"),
        (
            "integer of 400 digits as area",
            b'{"floor_area_m2": ' + b"9" * 400 + b"}",
            422,
            "validation.failed",
        ),
    ],
)
def test_pathological_json_is_a_4xx(app_both_world, what, body, status, code):
    with Unchanged(app_both_world):
        for lang in LANGS:
            response = post_building(app_both_world, body, lang)
            assert response.status_code == status, what
            assert response.json["code"] == code
            assert response.json["message"] == assert_bilingual(code, {})[LANGS.index(lang)]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/buildings?q=%00", None),
        ("GET", "/api/v1/buildings/export?q=a%00b", None),
        ("GET", "/api/v1/verify/QD%00X", None),
        (
            "POST",
            "/api/v1/users",
            {"username": "nul\u0000user", "password": "x" * 12, "role": "viewer"},
        ),
        (
            "POST",
            "/api/v1/buildings/{building}/records",
            {
                "kind": "green_label",
                "level": "1",
                "stage": "evaluation",
                "label_number": "QD-NUL",
                "issued_on": "2022-01-01",
                "notes": "a\u0000b",
            },
        ),
    ],
)
def test_nul_bytes_anywhere_are_refused_on_both_databases(app_both_world, method, path, body):
    world = app_both_world
    path = path.format(building=world.building_id)
    with Unchanged(world):
        for lang in LANGS:
            response = world.app.test_client().open(
                path, method=method, json=body, headers=world.headers("admin", lang)
            )
            response.get_data()
            assert response.status_code == 400
            assert response.json == {
                "code": "request.nul_character",
                "message": assert_bilingual("request.nul_character", {})[LANGS.index(lang)],
                "errors": {},
            }


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/api/v1/buildings/99999999999999999999", None, 404, "http.404"),
        (
            "GET",
            "/api/v1/checks?building_id=99999999999999999999",
            None,
            422,
            "request.invalid_value",
        ),
        (
            "GET",
            "/api/v1/buildings?created_by_id=99999999999999999999",
            None,
            422,
            "request.invalid_value",
        ),
        (
            "POST",
            "/api/v1/users",
            {
                "username": "long-display",
                "password": "x" * 12,
                "role": "viewer",
                "display_name": "名" * 5000,
            },
            422,
            "validation.failed",
        ),
    ],
)
def test_out_of_range_values_are_a_4xx_on_both_databases(
    app_both_world, method, path, body, status, code
):
    world = app_both_world
    with Unchanged(world):
        for lang in LANGS:
            response = world.app.test_client().open(
                path, method=method, json=body, headers=world.headers("admin", lang)
            )
            assert response.status_code == status, response.json
            assert response.json["code"] == code
            assert response.json["message"] == assert_bilingual(code, {})[LANGS.index(lang)]


def test_overlong_reasons_are_refused_before_the_database_sees_them(app_both_world):
    world = app_both_world
    record_id = world.record("submitted")
    with Unchanged(world):
        response = world.app.test_client().post(
            f"/api/v1/records/{record_id}/reject",
            json={"reason": "理由" * 600},
            headers=world.headers("officer", "en"),
        )
    assert response.status_code == 422
    assert response.json["errors"] == {"reason": render("field.too_long", {"max": 1000}, "en")}
    with world.session() as session:
        assert session.get(Record, record_id).status == "submitted"
