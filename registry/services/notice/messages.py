"""What the public-notice step and the holiday calendar refuse (English; the Chinese is in
the catalogue)."""

MESSAGES: dict[str, str] = {
    "notice.calendar_missing": (
        "The public holidays of {year} are not in the calendar, so the notice period cannot be "
        "counted in working days. An administrator must enter them on the Holidays page."
    ),
    "notice.not_ended": (
        "The notice runs from {start} to {end}; the publication date ({date}) must be after its "
        "last day."
    ),
    "notice.open_objections": (
        "{count} objection(s) lodged during the notice are still open; resolve them before "
        "publishing."
    ),
    "notice.approved_before_submitted": (
        "The review date {date} is before the submission date {submitted}."
    ),
    "calendar.year_unknown": "The calendar has no year {year}.",
    "calendar.day_outside_year": "{date} is not part of the {year} arrangement.",
    "objection.not_under_notice": (
        "This record is not under public notice; objections are taken only during the notice."
    ),
    "objection.not_found": "No objection with id {id}.",
    "objection.already_resolved": "This objection was already resolved; nothing was changed.",
    "objection.outcome_unknown": "The outcome must be dismissed or upheld.",
}
