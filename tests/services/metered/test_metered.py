"""Measured years stored as versions, a messy platform export imported with per-row reasons,
and the city's quota list — on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from registry.errors import PermissionDenied, RegistryError, ValidationFailed
from registry.models import AuditEvent, MeteredYear
from registry.services.metered import import_commit, imports, quota_list, verdicts, years
from registry.services.quotas import seed as quota_seed


@pytest.fixture
def office(session, make_user, make_building):
    quota_seed.seed(session)
    officer = make_user(session)
    district = make_building(
        session,
        officer,
        name="市府大楼",
        heating_type="district",
        heated_area_m2="9000",
        floor_area_m2="10000",
    )
    gas = make_building(
        session,
        officer,
        name="区政府楼",
        sub_type="below_city",
        heating_type="gas_oil",
        floor_area_m2="5000",
    )
    return officer, district, gas


def _csv(text: str) -> bytes:
    return text.encode("utf-8-sig")


def test_correction_is_a_new_audited_version(session, office):
    officer, building, _gas = office
    first = years.enter_year(
        session=session,
        actor=officer,
        building_id=building.id,
        year=2022,
        values={"electricity_kwh": "400000", "district_heat_gj": "2500"},
    )
    second = years.enter_year(
        session=session,
        actor=officer,
        building_id=building.id,
        year="2022",
        values={"electricity_kwh": "380000", "district_heat_gj": "2500"},
        change_reason="meter misread",
    )
    rows = session.exec(select(MeteredYear).order_by(MeteredYear.version)).all()
    assert [(r.version, r.superseded_by_id) for r in rows] == [(1, second.id), (2, None)]
    assert rows[0].electricity_kwh == 400_000  # the first version is kept as it was
    events = session.exec(select(AuditEvent).where(AuditEvent.entity == "metered_year")).all()
    assert [e.action for e in events] == ["create", "correct"]
    assert events[1].reason == "meter misread" and first.id != second.id
    [entry] = verdicts.building_years(session=session, building_id=building.id, locale="en")
    assert entry["version"] == 2 and len(entry["versions"]) == 2
    non = next(i for i in entry["indicators"] if i["basis"] == "non_heating")
    assert non["value"] == pytest.approx(380_000 * 0.31 / 10_000)


def test_designer_may_not_enter_energy(session, office, make_user):
    _officer, building, _gas = office
    designer = make_user(session, role="designer")
    with pytest.raises(PermissionDenied):
        years.enter_year(
            session=session,
            actor=designer,
            building_id=building.id,
            year=2022,
            values={"electricity_kwh": "1"},
        )


def test_messy_import_reports_each_row_and_stores_the_rest(session, office):
    officer, district, gas = office
    gas.platform_code = "QD-GAS-01"
    session.add(gas)
    session.commit()
    months = {
        5: 1000,
        6: 1000,
        7: 1000,
        8: 1000,
        9: 1000,
        10: 1000,
        11: 5000,
        12: 9000,
        1: 10000,
        2: 8000,
        3: 5000,
        4: 2000,
    }
    lines = [
        "2022年公共建筑能耗监测平台导出,,,,,,",
        "平台编码,登记编号,年份,月份,用电量（kWh）,天然气(m³),集中供热(GJ)",
        f',{district.id},2022年,,"400,000",,2500',
    ]
    lines += [f"QD-GAS-01,,2022,{m}月,20000,{g}," for m, g in months.items()]
    lines += [
        ",99999,2022,,100,,",  # no such building
        f",{district.id},二〇二二,,100,,",  # unreadable year
        f",{district.id},2023,13,100,,",  # month out of range
        f",{district.id},2023,,-5,,",  # negative
        f",{district.id},2023,,—,,",  # no energy at all
        "QD-GAS-01,,2022,3,1,,",  # month 3 again
        f",{district.id},2021,1,100,,",  # one month only: stored, incomplete
    ]
    data = _csv("\n".join(lines))
    dry = imports.preview_meter_import(
        session=session, actor=officer, data=data, filename="平台导出.csv", locale="en"
    )
    reasons = {r["row"]: r["problems"][0]["code"] for r in dry.rejected}
    assert reasons == {
        16: "metered.import.no_building",
        17: "metered.import.year_invalid",
        18: "metered.import.month_invalid",
        19: "metered.import.negative",
        20: "metered.import.no_energy",
        21: "metered.import.month_repeated",
    }
    assert all(r["problems"][0]["message"] for r in dry.rejected)
    assert session.exec(select(MeteredYear)).all() == []  # a dry run writes nothing

    report, batch_id = import_commit.commit_meter_import(
        session=session, actor=officer, data=data, filename="平台导出.csv"
    )
    assert batch_id and report.as_dict()["counts"]["years"] == 3
    stored = {(r.building_id, r.year): r for r in session.exec(select(MeteredYear))}
    assert stored[(gas.id, 2022)].natural_gas_m3 == 45_000 and stored[(gas.id, 2022)].complete
    assert stored[(district.id, 2022)].electricity_kwh == 400_000
    assert not stored[(district.id, 2021)].complete

    listed = quota_list.quota_list(session=session, year=2022, locale="en")
    by_id = {e["building_id"]: e for e in listed["entries"]}
    gas_heat = next(i for i in by_id[gas.id]["indicators"] if i["basis"] == "heating")
    assert gas_heat["value"] == pytest.approx(32_000 * 1.2143 / 5_000)
    non = next(i for i in by_id[gas.id]["indicators"] if i["basis"] == "non_heating")
    assert non["band"] == "le_constraint"
    # the gas-heated office is nearer its constraint value, so it comes first
    assert [e["building_id"] for e in listed["entries"]] == [gas.id, district.id]
    assert listed["summary"]["bands"]["le_constraint"]["area_m2"] == 5_000
    incomplete = quota_list.quota_list(session=session, year=2021, locale="en")["entries"]
    assert incomplete[0]["judged"] is False and incomplete[0]["band"] is None
    assert incomplete[0]["reason_code"] == "metered.incomplete"

    # the same file again (the claim rule of the building import): answered with the first
    # batch, nothing stored a second time
    again, again_batch = import_commit.commit_meter_import(
        session=session, actor=officer, data=data, filename="again.csv"
    )
    assert again.repeated and again_batch == batch_id
    versions = session.exec(select(MeteredYear.version).where(MeteredYear.year == 2022)).all()
    assert sorted(versions) == [1, 1]
    # changed content is a new file: every year it names gets a second version
    changed = data.replace(b"\n", b"\r\n")
    import_commit.commit_meter_import(
        session=session, actor=officer, data=changed, filename="b.csv"
    )
    versions = session.exec(select(MeteredYear.version).where(MeteredYear.year == 2022)).all()
    assert sorted(versions) == [1, 1, 2, 2]


def test_unreadable_file_is_a_message(session, office):
    officer, *_ = office
    with pytest.raises(RegistryError) as caught:
        imports.preview_meter_import(
            session=session, actor=officer, data=b"a,b\n1,2\n", filename="x.csv"
        )
    assert caught.value.code == "metered.import.no_columns"


def test_quota_list_filters_and_orders_over_constraint_first(session, office):
    officer, district, gas = office
    years.enter_year(
        session=session,
        actor=officer,
        building_id=district.id,
        year=2022,
        values={"electricity_kwh": "900000", "district_heat_gj": "2500"},  # 27.9 > 21.9
    )
    years.enter_year(
        session=session,
        actor=officer,
        building_id=gas.id,
        year=2022,
        values={"electricity_kwh": "100000", "natural_gas_m3": "45000"},  # annual only
    )
    listed = quota_list.quota_list(session=session, year=2022, locale="zh_Hans_CN")
    first = listed["entries"][0]
    assert first["building_id"] == district.id and first["over_constraint"]
    assert first["band"] == "gt_constraint" and first["margin_pct"] < 0
    assert first["action"]
    assert {f["key"] for f in listed["factors"]} >= {"electricity", "natural_gas", "heat"}
    assert listed["notes"] and all(listed["notes"])
    over = quota_list.quota_list(session=session, year=2022, band="gt_constraint")
    assert [e["building_id"] for e in over["entries"]] == [district.id]
    assert quota_list.quota_list(session=session, year=2022, district="370203")["count"] == 0
    assert quota_list.quota_list(session=session, year=2022, district="市南区")["count"] == 2
    with pytest.raises(ValidationFailed) as bad:
        quota_list.quota_list(session=session, year=2022, district="火星区", band="purple")
    assert set(bad.value.field_errors) == {"district", "band"}
    assert first["trend"] == [
        {"year": 2022, "kgce_per_m2": pytest.approx((900_000 * 0.31 + 2500 * 34.12) / 10_000)}
    ]
    gas_entry = listed["entries"][1]
    assert gas_entry["band_basis"] == "conventional_electricity"


def test_upgrade_savings_normalised_and_requirement_unverified(
    session, office, make_record, make_user
):
    from datetime import date

    from registry.services.metered.savings import upgrade_savings

    officer, building, _gas = office
    record = make_record(
        session,
        officer,
        building,
        kind="retrofit",
        level="public_efficiency",
        stage=None,
        label_number=None,
        issued_on=None,
        started_on=date(2022, 3, 1),
        completed_on=date(2022, 9, 1),
        counted_area_m2="10000",
    )
    gj = 100_000 / (1000 * 0.03412)
    for year, share in ((2021, 1.0), (2023, 0.8)):
        years.enter_year(
            session=session,
            actor=officer,
            building_id=building.id,
            year=year,
            values={
                "electricity_kwh": str((200_000 if year == 2021 else 180_000) / 0.31),
                "district_heat_gj": str(gj * share),
            },
        )
    result = upgrade_savings(
        session=session,
        record_id=record.id,
        degree_days={2021: (2_000, None), 2023: (2_200, None)},
        locale="en",
    )
    assert result["saving_rate_pct"] == pytest.approx(
        (1 - (80_000 / 1.1 + 180_000) / 300_000) * 100
    )
    assert result["required_pct"] == 15 and result["meets_requirement"] is True
    assert result["required_confirmed"] is False
    assert any("not yet confirmed" in n for n in result["notes"])

    from registry.services.metered.savings import building_savings, set_degree_days

    [waiting] = building_savings(session=session, building_id=building.id, locale="en")
    assert waiting["saving_rate_pct"] is None and "2021, 2023" in waiting["reason"]
    with pytest.raises(PermissionDenied):
        set_degree_days(session=session, actor=officer, year=2021, hdd=2_000)
    admin = make_user(session, role="admin")
    set_degree_days(session=session, actor=admin, year=2021, hdd=2_000, source="test")
    set_degree_days(session=session, actor=admin, year=2023, hdd=2_200, source="test")
    [shown] = building_savings(session=session, building_id=building.id, locale="en")
    assert shown["saving_rate_pct"] == pytest.approx(result["saving_rate_pct"])

    from registry.services.metered.savings import verified_upgrade_area
    from tests.conftest import take_to

    assert verified_upgrade_area(session=session)["records"] == 0  # a draft is not counted
    take_to(session, record, "approved", actor=officer)
    area = verified_upgrade_area(session=session)
    assert area["counted_area_m2"] == area["verified_area_m2"] == 10_000
    assert area["meeting_requirement_area_m2"] == 10_000


def test_a_row_with_id_and_platform_code_links_them(session, office):
    officer, district, gas = office
    first = _csv(
        f"登记编号,平台编码,年份,用电量(kWh)\n{district.id},QD-1,2022,1000\n"
        f"{gas.id},QD-1,2022,1000\n"
    )
    report, _batch = import_commit.commit_meter_import(
        session=session, actor=officer, data=first, filename="a.csv", locale="en"
    )
    assert report.as_dict()["counts"]["platform_codes_learnt"] == 1
    assert [r["problems"][0]["code"] for r in report.rejected] == [
        "metered.import.platform_code_differs"
    ]
    session.expire_all()
    assert session.get(type(district), district.id).platform_code == "QD-1"
    second = _csv("Platform code,Year,Electricity (kWh)\nQD-1,2023,2000\n")
    report, _batch = import_commit.commit_meter_import(
        session=session, actor=officer, data=second, filename="b.csv"
    )
    assert report.years[0]["building_id"] == district.id


def test_xlsx_export_with_title_rows_and_numbers_as_cells(session, office):
    from openpyxl import Workbook

    officer, district, _gas = office
    book = Workbook()
    sheet = book.active
    sheet.append(["青岛市公共建筑能耗监测平台"])
    sheet.append([])
    sheet.append(["登记编号", "年份", "月份", "用电量(kWh)", "集中供热(kWh)", "数据来源"])
    for month in range(1, 13):
        sheet.append(
            [district.id, 2024, f"{month}月", 30000.0, 100_000 if month < 4 else None, "账单"]
        )
    out = io.BytesIO()
    book.save(out)
    report, batch = import_commit.commit_meter_import(
        session=session, actor=officer, data=out.getvalue(), filename="平台.xlsx"
    )
    assert batch and report.rejected == []
    [row] = session.exec(select(MeteredYear).where(MeteredYear.year == 2024)).all()
    assert row.complete and row.source == "bill"
    assert row.district_heat_gj == pytest.approx(300_000 * 0.0036)  # kWh of heat -> GJ
    assert row.electricity_kwh == 360_000


def test_the_meter_import_sentence_counts_with_thousands_separators_too():
    from registry.services.metered.import_commit import stored_message

    text = stored_message({"years": 4167, "rejected": 1200}, 7, False, "en")
    assert text == "Stored 4,167 building-years; 1,200 rows rejected."
