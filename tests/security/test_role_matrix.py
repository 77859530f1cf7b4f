"""Every route × every role: the status each one gets, and a readable refusal, never a 500.

`EXPECTED` names every (rule, method) the app serves; a route added without a line here
fails `test_every_route_is_in_the_matrix`, so nothing new slips in untested.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from html import unescape

import pytest

from registry.domain import dates
from registry.i18n import render
from registry.services import users as user_service
from registry.services.buildings import registration as building_service
from tests.conftest import building_data
from tests.messages import catalogue
from tests.security.conftest import DISTRICT, PASSWORD, ROLES

LOGIN = "login"  # anonymous page visitors: 302 to /login?next=…
UNAUTHORIZED = 401  # anonymous API callers

EVERYONE = frozenset(ROLES[1:])
EDITORS = frozenset({"designer_own", "officer", "admin"})  # may edit the building
REGISTRARS = frozenset({"designer_own", "designer_other", "officer", "admin"})  # in 370202
REVIEWERS = frozenset({"officer", "admin"})
ADMINS = frozenset({"admin"})
IMPORTERS = frozenset({"officer", "officer_other", "admin"})
CHECK_READERS = frozenset({"viewer", "designer_own", "officer", "admin"})
CHECK_OWNERS = frozenset({"designer_own", "admin"})
PARCEL_WRITERS = frozenset({"officer", "admin"})  # officers of the parcel's district, admins


def allowed(roles: frozenset, status: int, anonymous=LOGIN, refused: int = 403) -> dict:
    return {
        role: anonymous if role == "anonymous" else (status if role in roles else refused)
        for role in ROLES
    }


def same(status: int) -> dict:
    return dict.fromkeys(ROLES, status)


def api(roles: frozenset, status: int) -> dict:
    return allowed(roles, status, anonymous=UNAUTHORIZED)


# -- what each request points at, and what it sends --------------------------------------


def building(world):
    return {"building_id": world.building_id}


def draft(world):
    return {"record_id": world.record("draft")}


def submitted(world):
    return {"record_id": world.record("submitted")}


def approved(world):
    return {"record_id": world.record("approved")}


def notice_ended(world):
    return {"record_id": world.record("notice")}


def under_notice(world):
    return {"record_id": world.objection()[0]}


def objection(world):
    return {"objection_id": world.objection()[1]}


def check(world):
    return {"check_id": world.check()}


def tally_document(world):
    """A tally PDF's job, queued (as a long one is for the worker)."""
    from datetime import date

    from registry.models import TallyDocument

    with world.session() as session:
        row = TallyDocument(
            key=f"pdf|matrix|{uuid.uuid4().hex}",
            start_on=date(2024, 1, 1),
            end_on=date(2024, 12, 31),
            status="queued",
        )
        session.add(row)
        session.commit()
        return {"document_id": row.id}


def other_user(world):
    with world.session() as session:
        user = user_service.create_user(
            session=session,
            actor=None,
            username=f"target-{uuid.uuid4().hex[:8]}",
            password=PASSWORD,
            role="viewer",
        )
    return {"user_id": user.id}


def other_users_token(world):
    target = other_user(world)
    with world.session() as session:
        user = user_service.get_user(session=session, user_id=target["user_id"])
        user_service.issue_api_token(session=session, actor=user, user=user)
        token = user_service.list_tokens(session=session, actor=user, user=user)[0]
    return {**target, "token_id": token.id}


def quota_row(world):
    from sqlmodel import select

    from registry.models import QuotaRow

    with world.session() as session:
        return {"row_id": session.exec(select(QuotaRow.id).order_by(QuotaRow.id)).first()}


def validity_rule(world):
    from sqlmodel import select

    from registry.models import ValidityRule
    from registry.services.checks import validity as rule_service

    with world.session() as session:
        rule_service.seed(session)
        return {"rule_id": session.exec(select(ValidityRule.id).order_by(ValidityRule.id)).first()}


def saving_parameter(world):
    from sqlmodel import select

    from registry.models import SavingParameter
    from registry.services.saving.seed import seed

    with world.session() as session:
        seed(session)
        query = select(SavingParameter.id).where(SavingParameter.superseded_at.is_(None))
        return {"row_id": session.exec(query.order_by(SavingParameter.id)).first()}


def target_key(world):
    from sqlmodel import select

    from registry.models import Target

    with world.session() as session:
        return {"key": session.exec(select(Target.key).order_by(Target.key)).first()}


def parcel(world):
    """A new parcel in the world's district, recorded by its officer."""
    from registry.services.parcels import parcels as parcel_service

    with world.session() as session:
        row = parcel_service.add_parcel(
            session=session,
            actor=world.users["officer"],
            data={"number": f"MX-{uuid.uuid4().hex[:10]}", "district_code": DISTRICT},
            conditions=[{"kind": "min_star", "value": "2"}],
        )
        return {"number": row.number}


