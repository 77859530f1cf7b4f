"""Quota rows in the database, versioned edits, and verdicts of stored check results."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from flask import render_template
from sqlmodel import select

from registry.domain.checks.intensity import area_mismatch_pct, eui_kwh_per_m2
from registry.errors import Conflict, PermissionDenied, RegistryError, ValidationFailed
from registry.models import AuditEvent, Check, CheckEndUse, CheckResult, CheckVerdict, QuotaRow
from registry.services.quotas import rows as quota_rows
from registry.services.quotas import seed as quota_seed
from registry.services.quotas import verdicts as quota_service
from tests.services.checks.official import CLEAN_RUN, FULL_YEAR, official_weather

GOVERNMENT_END_USES = [
    ("Heating", "District Heating Water", 300_000.0),
    ("Interior Lighting", "Electricity", 150_000.0),
    ("Interior Equipment", "Electricity", 150_000.0),
    ("Cooling", "Electricity", 60_000.0),
    ("Fans", "Electricity", 30_000.0),
    ("Pumps", "Electricity", 10_000.0),
]


@pytest.fixture
def seeded(session):
    quota_seed.seed(session)
    return session


@pytest.fixture
def admin(seeded, make_user):
    return make_user(seeded, role="admin")


def add_check(
    session, building, end_uses, *, model_area_m2=None, status="done", unmet=(0.0, 0.0), **fields
):
    """A finished check with its result and end uses, written straight to the tables: a clean
    annual run on the official weather, of a model the registered area (unless told)."""
    weather = official_weather(session)
    check = Check(
        building_id=building.id,
        status=status,
        idf_path=f"{uuid.uuid4().hex}.idf",
        idf_sha256="0" * 64,
        weather_id=weather.id,
        epw_sha256=weather.sha256,
        err_summary=CLEAN_RUN,
        model_facts={"run_period": FULL_YEAR},
        **fields,
    )
    session.add(check)
    session.flush()
    total = sum(kwh for _use, _fuel, kwh in end_uses)
    area = building.floor_area_m2
    model_area = model_area_m2 or area
    session.add(
        CheckResult(
            check_id=check.id,
            engine_version="25.2.0",
            idf_sha256="0" * 64,
            epw_sha256=weather.sha256,
            total_site_kwh=total,
            registered_area_m2=area,
            eui_kwh_per_m2=eui_kwh_per_m2(total, area),
            model_total_area_m2=model_area,
            model_conditioned_area_m2=model_area,
            area_mismatch_pct=area_mismatch_pct(model_area, area),
            unmet_heating_hours=unmet[0],
            unmet_cooling_hours=unmet[1],
            by_fuel_kwh={},
        )
    )
    for end_use, fuel, kwh in end_uses:
        session.add(CheckEndUse(check_id=check.id, end_use=end_use, fuel=fuel, energy_kwh=kwh))
    session.commit()
    return check


def government_building(session, actor, make_building, **overrides):
    data = {
        "building_type": "office_government",
        "sub_type": "city",
        "hvac_class": "A",
        "heating_type": "district",
        "floor_area_m2": "10000",
    }
    return make_building(session, actor, **(data | overrides))


def test_seed_is_idempotent_and_counts_by_status(session):
    assert quota_seed.seed(session) == (
        "quotas: 101 added (derived 1, unverified 18, verified-primary 31, verified-secondary 51)"
    )
    assert quota_seed.seed(session) == "quotas: 0 added"
    rows = quota_rows.list_rows(session=session)
    assert len(rows) == 101
    assert {r.version for r in rows} == {1}
    assert len(quota_rows.list_rows(session=session, building_type="hotel")) == 6


def test_verdict_of_a_city_government_office(seeded, admin, make_building):
    building = government_building(seeded, admin, make_building)
    check = add_check(seeded, building, GOVERNMENT_END_USES)

    verdict = quota_service.verdict_for_check(session=seeded, check_id=check.id, locale="en")

    assert verdict["eui_kwh_per_m2"] == pytest.approx(70.0)
    assert verdict["indicator_value"] == pytest.approx(400_000 * 0.31 / 10_000)
    assert verdict["unit"] == "kgce/(m2·a)"
    assert verdict["band"] == "le_baseline"
    assert "encouraged to reach the guide value" in verdict["action"]
    row = verdict["row"]
    assert (row["standard"], row["table"], row["version"]) == ("DB37/T 2672-2019", "表1", 1)
    assert row["sub_types"] == ["city"] and row["source_status"] == "verified-secondary"
    assert row["levels"] == {"guide": 7.2, "baseline": 14.9, "constraint": 21.9}
    assert verdict["margins"]["baseline"]["margin"] == pytest.approx(14.9 - 12.4)
    assert not any("not been checked" in w for w in verdict["warnings"])
    assert any("design-stage EnergyPlus" in n for n in verdict["notes"])
    assert any("0.31 kgce/kWh" in n for n in verdict["notes"])
    assert any(
        re.fullmatch(
            r"GB/T 51161-2016 Chapter 5\S* .*\(\S.*\) also applies"
            r" \(Source status: UNVERIFIED\) and was not used\.",
            n,
        )
        for n in verdict["notes"]
    ), verdict["notes"]
    # The other row is cited by its standard, table and row, never by its key.
    assert not any("gbt51161." in n for n in verdict["notes"])

    by_basis = {i["basis"]: i for i in verdict["indicators"]}
    heating = by_basis["heating"]
    assert heating["value"] == pytest.approx(300_000 * 3.6 * 0.03412 / 10_000)
    assert heating["band"] == "le_guide"
    assert heating["row"]["heating_type"] == "district"
    assert any("heated area" in w for w in heating["warnings"])
    electricity = by_basis["conventional_electricity"]
    assert electricity["value"] == pytest.approx(40.0)
    assert electricity["band"] == "le_baseline"
    assert "defines no use-time or density correction" in verdict["correction"]

    accounting = verdict["accounting"]
    assert accounting["heating_kwh_by_fuel"] == {"District Heating Water": 300_000.0}
    assert [f["key"] for f in accounting["factors"]][0] == "electricity"
    assert accounting["factors"][0]["value"] == 0.31

    assert json.loads(json.dumps(verdict, ensure_ascii=False)) == verdict  # plain data for the API
    pins = seeded.exec(select(CheckVerdict).where(CheckVerdict.check_id == check.id)).all()
    assert {p.basis: p.quota_key for p in pins} == {
        "non_heating": "db37t2672.t1.city.A",
        "heating": "db37t2672.t2.district",
        "conventional_electricity": "db37t2672.t4.city.A",
    }
    assert {p.band for p in pins} == {"le_baseline", "le_guide"}


def test_verdict_is_in_chinese_by_default(seeded, admin, make_building):
    building = government_building(seeded, admin, make_building)
    check = add_check(seeded, building, GOVERNMENT_END_USES)
    verdict = quota_service.verdict_for_check(session=seeded, check_id=check.id)
    assert verdict["band_label"] == "≤ 基准值"
    assert "设计阶段" in verdict["notes"][0]
    assert any(
        n.startswith("GB/T 51161-2016 第5章") and "也适用（来源状态：未核实）" in n
        for n in verdict["notes"]
    ), verdict["notes"]


def test_no_quota_defined_says_why_and_never_guesses(seeded, admin, make_building):
    building = make_building(
        seeded, admin, building_type="residential", sub_type="", floor_area_m2="10000"
    )
    check = add_check(seeded, building, GOVERNMENT_END_USES)
    verdict = quota_service.verdict_for_check(session=seeded, check_id=check.id, locale="en")
    assert verdict["has_quota"] is False
    assert verdict["band"] is None and verdict["row"] is None
    assert verdict["no_quota_reason"].startswith("No quota defined")
    assert verdict["eui_kwh_per_m2"] == pytest.approx(70.0)


def test_unverified_row_warns_and_office_correction_is_applied(seeded, admin, make_building):
    building = make_building(
        seeded,
        admin,
        building_type="office_commercial",
        sub_type="",
        hvac_class="B",
        floor_area_m2="10000",
        annual_use_hours="3000",
        area_per_person_m2="12",
    )
    check = add_check(
        seeded, building, [("Interior Equipment", "Electricity", 700_000.0)], model_area_m2=11_200.0
    )
    verdict = quota_service.verdict_for_check(session=seeded, check_id=check.id, locale="en")
    factor = (0.3 + 0.7 * 2500 / 3000) * (0.7 + 0.3 * 12 / 10)
    assert verdict["row"]["standard"] == "GB/T 51161-2016"
    assert verdict["row"]["source_status"] == "unverified"
    assert verdict["indicator_value"] == pytest.approx(70.0 * factor)
    assert verdict["indicators"][0]["value_uncorrected"] == pytest.approx(70.0)
    # A model 12 % larger than the building, and no heating type registered: figures, no band.
    assert verdict["official"] is False and verdict["band"] is None
    assert [w["rule"] for w in verdict["withheld"]] == ["floor_area", "heating_source"]
    assert verdict["withheld"][0]["message"] == (
        "The model's floor area, 11,200 m², differs from the registered 10,000 m² by 12 %, "
        "more than ±5 %."
    )
    assert (verdict["withheld"][0]["value"], verdict["withheld"][0]["limit"]) == (12.0, 5.0)
    assert set(verdict["margins"]) == {"guide", "constraint"}
    assert "correction applied" in verdict["correction"]
    assert any("not been checked against the printed standard" in w for w in verdict["warnings"])


def test_office_correction_not_applied_without_inputs(seeded, admin, make_building):
    building = make_building(
        seeded,
        admin,
        building_type="office_commercial",
        sub_type="",
        hvac_class="A",
        floor_area_m2="10000",
    )
    check = add_check(seeded, building, [("Interior Lighting", "Electricity", 500_000.0)])
    verdict = quota_service.verdict_for_check(session=seeded, check_id=check.id, locale="en")
    assert verdict["indicator_value"] == pytest.approx(50.0)
    assert "needs both annual use hours" in verdict["correction"]


def test_edit_creates_a_version_and_pinned_verdicts_keep_theirs(seeded, admin, make_building):
    building = government_building(seeded, admin, make_building)
    check = add_check(seeded, building, GOVERNMENT_END_USES)
    quota_service.verdict_for_check(session=seeded, check_id=check.id, locale="en")
    old = seeded.exec(select(QuotaRow).where(QuotaRow.key == "db37t2672.t1.city.A")).one()

    new = quota_rows.edit_row(
        session=seeded,
        actor=admin,
        row_id=old.id,
        data={"baseline_value": 12.0, "source_status": "verified-primary"},
        reason="Checked against the printed standard",
    )

    seeded.refresh(old)
    assert (new.version, new.baseline_value, new.constraint_value) == (2, 12.0, 21.9)
    assert old.superseded_by_id == new.id and old.superseded_at is not None
    history = quota_rows.row_history(session=seeded, key=old.key)
    assert [r.version for r in history] == [1, 2]
    event = seeded.exec(select(AuditEvent).where(AuditEvent.entity == "quota_row")).one()
    assert (event.entity_id, event.action) == (new.id, "new_version")
    assert event.before == {
        "version": 1,
        "baseline_value": 14.9,
        "source_status": "verified-secondary",
    }
    assert event.after == {
        "version": 2,
        "baseline_value": 12.0,
        "source_status": "verified-primary",
    }
    assert event.reason == "Checked against the printed standard"

    pinned = quota_service.verdict_for_check(session=seeded, check_id=check.id, locale="en")
    assert pinned["row"]["version"] == 1 and pinned["band"] == "le_baseline"
    assert any("version 2 is now current" in w for w in pinned["warnings"])

    fresh = quota_service.verdict_for_check(
        session=seeded, check_id=check.id, locale="en", refresh=True
    )
    assert fresh["row"]["version"] == 2 and fresh["band"] == "le_constraint"
    assert fresh["row"]["source_status"] == "verified-primary"


def test_edit_is_checked(seeded, admin, make_user):
    row = seeded.exec(select(QuotaRow).where(QuotaRow.key == "db37t2673.t1.grade_2.A")).one()
    officer = make_user(seeded, role="officer")
    with pytest.raises(PermissionDenied):
        quota_rows.edit_row(
            session=seeded, actor=officer, row_id=row.id, data={"guide_value": 9.0}, reason="x"
        )
    with pytest.raises(ValidationFailed) as info:
        quota_rows.edit_row(
            session=seeded,
            actor=admin,
            row_id=row.id,
            data={"guide_value": 30.0, "source_status": "guessed"},
            reason="",
        )
    assert set(info.value.field_errors) == {"reason", "source_status", "baseline_value"}
    with pytest.raises(RegistryError):
        quota_rows.edit_row(
            session=seeded,
            actor=admin,
            row_id=row.id,
            data={"guide_value": 9.4},
            reason="same value",
        )
    quota_rows.edit_row(
        session=seeded, actor=admin, row_id=row.id, data={"guide_value": 9.0}, reason="typo"
    )
    with pytest.raises(Conflict):
        quota_rows.edit_row(
            session=seeded,
            actor=admin,
            row_id=row.id,
            data={"guide_value": 8.0},
            reason="edit an old version",
        )


def test_changed_registration_is_flagged_on_a_pinned_verdict(seeded, admin, make_building):
    building = government_building(seeded, admin, make_building)
    check = add_check(seeded, building, GOVERNMENT_END_USES)
    quota_service.verdict_for_check(session=seeded, check_id=check.id)
    building.sub_type = "below_city"
    seeded.add(building)
    seeded.commit()
    verdict = quota_service.verdict_for_check(session=seeded, check_id=check.id, locale="en")
    assert verdict["row"]["key"] == "db37t2672.t1.city.A"
    # The row that now applies, cited by standard, table and row (never its key).
    changed = [w for w in verdict["warnings"] if "(DB37/T 2672-2019 Table 1 (District-level" in w]
    assert changed and not any("db37t2672." in w for w in verdict["warnings"]), verdict["warnings"]


def test_no_result_no_verdict_and_latest_for_building(seeded, admin, make_building):
    building = government_building(seeded, admin, make_building)
    assert (
        quota_service.latest_verdict_for_building(session=seeded, building_id=building.id) is None
    )
    queued = Check(building_id=building.id, idf_path="a.idf", idf_sha256="0" * 64)
    seeded.add(queued)
    seeded.commit()
    assert quota_service.verdict_for_check(session=seeded, check_id=queued.id) is None
    assert quota_service.verdict_for_check(session=seeded, check_id=999_999) is None
    official = add_check(seeded, building, GOVERNMENT_END_USES)
    newer = add_check(seeded, building, [("Interior Lighting", "Electricity", 100_000.0)])
    latest = quota_service.latest_verdict_for_building(
        session=seeded, building_id=building.id, locale="en"
    )
    # The newer model has no heating on a district-heated building: the headline stays with
    # the newest official verdict, and the newer check is named beside it with its reason.
    assert latest["check_id"] == official.id and latest["official"] is True
    assert latest["band"] == "le_baseline"
    headline = quota_service.building_headline(session=seeded, building_id=building.id, locale="en")
    assert headline["official"]["check_id"] == official.id
    assert headline["withheld"]["check_id"] == newer.id
    assert headline["withheld"]["band"] is None
    assert [w["code"] for w in headline["withheld"]["withheld"]] == [
        "validity.heating_source.absent"
    ]


def test_dash_cell_gives_no_quota_for_heating(seeded, admin, make_building):
    building = make_building(
        seeded,
        admin,
        building_type="school",
        sub_type="preschool",
        heating_type="gas_oil",
        floor_area_m2="4000",
    )
    check = add_check(
        seeded,
        building,
        [("Heating", "Natural Gas", 50_000.0), ("Interior Lighting", "Electricity", 40_000.0)],
    )
    verdict = quota_service.verdict_for_check(session=seeded, check_id=check.id, locale="en")
    heating = next(i for i in verdict["indicators"] if i["basis"] == "heating")
    assert heating["band"] is None and "too little data" in heating["no_quota_reason"]
    assert verdict["row"]["source_status"] == "verified-primary"
    assert verdict["band"] == "le_guide"  # 40 MWh × 0.31 / 4000 m² = 3.1 ≤ 4.3


def test_verdict_partial_renders(app, app_session, make_user, make_building):
    quota_seed.seed(app_session)
    admin = make_user(app_session, role="admin")
    building = government_building(app_session, admin, make_building)
    check = add_check(app_session, building, GOVERNMENT_END_USES)
    verdict = quota_service.verdict_for_check(session=app_session, check_id=check.id, locale="en")
    with app.test_request_context():
        html = render_template("checks/_verdict.html", verdict=verdict)
        empty = render_template("checks/_verdict.html", verdict=None)
    assert 'id="verdict-band"' in html and "12.40 kgce/(m²·a)" in html
    assert 'id="verdict-official"' in html and 'id="verdict-withheld"' not in html
    assert "DB37/T 2672-2019" in html and "verified-secondary" in html
    assert "0.31 kgce/kWh" in html
    assert empty.strip() == ""


def test_a_check_keeps_the_rule_version_it_was_judged_by(seeded, admin, make_building):
    from registry.models import ValidityRule
    from registry.services.checks import validity as rule_service

    building = government_building(seeded, admin, make_building)
    before = add_check(seeded, building, GOVERNMENT_END_USES, unmet=(100.0, 20.0))
    assert quota_service.verdict_for_check(session=seeded, check_id=before.id)["official"]
    rule = seeded.exec(select(ValidityRule).where(ValidityRule.key == "unmet_hours")).one()
    rule_service.edit_rule(
        session=seeded,
        actor=admin,
        rule_id=rule.id,
        data={"threshold": 100.0},
        reason="stricter",
    )

    kept = quota_service.verdict_for_check(session=seeded, check_id=before.id, locale="en")
    unmet = next(r for r in kept["rules"] if r["key"] == "unmet_hours")
    assert kept["official"] is True and (unmet["version"], unmet["superseded"]) == (1, True)
    after = add_check(seeded, building, GOVERNMENT_END_USES, unmet=(100.0, 20.0))
    judged = quota_service.verdict_for_check(session=seeded, check_id=after.id, locale="en")
    assert judged["official"] is False
    assert judged["withheld"][0]["message"] == (
        "Setpoints were not met for 120 occupied hours (heating 100 h, cooling 20 h), more "
        "than 100 h: the system does not meet the loads, so its energy use is understated."
    )
    again = quota_service.verdict_for_check(
        session=seeded, check_id=before.id, locale="en", refresh=True
    )
    assert again["official"] is False
    # The building's headline: the newest official verdict is the one judged by version 1.
    headline = quota_service.building_headline(session=seeded, building_id=building.id)
    assert headline["official"] is None and headline["withheld"]["check_id"] == after.id


def test_rule_edits_are_checked(seeded, admin, make_user):
    from registry.models import ValidityRule
    from registry.services.checks import validity as rule_service

    rule_service.seed(seeded)
    rule = seeded.exec(select(ValidityRule).where(ValidityRule.key == "floor_area")).one()
    officer = make_user(seeded, role="officer")
    with pytest.raises(PermissionDenied):
        rule_service.edit_rule(
            session=seeded, actor=officer, rule_id=rule.id, data={"threshold": 50}, reason="x"
        )
    with pytest.raises(ValidationFailed) as info:
        rule_service.edit_rule(
            session=seeded,
            actor=admin,
            rule_id=rule.id,
            data={"threshold": None, "source_status": "guessed", "source": " "},
            reason="",
        )
    assert set(info.value.field_errors) == {"threshold", "source_status", "source", "reason"}
    with pytest.raises(RegistryError):
        rule_service.edit_rule(
            session=seeded, actor=admin, rule_id=rule.id, data={"threshold": 5.0}, reason="same"
        )
    rule_service.edit_rule(
        session=seeded, actor=admin, rule_id=rule.id, data={"threshold": 8.0}, reason="wider"
    )
    with pytest.raises(Conflict):
        rule_service.edit_rule(
            session=seeded, actor=admin, rule_id=rule.id, data={"threshold": 9.0}, reason="old"
        )
