"""Run one full verification of the SPECIMEN documents and return the decision."""

from __future__ import annotations

import base64
import json
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from openkyc.client import OpenKYC
from openkyc.demo import specimen

APPLICANT = {
    "name": "Eileen Marie Collins",
    "birth_date": "1956-11-19",
    "phone": "+12025550143",
    "country": "USA",
}


def _body() -> dict[str, Any]:
    return {
        "document": {"front_base64": base64.b64encode(specimen.passport()).decode()},
        "selfie_base64": base64.b64encode(specimen.selfie()).decode(),
        "applicant": APPLICANT,
        "reference": "openkyc-demo",
    }


def verify(api: OpenKYC, timeout: float = 120.0) -> dict[str, Any]:
    response = api.request(
        "POST",
        "/v1/kyc/verify",
        content=json.dumps(_body()).encode(),
        headers={"Content-Type": "application/json"},
    )
    if response.status_code != 202:
        raise RuntimeError(f"the server refused the verification: {response.text}")
    job_id = response.json()["job_id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.get(f"/v1/jobs/{job_id}").json()
        if job.get("status") in ("completed", "failed"):
            return dict(job)
        time.sleep(0.5)
    raise RuntimeError(f"job {job_id} did not finish within {timeout:.0f} s")


def embedded() -> dict[str, Any]:
    """A throw-away platform in a temporary folder: SQLite, files, worker threads."""
    from starlette.exceptions import StarletteDeprecationWarning

    from openkyc.api import create_app
    from openkyc.keys import service as keys
    from openkyc.kit.db import transaction
    from openkyc.platform import build_platform
    from openkyc.settings import Settings
    from openkyc.tenants.schemas import TenantCreate
    from openkyc.worker import EmbeddedWorkers

    with warnings.catch_warnings():  # Starlette's notice to its own test users, not the demo's
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient

    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="openkyc-demo-")))
    settings.log_level = "WARNING"
    platform = build_platform(settings)
    with transaction(platform.sessions) as session:
        issued = keys.onboard(session, platform.keyring, TenantCreate(name="Demo"), "demo")
    workers = EmbeddedWorkers(
        platform.runtime(), threads=1, poll_seconds=0.2, periodic=(), face_processes=0
    )
    workers.start()
    try:
        with TestClient(create_app(platform=platform)) as client:
            api = OpenKYC(key_id=issued.api_key_id, secret=issued.api_key_secret, client=client)
            return verify(api)
    finally:
        workers.stop()
        platform.close()
