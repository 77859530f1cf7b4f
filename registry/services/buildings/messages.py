"""What the public label verification says when it finds nothing or is asked too often."""

MESSAGES: dict[str, str] = {
    "verify.not_found": "No issued label has the number “{label}”.",
    "verify.rate_limited": "Too many lookups; try again in {seconds} seconds.",
}
