"""The public label check: valid or revoked with its date, never owners; rate limited."""

from __future__ import annotations

from datetime import date

import pytest

from registry.services.buildings import records as record_service
from tests.web.conftest import text_of


@pytest.fixture
def labels(app_session, make_user, make_building, make_record):
    admin = make_user(app_session, role="admin")
    building = make_building(
        app_session, admin, name="海尔大厦", owner_name="秘密业主公司", district_code="370212"
    )
    make_record(app_session, admin, building, status="approved", label_number="QD/2021/1")
    revoked = make_record(
        app_session, admin, building, status="approved", label_number="QD-REV", level="3"
    )
    record_service.revoke_record(
        session=app_session,
        actor=admin,
        record_id=revoked.id,
        reason="复核不合格",
        on=date(2023, 2, 1),
    )
    make_record(app_session, admin, building, label_number="QD-DRAFT")
    return building


def test_anyone_can_verify_a_valid_label_by_its_qr_url(client, labels):
    response = client.get("/verify/QD%2F2021%2F1?lang=en")
    assert response.status_code == 200
    text = text_of(response)
    assert "Valid label" in text and "海尔大厦" in text and "Laoshan" in text and "Two star" in text
    assert "秘密业主公司" not in text and labels.owner_credit_code not in text
    assert "<svg" in response.get_data(as_text=True)


def test_a_revoked_label_says_so_with_its_date(client, labels):
    text = text_of(client.get("/verify?label=QD-REV&lang=en"))
    assert "Revoked on 2023-02-01" in text and "复核不合格" not in text


def test_drafts_and_unknown_numbers_are_not_found(client, labels):
    assert client.get("/verify?label=QD-DRAFT").status_code == 404
    response = client.get("/verify/NOPE?lang=en")
    assert response.status_code == 404 and "NOPE" in text_of(response)
    assert client.get("/verify").status_code == 200  # the empty form


def test_too_many_lookups_get_a_clear_429(client, app, labels):
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get("/verify/QD-REV").status_code == 200
    response = client.get("/verify/QD-REV?lang=en")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Too many lookups" in text_of(response)
    api = client.get("/api/v1/verify/QD-REV")
    assert api.status_code == 429 and api.get_json()["code"] == "verify.rate_limited"


def test_qr_svg_of_a_label(client, labels):
    response = client.get("/verify/QD-REV/qr.svg")
    assert response.mimetype == "image/svg+xml" and b"<svg" in response.data


def test_the_page_speaks_chinese_by_default(client, labels):
    text = text_of(client.get("/verify/QD-REV"))
    assert "已于 2023-02-01 撤销" in text and "崂山区" in text and "三星级" in text
