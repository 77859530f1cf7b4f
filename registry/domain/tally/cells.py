"""A period's sums: what each counted episode adds to its group, and per day.

Every figure of a tally is a sum of these cells, which the database adds up
(`registry.services.tally.queries.sums`, the only production path); `sum_episodes` here is
the test oracle it must agree with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from registry.domain.tally.targets import AREA_TARGETS, Episode


def held_at(episode: Episode, day: date) -> bool:
    return episode.start <= day and (episode.end is None or episode.end > day)


# A period's figures split into what depends on the day holdings start and what depends on
# the day they end, so each side is one pass over its own index: a holding is held on a day
# when it started by then and had not ended by then (an end always follows its start).
#
# Start side, per (target, district, building type, start year):
S_ALL, S_BY_END, S_BY_BEFORE, S_N_BY_END = range(4)
# End side, holdings that ended, per (target, district, building type, end year):
E_ALL, E_BY_END, E_BY_BEFORE, E_N_BY_END, E_N_BY_BEFORE = range(5)
GroupKey = tuple[str, str, str, int]


@dataclass
class Sums:
    """Episodes of a period added up by group and year, and per day for the projections.

    "by end" is on or before the period's last day, "by before" on or before the day before
    its first day.
    """

    starts: dict[GroupKey, list[float]] = field(default_factory=dict)
    ends: dict[GroupKey, list[float]] = field(default_factory=dict)
    # (target, day) -> [area starting that day, area ending that day], area targets only.
    timeline: dict[tuple[str, date], list[float]] = field(default_factory=dict)

    @staticmethod
    def _add(table: dict, key, values) -> None:
        cell = table.get(key)
        if cell is None:
            table[key] = [float(v) for v in values]
        else:
            for n, value in enumerate(values):
                cell[n] += value

    def add_start(self, key: GroupKey, values) -> None:
        self._add(self.starts, key, values)

    def add_end(self, key: GroupKey, values) -> None:
        self._add(self.ends, key, values)

    def add_day(self, target: str, day: date, started: float, ended: float) -> None:
        slot = self.timeline.setdefault((target, day), [0.0, 0.0])
        slot[0] += started
        slot[1] += ended

    def merge(self, other: Sums) -> Sums:
        for key, values in other.starts.items():
            self.add_start(key, values)
        for key, values in other.ends.items():
            self.add_end(key, values)
        for (target, day), (started, ended) in other.timeline.items():
            self.add_day(target, day, started, ended)
        return self

    def groups(self) -> dict[tuple[str, str, str], Group]:
        """Per (target, district, building type): the period's figures."""
        found: dict[tuple[str, str, str], Group] = {}
        for (target, district, type_code, _year), cell in self.starts.items():
            group = found.setdefault((target, district, type_code), Group())
            group.started_by_end += cell[S_BY_END]
            group.started_by_before += cell[S_BY_BEFORE]
            group.n_started_by_end += int(cell[S_N_BY_END])
        for (target, district, type_code, _year), cell in self.ends.items():
            group = found.setdefault((target, district, type_code), Group())
            group.ended_by_end += cell[E_BY_END]
            group.ended_by_before += cell[E_BY_BEFORE]
            group.n_ended_by_end += int(cell[E_N_BY_END])
            group.n_ended_by_before += int(cell[E_N_BY_BEFORE])
        return found


def clean(value: float) -> float:
    # A difference of two sums of the same areas: exact for whole square metres; otherwise
    # float noise far below a square millimetre, which must not print as "-0".
    return round(value, 6) + 0.0


@dataclass
class Group:
    started_by_end: float = 0.0
    started_by_before: float = 0.0
    ended_by_end: float = 0.0
    ended_by_before: float = 0.0
    n_started_by_end: int = 0
    n_ended_by_end: int = 0
    n_ended_by_before: int = 0

    @property
    def added(self) -> float:  # started within the period
        return clean(self.started_by_end - self.started_by_before)

    @property
    def removed(self) -> float:  # ended within the period
        return clean(self.ended_by_end - self.ended_by_before)

    @property
    def held_end(self) -> float:
        return clean(self.started_by_end - self.ended_by_end)

    @property
    def held_before(self) -> float:
        return clean(self.started_by_before - self.ended_by_before)

    @property
    def held_end_n(self) -> int:
        return self.n_started_by_end - self.n_ended_by_end

    @property
    def rows(self) -> int:  # started by the end and not ended before the period
        return self.n_started_by_end - self.n_ended_by_before


def sum_episodes(
    counted: list[Episode], types: dict[int, str], start: date, end: date, at: date
) -> Sums:
    """Add up episodes (baseline already applied); `types` maps building id to its type."""
    before = start - timedelta(days=1)
    sums = Sums()
    for ep in counted:
        group = (ep.target, ep.district_code, types[ep.building_id])
        area = ep.area_m2
        by_end, by_before = ep.start <= end, ep.start <= before
        sums.add_start(
            (*group, ep.start.year),
            [area, area if by_end else 0.0, area if by_before else 0.0, 1.0 if by_end else 0.0],
        )
        if ep.end is not None:
            by_end, by_before = ep.end <= end, ep.end <= before
            sums.add_end(
                (*group, ep.end.year),
                [
                    area,
                    area if by_end else 0.0,
                    area if by_before else 0.0,
                    1.0 if by_end else 0.0,
                    1.0 if by_before else 0.0,
                ],
            )
        if ep.target in AREA_TARGETS:
            if ep.start <= at:
                sums.add_day(ep.target, ep.start, area, 0.0)
            if ep.end is not None and ep.end <= at:
                sums.add_day(ep.target, ep.end, 0.0, area)
    return sums


def timeline_windows(
    sums: Sums, values: dict[str, float], at: date
) -> dict[str, tuple[date, date, float]]:
    """For each area target met by `at`: the days within which it was first met, and the
    total held the day before them. A projection needs the per-day totals only there, so a
    database reads one or two years of days, not the whole pilot's."""
    windows = {}
    for target, value in values.items():
        started: dict[int, float] = {}
        ended: dict[int, float] = {}
        for (key, _d, _t, year), cell in sums.starts.items():
            if key == target and year <= at.year:
                started[year] = started.get(year, 0.0) + (
                    cell[S_ALL] if year < at.year else cell[S_BY_END]
                )
        for (key, _d, _t, year), cell in sums.ends.items():
            if key == target and year <= at.year:
                ended[year] = ended.get(year, 0.0) + (
                    cell[E_ALL] if year < at.year else cell[E_BY_END]
                )
        if not started:
            continue
        held, first = 0.0, None
        for year in range(min(started), at.year + 1):
            if first is None and held + started.get(year, 0.0) >= value - 1e-9:
                first = (year, held)  # the most it could hold within the year reaches it
            held += started.get(year, 0.0) - ended.get(year, 0.0)
            if first is not None and held >= value - 1e-9:
                windows[target] = (date(first[0], 1, 1), min(date(year, 12, 31), at), first[1])
                break
    return windows
