"""Qingdao's ten county-level divisions (GB/T 2260) and normalising what people write for them.

Spreadsheets and older datasets name districts in many ways: the code, the name with or
without 区/市, with a 青岛市 prefix, in English, or by a division that no longer exists
(即墨市 became 即墨区 in 2017; 胶南市 and 四方区 were merged away in 2012).
`normalise_district` turns all of these into one `District`. Functional zones (高新区,
红岛经济区, …) are not administrative divisions and are refused with a hint.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from registry.domain.text import NC_, names

DISTRICT = "district"
COUNTY_LEVEL_CITY = "county_level_city"
KINDS = (DISTRICT, COUNTY_LEVEL_CITY)


@dataclass(frozen=True)
class District:
    """One current county-level division of Qingdao.

    `name` is the English name, shown through the catalogue (registry.vocabulary gives the
    Chinese); `official` is the name as GB/T 2260 writes it, which users type and
    spreadsheets hold, so it is read like the other `aliases`.
    """

    code: str  # GB/T 2260, six digits
    official: str
    name: str
    kind: str  # DISTRICT or COUNTY_LEVEL_CITY
    aliases: tuple[str, ...] = ()


DISTRICTS: tuple[District, ...] = (
    District("370202", "市南区", NC_("district", "Shinan"), DISTRICT, ("市南",)),
    District("370203", "市北区", NC_("district", "Shibei"), DISTRICT, ("市北",)),
    District(
        "370211",
        "黄岛区",
        NC_("district", "Huangdao (West Coast New Area)"),
        DISTRICT,
        ("黄岛", "西海岸", "West Coast New Area", "Qingdao West Coast New Area", "West Coast"),
    ),
    District("370212", "崂山区", NC_("district", "Laoshan"), DISTRICT, ("崂山",)),
    District("370213", "李沧区", NC_("district", "Licang"), DISTRICT, ("李沧",)),
    District("370214", "城阳区", NC_("district", "Chengyang"), DISTRICT, ("城阳",)),
    District("370215", "即墨区", NC_("district", "Jimo"), DISTRICT, ("即墨",)),
    District("370281", "胶州市", NC_("district", "Jiaozhou"), COUNTY_LEVEL_CITY, ("胶州",)),
    District("370283", "平度市", NC_("district", "Pingdu"), COUNTY_LEVEL_CITY, ("平度",)),
    District("370285", "莱西市", NC_("district", "Laixi"), COUNTY_LEVEL_CITY, ("莱西",)),
)
BY_CODE: dict[str, District] = {district.code: district for district in DISTRICTS}

# The four districts of the nearly-zero-energy pilot (崂山, 西海岸新区, 城阳, 即墨).
PILOT_NZEB_DISTRICTS = ("370212", "370211", "370214", "370215")

# Former divisions and other names still found in datasets -> current code.
LEGACY: dict[str, str] = {
    "即墨市": "370215",  # became 即墨区 in 2017
    "370282": "370215",
    "胶南市": "370211",  # merged into 黄岛区 in 2012
    "370284": "370211",
    "四方区": "370203",  # merged into 市北区 in 2012
    "370205": "370203",
    "西海岸新区": "370211",  # the state-level new area covers exactly 黄岛区
    "青岛西海岸新区": "370211",
}

# Functional zones: economic or management areas, not GB/T 2260 divisions. Where a zone
# lies inside one division, the hint names it; where it spans several, it does not.
FUNCTIONAL_ZONES: dict[str, str | None] = {
    "高新区": None,  # mostly in 城阳区 but spans; the user must say where the site is
    "青岛高新区": None,
    "高新技术产业开发区": None,
    "青岛高新技术产业开发区": None,
    "370271": None,
    "370286": None,
    "保税区": None,
    "青岛保税区": None,
    "红岛经济区": "370214",
    "开发区": "370211",
    "经济技术开发区": "370211",
    "青岛经济技术开发区": "370211",
    "黄岛开发区": "370211",
    "前湾保税港区": "370211",
    "中德生态园": "370211",
    "董家口经济区": "370211",
    "蓝谷": "370215",
    "青岛蓝谷": "370215",
    "蓝色硅谷": "370215",
    "胶东临空经济示范区": "370281",
    "临空经济示范区": "370281",
    "上合示范区": "370281",
    "中国-上海合作组织地方经贸合作示范区": "370281",
}

MESSAGES: dict[str, str] = {
    "district.unknown": "“{value}” is not one of Qingdao's ten districts.",
    "district.functional_zone": (
        "“{value}” is a functional zone, not an administrative district; choose the district the "
        "site lies in."
    ),
    "district.functional_zone_in": (
        "“{value}” is a functional zone, not an administrative district; it lies in "
        "{district_name} ({district}) — choose that district."
    ),
    "district.not_in_qingdao": (
        "Division code “{value}” is not in Qingdao (Qingdao's codes start with 3702)."
    ),
}


class UnknownDistrict(ValueError):
    """`value` is not a current Qingdao district; `hint` is the message code explaining why."""

    def __init__(self, value: str, hint: str = "district.unknown", params: dict | None = None):
        super().__init__(value, hint)
        self.value = value
        self.hint = hint
        self.code = hint
        self.params = {"value": value, **(params or {})}

    @property
    def suggestion(self) -> str | None:
        """The code of the district to pick instead, when it is knowable."""
        return self.params.get("district")


def _key(text: str) -> str:
    """Full-width to half-width, no spaces, lower case; brackets unified."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\s\u200b\ufeff]+", "", text).lower()
    return text.replace("【", "(").replace("】", ")")


