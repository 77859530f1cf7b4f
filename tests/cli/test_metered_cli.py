"""`registry metered import FILE [--dry-run] --json` and `registry metered list --year Y`."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from registry.services.quotas import seed as quota_seed
from tests.conftest import building_data


@pytest.fixture
def office(app, cli, make_user, make_building):
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        quota_seed.seed(session)
        admin = make_user(session, role="admin", username="boss")
        building = make_building(
            session,
            admin,
            **{
                **building_data(),
                "building_type": "office_commercial",
                "sub_type": "",
                "hvac_class": "A",
                "heating_type": "district",
                "floor_area_m2": "20000",
            },
        )
    return building


def test_import_dry_run_then_list(tmp_path, cli, office):
    path = tmp_path / "meters.csv"
    path.write_text(
        "Registry ID,Year,Electricity (kWh),Natural gas (m3),District heat (GJ),"
        "Operating hours (h),Occupants\n"
        f"{office.id},2023,1340000,,3000,3000,1600\n"
        "nope,2023,1,,,,\n",
        encoding="utf-8",
    )
    dry = cli("metered", "import", path, "--dry-run", "--json", "--as", "boss", "--lang", "en")
    report = json.loads(dry.output)
    assert dry.exit_code == 0 and report["dry_run"] is True
    assert report["counts"]["accepted"] == 1 and report["counts"]["rejected"] == 1
    assert report["rows"][0]["row"] == 3
    listed = json.loads(cli("metered", "list", "--year", 2023, "--json").output)
    assert listed["entries"] == []

    done = json.loads(cli("metered", "import", path, "--json", "--as", "boss").output)
    assert done["batch_id"] and done["counts"]["years"] == 1
    listed = json.loads(cli("metered", "list", "--year", 2023, "--json", "--lang", "en").output)
    [entry] = listed["entries"]
    assert entry["building_id"] == office.id
    non = next(i for i in entry["indicators"] if i["basis"] == "non_heating")
    # 67 kWh/m² × γ1 0.8833 × γ2 1.075 = 63.62, within the 65 constraint (GB/T 51161 A office)
    assert non["unit"] == "kWh/(m2·a)" and non["band"] == "le_constraint"
    assert non["value"] == pytest.approx(67 * (0.3 + 0.7 * 2500 / 3000) * 1.075)
    assert non["correction"]["gamma2"] == pytest.approx(1.075)
    none = json.loads(
        cli("metered", "list", "--year", 2023, "--district", "370203", "--json").output
    )
    assert none["count"] == 0


def test_the_text_reports_read_in_chinese_with_no_codes(tmp_path, cli, office):
    """The import's counts and refused rows, and the quota list, as the pages word them."""
    from tests.web.test_user_language import problems_in

    path = tmp_path / "meters.csv"
    path.write_text(
        "登记编号,年份,用电量（kWh）,集中供热（GJ）,运行时间（h）\n"
        f"{office.id},2023,1340000,3000,3000\n"
        "nope,2023,1,,\n",
        encoding="utf-8",
    )
    dry = cli("metered", "import", path, "--dry-run", "--as", "boss")
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert "文件总行数：2" in lines and "不予导入行数：1" in lines, lines
    assert "将保存的建筑年度数：1" in lines, lines
    assert any(line.startswith("  第 3 行 登记编号：") for line in lines), lines
    done = cli("metered", "import", path, "--as", "boss")
    assert "文件中的建筑年度数：1" in done.output.splitlines(), done.output
    listed = cli("metered", "list", "--year", 2023).output
    assert listed.splitlines()[-1] == "列入名单的建筑：1", listed
    # 1,340,000 kWh / 20,000 m² = 67 kWh/(m²·a), over the 65 constraint (no γ inputs given)
    assert "单位建筑面积非供暖能耗：67.00 kWh/(m²·a) > 约束值" in listed, listed
    typed = [office.name, "nope"]
    for text in (dry.output, done.output, listed):
        assert problems_in(text, "zh", typed) == [], text
        assert not [
            key for key in ("non_heating", "le_constraint", "row 3", "rows:") if key in text
        ]


def test_the_text_report_warns_of_columns_it_does_not_read(tmp_path, cli, office):
    path = tmp_path / "meters.csv"
    path.write_text(f"登记编号,年份,电力（kWh）,集中供热（GJ）\n{office.id},2023,1340000,3000\n")
    lines = cli("metered", "import", path, "--dry-run", "--as", "boss").output.splitlines()
    assert lines[:2] == [
        "警告：以下列未能识别，已忽略：“电力（kWh）”。",
        "警告：表格中没有用电量列（用电量(kWh)）：各年度数据照常保存，但没有用电量，不评判非供暖能耗"
        "和常规用电指标。",
    ], lines
    # Stored, the year is listed with why it is not judged on electricity, not as 0 kWh.
    assert cli("metered", "import", path, "--as", "boss").exit_code == 0
    listed = cli("metered", "list", "--year", 2023).output
    assert "该年度没有用电量数据" in listed and "0.00" not in listed, listed


def test_degree_days_are_named_in_the_chosen_language(cli, office):
    said = cli("metered", "degree-days", "2021", "2150", "--cdd", "120", "--as", "boss")
    assert said.exit_code == 0 and said.stdout == "2021 供暖度日数：2,150，空调度日数：120\n"
    english = cli("metered", "degree-days", "2022", "2100", "--as", "boss", "--lang", "en")
    assert english.stdout == "2022 Heating degree-days: 2,100\n"