def parcel_condition(world):
    """A new parcel with an unverified condition: its number and the condition's id."""
    from registry.services.parcels import compliance
    from registry.services.parcels import parcels as parcel_service

    with world.session() as session:
        row = parcel_service.add_parcel(
            session=session,
            actor=world.users["officer"],
            data={"number": f"MXC-{uuid.uuid4().hex[:10]}", "district_code": DISTRICT},
            conditions=[{"kind": "min_star", "status": "unverified"}],
        )
        report = compliance.parcel_report(session=session, parcel=row)
        return {"number": row.number, "condition_id": report["conditions"][0]["id"]}


def parcel_sheet(world):
    sheet = f"宗地编号,区（市）,绿色建筑星级\nMXI-{uuid.uuid4().hex[:8]},{DISTRICT},2\n"
    return {
        "data": {"file": (io.BytesIO(sheet.encode()), "parcels.csv")},
        "content_type": "multipart/form-data",
    }


def policy_floor(world):
    """A new policy floor, added by the world's admin (unverified, applied)."""
    from registry.services.parcels import floors

    with world.session() as session:
        row = floors.add_floor(
            session=session, actor=world.users["admin"], raw={"name": "矩阵", "min_star": "3"}
        )
        return {"floor_id": row.id}


def new_parcel_json():
    return {
        "number": f"MXN-{uuid.uuid4().hex[:10]}",
        "district_code": DISTRICT,
        "conditions": [{"kind": "min_star", "value": 2}],
    }


def new_building_link(world):
    """A new building in the world's district, to put on a parcel."""
    with world.session() as session:
        building = building_service.register_building(
            session=session,
            actor=world.users["designer_own"],
            data=building_data(district_code=DISTRICT),
        )
    return {"json": {"building_id": building.id}}


def import_job(world):
    """A queued import job of the world's officer (the worker never takes it here)."""
    from registry.services.imports import jobs as import_jobs

    with world.session() as session:
        job = import_jobs.start_import(
            session=session,
            actor=world.users["officer"],
            kind="preview",
            sha256=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
            filename="buildings.csv",
            size_bytes=100,
            mapping=None,
            locale="zh_Hans_CN",
            enqueue=lambda job_id: None,
        )
        return {"job_id": job.id}


def meter_import_job(world):
    """A queued meter import job of the world's officer (the worker never takes it here)."""
    from registry.services.imports import jobs as import_jobs

    with world.session() as session:
        job = import_jobs.start_import(
            session=session,
            actor=world.users["officer"],
            kind="meter_preview",
            sha256=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
            filename="meters.csv",
            size_bytes=100,
            mapping=None,
            locale="zh_Hans_CN",
            enqueue=lambda job_id: None,
        )
        return {"job_id": job.id}


def meter_upload(world):
    sheet = f"登记编号,年份,用电量(kWh)\n{world.building_id},2022,120000\n"
    return {
        "data": {"file": (io.BytesIO(sheet.encode()), "meters.csv")},
        "content_type": "multipart/form-data",
    }


def uploaded_meters(world, client) -> dict:
    """Upload a meter sheet first (as the same user), then name it by its hash."""
    data = f"登记编号,年份,用电量(kWh)\n{world.building_id},2021,{uuid.uuid4().int % 10**6}\n"
    client.post(
        "/metered/imports",
        data={"file": (io.BytesIO(data.encode()), "meters.csv")},
        content_type="multipart/form-data",
    ).close()
    return {"data": {"sha256": hashlib.sha256(data.encode()).hexdigest(), "filename": "m.csv"}}


def metered_form(world):
    return {"data": {"year": "2022", "source": "bill", "electricity_kwh": "120000"}}


def metered_json(world):
    return {"json": {"year": 2022, "source": "bill", "electricity_kwh": 120000}}


def meter_sheet(world):
    sheet = f"登记编号,年份,用电量(kWh)\n{world.building_id},2022,120000\n"
    return {
        "data": {"file": (io.BytesIO(sheet.encode()), "meters.csv")},
        "content_type": "multipart/form-data",
        "query_string": {"dry_run": "1"},
    }


def cite_form(world):
    """A green label is no energy record: the citation is refused with the reason (422)."""
    return {"data": {"record_id": world.record("draft")}}


def bad_epw(world):
    return {
        "data": {"epw": (io.BytesIO(b"<html>not a weather file</html>"), "x.epw")},
        "content_type": "multipart/form-data",
    }


def label(world):
    return {"label": world.approved_label}


def nothing(world):
    return {}


def building_form(world):
    return {"data": building_data(district_code=DISTRICT)}


