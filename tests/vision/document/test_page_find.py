"""Finding the card in a photo: outline, upright rotation, perspective, quality, refusals."""

from __future__ import annotations

import functools

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from openkyc.vision.document.layouts.render import photograph, render_specimen
from openkyc.vision.document.page import find_document, flip_page

UInt8Array = npt.NDArray[np.uint8]


@functools.cache
def _card() -> UInt8Array:
    return render_specimen("civ_cni").rgb


def _similarity(page: UInt8Array, reference: UInt8Array) -> float:
    """Correlation of the grey images at a common small size (1.0 = same picture)."""
    size = (214, 135)
    a = cv2.resize(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY), size).astype(np.float32)
    b = cv2.resize(cv2.cvtColor(reference, cv2.COLOR_RGB2GRAY), size).astype(np.float32)
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


@pytest.mark.parametrize(("turn", "expected"), [(0, 0), (25, 0), (90, 90), (180, 180)])
def test_card_found_and_straightened(turn: float, expected: int) -> None:
    """The outline gives the page up to a half turn; the reader settles 0 vs 180 (test_viz).
    `expected` is the photo's clockwise turn to upright (as the MRZ reports it); the page is
    upright when its `rotation`, the turn its warp gave the photo, is that one."""
    result = find_document(photograph(_card(), seed=2, rotation=turn, tilt=0.08))
    assert result.found
    assert result.page_format == "ID1"
    assert result.rgb.shape[:2] == (540, 856)
    upright = result.rgb if result.rotation == expected else flip_page(result).rgb
    if turn == 90:  # a card on its side: its warp turns the photo 270, a half turn off
        assert result.rotation == 270
    assert (result.rotation - expected) % 180 == 0
    assert _similarity(upright, _card()) > 0.8
    assert result.readable, result.refusals


def test_upside_down_page_is_not_taken_as_upright() -> None:
    rotated = np.ascontiguousarray(_card()[::-1, ::-1])
    assert _similarity(rotated, _card()) < 0.5  # the similarity measure itself can tell


def test_quality_figures_on_a_clean_photo() -> None:
    quality = find_document(photograph(_card(), seed=1)).quality
    assert quality.sharpness > 0.2
    assert quality.glare < 0.01
    assert 7.0 < quality.resolution < 11.0  # the card fills ~80% of the photo at 10 px/mm
    assert quality.cropping == 0.0


def test_blurred_photo_is_refused() -> None:
    result = find_document(photograph(_card(), seed=1, blur=4.0))
    assert "too_blurry" in {r.code for r in result.refusals}


def test_glare_is_refused() -> None:
    result = find_document(photograph(_card(), seed=4, glare=1.6, tilt=0.02))
    assert result.quality.glare > 0.08
    assert "glare" in {r.code for r in result.refusals}


def test_card_cut_by_the_photo_border_is_refused() -> None:
    photo = photograph(_card(), seed=1, tilt=0.03)
    width = photo.shape[1]
    cut = np.ascontiguousarray(photo[:, int(width * 0.3) :])  # left end of the card is gone
    result = find_document(cut)
    assert result.found
    assert result.quality.cropping > 0
    assert "document_cropped" in {r.code for r in result.refusals}


def test_small_photo_is_refused_for_resolution() -> None:
    photo = photograph(_card(), seed=1)
    tiny = cv2.resize(
        photo, (photo.shape[1] // 5, photo.shape[0] // 5), interpolation=cv2.INTER_AREA
    )
    result = find_document(np.asarray(tiny, np.uint8))
    assert "low_resolution" in {r.code for r in result.refusals}


@pytest.mark.parametrize("pack", ["civ_cni", "fra_cni_2021", "pak_cnic", "ben_cni"])
def test_a_card_scanned_to_its_edges_is_the_page_not_its_portrait_frame(pack: str) -> None:
    # the portrait's frame is a card-shaped box on a tight scan: it was warped as the card, a
    # quarter turn off, and refused as blurred and low-resolution
    scan = render_specimen(pack).rgb
    result = find_document(scan)
    assert not result.found  # the scan itself is the page
    assert result.rotation == 0
    assert result.readable, result.refusals
    assert find_document(photograph(scan, seed=1)).found  # on a table, the outline is found
