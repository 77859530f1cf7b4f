"""Read the values real spreadsheets hold into plain Python values and the registry's codes.

Every ``parse_*`` function takes one raw cell (str, number, date, pandas Timestamp, …)
and returns the value, or raises `NormaliseError(code, params)`; `message` renders the
code in Chinese or English. Callers check `is_blank` first: blank is not a value.

Decisions worth knowing:

- Full-width digits and punctuation are read as half-width (NFKC) in numbers, dates and
  codes; free text such as names keeps its characters and only has its spaces tidied.
- A comma is a thousands separator only in groups of three (``12,345.6``); ``12,5`` is
  refused rather than guessed.
- Percentages: a number ≤ 1 written without ``%`` is a fraction (Excel stores 60 % as
  0.6), so ``0.6``, ``"60%"`` and ``60`` all read as 60.0 percentage points.
- Stages: the 2014 edition's 设计评价/设计标识 was awarded at the design stage, like the
  2019 预评价, so it reads as ``pre_evaluation`` (never counted toward the star-rated
  target); 运行评价/运行标识/标识评价 read as ``evaluation``.
- Stars: ☆ is a hollow star (the "not achieved" mark of rating displays) and is refused.
- Energy levels are GB/T 51350's three; 零碳/近零碳 are carbon claims, not levels.
- Dates: Excel serial numbers use the 1900 date system, whose serial 60 is the phantom
  1900-02-29 (the Lotus leap-year bug) and is refused; an eight-digit number 19000101 to
  21001231 is read as YYYYMMDD; a lone year is refused (a year is not a date).
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from registry.domain.imports.normalise_messages import MESSAGES  # noqa: E402,F401  (read by registry.i18n)


class NormaliseError(ValueError):
    """A raw value that cannot be read; `code` is a key of `MESSAGES`."""

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code, params)
        self.code = code
        self.params = dict(params or {})


# -- text ------------------------------------------------------------------------------

_INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARACTERS))


def is_blank(value: Any) -> bool:
    """None, NaN, pandas NA/NaT, or a string of only whitespace (NBSP and 　 included)."""
    if value.__class__ is str:  # nearly every cell: decided without a copy of the text
        stripped = value.strip()
        if not stripped:
            return True
        if stripped[0] not in _INVISIBLE_CHARACTERS:
            return False  # a visible character that is not a space
        return not value.translate(_INVISIBLE).strip()
    if value is None:
        return True
    if type(value).__name__ in {"NaTType", "NAType"}:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.translate(_INVISIBLE).strip()
    return False


def clean_text(value: Any) -> str:
    """Text with invisible characters dropped and any run of spaces (NBSP, 　) made one."""
    if value.__class__ is str:
        # Blank text splits into nothing, so it reads as "" here too. The invisible
        # characters are all format characters, which `isprintable` refuses: text it
        # accepts holds none and needs no copy without them.
        if value.isprintable():
            return " ".join(value.split())
        return " ".join(value.translate(_INVISIBLE).split())
    if is_blank(value):
        return ""
    return " ".join(str(value).translate(_INVISIBLE).split())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_START = _FORMULA_START  # for a caller that checks a million texts inline


def formula_safe(value: Any) -> Any:
    """Text a spreadsheet will show rather than run: "'" before = + - @ (OWASP CSV injection).

    Only text is touched; numbers (a negative one included) pass unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def half_width(value: Any) -> str:
    """Full-width letters, digits, punctuation and spaces as half-width; − as -; stripped."""
    text = str(value)
    if text.isascii():  # NFKC leaves ASCII as it is, and the invisible characters are not
        return text.strip()
    if not text.isprintable():  # holds an invisible character, perhaps (see clean_text)
        text = text.translate(_INVISIBLE)
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\u2212", "-").replace("\u2014", "-").strip()


def _compact(value: Any) -> str:
    """Half-width, lower case, without any whitespace: the form words are matched in."""
    return "".join(half_width(value).split()).lower()


def _raw(value: Any) -> str:
    return clean_text(value) if isinstance(value, str) else str(value)


# -- numbers and areas -----------------------------------------------------------------

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?")


def _number_from_text(text: str, raw: str, code: str) -> float:
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif "," in text:
        raise NormaliseError("number.ambiguous_separator", {"value": raw})
    if not _PLAIN_NUMBER.fullmatch(text):
        raise NormaliseError(code, {"value": raw})
    return float(text)


def parse_number(value: Any, *, code: str = "number.unreadable") -> float:
    """A finite float from a number or text ('12,345.6', '１２３４５', '12 345')."""
    if is_blank(value):
        raise NormaliseError("value.blank")
    if isinstance(value, bool):
        raise NormaliseError(code, {"value": str(value)})
    if isinstance(value, numbers.Real | Decimal):
        try:
            number = float(value)
        except OverflowError:  # an int beyond float's range
            raise NormaliseError(code, {"value": _raw(value)}) from None
    else:
        number = _number_from_text(_compact(value), _raw(value), code)
    if not math.isfinite(number):
        raise NormaliseError(code, {"value": _raw(value)})
    return number


