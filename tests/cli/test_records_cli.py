"""`registry building ...`, `registry record ...` and `registry create-user` through click."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import time_machine

from registry.i18n import render
from registry.services.buildings import records as record_service


@pytest.fixture
def people(cli):
    """An admin, an officer of 崂山区 (370212) and a designer, made by the CLI itself."""
    for args in (
        ["--username", "boss", "--role", "admin"],
        ["--username", "laoshan", "--role", "officer", "--district", "370212"],
        ["--username", "drafter", "--role", "designer"],
    ):
        result = cli("create-user", "--password", "long-enough-pw", *args)
        assert result.exit_code == 0, result.output


def test_create_user_officer_with_district(cli):
    result = cli(
        "create-user",
        "--username",
        "ls-officer",
        "--password",
        "long-enough-pw",
        "--role",
        "officer",
        "--district",
        "370212",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["districts"] == ["370212"]
    missing = cli(
        "create-user",
        "--username",
        "nodistrict",
        "--password",
        "long-enough-pw",
        "--role",
        "officer",
        "--lang",
        "en",
    )
    assert missing.exit_code == 1
    assert render("user.officer_needs_district", {}, "en") in missing.stderr


def test_building_and_record_lifecycle(cli, people, app_session):
    added = cli(
        "building",
        "add",
        "--as",
        "drafter",
        "--name",
        "崂山科创中心",
        "--district",
        "崂山区",
        "--type",
        "office_commercial",
        "--area",
        "18,500",
        "--json",
    )
    assert added.exit_code == 0, added.output
    building = json.loads(added.stdout)
    assert (building["district_code"], building["floor_area_m2"]) == ("370212", 18500.0)

    plain = cli(
        "building",
        "add",
        "--as",
        "boss",
        "--name",
        "市南某楼",
        "--district",
        "370202",
        "--type",
        "hotel",
        "--area",
        "900",
    )
    assert plain.exit_code == 0 and plain.stdout.strip().isdigit()

    listed = cli("building", "list", "--district", "370212", "--json")
    assert [item["name"] for item in json.loads(listed.stdout)["items"]] == ["崂山科创中心"]
    assert "崂山科创中心" in cli("building", "list").stdout

    record = cli(
        "record",
        "add",
        building["id"],
        "--as",
        "drafter",
        "--kind",
        "green_label",
        "--level",
        "二星级",
        "--stage",
        "evaluation",
        "--label",
        "QD-CLI-1",
        "--issued",
        "2021-06-01",
        "--area",
        "12000",
    )
    assert record.exit_code == 0, record.output
    record_id = int(record.stdout)

    assert cli("record", "submit", record_id, "--as", "drafter").exit_code == 0
    approved = cli(
        "record", "approve", record_id, "--as", "laoshan", "--date", "2022-01-05", "--json"
    )
    assert approved.exit_code == 0, approved.output
    payload = json.loads(approved.stdout)
    # Review passed on Wednesday 5 January 2022: seven working days of notice, to the 13th.
    assert (payload["status"], payload["approved_on"], payload["notice_end_on"]) == (
        "notice",
        "2022-01-05",
        "2022-01-13",
    )
    early = cli("record", "publish", record_id, "--as", "laoshan", "--date", "2022-01-13")
    assert early.exit_code == 1
    assert "公示期为 2022-01-05 至 2022-01-13" in early.output
    published = cli("record", "publish", record_id, "--as", "laoshan", "--date", "2022-01-14")
    assert published.exit_code == 0, published.output
    assert "[已公布]" in published.stdout and "公布 2022-01-14" in published.stdout
    revoked = cli(
        "record",
        "revoke",
        record_id,
        "--as",
        "laoshan",
        "--reason",
        "证书撤销",
        "--date",
        "2023-01-01",
        "--lang",
        "en",
    )
    assert revoked.exit_code == 0, revoked.output
    assert "[Revoked]" in revoked.stdout and "Two star" in revoked.stdout

    shown = cli("building", "show", building["id"])
    assert "崂山科创中心" in shown.stdout and "QD-CLI-1" in shown.stdout
    stored = record_service.get_record(session=app_session, record_id=record_id)
    assert (stored.status, stored.revoke_reason, stored.counted_area_m2) == (
        "revoked",
        "证书撤销",
        12000.0,
    )


def test_reject_needs_a_reason(cli, people):
    building = cli(
        "building",
        "add",
        "--as",
        "laoshan",
        "--name",
        "崂山小学",
        "--district",
        "370212",
        "--type",
        "school",
        "--area",
        "6000",
    )
    record_id = cli(
        "record",
        "add",
        building.stdout.strip(),
        "--as",
        "laoshan",
        "--kind",
        "energy",
        "--level",
        "ultra_low",
        "--label",
        "E-CLI",
        "--issued",
        "2022-03-03",
    ).stdout.strip()
    cli("record", "submit", record_id, "--as", "laoshan")
    blank = cli("record", "reject", record_id, "--as", "laoshan")
    assert blank.exit_code == 1
    assert f"  --reason：{render('record.reason_required', {}, 'zh')}" in blank.stderr
    rejected = cli("record", "reject", record_id, "--as", "laoshan", "--reason", "资料不全")
    assert rejected.exit_code == 0 and "[已驳回]" in rejected.stdout


def test_errors_are_messages_in_the_chosen_language_with_nonzero_exit(cli, people):
    invalid = cli(
        "building",
        "add",
        "--name",
        "x",
        "--district",
        "北京",
        "--type",
        "castle",
        "--area",
        "5万",
        "--lang",
        "en",
    )
    assert invalid.exit_code == 1
    assert invalid.stdout == ""
    assert render("validation.failed", {}, "en") in invalid.stderr
    assert render("district.unknown", {"value": "北京"}, "en") in invalid.stderr
    assert render("area.not_a_number", {"value": "5万"}, "en") in invalid.stderr
    # Each refused field is named by the option that set it, never by its key.
    lines = invalid.stderr.splitlines()
    assert "  --district: " + render("district.unknown", {"value": "北京"}, "en") in lines
    assert "  --area: " + render("area.not_a_number", {"value": "5万"}, "en") in lines
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", invalid.stderr), invalid.stderr
    chinese = cli(
        "building", "add", "--name", "x", "--district", "市南区", "--type", "castle", "--area", "9"
    )
    assert chinese.exit_code == 1 and "  --type：" in chinese.stderr, chinese.stderr

    missing = cli("record", "approve", "4242", "--as", "laoshan")
    assert missing.exit_code == 1
    assert render("record.not_found", {"id": 4242}, "zh") in missing.stderr

    as_json = cli("building", "show", "4242", "--json", "--lang", "en")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["error"]["code"] == "building.not_found"

    building = cli(
        "building",
        "add",
        "--as",
        "drafter",
        "--name",
        "设计院自建楼",
        "--district",
        "370212",
        "--type",
        "hotel",
        "--area",
        "3000",
    ).stdout.strip()
    record_id = cli(
        "record",
        "add",
        building,
        "--as",
        "drafter",
        "--kind",
        "energy",
        "--level",
        "zero",
        "--label",
        "Z-CLI",
        "--issued",
        "2022-01-01",
    ).stdout.strip()
    cli("record", "submit", record_id, "--as", "drafter")
    designer = cli("record", "approve", record_id, "--as", "drafter", "--lang", "en")
    assert designer.exit_code == 1
    assert render("permission.designer_cannot_review", {}, "en") in designer.stderr
    bad_date = cli("record", "approve", record_id, "--as", "laoshan", "--date", "2022-02-30")
    assert bad_date.exit_code == 1
    assert render("field.not_a_date", {"value": "2022-02-30"}, "zh") in bad_date.stderr

    taken = cli(
        "record",
        "add",
        building,
        "--as",
        "drafter",
        "--kind",
        "energy",
        "--level",
        "zero",
        "--label",
        "Z-CLI",
        "--issued",
        "2022-01-01",
    )
    assert taken.exit_code == 1
    assert "Z-CLI" in taken.stderr and "已被记录" in taken.stderr

    nobody = cli("building", "list", "--district", "火星")
    assert nobody.exit_code == 1
    assert render("district.unknown", {"value": "火星"}, "zh") in nobody.stderr


def test_the_officer_who_submitted_cannot_approve(cli, people):
    building = cli(
        "building",
        "add",
        "--name",
        "自审大厦",
        "--district",
        "370212",
        "--type",
        "school",
        "--area",
        "8000",
        "--as",
        "laoshan",
        "--json",
    )
    building_id = json.loads(building.stdout)["id"]
    record = cli(
        "record",
        "add",
        building_id,
        "--as",
        "laoshan",
        "--kind",
        "retrofit",
        "--level",
        "old_community",
        "--started",
        "2021-04-01",
    )
    record_id = int(record.stdout)
    cli("record", "submit", record_id, "--as", "laoshan")
    refused = cli("record", "approve", record_id, "--as", "laoshan", "--lang", "en")
    assert refused.exit_code == 1
    assert "You submitted this record, so you cannot approve it" in refused.output
    zh = cli("record", "approve", record_id, "--as", "laoshan")
    assert "不能由您本人批准" in zh.output
    assert cli("record", "approve", record_id, "--as", "boss").exit_code == 0


def test_an_approval_at_07_30_beijing_on_new_years_day_is_dated_1_january(cli, people):
    building = cli(
        "building",
        "add",
        "--name",
        "跨年大厦",
        "--district",
        "370212",
        "--type",
        "school",
        "--area",
        "8000",
        "--as",
        "drafter",
        "--json",
    )
    building_id = json.loads(building.stdout)["id"]
    record = cli(
        "record",
        "add",
        building_id,
        "--as",
        "drafter",
        "--kind",
        "retrofit",
        "--level",
        "old_community",
        "--started",
        "2021-04-01",
    )
    record_id = int(record.stdout)
    cli("record", "submit", record_id, "--as", "drafter")
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=True):
        approved = cli("record", "approve", record_id, "--as", "laoshan")
    assert approved.exit_code == 0, approved.output
    assert "批准 2027-01-01" in approved.stdout
