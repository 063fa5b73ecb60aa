"""Judgement: the engines' findings plus a pipeline configuration give factors, a score and a
decision. Kept apart from the engines so a dry-run can re-judge stored findings under another
configuration without running any model again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openkyc.workflow import rules as rule_engine
from openkyc.workflow.schemas import PipelineConfig
from openkyc.workflow.scoring import FactorResult, Outcome, Status, decide

# A face that just clears its threshold earns this share of the face weight; the rest grows
# linearly up to similarity 1.0, so a stronger match scores higher but any match counts.
FACE_PASS_FLOOR = 0.85


def _liveness(found: dict[str, Any], config: PipelineConfig) -> FactorResult:
    if not found.get("evaluated"):
        return FactorResult(
            "liveness", "skip", 0.0, (found.get("error") or "no liveness evidence",)
        )
    confidence = float(found.get("confidence", 0.0))
    reasons = tuple(found.get("reasons", ()))
    if found.get("is_live") and confidence >= config.thresholds.liveness_confidence:
        return FactorResult("liveness", "pass", confidence, reasons)
    why = (
        f"liveness confidence {confidence:.2f} < threshold "
        f"{config.thresholds.liveness_confidence:.2f}"
        if found.get("is_live")
        else f"not live ({found.get('spoof_type', 'unknown')})"
    )
    return FactorResult("liveness", "fail", 0.0, (why, *reasons))


def face_threshold(found: dict[str, Any], config: PipelineConfig) -> float:
    configured = config.thresholds.face_similarity
    return float(configured if configured is not None else found.get("engine_threshold", 1.0))


def _face(found: dict[str, Any], config: PipelineConfig) -> FactorResult:
    if not found.get("evaluated"):
        return FactorResult("face", "skip", 0.0, (found.get("error") or "no face comparison",))
    similarity, threshold = float(found["similarity"]), face_threshold(found, config)
    if similarity >= threshold:
        share = FACE_PASS_FLOOR + (1 - FACE_PASS_FLOOR) * (
            (similarity - threshold) / max(1e-6, 1 - threshold)
        )
        return FactorResult(
            "face", "pass", share, (f"similarity {similarity:.2f} ≥ threshold {threshold:.2f}",)
        )
    return FactorResult(
        "face", "fail", 0.0, (f"similarity {similarity:.2f} < threshold {threshold:.2f}",)
    )


def document_checks(
    found: dict[str, Any], config: PipelineConfig, today: dt.date
) -> list[dict[str, Any]]:
    """The engine's checks plus the tenant's own: mandatory fields, minimum age, accepted
    countries and document types (so a dry-run with other settings gives other checks)."""
    checks = list(found.get("checks", []))
    fields = found.get("fields", {})
    for name in config.mandatory_fields:
        present = bool((fields.get(name) or {}).get("value"))
        checks.append(
            {
                "name": f"mandatory_field.{name}",
                "status": "pass" if present else "fail",
                "message": f"{name} {'read' if present else 'missing'} from the document",
            }
        )
    birth = (fields.get("birth_date") or {}).get("value")
    if birth:
        age = _age(dt.date.fromisoformat(birth), today)
        ok = age >= config.minimum_age
        checks.append(
            {
                "name": "minimum_age",
                "status": "pass" if ok else "fail",
                "message": f"applicant is {age}; the minimum is {config.minimum_age}",
            }
        )
    country, kind = found.get("country"), found.get("type")
    if config.accepted_countries:
        ok = country in config.accepted_countries
        checks.append(
            {
                "name": "accepted_country",
                "status": "pass" if ok else "fail",
                "message": f"document country {country or 'unknown'} is "
                f"{'' if ok else 'not '}accepted",
            }
        )
    if config.accepted_document_types:
        ok = kind in config.accepted_document_types
        checks.append(
            {
                "name": "accepted_document_type",
                "status": "pass" if ok else "fail",
                "message": f"document type {kind or 'unknown'} is {'' if ok else 'not '}accepted",
            }
        )
    return checks


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _document(found: dict[str, Any], checks: list[dict[str, Any]]) -> FactorResult:
    if not found.get("evaluated"):
        return FactorResult("document", "skip", 0.0, (found.get("error") or "no document read",))
    weights = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
    counted = [weights[c["status"]] for c in checks if c["status"] in weights]
    failed = [c["message"] for c in checks if c["status"] == "fail"]
    warned = [c["message"] for c in checks if c["status"] == "warn"]
    score = sum(counted) / len(counted) if counted else 0.0
    return FactorResult(
        "document",
        "fail" if failed else "pass",
        score,
        tuple(failed + warned) or ("every document check passed",),
    )


def _kya(found: dict[str, Any]) -> FactorResult:
    checks = [c for c in found.get("checks", []) if c["status"] != "skip"]
    if not checks:
        return FactorResult("kya", "skip", 0.0, ("no applicant data to check",))
    weights = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
    score = sum(weights[c["status"]] for c in checks) / len(checks)
    failed = [c["message"] for c in checks if c["status"] in ("fail", "warn")]
    status: Status = "fail" if any(c["status"] == "fail" for c in checks) else "pass"
    return FactorResult("kya", status, score, tuple(failed) or ("profile checks passed",))


def rule_context(
    findings: dict[str, Any], checks: list[dict[str, Any]], config: PipelineConfig
) -> dict[str, Any]:
    document, face = findings.get("document", {}), findings.get("face", {})
    liveness, kya = findings.get("liveness", {}), findings.get("kya", {})
    return {
        "document": {
            "evaluated": bool(document.get("evaluated")),
            "expired": bool(document.get("expired")),
            "mrz_present": bool(document.get("mrz_present")),
            "mrz_valid": bool(document.get("mrz_valid")),
            "valid": not any(c["status"] == "fail" for c in checks),
            "type": document.get("type") or "",
            "country": document.get("country") or "",
            "checks": {c["name"]: c["status"] for c in checks},
        },
        "face": {
            "evaluated": bool(face.get("evaluated")),
            "similarity": float(face.get("similarity", 0.0)),
            "threshold": face_threshold(face, config),
            "match": bool(face.get("evaluated"))
            and float(face.get("similarity", 0.0)) >= face_threshold(face, config),
            "liveness_checked": "liveness_matches_document" in face,
            "liveness_match": bool(face.get("liveness_matches_document", False)),
        },
        "liveness": {
            "evaluated": bool(liveness.get("evaluated")),
            "is_live": bool(liveness.get("is_live")),
            "mode": liveness.get("mode", "none"),
            "spoof_type": liveness.get("spoof_type", "unknown"),
            "confidence": float(liveness.get("confidence", 0.0)),
        },
        "kya": {
            "evaluated": bool(kya.get("checks")),
            "checks": {c["name"]: c["status"] for c in kya.get("checks", [])},
        },
        "applicant": {"country": findings.get("applicant_country") or ""},
    }


def judge(
    findings: dict[str, Any], config: PipelineConfig, today: dt.date
) -> tuple[Outcome, list[dict[str, Any]]]:
    checks = document_checks(findings.get("document", {}), config, today)
    factors = [
        _liveness(findings.get("liveness", {}), config),
        _face(findings.get("face", {}), config),
        _document(findings.get("document", {}), checks),
        _kya(findings.get("kya", {})),
    ]
    outcome = decide(
        factors,
        config.weights,
        config.bands,
        rule_engine.parse_all(config.rules),
        rule_context(findings, checks, config),
    )
    return outcome, checks
