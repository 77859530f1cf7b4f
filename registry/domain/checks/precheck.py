"""Cheap checks of an uploaded IDF that need no eppy parse, so the upload page answers at once.

The full validation (eppy against the engine's IDD) runs in the worker; this only refuses
what is plainly not a usable EnergyPlus 25.2 model, with the same message codes as idf.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from registry.domain.checks.erl import unbounded_loop

SUPPORTED_VERSION = "25.2"
WARN_VERSIONS = ("24.1", "24.2", "25.1")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_VERSION = re.compile(rb"^\s*Version\s*,\s*([0-9]+(?:\.[0-9]+){0,2})\s*;", re.I | re.M)
# Objects that run code or reach outside the run (files, sockets, co-simulation).
_FORBIDDEN = re.compile(
    rb"^\s*(PythonPlugin:[A-Za-z:]+|ExternalInterface[A-Za-z:]*|"
    rb"[A-Za-z:]*FunctionalMockupUnit[A-Za-z:]*)\s*,",
    re.I | re.M,
)


_EMS = re.compile(rb"EnergyManagementSystem:(Program|Subroutine)", re.I)


# zip (also .epJSON packs and xlsx), gzip, 7z, rar, PDF, OLE (old Office): never a model.
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"%PDF", b"\xd0\xcf\x11\xe0")


class PrecheckRejected(Exception):
    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.params = params or {}


@dataclass
class Precheck:
    version: str
    text: str
    warnings: list[tuple[str, dict]] = field(default_factory=list)


def precheck_idf(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Precheck:
    """Refuse empty, oversized, binary, non-UTF-8/GBK, wrong-version or code-running models,
    and EMS programs that can loop without bound."""
    if not data.strip():
        raise PrecheckRejected("idf.empty")
    if len(data) > max_bytes:
        raise PrecheckRejected(
            "idf.too_large", {"size_mb": round(len(data) / 1e6, 1), "max_mb": max_bytes // 10**6}
        )
    if data.startswith(_ARCHIVE_MAGIC):
        raise PrecheckRejected("idf.binary")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        # UTF-16 has NUL bytes between ASCII letters; tell that apart from real binaries.
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_like_utf16(data[:4096]):
            raise PrecheckRejected("idf.encoding", {"encoding": "UTF-16"})
        raise PrecheckRejected("idf.binary")
    if b"\x00" in data:
        raise PrecheckRejected("idf.binary")
    text = _decode(data)
    match = _VERSION.search(data)
    if not match:
        raise PrecheckRejected("idf.no_version")
    version = match.group(1).decode()
    major_minor = ".".join(version.split(".")[:2])
    warnings: list[tuple[str, dict]] = []
    if major_minor in WARN_VERSIONS:
        warnings.append(("idf.older_version_accepted", {"found": version}))
    elif major_minor != SUPPORTED_VERSION:
        raise PrecheckRejected("idf.wrong_version", {"found": version})
    forbidden = _FORBIDDEN.search(data)
    if forbidden:
        raise PrecheckRejected("idf.forbidden_object", {"object": forbidden.group(1).decode()})
    if _EMS.search(data):
        loop = unbounded_loop(text)
        if loop:
            raise PrecheckRejected(*loop)
    return Precheck(version=version, text=text, warnings=warnings)


def _looks_like_utf16(head: bytes) -> bool:
    """NULs on every other byte, and printable ASCII on the rest (a zip of zeros is not)."""
    odd, even = head[1::2], head[0::2]
    zeros, letters = (odd, even) if odd.count(0) >= even.count(0) else (even, odd)
    printable = sum(32 <= byte < 127 or byte in (9, 10, 13) for byte in letters)
    return zeros.count(0) > 100 and printable > 0.9 * len(letters)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Chinese Windows tools save comments and names in GBK.
        return data.decode("gbk")
    except UnicodeDecodeError:
        raise PrecheckRejected("idf.encoding", {"encoding": "unknown"}) from None
