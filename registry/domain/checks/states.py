"""A check's states, kept apart from the tables so a client can know them without the ORM."""

CHECK_STATES = ("queued", "validating", "running", "reading", "done", "failed", "cancelled")
ACTIVE_STATES = ("validating", "running", "reading")
FINAL_STATES = ("done", "failed", "cancelled")
# The longest a request may wait for a check to end (GET /api/v1/checks/<id>?wait=N): a
# client waiting longer asks again, so no proxy or server timeout cuts a wait short and a
# waiting request ties up a server thread for at most this long.
MAX_WAIT_S = 60
