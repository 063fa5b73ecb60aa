"""Printed-field OCR on rendered, photographed SPECIMEN cards (real Tesseract and RapidOCR)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from openkyc.vision.document.classify import classify
from openkyc.vision.document.layouts import LAYOUTS, layout_rules
from openkyc.vision.document.layouts.render import photograph, render_specimen
from openkyc.vision.document.page import find_document, flip_page
from openkyc.vision.document.viz import read_printed_fields
from openkyc.vision.document.viz.engines import rapidocr_lines
from openkyc.vision.document.viz.read import mrz_boxes, mrz_texts, restore_cut_names
from openkyc.vision.document.viz.types import FieldValue, TextLine, Word

_DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _read(
    name: str, fields: dict[str, str] | None = None, **photo: float
) -> dict[str, tuple[str, str]]:
    page = find_document(photograph(render_specimen(name, fields).rgb, seed=3, **photo))
    assert page.readable, page.refusals
    result = read_printed_fields(page.rgb)  # no layout hint: picked from the printed title
    assert result.layout == name
    upright = flip_page(page) if result.turned else page
    turned_ccw = photo.get("rotation", 0.0)  # photograph() turns counter-clockwise
    assert upright.rotation == round(-turned_ccw / 90) * 90 % 360
    return {k: (v.value, v.value_accented) for k, v in result.fields.items()}


def test_french_2021_card_keeps_accents() -> None:
    fields = _read("fra_cni_2021", rotation=12.0, glare=0.2)
    assert fields["surname"] == ("MARTIN", "MARTIN")
    assert fields["given_names"] == ("MAELIS-GAELLE MARIE", "MAËLIS-GAËLLE MARIE")
    assert fields["birth_date"][0] == "1990-07-13"
    assert fields["document_number"][0] == "D2H6862M2"


def test_ivorian_card_upside_down() -> None:
    fields = _read("civ_cni", rotation=180.0)
    assert fields["surname"][0] == "KOUASSI"
    assert fields["given_names"][1] == "AÏCHA ADJOUA HÉLÈNE"
    assert fields["birth_place"][1] == "BOUAKÉ"
    assert fields["expiry_date"][0] == "2030-08-27"


def test_invalid_cnic_specimen_stays_invalid() -> None:
    # even last digit = female, but the card says M: the rule must fail on what was read
    fields = _read("pak_cnic", {"document_number": "35202-1234567-4"}, rotation=-8.0)
    assert fields["father_name"][0] == "ABDUL REHMAN KHAN"
    checks = layout_rules("pak_cnic", {k: v[0] for k, v in fields.items()}, dt.date(2026, 11, 22))
    assert {c.name: c.status for c in checks}["cnic_gender_digit"] == "fail"


@pytest.mark.parametrize("name", ["ben_cni", "passport"])
def test_names_read_on_other_packs(name: str) -> None:
    specimen = render_specimen(name)
    fields = _read(name, tilt=0.03)
    assert fields["surname"][0] == specimen.values["surname"].upper().replace("É", "E")
    assert classify([specimen.values["surname"]]).type == "other"


def test_rapidocr_reads_a_sideways_card_tesseract_would_not() -> None:
    card = render_specimen("civ_cni").rgb
    sideways = np.ascontiguousarray(np.rot90(card))
    text = " ".join(line.text for line in rapidocr_lines(sideways))
    assert "KOUASSI" in text.replace(" ", "")


def _name_under_label(name: str) -> tuple[np.ndarray, list[TextLine], FieldValue]:
    """A card's surname printed under its label, and the lines as Tesseract cut them when
    the label's line took the name's first two letters (seen on a real 2021 French card)."""
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("RGB", (640, 200), (236, 240, 246))
    draw = ImageDraw.Draw(page)
    draw.text((40, 40), "NOM / Surname", font=ImageFont.truetype(_DEJAVU, 14), fill=(60, 60, 90))
    draw.text((40, 62), name, font=ImageFont.truetype(_DEJAVU, 28), fill=(20, 20, 30))
    label = Word("NOM/Surname", (40, 40, 150, 56), 0.4)
    cut = Word(name[2:], (82, 64, 40 + 18 * len(name), 92), 0.92)
    lines = [
        TextLine(label.text, label.box, 0.4, (label,), "tesseract"),
        TextLine(cut.text, cut.box, 0.92, (cut,), "tesseract"),
    ]
    value = FieldValue(name[2:], name[2:], 0.92, "viz", name[2:], "tesseract", cut.box)
    return np.asarray(page), lines, value


def test_a_name_that_lost_its_first_letters_to_the_line_above_gets_them_back() -> None:
    rgb, lines, value = _name_under_label("MARTIN")
    layout = LAYOUTS["fra_cni_2021"]
    fields = restore_cut_names(rgb, {"surname": value}, layout, lines, ("fra",))
    assert fields["surname"].value == "MARTIN"
    assert fields["surname"].value_accented == "MARTIN"
    # a name that starts where its column starts is not read again
    aligned = replace(value, box=(40, 64, 150, 92))
    assert restore_cut_names(rgb, {"surname": aligned}, layout, lines, ("fra",)) == {
        "surname": aligned
    }
    # only name fields, and only a longer word that ends with the name's first word
    number = restore_cut_names(rgb, {"document_number": value}, layout, lines, ("fra",))
    assert number["document_number"] == value
    other = replace(value, value="XYZ", value_accented="XYZ")
    assert restore_cut_names(rgb, {"surname": other}, layout, lines, ("fra",))["surname"] == other


def test_a_known_way_up_spares_the_upside_down_read() -> None:
    page = find_document(photograph(render_specimen("civ_cni").rgb, seed=3, rotation=180.0))
    asked: list[int] = []

    def mrz_says(turn: int) -> Callable[[], int | None]:
        def turned() -> int | None:
            asked.append(turn)
            return turn

        return turned

    told = read_printed_fields(page.rgb, turned=mrz_says(180))
    assert asked == [180]  # the first read was unsure: the MRZ's word was asked for
    assert told.turned == 180
    assert "tesseract_180" in told.timings_ms
    assert told.fields["surname"].value == "KOUASSI"
    # told it is upright, the reader trusts that over the comparison of two reads (which would
    # pick 180 here) and does not read the page a second time
    trusted = read_printed_fields(page.rgb, turned=mrz_says(0))
    assert asked == [180, 0]
    assert trusted.turned == 0
    assert "tesseract_180" not in trusted.timings_ms


def _line(text: str, box: tuple[int, int, int, int]) -> TextLine:
    return TextLine(text, box, 0.9, (Word(text, box, 0.9),), "tesseract")


def test_mrz_lines_are_found_with_the_name_line_stacked_on_them() -> None:
    lines = [
        _line("PASSPORT PASSEPORT", (400, 100, 900, 140)),
        _line("Surname Nom ERIKSSON ANNA MARIA", (400, 600, 1100, 630)),  # printed, not stacked
        _line("PEUTUERIKSSON<ÉANNALMARIALLÉLELELLLELELECL EE", (50, 678, 1167, 725)),
        _line("LE98902c36uT07408122rF12041597E184226B<<<<<10", (51, 749, 1166, 781)),
    ]
    assert mrz_boxes(lines) == [(51, 749, 1166, 781), (50, 678, 1167, 725)]
    assert mrz_boxes(lines[:2]) == []
    # the zone as read, top to bottom, for the names' vote (`mrz.read.with_printed_read`)
    assert mrz_texts(lines) == [lines[2].text, lines[3].text]
    rapid = [replace(line, engine="rapidocr") for line in lines]  # another engine's model
    assert mrz_texts(rapid) == []


def test_runs_recognised_in_two_halves_read_as_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from openkyc.vision.document.viz import engines

    page = render_specimen("passport").rgb
    halves = rapidocr_lines(page)
    assert len(halves) >= engines.SPLIT_MIN_RUNS  # the page was split
    monkeypatch.setattr(engines, "SPLIT_MIN_RUNS", 10**6)
    whole = rapidocr_lines(page)
    assert [(line.text, line.box) for line in halves] == [(line.text, line.box) for line in whole]
