"""Reference data pages: targets, quota rows and weather, for administrators only."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlmodel import Session, select

from registry.models import AuditEvent, QuotaRow, Target, WeatherFile
from registry.services.quotas import seed as quota_seed
from registry.services.tally import targets_seed
from tests.web.conftest import field_error, text_of


def _upload(client, data: bytes, filename: str, source: str):
    """POST an EPW as a prebuilt multipart body: werkzeug's test client would spool a file
    this big to a temporary file it never closes (a ResourceWarning, an error here)."""
    boundary = "----registry-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\n{source}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="epw"; filename="{filename}"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        "/admin/weather", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.fixture
def seeded(app):
    with Session(app.extensions["registry.engine"]) as session:
        targets_seed.seed(session)
        quota_seed.seed(session)


@pytest.fixture
def admin_client(client, app_session, make_user, login, seeded):
    login(client, make_user(app_session, role="admin", username="root"))
    return client


@pytest.mark.parametrize(
    "path", ["/admin/targets", "/admin/quotas", "/admin/validity", "/admin/weather"]
)
def test_only_admins_see_reference_pages(client, app_session, make_user, login, seeded, path):
    assert client.get(path).status_code in (302, 401, 403)
    login(client, make_user(app_session, role="officer"))
    response = client.get(path)
    assert response.status_code == 403
    assert "您没有权限执行此操作。" in text_of(response)


def test_change_a_target_is_audited_with_its_reason(admin_client, app_session):
    response = admin_client.post(
        "/admin/targets/star_rated",
        data={
            "value": "5,500,000",
            "baseline": "2021-01-01",
            "midterm": "2021-12-31",
            "deadline": "2022-12-31",
            "reason": "市政府调整目标",
        },
    )
    assert response.status_code == 302
    app_session.expire_all()
    target = app_session.exec(select(Target).where(Target.key == "star_rated")).one()
    assert target.value == 5_500_000
    event = app_session.exec(select(AuditEvent).where(AuditEvent.entity == "target")).one()
    assert event.before["value"] == 5_000_000 and event.after["value"] == 5_500_000
    assert event.reason == "市政府调整目标"


def test_target_dates_out_of_order_are_refused_in_chinese(admin_client, app_session):
    response = admin_client.post(
        "/admin/targets/star_rated",
        data={
            "value": "5000000",
            "baseline": "2023-01-01",
            "midterm": "2021-12-31",
            "deadline": "2022-12-31",
        },
    )
    assert response.status_code == 422
    assert field_error(response, "deadline") or "日期" in text_of(response)
    app_session.expire_all()
    target = app_session.exec(select(Target).where(Target.key == "star_rated")).one()
    assert target.baseline.isoformat() == "2021-01-01"


def test_quota_edit_adds_a_version_and_keeps_the_old(admin_client, app_session):
    row = app_session.exec(select(QuotaRow).where(QuotaRow.source_status == "unverified")).first()
    page = admin_client.get("/admin/quotas")
    assert "未核实" in text_of(page)
    response = admin_client.post(
        f"/admin/quotas/{row.id}",
        data={
            "guide_value": row.guide_value,
            "baseline_value": "",
            "constraint_value": (row.constraint_value or 0) + 5,
            "source": row.source,
            "source_status": "verified-primary",
            "notes": "",
            "reason": "已与标准原文核对",
        },
    )
    assert response.status_code == 302
    app_session.expire_all()
    versions = app_session.exec(
        select(QuotaRow).where(QuotaRow.key == row.key).order_by(QuotaRow.version)
    ).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].superseded_at is not None and versions[0].source_status == "unverified"
    assert versions[1].source_status == "verified-primary"


def test_quota_edit_without_reason_is_refused(admin_client, app_session):
    row = app_session.exec(select(QuotaRow)).first()
    response = admin_client.post(
        f"/admin/quotas/{row.id}",
        data={"guide_value": "abc", "source": row.source, "source_status": row.source_status},
    )
    assert response.status_code == 422
    assert "不是数字" in text_of(response)


def test_weather_upload_validates_the_file(admin_client, app_session, tmp_path):
    bad = admin_client.post(
        "/admin/weather",
        data={"epw": (io.BytesIO(Path(__file__).read_bytes()), "model.epw")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "LOCATION" in text_of(bad)

    from registry.services.checks.weather_seed import qingdao_epw_bytes

    good = _upload(admin_client, qingdao_epw_bytes(), "qd.epw", "test")
    assert good.status_code == 302
    row = app_session.exec(select(WeatherFile)).one()
    assert row.latitude == pytest.approx(36.07) and row.path.endswith(".epw")
    assert row.path != "qd.epw"


def test_a_measured_qingdao_file_becomes_the_default(admin_client, app_session, app):
    from registry.services.checks.weather_seed import qingdao_epw_bytes, seed

    with Session(app.extensions["registry.engine"]) as session:
        seed(session)
    measured = (
        qingdao_epw_bytes()
        .replace(b"SYNTHETIC", b"CSWD")
        .replace(b"Qingdao-synthetic (morphed from Dulles TMY3)", b"Qingdao")
    )
    response = _upload(admin_client, measured, "CHN_Qingdao_CSWD.epw", "CSWD")
    assert response.status_code == 302
    app_session.expire_all()
    defaults = app_session.exec(select(WeatherFile).where(WeatherFile.is_default)).all()
    assert [w.name for w in defaults] == ["CHN_Qingdao_CSWD"]
    assert len(app_session.exec(select(WeatherFile)).all()) == 7  # synthetic + 5 TMY3 + CSWD


def test_validity_rules_are_listed_and_edited_as_new_versions(admin_client, app_session):
    from registry.models import ValidityRule
    from registry.services.checks import validity as rule_service

    rule_service.seed(app_session)
    listing = admin_client.get("/admin/validity")
    assert listing.status_code == 200
    text = text_of(listing)
    assert "校核规则" in text and "模型面积与登记面积一致" in text and "本系统自定规则" in text
    assert "registry-rule" not in text  # the status in words, never the stored code
    rule = app_session.exec(select(ValidityRule).where(ValidityRule.key == "unmet_hours")).one()

    refused = admin_client.post(
        f"/admin/validity/{rule.id}",
        data={"threshold": "-3", "source": rule.source, "source_status": "registry-rule"},
    )
    assert refused.status_code == 422
    assert "应在 0 到 8,784 之间。" in text_of(refused)
    assert "请说明原因。" in text_of(refused)

    saved = admin_client.post(
        f"/admin/validity/{rule.id}",
        data={
            "threshold": "250",
            "source": rule.source,
            "source_status": "registry-rule",
            "notes": rule.notes,
            "reason": "市住建局 2027 年第 3 号通知",
        },
    )
    assert saved.status_code == 302
    current = rule_service.list_rules(session=app_session)
    unmet = next(r for r in current if r.key == "unmet_hours")
    assert (unmet.version, unmet.threshold) == (2, 250.0)
    event = app_session.exec(select(AuditEvent).where(AuditEvent.entity == "validity_rule")).one()
    assert event.before == {"version": 1, "threshold": 300.0}
    assert event.after == {"version": 2, "threshold": 250.0}
    assert event.reason == "市住建局 2027 年第 3 号通知"


def _quota_table(response) -> str:
    html = response.get_data(as_text=True)
    table = html[html.index('id="quota-rows"') :]
    return " ".join(re.sub(r"<[^>]+>", " ", table[: table.index("</table>")]).split())


def test_quota_page_names_every_code_and_filters_by_standard_type_and_status(admin_client):
    page = _quota_table(admin_client.get("/admin/quotas"))
    assert "教育建筑" in page and "本科" in page and "非供暖" in page
    for code in ("school", "higher_bachelor", "non_heating", "air_conditioning", "kgce/(m2"):
        assert code not in page, code
    unverified = _quota_table(admin_client.get("/admin/quotas?source_status=unverified"))
    assert "GB/T 51161-2016" in unverified and "DB37/T 2671-2019" not in unverified
    schools = _quota_table(admin_client.get("/admin/quotas?standard=DB37/T 2671-2019"))
    assert "DB37/T 2671-2019" in schools and "GB/T 51161-2016" not in schools
    english = _quota_table(admin_client.get("/admin/quotas?building_type=school&lang=en"))
    assert "Table 1" in english and "表1" not in english and "教育" not in english
