"""Checks over the API: waiting for a check to end in one request, and adding weather files."""

from __future__ import annotations

import io
import re
import threading
import time

import pytest
from sqlalchemy import update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry.i18n import render
from registry.models import Check
from registry.services.checks import weather_seed
from tests.conftest import waiting_slots_taken
from tests.services.checks.test_report import IDF_SHA


@pytest.fixture
def designer_check(api_both, make_building):
    """A designer's token and a queued check of theirs (no worker: the test ends it)."""
    api = api_both
    token = api.token(role="designer", districts=())
    with api.session() as session:
        weather_seed.seed(session)
        designer = api.user_of(token)
        building = make_building(session, designer)
        check = Check(
            building_id=building.id,
            created_by_id=designer.id,
            idf_path="0" * 32 + ".idf",
            idf_original_name="office.idf",
            idf_sha256=IDF_SHA,
        )
        session.add(check)
        session.commit()
    return api, token, check.id


def _end_later(api, check_id: int, after_s: float) -> threading.Thread:
    def end():
        time.sleep(after_s)
        with api.app.extensions["registry.engine"].begin() as conn:
            conn.execute(
                update(Check)
                .where(Check.id == check_id)
                .values(
                    status="failed", error_code="energyplus.failed", error_params={"returncode": 1}
                )
            )

    thread = threading.Thread(target=end)
    thread.start()
    return thread


def test_wait_answers_as_soon_as_the_check_ends(designer_check):
    api, token, check_id = designer_check
    ender = _end_later(api, check_id, 0.6)
    started = time.monotonic()
    response = api.get(f"/api/v1/checks/{check_id}?wait=30", token, lang="en")
    took = time.monotonic() - started
    ender.join()
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "failed"
    assert body["error"]["message"] == render("energyplus.failed", {"returncode": 1}, "en")
    assert 0.5 < took < 5


def test_wait_ends_at_its_limit_with_the_state_so_far(designer_check):
    api, token, check_id = designer_check
    started = time.monotonic()
    response = api.get(f"/api/v1/checks/{check_id}?wait=1", token)
    assert 0.9 < time.monotonic() - started < 5
    assert response.status_code == 200 and response.get_json()["status"] == "queued"


@pytest.mark.parametrize(
    ("value", "code", "params"),
    [
        ("soon", "field.not_an_integer", {"value": "soon"}),
        ("61", "field.out_of_range", {"low": 0, "high": 60}),
        ("-1", "field.out_of_range", {"low": 0, "high": 60}),
    ],
)
def test_a_bad_wait_is_a_field_message(designer_check, value, code, params):
    api, token, check_id = designer_check
    response = api.get(f"/api/v1/checks/{check_id}?wait={value}", token, lang="en")
    assert response.status_code == 422
    assert response.get_json()["errors"]["wait"] == render(code, params, "en")


@pytest.fixture
def no_thread_to_wait():
    with waiting_slots_taken():
        yield


def test_with_every_waiting_slot_taken_the_answer_comes_at_once(designer_check, no_thread_to_wait):
    api, token, check_id = designer_check
    started = time.monotonic()
    response = api.get(f"/api/v1/checks/{check_id}?wait=30", token)
    assert time.monotonic() - started < 2
    assert response.get_json()["status"] == "queued"
    assert response.headers["Retry-After"] == "1"
    plain = api.get(f"/api/v1/checks/{check_id}", token)
    assert "Retry-After" not in plain.headers


def test_someone_who_may_not_see_the_check_is_refused_at_once(designer_check):
    api, _token, check_id = designer_check
    stranger = api.token(role="designer", districts=())
    started = time.monotonic()
    response = api.get(f"/api/v1/checks/{check_id}?wait=30", stranger)
    assert response.status_code == 403 and time.monotonic() - started < 5


def test_a_check_queued_while_the_broker_was_down_says_so(designer_check):
    api, token, check_id = designer_check
    with api.app.extensions["registry.engine"].begin() as conn:
        conn.execute(
            update(Check)
            .where(Check.id == check_id)
            .values(enqueue_error="OperationalError: connection refused")
        )
    body = api.get(f"/api/v1/checks/{check_id}", token, lang="en").get_json()
    assert render("check.broker_unavailable", {}, "en") in body["warnings"]


def _post_epw(api, token, data: bytes, name="qingdao.epw"):
    # Encoded here, in memory: given the file, the test client spools a body this size
    # (1.6 MB) to a temporary file that it never closes.
    boundary, body = encode_multipart({"epw": FileStorage(io.BytesIO(data), name)})
    return api.post(
        "/api/v1/weather",
        token,
        lang="en",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_weather_file_is_added_once(api, tmp_path):
    token = api.token(role="designer", districts=())
    data = weather_seed.qingdao_epw_bytes()
    data = data.replace(b"SYNTHETIC", b"SYNTHETIC COPY", 1)  # not the seeded file's bytes
    first = _post_epw(api, token, data)
    assert first.status_code == 201, first.get_json()
    again = _post_epw(api, token, data, name="another-name.epw")
    assert again.get_json()["id"] == first.get_json()["id"]
    listed = api.get("/api/v1/weather", token).get_json()
    assert [w["id"] for w in listed].count(first.get_json()["id"]) == 1


def test_a_bad_weather_file_is_a_message_and_a_viewer_may_not_add_one(api):
    designer = api.token(role="designer", districts=())
    bad = _post_epw(api, designer, b"not an epw at all")
    assert bad.status_code == 422 and bad.get_json()["errors"]["epw"]
    missing = api.post(
        "/api/v1/weather", designer, lang="en", data={}, content_type="multipart/form-data"
    )
    assert missing.status_code == 422
    assert missing.get_json()["errors"]["epw"] == render("field.required", {}, "en")
    viewer = api.token(role="viewer", districts=())
    assert _post_epw(api, viewer, weather_seed.qingdao_epw_bytes()).status_code == 403


def test_only_an_administrators_measured_qingdao_year_becomes_the_default(api):
    """The default weather decides every check's run: a designer's file must not move it."""
    with api.session() as session:
        weather_seed.seed(session)
    measured = re.sub(rb"(?i)synthetic", b"measured", weather_seed.qingdao_epw_bytes())

    def default_names(token):
        return [w["name"] for w in api.get("/api/v1/weather", token).get_json() if w["default"]]

    designer = api.token(role="designer", districts=())
    added = _post_epw(api, designer, measured, name="qingdao-cswd.epw").get_json()
    assert added["default"] is False
    assert default_names(designer) == [weather_seed.QINGDAO_NAME]
    admin = api.token(role="admin", districts=())
    again = _post_epw(
        api, admin, measured.replace(b"measured", b"measured 2", 1), name="qingdao-cswd-2.epw"
    ).get_json()
    assert again["default"] is True and default_names(admin) == [again["name"]]
