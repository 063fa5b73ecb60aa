"""Accents of non-French names from Tesseract's Latin-script model (real Tesseract)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from openkyc.vision.document.layouts.render import photograph, render_specimen
from openkyc.vision.document.page import find_document
from openkyc.vision.document.viz import read_printed_fields
from openkyc.vision.document.viz.accents import add_accents


def _names(surname: str, given: str) -> tuple[dict[str, str], dict[str, str]]:
    specimen = render_specimen("passport", {"surname": surname, "given_names": given})
    page = find_document(photograph(specimen.rgb, seed=1))
    read = read_printed_fields(page.rgb)
    assert read.page_rgb is not None
    accented = add_accents(read.page_rgb, read.fields)
    before = {k: read.fields[k].value_accented for k in ("surname", "given_names")}
    after = {k: accented[k].value_accented for k in ("surname", "given_names")}
    return before, after


def test_accents_french_does_not_know_are_read() -> None:
    before, after = _names("HORVÁTH", "ZSÓFIA")
    assert "Á" not in before["surname"]  # fra has no Á: it reads HORVATH or HORVÂTH
    assert after == {"surname": "HORVÁTH", "given_names": "ZSÓFIA"}


def test_plain_names_stay_plain() -> None:
    _, after = _names("SMITH", "JOHN PAUL")
    assert after == {"surname": "SMITH", "given_names": "JOHN PAUL"}


def test_only_accents_may_change_never_letters() -> None:
    specimen = render_specimen("passport", {"surname": "NOVÁKOVÁ", "given_names": "JANA"})
    page = find_document(photograph(specimen.rgb, seed=1))
    read = read_printed_fields(page.rgb)
    assert read.page_rgb is not None
    # the Latin reading there is good enough to be kept...
    assert add_accents(read.page_rgb, read.fields)["surname"].value_accented == "NOVÁKOVÁ"
    # ...but not where fra had read other letters: it does not spell them
    wrong = {
        "surname": replace(read.fields["surname"], value="NOVAKOVO", value_accented="NOVAKOVO")
    }
    assert add_accents(read.page_rgb, wrong)["surname"].value_accented == "NOVAKOVO"


@pytest.mark.parametrize(
    ("text", "beyond"), [("HÉLÈNE AÏCHA", False), ("ÅSE", True), ("ŁUCJA", True)]
)
def test_letters_beyond_french(text: str, beyond: bool) -> None:
    from openkyc.vision.document.viz.accents import _beyond_french

    assert _beyond_french(text) is beyond


def test_without_the_latin_model_names_stay_as_read_and_the_log_says_why(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from openkyc.vision.document.viz import accents

    monkeypatch.setattr(accents, "LATIN", ("NoSuchModel",))  # as if the package were missing
    specimen = render_specimen("passport", {"surname": "HORVÁTH", "given_names": "ZSÓFIA"})
    read = read_printed_fields(find_document(photograph(specimen.rgb, seed=1)).rgb)
    assert read.page_rgb is not None
    assert add_accents(read.page_rgb, read.fields) == read.fields
    assert "Latin-script model failed" in caplog.text