_ENGLISH_SUFFIXES = ("countylevelcity", "district", "city", "qu", "shi")


def _english_key(key: str) -> str:
    key = key.replace("-", "").replace("_", "").replace(".", "")
    if key.startswith("qingdao") and key != "qingdao":
        key = key.removeprefix("qingdao")
    for suffix in _ENGLISH_SUFFIXES:
        if key.endswith(suffix) and key != suffix:
            key = key[: -len(suffix)]
            break
    return key


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for district in DISTRICTS:
        for name in (district.code, district.official, district.name, *district.aliases):
            key = _key(name)
            index[key] = district.code
            if key.isascii():
                index[_english_key(key)] = district.code
        index[_english_key(_key(district.name.split(" (")[0]))] = district.code
    for name, code in LEGACY.items():
        index[_key(name)] = code
        # 胶南 and 四方 also without their suffix, like the current names.
        if len(name) == 3 and name[-1] in "区市":
            index.setdefault(_key(name[:-1]), code)
    return index


_INDEX = _build_index()
_ZONES = {_key(name): district for name, district in FUNCTIONAL_ZONES.items()}
_PREFIXES = ("山东省", "山东", "青岛市", "青岛")


def _candidates(key: str) -> list[str]:
    """The key, then the key without province/city prefixes and bracketed notes."""
    found = [key]
    without_brackets = re.sub(r"\(.*?\)", "", key)
    for text in (key, without_brackets):
        found.append(text)
        stripped = text
        for prefix in _PREFIXES:
            if stripped.startswith(prefix):
                stripped = stripped.removeprefix(prefix)
                found.append(stripped)
        # "青岛市南区" means 市南区: strip only "青岛" too.
        if text.startswith("青岛"):
            found.append(text.removeprefix("青岛"))
    if key.isascii():
        found.extend(_english_key(text) for text in list(found))
    return [text for text in dict.fromkeys(found) if text]


def _code_of(key: str) -> str | None:
    """A six-digit code from 6-, 9- or 12-digit division codes (370202000000 -> 370202)."""
    digits = key.removesuffix(".0")
    if digits.isdigit() and len(digits) in (6, 9, 12):
        return digits[:6]
    return None


def normalise_district(value: str | int) -> District:
    """The current district for a code, name, English name or legacy name or code.

    Raises `UnknownDistrict` with a hint: a functional zone (naming the district to
    choose where it lies in one), a code outside Qingdao, or simply unknown.
    """
    text = str(value).strip() if value is not None else ""
    key = _key(text)
    code = _code_of(key)
    if code is not None:
        if code in BY_CODE:
            return BY_CODE[code]
        if code in LEGACY:
            return BY_CODE[LEGACY[code]]
        if code in _ZONES:
            _raise_zone(text, _ZONES[code])
        if not code.startswith("3702"):
            raise UnknownDistrict(text, "district.not_in_qingdao")
        raise UnknownDistrict(text)
    candidates = _candidates(key)
    for candidate in candidates:
        if candidate in _INDEX:
            return BY_CODE[_INDEX[candidate]]
    for candidate in candidates:
        if candidate in _ZONES:
            _raise_zone(text, _ZONES[candidate])
    raise UnknownDistrict(text)


def _raise_zone(text: str, district_code: str | None) -> None:
    if district_code is None:
        raise UnknownDistrict(text, "district.functional_zone")
    district = BY_CODE[district_code]
    raise UnknownDistrict(
        text,
        "district.functional_zone_in",
        {"district": district.code, "district_name": names("district", [district.name])},
    )
