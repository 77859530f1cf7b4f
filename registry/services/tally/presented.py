"""The tally as its readers get it: plain JSON-ready values (`as_dict`), the context the
pages, the API and the documents render (names in the reader's language, every figure
with its unit), and the evidence behind the upgrade and ultra-low targets.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from registry import vocabulary
from registry.domain import dates
from registry.domain.buildings.districts import DISTRICTS
from registry.domain.buildings.types import BUILDING_TYPES
from registry.domain.tally import evidence as evidence_rules
from registry.domain.tally import period as aggregate
from registry.domain.tally import rows as counted
from registry.domain.tally import targets as rules
from registry.domain.text import NC_
from registry.i18n import Locale, lang_code, locale_of, pgettext
from registry.services.tally.targets import target_name


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_dict(tally: aggregate.Tally) -> dict:
    """The whole tally as JSON-ready plain values (numbers unrounded, dates ISO)."""
    return _plain(asdict(tally))


def _record_row(row: counted.CountedRow, names: dict[str, str], locale: Locale) -> dict:
    return {
        "target": row.target,
        "target_name": names[row.target],
        "building_id": row.building_id,
        "building_name": row.building_name,
        "district_code": row.district_code,
        "district_name": vocabulary.district(row.district_code, locale),
        "building_type": vocabulary.building_type(row.building_type, locale),
        "record_id": row.record_id,
        "kind": vocabulary.record_kind(row.kind, locale),
        "level": vocabulary.record_level(row.kind, row.level, locale),
        "label_number": row.label_number or "",
        "counted_on": row.counted_on.isoformat(),
        "area_m2": row.area_m2,
        "removed_on": row.removed_on.isoformat() if row.removed_on else "",
        "in_period": row.in_period,
    }


def context(
    tally: aggregate.Tally,
    *,
    generated_at: datetime,
    locale: object = "zh_Hans_CN",
    public_base_url: str | None = None,
) -> dict:
    """Plain values with names, for the dashboard, the PDF and the spreadsheet tables.

    With `public_base_url`, the PDF carries a QR code of the public label-verification page.
    """
    locale = locale_of(locale)
    names = {t.key: target_name(t, locale) for t in tally.targets}
    area_keys = list(rules.AREA_TARGETS)
    targets = []
    for t in tally.targets:
        item = {**_plain(asdict(t)), "name": names[t.key]}
        if t.key in tally.evidence:
            item["evidence"] = evidence_context(tally.evidence[t.key], locale)
        targets.append(item)
    return {
        "locale": lang_code(locale),
        "year": tally.start.year
        if (tally.start.month, tally.start.day, tally.end.month, tally.end.day) == (1, 1, 12, 31)
        else None,
        "start": tally.start.isoformat(),
        "end": tally.end.isoformat(),
        "as_of": tally.as_of.isoformat(),
        # A time people read: Beijing time, the zone named beside it.
        "generated_at": dates.shown(generated_at),
        "time_zone": vocabulary.time_zone(locale),
        "district": tally.district,
        "district_name": vocabulary.district(tally.district, locale),
        "building_type": tally.building_type,
        "building_type_name": vocabulary.building_type(tally.building_type, locale),
        "area_targets": [{"key": k, "name": names[k]} for k in area_keys],
        "targets": targets,
        "by_year": [
            {"year": y, "cells": [tally.by_year[y][k] for k in area_keys]}
            for y in sorted(tally.by_year)
        ],
        "by_district": [
            {
                "code": d.code,
                "name": vocabulary.district(d.code, locale),
                "cells": [tally.by_district[d.code][k] for k in area_keys],
            }
            for d in DISTRICTS
        ],
        "by_building_type": [
            {
                "code": code,
                "name": vocabulary.building_type(code, locale),
                "cells": [tally.by_building_type[code][k] for k in area_keys],
            }
            for code in BUILDING_TYPES
        ],
        "prefab": [_plain(asdict(p)) for p in tally.prefab],
        "nzeb": [
            {
                "code": d.code,
                "name": vocabulary.district(d.code, locale),
                "pilots": [{"id": i, "name": n} for i, n in d.pilots],
                "met": d.met,
                "pilot_count": d.pilot_count,
            }
            for d in tally.nzeb
        ],
        "rows": [_record_row(r, names, locale) for r in tally.rows],
        "row_count": tally.row_count,
        "later_revocations": [_record_row(r, names, locale) for r in tally.later_revocations],
        "digest": tally.digest,
        "verify_url": f"{public_base_url.rstrip('/')}/verify" if public_base_url else None,
    }


def evidence_context(figures: evidence_rules.Evidence, locale: Locale) -> dict:
    """A target's backed share as plain values with its rule and the thresholds' status in
    the reader's language."""
    pct = "" if figures.required_pct is None else f"{figures.required_pct:g}"
    status = (
        NC_("evidence thresholds", "thresholds verified")
        if figures.thresholds_verified
        else NC_("evidence thresholds", "thresholds NOT yet verified by an administrator")
    )
    return {
        "target": figures.target,
        "added_backed_m2": figures.added_backed_m2,
        "added_pct": figures.added_pct,
        "cumulative_backed_m2": figures.cumulative_backed_m2,
        "cumulative_pct": figures.cumulative_pct,
        "backed_buildings": figures.backed_buildings,
        "thresholds_verified": figures.thresholds_verified,
        "rule": pgettext("evidence rule", evidence_rules.RULES[figures.target], locale).format(
            pct=pct
        ),
        "status": pgettext("evidence thresholds", status, locale),
    }