AREA_UNITS = {"m2": 1, "10k_m2": 10_000}
_AREA_UNIT_WORDS: dict[str, int | None] = {
    "": None,  # no unit in the cell: the column's
    **dict.fromkeys("m2 m^2 平方米 平米 平方 sqm sq.m".split(), 1),
    **dict.fromkeys("万平方米 万平米 万m2 万平方 万".split(), 10_000),
}
_AREA = re.compile(r"(?P<number>[+-]?[\d,]*\.?\d+(e[+-]?\d+)?)(?P<unit>.*)")
# Digits, perhaps with a decimal part, and nothing else: read as the general path would.
_PLAIN_AREA = re.compile(r"[0-9]+(\.[0-9]+)?")


def parse_area_m2(value: Any, *, unit: str = "m2") -> float:
    """Square metres, to 0.01 m², from a number in the column's `unit` or text with a unit.

    `unit` is 'm2' or '10k_m2' (a 万平方米 column); a unit written in the cell
    ('1.2万平方米', '12345㎡', '12345 m2') wins over the column's. Range checks are
    the caller's: how large is too large depends on what the area is of.
    """
    if value.__class__ is str and _PLAIN_AREA.fullmatch(value):  # most cells: 12345 or 1.5
        return round(float(value) * AREA_UNITS[unit], 2)
    if is_blank(value):
        raise NormaliseError("value.blank")
    factor = AREA_UNITS[unit]
    if isinstance(value, str):
        text = _compact(value)  # NFKC turns ㎡ and m² into m2
        match = _AREA.fullmatch(text)
        if not match:
            raise NormaliseError("area.unreadable", {"value": _raw(value)})
        unit_word = match["unit"]
        if unit_word not in _AREA_UNIT_WORDS:
            raise NormaliseError("area.unit_unknown", {"value": _raw(value), "unit": unit_word})
        factor = _AREA_UNIT_WORDS[unit_word] or factor
        number = _number_from_text(match["number"], _raw(value), "area.unreadable")
    else:
        number = parse_number(value, code="area.unreadable")
    return round(number * factor, 2)


def parse_percent(value: Any) -> float:
    """Percentage points from '60%', '60', 60 or 0.6 (≤ 1 without % is a fraction)."""
    if is_blank(value):
        raise NormaliseError("value.blank")
    text = _compact(value) if isinstance(value, str) else ""
    with_sign = text.endswith("%")
    number = parse_number(text.removesuffix("%") if text else value, code="percent.unreadable")
    if not with_sign and 0 < number <= 1:
        number *= 100
    if not 0 <= number <= 100:
        raise NormaliseError("percent.out_of_range", {"value": _raw(value)})
    return round(number, 6)


# -- codes from words ------------------------------------------------------------------


def _words(table: dict[str, str]) -> dict[str, str]:
    """{code: "word word …"} -> {matching key: code}; hyphens stand for spaces in words."""
    return {
        _compact(word).replace("-", ""): code
        for code, words in table.items()
        for word in (code, *words.split())
    }


_STARS = _words(
    {
        "basic": "基本级 基本 basic-level",
        "1": "一星级 一星 1星 1星级 ★ one-star 1-star one 1.0",
        "2": "二星级 二星 两星 2星 2星级 ★★ two-star 2-star two 2.0",
        "3": "三星级 三星 3星 3星级 ★★★ three-star 3-star three 3.0",
    }
)
_STAGES = _words(
    {
        "pre_evaluation": "预评价 预评 设计评价 设计标识 设计评价标识 设计阶段 设计 pre-evaluation "
        "design design-stage design-label",
        "evaluation": "评价 运行评价 运行标识 运行评价标识 标识评价 评价标识 运行 竣工评价 "
        "operation operation-label final-evaluation",
    }
)
_ENERGY = _words(
    {
        "ultra_low": "超低能耗 超低 被动式超低能耗 ultra-low ultra-low-energy",
        "nearly_zero": "近零能耗 近零 nearly-zero nearly-zero-energy nzeb",
        "zero": "零能耗 zero-energy zeb",
    }
)
_RETROFITS = _words(
    {
        "residential_green": "既有居住建筑绿色改造 既有居住建筑节能改造 居住建筑绿色改造 "
        "居住建筑节能改造 既有住宅节能改造 住宅节能改造 residential-green-retrofit",
        "public_efficiency": "公共建筑能效提升 公共建筑能效提升改造 公共建筑节能改造 "
        "既有公共建筑节能改造 公建节能改造 public-efficiency public-building-efficiency-upgrade",
        "old_community": "老旧小区改造 老旧小区综合整治 老旧小区综合改造 老旧小区整治 "
        "old-community old-community-renovation",
    }
)
_RETROFIT_AMBIGUOUS = set("节能改造 绿色改造 既有建筑节能改造 改造".split())
_YES = set("是 y yes true 1 1.0 √ ✓ ✔ 对 有".split())
_NO = set("否 n no false 0 0.0 × ✗ ✘ x 无 不是".split())


