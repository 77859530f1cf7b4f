"""Arbitrary bytes and text never make the validators raise anything but their documented
rejections, and every rejection carries a message code users can read in zh and en."""

from __future__ import annotations

import math
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.domain.checks import idf, weather
from registry.domain.checks.precheck import Precheck, PrecheckRejected, precheck_idf
from registry.domain.imports import files as import_files
from registry.domain.imports.headers import HEADER_ALIASES, IGNORE
from registry.domain.imports.rows import RowResult, validate_row
from tests.conftest import MODELS_DIR
from tests.messages import catalogue

MODEL = MODELS_DIR / "office_box.idf"
FAST = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def readable(code: str, params: dict) -> None:
    assert code in catalogue(), code
    from registry.i18n import render

    zh, en = render(code, params, "zh"), render(code, params, "en")
    assert zh and en and zh != en


# -- IDF ------------------------------------------------------------------------------------

OBJECT_NAMES = st.sampled_from(
    [
        "Version",
        "Zone",
        "Building",
        "RunPeriod",
        "Timestep",
        "Material",
        "Construction",
        "BuildingSurface:Detailed",
        "Schedule:Compact",
        "Schedule:File",
        "PythonPlugin:Instance",
        "ExternalInterface",
        "EnergyManagementSystem:Program",
        "Output:Variable",
        "SimulationControl",
        "Zonee",
        "FenestrationSurface:Detailed",
        "Table:Lookup",
    ]
)
FIELD = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters=",;!\n"), max_size=12),
    st.sampled_from(
        [
            "25.2",
            "9.4",
            "24.1",
            "1e30",
            "-1e30",
            "nan",
            "autocalculate",
            "",
            "/etc/passwd",
            "Yes",
            "No",
            "Floor",
            "0",
            "10",
        ]
    ),
)


@st.composite
def idf_like(draw) -> bytes:
    """Text shaped like an IDF: objects of fields, comments, odd versions, odd bytes."""
    parts = []
    if draw(st.booleans()):
        parts.append(f"Version,{draw(st.sampled_from(['25.2', '9.4', '25.1', '8', 'x']))};")
    for _ in range(draw(st.integers(0, 12))):
        fields = draw(st.lists(FIELD, max_size=8))
        end = draw(st.sampled_from([";", ";", ",", ""]))
        parts.append(",".join([draw(OBJECT_NAMES), *fields]) + end)
        if draw(st.booleans()):
            parts.append("! " + draw(st.text(max_size=20)).replace("\n", " "))
    text = "\n".join(parts)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    return data + draw(st.binary(max_size=8))


IDF_INPUT = st.one_of(st.binary(max_size=2048), st.text(max_size=400).map(str.encode), idf_like())


@FAST
@given(IDF_INPUT)
def test_precheck_only_ever_refuses_with_a_code(data):
    try:
        result = precheck_idf(data, max_bytes=1500)
    except PrecheckRejected as exc:
        readable(exc.code, exc.params)
    else:
        assert isinstance(result, Precheck)
        assert result.version
        for code, params in result.warnings:
            readable(code, params)


@SLOW
@given(st.one_of(idf_like(), st.binary(max_size=512)))
def test_validate_idf_only_ever_refuses_with_a_code(data):
    try:
        model = idf.validate_idf(data, max_bytes=20_000)
    except idf.IdfRejected as exc:
        readable(exc.code, exc.params)
        assert exc.code in idf.MESSAGES
    else:
        assert model.facts["zones"] and model.facts["surfaces"]


@SLOW
@given(st.data())
def test_a_real_model_with_one_line_mangled_never_crashes(data):
    """The sample office with one line replaced, dropped or cut: still only IdfRejected."""
    lines = MODEL.read_text().splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["replace", "drop", "truncate"]))
    if action == "replace":
        lines[index] = data.draw(st.one_of(FIELD, st.text(max_size=40)))
    elif action == "drop":
        del lines[index]
    else:
        lines = lines[:index]
    try:
        idf.validate_idf("\n".join(lines).encode("utf-8", "surrogatepass"), max_bytes=10**6)
    except idf.IdfRejected as exc:
        readable(exc.code, exc.params)


# -- EPW ------------------------------------------------------------------------------------


@st.composite
def epw_like(draw) -> bytes:
    location = ",".join(["LOCATION", *draw(st.lists(FIELD, min_size=0, max_size=10))])
    header = [location] + [draw(st.text(max_size=30)).replace("\n", " ") for _ in range(7)]
    row_count = draw(st.sampled_from([0, 1, 24, 8760]))
    row = ",".join(draw(st.lists(FIELD, min_size=0, max_size=35)))
    rows = [row] * row_count
    return ("\r\n".join(header + rows)).encode("utf-8", "surrogatepass")


@FAST
@given(st.one_of(st.binary(max_size=2048), epw_like()))
def test_validate_epw_only_ever_refuses_with_a_code(data):
    try:
        info = weather.validate_epw(data)
    except weather.EpwRejected as exc:
        readable(exc.code, exc.params)
        assert exc.code in weather.MESSAGES
    else:
        assert info.hours in (8760, 8784) and math.isfinite(info.annual_mean_c)


# -- import rows and files ------------------------------------------------------------------

CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers().map(lambda n: n * 10**300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(min_value=datetime(1899, 12, 30)),
    st.sampled_from(
        [
            "市南区",
            "370202",
            "办公建筑",
            "1.2万平方米",
            "二星级",
            "超低能耗",
            "2021年3月",
            "是",
            "否",
            "=1+1",
            "\u202e",
            "\x00",
            "合计",
            "45000",
        ]
    ),
)
FIELDS = [name for name in HEADER_ALIASES if name != IGNORE]


@FAST
@given(
    st.dictionaries(st.sampled_from(FIELDS), CELL, max_size=len(FIELDS)),
    st.integers(min_value=1, max_value=10**6),
)
def test_validate_row_never_raises_and_names_every_problem(cells, row_number):
    raw = {f"col-{name}": value for name, value in cells.items()}
    mapping = {f"col-{name}": name for name in cells}
    result = validate_row(raw, mapping, row_number, today=date(2025, 6, 30))
    assert isinstance(result, RowResult)
    assert result.outcome in {"ok", "invalid", "empty", "total"}
    assert (result.row is not None) == (result.outcome == "ok")
    if result.outcome == "invalid":
        assert result.problems
    for problem in result.problems:
        readable(problem.code, problem.params)
    if result.row is not None:
        assert 0 < result.row.floor_area_m2 <= 10_000_000
        assert "\x00" not in result.row.name


@FAST
@given(
    st.binary(max_size=4096),
    st.sampled_from(["a.csv", "a.xlsx", "a.xlsm", "a.txt", "a.pdf", "a", "a.xls"]),
)
def test_reading_any_file_as_a_sheet_only_ever_refuses_with_a_code(data, filename):
    try:
        table = import_files.read_table(data, filename)
    except import_files.ImportFileError as exc:
        readable(exc.code, exc.params)
    else:
        for number, row in table.rows:
            assert number >= 1 and isinstance(row, dict)
