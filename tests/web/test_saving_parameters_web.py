"""The saving-rate parameters page (administrators: list, correct, confirm; audited, versioned)
and the evidence beside the dashboard's targets, in Chinese and English."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from registry.models import AuditEvent, SavingParameter
from registry.services.saving.seed import seed as saving_seed
from registry.services.tally import targets_seed
from tests.services.tally.test_evidence import hand_counted
from tests.web.conftest import field_error, text_of

KEY = "public.ultra_low.comprehensive_pct"


@pytest.fixture
def seeded(app):
    with Session(app.extensions["registry.engine"]) as session:
        targets_seed.seed(session)
        saving_seed(session)


def _row(app_session, key=KEY) -> SavingParameter:
    app_session.expire_all()
    return app_session.exec(
        select(SavingParameter).where(
            SavingParameter.key == key, SavingParameter.superseded_at.is_(None)
        )
    ).one()


def test_admin_corrects_and_confirms_a_parameter(client, app_session, make_user, login, seeded):
    login(client, make_user(app_session, role="admin", username="root"))
    listed = client.get("/admin/saving-parameters?lang=en")
    assert listed.status_code == 200
    page = text_of(listed)
    assert "Ultra-low energy: comprehensive saving rate, at least" in page
    assert "表5.0.4" in page and "UNVERIFIED" in page and "15 per cent" in page
    assert "Window U-value, window-to-wall ratio up to 0.30" in page
    zh = text_of(client.get("/admin/saving-parameters?lang=zh"))
    assert "照明功率密度：会议室" in zh and "超低能耗：建筑综合节能率下限" in zh

    first = _row(app_session)
    url = f"/admin/saving-parameters/{first.id}"
    # Bad input: a clear message beside the field, nothing stored.
    bad = client.post(url + "?lang=en", data={"value": "lots", "reason": "typo"})
    assert bad.status_code == 422 and "lots" in field_error(bad, "value")
    no_reason = client.post(url + "?lang=zh", data={"value": "55"})
    assert no_reason.status_code == 422 and field_error(no_reason, "reason")
    assert _row(app_session).version == 1

    edited = client.post(
        url,
        data={
            "value": "55",
            "source": "p. 9",
            "source_status": "unverified",
            "reason": "read again",
        },
    )
    assert edited.status_code == 302
    second = _row(app_session)
    assert (second.version, second.value, second.source_status) == (2, 55.0, "unverified")
    # The page of the replaced version refuses a change made from it.
    stale = client.post(url, data={"value": "60", "reason": "late"})
    assert stale.status_code == 422 and _row(app_session).version == 2
    assert "该参数已有更新的版本 v2" in field_error(stale, "reason")

    confirmed = client.post(f"/admin/saving-parameters/{second.id}",
                            data={"confirm": "1", "value": "55", "reason": "checked",
                                  "source": "GB/T 51350-2019 表5.0.4, p. 9"})  # fmt: skip
    assert confirmed.status_code == 302
    third = _row(app_session)
    assert (third.version, third.source_status) == (3, "verified-primary")
    events = app_session.exec(
        select(AuditEvent).where(AuditEvent.entity == "saving_parameter").order_by(AuditEvent.id)
    ).all()
    assert [(e.before["version"], e.after["version"], e.reason) for e in events] == [
        (1, 2, "read again"),
        (2, 3, "checked"),
    ]
    assert events[-1].after["source_status"] == "verified-primary"
    history = text_of(client.get(f"/admin/saving-parameters/{third.id}?lang=en"))
    assert "v1" in history and "v2" in history and "verified (primary source)" in history


def test_others_are_refused(client, app_session, make_user, login, seeded):
    row = _row(app_session)
    login(client, make_user(app_session, role="officer"))
    for path in ("/admin/saving-parameters", f"/admin/saving-parameters/{row.id}"):
        assert client.get(path).status_code == 403
    refused = client.post(f"/admin/saving-parameters/{row.id}", data={"value": "1", "reason": "x"})
    assert refused.status_code == 403 and "您没有权限执行此操作。" in text_of(refused)
    assert _row(app_session).version == 1


def test_dashboard_and_list_show_the_evidence(
    client, app_session, make_user, login, make_building, make_record, seeded
):
    admin = make_user(app_session, role="admin", username="root")
    officer = make_user(app_session, districts=("370202",))
    hand_counted(app_session, make_building, make_record, admin, officer)
    login(client, admin)
    zh = client.get("/dashboard?year=2022")
    assert zh.status_code == 200
    page = text_of(zh)
    assert "其中节能量经核验" in page and "15%" in page
    assert "本期 10,000 m²（占新增面积 50.0%），累计 11,000 m²（52.4%），共 2 栋建筑" in page
    assert "累计 3,000 m²（46.2%），共 1 栋建筑" in page and "限值尚未经管理员核实" in page
    en = text_of(client.get("/dashboard?year=2022&lang=en"))
    assert "of which with verified savings" in en and "at least 15 per cent" in en
    assert (
        "this period 10,000 m² (50.0% of the added area), cumulative 11,000 m² (52.4%), "
        "2 buildings" in en
    )
    assert "thresholds NOT yet verified by an administrator" in en

    listed = client.get("/dashboard/evidence-2022/public_efficiency?lang=en")
    assert listed.status_code == 200
    html = listed.get_data(as_text=True)
    assert html.count('data-backed="yes"') == 2 and html.count('data-backed="no"') == 2
    assert client.get("/dashboard/evidence-2022/star_rated").status_code == 422
    assert (
        client.get("/dashboard/evidence-2022/ultra_low_energy?district=火星区").status_code == 422
    )
