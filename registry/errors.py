"""Errors services raise; each carries message codes rendered in the user's language."""

from __future__ import annotations


class RegistryError(Exception):
    """Base: a message code, its params, and the HTTP status an API should answer with."""

    status = 400

    def __init__(self, code: str, params: dict | None = None, *, field_errors=None):
        super().__init__(code)
        self.code = code
        self.params = dict(params or {})
        # {field: (message code, params)}
        self.field_errors: dict[str, tuple[str, dict]] = dict(field_errors or {})


class ValidationFailed(RegistryError):
    status = 422

    def __init__(self, field_errors: dict[str, tuple[str, dict]]):
        super().__init__("validation.failed", {}, field_errors=field_errors)


def date_from_user(value, field: str):
    """An ISO date typed by a user (form, option, JSON body), or a field error they can read;
    None when blank."""
    from registry.domain.dates import parse_iso_date

    try:
        return parse_iso_date(value)
    except ValueError:
        raise ValidationFailed({field: ("field.not_a_date", {"value": str(value)})}) from None


class NotFound(RegistryError):
    status = 404


class PermissionDenied(RegistryError):
    status = 403


class Conflict(RegistryError):
    status = 409


class Unprocessable(RegistryError):
    """A well-formed request whose content cannot be used (an unreadable or oversized file):
    422 with the reason as the message, not a field error."""

    status = 422


class TooManyRequests(RegistryError):
    status = 429
