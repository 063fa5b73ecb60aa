"""Document portrait crop: small, rotated, printed-looking portraits."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from face_images import jpeg, rescale

from openkyc.vision.face import NoFaceFound, crop_document_portrait, embed_portrait, match


def _id_card(astronaut: np.ndarray) -> np.ndarray:
    """A pale card with a ~55 px-face portrait on its left, like a TD1 front side."""
    card = np.full((320, 500, 3), 225, np.uint8)
    card[40:280, 30:198] = rescale(astronaut[20:420, 110:390], 0.6)[:240, :168]
    return card


@pytest.mark.parametrize("turn", [0, 1, 2, 3])
def test_portrait_is_found_in_every_orientation(astronaut: np.ndarray, turn: int) -> None:
    card = np.rot90(_id_card(astronaut), k=turn)
    portrait = crop_document_portrait(jpeg(np.ascontiguousarray(card), quality=40))
    assert portrait.rotation_deg == (90 * turn) % 360
    assert portrait.image.dtype == np.uint8
    assert portrait.image.ndim == 3
    # Inside the printed photo's column (x < 200) of the upright card.
    assert portrait.crop_box.x >= 0
    assert portrait.crop_box.x + portrait.crop_box.width <= 200
    assert portrait.box.width > 30
    assert portrait.face.embedding is not None


def test_portrait_crop_matches_the_live_photo(astronaut: np.ndarray) -> None:
    portrait = crop_document_portrait(_id_card(astronaut))
    assert match(astronaut, portrait.image).match


def test_portrait_found_once_is_matched_without_a_second_detection(
    astronaut: np.ndarray,
) -> None:
    portrait = crop_document_portrait(_id_card(astronaut))
    again = match(astronaut, portrait.image)
    reused = match(astronaut, portrait.analysis())
    assert reused.match
    assert reused.face_b.used is portrait.face
    assert (reused.face_b.image_width, reused.face_b.image_height) == (500, 320)
    assert abs(reused.similarity - again.similarity) < 0.02


def test_portrait_cropped_without_embedding_is_embedded_later_the_same(
    astronaut: np.ndarray,
) -> None:
    card = _id_card(astronaut)
    cropped = crop_document_portrait(card, embed=False)
    assert cropped.face.embedding is None
    assert cropped.face.chip is not None
    embedded = embed_portrait(cropped)
    assert embedded.face.embedding is not None
    assert embed_portrait(embedded) is embedded  # already embedded: nothing to do
    direct = crop_document_portrait(card).face.embedding
    assert direct is not None
    assert float(np.linalg.norm(embedded.face.embedding - direct)) < 0.05
    assert match(astronaut, embedded.analysis()).match


def test_document_without_face_raises() -> None:
    with pytest.raises(NoFaceFound):
        crop_document_portrait(skimage.data.coffee())