def record_form(world):
    return {
        "data": {
            "kind": "green_label",
            "level": "3",
            "stage": "evaluation",
            "label_number": f"QD-F-{uuid.uuid4().hex[:8]}",
            "issued_on": "2022-03-01",
            "counted_area_m2": "1000",
            "notes": "matrix",
        }
    }


def building_correction_form(world):
    # The world's building has a published label: its name changes only by a correction.
    return {"data": {**building_data(district_code=DISTRICT), "reason": "名称以许可证为准"}}


def correction_form(world):
    return {"data": {**record_form(world)["data"], "reason": "typo in the label"}}


def reason_form(world):
    return {"data": {"reason": "missing drawings", "date": dates.today().isoformat()}}


def user_form(world):
    return {
        "data": {
            "username": f"new-{uuid.uuid4().hex[:8]}",
            "password": PASSWORD,
            "role": "viewer",
            "locale": "zh_Hans_CN",
        }
    }


def login_form(world):
    # A new name each time, so no name's back-off answers instead of the check.
    return {"data": {"username": f"nobody-{uuid.uuid4().hex[:8]}", "password": "wrong-password"}}


def old_model(field: str):
    def body(world):
        return {
            "data": {field: (io.BytesIO(b"Version,9.4;\nZone,Z1;\n"), "model.idf")},
            "content_type": "multipart/form-data",
        }

    return body


def import_file(world):
    return {
        "data": {"file": (io.BytesIO(import_csv()), "buildings.csv")},
        "content_type": "multipart/form-data",
        "query_string": {"dry_run": "1"},
    }


def json_body(payload):
    def body(world):
        return {"json": payload() if callable(payload) else payload}

    return body


def new_building_json():
    return building_data(district_code=DISTRICT)


def new_record_json():
    return {
        "kind": "green_label",
        "level": "1",
        "stage": "evaluation",
        "label_number": f"QD-J-{uuid.uuid4().hex[:8]}",
        "issued_on": "2022-01-05",
    }


def new_user_json():
    return {"username": f"api-{uuid.uuid4().hex[:8]}", "password": PASSWORD, "role": "viewer"}


def import_csv() -> bytes:
    name = f"矩阵测试大厦{uuid.uuid4().hex[:8]}"
    return f"项目名称,所在区（市）,建筑类型,建筑面积\n{name},市南区,办公建筑,1200\n".encode()


def uploaded_import(world, client) -> dict:
    """Upload a sheet first (as the same user), then name it by its hash, as the page does."""
    data = import_csv()
    client.post(
        "/imports",
        data={"file": (io.BytesIO(data), "buildings.csv")},
        content_type="multipart/form-data",
    ).close()
    return {"data": {"sha256": hashlib.sha256(data).hexdigest(), "filename": "buildings.csv"}}


@dataclass(frozen=True)
class Case:
    expect: dict
    target: object = nothing
    body: object = nothing
    query: dict | None = None
    # Run with the request's own client before it; returns the request's body instead.
    prepare: object = None
    # Sent by a new user of the role's kind: the request ends its user's sessions and tokens.
    stand_in: bool = False


