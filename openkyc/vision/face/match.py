"""1:1 face match: two images in, one MatchResult out."""

from __future__ import annotations

import time

import numpy as np

from openkyc.vision.face.calibration import (
    DEFAULT_FMR,
    distance_from_similarity,
    fmr_for_threshold,
    similarity_from_distance,
    threshold_for_fmr,
)
from openkyc.vision.face.decode import ImageInput
from openkyc.vision.face.engine import DlibFaceEngine, face_engine
from openkyc.vision.face.errors import FaceError, MultipleFaces
from openkyc.vision.face.types import (
    Embedding,
    FaceAnalysis,
    MatchResult,
    MultiFacePolicy,
)

__all__ = ["compare_embeddings", "match"]


def match(
    image_a: ImageInput,
    image_b: ImageInput | FaceAnalysis,
    *,
    threshold: float | None = None,
    target_fmr: float = DEFAULT_FMR,
    policy: MultiFacePolicy = "largest",
    engine: DlibFaceEngine | None = None,
) -> MatchResult:
    """Compare the face of ``image_a`` (live photo) with that of ``image_b`` (document/stored).

    ``image_b`` may be a face already analysed (a document portrait found by
    ``crop_document_portrait``): it is not detected and embedded a second time.
    ``threshold`` is a similarity on 0-1 (a tenant override); when ``None`` it is
    ``threshold_for_fmr(target_fmr)``. Raises a FaceError subclass whose ``image`` is "a" or
    "b": ImageUnreadable, NoFaceFound, MultipleFaces, FaceTooSmall, FaceTooBlurred.
    """
    if threshold is not None and not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be a similarity in (0, 1), got {threshold}")
    started = time.perf_counter()
    engine = engine or face_engine("dlib")
    analysis_a = _analyze(engine, image_a, policy, "a")
    analysis_b = _analyze(engine, image_b, policy, "b")
    similarity_threshold = threshold if threshold is not None else threshold_for_fmr(target_fmr)
    distance_threshold = distance_from_similarity(similarity_threshold)
    distance, rescored = _distance(engine, analysis_a, analysis_b, distance_threshold)
    similarity = similarity_from_distance(distance)
    reasons = _reasons(similarity, similarity_threshold, analysis_a, analysis_b)
    return MatchResult(
        match=similarity >= similarity_threshold,
        similarity=round(similarity, 4),
        threshold=round(similarity_threshold, 4),
        distance=round(distance, 4),
        distance_threshold=round(distance_threshold, 4),
        estimated_fmr=fmr_for_threshold(similarity_threshold),
        reasons=reasons + ((rescored,) if rescored else ()),
        face_a=analysis_a,
        face_b=analysis_b,
        elapsed_ms=round((time.perf_counter() - started) * 1000.0, 1),
    )


def compare_embeddings(a: Embedding, b: Embedding) -> float:
    """Euclidean distance between two embeddings (the space thresholds are calibrated in)."""
    return float(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64)))


def _distance(
    engine: DlibFaceEngine,
    analysis_a: FaceAnalysis,
    analysis_b: FaceAnalysis,
    distance_threshold: float,
) -> tuple[float, str | None]:
    """Distance of the used faces; near the threshold, re-scored on jittered embeddings.

    Returns the distance to decide on and, when re-scored, the sentence saying so.
    """
    face_a, face_b = analysis_a.used, analysis_b.used
    # _analyze guarantees a chosen, embedded face on both sides.
    assert face_a is not None
    assert face_b is not None
    assert face_a.embedding is not None
    assert face_b.embedding is not None
    distance = compare_embeddings(face_a.embedding, face_b.embedding)
    settings = engine.config.embedding
    close = abs(distance - distance_threshold) < settings.close_call_margin
    if not close or settings.close_call_jitters <= 0:
        return distance, None
    assert face_a.chip is not None
    assert face_b.chip is not None
    jitters = settings.close_call_jitters
    rescored = compare_embeddings(
        engine.embed_chip(face_a.chip, jitters=jitters),
        engine.embed_chip(face_b.chip, jitters=jitters),
    )
    note = f"close call: distance {distance:.3f} re-scored as {rescored:.3f} with {jitters} jitters"
    return rescored, note


def _analyze(
    engine: DlibFaceEngine, image: ImageInput | FaceAnalysis, policy: MultiFacePolicy, side: str
) -> FaceAnalysis:
    try:
        if isinstance(image, FaceAnalysis):
            analysis = image
        else:
            analysis = engine.analyze(image, policy=policy)
        if analysis.used is None:
            boxes = tuple(face.box for face in analysis.faces)
            raise MultipleFaces(analysis.reason, boxes=boxes)
        engine.check_quality(analysis.used)
    except FaceError as exc:
        raise exc.for_image(side) from None
    return analysis


def _reasons(
    similarity: float, threshold: float, analysis_a: FaceAnalysis, analysis_b: FaceAnalysis
) -> tuple[str, ...]:
    verdict = ">=" if similarity >= threshold else "<"
    reasons = [f"similarity {similarity:.2f} {verdict} threshold {threshold:.2f}"]
    for side, analysis in (("a", analysis_a), ("b", analysis_b)):
        if len(analysis.faces) > 1:
            reasons.append(f"image {side}: {analysis.reason}")
        used = analysis.used
        if used is not None and used.quality.occlusion_hint:
            reasons.append(f"image {side}: {used.quality.occlusion_hint}")
        if used is not None and max(abs(used.quality.yaw_deg), abs(used.quality.pitch_deg)) > 30:
            reasons.append(f"image {side}: face is turned away from the camera")
    return tuple(reasons)
