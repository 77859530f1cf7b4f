"""Import pages (upload → preview with reasons and column choices → confirm) and exports.

The uploaded file waits in UPLOAD_DIR/imports between the preview and the confirmation,
named by the user's id and the file's SHA-256, so the commit stores exactly the file
that was previewed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry.auth import actor_of
from registry.domain.imports.headers import EXTRA_FIELDS, FIELDS, IGNORE
from registry.errors import RegistryError, ValidationFailed
from registry.extensions import get_session, request_locale
from registry.i18n import locale_of
from registry.services import permissions
from registry.services.imports import exports
from registry.services.imports.commit import commit_import
from registry.services.imports.preview import preview_import, save_mapping
from registry.web import display, started
from registry.web.buildings import _filters as list_filters

bp = Blueprint("imports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_IMPORT_LABELS = {
    "star_level": _l("Star rating"),
    "energy_level": _l("Energy level"),
    "retrofit_kind": _l("Retrofit type"),
    "floor_area_10k_m2": _l("Floor area (10,000 m²)"),
    "counted_area_10k_m2": _l("Counted area (10,000 m²)"),
    "completion_date": _l("Completion date (building or retrofit)"),
    "start_date": _l("Start date (retrofit)"),
}


def field_choices() -> list[tuple[str, str]]:
    """The fields a column can be mapped to, as (value, label)."""
    names = [name for name in (*FIELDS, *EXTRA_FIELDS) if name != IGNORE]
    return [(name, str(_IMPORT_LABELS.get(name) or display.field_label(name))) for name in names]


def _actor():
    actor = actor_of(current_user)
    permissions.require_importer(actor)
    return actor


def _stored_path(actor, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
        raise ValidationFailed({"file": ("field.required", {})})
    folder = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{actor.id}-{sha256}"


def _mapping_from_form() -> dict[str, str]:
    """{header: field} from the preview page's selects named map:<index>."""
    mapping = {}
    for key, header in request.form.items():
        if key.startswith("header:"):
            choice = request.form.get("map:" + key.removeprefix("header:"), "")
            if choice:
                mapping[header] = choice
    return mapping


def _preview_page(actor, data: bytes, filename: str, mapping: dict, status: int = 200):
    preview = preview_import(
        session=get_session(),
        actor=actor,
        data=data,
        filename=filename,
        mapping=mapping,
        locale=display.locale(),
    )
    return render_template(
        "imports/preview.html",
        preview=preview,
        filename=filename,
        mapping=mapping,
        field_choices=field_choices(),
        ignore=IGNORE,
    ), status


@bp.route("/imports", methods=["GET", "POST"])
def upload():
    """Upload a spreadsheet and see what each row would become."""
    actor = _actor()
    if request.method == "GET":
        return render_template("imports/upload.html", error=None)
    file = request.files.get("file")
    if file is None or not file.filename:
        return render_template("imports/upload.html", error=display.message("field.required")), 422
    data = file.read()
    sha256 = hashlib.sha256(data).hexdigest()
    _stored_path(actor, sha256).write_bytes(data)
    try:
        return _preview_page(actor, data, file.filename, {})
    except RegistryError as exc:
        return render_template(
            "imports/upload.html", error=display.message(exc.code, exc.params)
        ), exc.status


@bp.route("/imports/preview", methods=["POST"])
def remap():
    """Preview the uploaded file again with the columns mapped by hand (and maybe saved)."""
    actor = _actor()
    path = _stored_path(actor, request.form.get("sha256", ""))
    if not path.exists():
        return render_template(
            "imports/upload.html", error=display.message("import.upload_expired")
        ), 410
    mapping = _mapping_from_form()
    if request.form.get("save_mapping") and mapping:
        save_mapping(session=get_session(), actor=actor, mapping=mapping)
    return _preview_page(actor, path.read_bytes(), request.form.get("filename", ""), mapping)


@bp.route("/imports/commit", methods=["POST"])
def commit():
    """Store every accepted row of the previewed file, or nothing."""
    actor = _actor()
    path = _stored_path(actor, request.form.get("sha256", ""))
    if not path.exists():
        return render_template(
            "imports/upload.html", error=display.message("import.upload_expired")
        ), 410
    result = commit_import(
        session=get_session(),
        actor=actor,
        data=path.read_bytes(),
        filename=request.form.get("filename", ""),
        mapping=_mapping_from_form(),
        locale=display.locale(),
    )
    path.unlink(missing_ok=True)
    return render_template(
        "imports/done.html", result=result, preview=result.preview
    ), 201 if result.batch else 200


def _export_filters():
    filters, problems = list_filters()
    if problems:
        raise ValidationFailed(problems)
    # ?headers= chooses the sheet's language (not ?lang=, which would also switch the page's
    # for the session); without it, the reader's own.
    return filters, locale_of(request.args.get("headers") or request_locale())


@bp.route("/buildings/export.csv")
def export_csv():
    """Download the filtered building list with its records as CSV."""
    filters, lang = _export_filters()
    stream = exports.export_csv(session=get_session(), filters=filters, lang=lang)
    return Response(
        stream_with_context(started(stream)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=buildings.csv"},
    )


@bp.route("/buildings/export.xlsx")
def export_xlsx():
    """Download the filtered building list with its records as XLSX."""
    filters, lang = _export_filters()
    data = exports.export_xlsx(session=get_session(), filters=filters, lang=lang)
    return Response(
        data, mimetype=XLSX, headers={"Content-Disposition": "attachment; filename=buildings.xlsx"}
    )
