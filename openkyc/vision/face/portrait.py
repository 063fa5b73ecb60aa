"""Find and crop the holder's portrait on an identity-document image."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from openkyc.vision.face.decode import ImageInput, to_rgb
from openkyc.vision.face.engine import DlibFaceEngine, face_engine
from openkyc.vision.face.errors import NoFaceFound
from openkyc.vision.face.types import FaceAnalysis, FaceBox, PortraitCrop, RGBImage

__all__ = ["PORTRAIT_MARGIN", "ROTATIONS", "crop_document_portrait", "embed_portrait"]

#: Margin added around the face box on each side, as a fraction of its size: the crop then
#: shows hair and chin like the printed portrait does, and can be re-detected on its own.
PORTRAIT_MARGIN = 0.45
#: Clockwise rotations tried in turn: upright documents are the common case, then the
#: portrait-held-landscape phone shots, then upside down.
ROTATIONS = (0, 90, 270, 180)


def crop_document_portrait(
    image: ImageInput,
    *,
    engine: DlibFaceEngine | None = None,
    rotations: tuple[int, ...] = ROTATIONS,
    embed: bool = True,
    framed: bool = False,
) -> PortraitCrop:
    """Return the largest face of a document, trying each quarter rotation until one is found.

    `rotations` (clockwise degrees) narrows the search when the caller knows which way up the
    document is (its MRZ tells): each rotation that finds nothing costs ~0.6 s.

    Small documents are enlarged before detection by the engine's detection settings, and its
    upsample and padding retries handle small printed portraits. The embedding is computed, so
    the caller can compare the portrait without running the network again; with
    ``embed=False`` it is left for `embed_portrait` (a reader that only crops saves the
    network's ~165 ms). ``framed``: the image is the document cut out along its outline, so
    the portrait has the page around it and the padded retry, for portraits cropped to the
    face, is not needed (it is ~2/3 of the cost of a search that finds nothing). Raises
    ImageUnreadable or NoFaceFound.
    """
    engine = engine or face_engine("dlib")
    detection = replace(engine.config.detection, pad_fraction=0.0) if framed else None
    rgb = to_rgb(image)
    for rotation in rotations:
        upright = _rotate(rgb, rotation)
        try:
            analysis = engine.analyze(upright, policy="largest", embed=embed, detection=detection)
        except NoFaceFound:
            continue
        return _crop(upright, analysis, rotation)
    raise NoFaceFound("no face found on the document in any orientation tried")


def embed_portrait(portrait: PortraitCrop, engine: DlibFaceEngine | None = None) -> PortraitCrop:
    """The portrait with its face's embedding, computed from the aligned chip if it was not
    (`crop_document_portrait(..., embed=False)`)."""
    face = portrait.face
    if face.embedding is not None:
        return portrait
    assert face.chip is not None  # the chosen face always keeps its chip
    embedding = (engine or face_engine("dlib")).embed_chip(face.chip)
    return replace(portrait, face=replace(face, embedding=embedding))


def _rotate(rgb: RGBImage, clockwise_deg: int) -> RGBImage:
    # np.rot90 turns counter-clockwise for positive k.
    return np.ascontiguousarray(np.rot90(rgb, k=-(clockwise_deg // 90)))


def _crop(upright: RGBImage, analysis: FaceAnalysis, rotation: int) -> PortraitCrop:
    face = analysis.used
    assert face is not None  # "largest" always chooses a face
    box = face.box
    mx, my = int(box.width * PORTRAIT_MARGIN), int(box.height * PORTRAIT_MARGIN)
    x0, y0 = max(box.x - mx, 0), max(box.y - my, 0)
    x1 = min(box.x + box.width + mx, upright.shape[1])
    y1 = min(box.y + box.height + int(my * 1.3), upright.shape[0])
    crop = np.ascontiguousarray(upright[y0:y1, x0:x1])
    return PortraitCrop(
        image=crop,
        box=FaceBox(box.x - x0, box.y - y0, box.width, box.height),
        crop_box=FaceBox(x0, y0, x1 - x0, y1 - y0),
        rotation_deg=rotation,
        face=face,
        document_size=(upright.shape[1], upright.shape[0]),
    )