EXPECTED: dict[tuple[str, str], Case] = {
    # -- pages -----------------------------------------------------------------------------
    ("/", "GET"): Case(allowed(EVERYONE, 302)),
    ("/login", "GET"): Case({**same(302), "anonymous": 200}),
    ("/login", "POST"): Case(same(401), body=login_form),
    ("/logout", "POST"): Case(allowed(EVERYONE, 302), stand_in=True),
    ("/account", "GET"): Case(allowed(EVERYONE, 200)),
    # A wrong current password: refused (422) for everyone signed in, and nobody's changes.
    ("/account", "POST"): Case(
        allowed(EVERYONE, 422),
        body=lambda w: {
            "data": {
                "current_password": "not-my-password",
                "new_password": "brand-new-password-1",
                "confirm_password": "brand-new-password-1",
            }
        },
    ),
    ("/static/<path:filename>", "GET"): Case(same(200), lambda w: {"filename": "css/registry.css"}),
    ("/verify", "GET"): Case(
        same(200), body=lambda w: {"query_string": {"label": w.approved_label}}
    ),
    ("/verify/<path:label>", "GET"): Case(same(200), label),
    ("/verify/<path:label>/qr.svg", "GET"): Case(same(200), label),
    ("/api/docs", "GET"): Case(same(200)),
    ("/api/openapi.json", "GET"): Case(same(200)),
    ("/admin/users", "GET"): Case(allowed(ADMINS, 200)),
    ("/admin/users", "POST"): Case(allowed(ADMINS, 302), body=user_form),
    ("/admin/users/<int:user_id>/token", "POST"): Case(allowed(ADMINS, 200), other_user),
    ("/admin/users/<int:user_id>", "GET"): Case(allowed(ADMINS, 200), other_user),
    ("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke", "POST"): Case(
        allowed(ADMINS, 302), other_users_token
    ),
    ("/admin/users/<int:user_id>/deactivate", "POST"): Case(allowed(ADMINS, 302), other_user),
    ("/admin/users/<int:user_id>/activate", "POST"): Case(allowed(ADMINS, 302), other_user),
    ("/admin/users/<int:user_id>/reset-password", "POST"): Case(allowed(ADMINS, 200), other_user),
    ("/admin/users/<int:user_id>/clear-delay", "POST"): Case(allowed(ADMINS, 302), other_user),
    ("/account/tokens", "POST"): Case(allowed(EVERYONE, 200), stand_in=True),
    # Someone else's token is not found, for everyone: one revokes only one's own.
    ("/account/tokens/<int:token_id>/revoke", "POST"): Case(
        allowed(EVERYONE, 404), other_users_token
    ),
    # Reference data: admins only; a refused change (422) proves the admin got through.
    ("/admin/targets", "GET"): Case(allowed(ADMINS, 200)),
    ("/admin/targets/<key>", "POST"): Case(
        allowed(ADMINS, 422), target_key, lambda w: {"data": {"value": "lots"}}
    ),
    ("/admin/quotas", "GET"): Case(allowed(ADMINS, 200)),
    ("/admin/quotas/<int:row_id>", "GET"): Case(allowed(ADMINS, 200), quota_row),
    ("/admin/quotas/<int:row_id>", "POST"): Case(
        allowed(ADMINS, 422), quota_row, lambda w: {"data": {"guide_value": "lots"}}
    ),
    ("/admin/validity", "GET"): Case(allowed(ADMINS, 200)),
    ("/admin/validity/<int:rule_id>", "GET"): Case(allowed(ADMINS, 200), validity_rule),
    ("/admin/validity/<int:rule_id>", "POST"): Case(
        allowed(ADMINS, 422), validity_rule, lambda w: {"data": {"threshold": "lots"}}
    ),
    ("/admin/saving-parameters", "GET"): Case(allowed(ADMINS, 200)),
    ("/admin/saving-parameters/<int:row_id>", "GET"): Case(allowed(ADMINS, 200), saving_parameter),
    ("/admin/saving-parameters/<int:row_id>", "POST"): Case(
        allowed(ADMINS, 422), saving_parameter, lambda w: {"data": {"value": "lots"}}
    ),
    ("/admin/weather", "GET"): Case(allowed(ADMINS, 200)),
    ("/admin/weather", "POST"): Case(allowed(ADMINS, 422), body=bad_epw),
    ("/buildings", "GET"): Case(allowed(EVERYONE, 200)),
    ("/buildings/new", "GET"): Case(allowed(REGISTRARS | {"officer_other"}, 200)),
    ("/buildings/new", "POST"): Case(allowed(REGISTRARS, 302), body=building_form),
    ("/buildings/<int:building_id>", "GET"): Case(allowed(EVERYONE, 200), building),
    ("/buildings/<int:building_id>/edit", "GET"): Case(allowed(EDITORS, 200), building),
    # Its label passed review: reviewers correct it with a reason; its designer is refused.
    ("/buildings/<int:building_id>/edit", "POST"): Case(
        {**allowed(EDITORS, 302), "designer_own": 409}, building, building_correction_form
    ),
    ("/buildings/<int:building_id>/records/new", "GET"): Case(allowed(EDITORS, 200), building),
    ("/buildings/<int:building_id>/records/new", "POST"): Case(
        allowed(EDITORS, 302), building, record_form
    ),
    ("/buildings/<int:building_id>/checks/new", "GET"): Case(allowed(EDITORS, 200), building),
    # An EnergyPlus 9.4 model: whoever may upload gets past the permission to the 422.
    ("/buildings/<int:building_id>/checks/new", "POST"): Case(
        allowed(EDITORS, 422), building, old_model("idf")
    ),
    ("/records/<int:record_id>/edit", "GET"): Case(allowed(EDITORS, 200), draft),
    ("/records/<int:record_id>/edit", "POST"): Case(allowed(EDITORS, 302), draft, record_form),
    ("/records/<int:record_id>/submit", "POST"): Case(allowed(EDITORS, 302), draft),
    ("/records/<int:record_id>/approve", "POST"): Case(allowed(REVIEWERS, 302), submitted),
    ("/records/<int:record_id>/reject", "GET"): Case(allowed(REVIEWERS, 200), submitted),
    ("/records/<int:record_id>/reject", "POST"): Case(
        allowed(REVIEWERS, 302), submitted, reason_form
    ),
    ("/records/<int:record_id>/revoke", "GET"): Case(allowed(REVIEWERS, 200), approved),
    ("/records/<int:record_id>/revoke", "POST"): Case(
        allowed(REVIEWERS, 302), approved, reason_form
    ),
    ("/records/<int:record_id>/publish", "GET"): Case(allowed(REVIEWERS, 200), notice_ended),
    ("/records/<int:record_id>/publish", "POST"): Case(
        allowed(REVIEWERS, 302),
        notice_ended,
        lambda w: {"data": {"date": dates.today().isoformat()}},
    ),
    ("/objections/<int:objection_id>/resolve", "POST"): Case(
        allowed(REVIEWERS, 302),
        objection,
        lambda w: {"data": {"outcome": "dismissed", "note": "核实无误"}},
    ),
    ("/verify/notices", "GET"): Case(same(200)),
    ("/verify/notices/<int:record_id>/objections", "POST"): Case(
        same(302), under_notice, lambda w: {"data": {"reason": "面积不符", "contact": "王 139"}}
    ),
    ("/admin/settings", "GET"): Case(allowed(ADMINS, 200)),
    ("/admin/settings/<key>", "POST"): Case(
        allowed(ADMINS, 422),
        lambda w: {"key": "notice_working_days"},
        lambda w: {"data": {"value": "0"}},
    ),
    ("/admin/calendar", "POST"): Case(
        allowed(ADMINS, 422), body=lambda w: {"data": {"year": "x", "source": ""}}
    ),
    ("/admin/calendar/<int:year>/confirm", "POST"): Case(
        allowed(ADMINS, 302), lambda w: {"year": 2021}
    ),
    ("/records/<int:record_id>/correct", "GET"): Case(allowed(REVIEWERS, 200), approved),
    ("/records/<int:record_id>/correct", "POST"): Case(
        allowed(REVIEWERS, 302), approved, correction_form
    ),
    ("/checks", "GET"): Case(allowed(EVERYONE, 200)),
    ("/checks/<int:check_id>", "GET"): Case(allowed(CHECK_READERS, 200), check),
    ("/checks/<int:check_id>/cancel", "POST"): Case(allowed(CHECK_OWNERS, 302), check),
    ("/checks/<int:check_id>/report.pdf", "GET"): Case(allowed(CHECK_READERS, 200), check),
    ("/dashboard", "GET"): Case(allowed(EVERYONE, 200)),
    ("/parcels", "GET"): Case(allowed(EVERYONE, 200)),
    # Any officer may open the form; the district decides when it is sent.
    ("/parcels/new", "GET"): Case(allowed(PARCEL_WRITERS | {"officer_other"}, 200)),
    ("/parcels/new", "POST"): Case(
        allowed(PARCEL_WRITERS, 302), body=lambda w: {"data": new_parcel_json() | {"min_star": "2"}}
    ),
    ("/parcels/<number>", "GET"): Case(allowed(EVERYONE, 200), parcel),
    ("/parcels/<number>/link", "POST"): Case(
        allowed(PARCEL_WRITERS, 302),
        parcel,
        lambda w: {"data": new_building_link(w)["json"]},
    ),
    ("/parcels/<number>/conditions", "POST"): Case(
        allowed(PARCEL_WRITERS, 302),
        parcel,
        lambda w: {"data": {"kind": "min_prefab_pct", "value": "30"}},
    ),
    ("/parcels/<number>/conditions/<int:condition_id>/verify", "POST"): Case(
        allowed(PARCEL_WRITERS, 302), parcel_condition, lambda w: {"data": {"value": "2"}}
    ),
    ("/parcels/import", "GET"): Case(allowed(IMPORTERS, 200)),
    # A dry run of one row in the world's district: the other district's officer is told
    # so in the row's problems (422), not refused the page.
    ("/parcels/import", "POST"): Case(
        {**allowed(IMPORTERS, 200), "officer_other": 422}, body=parcel_sheet
    ),
    ("/parcels/floors", "GET"): Case(allowed(EVERYONE, 200)),
    ("/parcels/floors", "POST"): Case(
        allowed(ADMINS, 302), body=lambda w: {"data": {"name": "矩阵", "min_star": "2"}}
    ),
    ("/parcels/floors/<int:floor_id>/retire", "POST"): Case(allowed(ADMINS, 302), policy_floor),
    ("/parcels/breaches", "GET"): Case(allowed(EVERYONE, 200)),
    ("/parcels/breaches.<fmt>", "GET"): Case(allowed(EVERYONE, 200), lambda w: {"fmt": "xlsx"}),
    ("/dashboard/tally-<int:year>.<fmt>", "GET"): Case(
        allowed(EVERYONE, 200), lambda w: {"year": 2024, "fmt": "csv"}
    ),
    # The buildings behind the tally's evidence figures: everyone who reads the dashboard.
    ("/dashboard/evidence-<int:year>/<target>", "GET"): Case(
        allowed(EVERYONE, 200), lambda w: {"year": 2024, "target": "ultra_low_energy"}
    ),
    # A tally PDF being made: its progress, to everyone who may download the tally.
    ("/dashboard/documents/<int:document_id>", "GET"): Case(allowed(EVERYONE, 202), tally_document),
    ("/buildings/export.csv", "GET"): Case(allowed(EVERYONE, 200)),
    ("/buildings/export.xlsx", "GET"): Case(allowed(EVERYONE, 200)),
    ("/imports", "GET"): Case(allowed(IMPORTERS, 200)),
    ("/imports", "POST"): Case(
        allowed(IMPORTERS, 200),
        body=lambda w: {
            "data": {"file": (io.BytesIO(import_csv()), "buildings.csv")},
            "content_type": "multipart/form-data",
        },
    ),
    ("/imports/preview", "POST"): Case(allowed(IMPORTERS, 200), prepare=uploaded_import),
    ("/imports/template.xlsx", "GET"): Case(allowed(IMPORTERS, 200)),
    ("/imports/errors.xlsx", "POST"): Case(allowed(IMPORTERS, 200), prepare=uploaded_import),
    # Stored for the district's officer and the admin; the other district's rows are refused.
    # Queued for the worker: the page goes to the job's progress.
    ("/imports/commit", "POST"): Case(allowed(IMPORTERS, 303), prepare=uploaded_import),
    # An import job is its maker's (and the administrators'); other importers are refused.
    ("/imports/jobs/<int:job_id>", "GET"): Case(allowed(PARCEL_WRITERS, 200), import_job),
    ("/imports/jobs/<int:job_id>.json", "GET"): Case(allowed(PARCEL_WRITERS, 200), import_job),
    ("/imports/jobs/<int:job_id>/cancel", "POST"): Case(allowed(PARCEL_WRITERS, 303), import_job),
    # Measured energy is the bureau's: officers of the building's district and admins.
    ("/buildings/<int:building_id>/metered", "POST"): Case(
        allowed(PARCEL_WRITERS, 302), building, metered_form
    ),
    ("/quota-list", "GET"): Case(allowed(EVERYONE, 200)),
    # The meter data import: importers upload; its jobs are their maker's (and the admins').
    ("/metered/imports", "GET"): Case(allowed(IMPORTERS, 200)),
    ("/metered/imports", "POST"): Case(allowed(IMPORTERS, 200), body=meter_upload),
    ("/metered/imports/commit", "POST"): Case(allowed(IMPORTERS, 303), prepare=uploaded_meters),
    ("/metered/imports/jobs/<int:job_id>", "GET"): Case(
        allowed(PARCEL_WRITERS, 200), meter_import_job
    ),
    ("/metered/imports/jobs/<int:job_id>.json", "GET"): Case(
        allowed(PARCEL_WRITERS, 200), meter_import_job
    ),
    ("/metered/imports/jobs/<int:job_id>/cancel", "POST"): Case(
        allowed(PARCEL_WRITERS, 303), meter_import_job
    ),
    ("/checks/<int:check_id>/cite", "POST"): Case(allowed(EDITORS, 422), check, cite_form),
    # -- JSON API --------------------------------------------------------------------------
    ("/api/v1/buildings", "GET"): Case(api(EVERYONE, 200)),
    ("/api/v1/buildings", "POST"): Case(api(REGISTRARS, 201), body=json_body(new_building_json)),
    ("/api/v1/buildings/export", "GET"): Case(api(EVERYONE, 200)),
    ("/api/v1/buildings/<int:building_id>", "GET"): Case(api(EVERYONE, 200), building),
    ("/api/v1/buildings/<int:building_id>", "PATCH"): Case(
        api(EDITORS, 200), building, json_body({"design_unit": "青岛某设计院"})
    ),
    ("/api/v1/buildings/<int:building_id>/history", "GET"): Case(api(EVERYONE, 200), building),
    ("/api/v1/buildings/<int:building_id>/records", "GET"): Case(api(EVERYONE, 200), building),
    ("/api/v1/buildings/<int:building_id>/records", "POST"): Case(
        api(EDITORS, 201), building, json_body(new_record_json)
    ),
    ("/api/v1/buildings/<int:building_id>/checks", "POST"): Case(
        api(EDITORS, 422), building, old_model("idf")
    ),
    ("/api/v1/records/<int:record_id>", "GET"): Case(api(EVERYONE, 200), draft),
    ("/api/v1/records/<int:record_id>", "PATCH"): Case(
        api(EDITORS, 200), draft, json_body({"notes": "changed"})
    ),
    ("/api/v1/records/<int:record_id>/submit", "POST"): Case(api(EDITORS, 200), draft),
    ("/api/v1/records/<int:record_id>/approve", "POST"): Case(api(REVIEWERS, 200), submitted),
    ("/api/v1/records/<int:record_id>/reject", "POST"): Case(
        api(REVIEWERS, 200), submitted, json_body({"reason": "missing drawings"})
    ),
    ("/api/v1/records/<int:record_id>/revoke", "POST"): Case(
        api(REVIEWERS, 200),
        approved,
        json_body(lambda: {"reason": "fraud", "date": dates.today().isoformat()}),
    ),
    ("/api/v1/records/<int:record_id>/publish", "POST"): Case(api(REVIEWERS, 200), notice_ended),
    ("/api/v1/records/<int:record_id>/objections", "GET"): Case(api(REVIEWERS, 200), under_notice),
    ("/api/v1/objections/<int:objection_id>/resolve", "POST"): Case(
        api(REVIEWERS, 200), objection, json_body({"outcome": "dismissed", "note": "核实无误"})
    ),
    ("/api/v1/buildings/<int:building_id>/correct", "POST"): Case(
        {**api(EDITORS, 200), "designer_own": 409},
        building,
        json_body(lambda: {"name": f"更正名称{uuid.uuid4().hex[:6]}", "reason": "笔误"}),
    ),
    ("/api/v1/records/<int:record_id>/correct", "POST"): Case(
        api(REVIEWERS, 200), approved, json_body({"reason": "typo", "notes": "corrected"})
    ),
    ("/api/v1/checks", "GET"): Case(api(EVERYONE, 200)),
    ("/api/v1/checks/<int:check_id>", "GET"): Case(api(CHECK_READERS, 200), check),
    ("/api/v1/checks/<int:check_id>/cancel", "POST"): Case(api(CHECK_OWNERS, 200), check),
    ("/api/v1/imports", "POST"): Case(api(IMPORTERS, 200), body=import_file),
    ("/api/v1/imports/template", "GET"): Case(api(IMPORTERS, 200)),
    ("/api/v1/imports/errors", "POST"): Case(api(IMPORTERS, 200), body=import_file),
    ("/api/v1/tally", "GET"): Case(api(EVERYONE, 200)),
    ("/api/v1/imports/jobs/<int:job_id>", "GET"): Case(api(PARCEL_WRITERS, 200), import_job),
    ("/api/v1/imports/jobs/<int:job_id>/cancel", "POST"): Case(
        api(PARCEL_WRITERS, 200), import_job
    ),
    ("/api/v1/buildings/<int:building_id>/metered", "GET"): Case(api(EVERYONE, 200), building),
    ("/api/v1/buildings/<int:building_id>/metered", "POST"): Case(
        api(PARCEL_WRITERS, 201), building, metered_json
    ),
    ("/api/v1/metered/imports", "POST"): Case(api(IMPORTERS, 200), body=meter_sheet),
    ("/api/v1/metered/imports/jobs/<int:job_id>", "GET"): Case(
        api(PARCEL_WRITERS, 200), meter_import_job
    ),
    ("/api/v1/metered/imports/jobs/<int:job_id>/cancel", "POST"): Case(
        api(PARCEL_WRITERS, 200), meter_import_job
    ),
    ("/api/v1/quota-list", "GET"): Case(api(EVERYONE, 200)),
    ("/api/v1/parcels", "GET"): Case(api(EVERYONE, 200)),
    ("/api/v1/parcels", "POST"): Case(api(PARCEL_WRITERS, 201), body=json_body(new_parcel_json)),
    ("/api/v1/parcel-breaches", "GET"): Case(api(EVERYONE, 200)),
    ("/api/v1/parcels/<number>", "GET"): Case(api(EVERYONE, 200), parcel),
    ("/api/v1/parcels/<number>", "PATCH"): Case(
        api(PARCEL_WRITERS, 200), parcel, json_body({"land_use": "住宅"})
    ),
    ("/api/v1/parcels/<number>/conditions/<int:condition_id>/verify", "POST"): Case(
        api(PARCEL_WRITERS, 200), parcel_condition, json_body({"value": 2})
    ),
    ("/api/v1/parcels/<number>/buildings", "POST"): Case(
        api(PARCEL_WRITERS, 200), parcel, new_building_link
    ),
    ("/api/v1/parcels/<number>/conditions", "POST"): Case(
        api(PARCEL_WRITERS, 201), parcel, json_body({"kind": "min_ultra_low_m2", "value": 500})
    ),
    ("/api/v1/users", "GET"): Case(api(ADMINS, 200)),
    ("/api/v1/users", "POST"): Case(api(ADMINS, 201), body=json_body(new_user_json)),
    ("/api/v1/users/me", "GET"): Case(api(EVERYONE, 200)),
    ("/api/v1/users/<int:user_id>/token", "POST"): Case(api(ADMINS, 201), other_user),
    ("/api/v1/users/<int:user_id>/tokens", "GET"): Case(api(ADMINS, 200), other_user),
    ("/api/v1/users/<int:user_id>/tokens/<int:token_id>/revoke", "POST"): Case(
        api(ADMINS, 200), other_users_token
    ),
    ("/api/v1/users/<int:user_id>/deactivate", "POST"): Case(api(ADMINS, 200), other_user),
    ("/api/v1/users/<int:user_id>/activate", "POST"): Case(api(ADMINS, 200), other_user),
    ("/api/v1/users/<int:user_id>/reset-password", "POST"): Case(api(ADMINS, 200), other_user),
    ("/api/v1/verify/<path:label>", "GET"): Case(same(200), label),
    ("/api/v1/weather", "GET"): Case(api(EVERYONE, 200)),
    # Designers add the weather their checks run with (`registry check --epw`); not viewers.
    ("/api/v1/weather", "POST"): Case(api(EVERYONE - {"viewer"}, 422), body=bad_epw),
}