def _word_key(value: Any, *, drop: tuple[str, ...] = ()) -> str:
    text = re.sub(r"\(.*?\)", "", _compact(value)).replace("-", "").replace("_", " ")
    for word in drop:
        text = text.replace(word, "")
    return text.replace(" ", "")


def _lookup(table: dict[str, str], value: Any, code: str, drop: tuple[str, ...] = ()) -> str:
    if is_blank(value):
        raise NormaliseError("value.blank")
    for key in (_compact(value).replace("-", ""), _word_key(value), _word_key(value, drop=drop)):
        if key in table:
            return table[key]
    raise NormaliseError(code, {"value": _raw(value)})


def parse_star_level(value: Any) -> str:
    """'basic', '1', '2' or '3' from 基本级, 一星/一星级/1星/★/1, 二星级/★★, 三星级/★★★, …"""
    text = _compact(value) if not is_blank(value) else ""
    if "☆" in text or "✩" in text:
        raise NormaliseError("star.hollow", {"value": _raw(value)})
    text = text.replace("⭐", "★")
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = str(value)
    return _lookup(
        _STARS, text or value, "star.unknown", drop=("绿色建筑", "标识", "stars", "star")
    )


def parse_stage(value: Any) -> str:
    """'pre_evaluation' or 'evaluation' (2014's 设计标识 is the design stage: pre_evaluation)."""
    return _lookup(_STAGES, value, "stage.unknown", drop=("绿色建筑", "阶段"))


def parse_energy_level(value: Any) -> str:
    """'ultra_low', 'nearly_zero' or 'zero' (GB/T 51350); 零碳 and the like are refused."""
    if not is_blank(value) and "碳" in _word_key(value):
        raise NormaliseError("energy.carbon_not_a_level", {"value": _raw(value)})
    return _lookup(_ENERGY, value, "energy.unknown", drop=("建筑", "级", "energy", "building"))


def parse_retrofit_kind(value: Any) -> str:
    """'residential_green', 'public_efficiency' or 'old_community'."""
    if not is_blank(value) and _word_key(value, drop=("项目", "工程")) in _RETROFIT_AMBIGUOUS:
        raise NormaliseError("retrofit.ambiguous", {"value": _raw(value)})
    return _lookup(_RETROFITS, value, "retrofit.unknown", drop=("项目", "工程"))


def parse_yes_no(value: Any) -> bool:
    """True or False from 是/否, Y/N, yes/no, true/false, 1/0, √/×."""
    if is_blank(value):
        raise NormaliseError("value.blank")
    if isinstance(value, bool):
        return value
    key = _compact(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise NormaliseError("yes_no.unknown", {"value": _raw(value)})


# -- dates -----------------------------------------------------------------------------

EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31
_YMD = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"
    r"(?:[ t]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT_YMD = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{1,7}(?:\.\d+)?")


def excel_serial_to_date(serial: float) -> date:
    """The date of an Excel serial number in the 1900 date system (time of day dropped)."""
    whole = math.floor(serial)
    shown = str(whole) if whole == serial else str(serial)
    if whole == 60:
        raise NormaliseError("date.excel_phantom_leap_day", {"value": shown})
    if not 1 <= whole <= EXCEL_MAX_SERIAL:
        raise NormaliseError("date.serial_out_of_range", {"value": shown})
    # Excel counts 1900-02-29, which never was: serials after 60 are one day ahead.
    epoch = date(1899, 12, 31) if whole < 60 else date(1899, 12, 30)
    return epoch + timedelta(days=whole)


def _make_date(year: str, month: str, day: str, raw: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise NormaliseError("date.invalid", {"value": raw}) from None


def parse_date(value: Any) -> date:
    """A date from a date, datetime, pandas Timestamp, Excel serial or common text form."""
    if is_blank(value):
        raise NormaliseError("value.blank")
    if isinstance(value, datetime):  # pandas Timestamp is a datetime
        return value.date()
    if isinstance(value, date):
        return value
    raw = _raw(value)
    if isinstance(value, bool):
        raise NormaliseError("date.unreadable", {"value": raw})
    if isinstance(value, numbers.Real | Decimal):
        try:
            number = float(value)
        except OverflowError:  # an int beyond float's range: no date
            raise NormaliseError("date.unreadable", {"value": raw}) from None
        if not math.isfinite(number):
            raise NormaliseError("date.unreadable", {"value": raw})
        text = str(int(number)) if number.is_integer() else ""
    else:
        text = " ".join(half_width(value).split()).lower().removesuffix(".0")
        number = None
    if re.fullmatch(r"(19|20|21)\d\d", text):
        raise NormaliseError("date.year_only", {"value": raw})
    match = _COMPACT_YMD.fullmatch(text)
    if match and 1900 <= int(match[1]) <= 2100:
        return _make_date(*match.groups(), raw)
    if number is None and _SERIAL.fullmatch(text):
        number = float(text)
    if number is not None:
        if not math.isfinite(number):
            raise NormaliseError("date.unreadable", {"value": raw})
        return excel_serial_to_date(number)
    match = _YMD.fullmatch(text)
    if match:
        return _make_date(*match.groups(), raw)
    raise NormaliseError("date.unreadable", {"value": raw})
