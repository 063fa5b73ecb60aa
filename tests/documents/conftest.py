"""Module-scoped API access: reading a document takes seconds, so one read serves a module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from openkyc.api import create_app
from openkyc.client import OpenKYC
from openkyc.platform import build_platform
from tests.conftest import DatabaseFactory
from tests.support import create_tenant, make_settings


@pytest.fixture(scope="module")
def api_module(
    tmp_path_factory: pytest.TempPathFactory, databases: DatabaseFactory
) -> Iterator[OpenKYC]:
    folder: Path = tmp_path_factory.mktemp("documents")
    platform = build_platform(make_settings(folder, databases.new()))
    key = create_tenant(platform)
    with TestClient(create_app(platform=platform)) as client:
        yield OpenKYC(key_id=key.key_id, secret=key.secret, client=client)
    platform.close()
