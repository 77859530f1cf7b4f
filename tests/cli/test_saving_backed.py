"""`registry record saving-backed`: the tally's evidence figure (the dashboard's), not a rule
of its own — published records only, the record whose holding the tally counts, residential
checks included; the year, the target and its area in --json."""

from __future__ import annotations

import json

import pytest

from registry.services.saving.evidence import cite_check
from registry.services.tally import tallies as tally_service
from tests.services.saving.test_evidence import energy_record, residential_check
from tests.services.tally.test_evidence import saving_check


def test_saving_backed_is_the_tallys_evidence_figure(cli, app_session, make_user, make_building,
                                                     make_record):  # fmt: skip
    from tests.conftest import take_to

    session = app_session
    officer = make_user(session, districts=("370202",))

    def cited(level, building_type, met, status):
        building, record = energy_record(session, make_building, make_record, officer,
                                         level=level, building_type=building_type)  # fmt: skip
        if met is not None:
            check = residential_check if building_type == "residential" else saving_check
            check_id = check(session, building, met)
            cite_check(session=session, actor=officer, record_id=record.id, check_id=check_id)
        take_to(session, record, status, actor=officer)

    cited("ultra_low", "office_government", "ultra_low", "approved")  # backed, published
    cited("ultra_low", "residential", "nearly_zero", "approved")  # backed, residential
    cited("nearly_zero", "residential", "ultra_low", "approved")  # falls short
    cited("ultra_low", "office_government", None, "approved")  # no citation
    cited("ultra_low", "office_government", "ultra_low", "notice")  # under notice: not counted

    result = cli("record", "saving-backed", "--year", "2022", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    figure = tally_service.compute(session=session, year=2022, evidence=True).evidence[
        "ultra_low_energy"
    ]
    assert payload == {
        "year": 2022,
        "target": "ultra_low_energy",
        "target_area_m2": 300_000,
        "counted_area_m2": 20_000,
        "backed_area_m2": 10_000,
        "backed_pct": pytest.approx(50.0),
        "added_area_m2": 20_000,
        "added_backed_area_m2": 10_000,
        "backed_buildings": 2,
        "thresholds_verified": False,
    }
    assert (payload["counted_area_m2"], payload["backed_area_m2"]) == (
        figure.cumulative_m2,
        figure.cumulative_backed_m2,
    )

    text = cli("record", "saving-backed", "--year", "2022", "--lang", "en").stdout
    assert "2022: 10,000 m² of the 20,000 m² counted toward the ultra-low energy target" in text
    assert "(300,000 m²)" in text and "(2 buildings)" in text
    zh = cli("record", "saving-backed", "--year", "2022").stdout
    assert "2022 年" in zh and "10,000 m²" in zh

    bad = cli("record", "saving-backed", "--year", "twenty", "--lang", "en")
    assert bad.exit_code != 0 and "Traceback" not in bad.output and "year" in bad.output.lower()
