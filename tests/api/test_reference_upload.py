"""The designer's reference model over the API: the multipart field `reference`, refused
without the saving rate or when it fails the design upload's prechecks, and keyed with the
design (another reference, another check). No engine: the checks stay queued."""

from __future__ import annotations

import io

from sqlmodel import select

from registry.models import Check
from registry.services.checks import weather_seed
from registry.services.saving import seed as saving_seed
from tests.conftest import MODELS_DIR


def test_a_reference_needs_the_saving_rate_and_passes_the_prechecks(api, make_building):
    token = api.token(role="designer", districts=())
    with api.session() as session:
        weather_seed.seed(session)
        saving_seed.seed(session)
        building = make_building(session, api.user_of(token))
    idf = (MODELS_DIR / "office_small.idf").read_bytes()

    def upload(reference: bytes, **form):
        data = {"idf": (io.BytesIO(idf), "o.idf"), "reference": (io.BytesIO(reference), "r.idf")}
        return api.post(
            f"/api/v1/buildings/{building.id}/checks",
            token=token,
            data={**data, **form},
            content_type="multipart/form-data",
        )

    alone = upload(idf)
    assert alone.status_code == 422
    assert "reference" in alone.get_json()["errors"]
    broken = upload(b"\x00\x01 not a model", saving_rate="1")
    assert broken.status_code == 422 and "reference" in broken.get_json()["errors"]
    first = upload(idf, saving_rate="1")
    other = upload(idf.replace(b"Office Occupancy", b"Office Occupancy2"), saving_rate="1")
    assert first.status_code == other.status_code == 202
    with api.session() as session:
        keys = {
            c.id: (c.cache_key, (c.options or {}).get("reference_sha256"))
            for c in session.exec(select(Check))
        }
    # Keyed on the pair of hashes: another reference is another check.
    assert keys[first.get_json()["id"]][0] != keys[other.get_json()["id"]][0]
    assert keys[first.get_json()["id"]][1] != keys[other.get_json()["id"]][1]


def test_a_residential_building_takes_no_reference_model(api, make_building):
    """Its saving-rate check judges the design's own demands: a reference is refused."""
    token = api.token(role="designer", districts=())
    with api.session() as session:
        weather_seed.seed(session)
        saving_seed.seed(session)
        home = make_building(session, api.user_of(token), building_type="residential", sub_type="")
    idf = (MODELS_DIR / "office_small.idf").read_bytes()
    refused = api.post(
        f"/api/v1/buildings/{home.id}/checks?lang=en",
        token=token,
        data={
            "idf": (io.BytesIO(idf), "o.idf"),
            "reference": (io.BytesIO(idf), "r.idf"),
            "saving_rate": "1",
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "without a reference building" in refused.get_json()["errors"]["reference"]
