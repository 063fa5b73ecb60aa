"""Evidence evaluation: each configured step runs its engine and records findings (plain JSON,
no images). A step that fails records why and the run goes on: a verification always ends
with a decision, never a hung job."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from openkyc.documents import service as documents
from openkyc.faces import service as faces
from openkyc.kit.clock import utcnow
from openkyc.kit.errors import OpenKYCError
from openkyc.kit.logging import get_logger
from openkyc.kya import service as kya
from openkyc.kya.schemas import Applicant
from openkyc.vision.face import (
    FaceError,
    compare_embeddings,
    crop_document_portrait,
    embed_portrait,
    similarity_from_distance,
)
from openkyc.workflow.schemas import PipelineConfig

log = get_logger("openkyc.pipeline")


@dataclass
class Evidence:
    document_front: bytes | None = None
    document_back: bytes | None = None
    selfie: bytes | None = None
    liveness_video: bytes | None = None
    challenge_id: str | None = None
    applicant: Applicant | None = None


@dataclass
class Run:
    evidence: Evidence
    config: PipelineConfig
    dns_servers: list[str] | None = None
    # The liveness service bound to this tenant: (challenge_id, video) -> findings, embedding.
    liveness: Callable[[str, bytes], tuple[dict[str, Any], Any]] | None = None
    liveness_embedding: Any = None
    document_checks: list[dict[str, str]] = field(default_factory=list)
    portrait: Any = None  # the document's portrait, found by the ocr step
    findings: dict[str, Any] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)


def _ocr(run: Run) -> None:
    front = run.evidence.document_front
    if front is None:
        run.findings["document"] = {"evaluated": False, "error": "no document was submitted"}
        return
    document, checks, run.portrait = documents.read_for_pipeline(
        front, run.evidence.document_back, run.config.minimum_age
    )
    expiry = document.fields.get("expiry_date")
    mrz = document.mrz
    run.findings["document"] = {
        "evaluated": True,
        "type": document.detected.type,
        "country": document.detected.country,
        "detection_confidence": document.detected.confidence,
        "fields": {name: value.model_dump() for name, value in document.fields.items()},
        "mrz": mrz.model_dump() if mrz else None,
        "mrz_present": mrz is not None,
        "mrz_valid": bool(mrz and mrz.valid),
        "mrz_accepted": bool(mrz and mrz.accepted),
        "expired": bool(expiry and expiry.value < utcnow().date().isoformat()),
        "quality": document.quality.model_dump(),
        "face_found": document.face_found,
    }
    # The minimum age is judged from the workflow configuration (so a dry-run can change it).
    run.document_checks = [c for c in checks if c["name"] != "minimum_age"]


def _validate(run: Run) -> None:
    document = run.findings.get("document")
    if document and document.get("evaluated"):
        document["checks"] = run.document_checks


def _liveness(run: Run) -> None:
    video, challenge_id = run.evidence.liveness_video, run.evidence.challenge_id
    if video is None or challenge_id is None or run.liveness is None:
        run.findings["liveness"] = {
            "evaluated": False,
            "mode": "none",
            "error": "no liveness video was submitted",
        }
        return
    try:
        findings, embedding = run.liveness(challenge_id, video)
    except OpenKYCError as exc:
        run.findings["liveness"] = liveness_error(exc)
        return
    run.findings["liveness"] = findings
    run.liveness_embedding = embedding


def liveness_error(exc: OpenKYCError) -> dict[str, Any]:
    """The liveness findings of a video that could not be judged, and why."""
    return {"evaluated": False, "mode": "none", "error": f"{exc.message} ({exc.code})"}


def _face_match(run: Run) -> None:
    front, selfie = run.evidence.document_front, run.evidence.selfie
    if front is None or selfie is None:
        run.findings["face"] = {"evaluated": False, "error": "selfie or document missing"}
        return
    try:
        portrait = embed_portrait(run.portrait) if run.portrait else crop_document_portrait(front)
    except FaceError as exc:
        run.findings["face"] = {
            "evaluated": False,
            "error": f"no usable face on the document ({exc.code})",
        }
        return
    try:
        result = faces.compare(selfie, portrait.analysis())
    except OpenKYCError as exc:
        run.findings["face"] = {"evaluated": False, "error": f"{exc.message} ({exc.code})"}
        return
    run.findings["face"] = {
        "evaluated": True,
        "similarity": result.similarity,
        "engine_threshold": result.threshold,
        "estimated_fmr": result.estimated_fmr,
        "reasons": list(result.reasons),
        "portrait_rotation_deg": portrait.rotation_deg,
        "selfie_face_width_px": result.face_a.used.quality.face_width_px
        if result.face_a.used
        else None,
        "portrait_face_width_px": portrait.face.quality.face_width_px,
    }
    _liveness_vs_document(run, portrait.face.embedding)


def _liveness_vs_document(run: Run, portrait_embedding: Any) -> None:
    """The person in the liveness video must be the document's holder (and the selfie's)."""
    if run.liveness_embedding is None or portrait_embedding is None:
        return
    distance = compare_embeddings(run.liveness_embedding, portrait_embedding)
    similarity = similarity_from_distance(distance)
    run.findings["face"]["liveness_similarity"] = round(similarity, 4)
    run.findings["face"]["liveness_matches_document"] = (
        similarity >= run.findings["face"]["engine_threshold"]
    )


def _kya(run: Run) -> None:
    applicant = run.evidence.applicant
    if applicant is None:
        run.findings["kya"] = {"checks": []}
        return
    fields = run.findings.get("document", {}).get("fields", {})
    name = (
        " ".join(
            filter(
                None,
                (
                    (fields.get("surname") or {}).get("value"),
                    (fields.get("given_names") or {}).get("value"),
                ),
            )
        )
        or None
    )
    birth = (fields.get("birth_date") or {}).get("value")
    checks = kya.run(applicant, name, birth, run.dns_servers)
    run.findings["kya"] = {"checks": [c.model_dump() for c in checks]}
    run.findings["applicant_country"] = applicant.country


STEPS: dict[str, Callable[[Run], None]] = {
    "liveness": _liveness,
    "ocr": _ocr,
    "validate": _validate,
    "face_match": _face_match,
    "kya": _kya,
}


BESIDE = frozenset({"liveness"})
"""Steps that need nothing from the others: they run on a second thread beside them (the
liveness video and the document are read at the same time on the 2 cores)."""
NEEDS: dict[str, frozenset[str]] = {"face_match": frozenset({"liveness"})}
"""Steps that use another step's result wait for it (face_match compares the liveness face)."""


def _run_step(run: Run, step: str) -> None:
    started = time.perf_counter()
    try:
        STEPS[step](run)
    except Exception as exc:  # an engine bug must not hang or fail the whole verification
        log.exception("pipeline step failed", step=step)
        run.findings.setdefault(_finding_key(step), {})["error"] = (
            f"{step} failed unexpectedly ({type(exc).__name__}); the step was skipped"
        )
    run.timings_ms[step] = round((time.perf_counter() - started) * 1000, 1)


def evaluate(run: Run) -> Run:
    steps = [step for step in run.config.steps if step != "scoring"]
    with ThreadPoolExecutor(max_workers=1) as beside:
        pending: dict[str, Future[None]] = {}
        for step in steps:
            if step in BESIDE and len(steps) > 1:
                pending[step] = beside.submit(_run_step, run, step)
                continue
            for needed in NEEDS.get(step, frozenset()) & pending.keys():
                pending.pop(needed).result()
            _run_step(run, step)
        for future in pending.values():
            future.result()
    return run


def _finding_key(step: str) -> str:
    return {"ocr": "document", "validate": "document", "face_match": "face"}.get(step, step)
