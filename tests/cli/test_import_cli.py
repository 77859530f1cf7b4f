"""`registry import FILE` and `registry export buildings` through click."""

from __future__ import annotations

import csv
import io
import json

import pytest

from registry.domain.buildings.credit_code import make_credit_code

CODE = make_credit_code("91370200MA3C0001X")


@pytest.fixture
def sheet(tmp_path, cli):
    result = cli(
        "create-user", "--password", "long-enough-pw", "--username", "boss", "--role", "admin"
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "labels.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(
            [
                [
                    "项目名称",
                    "所在区（市）",
                    "统一社会信用代码",
                    "建筑类型",
                    "建筑面积",
                    "星级",
                    "评价阶段",
                    "标识编号",
                    "发证日期",
                ],
                [
                    "甲楼",
                    "胶南市",
                    CODE,
                    "办公",
                    "1.2万平方米",
                    "二星级",
                    "评价",
                    "CLI-1",
                    "2021-06-01",
                ],
                ["乙楼", "市南区", CODE, "办公", "12000", "二星级", "评价", "CLI-2", "2021-13-01"],
            ]
        )
    return path


def test_dry_run_then_import_then_again(cli, sheet):
    dry = cli("import", sheet, "--dry-run", "--json", "--lang", "en")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert report["counts"] == {"new_building": 1, "new_record": 0, "duplicate": 0, "rejected": 1}
    assert report["rows"][1]["problems"][0]["field"] == "issued_on"
    done = json.loads(cli("import", sheet, "--as", "boss", "--json").output)
    assert done["batch"]["new_buildings"] == 1 and done["batch"]["rejected"] == 1
    again = cli("import", sheet, "--lang", "en")
    assert again.exit_code == 0 and "imported already (batch 1" in again.output


def test_unknown_user_and_bad_file(cli, sheet, tmp_path):
    assert cli("import", sheet, "--as", "ghost").exit_code == 1
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    result = cli("import", bad, "--json", "--lang", "en")
    assert result.exit_code == 1 and json.loads(result.output)["error"]["code"] == (
        "import.file_type_unknown"
    )


def test_export_buildings(cli, sheet, tmp_path):
    cli("import", sheet)
    out = tmp_path / "out.csv"
    result = cli("export", "buildings", "--format", "csv", "--out", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert (
        rows[0][0] == "Project name" and rows[1][0] == "甲楼" and rows[1][2].startswith("Huangdao")
    )
    xlsx = tmp_path / "out.xlsx"
    assert cli("export", "buildings", "--format", "xlsx", "--out", xlsx).exit_code == 0
    assert xlsx.read_bytes()[:2] == b"PK"


def test_the_report_names_each_column_and_the_refused_rows_go_to_a_file(cli, sheet, tmp_path):
    import openpyxl

    out = tmp_path / "refused.xlsx"
    dry = cli("import", sheet, "--dry-run", "--json", "--errors", out, "--map", "星级=ignore")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    read = {c["header"]: c["field"] for c in report["mapping"]}
    assert read["星级"] == "ignore" and read["标识编号"] == "label_number"
    refused = [r for r in report["rows"] if r["outcome"] == "rejected"]
    assert [(r["name"], r["label_number"]) for r in refused] == [
        ("甲楼", "CLI-1"),
        ("乙楼", "CLI-2"),
    ]
    assert all(r["problems"] for r in refused)
    rows = list(openpyxl.load_workbook(out).worksheets[0].values)
    assert [row[0] for row in rows[1:]] == ["甲楼", "乙楼"] and all(row[-1] for row in rows[1:])
    text = cli("import", sheet, "--dry-run", "--lang", "en")
    assert "星级 → Star rating (Read)" in text.output
    assert "Row 3 Refused row (乙楼 CLI-2): 发证日期: " in text.output
    assert cli("import", sheet, "--dry-run", "--map", "星级").exit_code != 0
    template = tmp_path / "template.xlsx"
    assert cli("export", "template", "--out", template, "--lang", "en").exit_code == 0
    guide = openpyxl.load_workbook(template).worksheets[1]
    assert guide["A1"].value == "Column"


def test_the_text_report_reads_in_chinese_with_no_codes(cli, sheet):
    """What an officer reads at a terminal: the preview page's words, not the JSON's keys."""
    from tests.web.test_user_language import problems_in

    text = cli("import", sheet, "--dry-run").output
    lines = text.splitlines()
    assert "项目名称 → 建筑名称（读取）" in lines
    assert "新建筑：1" in lines and "不予导入：1" in lines
    assert any(line.startswith("  第 3 行 不予导入（乙楼 CLI-2）：发证日期：") for line in lines)
    typed = ["甲楼", "乙楼", "CLI-1", "CLI-2", "1.2万平方米", "2021-13-01", CODE]
    assert problems_in(text, "zh", typed) == []
    keys = ("new_building", "rejected", "label_number", "row 3", "->")
    assert not [key for key in keys if key in text]
