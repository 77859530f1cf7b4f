"""The pilot's targets as data: admins change values and dates; every change is audited."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from registry.models.core import utcnow


class Target(SQLModel, table=True):
    __tablename__ = "targets"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    unit: str = Field(max_length=20)  # m2 | percent | districts
    value: float
    baseline: date
    midterm: date
    deadline: date
    policy_item: str = Field(default="", max_length=40)
    updated_at: datetime = Field(default_factory=utcnow)
