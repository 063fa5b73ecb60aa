"""A small Python client for the openkyc API that signs every request.

    from openkyc.client import OpenKYC
    api = OpenKYC("http://127.0.0.1:8000", key_id="kyck_...", secret="kycs_...")
    print(api.get("/v1/tenant").json())

Each request gets a millisecond timestamp and a random ``X-API-NONCE``, so a client may send
the same request many times a second without it being refused as a replay.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from openkyc.kit.signing import signed_headers

__all__ = ["OpenKYC", "signed_headers"]


class OpenKYC:
    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        *,
        key_id: str,
        secret: str,
        client: httpx.Client | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.key_id, self._secret = key_id, secret
        self._client = client or httpx.Client(base_url=base_url, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        body = (
            content
            if content is not None
            else (json.dumps(json_body).encode() if json_body is not None else b"")
        )
        signed = signed_headers(self.key_id, self._secret, method, path, body)
        all_headers = {**(headers or {}), **signed}
        if json_body is not None:
            all_headers.setdefault("Content-Type", "application/json")
        return self._client.request(method, path, content=body, headers=all_headers)

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def post(self, path: str, json_body: Any = None) -> httpx.Response:
        return self.request("POST", path, json_body=json_body)

    def delete(self, path: str) -> httpx.Response:
        return self.request("DELETE", path)

    def close(self) -> None:
        self._client.close()
