from __future__ import annotations

import base64
import json

import pytest

from openkyc.kit.logging import bind_trace_id, clear_context, configure_logging, get_logger
from openkyc.kit.redact import redact


def test_redact_keys_blobs_and_emails() -> None:
    blob = base64.b64encode(b"\xff\xd8\xff" * 200).decode()
    cleaned = redact(
        {
            "document_number": "C01X00T47",
            "selfie_base64": "abc",
            "note": f"contact jane@example.org image {blob}",
            "count": 3,
            "nested": [{"phone": "+2250700000000"}],
        }
    )
    assert cleaned["document_number"] == "[redacted]"
    assert cleaned["selfie_base64"] == "[redacted]"
    assert "jane@" not in cleaned["note"]
    assert blob not in cleaned["note"]
    assert cleaned["count"] == 3
    assert cleaned["nested"] == [{"phone": "[redacted]"}]


def test_json_logs_carry_trace_id_and_no_pii(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json_logs=True)
    bind_trace_id("abc123")
    get_logger("test").info(
        "applicant checked",
        surname="DUPONT",
        email="j@x.org",
        image=b"\xff\xd8",
        outcome="accepted",
    )
    clear_context()
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["trace_id"] == "abc123"
    assert line["outcome"] == "accepted"
    assert "DUPONT" not in json.dumps(line)
    assert "j@x.org" not in json.dumps(line)
