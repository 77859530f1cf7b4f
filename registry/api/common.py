"""What every API module shares: the token check, JSON bodies, paging, and the OpenAPI notes.

Each view carries its own OpenAPI description (`documented`), and the document is built
from `app.url_map` at request time, so a route cannot exist without appearing in it.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from flask import g, jsonify, request
from pydantic import BaseModel

from registry.errors import RegistryError, ValidationFailed, date_from_user
from registry.extensions import get_session
from registry.models import User
from registry.services.buildings.registration import MAX_PAGE_SIZE
from registry.services.users import user_for_token

# Component schemas of the OpenAPI document, by name; API modules add theirs on import.
SCHEMAS: dict[str, dict] = {}


class AuthRequired(RegistryError):
    status = 401


def register_schema(name: str, source: type[BaseModel] | dict, **changes: Any) -> str:
    """Add a component schema (from a data model or a dict) and return its name.

    `changes` override top-level keys, e.g. `required=[...]` for a partial update body.
    """
    if isinstance(source, dict):
        schema = dict(source)
    else:
        schema = source.model_json_schema(ref_template="#/components/schemas/{model}")
        for nested_name, nested in schema.pop("$defs", {}).items():
            SCHEMAS.setdefault(nested_name, nested)
    schema["title"] = name
    for key, value in changes.items():
        if value is None:
            schema.pop(key, None)
        else:
            schema[key] = value
    SCHEMAS[name] = schema
    return name


def documented(
    *,
    response: str | list[str] | dict | None = None,
    request_body: str | None = None,
    request_media_type: str = "application/json",
    body_optional: bool = False,
    status: int = 200,
    query: tuple[tuple[str, dict, str], ...] = (),
    errors: tuple[int, ...] = (),
    paginated: bool = False,
    headers: dict[str, str] | None = None,
    accepted: str | None = None,
):
    """Describe a view for the OpenAPI document.

    `response` names a component schema (a one-item list means an array of it; a dict
    gives inline content for other answers: {"schema", "media_type"} for one type, or
    {"content": {media type: schema, ...}} for a choice such as JSON, CSV, XLSX or PDF);
    `request_body` names the body's component schema, sent as `request_media_type`
    (multipart/form-data for uploads), required unless `body_optional`; `query` holds
    (name, JSON schema, description) triples; `errors` lists the HTTP statuses the view
    answers with an Error body besides 401 for a missing token; `headers` the success
    answer's headers (name: description); `accepted` the component schema of a 202 answer
    (work handed to the worker) besides the success above.
    """

    def decorate(view):
        view.openapi = {
            "response": response,
            "request_body": request_body,
            "request_media_type": request_media_type,
            "body_optional": body_optional,
            "status": status,
            "query": query,
            "errors": errors,
            "paginated": paginated,
            "headers": headers or {},
            "accepted": accepted,
        }
        return view

    return decorate


def token_required(view):
    """Answer 401 unless the request carries a valid bearer token; the user is `actor()`.

    Only the token counts, never a login cookie: the API is exempt from CSRF, so a
    cookie-authenticated request from another site must not be able to act.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthRequired("auth.required")
        user = user_for_token(session=get_session(), token=token.strip())
        if user is None:
            raise AuthRequired("auth.token_invalid")
        g.api_actor = user
        return view(*args, **kwargs)

    wrapper.requires_token = True
    return wrapper


def actor() -> User:
    return g.api_actor


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object; an empty body is {} when `optional`."""
    if optional and not request.get_data(cache=True).strip():
        return {}
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nesting deeper than the parser's recursion limit
        body = None
    if not isinstance(body, dict):
        raise RegistryError("request.not_json")
    if _has_nul(body):
        raise RegistryError("request.nul_character")
    return body


def text_value(body: dict, name: str) -> str:
    """A text field of a JSON body ("" when absent); 422 when it holds a list, an object or
    a number instead (its message is registry.services.users.accounts' field.not_text)."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed({name: ("field.not_text", {})})
    return value


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def int_arg(name: str, problems: dict, *, low: int | None = None, high: int | None = None):
    """An integer query parameter (None if absent); problems gathered by name. Present but
    empty (`?wait=`) is not a number either."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        problems[name] = ("field.not_an_integer", {"value": raw})
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        problems[name] = ("field.out_of_range", {"low": low, "high": high})
        return None
    return value


def flag_args(*names: str) -> dict[str, bool]:
    """Query switches documented as 0 or 1 (`dry_run`, `async`): absent is 0; anything but
    0 or 1 is refused with the field's message, not read as one or the other."""
    problems: dict = {}
    values = {name: int_arg(name, problems, low=0, high=1) == 1 for name in names}
    if problems:
        raise ValidationFailed(problems)
    return values


def page_args(problems: dict) -> tuple[int, int]:
    page = int_arg("page", problems, low=1, high=10**9) or 1
    page_size = int_arg("page_size", problems, low=1, high=MAX_PAGE_SIZE) or 20
    return page, page_size


def date_value(body: dict, name: str) -> date | None:
    """An ISO date from the body (None when absent); a clear 422 when malformed."""
    return date_from_user(body.get(name), name)


def dump(model: type[BaseModel], row) -> dict:
    """A row as its public data model, JSON-ready."""
    return model.model_validate(row).model_dump(mode="json")


def page_body(model: type[BaseModel], page) -> dict:
    return {
        "items": [dump(model, row) for row in page.items],
        "total": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "pages": page.pages,
    }


def created(body: dict, location: str):
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


PAGE_QUERY = (
    (
        "page",
        {"type": "integer", "minimum": 1, "maximum": 10**9, "default": 1},
        "Page number, from 1.",
    ),
    (
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 20},
        "Items per page.",
    ),
)
