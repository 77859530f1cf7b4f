"""The synthetic Qingdao year and the EPW validator."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.domain.checks import weather as wx


@pytest.fixture(scope="module")
def dulles_bytes() -> bytes:
    from registry.domain.checks.energyplus import weather_data_dir

    return (Path(weather_data_dir()) / wx.QINGDAO_BASE_FILE).read_bytes()


@pytest.fixture(scope="module")
def qingdao_bytes(dulles_bytes) -> bytes:
    return wx.morph_to_qingdao(dulles_bytes)


def test_morph_matches_qingdao_monthly_mean_and_range(qingdao_bytes):
    stats = wx.monthly_stats(wx.parse_epw(qingdao_bytes))
    for month, (q_max, q_mean, q_min) in wx.QINGDAO_MONTHLY_C.items():
        m_max, m_mean, m_min = stats[month]
        assert m_mean == pytest.approx(q_mean, abs=0.06), month
        assert m_max - m_min == pytest.approx(q_max - q_min, abs=0.15), month
        assert abs(m_max - q_max) < 0.9 and abs(m_min - q_min) < 0.9, month


def test_morph_sets_qingdao_location_and_is_deterministic(dulles_bytes, qingdao_bytes):
    info = wx.validate_epw(qingdao_bytes)
    assert (info.latitude, info.longitude, info.time_zone, info.elevation_m) == (
        36.07,
        120.33,
        8.0,
        76.0,
    )
    assert info.hours == 8760
    header = qingdao_bytes.decode().splitlines()
    assert "SYNTHETIC" in header[5]
    design = header[1].split(",")
    assert design[0] == "DESIGN CONDITIONS" and "Qingdao" in design[2]
    heating = design.index("Heating")
    assert design[heating + 2 : heating + 4] == ["-8.8", "-6.9"]  # 99.6 % / 99 % dry-bulb
    assert header[2] == "TYPICAL/EXTREME PERIODS,0"
    assert wx.morph_to_qingdao(dulles_bytes) == qingdao_bytes


def test_morph_keeps_humidity_physical(qingdao_bytes):
    for row in wx.parse_epw(qingdao_bytes).rows:
        assert float(row[wx.DP]) <= float(row[wx.DB])


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda b: b"", "weather.empty"),
        (lambda b: b"\x00\x01binary" * 10, "weather.not_text"),
        (lambda b: b.split(b"\n", 1)[1], "weather.no_location"),
        (lambda b: b.replace(b"36.07,120.33", b"96.07,120.33", 1), "weather.bad_location"),
        (lambda b: b"\n".join(b.split(b"\n")[:5000]), "weather.wrong_hours"),
    ],
)
def test_validate_epw_rejects_broken_files(qingdao_bytes, mutate, code):
    with pytest.raises(wx.EpwRejected) as caught:
        wx.validate_epw(mutate(qingdao_bytes))
    assert caught.value.code == code


def test_validate_epw_names_the_bad_row(qingdao_bytes):
    lines = qingdao_bytes.split(b"\r\n")
    fields = lines[20].split(b",")
    lines[20] = b",".join(fields[:10])
    with pytest.raises(wx.EpwRejected) as caught:
        wx.validate_epw(b"\r\n".join(lines))
    assert caught.value.code == "weather.too_few_columns"
    assert caught.value.params == {"line": 21, "count": 10, "expected": 35}


def test_a_byte_order_mark_changes_nothing(qingdao_bytes):
    assert wx.validate_epw(b"\xef\xbb\xbf" + qingdao_bytes) == wx.validate_epw(qingdao_bytes)
