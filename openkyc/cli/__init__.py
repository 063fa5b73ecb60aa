"""The ``openkyc`` command line: serve, tenants and keys, the operator's tools, audit checks.

Every command honours ``--data-dir`` / ``OPENKYC_DATA_DIR`` and ``--database-url`` /
``OPENKYC_DATABASE_URL``; the rest of the configuration comes from ``OPENKYC_*`` variables.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import click

from openkyc.cli import admin, documents, faces, liveness, tenants
from openkyc.cli.common import load_settings, platform_options
from openkyc.cli.demo import demo as demo_command
from openkyc.cli.verify import verify as verify_command
from openkyc.jobs import service as jobs
from openkyc.kit import crypto, signing
from openkyc.platform import Platform, build_platform
from openkyc.settings import ConfigurationError
from openkyc.worker import PERIODIC, EmbeddedWorkers, Periodic, load_task_modules


@click.group()
@click.version_option(package_name="openkyc")
def main() -> None:
    """openkyc: self-hosted identity verification and anti-fraud."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@platform_options
def serve(host: str, port: int, data_dir: Path | None, database_url: str | None) -> None:
    """Run the API on the embedded defaults (SQLite, encrypted media files, in-process jobs)."""
    import uvicorn

    from openkyc.api import create_app

    try:
        platform = build_platform(load_settings(data_dir, database_url))
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration: {exc}") from exc
    settings = platform.settings
    if platform.master_key_origin == "generated":
        click.echo(f"generated a development master key in {settings.data_dir / 'master.key'}")
    click.echo(
        f"openkyc {settings.env}: database {platform.engine.url.render_as_string()}, "
        f"media {type(platform.store).__name__}"
    )
    workers = _server_workers(platform)
    workers.start()
    threading.Thread(target=_warm_up, name="openkyc-warm-up", daemon=True).start()
    click.echo(f"openkyc is running: open http://{host}:{port}/docs")
    click.echo("create a tenant and key:  openkyc tenant create 'My company' --json")
    try:
        uvicorn.run(create_app(platform=platform), host=host, port=port, log_level="warning")
    finally:
        workers.stop()
        platform.close()


def _warm_up() -> None:
    """Load the document reader's engines (the OCR-B and PP-OCRv4 models, Tesseract's `fra` and
    Latin-script models, the face detector) by reading the demo's specimen passport, so the
    first request does not wait for them (~1-3 s, once)."""
    from openkyc.demo.specimen import passport
    from openkyc.documents import reader

    started = time.perf_counter()
    try:
        reader.warm_up(passport())
    except Exception as exc:  # a missing model must not stop the server: requests will say so
        click.echo(f"document engines not loaded ahead: {exc}", err=True)
        return
    click.echo(f"document engines ready ({time.perf_counter() - started:.1f} s)")


def _server_workers(platform: Platform) -> EmbeddedWorkers:
    """Embedded: worker threads and the scheduler. Celery: the scheduler and the dispatcher
    (committed jobs go to the broker; stale ones are sent again)."""
    settings = platform.settings.workers
    load_task_modules(settings.task_modules)
    lease = dt.timedelta(seconds=settings.lease_seconds)
    if platform.settings.jobs == "embedded":
        return EmbeddedWorkers(
            platform.runtime(),
            threads=settings.threads,
            poll_seconds=settings.poll_seconds,
            lease=lease,
            face_processes=settings.face_processes,
        )
    from openkyc.celery_app import CeleryDispatcher, make_celery

    dispatcher = CeleryDispatcher(make_celery(platform.settings))
    jobs.on_enqueued(dispatcher.send)
    sweep = Periodic(
        "jobs.sweep",
        settings.sweep_seconds,
        lambda _runtime, _session: dispatcher.sweep(platform, lease / 10),
    )
    return EmbeddedWorkers(platform.runtime(), threads=0, lease=lease, periodic=(*PERIODIC, sweep))


@main.command()
@click.option("--concurrency", type=int, default=2, show_default=True)
def worker(concurrency: int) -> None:
    """Run a Celery worker for OPENKYC_JOBS=celery (same OPENKYC_* settings as the server)."""
    from openkyc.celery_app import app

    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            f"--queues={app.conf.task_default_queue}",
        ]
    )


@main.command()
def keygen() -> None:
    """Print a new random master key (base64) for OPENKYC_CRYPTO_MASTER_KEY."""
    click.echo(crypto.encode_key(crypto.new_key()))


@main.command()
@click.option("--key-id", envvar="OPENKYC_API_KEY_ID", required=True)
@click.option("--secret", envvar="OPENKYC_API_KEY_SECRET", required=True)
@click.option(
    "--body", "body_file", type=click.File("rb"), help="file with the exact body, - for stdin"
)
@click.argument("method")
@click.argument("path")
def sign(key_id: str, secret: str, body_file: Any, method: str, path: str) -> None:
    """Print signed headers for one request, as curl -H arguments."""
    body = body_file.read() if body_file else b""
    headers = signing.signed_headers(key_id, secret, method, path, body)
    click.echo(" ".join(f"-H '{name}: {value}'" for name, value in headers.items()))


main.add_command(tenants.tenant)
main.add_command(faces.face)
main.add_command(documents.document)
main.add_command(liveness.liveness)
main.add_command(verify_command)
main.add_command(demo_command)
main.add_command(admin.audit_group)
main.add_command(admin.operator)
main.add_command(admin.invoices_group, name="invoices")
