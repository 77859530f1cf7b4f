"""The validity rules on real EnergyPlus runs of the registry's own small models (issue 17).

Three engine runs per database, shared by every test of the module: the office box on the
official (synthetic Qingdao) weather, the same box on an uploaded San Francisco EPW, and the
box with its heating cut to 500 W. Every other building is answered from the cache of the
first run, judged against its own registration. Each test fails on the registry before the
rules: there, every one of these checks got a band.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from registry.db import make_engine
from registry.domain.checks import energyplus
from registry.models import Check, CheckResult, CheckValidity
from registry.services.buildings import registration as building_service
from registry.services.checks import uploads as check_service
from registry.services.checks import weather_seed
from registry.services.checks.payload import check_payload
from registry.services.checks.runner import execute_check
from registry.services.checks.weather import add_weather
from registry.services.quotas import seed as quota_seed
from registry.services.users import create_user
from tests.conftest import MODELS_DIR, building_data, make_config

pytestmark = [pytest.mark.energyplus, pytest.mark.slow]

BOX_AREA_M2 = 100.0
SAN_FRANCISCO = "USA_CA_San.Francisco.Intl.AP.724940_TMY3.epw"


class Registry:
    """One database with the reference data, a designer, and checks run for real."""

    def __init__(self, url: str, tmp: Path):
        self.config = make_config(tmp, url)
        self.engine = make_engine(url)
        with self.session() as session:
            weather_seed.seed(session)
            quota_seed.seed(session)
            self.designer = create_user(
                session=session,
                actor=None,
                username=f"designer-{uuid.uuid4().hex[:6]}",
                password="correct-horse-battery",
                role="designer",
                districts=[],
            )

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def building(self, **fields) -> int:
        data = building_data(
            **{
                "building_type": "office_government",
                "sub_type": "city",
                "hvac_class": "A",
                "heating_type": "gas_oil",
                "floor_area_m2": str(BOX_AREA_M2),
                **fields,
            }
        )
        with self.session() as session:
            return building_service.register_building(
                session=session, actor=self.designer, data=data
            ).id

    def check(self, building_id: int, model: str, weather: str | int | None = None) -> int:
        """Upload `model`; a check the cache cannot answer runs EnergyPlus here and now."""
        with self.session() as session:
            check = check_service.create_check(
                session=session,
                actor=self.designer,
                config=self.config,
                building_id=building_id,
                idf_bytes=(MODELS_DIR / model).read_bytes(),
                filename=model,
                weather=weather,
                enqueue=None,
            )
        if check.status == "queued":
            outcome = execute_check(
                engine=self.engine, config=self.config, check_id=check.id, worker="test:1"
            )
            assert outcome == "done", outcome
        return check.id

    def payload(self, check_id: int, lang: str = "en") -> dict:
        with self.session() as session:
            return check_payload(session, session.get(Check, check_id), lang)


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.requires_postgres)],
)
def registry(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"validity-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'registry.sqlite3'}"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
    else:
        url = request.getfixturevalue("pg_database_url")
        engine = make_engine(url)
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    world = Registry(url, tmp)
    # The office box as registered: gas-heated, 100 m². It runs once per database.
    world.box_building = world.building(name="办公楼 A")
    world.box_check = world.check(world.box_building, "office_box.idf")
    yield world
    world.engine.dispose()


def withheld_codes(payload: dict) -> list[str]:
    return [item["code"] for item in payload["verdict"]["withheld"]]


def test_the_box_on_its_own_registration_gets_the_official_verdict(registry):
    payload = registry.payload(registry.box_check, "zh")
    verdict, result = payload["verdict"], payload["result"]
    assert payload["cached"] is False
    assert verdict["official"] is True and verdict["withheld"] == []
    assert verdict["official_label"] == "正式判定"
    assert verdict["band"] is not None and verdict["band_label"]
    assert [r["key"] for r in verdict["rules"]] == [
        "complete_run",
        "official_weather",
        "floor_area",
        "unmet_hours",
        "heating_source",
        "severe_errors",
    ]
    assert all(r["held"] and r["version"] == 1 for r in verdict["rules"])
    # The contract's figures: both model areas and the occupied unmet hours.
    assert result["model_total_area_m2"] == pytest.approx(BOX_AREA_M2)
    assert result["model_conditioned_area_m2"] == pytest.approx(BOX_AREA_M2)
    assert result["unmet_hours"] == {"occupied_heating": 0.0, "occupied_cooling": 0.0}
    assert payload["weather"]["official"] is True
    assert payload["summary"][0].startswith("正式判定：")
    assert "气象数据：青岛（登记系统指定的青岛气象年）" in payload["summary"]


@pytest.mark.parametrize(
    ("area_m2", "official", "zh", "en"),
    [
        (
            90.91,  # the model is 10 % larger than the building
            False,
            "模型建筑面积 100 m² 与登记面积 90.9 m² 相差 10 %，超过 ±5 %。",
            "The model's floor area, 100 m², differs from the registered 90.9 m² by 10 %, "
            "more than ±5 %.",
        ),
        (
            96.15,  # 4 % larger: within the rule
            True,
            "模型建筑面积 100 m² 与登记面积 96.2 m² 相差 4.0 %，在 ±5 % 以内。",
            "The model's floor area, 100 m², differs from the registered 96.2 m² by 4.0 %, "
            "within ±5 %.",
        ),
    ],
)
def test_a_building_registered_at_another_area(registry, area_m2, official, zh, en):
    building = registry.building(floor_area_m2=str(area_m2))
    check_id = registry.check(building, "office_box.idf")
    for lang, message in (("zh", zh), ("en", en)):
        payload = registry.payload(check_id, lang)
        verdict = payload["verdict"]
        assert verdict["official"] is official
        rule = next(r for r in verdict["rules"] if r["key"] == "floor_area")
        assert rule["message"] == message
        if official:
            assert verdict["withheld"] == [] and verdict["band"] is not None
        else:
            assert verdict["withheld"] == [
                {
                    "code": "validity.floor_area.outside",
                    "rule": "floor_area",
                    "message": message,
                    "value": pytest.approx(10.0, abs=0.01),
                    "limit": 5.0,
                    "unit": "%",
                }
            ]
            # Figures, never a band.
            assert verdict["band"] is None and verdict["band_label"] is None
            assert all(i["band"] is None for i in verdict["indicators"])
            assert verdict["indicator_value"] is not None


def test_the_cache_answers_another_building_judged_by_its_own_area(registry):
    larger = registry.building(floor_area_m2="120")
    check_id = registry.check(larger, "office_box.idf")
    first, cached = registry.payload(registry.box_check), registry.payload(check_id)
    assert cached["cached"] is True and first["cached"] is False
    # The engine's numbers are reused; the EUI and the judgement are this building's.
    assert cached["result"]["total_site_kwh"] == first["result"]["total_site_kwh"]
    assert cached["result"]["registered_area_m2"] == 120.0
    assert cached["result"]["eui_kwh_per_m2"] == pytest.approx(
        first["result"]["total_site_kwh"] / 120.0
    )
    assert cached["result"]["area_mismatch_pct"] == pytest.approx(-16.67, abs=0.01)
    assert withheld_codes(cached) == ["validity.floor_area.outside"]
    assert first["verdict"]["official"] is True  # the earlier check keeps its own verdict
    assert "Reused an identical earlier run" in " ".join(cached["summary"])
    with registry.session() as session:
        pins = session.exec(select(CheckValidity).where(CheckValidity.check_id == check_id)).all()
        assert len(pins) == 6  # judged when the cache answered, not only when first shown


def test_a_gas_heated_model_on_a_district_heating_registration(registry):
    building = registry.building(heating_type="district")
    payload = registry.payload(registry.check(building, "office_box.idf"), "zh")
    verdict = payload["verdict"]
    assert withheld_codes(payload) == ["validity.heating_source.disagrees"]
    assert verdict["withheld"][0]["message"] == (
        "模型供暖能耗的 100 % 来自天然气，与登记的供暖方式“市政集中供暖”不符（允许 10 %）。"
    )
    heating = next(i for i in verdict["indicators"] if i["basis"] == "heating")
    # The registered heating type chooses no row when the model heats otherwise.
    assert heating["row"] is None
    assert heating["no_quota_code"] == "quota.heating_source_disagrees"
    non_heating = next(i for i in verdict["indicators"] if i["basis"] == "non_heating")
    assert non_heating["value"] is not None and non_heating["band"] is None


def test_an_uploaded_foreign_weather_file_gives_figures_not_a_verdict(registry):
    with registry.session() as session:
        weather = add_weather(
            session=session,
            actor=registry.designer,
            config=registry.config,
            data=(energyplus.weather_data_dir() / SAN_FRANCISCO).read_bytes(),
            name=SAN_FRANCISCO,
        )
        assert weather.is_default is False
    building = registry.building(name="办公楼 SF")
    check_id = registry.check(building, "office_box.idf", weather=weather.id)
    payload = registry.payload(check_id)
    assert payload["cached"] is False and payload["weather"]["official"] is False
    assert withheld_codes(payload) == ["validity.official_weather.not_official"]
    item = payload["verdict"]["withheld"][0]
    assert (item["value"], item["limit"]) == (weather.name, "qingdao-synthetic")
    assert item["message"] == (
        "The run used the weather file “San Francisco, USA (airport)”, not the registry's "
        "official Qingdao "
        "year (Qingdao); its figures are for reference only."
    )
    assert payload["result"]["eui_kwh_per_m2"] > 0 and payload["verdict"]["band"] is None
    zh = registry.payload(check_id, "zh")
    assert zh["verdict"]["official_label"] == "不予正式判定"
    assert "气象数据：美国旧金山（机场）（不是登记系统指定的青岛气象年）" in zh["summary"]


def test_an_undersized_heating_system_gets_no_official_verdict(registry):
    building = registry.building(name="办公楼 小热源")
    check_id = registry.check(building, "office_box_undersized.idf")
    payload = registry.payload(check_id, "zh")
    assert payload["result"]["unmet_hours"]["occupied_heating"] > 300
    item = payload["verdict"]["withheld"][0]
    assert [i["code"] for i in payload["verdict"]["withheld"]] == ["validity.unmet_hours.over"]
    assert item["value"] == pytest.approx(552.0) and item["limit"] == 300.0
    assert item["message"].startswith(
        "使用时段内供暖与供冷设定温度未满足共 552 h（供暖 552 h，供冷 0 h），超过 300 h"
    )
    # It used less gas than the box whose loads are met: without the rule, a better verdict.
    box = registry.payload(registry.box_check)
    assert (
        payload["result"]["by_fuel_kwh"]["Natural Gas"]
        < box["result"]["by_fuel_kwh"]["Natural Gas"]
    )
    en = registry.payload(check_id, "en")["verdict"]["withheld"][0]["message"]
    assert en.startswith("Setpoints were not met for 552 occupied hours (heating 552 h")


def test_each_check_pins_the_rule_versions_it_was_judged_by(registry):
    with registry.session() as session:
        rows = session.exec(
            select(CheckValidity).where(CheckValidity.check_id == registry.box_check)
        ).all()
        result = session.exec(
            select(CheckResult).where(CheckResult.check_id == registry.box_check)
        ).one()
    assert {r.rule_key: (r.rule_version, r.held) for r in rows} == {
        key: (1, True)
        for key in (
            "complete_run",
            "official_weather",
            "floor_area",
            "unmet_hours",
            "heating_source",
            "severe_errors",
        )
    }
    assert result.model_conditioned_area_m2 == pytest.approx(BOX_AREA_M2)
