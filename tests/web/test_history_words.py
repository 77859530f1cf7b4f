"""The building's history reads in words: field names, values of the kind they belonged to,
weather by its place, no bookkeeping columns."""

from __future__ import annotations

from types import SimpleNamespace

from registry.web import display


def _event(action, before, after):
    return SimpleNamespace(
        at=None,
        actor_name="王工",
        entity="record",
        entity_id=1,
        action=action,
        before=before,
        after=after,
        reason="",
    )


def test_a_level_before_a_change_of_kind_reads_as_a_level_of_the_old_kind(app):
    event = _event(
        "update",
        {"kind": "energy", "level": "ultra_low"},
        {"kind": "retrofit", "level": "residential_green"},
    )
    with app.test_request_context("/?lang=zh"):
        rows = display.history_rows([event])
    changes = {c["field"]: (c["before"], c["after"]) for c in rows[0]["changes"]}
    before, after = changes["等级"]
    assert "ultra_low" not in before and before != after
    assert "_" not in before + after


def test_a_check_event_names_its_fields_and_the_weather_place(app):
    event = _event(
        "create", {}, {"idf_sha256": "ab" * 32, "weather": "qingdao-synthetic", "cached": False}
    )
    with app.test_request_context("/?lang=zh"):
        rows = display.history_rows([event])
    shown = {c["field"]: c["after"] for c in rows[0]["changes"]}
    assert shown["气象数据"] == "青岛" and shown["复用相同的既往计算"] == "否"
    assert "模型 SHA-256" in shown
