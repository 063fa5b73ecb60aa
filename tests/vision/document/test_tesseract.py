"""Tesseract in this process (tesserocr on Debian's libtesseract): the command line's results,
models loaded once, clear errors (real Tesseract)."""

from __future__ import annotations

import csv
import io
import subprocess
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

from openkyc.vision.document import tesseract
from openkyc.vision.document.layouts.render import render_specimen
from openkyc.vision.document.page_orient import osd_rotation
from openkyc.vision.document.tesseract import TesseractError, read_tsv


@pytest.fixture(scope="module")
def page_gray() -> np.ndarray:
    specimen = render_specimen("passport", {"surname": "HORVÁTH", "given_names": "ZSÓFIA"})
    return np.asarray(cv2.cvtColor(specimen.rgb, cv2.COLOR_RGB2GRAY), np.uint8)


def _command_line(gray: np.ndarray, languages: str) -> list[dict[str, str]]:
    ok, png = cv2.imencode(".png", gray)
    assert ok
    done = subprocess.run(
        [
            "tesseract",
            "stdin",
            "stdout",
            "-l",
            languages,
            "--psm",
            "3",
            "--dpi",
            "254",
            "-c",
            "tessedit_do_invert=0",
            "tsv",
        ],
        input=png.tobytes(),
        capture_output=True,
        check=True,
        env=tesseract.TESSERACT_ENV,
    )
    text = done.stdout.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.mark.parametrize("languages", ["fra", "Latin"])
def test_the_library_reads_exactly_what_the_command_line_reads(
    page_gray: np.ndarray, languages: str
) -> None:
    rows = read_tsv(
        page_gray,
        languages,
        psm=3,
        dpi=254,
        timeout_s=20,
        variables={"tessedit_do_invert": "0"},
    )
    expected = _command_line(page_gray, languages)
    assert rows == expected
    assert sum(1 for row in rows if row["level"] == "5" and row["text"].strip()) > 10


def test_concurrent_reads_each_get_an_engine_and_agree(page_gray: np.ndarray) -> None:
    def read(_: int) -> list[dict[str, str]]:
        return read_tsv(page_gray, "fra", psm=3, dpi=254, timeout_s=20)

    with ThreadPoolExecutor(max_workers=3) as pool:
        first, second, third = pool.map(read, range(3))
    assert first == second == third
    # Engines are lent and returned: a later read reuses one instead of loading the model.
    pool_ = tesseract._POOLS[tesseract._Settings("fra", ())]
    assert 1 <= len(pool_._free) <= 3


def test_a_missing_model_is_a_clear_error(page_gray: np.ndarray) -> None:
    with pytest.raises(TesseractError, match="could not load 'NoSuchModel'"):
        read_tsv(page_gray, "NoSuchModel", psm=3, dpi=254, timeout_s=20)


def test_an_unknown_setting_is_a_clear_error(page_gray: np.ndarray) -> None:
    with pytest.raises(TesseractError, match="no setting 'no_such_setting'"):
        read_tsv(page_gray, "eng", psm=3, dpi=254, timeout_s=20, variables={"no_such_setting": "1"})


def test_the_time_limit_stops_a_read(page_gray: np.ndarray) -> None:
    big = np.ascontiguousarray(np.tile(page_gray, (3, 3)))
    with pytest.raises(TesseractError, match="did not finish"):
        read_tsv(big, "fra", psm=3, dpi=254, timeout_s=0.001)


@pytest.mark.parametrize("quarter_turns", [0, 1, 2, 3])
def test_orientation_says_how_to_turn_the_page_upright(quarter_turns: int) -> None:
    specimen = render_specimen("passport", {"surname": "MARTIN", "given_names": "CLAIRE"})
    # np.rot90 turns anticlockwise; the page then needs as many quarter turns clockwise.
    turned = np.ascontiguousarray(np.rot90(specimen.rgb, quarter_turns))
    assert osd_rotation(turned) == (90 * quarter_turns) % 360


def test_leptonica_writes_no_messages_to_stderr() -> None:
    """Leptonica's box-clipping complaints inside Tesseract's layout analysis went to the
    server's stderr; the module silences them when it loads."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("lept")
    assert name is not None  # installed with libtesseract (scripts/install.sh)
    leptonica = ctypes.CDLL(name)
    severity = leptonica.setMsgSeverity(tesseract.LEPTONICA_SILENT)  # returns the old one
    assert severity == tesseract.LEPTONICA_SILENT
