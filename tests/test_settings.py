from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from openkyc.kit import crypto
from openkyc.platform import build_platform
from openkyc.settings import ConfigurationError, CryptoSettings, S3Settings, Settings, master_key


def test_development_generates_a_private_master_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = master_key(settings)
    assert first.origin == "generated"
    mode = stat.S_IMODE((tmp_path / "master.key").stat().st_mode)
    assert mode == 0o600
    again = master_key(settings)
    assert (again.origin, again.key) == ("file", first.key)


def test_production_refuses_to_start_without_a_master_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="OPENKYC_CRYPTO_MASTER_KEY"):
        build_platform(Settings(env="production", data_dir=tmp_path))
    assert not (tmp_path / "master.key").exists()


@pytest.mark.parametrize(
    "secret",
    [crypto.encode_key(b"\x00" * 32), crypto.encode_key(b"openkyc-test-master-key-32bytes!")],
)
def test_production_refuses_known_master_keys(tmp_path: Path, secret: str) -> None:
    settings = Settings(
        env="production", data_dir=tmp_path, crypto=CryptoSettings(master_key=SecretStr(secret))
    )
    with pytest.raises(ConfigurationError, match="known default"):
        build_platform(settings)


def test_production_refuses_test_s3_secret(tmp_path: Path) -> None:
    settings = Settings(
        env="production",
        data_dir=tmp_path,
        crypto=CryptoSettings(master_key=SecretStr(crypto.encode_key(crypto.new_key()))),
        s3=S3Settings(
            bucket="media",
            access_key=SecretStr("a-real-access"),
            secret_key=SecretStr("openkyc-test-secret"),
        ),
    )
    with pytest.raises(ConfigurationError, match="OPENKYC_S3_SECRET_KEY"):
        build_platform(settings)


def test_malformed_master_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, crypto=CryptoSettings(master_key=SecretStr("short")))
    with pytest.raises(ConfigurationError, match=r"32 bytes|base64"):
        master_key(settings)


def test_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENKYC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("OPENKYC_DATABASE_URL", "sqlite:////tmp/x.db")
    monkeypatch.setenv("OPENKYC_REDIS_URL", "redis://127.0.0.1:6379/0")
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.database_url() == "sqlite:////tmp/x.db"
    assert settings.redis.url == "redis://127.0.0.1:6379/0"