_VARIABLE = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")
# The start of every refusal a page or API can give, before its first placeholder.
REFUSALS = {
    code: (zh, en)
    for code, (zh, en) in catalogue().items()
    if code.startswith(("permission.", "auth."))
    or code
    in {"http.403", "import.officers_only", "import.job_not_yours", "metered.import.not_permitted"}
}


def url_for_rule(rule: str, values: dict) -> str:
    return _VARIABLE.sub(lambda m: str(values[m.group(1)]), rule)


def served_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or ()) - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_matrix(world):
    served = served_routes(world.app)
    missing = sorted(served - EXPECTED.keys())
    assert not missing, f"routes without an expectation in the role matrix: {missing}"
    assert not sorted(EXPECTED.keys() - served), "matrix lines for routes that are gone"


def page_text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def assert_readable_refusal(response, *, is_api: bool, lang: str = "zh") -> None:
    which = 0 if lang == "zh" else 1
    if is_api:
        body = response.get_json()
        assert body["code"] in REFUSALS, body
        assert body["message"] and body["message"] != body["code"]
        template = REFUSALS[body["code"]][which]
        assert body["message"].startswith(template.split("{")[0]), body
    else:
        assert response.mimetype == "text/html"
        text = page_text(response)
        starts = [pair[which].split("{")[0] for pair in REFUSALS.values()]
        assert any(start in text for start in starts), text[:500]
        assert "Traceback" not in text


