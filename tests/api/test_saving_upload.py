"""The saving-rate flag over the API and the web form (no engine: the check stays queued), and
its cache key: the design model's hash with the reference parameters' versions."""

from __future__ import annotations

import io

from sqlmodel import Session, select

from registry.models import Check, SavingParameter, utcnow
from registry.services.checks import weather_seed
from registry.services.saving import runs, seed
from tests.conftest import MODELS_DIR


def _upload(api, token, building_id, **form):
    data = {"idf": (io.BytesIO((MODELS_DIR / "office_small.idf").read_bytes()), "o.idf"), **form}
    return api.post(
        f"/api/v1/buildings/{building_id}/checks",
        token=token,
        data=data,
        content_type="multipart/form-data",
    )


def test_the_api_flag_asks_for_the_reference_run_and_keys_the_cache_on_the_parameters(
    api, make_building
):
    token = api.token(role="designer", districts=())
    with api.session() as session:
        weather_seed.seed(session)
        seed.seed(session)
        designer = api.user_of(token)
        building = make_building(session, designer)
    plain = _upload(api, token, building.id)
    saving = _upload(api, token, building.id, saving_rate="1")
    assert plain.status_code == saving.status_code == 202, saving.get_data(as_text=True)
    with api.session() as session:
        first = session.get(Check, saving.get_json()["id"])
        assert runs.is_saving_check(first.options)
        assert not runs.is_saving_check(session.get(Check, plain.get_json()["id"]).options)
        assert first.cache_key != session.get(Check, plain.get_json()["id"]).cache_key
        # A new version of a parameter is a new reference building: a new cache key.
        row = session.exec(select(SavingParameter).where(SavingParameter.key == "wall_u")).one()
        newer = SavingParameter(
            **row.model_dump(exclude={"id", "value", "version", "created_at"}),
            value=0.45,
            version=2,
        )
        row.superseded_at = utcnow()
        session.add_all([row, newer])
        session.commit()
    again = _upload(api, token, building.id, saving_rate="1")
    with api.session() as session:
        assert session.get(Check, again.get_json()["id"]).cache_key != first.cache_key


def test_the_stamp_changes_with_a_value_or_a_version():
    params = {"wall_u": {"value": 0.5, "version": 1}}
    stamp = runs.parameters_stamp(params)
    assert runs.parameters_stamp({"wall_u": {"value": 0.45, "version": 1}}) != stamp
    assert runs.parameters_stamp({"wall_u": {"value": 0.5, "version": 2}}) != stamp
    assert runs.parameters_stamp(dict(params)) == stamp


def test_seeding_twice_adds_nothing(app):
    with Session(app.extensions["registry.engine"]) as session:
        first = seed.seed(session)
        assert seed.seed(session) == "saving-rate parameters: 0 added"
        assert first.endswith("added")
        current = seed.current(session)
        # Recalled from the standards: unverified; the designer-reference tolerances are the
        # registry's own rule.
        assert all(
            p["source_status"]
            == ("registry-rule" if key.startswith("consistency.") else "unverified")
            for key, p in current.items()
        )
        assert current["wall_u"]["version"] == 1


def test_a_bad_airtightness_is_a_field_message(api, make_building):
    token = api.token(role="designer", districts=())
    with api.session() as session:
        weather_seed.seed(session)
        building = make_building(session, api.user_of(token))
    answer = _upload(api, token, building.id, saving_rate="1", n50="tight")
    assert answer.status_code == 422
    assert "“tight” is not an airtightness" in answer.get_data(as_text=True) or "tight" in str(
        answer.get_json()
    )
