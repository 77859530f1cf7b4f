"""`registry tally`: text, JSON, CSV, XLSX and the PDF from the command line."""

from __future__ import annotations

import json
from datetime import date

import pytest


@pytest.fixture
def counted(app_session, make_user, make_building, make_record):
    admin = make_user(app_session, role="admin")
    building = make_building(
        app_session, admin, district_code="370214", name="城阳近零办公楼", floor_area_m2="9000"
    )
    make_record(
        app_session,
        admin,
        building,
        kind="energy",
        level="zero",
        stage=None,
        issued_on=date(2022, 4, 1),
        label_number="Z-1",
        status="approved",
    )
    return building


def test_text_summary_and_json(cli, counted):
    result = cli("tally", "--year", "2022")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "完成超低能耗建筑：9,000 / 300,000 m²（3.0%），本期新增 9,000 m²，本期撤销 0 m²" in lines
    assert lines[0] == "统计期间：2022-01-01 – 2022-12-31" and lines[-1].endswith("（北京时间）")
    english = cli("tally", "--year", "2022", "--lang", "en").output.splitlines()
    assert english[0] == "Period: 2022-01-01 – 2022-12-31", english
    result = cli("tally", "--year", "2022", "--format", "json")
    body = json.loads(result.output)
    pilots = next(t for t in body["targets"] if t["key"] == "nzeb_pilots")
    assert pilots["cumulative"] == 1 and body["nzeb"][2]["met"] is True  # 城阳区


def test_csv_and_xlsx_files(cli, counted, tmp_path):
    result = cli("tally", "--year", "2022", "--format", "csv", "--table", "records")
    assert result.exit_code == 0 and "城阳近零办公楼" in result.output
    out = tmp_path / "t.xlsx"
    assert cli("tally", "--year", "2022", "--format", "xlsx", "--out", out).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    assert cli("tally", "--year", "2022", "--format", "xlsx").exit_code == 2


def test_pdf(cli, counted, tmp_path):
    out = tmp_path / "tally-2022.pdf"
    result = cli("tally", "--year", "2022", "--pdf", out)
    assert result.exit_code == 0 and "数据摘要：" in result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_pdf_with_a_format_writes_the_same_export_as_without(cli, counted, tmp_path):
    """--pdf beside --format streams the one export the API sends, not another copy."""
    alone = json.loads(cli("tally", "--year", "2022", "--format", "json").stdout)
    out = tmp_path / "tally-2022.pdf"
    both = cli("tally", "--year", "2022", "--format", "json", "--pdf", out)
    assert both.exit_code == 0, both.output
    body = json.loads(both.stdout)
    assert body.keys() == alone.keys()
    assert body["rows"] == alone["rows"] and body["targets"] == alone["targets"]
    assert f"数据摘要：{body['digest']}" in both.stderr  # the PDF's digest: the same rows
    assert out.read_bytes().startswith(b"%PDF")


def test_bad_filters_are_messages_not_tracebacks(cli):
    result = cli("tally", "--year", "20x2", "--district", "高新区")
    assert result.exit_code == 1
    assert "年份“20x2”无效" in result.output and "功能区" in result.output
    result = cli("tally", "--year", "2022", "--as-of", "yesterday", "--lang", "en")
    assert result.exit_code == 1 and "not a valid date" in result.output


def test_tally_index_check_and_rebuild(cli, app_session, counted):
    from sqlalchemy import text

    assert cli("tally-index", "--check").exit_code == 0
    app_session.execute(text("DELETE FROM tally_episodes"))  # as a raw load would leave it
    app_session.commit()
    result = cli("tally-index", "--check")
    assert result.exit_code == 1 and "1 building(s) differ" in result.output
    result = cli("tally-index")
    # A zero-energy label counts toward ultra-low energy and toward the 城阳区 pilot.
    assert result.exit_code == 0 and "rebuilt: 2 episode(s)" in result.output
    assert cli("tally-index", "--check").exit_code == 0