def call(world, rule: str, method: str, role: str, lang: str | None = None):
    case = EXPECTED[(rule, method)]
    path = url_for_rule(rule, case.target(world))
    options = dict(case.body(world))
    query = {**(case.query or {}), **options.pop("query_string", {})}
    is_api = rule.startswith("/api/v1/")
    if is_api:
        client = world.app.test_client()
        options["headers"] = world.headers(role, lang)
    else:
        user = world.stand_in(role) if case.stand_in and role != "anonymous" else None
        client = world.client(role, lang, user=user)
    if case.prepare is not None:
        options = case.prepare(world, client)
    response = client.open(path, method=method, query_string=query, **options)
    response.get_data()
    response.close()
    return response


CASES = [(rule, method, role) for (rule, method) in EXPECTED for role in ROLES]


@pytest.mark.parametrize(
    ("rule", "method", "role"), CASES, ids=[f"{m} {r} as {who}" for r, m, who in CASES]
)
def test_route_answers_each_role_as_expected(world, rule, method, role):
    expected = EXPECTED[(rule, method)].expect[role]
    response = call(world, rule, method, role)
    is_api = rule.startswith("/api/v1/")
    if expected == LOGIN:
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        assert response.headers["Location"].startswith("/login?next=")
        return
    assert response.status_code == expected, response.get_data(as_text=True)[:600]
    if expected == UNAUTHORIZED and is_api:
        assert response.get_json() == {
            "code": "auth.required",
            "message": render("auth.required", {}, "zh"),
            "errors": {},
        }
    if expected == 403:
        assert_readable_refusal(response, is_api=is_api)


@pytest.mark.parametrize(
    ("rule", "method", "role"),
    [
        ("/admin/users", "GET", "officer"),
        ("/buildings/<int:building_id>/edit", "POST", "designer_other"),
        ("/records/<int:record_id>/approve", "POST", "designer_own"),
        ("/api/v1/users", "GET", "viewer"),
        ("/api/v1/records/<int:record_id>/approve", "POST", "officer_other"),
        ("/api/v1/checks/<int:check_id>", "GET", "designer_other"),
    ],
)
def test_refusals_read_in_english_too(world, rule, method, role):
    response = call(world, rule, method, role, lang="en")
    assert response.status_code == 403
    assert_readable_refusal(response, is_api=rule.startswith("/api/"), lang="en")


def test_matrix_size(world):
    """The report quotes this: routes × roles actually exercised."""
    assert len(CASES) == len(EXPECTED) * len(ROLES) >= 60 * 7
