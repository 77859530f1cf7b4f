"""The OpenAPI 3.1 document, built from the app's own routes, and a page that shows it.

Built from `app.url_map` on each request rather than written by hand, so a new route is
in the document the moment it exists; each view's `documented(...)` notes add the
request and response schemas.
"""

from __future__ import annotations

import re

from flask import Blueprint, Flask, current_app, jsonify, render_template

from registry.api.common import SCHEMAS, documented
from registry.i18n import DEFAULT_LOCALE, gettext

bp = Blueprint("openapi", __name__)

API_VERSION = "1.0.0"
_IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Ids in paths are the database's INTEGER (the app's `int` converter stops there; a longer
# one is a 404).
_CONVERTER_TYPES = {
    "int": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    "float": {"type": "number"},
}
_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted: queued.",
    400: "Malformed: the body is not a JSON object, or an uploaded file cannot be read.",
    401: "No valid bearer token.",
    403: "Not permitted for this user.",
    404: "Not found.",
    409: "Conflicts with stored data (e.g. a label number already used).",
    413: "The upload is larger than the server accepts.",
    422: "Some fields need correcting; `errors` names each field.",
    429: "Too many requests: from this address, or of this kind from the caller; `Retry-After` "
    "says when to ask again where it is known.",
}

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message", "errors"],
    "properties": {
        "code": {"type": "string", "description": "Stable message code, e.g. validation.failed."},
        "message": {"type": "string", "description": "In zh or en (Accept-Language, ?lang=)."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Field name to message, for field-level problems.",
        },
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_schema(item: str) -> dict:
    return {
        "title": f"{item}Page",
        "type": "object",
        "required": ["items", "total", "page", "page_size", "pages"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
        },
    }


def openapi_path(rule: str) -> tuple[str, list[dict]]:
    """'/a/<int:id>' -> ('/a/{id}', [its path parameter])."""
    parameters = []
    for match in _VARIABLE.finditer(rule):
        schema = _CONVERTER_TYPES.get(match["converter"] or "", {"type": "string"})
        parameters.append(
            {"name": match["name"], "in": "path", "required": True, "schema": dict(schema)}
        )
    return _VARIABLE.sub(lambda m: "{" + m["name"] + "}", rule), parameters


def _json(schema: dict, media_type: str = "application/json") -> dict:
    return {media_type: {"schema": schema}}


def _operation(
    endpoint: str, view, path_parameters: list, extra_pages: dict, unique_id: str
) -> dict:
    notes = getattr(view, "openapi", None)
    doc = (view.__doc__ or "").strip()
    operation = {
        "operationId": unique_id,
        "summary": doc.splitlines()[0] if doc else endpoint,
        "tags": [endpoint.split(".")[0].removeprefix("api_")],
        "parameters": list(path_parameters),
        "security": [{"bearerAuth": []}] if getattr(view, "requires_token", False) else [],
        "responses": {},
    }
    if notes is None:
        # Still listed, so the route is visible; its schemas wait for `documented(...)`.
        operation["responses"]["200"] = {"description": "Not described yet."}
        operation["x-undocumented"] = True
        return operation
    for name, schema, description in notes["query"]:
        operation["parameters"].append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": schema,
                "description": description,
            }
        )
    if notes["request_body"]:
        operation["requestBody"] = {
            "required": not notes["body_optional"],
            "content": _json(_ref(notes["request_body"]), notes["request_media_type"]),
        }
    response = notes["response"]
    success = {"description": _STATUS_TEXT.get(notes["status"], "OK")}
    if notes["paginated"]:
        extra_pages[f"{response}Page"] = _page_schema(response)
        success["content"] = _json(_ref(f"{response}Page"))
    elif isinstance(response, list):
        success["content"] = _json({"type": "array", "items": _ref(response[0])})
    elif isinstance(response, dict) and "content" in response:
        success["content"] = {
            media_type: {"schema": _ref(schema) if isinstance(schema, str) else schema}
            for media_type, schema in response["content"].items()
        }
    elif isinstance(response, dict):
        success["content"] = _json(response["schema"], response["media_type"])
    elif response:
        success["content"] = _json(_ref(response))
    if notes["headers"]:
        success["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in notes["headers"].items()
        }
    operation["responses"][str(notes["status"])] = success
    if notes.get("accepted"):
        operation["responses"]["202"] = {
            "description": _STATUS_TEXT[202],
            "content": _json(_ref(notes["accepted"])),
        }
    statuses = set(notes["errors"]) | ({401} if operation["security"] else set())
    for status in sorted(statuses):
        operation["responses"][str(status)] = {
            "description": _STATUS_TEXT.get(status, "Error."),
            "content": _json(_ref("Error")),
        }
    operation["responses"]["default"] = {
        "description": "Unexpected error (500) or database unavailable (503).",
        "content": _json(_ref("Error")),
    }
    return operation


def _registry_name() -> str:
    """The registry's name as its pages print it (in Chinese, the default locale)."""
    return gettext("Qingdao Green Building Registry", DEFAULT_LOCALE)


def build_document(app: Flask) -> dict:
    """The OpenAPI 3.1 document for every /api/ route the app serves."""
    paths: dict[str, dict] = {}
    pages: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        path, parameters = openapi_path(rule.rule)
        methods = sorted(set(rule.methods or ()) - _IGNORED_METHODS)
        for method in methods:
            unique_id = rule.endpoint.replace(".", "_")
            if len(methods) > 1:
                unique_id += f"_{method.lower()}"
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule.endpoint, view, parameters, pages, unique_id
            )
    schemas = {**SCHEMAS, **pages, "Error": ERROR_SCHEMA}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Qingdao green-building registry API ({_registry_name()})",
            "version": API_VERSION,
            "description": "Send `Authorization: Bearer <token>`. Messages are in Chinese "
            "unless `Accept-Language: en` or `?lang=en`.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token issued to a user.",
                },
            },
        },
    }


def describe_schema(schema: dict) -> str:
    """A short human type for the docs page: 'integer', 'string (date) | null', 'Building'."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(describe_schema(option) for option in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {describe_schema(schema.get('items', {}))}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    if "enum" in schema:
        return f"{kind}: {', '.join(map(str, schema['enum']))}"
    return str(kind)


@bp.get("/api/openapi.json")
@documented(response={"schema": {"type": "object"}, "media_type": "application/json"})
def document():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(build_document(current_app))


@bp.get("/api/docs")
@documented(response={"schema": {"type": "string"}, "media_type": "text/html"})
def docs():
    """A readable page of the API's paths and schemas."""
    return render_template(
        "api_docs.html", spec=build_document(current_app), describe=describe_schema
    )
