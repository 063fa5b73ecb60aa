"""The KYA checks. Each returns pass, warn, fail or skip with a message a person can act on;
a missing dependency (no DNS, no IP database) is a skip with its reason, never a crash."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import dns.exception
import dns.resolver
import phonenumbers
import pycountry

from openkyc.kit import ipcountry
from openkyc.kya import names
from openkyc.kya.schemas import Applicant, KyaCheck

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$"
)
DNS_TIMEOUT_SECONDS = 2.0


def alpha3(alpha2: str | None) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return country.alpha_3 if country else None


def check_email(
    email: str, dns_servers: Sequence[str] | None = None, timeout: float = DNS_TIMEOUT_SECONDS
) -> KyaCheck:
    if not _EMAIL.match(email):
        return KyaCheck(name="email", status="fail", message="e-mail address is malformed")
    domain = email.rsplit("@", 1)[1].lower()
    resolver = dns.resolver.Resolver(configure=dns_servers is None)
    if dns_servers is not None:  # "ip" or "ip:port"
        hosts_ports = [
            server.rpartition(":") if server.count(":") == 1 else ("", "", server)
            for server in dns_servers
        ]
        resolver.nameservers = [host or port for host, _, port in hosts_ports]
        ports = {int(port) for host, _, port in hosts_ports if host}
        if ports:
            resolver.port = ports.pop()
    resolver.lifetime = timeout
    try:
        answer = resolver.resolve(domain, "MX")
        hosts = sorted(str(r.exchange).rstrip(".") for r in answer)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return KyaCheck(
            name="email",
            status="fail",
            details={"domain": domain},
            message=f"e-mail domain {domain} has no mail server (no MX record)",
        )
    except (dns.exception.DNSException, OSError) as exc:
        return KyaCheck(
            name="email",
            status="skip",
            details={"domain": domain},
            message=f"MX lookup unavailable ({type(exc).__name__}); syntax is valid",
        )
    return KyaCheck(
        name="email",
        status="pass",
        details={"domain": domain, "mx": hosts[:3]},
        message=f"e-mail domain {domain} receives mail",
    )


def check_phone(phone: str, declared_country: str | None) -> KyaCheck:
    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return KyaCheck(
            name="phone", status="fail", message="phone must be in E.164 form, e.g. +2250701020304"
        )
    if not phonenumbers.is_valid_number(parsed):
        return KyaCheck(name="phone", status="fail", message="phone number is not valid")
    country = alpha3(phonenumbers.region_code_for_number(parsed))
    details = {
        "country": country,
        "e164": phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
    }
    if declared_country and country and country != declared_country:
        return KyaCheck(
            name="phone",
            status="warn",
            details=details,
            message=f"phone is from {country}, applicant declared {declared_country}",
        )
    return KyaCheck(
        name="phone",
        status="pass",
        details=details,
        message=f"valid {country or 'international'} number",
    )


def check_ip(ip: str, declared_country: str | None) -> KyaCheck:
    try:
        found = ipcountry.lookup_country(ip)
    except ValueError:
        return KyaCheck(name="ip_country", status="fail", message=f"{ip!r} is not an IP address")
    except ipcountry.IpCountryUnavailable as exc:
        return KyaCheck(name="ip_country", status="skip", message=f"no IP database: {exc}")
    if found is None:
        return KyaCheck(
            name="ip_country",
            status="skip",
            message="IP is private, reserved or not in the database",
        )
    details = {
        "country": found.alpha3,
        "source": found.source,
        "attribution": ipcountry.ATTRIBUTION,
        "data_date": found.data_date,
    }
    if declared_country and found.alpha3 != declared_country:
        return KyaCheck(
            name="ip_country",
            status="warn",
            details=details,
            message=f"IP is in {found.alpha3}, applicant declared {declared_country}",
        )
    return KyaCheck(
        name="ip_country", status="pass", details=details, message=f"IP is in {found.alpha3}"
    )


def check_name(declared: str, document_name: str | None) -> KyaCheck:
    if not document_name:
        return KyaCheck(name="name_match", status="skip", message="no name read from the document")
    score = names.similarity(declared, document_name)
    status = "pass" if score >= names.NAME_PASS else "warn" if score >= names.NAME_WARN else "fail"
    word = {"pass": "matches", "warn": "nearly matches", "fail": "does not match"}[status]
    return KyaCheck(
        name="name_match",
        status=status,
        details={"similarity": round(score, 1)},
        message=f"declared name {word} the document (similarity {score:.0f}/100)",
    )


def check_birth_date(declared: str, document_birth_date: str | None) -> KyaCheck:
    if not document_birth_date:
        return KyaCheck(
            name="birth_date_match", status="skip", message="no birth date read from the document"
        )
    try:
        same = dt.date.fromisoformat(declared) == dt.date.fromisoformat(document_birth_date)
    except ValueError:
        return KyaCheck(
            name="birth_date_match",
            status="fail",
            message="declared birth date is not a valid date",
        )
    return KyaCheck(
        name="birth_date_match",
        status="pass" if same else "fail",
        message="declared birth date matches the document"
        if same
        else f"declared birth date {declared} differs from the document",
    )


def run(
    applicant: Applicant,
    document_name: str | None,
    document_birth_date: str | None,
    dns_servers: Sequence[str] | None = None,
) -> list[KyaCheck]:
    checks = []
    if applicant.email:
        checks.append(check_email(applicant.email, dns_servers))
    if applicant.phone:
        checks.append(check_phone(applicant.phone, applicant.country))
    if applicant.ip:
        checks.append(check_ip(applicant.ip, applicant.country))
    if applicant.name:
        checks.append(check_name(applicant.name, document_name))
    if applicant.birth_date:
        checks.append(check_birth_date(applicant.birth_date, document_birth_date))
    return checks


def score(checks: list[KyaCheck]) -> float:
    """Share of evaluated checks that passed (a warning counts half); 0 when none ran."""
    weights = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
    evaluated = [weights[c.status] for c in checks if c.status != "skip"]
    return sum(evaluated) / len(evaluated) if evaluated else 0.0
