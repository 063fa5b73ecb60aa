"""The document reader's orchestration: which engine decides what, and what is skipped."""

from __future__ import annotations

import numpy as np
import pytest

from openkyc.demo.specimen import passport
from openkyc.documents import reader
from openkyc.vision.document import page as page_module
from openkyc.vision.document.layouts.render import photograph, render_specimen


def test_the_mrz_turns_a_whole_photo_upright_without_orientation_detection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_osd(_rgb: np.ndarray) -> int:
        raise AssertionError("the MRZ already gave the orientation")

    monkeypatch.setattr(page_module, "osd_rotation", no_osd)
    full_bleed = reader.decode(passport())  # the demo's specimen: no outline to find
    scan = np.ascontiguousarray(np.rot90(full_bleed))
    document, portrait = reader.read(reader.Evidence(scan, None))
    assert document.mrz is not None
    assert document.mrz.accepted
    assert not document.quality.document_found
    assert document.quality.rotation_deg == 90
    assert portrait is not None


@pytest.mark.parametrize("rotation", [90.0, 180.0, 270.0])
def test_the_mrz_settles_which_way_up_an_outlined_card_is(rotation: float) -> None:
    photo = photograph(render_specimen("passport").rgb, seed=3, rotation=rotation)
    document, _ = reader.read(reader.Evidence(photo, None))
    assert document.quality.document_found
    assert document.quality.rotation_deg == rotation


def test_without_an_mrz_orientation_detection_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def osd(_rgb: np.ndarray) -> int:
        asked.append(1)
        return 0

    monkeypatch.setattr(page_module, "osd_rotation", osd)
    card = np.full((600, 900, 3), 250, np.uint8)  # a full-bleed page: no outline, no MRZ
    document, _ = reader.read(reader.Evidence(card, None))
    assert document.mrz is None
    assert asked == [1]
