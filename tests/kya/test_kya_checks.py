from __future__ import annotations

import pytest

from openkyc.kya import names, service
from openkyc.kya.schemas import Applicant
from tests.kya.dns_server import dns_server


def test_email_mx_against_a_real_dns_server() -> None:
    with dns_server({"bank.example": "mx1.bank.example"}) as address:
        good = service.check_email("awa.kone@bank.example", [address])
        bad = service.check_email("x@nowhere.example", [address])
    assert good.status == "pass"
    assert good.details["mx"] == ["mx1.bank.example"]
    assert bad.status == "fail"
    assert "no mail server" in bad.message


def test_email_without_dns_is_skipped_not_crashed() -> None:
    check = service.check_email("someone@bank.example", ["127.0.0.1"], timeout=0.3)
    assert check.status == "skip"
    assert "MX lookup unavailable" in check.message


def test_malformed_email() -> None:
    assert service.check_email("not-an-email", []).status == "fail"


@pytest.mark.parametrize(
    ("phone", "declared", "status", "country"),
    [
        ("+2250701020304", "CIV", "pass", "CIV"),
        ("+923001234567", "PAK", "pass", "PAK"),
        ("+33612345678", "CIV", "warn", "FRA"),
        ("0701020304", None, "fail", None),
        ("+22507", None, "fail", None),
    ],
)
def test_phone(phone: str, declared: str | None, status: str, country: str | None) -> None:
    check = service.check_phone(phone, declared)
    assert check.status == status
    assert check.details.get("country") == country


@pytest.mark.parametrize(
    ("declared", "document", "status"),
    [
        ("Maëlis-Gaëlle Martin", "MARTIN MAELIS GAELLE", "pass"),
        ("kone awa", "KONÉ AWA", "pass"),
        ("محمد علی", "MUHAMMAD ALI", "warn"),
        ("Awa Konee", "KONE AWA", "warn"),
        ("John Smith", "KONE AWA", "fail"),
    ],
)
def test_name_match(declared: str, document: str, status: str) -> None:
    assert service.check_name(declared, document).status == status


def test_transliteration_is_deterministic() -> None:
    assert names.normalize("Ñúñez  O'Brien-Diallo") == "BRIEN DIALLO NUNEZ O"


def test_birth_date_and_score() -> None:
    checks = service.run(
        Applicant(name="Awa Kone", birth_date="1990-04-01", phone="+2250701020304", country="CIV"),
        document_name="KONE AWA",
        document_birth_date="1990-04-02",
    )
    statuses = {c.name: c.status for c in checks}
    assert statuses == {"phone": "pass", "name_match": "pass", "birth_date_match": "fail"}
    assert service.score(checks) == pytest.approx(2 / 3)


def test_ip_country_with_attribution() -> None:
    check = service.check_ip("193.0.6.139", "CIV")  # RIPE NCC, Amsterdam
    assert check.status == "warn"
    assert check.details["country"] == "NLD"
    assert "DB-IP" in check.details["attribution"]
    assert service.check_ip("10.1.2.3", None).status == "skip"
    assert service.check_ip("not-an-ip", None).status == "fail"
