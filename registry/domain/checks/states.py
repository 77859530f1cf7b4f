"""A check's states, kept apart from the tables so a client can know them without the ORM."""

from registry.domain.text import NC_

CHECK_STATES = ("queued", "validating", "running", "reading", "done", "failed", "cancelled")
STATE_NAMES = {
    "queued": NC_("check state", "Queued"),
    "validating": NC_("check state", "Validating"),
    "running": NC_("check state", "Running"),
    "reading": NC_("check state", "Reading results"),
    "done": NC_("check state", "Done"),
    "failed": NC_("check state", "Failed"),
    "cancelled": NC_("check state", "Cancelled"),
}
ACTIVE_STATES = ("validating", "running", "reading")
FINAL_STATES = ("done", "failed", "cancelled")
# The longest a request may wait for a check to end (GET /api/v1/checks/<id>?wait=N): a
# client waiting longer asks again, so no proxy or server timeout cuts a wait short and a
# waiting request ties up a server thread for at most this long.
MAX_WAIT_S = 60
