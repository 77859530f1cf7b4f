"""Import pages (upload → preview with reasons and column choices → confirm) and exports.

The uploaded file waits in UPLOAD_DIR/imports between the preview and the confirmation,
named by the user's id and the file's SHA-256, so the commit stores exactly the file
that was previewed.
"""

from __future__ import annotations

import hashlib
import json
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
from flask_babel import gettext
from flask_login import current_user

from registry.auth import actor_of
from registry.domain.imports.headers import (
    FIELD_NAMES,
    HEADER_ALIASES,
    IGNORE,
    guess_field,
    normalise_header,
)
from registry.errors import RegistryError, ValidationFailed
from registry.extensions import get_session
from registry.i18n import locale_of
from registry.services import permissions
from registry.services.imports import exports
from registry.services.imports.commit import commit_import
from registry.services.imports.error_file import error_file_xlsx
from registry.services.imports.preview import preview_import, save_mapping
from registry.services.imports.template import template_xlsx
from registry.web import display, started
from registry.web.buildings import _filters as list_filters

bp = Blueprint("imports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def field_choices() -> list[tuple[str, str]]:
    """The fields a column can be mapped to, as (value, label)."""
    return [(name, gettext(label)) for name, label in FIELD_NAMES.items()]


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


def _mapping_token(pairs) -> str:
    """A digest of (header, field) choices: says whether the confirmed choices are the
    previewed ones (a browser may send a header's line break as CR LF)."""
    canonical = sorted((normalise_header(header), name) for header, name in pairs)
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()[:32]


def _preview_page(
    actor, data: bytes, filename: str, mapping: dict, status: int = 200, notice: str = ""
):
    preview = preview_import(
        session=get_session(),
        actor=actor,
        data=data,
        filename=filename,
        mapping=mapping,
        locale=display.locale(),
    )
    previewed = _mapping_token((column.header, column.field) for column in preview.mapping)
    return render_template(
        "imports/preview.html",
        preview=preview,
        filename=filename,
        mapping=mapping,
        previewed=previewed,
        notice=notice,
        field_choices=field_choices(),
        ignore=IGNORE,
    ), status


def _upload_page(error=None, status: int = 200):
    """The upload form, with the headers each field is recognised by."""
    aliases = [
        (label, HEADER_ALIASES[name]) for name, label in field_choices() if name in HEADER_ALIASES
    ]
    return render_template("imports/upload.html", error=error, aliases=aliases), status


@bp.route("/imports", methods=["GET", "POST"])
def upload():
    """Upload a spreadsheet and see what each row would become."""
    actor = _actor()
    if request.method == "GET":
        return _upload_page()
    file = request.files.get("file")
    if file is None or not file.filename:
        return _upload_page(display.message("field.required"), 422)
    data = file.read()
    sha256 = hashlib.sha256(data).hexdigest()
    _stored_path(actor, sha256).write_bytes(data)
    try:
        return _preview_page(actor, data, file.filename, {})
    except RegistryError as exc:
        return _upload_page(display.message(exc.code, exc.params), exc.status)


@bp.route("/imports/template.xlsx")
def template():
    """Download the import template: headers in Chinese and English, an example, a guide."""
    _actor()
    return Response(
        template_xlsx(locale=display.locale()),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=import-template.xlsx"},
    )


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
    # Only the choices that differ from what the headers say alone are worth remembering.
    chosen = {header: name for header, name in mapping.items() if name != _default(header)}
    if request.form.get("save_mapping") and chosen:
        save_mapping(session=get_session(), actor=actor, mapping=chosen)
    return _preview_page(actor, path.read_bytes(), request.form.get("filename", ""), mapping)


def _default(header: str) -> str:
    return guess_field(header) or IGNORE


@bp.route("/imports/errors.xlsx", methods=["POST"])
def error_file():
    """Download the refused rows with their reasons, to fix and upload again."""
    actor = _actor()
    path = _stored_path(actor, request.form.get("sha256", ""))
    if not path.exists():
        return _upload_page(display.message("import.upload_expired"), 410)
    filename = request.form.get("filename", "")
    data = error_file_xlsx(
        session=get_session(),
        actor=actor,
        data=path.read_bytes(),
        filename=filename,
        mapping=_mapping_from_form(),
        locale=display.locale(),
    )
    stem = re.sub(r"[^\w.-]+", "_", filename.rsplit(".", 1)[0], flags=re.ASCII) or "import"
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={stem}-refused.xlsx"},
    )


@bp.route("/imports/commit", methods=["POST"])
def commit():
    """Store every accepted row of the previewed file, or nothing."""
    actor = _actor()
    path = _stored_path(actor, request.form.get("sha256", ""))
    if not path.exists():
        return render_template(
            "imports/upload.html", error=display.message("import.upload_expired")
        ), 410
    mapping = _mapping_from_form()
    previewed = request.form.get("previewed")
    if previewed and previewed != _mapping_token(mapping.items()):
        # The selects were changed after the preview: show what they do before storing.
        notice = display.message("import.mapping_changed")
        return _preview_page(
            actor, path.read_bytes(), request.form.get("filename", ""), mapping, 409, notice
        )
    result = commit_import(
        session=get_session(),
        actor=actor,
        data=path.read_bytes(),
        filename=request.form.get("filename", ""),
        mapping=mapping,
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
    # Not ?lang=, which would also switch the page language for the session.
    return filters, locale_of(request.args.get("headers"))


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
