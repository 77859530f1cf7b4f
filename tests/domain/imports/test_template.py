"""The import template is derived from the header aliases and the parsers' vocabularies."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.buildings import records
from registry.domain.buildings.districts import DISTRICTS
from registry.domain.buildings.types import BUILDING_TYPES
from registry.domain.imports import normalise
from registry.domain.imports.headers import IGNORE, map_headers, parse_building_type
from registry.domain.imports.rows import validate_row
from registry.domain.imports.template import EXAMPLE, NUMBER_HEADER, columns
from registry.i18n import pgettext, render

TODAY = date(2026, 12, 4)


def test_every_template_header_reads_back_as_its_field():
    headers = [NUMBER_HEADER, *(column.header for column in columns())]
    mapping, unknown = map_headers(headers)
    assert unknown == []
    assert mapping == {NUMBER_HEADER: IGNORE, **{c.header: c.field for c in columns()}}
    # Each language alone too: a user may delete either line of a header.
    for column in columns():
        assert map_headers([column.chinese, column.english])[0] == {
            column.chinese: column.field,
            column.english: column.field,
        }


def test_the_example_row_is_valid_and_skipped_as_the_example():
    mapping = {c.header: c.field for c in columns()}
    raw = {c.header: EXAMPLE.get(c.field) for c in columns()}
    result = validate_row(raw, mapping, 2, today=TODAY)
    assert result.outcome == "ok", result.problems
    assert (result.row.kind, result.row.level) == (records.GREEN_LABEL, "2")
    for mark in ("示例", "Example"):
        marked = validate_row({NUMBER_HEADER: mark, **raw}, mapping, 2, today=TODAY)
        assert marked.outcome == "example"


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_the_values_a_description_lists_are_the_values_the_parser_reads(locale):
    described = {c.field: render(c.description, c.params, locale) for c in columns()}
    assert all(text and not text.startswith("import.column") for text in described.values())
    readers = {
        "district_code": (
            "district",
            {d.code: d.name for d in DISTRICTS},
            lambda v: (
                validate_row(
                    {"d": v, "n": "x", "t": "办公", "a": 1}, _M, 2, today=TODAY
                ).row.district_code
            ),
        ),
        "building_type": ("building type", BUILDING_TYPES, parse_building_type),
        "star_level": (
            "record level",
            records.LEVELS[records.GREEN_LABEL],
            normalise.parse_star_level,
        ),
        "energy_level": (
            "record level",
            records.LEVELS[records.ENERGY],
            normalise.parse_energy_level,
        ),
        "retrofit_kind": (
            "record level",
            records.LEVELS[records.RETROFIT],
            normalise.parse_retrofit_kind,
        ),
        "stage": ("record stage", records.STAGES, normalise.parse_stage),
    }
    for name, (context, vocabulary, parse) in readers.items():
        for code, english in vocabulary.items():
            shown = pgettext(context, english, locale)
            assert shown in described[name], (name, shown)
            assert parse(shown) == code, (name, shown)


_M = {"n": "name", "d": "district_code", "t": "building_type", "a": "floor_area_m2"}


def test_a_header_over_two_lines_is_one_phrase_before_it_is_two_languages():
    headers = ["建设单位\n统一社会信用代码", "项目名称\nProject name", "甲\n乙"]
    mapping, unknown = map_headers(headers)
    assert mapping == {
        "建设单位\n统一社会信用代码": "owner_credit_code",
        "项目名称\nProject name": "name",
    }
    assert unknown == ["甲\n乙"]
