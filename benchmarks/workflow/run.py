"""End-to-end verification benchmark: document + selfie + 3 s liveness video through the real
API and job machinery, embedded workers and Celery workers side by side.

    .venv/bin/python benchmarks/workflow/run.py [--latency 10] [--burst 30]
        [--modes embedded,celery]

Latency: verifications submitted one at a time, from POST /v1/kyc/verify to the job's
completion. Throughput: a burst submitted at once, completions per minute with 2 workers.
Writes benchmarks/workflow/results.json; REPORT.md quotes it.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform as host
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from openkyc.api import create_app  # noqa: E402
from openkyc.jobs.models import Job  # noqa: E402
from openkyc.kit.db import transaction  # noqa: E402
from openkyc.platform import Platform, build_platform  # noqa: E402
from openkyc.worker import EmbeddedWorkers  # noqa: E402
from tests.support import TEST_MASTER_KEY, create_tenant, make_settings, signed_api  # noqa: E402

DATA = Path(os.environ.get("OPENKYC_DATA", ROOT.parent / "shared" / "data"))
CLIP = DATA / "liveness" / "videos" / "live_02_blinks_closeup.mp4"


def evidence() -> tuple[dict[str, Any], str]:
    """Document front (a rendered specimen when the renderer is installed), selfie, video."""
    from tests.verifications.cards import card_with_portrait, selfie

    document, source = card_with_portrait(), "plain test card with the astronaut portrait"
    from openkyc.demo.specimen import passport

    document, source = passport(), "SPECIMEN TD3 passport rendered by openkyc.demo.specimen"
    return {
        "document": {"front_base64": base64.b64encode(document).decode()},
        "selfie_base64": base64.b64encode(selfie()).decode(),
    }, source


def video() -> tuple[bytes, str]:
    from tests.vision.liveness.liveness_media_helpers import encode, held_photo

    if CLIP.exists():
        from openkyc.vision.liveness import MediaLimits, decode_video

        media = decode_video(CLIP.read_bytes(), MediaLimits(max_seconds=30, max_frames=2000))
        frames = [f for f, t in zip(media.frames, media.timestamps_ms, strict=True) if t < 3000]
        fps = 1000.0 / float(np.median(np.diff(media.timestamps_ms)))
        return encode(frames, fps=fps), f"{CLIP.name}, first 3 s (bona fide blink)"
    return encode(held_photo(60, moved=False), fps=20.0), "synthetic still photo, 3 s (attack)"


def submit(api: Any, body: dict[str, Any], clip: bytes) -> str:
    challenge = api.post("/v1/liveness/challenge", {}).json()
    payload = {
        **body,
        "liveness": {
            "challenge_id": challenge["challenge_id"],
            "video_base64": base64.b64encode(clip).decode(),
        },
    }
    response = api.request(
        "POST",
        "/v1/kyc/verify",
        content=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


def wait_all(platform: Platform, job_ids: list[str], timeout: float = 900) -> dict[str, float]:
    done: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while len(done) < len(job_ids) and time.monotonic() < deadline:
        with transaction(platform.sessions) as session:
            rows = session.execute(sa.select(Job.id, Job.status).where(Job.id.in_(job_ids)))
            for job_id, status in rows:
                if status in ("completed", "failed") and job_id not in done:
                    done[job_id] = time.perf_counter()
        time.sleep(0.05)
    return done


def run_mode(mode: str, latency_n: int, burst_n: int) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"openkyc-bench-{mode}-"))
    url = f"sqlite:///{data_dir / 'bench.db'}"
    settings = make_settings(data_dir, url)
    settings.workers.queue = f"openkyc-bench-{secrets.token_hex(3)}"
    settings.redis.url = "redis://127.0.0.1:6379/0"
    settings.log_level = "WARNING"
    platform = build_platform(settings)
    client = TestClient(create_app(platform=platform))
    key = create_tenant(platform, plan="enterprise")
    api = signed_api(client, key)
    api.request(
        "PUT",
        "/v1/workflows/current",
        content=json.dumps(
            {"liveness": {"steps": ["blink"], "min_steps": 1, "max_steps": 1}}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    body, document_source = evidence()
    clip, clip_source = video()
    stop = start_workers(mode, platform, settings, data_dir, url)
    try:
        submit_wait(api, platform, body, clip)  # warm-up: models load once per process
        latencies, steps = [], []
        for _ in range(latency_n):
            started = time.perf_counter()
            job_id = submit_wait(api, platform, body, clip)
            latencies.append((time.perf_counter() - started) * 1000)
            steps.append(api.get(f"/v1/jobs/{job_id}").json()["verification"]["timings_ms"])
        started = time.perf_counter()
        burst = [submit(api, body, clip) for _ in range(burst_n)]
        finished = wait_all(platform, burst)
        elapsed = max(finished.values()) - started
    finally:
        stop()
    return {
        "mode": mode,
        "document": document_source,
        "video": clip_source,
        "latency_ms": {
            "n": latency_n,
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "max": max(latencies),
        },
        "step_ms_median": {name: statistics.median(s[name] for s in steps) for name in steps[0]},
        "throughput": {
            "n": burst_n,
            "completed": len(finished),
            "seconds": round(elapsed, 1),
            "per_minute": round(60 * len(finished) / elapsed, 1),
        },
    }


def submit_wait(api: Any, platform: Platform, body: dict[str, Any], clip: bytes) -> str:
    job_id = submit(api, body, clip)
    wait_all(platform, [job_id])
    return job_id


def start_workers(mode: str, platform: Platform, settings: Any, data_dir: Path, url: str) -> Any:
    if mode == "embedded":
        workers = EmbeddedWorkers(platform.runtime(), threads=2, poll_seconds=0.05, periodic=())
        workers.start()
        return workers.stop
    from openkyc.celery_app import CeleryDispatcher, make_celery
    from openkyc.jobs import service as jobs

    unsubscribe = jobs.on_enqueued(CeleryDispatcher(make_celery(settings)).send)
    env = {
        **os.environ,
        "OPENKYC_ENV": "test",
        "OPENKYC_DATA_DIR": str(data_dir),
        "OPENKYC_DATABASE_URL": url,
        "OPENKYC_CRYPTO_MASTER_KEY": TEST_MASTER_KEY,
        "OPENKYC_JOBS": "celery",
        "OPENKYC_REDIS_URL": "redis://127.0.0.1:6379/0",
        "OPENKYC_JOBS_QUEUE": settings.workers.queue,
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "openkyc.cli", "worker", "--concurrency", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def stop() -> None:
        unsubscribe()
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)

    return stop


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=int, default=10)
    parser.add_argument("--burst", type=int, default=30)
    parser.add_argument("--modes", default="embedded,celery")
    args = parser.parse_args()
    results = {
        "machine": {"cpus": os.cpu_count(), "python": host.python_version(), "cpu": _cpu()},
        "runs": [run_mode(m, args.latency, args.burst) for m in args.modes.split(",")],
    }
    out = Path(__file__).with_name("results.json")
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    main()
