"""Messages any feature may raise: validation, fields, areas, permissions, users, sign-in,
server and HTTP errors. A feature's own messages live beside its code; `registry.i18n`
collects them all."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "validation.failed": "Some fields need correcting.",
    "field.required": "This field is required.",
    "field.too_long": "At most {max} characters.",
    "field.not_a_number": "“{value}” is not a number.",
    "field.not_an_integer": "“{value}” is not a whole number.",
    "field.out_of_range": "Must be between {low} and {high}.",
    "field.not_boolean": "“{value}” should be yes or no.",
    "field.choice_unknown": "“{value}” is not one of the choices.",
    "field.not_a_date": "“{value}” is not a valid date (use YYYY-MM-DD).",
    "area.not_a_number": "Area “{value}” is not a number; enter square metres.",
    "area.not_positive": "Area must be greater than 0.",
    "area.too_large": "Area exceeds {max} m²; is it in 10,000 m² (万平方米) by mistake?",
    "permission.denied": "You are not allowed to do this.",
    "permission.district": "You can only act on buildings in your districts ({districts}).",
    "permission.designer_cannot_review": "Designers cannot approve or reject records.",
    "permission.own_buildings_only": (
        "Designers can only submit records for buildings they registered."
    ),
    "user.username_taken": "Username “{username}” is taken.",
    "user.role_unknown": "Unknown role “{role}”.",
    "user.officer_needs_district": "An officer needs at least one district.",
    "user.password_too_short": "The password needs at least {min} characters.",
    "auth.invalid": "Wrong username or password.",
    "auth.invalid_current_password": "The current password is wrong.",
    "user.password_unchanged": "Choose a new password.",
    "user.passwords_differ": "The two new passwords differ.",
    "auth.token_invalid": "The API token is invalid or disabled.",
    "auth.required": "Please log in.",
    "server.database_unavailable": (
        "The database is unavailable; try again shortly. Nothing was saved."
    ),
    "server.error": "Server error; nothing was saved. Try again or contact the administrator.",
    "request.not_json": "The request body must be a JSON object.",
    "request.csrf_failed": (
        "The form expired or did not come from this site; reload the page and try again. Nothing "
        "was saved."
    ),
    "request.nul_character": (
        "The request contains a NUL character (\\0), which cannot be stored. Nothing was saved."
    ),
    "request.invalid_value": (
        "A value in the request cannot be stored (text too long or a number out of range). "
        "Nothing was saved."
    ),
    "field.control_characters": "Must not contain control characters or text-direction overrides.",
    "http.400": "The request was not valid.",
    "http.403": "You are not allowed to see this page.",
    "http.404": "Page not found.",
    "http.405": "This action is not allowed here.",
    "http.413": "The uploaded file is too large.",
    "record.approver_drafted": (
        "You drafted this record, so you cannot approve it: approval needs a reviewer other than "
        "whoever drafted or submitted it (maker-checker)."
    ),
    "record.approver_submitted": (
        "You submitted this record, so you cannot approve it: approval needs a reviewer other "
        "than whoever drafted or submitted it (maker-checker)."
    ),
    "building.heated_area_exceeds_floor": (
        "The heated area cannot exceed the floor area ({floor} m²)."
    ),
    "building.persons_and_area_per_person": (
        "Give the number of persons or the area per person, not both."
    ),
    "building.persons_need_area": (
        "The area per person is worked out from the floor area: give it with the persons."
    ),
}
