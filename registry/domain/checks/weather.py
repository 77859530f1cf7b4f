"""EnergyPlus weather files: validate an uploaded EPW, and build Qingdao's synthetic year.

No measured Qingdao weather year may be shipped (licence), so the registry's default is
*morphed*: the hourly Washington-Dulles TMY3 file that ships with EnergyPlus (the closest
of the five by monthly temperature, RMSE 2.0 K) is shifted and stretched month by month
(Belcher, Hacker & Powell 2005) to Qingdao's monthly mean daily maximum, mean and minimum
dry-bulb temperatures. It is labelled synthetic everywhere it is shown. What is and is
not adjusted is listed in `QINGDAO_MORPH_NOTES`.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from registry.domain.text import NC_, names

# Hong Kong Observatory normals for Qingdao (mean daily max, mean, mean daily min, °C),
# as reproduced in the Turkish Wikipedia climate box; averaging period not stated.
# The shipped weather files by their stored name, and the place each stands for in the
# reader's words (a stored location is a label written once, in one language).
QINGDAO_NAME = "qingdao-synthetic"
WEATHER_NAMES = {
    QINGDAO_NAME: NC_("weather location", "Qingdao"),
    "USA_VA_Sterling-Washington.Dulles.Intl.AP.724030_TMY3": NC_(
        "weather location", "Sterling, Virginia, USA (Washington Dulles airport)"
    ),
    "USA_IL_Chicago-OHare.Intl.AP.725300_TMY3": NC_(
        "weather location", "Chicago, USA (O'Hare airport)"
    ),
    "USA_CO_Golden-NREL.724666_TMY3": NC_("weather location", "Golden, Colorado, USA (NREL)"),
    "USA_CA_San.Francisco.Intl.AP.724940_TMY3": NC_(
        "weather location", "San Francisco, USA (airport)"
    ),
    "USA_FL_Tampa.Intl.AP.722110_TMY3": NC_("weather location", "Tampa, USA (airport)"),
}

QINGDAO_MONTHLY_C: dict[int, tuple[float, float, float]] = {
    1: (3.1, -0.2, -2.9),
    2: (5.3, 1.6, -1.2),
    3: (9.4, 5.6, 2.8),
    4: (15.3, 11.3, 8.3),
    5: (20.7, 16.7, 13.7),
    6: (24.0, 20.5, 18.2),
    7: (27.3, 24.4, 22.4),
    8: (28.4, 25.4, 23.1),
    9: (25.5, 22.0, 19.3),
    10: (20.1, 16.5, 13.5),
    11: (12.6, 9.2, 6.2),
    12: (5.8, 2.5, -0.2),
}
QINGDAO_SOURCE = (
    "Hong Kong Observatory Qingdao normals (via tr.wikipedia, verified secondary); "
    "GB 50736-2012 App. A station 54857 for location and wind (verified secondary)"
)
# GB 50736-2012 App. A: mean wind of the three coldest / hottest months (m/s). Spring and
# autumn take the mean of the two: an assumption, not a published figure.
QINGDAO_WIND_M_S = {12: 5.4, 1: 5.4, 2: 5.4, 6: 4.6, 7: 4.6, 8: 4.6}
QINGDAO_WIND_OTHER_M_S = 5.0
# TMYx Qingdao.Intl.AP 548570 header (verified secondary): ground temperatures, °C.
QINGDAO_GROUND_C = {
    "0.5": (2.96, 1.88, 3.79, 6.78, 14.60, 20.64, 24.71, 25.95, 23.83, 19.15, 12.89, 7.08),
    "2": (6.92, 5.00, 5.39, 6.98, 12.21, 16.94, 20.73, 22.76, 22.33, 19.67, 15.36, 10.78),
    "4": (10.20, 8.23, 7.80, 8.40, 11.36, 14.55, 17.47, 19.50, 19.98, 18.83, 16.29, 13.20),
}
QINGDAO_LOCATION = (
    "Qingdao-synthetic (morphed from Dulles TMY3)",
    "SD",
    "CHN",
    "SYNTHETIC",
    "548570",
    36.07,
    120.33,
    8.0,
    76.0,
)
# ASHRAE 2021 HoF ch. 14 design conditions for Qingdao (548570), as carried in the TMYx
# header (verified secondary), laid out in the 2009-format field order EnergyPlus files use.
# Fields the source does not give are left empty rather than borrowed from Dulles.
QINGDAO_DESIGN_CONDITIONS = (
    "DESIGN CONDITIONS,1,2021 ASHRAE Handbook -- Fundamentals Ch.14 (Qingdao 548570; via TMYx "
    "header; verified secondary),,Heating,1,-8.8,-6.9,-18.9,0.7,-1.4,-16.9,0.9,-0.9,11.4,-2.6,"
    "10.4,-2.2,2.7,340,Cooling,8,7.3,33.1,24.3,31.8,23.8,30.2,23.5,27.1,30.0,26.5,29.1,25.9,"
    "28.2,4.4,180,26.3,21.9,28.7,25.9,21.4,28.4,25.1,20.4,27.6,87.0,30.0,83.9,29.2,80.9,28.7,,"
    "Extremes,10.2,9.0,7.9,,-11.8,35.9,1.9,1.8,-13.1,37.2,-14.2,38.3,-15.2,39.3,-16.6,40.6"
)
QINGDAO_BASE_FILE = "USA_VA_Sterling-Washington.Dulles.Intl.AP.724030_TMY3.epw"
QINGDAO_MORPH_VERSION = "qingdao-morph-v1"
QINGDAO_MORPH_NOTES = (
    "Dry-bulb: shifted and stretched per month so the monthly mean and mean daily range "
    "equal Qingdao's (daily max/min then fall within 0.8 K of Qingdao's normals).",
    "Wind speed: scaled per month to Qingdao's seasonal means (GB 50736).",
    "Humidity: relative humidity kept hour by hour, dew point recomputed for the new "
    "temperature (Belcher's shift for RH is zero without Qingdao monthly RH normals).",
    "Solar radiation, cloud, pressure: Dulles values, unchanged (latitude 2.9° further "
    "north; Dulles annual GHI 1481 kWh/m² lies within Shandong's 1336–1500 kWh/m²).",
    "Location, time zone (UTC+8), elevation, ground temperatures and the ASHRAE 2021 design "
    "conditions in the header: Qingdao's (TMYx 548570 header, verified secondary).",
)

MESSAGES = {
    "weather.not_found": "Weather file “{value}” not found.",
    "weather.empty": "The weather file is empty.",
    "weather.not_text": "The weather file is not a text EPW file.",
    "weather.no_location": "Not an EPW file: the first line must start with LOCATION.",
    "weather.bad_location": (
        "The LOCATION line has an invalid latitude, longitude, time zone or elevation: {detail}"
    ),
    "weather.wrong_hours": "An EPW needs 8760 or 8784 hourly records; found {found} (truncated?).",
    "weather.too_few_columns": (
        "Line {line} has {count} columns; an EPW hourly record has {expected}."
    ),
    "weather.field_not_numeric": (
        "Line {line}, column {column} ({field}) should be a number, not “{value}”."
    ),
    "weather.field_out_of_range": (
        "Line {line}, column {column} ({field}): {value} is outside {low} to {high}."
    ),
    "weather.field_negative": (
        "Line {line}, column {column} ({field}): {value} cannot be negative."
    ),
    "weather.bad_date": "Line {line}: day {day} of month {month} does not exist.",
}


class EpwRejected(ValueError):
    """An uploaded weather file that EnergyPlus would refuse or misread."""

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.params = params or {}


@dataclass
class Epw:
    header: list[str]
    rows: list[list[str]] = field(repr=False)

    @property
    def location(self) -> list[str]:
        return self.header[0].split(",")

    def text(self) -> str:
        lines = self.header + [",".join(row) for row in self.rows]
        return "\r\n".join(lines) + "\r\n"


@dataclass(frozen=True)
class EpwInfo:
    city: str
    country: str
    latitude: float
    longitude: float
    time_zone: float
    elevation_m: float
    hours: int
    sha256: str
    annual_mean_c: float


DB, DP, RH, WIND = 6, 7, 8, 21  # column indexes of the EPW hourly record


BOM = b"\xef\xbb\xbf"
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29: leap years are EPWs too
EPW_COLUMNS = 35
# The hourly record's fields the engine reads, with the EnergyPlus documentation's ranges
# (Auxiliary Programs, "Weather Data": minimum, maximum, the value that means "missing"):
# (index, name, low, high or None, missing values).
EPW_FIELDS = (
    (1, NC_("EPW field", "month"), 1, 12, ()),
    (2, NC_("EPW field", "day"), 1, 31, ()),
    (3, NC_("EPW field", "hour"), 1, 24, ()),
    (4, NC_("EPW field", "minute"), 0, 60, ()),
    (DB, NC_("EPW field", "dry-bulb temperature"), -70, 70, ()),
    (DP, NC_("EPW field", "dew-point temperature"), -70, 70, ()),
    (RH, NC_("EPW field", "relative humidity"), 0, 110, (999,)),
    (9, NC_("EPW field", "atmospheric pressure"), 31000, 120000, (999999,)),
    (10, NC_("EPW field", "extraterrestrial horizontal radiation"), 0, None, (9999,)),
    (11, NC_("EPW field", "extraterrestrial direct normal radiation"), 0, None, (9999,)),
    (12, NC_("EPW field", "horizontal infrared radiation"), 0, None, (9999,)),
    (13, NC_("EPW field", "global horizontal radiation"), 0, None, (9999,)),
    (14, NC_("EPW field", "direct normal radiation"), 0, None, (9999,)),
    (15, NC_("EPW field", "diffuse horizontal radiation"), 0, None, (9999,)),
    (16, NC_("EPW field", "global horizontal illuminance"), 0, None, (999999,)),
    (17, NC_("EPW field", "direct normal illuminance"), 0, None, (999999,)),
    (18, NC_("EPW field", "diffuse horizontal illuminance"), 0, None, (999999,)),
    (19, NC_("EPW field", "zenith luminance"), 0, None, (9999,)),
    (20, NC_("EPW field", "wind direction"), 0, 360, (999,)),
    (WIND, NC_("EPW field", "wind speed"), 0, 40, (999,)),
    (22, NC_("EPW field", "total sky cover"), 0, 10, (99,)),
    (23, NC_("EPW field", "opaque sky cover"), 0, 10, (99,)),
)


def parse_epw(data: bytes) -> Epw:
    data = data.removeprefix(BOM)  # a UTF-8 BOM, as some editors save: not part of the file
    if not data.strip():
        raise EpwRejected("weather.empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes any bytes
            raise EpwRejected("weather.not_text") from None
    if "\x00" in text:
        raise EpwRejected("weather.not_text")
    lines = text.splitlines()
    if not lines or not lines[0].upper().startswith("LOCATION"):
        raise EpwRejected("weather.no_location")
    return Epw(header=lines[:8], rows=[line.split(",") for line in lines[8:] if line.strip()])


def validate_epw(data: bytes) -> EpwInfo:
    """Check an EPW's structure and every hourly field the engine reads, and return its
    location; raise EpwRejected with the first problem (line, column, field and value).

    The hash is of the file without a leading UTF-8 BOM: the same weather either way.
    """
    epw = parse_epw(data)
    location = epw.location
    try:
        lat, lon, tz, elev = (float(v) for v in location[6:10])
    except (ValueError, IndexError):
        raise EpwRejected("weather.bad_location", {"detail": epw.header[0][:120]}) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and -12 <= tz <= 14 and -1000 < elev < 9000):
        raise EpwRejected("weather.bad_location", {"detail": epw.header[0][:120]})
    if len(epw.rows) not in (8760, 8784):
        raise EpwRejected("weather.wrong_hours", {"found": len(epw.rows)})
    for number, row in enumerate(epw.rows, start=9):
        if len(row) < 29:
            raise EpwRejected(
                "weather.too_few_columns",
                {"line": number, "count": len(row), "expected": EPW_COLUMNS},
            )
    columns = _checked_columns(epw.rows)
    for number, (month, day) in enumerate(zip(columns[1], columns[2], strict=True), start=9):
        if day > DAYS_IN_MONTH[int(month) - 1]:
            raise EpwRejected(
                "weather.bad_date", {"line": number, "month": int(month), "day": int(day)}
            )
    total = sum(columns[DB])
    return EpwInfo(
        city=location[1],
        country=location[3] if len(location) > 3 else "",
        latitude=lat,
        longitude=lon,
        time_zone=tz,
        elevation_m=elev,
        hours=len(epw.rows),
        sha256=hashlib.sha256(data.removeprefix(BOM)).hexdigest(),
        annual_mean_c=round(total / len(epw.rows), 2),
    )


def _checked_columns(rows: list[list[str]]) -> dict[int, list[float]]:
    """Each numeric field of every record as numbers, each within its field's range (or the
    field's missing value); the first bad value in the file is refused. A column holds few
    distinct texts (hours, months, rounded readings), so each is parsed and checked once.
    """
    columns = {}
    for index, _name, low, high, missing in EPW_FIELDS:
        texts = [row[index] for row in rows]
        parsed, bad = {}, []
        for text in set(texts):
            try:
                value = float(text)
            except ValueError:
                value = None
            out = value is None or value < low or (high is not None and value > high)
            if (out or (index <= 4 and value % 1)) and (value is None or value not in missing):
                bad.append(text)
            parsed[text] = value
        if bad:
            first = min(texts.index(text) for text in bad)
            _refuse(rows, first + 9, index, parsed[texts[first]])
        columns[index] = [parsed[text] for text in texts]
    return columns


def _where(rows: list[list[str]], line: int, index: int) -> dict:
    """Where a refused value is: its line in the file (the records start on line 9)."""
    _index, name, *_rest = next(f for f in EPW_FIELDS if f[0] == index)
    return {
        "line": line,
        "column": index + 1,
        "field": names("EPW field", [name]),
        "value": rows[line - 9][index].strip()[:20],
    }


def _refuse(rows: list[list[str]], line: int, index: int, value: float | None) -> None:
    """Raise for a value that is not a number, or outside its field's range."""
    where = _where(rows, line, index)
    _index, _name, low, high, _missing = next(f for f in EPW_FIELDS if f[0] == index)
    if value is None or (index <= 4 and value % 1):
        raise EpwRejected("weather.field_not_numeric", where)
    if high is None:
        raise EpwRejected("weather.field_negative", where)
    raise EpwRejected("weather.field_out_of_range", {**where, "low": low, "high": high})


