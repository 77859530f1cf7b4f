"""What the public label verification says when it finds nothing or is asked too often."""

MESSAGES: dict[str, str] = {
    "verify.not_found": "No issued label has the number “{label}”.",
    "verify.rate_limited": "Too many lookups; try again in {seconds} seconds.",
    "record.changed_meanwhile": (
        "Someone else acted on this record a moment ago (it is now {status}); nothing was "
        "changed. Reload to see it."
    ),
    "building.facts_frozen": (
        "A record of this building has passed review, so its {fields} are frozen and cannot be "
        "edited; an officer of its district changes them by a correction with a reason. Nothing "
        "was saved."
    ),
    "building.correction_reason_required": (
        "A record of this building has passed review: changing its {fields} is a correction; give "
        "the reason."
    ),
}
