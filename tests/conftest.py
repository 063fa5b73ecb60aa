"""Fixtures shared by the suite. Database tests run on SQLite and on the real PostgreSQL
(127.0.0.1:5432, trust auth): every fixture below that touches a database is parametrised by
backend. ``OPENKYC_TEST_BACKENDS=sqlite`` narrows the run (CI always runs both)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from openkyc.api import create_app
from openkyc.client import OpenKYC
from openkyc.platform import Platform, build_platform
from openkyc.settings import Settings
from tests.kit.s3_fixture import S3Endpoint, start_seaweedfs, stop_seaweedfs
from tests.support import TenantKey, create_tenant, make_settings

PG_ADMIN_URL = os.environ.get(
    "OPENKYC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = os.environ.get("OPENKYC_TEST_BACKENDS", "sqlite,postgresql").split(",")


class DatabaseFactory:
    """Creates throw-away databases on one backend and drops them at the end of the session."""

    def __init__(self, backend: str, root: Path) -> None:
        self.backend, self.root, self.created = backend, root, []

    def new(self) -> str:
        name = f"openkyc_test_{secrets.token_hex(6)}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.root / (name + '.db')}"
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(request.param, tmp_path_factory.mktemp(request.param))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def shared_database_url(databases: DatabaseFactory) -> str:
    return databases.new()


@pytest.fixture
def settings(tmp_path: Path, shared_database_url: str) -> Settings:
    return make_settings(tmp_path, shared_database_url)


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    built = build_platform(settings)
    yield built
    built.close()


@pytest.fixture
def fresh_platform(tmp_path: Path, databases: DatabaseFactory) -> Iterator[Platform]:
    """A platform on its own empty database, for tests that damage or count everything."""
    built = build_platform(make_settings(tmp_path, databases.new()))
    yield built
    built.close()


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def tenant_factory(platform: Platform) -> Callable[..., TenantKey]:
    return lambda name="Test tenant", plan="pro": create_tenant(platform, name, plan)


@pytest.fixture
def tenant(tenant_factory: Callable[..., TenantKey]) -> TenantKey:
    return tenant_factory()


@pytest.fixture
def api(client: TestClient, tenant: TenantKey) -> OpenKYC:
    return OpenKYC(key_id=tenant.key_id, secret=tenant.secret, client=client)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    """A real SeaweedFS S3 server on 127.0.0.1, started once for the session, then stopped."""
    endpoint = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield endpoint
    finally:
        stop_seaweedfs(endpoint)
