"""Put a generated year into a registry's database: `python -m bench.seed_tally [ROWS]`.

For trying the tally at scale by hand (`make run`, then the dashboard): the generator of
`bench_tally_pdf` makes a history whose 2025 counts at least ROWS records (10,000), written
into the database `DATABASE_URL` names (migrated already, e.g. by `registry init`) after
the rows it holds, and the tally index rebuilt.
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import func, insert, select
from sqlmodel import Session

from bench.bench_tally import BUILDING_COLUMNS, RECORD_COLUMNS
from bench.bench_tally_pdf import history


def main(rows: int) -> None:
    from registry.config import Config
    from registry.db import make_engine
    from registry.models import Building, Record
    from registry.services.tally import index as tally_index

    started = time.perf_counter()
    buildings, record_rows, counted = history(rows)
    engine = make_engine(Config().DATABASE_URL)
    with Session(engine) as session:
        connection = session.connection()
        first_building = connection.execute(select(func.max(Building.id))).scalar() or 0
        first_record = connection.execute(select(func.max(Record.id))).scalar() or 0
        connection.execute(
            insert(Building),
            [
                dict(zip(BUILDING_COLUMNS, (b[0] + first_building, *b[1:]), strict=True))
                for b in buildings
            ],
        )
        connection.execute(
            insert(Record),
            [
                dict(
                    zip(
                        RECORD_COLUMNS,
                        (r[0] + first_record, r[1] + first_building, *r[2:]),
                        strict=True,
                    )
                )
                for r in record_rows
            ],
        )
        episodes = tally_index.rebuild(connection)
        session.commit()
    engine.dispose()
    print(
        f"{len(buildings):,} buildings and {len(record_rows):,} records added; 2025 counts "
        f"{counted:,} records; {episodes:,} episodes indexed "
        f"({time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