def _dew_point_c(dry_bulb_c: float, rh_pct: float) -> float:
    """Magnus formula (Alduchov & Eskridge 1996), adequate within ±0.4 K for -40…50 °C."""
    rh = min(max(rh_pct, 1.0), 100.0) / 100.0
    gamma = math.log(rh) + 17.625 * dry_bulb_c / (243.04 + dry_bulb_c)
    return 243.04 * gamma / (17.625 - gamma)


def monthly_stats(epw: Epw) -> dict[int, tuple[float, float, float]]:
    """(mean daily max, mean, mean daily min) dry-bulb per month, °C, from hourly records."""
    days: dict[tuple[int, int], list[float]] = {}
    for row in epw.rows:
        days.setdefault((int(row[1]), int(row[2])), []).append(float(row[DB]))
    stats = {}
    for month in range(1, 13):
        temps = [values for (m, _), values in days.items() if m == month]
        hours = [t for values in temps for t in values]
        stats[month] = (
            sum(max(v) for v in temps) / len(temps),
            sum(hours) / len(hours),
            sum(min(v) for v in temps) / len(temps),
        )
    return stats


def morph_to_qingdao(base: bytes) -> bytes:
    """The synthetic Qingdao year from the Dulles TMY3 file's bytes (deterministic)."""
    epw = parse_epw(base)
    base_stats = monthly_stats(epw)
    wind_sums: dict[int, list[float]] = {}
    for row in epw.rows:
        wind_sums.setdefault(int(row[1]), []).append(float(row[WIND]))
    for row in epw.rows:
        month = int(row[1])
        b_max, b_mean, b_min = base_stats[month]
        q_max, q_mean, q_min = QINGDAO_MONTHLY_C[month]
        # Belcher's morph: shift to the target mean, scale deviations by the range ratio.
        stretch = (q_max - q_min) / (b_max - b_min)
        dry_bulb = q_mean + stretch * (float(row[DB]) - b_mean)
        rh = float(row[RH])
        row[DB] = f"{dry_bulb:.1f}"
        row[DP] = f"{min(_dew_point_c(dry_bulb, rh), dry_bulb):.1f}"
        base_wind = sum(wind_sums[month]) / len(wind_sums[month])
        target_wind = QINGDAO_WIND_M_S.get(month, QINGDAO_WIND_OTHER_M_S)
        row[WIND] = f"{float(row[WIND]) * target_wind / base_wind:.1f}"
    city, state, country, source, wmo, lat, lon, tz, elev = QINGDAO_LOCATION
    epw.header[0] = f"LOCATION,{city},{state},{country},{source},{wmo},{lat},{lon},{tz},{elev}"
    epw.header[1] = QINGDAO_DESIGN_CONDITIONS
    # The base file's typical/extreme weeks describe Dulles's year, not this one.
    epw.header[2] = "TYPICAL/EXTREME PERIODS,0"
    ground = ",".join(
        f"{depth},,,," + ",".join(f"{t:.2f}" for t in temps)
        for depth, temps in QINGDAO_GROUND_C.items()
    )
    epw.header[3] = f"GROUND TEMPERATURES,3,{ground}"
    epw.header[5] = (
        f"COMMENTS 1,SYNTHETIC {QINGDAO_MORPH_VERSION}: Qingdao monthly temperatures "
        "morphed onto NREL TMY3 724030 Dulles hourly data; not measured Qingdao weather"
    )
    return epw.text().encode("utf-8")
