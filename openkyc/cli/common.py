"""Shared pieces of the command line: platform options, opening the platform, output."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session

from openkyc.kit.db import transaction
from openkyc.kit.errors import OpenKYCError
from openkyc.platform import Platform, build_platform
from openkyc.settings import ConfigurationError, Settings

F = TypeVar("F", bound=Callable[..., Any])
CLI_ACTOR = "cli"


def platform_options(command: F) -> F:
    command = click.option(
        "--database-url",
        envvar="OPENKYC_DATABASE_URL",
        help="SQLAlchemy URL (default: SQLite in the data dir)",
    )(command)
    return click.option(
        "--data-dir",
        envvar="OPENKYC_DATA_DIR",
        type=click.Path(path_type=Path),
        help="data folder (default ./data)",
    )(command)


def load_settings(data_dir: Path | None, database_url: str | None) -> Settings:
    settings = Settings()
    if data_dir is not None:
        settings.data_dir = data_dir
    if database_url:
        settings.database.url = database_url
    return settings


@contextmanager
def opened(data_dir: Path | None, database_url: str | None) -> Iterator[Platform]:
    try:
        platform = build_platform(load_settings(data_dir, database_url))
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration: {exc}") from exc
    try:
        yield platform
    finally:
        platform.close()


def emit(as_json: bool, payload: Mapping[str, Any], human: str) -> None:
    click.echo(json.dumps(payload, indent=2, default=str) if as_json else human)


@contextmanager
def unit(platform: Platform) -> Iterator[Session]:
    try:
        with transaction(platform.sessions) as session:
            yield session
    except OpenKYCError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
