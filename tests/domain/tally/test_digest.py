"""The digest's batch path (`Digest.add_flat_rows`) writes the same lines as `_row_line`,
whatever the rows hold: the digest printed on every tally document depends on it."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from registry.domain.tally.rows import Digest, _row_line

_TEXT = st.text(alphabet=st.sampled_from("测试楼号a1 -\\\t\n\r\"'"), max_size=8)
_DAY = st.dates().map(lambda day: day.isoformat())
_ROW = st.tuples(
    st.sampled_from(["star_rated", "ultra_low_energy"]),
    st.integers(1, 10**9),
    _TEXT | st.none(),  # the building's name
    st.sampled_from(["370202", "370211"]),
    st.sampled_from(["residential", "office_commercial"]),
    st.integers(1, 10**9),
    st.sampled_from(["green_label", "retrofit"]),
    st.sampled_from(["1", "2", ""]),
    _TEXT | st.none(),  # the label number
    _DAY,
    st.floats(0, 1e9, allow_nan=False) | st.integers(0, 10**9),
    _DAY | st.just(""),
    st.booleans() | st.sampled_from([0, 1]),
)


@given(st.lists(_ROW, max_size=20))
def test_a_batch_digests_as_its_lines_one_by_one(rows):
    digest = Digest()
    digest.add_flat_rows(rows)
    want = hashlib.sha256("".join(map(_row_line, rows)).encode()).hexdigest()
    assert digest.hexdigest() == want


def test_the_plain_batch_path_is_the_one_taken_for_plain_rows():
    """Rows with nothing to escape go by `%`; the lines are still `_row_line`'s."""
    rows = [("star_rated", 7, "测试楼", "370202", "residential", 9, "green_label", "2",
             "QD-1", "2025-03-01", 1234.5675, "", True)]  # fmt: skip
    digest = Digest()
    digest.add_flat_rows(rows)
    line = "star_rated\t7\t测试楼\t370202\tresidential\t9\tgreen_label\t2\tQD-1\t2025-03-01\t"
    line += f"{1234.5675:.3f}\t\t1\n"
    assert _row_line(rows[0]) == line
    assert digest.hexdigest() == hashlib.sha256(line.encode()).hexdigest()
