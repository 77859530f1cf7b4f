"""`registry saving params` and `registry saving param-set`: the reference parameters from the
command line (no engine)."""

from __future__ import annotations

import json

from sqlmodel import Session

from registry.domain.saving.consistency_terms import TOLERANCE_NAMES
from registry.services.saving import seed


def test_list_and_confirm_a_parameter(cli, app, make_user):
    with Session(app.extensions["registry.engine"]) as session:
        seed.seed(session)
        make_user(session, role="admin", username="root")
    listed = json.loads(cli("saving", "params", "--json").stdout)
    wall = next(row for row in listed if row["key"] == "wall_u")
    assert (wall["value"], wall["source_status"], wall["version"]) == (0.5, "unverified", 1)
    # Recalled from the standards: unverified; the comparison's tolerances: the registry's own.
    assert {
        row["key"]: row["source_status"] for row in listed if row["source_status"] != "unverified"
    } == {f"consistency.{name}": "registry-rule" for name in TOLERANCE_NAMES}

    text = cli("saving", "params").stdout.splitlines()
    wall_line = next(line for line in text if line.startswith("wall_u："))
    # Units typeset, the status in words, a ratio printed without a unit of "1".
    assert wall_line.startswith("wall_u：0.5 W/(m²·K) — ") and wall_line.endswith("（未核实，v1）")
    assert not [line for line in text if " m2 " in line or line.split(" — ")[0].endswith(" 1")]
    confirmed = cli("saving", "param-set", "wall_u", "--status", "verified-primary", "--reason",
                    "printed standard, p. 12", "--as", "root", "--json")  # fmt: skip
    assert confirmed.exit_code == 0, confirmed.output
    assert json.loads(confirmed.stdout)["version"] == 2
    refused = cli("saving", "param-set", "no_such", "--value", "1", "--reason", "r", "--as",
                  "root", "--lang", "en")  # fmt: skip
    assert refused.exit_code != 0 and "No reference parameter named “no_such”" in refused.output
