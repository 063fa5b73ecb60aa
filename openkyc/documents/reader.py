"""Reading one document: the MRZ (front, else back) with two engines, the portrait, the
quality of the capture, and fields taken from the MRZ where it was accepted. Pure orchestration
of the vision library: no database, no tenant."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from openkyc.documents.schemas import CheckDigitOut, Detected, DocumentRead, FieldValue, MrzOut
from openkyc.vision.document.mrz.read import MrzRead, read_mrz
from openkyc.vision.face import FaceError, PortraitCrop, crop_document_portrait

#: Confidence of a field from an accepted MRZ (check digits and two engines agree) versus one
#: from a zone that was read but not accepted.
MRZ_ACCEPTED_CONFIDENCE = 0.99
MRZ_UNACCEPTED_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Evidence:
    front: np.ndarray
    back: np.ndarray | None


def decode(data: bytes) -> np.ndarray:
    """The cleaned upload (already checked by the intake) as an RGB array."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _mrz(evidence: Evidence) -> tuple[MrzRead, str]:
    front = read_mrz(evidence.front)
    if (front.result is None or not front.accepted) and evidence.back is not None:
        back = read_mrz(evidence.back)
        if back.result is not None and (front.result is None or back.accepted):
            return back, "back"
    return front, "front"


def _mrz_out(read: MrzRead, side: str) -> MrzOut | None:
    result = read.result
    if result is None:
        return None
    return MrzOut(
        format=result.format,
        lines=list(result.lines),
        valid=result.valid,
        countries_valid=result.countries_valid,
        accepted=read.accepted,
        reason=read.reason,
        side=side,
        checks=[
            CheckDigitOut(name=c.name, read=c.read, computed=c.computed, valid=c.valid)
            for c in result.checks
        ],
    )


def _mrz_fields(read: MrzRead) -> dict[str, FieldValue]:
    result = read.result
    if result is None:
        return {}
    confidence = MRZ_ACCEPTED_CONFIDENCE if read.accepted else MRZ_UNACCEPTED_CONFIDENCE
    values = {
        "surname": result.surname,
        "given_names": result.given_names,
        "document_number": result.document_number,
        "nationality": result.nationality,
        "issuing_country": result.issuing_country,
        "birth_date": result.birth_date,
        "expiry_date": result.expiry_date,
        "sex": result.sex,
        "document_code": result.document_code,
    }
    return {
        name: FieldValue(value=value, confidence=confidence, source="mrz")
        for name, value in values.items()
        if value
    }


def _quality(image: np.ndarray) -> dict[str, float | int | str]:
    import cv2

    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, (640, round(640 * grey.shape[0] / grey.shape[1])))
    sharpness = float(cv2.Laplacian(small, cv2.CV_64F).var())
    return {
        "width": int(image.shape[1]),
        "height": int(image.shape[0]),
        "sharpness": round(min(1.0, sharpness / 500.0), 3),
        "glare": round(float((small >= 250).mean()), 4),
    }


def read(evidence: Evidence) -> tuple[DocumentRead, PortraitCrop | None]:
    """The document as read, and its portrait when a face was found."""
    mrz, side = _mrz(evidence)
    try:
        portrait: PortraitCrop | None = crop_document_portrait(evidence.front)
    except FaceError:
        portrait = None
    result = mrz.result
    detected = Detected(
        type=result.document_type if result else None,
        country=result.issuing_country if result else None,
        confidence=(0.95 if mrz.accepted else 0.6) if result else 0.0,
    )
    document = DocumentRead(
        detected=detected,
        fields=_mrz_fields(mrz),
        mrz=_mrz_out(mrz, side),
        quality=_quality(evidence.front),
        face_found=portrait is not None,
    )
    return document, portrait
