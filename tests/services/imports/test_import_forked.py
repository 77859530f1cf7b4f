"""A long sheet checked in two processes at once (issue 23): the same outcome, row for row,
as one process; a refusal or a failure in the forked half reaches the caller; a cancel ends
the forked copy. Real forks throughout: the thresholds are lowered so small sheets take
the two-process path."""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bench.bench_import import _xlsx, build_csv
from registry.domain.imports import bounds
from registry.errors import Unprocessable
from registry.services.imports import checking, forked, kept
from registry.services.imports import store as import_store
from registry.services.imports.commit import commit_import
from registry.services.imports.preview import preview_import
from tests.services.imports.conftest import WRITTEN_TABLES

TODAY = date(2024, 6, 1)


@pytest.fixture
def forks(monkeypatch):
    """Every fork made, by its `Forked`; small sheets go the two-process way, in parts
    small enough that each process checks several."""
    monkeypatch.setattr(checking, "FORK_FROM_ROWS", 50)
    monkeypatch.setattr(checking, "SHARE_ROWS", 40)
    made: list[tuple[forked.Forked, int]] = []
    real_init = forked.Forked.__init__

    def spy(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append((self, self.pid))

    monkeypatch.setattr(forked.Forked, "__init__", spy)
    kept.keep(None)
    yield made
    kept.keep(None)


def _preview(session, actor, data: bytes, filename: str, *, forked_half: bool, **kwargs):
    """The dry run as the web gives it (no row count: one process) or as the worker and
    the CLI do (the file's row count: two processes from `FORK_FROM_ROWS`)."""
    rows_in_file = bounds.count_rows(data) if forked_half else 0
    return preview_import(
        session=session,
        actor=actor,
        data=data,
        filename=filename,
        today=TODAY,
        rows_in_file=rows_in_file,
        **kwargs,
    )


def _commit(session, actor, data: bytes, *, forked_half: bool = True, **kwargs):
    """The commit as the worker and the CLI run it (the file's row count given: two
    processes from `FORK_FROM_ROWS`), or as a web request does (none: one process)."""
    return commit_import(
        session=session,
        actor=actor,
        data=data,
        filename="a.csv",
        today=TODAY,
        rows_in_file=bounds.count_rows(data) if forked_half else 0,
        **kwargs,
    )


def _outcome(result) -> tuple:
    return (
        result.counts,
        result.skipped,
        [
            (r.row_number, r.outcome, r.name, r.label_number, r.note, r.problems)
            for r in result.rows
        ],
        [(p.row, p.target, p.record_fields, p.extras) for p in result.plan],
    )


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_two_processes_find_what_one_finds_row_for_row(session, make_user, forks, kind):
    admin = make_user(session, role="admin")
    data = build_csv(1_200)  # duplicates, impossible dates, 万平方米 areas
    if kind == "xlsx":
        data = _xlsx(data)
    name = f"sheet.{kind}"
    one = _preview(session, admin, data, name, forked_half=False)
    assert not forks
    kept.keep(None)  # no reuse of the rows just checked
    two = _preview(session, admin, data, name, forked_half=True)
    ((copy, pid),) = forks
    assert copy.pid is None and _gone(pid)  # ended and reaped
    assert _outcome(two) == _outcome(one)
    assert two.counts["rejected"] > 0 and two.counts["duplicate"] > 0


def test_a_row_count_short_of_the_sheet_leaves_the_rest_to_this_process(session, make_user, forks):
    """The worker's row count is an estimate (lines, `<row` tags): parts past it are no
    one's to take, and this process checks them after the copy's."""
    admin = make_user(session, role="admin")
    data = build_csv(1_200)
    one = _preview(session, admin, data, "a.csv", forked_half=False)
    kept.keep(None)
    short = preview_import(
        session=session, actor=admin, data=data, filename="a.csv", today=TODAY, rows_in_file=90
    )  # 90 // 40 + 2 = 4 parts shared; 26 more here
    assert len(forks) == 1
    assert _outcome(short) == _outcome(one)


def test_a_commit_checked_in_two_processes_stores_what_one_would(session, make_user, forks):
    admin = make_user(session, role="admin")
    data = build_csv(600)
    result = _commit(session, admin, data)
    assert len(forks) == 2  # the dry run's check, then the events and tally rows
    again = _preview(session, admin, data, "a.csv", forked_half=False)
    # Everything the commit planned is now a duplicate of what it stored.
    assert result.batch.new_buildings == result.preview.counts["new_building"] > 500
    assert again.counts["duplicate"] == sum(
        result.preview.counts[k] for k in ("new_building", "duplicate")
    )


def test_a_commit_written_with_a_forked_copy_stores_exactly_what_one_process_stores(
    stored_by, forks
):
    """The store's audit events and tally rows made by a forked copy while this process
    writes the buildings and records (`store.write_plan`): every row of every table written,
    ids included, equal to a commit in one process on the same empty database."""
    data = build_csv(700)  # new buildings with labels, duplicates, refused rows
    written = {}
    for two in (True, False):

        def commit(_engine, session, importer, two=two):
            forks.clear()
            result = _commit(session, importer, data, forked_half=two)
            assert len(forks) == (2 if two else 0)  # the dry run's check, then the store
            assert result.batch.new_buildings > 600

        written[two] = stored_by(commit)
    assert written[True] == written[False]
    # Every table has what the commit wrote: events for each building and record.
    counts = {name: len(rows) for name, rows in written[True].items()}
    assert counts["audit_events"] == counts["buildings"] + counts["certificates"] > 1200
    assert counts["tally_episodes"] >= counts["certificates"]


def test_a_cancel_while_the_rows_are_written_ends_the_forked_copy_and_stores_nothing(
    session, make_user, forks
):
    admin = make_user(session, role="admin")
    before = _counts(session)

    class Cancelled(Exception):
        pass

    def progress(phase, count):
        if phase == "written":
            raise Cancelled()

    data = build_csv(600)
    with pytest.raises(Cancelled):
        _commit(session, admin, data, progress=progress)
    assert len(forks) == 2
    assert all(copy.pid is None and _gone(pid) for copy, pid in forks)  # killed and reaped
    assert _counts(session) == before


def _counts(session) -> list[int]:
    tables = SQLModel.metadata.tables
    return [session.exec(select(func.count()).select_from(tables[n])).one() for n in WRITTEN_TABLES]


def test_a_commit_whose_forked_copy_fails_stores_nothing(session, make_user, forks, monkeypatch):
    admin = make_user(session, role="admin")
    before = _counts(session)

    def broken(*args, **kwargs):
        yield from ()
        raise KeyError("a bug in the events")

    monkeypatch.setattr(import_store, "_events", broken)
    data = build_csv(600)
    with pytest.raises(forked.ForkedFailed, match="KeyError"):
        _commit(session, admin, data)
    assert len(forks) == 2
    assert all(copy.pid is None and _gone(pid) for copy, pid in forks)
    assert _counts(session) == before


def test_a_row_over_a_limit_in_the_forked_half_refuses_the_file_as_one_process_would(
    session, make_user, forks
):
    admin = make_user(session, role="admin")
    data = build_csv(400) + ("x" * 40_000 + ",1\n").encode()  # the last row: a cell too long
    refused = []
    for two in (False, True):
        kept.keep(None)
        with pytest.raises(Unprocessable) as raised:
            _preview(session, admin, data, "long.csv", forked_half=two)
        refused.append((raised.value.code, raised.value.params))
    ((copy, pid),) = forks
    assert copy.pid is None and _gone(pid)
    assert refused[0] == refused[1] and refused[0][0] == "import.cell_too_long"


def test_a_cancel_while_this_process_checks_ends_the_forked_copy(session, make_user, forks):
    admin = make_user(session, role="admin")

    class Cancelled(Exception):
        pass

    def progress(phase, count):
        if phase == "checked":
            raise Cancelled()

    with pytest.raises(Cancelled):
        _preview(session, admin, build_csv(3_000), "c.csv", forked_half=True, progress=progress)
    ((copy, pid),) = forks
    assert copy.pid is None and _gone(pid)  # killed and reaped


def test_a_forked_copy_that_fails_or_dies_is_an_error_not_a_short_result():
    def broken():
        yield 1
        raise KeyError("a bug")

    with pytest.raises(forked.ForkedFailed, match="KeyError"):
        list(forked.Forked(broken).results())

    def killed():
        yield 1
        os.kill(os.getpid(), 9)
        yield 2

    with pytest.raises(forked.ForkedFailed, match="ended before"):
        list(forked.Forked(killed, chunk_items=1).results())

    assert list(forked.Forked(lambda: iter(range(5_000)), chunk_items=7).results()) == list(
        range(5_000)
    )


def test_shares_hand_each_part_to_one_of_the_two_processes_once_in_order():
    shares = forked.Shares(3_000)
    copy = forked.Forked(lambda: iter(shares.take, None), chunk_items=1)
    results = copy.results()
    mine = [shares.take()]
    theirs = [next(results)]  # both have taken one: the rest go to whichever is quicker
    mine += iter(shares.take, None)
    theirs += results
    shares.close()
    assert sorted(mine + theirs) == list(range(3_000))  # each once, none lost
    assert mine == sorted(mine) and theirs == sorted(theirs)  # each side's in order


def test_shares_more_than_the_pipe_holds_are_left_to_the_caller():
    shares = forked.Shares(10_000_000)  # 40 MB of numbers: far beyond any pipe
    taken = list(iter(shares.take, None))
    shares.close()
    assert taken == list(range(len(taken))) and 1_000 <= len(taken) < 10_000_000
