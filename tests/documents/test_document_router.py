"""POST /v1/document/ocr and /v1/document/validate on a rendered SPECIMEN passport."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from openkyc.client import OpenKYC
from tests.documents.specimens import passport, td3_lines


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture(scope="module")
def specimen() -> bytes:
    return passport()


@pytest.fixture(scope="module")
def read(api_module: OpenKYC, specimen: bytes) -> dict[str, Any]:
    response = api_module.post("/v1/document/ocr", {"image_front_base64": _b64(specimen)})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_ocr_reads_the_mrz_and_the_portrait(read: dict[str, Any]) -> None:
    mrz = read["mrz"]
    assert mrz["format"] == "TD3"
    assert mrz["lines"][0] == td3_lines()[0]
    assert {c["name"] for c in mrz["checks"]} >= {"document_number", "birth_date", "expiry_date"}
    assert read["detected"]["type"] == "passport"
    assert read["detected"]["country"] == "USA"
    fields = read["fields"]
    assert fields["surname"]["value"] == "COLLINS"
    assert fields["surname"]["source"] in ("mrz", "viz")  # the MRZ wins once accepted
    assert fields["given_names"]["value"] == "EILEEN MARIE"
    assert read["layout"] == "passport"
    assert {c["name"] for c in read["layout_checks"]} >= {"not_expired"}
    assert fields["birth_date"]["value"] == "1956-11-19"
    assert read["images"]["face_crop_base64"]
    assert read["face_found"] is True
    assert read["usage"]["module"] == "ocr"


def test_validate_from_an_ocr_result(api_module: OpenKYC, read: dict[str, Any]) -> None:
    document = {k: read[k] for k in ("detected", "fields", "mrz", "quality", "face_found")}
    body = api_module.post(
        "/v1/document/validate", {"ocr_result": document, "minimum_age": 80}
    ).json()
    checks = {c["name"]: c for c in body["checks"]}
    assert checks["mrz_birth_date"]["status"] == "pass"
    assert checks["not_expired"]["status"] == "pass"
    assert checks["minimum_age"]["status"] == "fail"
    assert "the minimum is 80" in checks["minimum_age"]["message"]
    assert body["document_valid"] is False
    assert body["usage"]["module"] == "validate"


def test_an_mrz_name_field_without_a_surname_fails_its_format_check(
    api_module: OpenKYC, read: dict[str, Any]
) -> None:
    document = {k: read[k] for k in ("detected", "fields", "mrz", "quality", "face_found")}
    checks = {
        c["name"]: c
        for c in api_module.post("/v1/document/validate", {"ocr_result": document}).json()["checks"]
    }
    assert checks["mrz_names_format"]["status"] == "pass"
    line = document["mrz"]["lines"][0]  # P<USACOLLINS<<EILEEN<MARIE<<<...
    names = line[5:].replace("COLLINS", "", 1)  # as if printed without the issuing state
    document["mrz"] = {
        **document["mrz"],
        "lines": [line[:5] + names.ljust(39, "<"), *document["mrz"]["lines"][1:]],
    }
    body = api_module.post("/v1/document/validate", {"ocr_result": document}).json()
    check = next(c for c in body["checks"] if c["name"] == "mrz_names_format")
    assert check["status"] == "fail"
    assert "no primary identifier (surname)" in check["message"]
    assert body["document_valid"] is False


def test_a_wrong_check_digit_is_reported_and_not_accepted(api_module: OpenKYC) -> None:
    forged = passport(td3_lines(break_digit="birth"))
    body = api_module.post("/v1/document/ocr", {"image_front_base64": _b64(forged)}).json()
    mrz = body["mrz"]
    assert mrz["accepted"] is False
    birth = next(c for c in mrz["checks"] if c["name"] == "birth_date")
    assert birth["valid"] is False
    assert birth["read"] != birth["computed"]


def test_bad_inputs(api_module: OpenKYC, specimen: bytes) -> None:
    corrupt = api_module.post("/v1/document/ocr", {"image_front_base64": _b64(specimen[:3000])})
    assert corrupt.json()["error"]["code"] == "MEDIA_CORRUPT"
    assert corrupt.json()["error"]["details"]["field"] == "image_front_base64"
    nothing = api_module.post("/v1/document/validate", {})
    assert nothing.status_code == 422
    hint = api_module.post("/v1/document/ocr", {"image_front_base64": "x", "country_hint": "fr"})
    assert hint.json()["error"]["details"]["errors"][0]["field"] == "body.country_hint"


def test_the_back_image_gives_the_address(api_module: OpenKYC, specimen: bytes) -> None:
    import io

    from PIL import Image

    from openkyc.vision.document.layouts.render import render_back

    buffer = io.BytesIO()
    Image.fromarray(render_back("fra_cni_2021").rgb).save(buffer, format="PNG")
    back = _b64(buffer.getvalue())
    body = api_module.post(
        "/v1/document/ocr", {"image_front_base64": _b64(specimen), "image_back_base64": back}
    ).json()
    fields = body["fields"]
    assert fields["address"]["value_accented"] == "12 RUE DES ÉCOLES 75005 PARIS"
    assert fields["address"]["side"] == "back"
    assert fields["surname"]["value"] == "COLLINS"
    assert fields["surname"]["side"] == "front"
    corrupt = api_module.post(
        "/v1/document/ocr",
        {"image_front_base64": _b64(specimen), "image_back_base64": back[:400]},
    ).json()
    assert corrupt["error"]["details"]["field"] == "image_back_base64"


def test_pack_rules_reach_validation(api_module: OpenKYC) -> None:
    """A rendered Pakistani CNIC whose last digit says male while the card says female."""
    import io

    from PIL import Image

    from openkyc.vision.document.layouts.render import photograph, render_specimen

    specimen = render_specimen(
        "pak_cnic", fields={"sex": "F", "document_number": "35202-1234567-3"}
    )
    buffer = io.BytesIO()
    Image.fromarray(photograph(specimen.rgb, seed=3)).save(buffer, format="PNG")
    body = api_module.post(
        "/v1/document/validate", {"image_front_base64": _b64(buffer.getvalue())}
    ).json()
    checks = {c["name"]: c for c in body["checks"]}
    rule = next((c for name, c in checks.items() if "sex" in name or "gender" in name), None)
    assert rule is not None, sorted(checks)
    assert rule["status"] == "fail"
    assert body["document_valid"] is False


def test_malformed_ocr_result_is_a_422(api_module: OpenKYC, read: dict[str, Any]) -> None:
    """Found by fuzzing the OpenAPI schema: a client-made ocr_result must be validated."""
    document = {k: read[k] for k in ("detected", "fields", "mrz", "quality", "face_found")}
    for broken in (
        {**document, "layout_checks": [{"x": "y"}]},
        {**document, "quality": {"refusals": [{"nope": 1}]}},
    ):
        response = api_module.post("/v1/document/validate", {"ocr_result": broken})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "VALIDATION_FAILED"


def test_hints_choose_the_layout_pack(api_module: OpenKYC) -> None:
    import io

    from PIL import Image

    from openkyc.vision.document.layouts.render import photograph, render_specimen

    buffer = io.BytesIO()
    Image.fromarray(photograph(render_specimen("pak_cnic").rgb, seed=5)).save(buffer, "PNG")
    image = _b64(buffer.getvalue())
    hinted = api_module.post(
        "/v1/document/ocr",
        {"image_front_base64": image, "document_hint": "id_card", "country_hint": "PAK"},
    ).json()
    assert hinted["layout"] == "pak_cnic"
    assert hinted["fields"]["document_number"]["source"] == "viz"
    other = api_module.post(
        "/v1/document/ocr", {"image_front_base64": image, "document_hint": "passport"}
    ).json()
    assert other["layout"] == "passport"  # the hint, not the printed title, chose the pack
