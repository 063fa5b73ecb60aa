"""Fuzz every route from the OpenAPI schema (schemathesis), tenant routes with signed requests
and operator routes with a bearer token, against a real `openkyc serve`: no input may produce
a 500, and every error has the contract shape.
It found a real 500 once (a client-made ocr_result): it stays as a regression test."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("OPENKYC_FUZZ_EXAMPLES", "12"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Signed(requests.auth.AuthBase):
    def __init__(self, key: dict[str, str]) -> None:
        self.key = key

    def __call__(self, r: Any) -> Any:
        body = r.body or b""
        body = body.encode() if isinstance(body, str) else body
        stamp, nonce = str(int(time.time() * 1000)), secrets.token_hex(8)
        message = "\n".join(
            [stamp, r.method.upper(), r.path_url, hashlib.sha256(body).hexdigest(), nonce]
        )
        r.headers.update(
            {
                "X-API-KEY": self.key["api_key_id"],
                "X-API-TIMESTAMP": stamp,
                "X-API-NONCE": nonce,
                "X-API-SIGN": hmac.new(
                    self.key["api_key_secret"].encode(), message.encode(), hashlib.sha256
                ).hexdigest(),
            }
        )
        return r


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    env = {**os.environ, "OPENKYC_DATA_DIR": str(folder), "OPENKYC_LOG_LEVEL": "WARNING"}
    env.pop("OPENKYC_DATABASE_URL", None)
    cli = [sys.executable, "-m", "openkyc.cli"]
    key = json.loads(
        subprocess.run(
            [*cli, "tenant", "create", "Fuzz", "--plan", "enterprise", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    subprocess.run(
        [
            *cli,
            "operator",
            "plan",
            key["tenant_id"],
            "enterprise",
            "--overrides",
            '{"requests_per_minute": 1000000, "requests_per_day": 100000000}',
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    token = subprocess.run(
        [*cli, "operator", "token", "create", "fuzz", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    key["operator_token"] = json.loads(token)["token"]
    port = _free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    yield base, key
    process.terminate()
    process.wait(timeout=30)


def test_no_input_makes_a_server_error(server: tuple[str, dict[str, str]]) -> None:
    base, key = server
    tenant, operator = requests.Session(), requests.Session()
    tenant.auth = Signed(key)
    operator.headers["Authorization"] = f"Bearer {key['operator_token']}"
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    checked = 0
    # Operator routes last: they may change the tenant being fuzzed (plans, suspension).
    operations = sorted(
        (r.ok() for r in schema.get_all_operations()),
        key=lambda op: op.path.startswith("/v1/operator"),
    )
    for operation in operations:
        session = operator if operation.path.startswith("/v1/operator") else tenant
        _fuzz(operation, session)
        checked += 1
    assert checked >= 40  # every route was fuzzed, tenant and operator


def _fuzz(operation: Any, session: requests.Session) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: Any) -> None:
        response = case.call(session=session)
        assert response.status_code < 500, (case.method, case.path, response.text[:300])
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}

    check()
