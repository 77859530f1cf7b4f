"""Public verification of a label number: what the certificate says, nothing about people.

Anyone holding a plaque or a PDF may check it. The answer names the building, its
district, the record's kind and level, the issue date and whether it is valid or revoked
(with the date); owners, credit codes, addresses and reviewers are never part of it.
Only records that were granted (approved, published) or revoked are verified: a draft's
number is "not found". Labels and energy levels under public notice (公示) are listed with
their notice period (`under_notice`), so anyone may object before they are published.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlmodel import Session, select

from registry import vocabulary
from registry.errors import NotFound
from registry.models import Building, Record

MAX_LABEL_LENGTH = 64


@dataclass(frozen=True)
class Verification:
    label_number: str
    building_name: str
    district_code: str
    district_zh: str
    district_en: str
    kind: str
    level: str
    level_zh: str
    level_en: str
    stage: str | None
    issued_on: date | None
    status: str  # valid | revoked
    revoked_on: date | None
    published_on: date | None = None  # labels and energy levels: the 公布 after the notice

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("issued_on", "revoked_on", "published_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def clean_label(label: str | None) -> str:
    return " ".join(str(label or "").split())[:MAX_LABEL_LENGTH]


def verify_label(*, session: Session, label: str) -> Verification:
    """The public facts of the issued label numbered `label`; NotFound otherwise."""
    label = clean_label(label)
    row = None
    if label:
        query = (
            select(Record, Building)
            .join(Building, Building.id == Record.building_id)
            .where(
                Record.label_number == label,
                Record.status.in_(("approved", "published", "revoked")),
            )
        )
        row = session.exec(query).first()
    if row is None:
        raise NotFound("verify.not_found", {"label": label})
    record, building = row
    return Verification(
        label_number=record.label_number,
        building_name=building.name,
        district_code=building.district_code,
        district_zh=vocabulary.district(building.district_code, "zh_Hans_CN"),
        district_en=vocabulary.district(building.district_code, "en"),
        kind=record.kind,
        level=record.level,
        level_zh=vocabulary.record_level(record.kind, record.level, "zh_Hans_CN"),
        level_en=vocabulary.record_level(record.kind, record.level, "en"),
        stage=record.stage,
        issued_on=record.issued_on or record.started_on,
        status="revoked" if record.status == "revoked" else "valid",
        revoked_on=record.revoked_on if record.status == "revoked" else None,
        published_on=record.published_on,
    )


@dataclass(frozen=True)
class Notice:
    """A record under public notice, as the public sees it: no people, no addresses."""

    record_id: int
    label_number: str | None
    building_name: str
    district_code: str
    district_zh: str
    district_en: str
    kind: str
    level: str
    level_zh: str
    level_en: str
    applicant: str  # the building's owner (建设单位), who applied for the label
    start: date
    end: date
    objections_open: bool  # today within the period: objections are taken

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("start", "end"):
            data[key] = data[key].isoformat()
        return data


def under_notice(*, session: Session, today: date) -> list[Notice]:
    """Every record under public notice, the latest notices first."""
    query = (
        select(Record, Building)
        .join(Building, Building.id == Record.building_id)
        .where(Record.status == "notice")
        .order_by(Record.notice_start_on.desc(), Record.id.desc())
    )
    return [
        Notice(
            record_id=record.id,
            label_number=record.label_number,
            building_name=building.name,
            district_code=building.district_code,
            district_zh=vocabulary.district(building.district_code, "zh_Hans_CN"),
            district_en=vocabulary.district(building.district_code, "en"),
            kind=record.kind,
            level=record.level,
            level_zh=vocabulary.record_level(record.kind, record.level, "zh_Hans_CN"),
            level_en=vocabulary.record_level(record.kind, record.level, "en"),
            applicant=building.owner_name,
            start=record.notice_start_on,
            end=record.notice_end_on,
            objections_open=record.approved_on <= today <= record.notice_end_on,
        )
        for record, building in session.exec(query)
    ]
