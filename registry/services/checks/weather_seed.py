"""Reference weather: Qingdao's synthetic year (default) and the EPWs shipped with EnergyPlus."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlmodel import Session, select

from registry.domain.checks import weather as wx
from registry.domain.text import NC_
from registry.i18n import DEFAULT_LOCALE, pgettext
from registry.models import WeatherFile

QINGDAO_NAME = wx.QINGDAO_NAME
WHEEL_FILES = {
    # The five TMY3 files shipped with the EnergyPlus 25.2 wheel, for comparison runs.
    "USA_VA_Sterling-Washington.Dulles.Intl.AP.724030_TMY3.epw": "Sterling VA (Washington Dulles)",
    "USA_IL_Chicago-OHare.Intl.AP.725300_TMY3.epw": "Chicago O'Hare",
    "USA_CO_Golden-NREL.724666_TMY3.epw": "Golden CO (NREL)",
    "USA_CA_San.Francisco.Intl.AP.724940_TMY3.epw": "San Francisco",
    "USA_FL_Tampa.Intl.AP.722110_TMY3.epw": "Tampa",
}


def _wheel_dir() -> Path:
    from registry.domain.checks.energyplus import weather_data_dir

    return weather_data_dir()


def qingdao_epw_bytes() -> bytes:
    """Build the synthetic year from the engine's own Dulles file (same bytes every time)."""
    return wx.morph_to_qingdao((_wheel_dir() / wx.QINGDAO_BASE_FILE).read_bytes())


def ensure_generated(weather_dir: Path, weather: WeatherFile) -> Path:
    """The generated file on disk, rebuilt if missing; refuses a result that has drifted."""
    path = Path(weather_dir) / Path(weather.path.split(":", 1)[1]).name
    if not path.exists():
        data = qingdao_epw_bytes()
        if hashlib.sha256(data).hexdigest() != weather.sha256:
            raise RuntimeError("synthetic weather rebuilt with a different hash")
        path.parent.mkdir(parents=True, exist_ok=True)
        # A name of our own: two workers on a fresh instance may build the file at once.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path


def synthetic_location() -> str:
    """The synthetic year's place, stored once for every reader: in Chinese, then in English
    (青岛（合成气象年）Qingdao (synthetic))."""
    english = NC_("weather location", "Qingdao (synthetic)")
    return pgettext("weather location", english, DEFAULT_LOCALE) + english


def seed(session: Session) -> str:
    added = []
    existing = {w.name for w in session.exec(select(WeatherFile))}
    if QINGDAO_NAME not in existing:
        data = qingdao_epw_bytes()
        info = wx.validate_epw(data)
        has_default = session.exec(select(WeatherFile).where(WeatherFile.is_default)).first()
        session.add(
            WeatherFile(
                name=QINGDAO_NAME,
                location=synthetic_location(),
                source=(
                    f"{wx.QINGDAO_MORPH_VERSION}; {wx.QINGDAO_SOURCE}; base {wx.QINGDAO_BASE_FILE}"
                ),
                sha256=info.sha256,
                synthetic=True,
                is_default=has_default is None,
                path=f"generated:{QINGDAO_NAME}-{wx.QINGDAO_MORPH_VERSION}.epw",
                latitude=info.latitude,
                longitude=info.longitude,
                time_zone=info.time_zone,
                elevation_m=info.elevation_m,
                notes="\n".join(wx.QINGDAO_MORPH_NOTES),
            )
        )
        added.append(QINGDAO_NAME)
    for filename, label in WHEEL_FILES.items():
        name = filename.removesuffix(".epw")
        if name in existing:
            continue
        data = (_wheel_dir() / filename).read_bytes()
        info = wx.validate_epw(data)
        session.add(
            WeatherFile(
                name=name,
                location=label,
                source="NREL TMY3, shipped with EnergyPlus 25.2",
                sha256=info.sha256,
                path=f"wheel:{filename}",
                latitude=info.latitude,
                longitude=info.longitude,
                time_zone=info.time_zone,
                elevation_m=info.elevation_m,
            )
        )
        added.append(name)
    session.commit()
    return f"weather: {len(added)} added" + (f" ({', '.join(added)})" if added else "")
