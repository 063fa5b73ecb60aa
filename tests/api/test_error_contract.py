"""Every error has the contract shape and a trace id; a 500 never leaks a stack trace."""

from __future__ import annotations

import json

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from openkyc.api import create_app
from openkyc.kit.errors import Conflict, RateLimited
from openkyc.platform import Platform


def _assert_contract(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details", "trace_id"}
    assert error["code"] == code
    assert error["trace_id"] == response.headers["x-trace-id"]  # type: ignore[attr-defined]
    assert len(error["trace_id"]) == 32
    return error  # type: ignore[no-any-return]


@pytest.fixture
def faulty_client(platform: Platform) -> TestClient:
    app = create_app(platform=platform)
    probe = APIRouter()

    @probe.get("/test/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: /etc/passwd line 42")

    @probe.get("/test/conflict")
    def conflict() -> None:
        raise Conflict("already exists")

    @probe.get("/test/limited")
    def limited() -> None:
        raise RateLimited("slow down", headers={"Retry-After": "7"})

    app.include_router(probe)
    return TestClient(app, raise_server_exceptions=False)


def test_unhandled_error_is_a_clean_500(faulty_client: TestClient) -> None:
    response = faulty_client.get("/test/boom")
    error = _assert_contract(response, 500, "INTERNAL_ERROR")
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert "trace_id" in str(error["message"])


def test_typed_errors_keep_status_code_and_headers(faulty_client: TestClient) -> None:
    _assert_contract(faulty_client.get("/test/conflict"), 409, "CONFLICT")
    limited = faulty_client.get("/test/limited")
    _assert_contract(limited, 429, "RATE_LIMITED")
    assert limited.headers["retry-after"] == "7"


def test_router_level_errors(client: TestClient) -> None:
    _assert_contract(client.get("/v1/nothing-here"), 404, "NOT_FOUND")
    _assert_contract(client.put("/v1/tenant"), 405, "METHOD_NOT_ALLOWED")
    _assert_contract(client.get("/v1/tenant"), 401, "AUTH_HEADERS_MISSING")


def test_openapi_documents_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    operation_ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))
    assert "media-create-media" in operation_ids
    schemes = spec["components"]["securitySchemes"]
    assert {"ApiKey", "ApiTimestamp", "ApiSignature", "ApiNonce"} <= set(schemes)
    for path, operations in spec["paths"].items():
        if not path.startswith("/v1"):
            continue
        for method, operation in operations.items():
            for status in ("401", "404", "422", "500"):
                ref = json.dumps(operation["responses"].get(status, {}))
                assert "ErrorResponse" in ref, (method, path, status)
            assert operation.get("security"), (method, path)
    upload = spec["paths"]["/v1/media"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(upload)


def test_docs_page_is_served(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
