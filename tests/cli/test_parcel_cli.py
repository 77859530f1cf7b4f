"""`registry parcel ...`: the issue's contract (flags, JSON `status` values), through click."""

from __future__ import annotations

import json

from registry.i18n import render


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_link_list_show(cli):
    assert (
        cli(
            "create-user", "--username", "boss", "--password", "long-enough-pw", "--role", "admin"
        ).exit_code
        == 0
    )
    building = _json(
        cli(
            "building", "add", "--name", "一号楼", "--district", "370212", "--type",
            "residential", "--area", "9000", "--json",
        )
    )  # fmt: skip
    added = _json(
        cli(
            "parcel", "add", "--number", "ls-2021-03", "--district", "崂山区", "--min-star", "2",
            "--min-ultra-low-m2", "10000", "--min-prefab-pct", "30", "--json",
        )
    )  # fmt: skip
    assert added["number"] == "LS-2021-03"
    assert added["status"] == "pending"
    assert {c["kind"] for c in added["conditions"]} == {
        "min_star",
        "min_ultra_low_m2",
        "min_prefab_pct",
    }
    linked = _json(cli("parcel", "link", "LS-2021-03", building["id"], "--json"))
    (member,) = linked["buildings"]
    assert (member["id"], member["status"], member["required_stars"]) == (
        building["id"],
        "pending",
        2,
    )
    shown = _json(cli("parcel", "show", "ls－2021－03", "--json"))
    assert shown["buildings"][0]["status"] in {"met", "pending", "short", "overdue", "revoked"}
    assert shown["status"] in {"met", "pending", "breached"}
    listed = _json(cli("parcel", "list", "--json"))
    assert [p["number"] for p in listed] == ["LS-2021-03"]


def test_bad_input_names_each_field_in_the_users_language(cli):
    assert (
        cli(
            "create-user", "--username", "boss", "--password", "long-enough-pw", "--role", "admin"
        ).exit_code
        == 0
    )
    result = cli(
        "parcel", "add", "--number", "A;B", "--district", "370212", "--min-star", "4",
        "--min-prefab-pct", "abc", "--json", "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["error"]["errors"]
    assert set(errors) == {"number", "min_star", "min_prefab_pct"}
    assert errors["min_star"] == render("parcel.star_unknown", {"value": "4"}, "en")
    missing = cli("parcel", "show", "NOPE-1", "--lang", "zh")
    assert missing.exit_code == 1 and "NOPE-1" in missing.output


def test_floors_and_verification_from_the_command_line(cli):
    assert (
        cli(
            "create-user", "--username", "boss", "--password", "long-enough-pw", "--role", "admin"
        ).exit_code
        == 0
    )
    added = _json(
        cli("parcel", "add", "--number", "P-1", "--district", "370212", "--min-star", "2",
            "--unverified", "--clause", "二星级（待核实）", "--json")
    )  # fmt: skip
    (condition,) = added["conditions"]
    assert condition["status"] == "unverified"
    verified = _json(cli("parcel", "verify", condition["id"], "--json"))
    assert verified["status"] == "verified"
    floor = _json(
        cli("parcel", "floor", "add", "--name", "超高层", "--min-star", "3", "--min-storeys",
            "34", "--json")
    )  # fmt: skip
    assert (floor["source_status"], floor["active"]) == ("unverified", True)
    assert cli("parcel", "floor", "retire", floor["id"]).exit_code == 0
    assert _json(cli("parcel", "floor", "list", "--json"))[0]["active"] is False
    listed = cli("parcel", "floor", "list").stdout
    assert listed.split() == ["1", "★★★", "未核实", "已停用", "超高层"], listed


def test_import_dry_run_then_commit(cli, tmp_path):
    assert (
        cli(
            "create-user", "--username", "boss", "--password", "long-enough-pw", "--role", "admin"
        ).exit_code
        == 0
    )
    sheet = tmp_path / "parcels.csv"
    sheet.write_text(
        "宗地编号,区（市）,绿色建筑星级\nLS-9,崂山区,二星级\nLS-10,火星区,4\n", "utf-8"
    )
    dry = cli("parcel", "import", sheet, "--json", "--lang", "en")
    assert dry.exit_code == 1
    report = json.loads(dry.stdout)
    assert (report["rows"], report["committed"]) == (2, False)
    (problem,) = report["problems"]
    assert problem["row"] == 3 and set(problem["errors"]) == {"district_code", "min_star"}
    lines = cli("parcel", "import", sheet).stdout.splitlines()
    assert lines[0] == "共读取 2 行，其中 1 行有问题。", lines
    assert any(line.startswith("  第 3 行 LS-10 所在区（市）：") for line in lines), lines
    assert any(line.startswith("  第 3 行 LS-10 全部建筑的最低星级：") for line in lines), lines
    sheet.write_text("宗地编号,区（市）,绿色建筑星级\nLS-9,崂山区,二星级\n", "utf-8")
    done = _json(cli("parcel", "import", sheet, "--commit", "--json"))
    assert done["committed"] is True
    assert _json(cli("parcel", "show", "LS-9", "--json"))["conditions"][0]["value"] == 2
