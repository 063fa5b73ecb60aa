"""Start and stop a throw-away SeaweedFS S3 server for tests (via scripts/seaweedfs.sh).

Plain functions, not pytest fixtures, so the session conftest can wire them in however it likes:

    endpoint = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    ...  # endpoint.url, endpoint.env(bucket), endpoint.store(bucket)
    stop_seaweedfs(endpoint)
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from openkyc.kit.storage_s3 import S3ObjectStore

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "seaweedfs.sh"
# Test-only credentials, the same defaults as scripts/seaweedfs.sh.
DEFAULT_ACCESS_KEY = "openkyc-test-access"
DEFAULT_SECRET_KEY = "openkyc-test-secret-not-for-production"
REGION = "us-east-1"
# The script derives S3 port P, P+1..P+4 and P+10000..P+10004; this range keeps all of them
# below the Linux ephemeral range (32768+), where outgoing connections could take them.
PORT_RANGE = (10000, 22000)
START_ATTEMPTS = 5
# Measured on a 2-CPU machine: start (all ten ports bound) 0.9-1.0 s, stop 2.3-3.5 s.
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 40


class SeaweedStartError(RuntimeError):
    """scripts/seaweedfs.sh could not start a server; the message carries its output."""


@dataclass(frozen=True)
class S3Endpoint:
    url: str
    port: int
    access_key: str
    secret_key: str
    region: str
    data_dir: Path

    def env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """The OPENKYC_S3_* settings that point the application at this server."""
        return {
            "OPENKYC_S3_ENDPOINT_URL": self.url,
            "OPENKYC_S3_BUCKET": bucket,
            "OPENKYC_S3_ACCESS_KEY": self.access_key,
            "OPENKYC_S3_SECRET_KEY": self.secret_key,
            "OPENKYC_S3_REGION": self.region,
            "OPENKYC_S3_PREFIX": prefix,
        }

    def store(self, bucket: str, prefix: str = "", create_bucket: bool = True) -> S3ObjectStore:
        return S3ObjectStore(
            self.url,
            bucket,
            self.access_key,
            self.secret_key,
            region=self.region,
            prefix=prefix,
            create_bucket=create_bucket,
        )

    def pid(self) -> int | None:
        pid_file = self.data_dir / "weed.pid"
        return int(pid_file.read_text().strip()) if pid_file.exists() else None


def _ports_free(port: int) -> bool:
    for candidate in [port + offset for offset in range(5)] + [
        port + 10000 + offset for offset in range(5)
    ]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                return False
    return True


def _pick_port() -> int:
    for _ in range(100):
        port = random.randrange(*PORT_RANGE)
        if _ports_free(port):
            return port
    raise SeaweedStartError(f"no free port block found in {PORT_RANGE}")


def _credentials() -> tuple[str, str]:
    return (
        os.environ.get("OPENKYC_S3_ACCESS_KEY") or DEFAULT_ACCESS_KEY,
        os.environ.get("OPENKYC_S3_SECRET_KEY") or DEFAULT_SECRET_KEY,
    )


def start_seaweedfs(tmp_dir: Path) -> S3Endpoint:
    """Start `weed mini` with its data in ``tmp_dir``; return once S3 answers on 127.0.0.1."""
    access_key, secret_key = _credentials()
    env = {
        **os.environ,
        "OPENKYC_S3_ACCESS_KEY": access_key,
        "OPENKYC_S3_SECRET_KEY": secret_key,
        "OPENKYC_S3_START_TIMEOUT": str(START_TIMEOUT_S),
    }
    failures: list[str] = []
    # Retried because another process may take a port between our probe and weed's bind.
    for _ in range(START_ATTEMPTS):
        port = _pick_port()
        result = subprocess.run(
            [str(SCRIPT), "start", str(tmp_dir), str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S + 30,
            check=False,
        )
        if result.returncode == 0:
            return S3Endpoint(
                url=f"http://127.0.0.1:{port}",
                port=port,
                access_key=access_key,
                secret_key=secret_key,
                region=REGION,
                data_dir=Path(tmp_dir).resolve(),
            )
        failures.append(f"port {port}: {result.stderr.strip()}")
    raise SeaweedStartError("seaweedfs did not start:\n" + "\n".join(failures))


def stop_seaweedfs(endpoint: S3Endpoint) -> None:
    """Stop the server started in ``endpoint.data_dir``; a no-op when it is not running."""
    subprocess.run(
        [str(SCRIPT), "stop", str(endpoint.data_dir)],
        capture_output=True,
        text=True,
        timeout=STOP_TIMEOUT_S,
        check=True,
    )
