"""Issue 21, residential: the officer reviewing a residential building reads its ultra-low
record's cited residential check — demands against the limits, n50 and the level — in the
reader's language."""

from __future__ import annotations

from registry.services.saving.evidence import cite_check
from tests.services.saving.test_evidence import energy_record, residential_check
from tests.web.conftest import text_of


def test_the_review_view_shows_the_residential_figures(
    app, app_session, client, login, make_user, make_building, make_record
):
    session = app_session
    officer = make_user(session, districts=("370202",))
    building, record = energy_record(session, make_building, make_record, officer,
                                     level="nearly_zero", building_type="residential")  # fmt: skip
    check_id = residential_check(session, building, "ultra_low")
    cite_check(session=session, actor=officer, record_id=record.id, check_id=check_id)
    login(client, officer)
    page = client.get(f"/buildings/{building.id}?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'id="saving-evidence-{record.id}"' in html
    assert f'href="/checks/{check_id}"' in html
    text = text_of(page)
    assert (
        f"Evidence: residential check #{check_id}, heating demand 15.0 kWh/(m²·a) (limit 10.0), "
        "cooling demand 10.0 kWh/(m²·a) (limit 12.1), n50 0.50 (at most 0.60)"
    ) in text
    assert "not Nearly" in text or "not nearly" in text
    zh = text_of(client.get(f"/buildings/{building.id}?lang=zh"))
    assert f"佐证：居住建筑核验 #{check_id}，供暖年耗热量 15.0 kWh/(m²·a)（限值 10.0）" in zh


def test_the_residential_check_page_offers_the_records_to_cite(
    app, app_session, client, login, make_user, make_building, make_record
):
    session = app_session
    officer = make_user(session, districts=("370202",))
    building, record = energy_record(session, make_building, make_record, officer,
                                     level="ultra_low", building_type="residential")  # fmt: skip
    check_id = residential_check(session, building, "ultra_low")
    login(client, officer)
    page = client.get(f"/checks/{check_id}?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="saving-cite"' in html and f'value="{record.id}"' in html
    cited = client.post(f"/checks/{check_id}/cite", data={"record_id": record.id})
    assert cited.status_code == 302 and f"/buildings/{building.id}" in cited.location
    shown = text_of(client.get(f"/buildings/{building.id}?lang=en"))
    assert f"Evidence: residential check #{check_id}" in shown and "meets Ultra-low" in shown
