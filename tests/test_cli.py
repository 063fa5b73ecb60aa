"""The command line, including a real ``openkyc serve`` answering a signed request."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from openkyc.cli import main
from openkyc.client import OpenKYC
from openkyc.platform import Platform


def _run(platform: Platform, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            *args,
            "--data-dir",
            str(platform.settings.data_dir),
            "--database-url",
            platform.settings.database_url(),
        ],
    )
    return result.exit_code, result.output


def test_tenant_create_rotate_revoke(fresh_platform: Platform) -> None:
    code, output = _run(
        fresh_platform,
        "tenant",
        "create",
        "Acme Bank",
        "--plan",
        "enterprise",
        "--country",
        "pak",
        "--email",
        "ops@acme.example",
        "--json",
    )
    assert code == 0, output
    created = json.loads(output)
    assert set(created) == {"tenant_id", "api_key_id", "api_key_secret"}
    code, output = _run(
        fresh_platform,
        "tenant",
        "key",
        "rotate",
        created["tenant_id"],
        "--overlap-hours",
        "2",
        "--json",
    )
    assert code == 0, output
    rotated = json.loads(output)
    assert rotated["api_key_id"] != created["api_key_id"]
    code, output = _run(fresh_platform, "tenant", "key", "revoke", created["api_key_id"], "--json")
    assert code == 0
    assert json.loads(output)["revoked_at"]
    code, output = _run(fresh_platform, "audit", "verify")
    assert code == 0
    assert "intact" in output
    code, output = _run(fresh_platform, "tenant", "list", "--json")
    [listed] = json.loads(output)["tenants"]
    assert (listed["plan"], listed["country"]) == ("enterprise", "PAK")


def test_cli_errors_are_clear(fresh_platform: Platform) -> None:
    code, output = _run(fresh_platform, "tenant", "create", "x", "--country", "CI")
    assert code == 2
    assert "alpha-3" in output
    code, output = _run(fresh_platform, "tenant", "key", "revoke", "kyck_nope")
    assert code == 1
    assert "API_KEY_NOT_FOUND" in output
    code, output = _run(fresh_platform, "tenant", "key", "rotate", "ten_nope")
    assert code == 1
    assert "TENANT_NOT_FOUND" in output


def test_sign_prints_curl_headers() -> None:
    result = CliRunner().invoke(
        main, ["sign", "--key-id", "kyck_1", "--secret", "s", "GET", "/v1/tenant"]
    )
    assert result.exit_code == 0
    assert "-H 'X-API-SIGN: " in result.output
    assert "-H 'X-API-NONCE: " in result.output


def test_keygen_prints_a_key() -> None:
    result = CliRunner().invoke(main, ["keygen"])
    assert result.exit_code == 0
    assert len(result.output.strip()) == 44


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_starts_on_embedded_defaults(tmp_path: Path) -> None:
    port, env = _free_port(), {**os.environ, "OPENKYC_DATA_DIR": str(tmp_path)}
    env.pop("OPENKYC_DATABASE_URL", None)
    created = json.loads(
        subprocess.run(
            [sys.executable, "-m", "openkyc.cli", "tenant", "create", "Served", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "openkyc.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert server.stdout is not None
    threading.Thread(target=lambda: lines.extend(server.stdout or ()), daemon=True).start()
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", server)
        api = OpenKYC(base, key_id=created["api_key_id"], secret=created["api_key_secret"])
        assert api.get("/v1/tenant").json()["name"] == "Served"
        assert httpx.get(f"{base}/docs").status_code == 200
        # the document engines are loaded ahead of the first request, in the background
        _wait_for_line("document engines ready", lines)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert any(f"http://127.0.0.1:{port}/docs" in line for line in lines)
    assert (tmp_path / "openkyc.db").exists()
    assert (tmp_path / "master.key").exists()


def _wait_for_line(text: str, lines: list[str], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(text in line for line in lines):
            return
        time.sleep(0.2)
    raise AssertionError(f"the server did not print {text!r} within {timeout_s:.0f} s: {lines}")


def _wait_for(url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"server exited: {server.communicate()[0]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("server did not start within 60 s")
