"""``openkyc document read|validate`` on local files (the real reader on the product's own
SPECIMEN passport; no server, nothing metered)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from openkyc.cli import main
from tests.documents.specimens import passport, td3_lines


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "passport.jpg"
    path.write_bytes(passport())
    return path


def test_read_prints_the_zone_and_the_fields(good: Path) -> None:
    result = CliRunner().invoke(main, ["document", "read", str(good)])
    assert result.exit_code == 0, result.output
    assert "passport USA" in result.output
    assert "MRZ TD3 on the front, accepted" in result.output
    assert "surname            COLLINS  (mrz" in result.output


def test_read_json_is_the_api_response(good: Path) -> None:
    result = CliRunner().invoke(main, ["document", "read", str(good), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["mrz"]["accepted"] is True
    assert body["fields"]["given_names"]["value"] == "EILEEN MARIE"
    assert body["usage"] == {"module": "ocr", "billed": False, "reason": "local", "warnings": []}
    assert body["images"]["face_crop_base64"]


def test_validate_passes_a_good_passport_and_fails_a_forged_date(
    good: Path, tmp_path: Path
) -> None:
    ok = CliRunner().invoke(main, ["document", "validate", str(good)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("VALID")
    forged = tmp_path / "forged.jpg"
    forged.write_bytes(passport(lines=td3_lines(break_digit="birth")))
    bad = CliRunner().invoke(main, ["document", "validate", str(forged), "--json"])
    assert bad.exit_code == 1
    body = json.loads(bad.output)
    assert body["document_valid"] is False
    failing = [c for c in body["checks"] if c["status"] == "fail"]
    assert any("birth date check digit fails: read" in c["message"] for c in failing), failing


def test_bad_input_is_a_clear_error(tmp_path: Path, good: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    result = CliRunner().invoke(main, ["document", "read", str(text)])
    assert result.exit_code == 1
    assert "front" in result.output
    assert "Traceback" not in result.output
    wrong_country = CliRunner().invoke(main, ["document", "read", str(good), "--country", "C1V"])
    assert wrong_country.exit_code == 2
    assert "alpha-3" in wrong_country.output
    missing = CliRunner().invoke(main, ["document", "read", str(tmp_path / "none.jpg")])
    assert missing.exit_code == 2
