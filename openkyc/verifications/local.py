"""The verification pipeline on local files, with no server, database or tenant: for the CLI
(`openkyc verify`) and for benchmarks. Liveness steps are given by the caller instead of a
server-issued challenge, and there is no replay index."""

from __future__ import annotations

from typing import Any

from openkyc.kit.clock import utcnow
from openkyc.kit.image_intake import ImageLimits, clean_image
from openkyc.kya.schemas import Applicant
from openkyc.liveness import service as liveness
from openkyc.verifications import judge, pipeline
from openkyc.workflow.schemas import PipelineConfig


def _local_liveness(steps: list[str]) -> Any:
    def check(_challenge_id: str, video: bytes) -> tuple[dict[str, Any], Any]:
        result = liveness.run_engine(video, None, steps, None, False)
        no_replay = liveness.ReplayCheck(False, 0.0)
        findings = {
            "evaluated": True,
            "mode": "active",
            **liveness.verdict(result, no_replay),
            "steps": [step.__dict__ for step in result.steps],
            "face": liveness.best_face(result),
            "processing_ms": round(result.processing_ms, 1),
        }
        return findings, liveness.best_embedding(result)

    return check


def verify_files(
    document_front: bytes,
    selfie: bytes | None = None,
    *,
    document_back: bytes | None = None,
    video: bytes | None = None,
    steps: list[str] | None = None,
    applicant: Applicant | None = None,
    config: PipelineConfig | None = None,
) -> dict[str, Any]:
    limits = ImageLimits()
    evidence = pipeline.Evidence(
        document_front=clean_image(document_front, limits, field="document").data,
        document_back=clean_image(document_back, limits, field="back").data
        if document_back
        else None,
        selfie=clean_image(selfie, limits, field="selfie").data if selfie else None,
        liveness_video=video,
        challenge_id="local" if video is not None else None,
        applicant=applicant,
    )
    config = config or PipelineConfig()
    run = pipeline.evaluate(pipeline.Run(evidence, config, liveness=_local_liveness(steps or [])))
    outcome, checks = judge.judge(run.findings, config, utcnow().date())
    findings = run.findings
    return {
        "decision": outcome.decision,
        "score": outcome.score,
        "factors": outcome.factors,
        "reasons": outcome.reasons,
        "document": {k: v for k, v in findings.get("document", {}).items() if k != "checks"},
        "checks": checks,
        "face_match": findings.get("face", {}),
        "liveness": findings.get("liveness", {}),
        "kya": findings.get("kya", {}).get("checks", []),
        "timings_ms": run.timings_ms,
    }
