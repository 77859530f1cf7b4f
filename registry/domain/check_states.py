"""A check's states, kept apart from the tables so a client can know them without the ORM."""

CHECK_STATES = ("queued", "validating", "running", "reading", "done", "failed", "cancelled")
ACTIVE_STATES = ("validating", "running", "reading")
FINAL_STATES = ("done", "failed", "cancelled")
