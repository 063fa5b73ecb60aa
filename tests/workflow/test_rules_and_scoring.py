from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from openkyc.workflow import rules
from openkyc.workflow.schemas import DEFAULT_RULES, Bands, PipelineConfig
from openkyc.workflow.scoring import FactorResult, decide

WEIGHTS = {"liveness": 30.0, "face": 40.0, "document": 25.0, "kya": 5.0}


def _context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "document": {"evaluated": True, "expired": False, "mrz_present": True, "mrz_valid": True},
        "face": {
            "evaluated": True,
            "similarity": 0.9,
            "match": True,
            "liveness_checked": True,
            "liveness_match": True,
        },
        "liveness": {"evaluated": True, "is_live": True, "mode": "active"},
        "kya": {"evaluated": False},
        "applicant": {},
    }
    for key, value in overrides.items():
        context[key] = {**context[key], **value}
    return context


def _factors(face: float = 0.9, live: float = 0.95) -> list[FactorResult]:
    return [
        FactorResult("liveness", "pass", live),
        FactorResult("face", "pass", face),
        FactorResult("document", "pass", 1.0),
        FactorResult("kya", "skip", 0.0, ("no applicant data",)),
    ]


def test_default_rules_compile() -> None:
    assert len(rules.parse_all(DEFAULT_RULES)) == len(DEFAULT_RULES)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("document.expired", "must read"),
        ("document.expired => approve", "action must be"),
        ("document.expired && => reject", "Syntax"),
        ("os.system('x') => reject", "unknown names"),
        ("=> reject", "must read"),
    ],
)
def test_bad_rules_are_refused(source: str, message: str) -> None:
    with pytest.raises(rules.RuleError, match=message):
        rules.parse(source)


def test_score_and_bands() -> None:
    outcome = decide(_factors(), WEIGHTS, Bands(), rules.parse_all(DEFAULT_RULES), _context())
    assert outcome.score == pytest.approx(100 * (30 * 0.95 + 40 * 0.9 + 25) / 100, abs=0.1)
    assert outcome.decision == "accepted"
    assert {f["name"]: f["status"] for f in outcome.factors}["kya"] == "skip"


def test_rules_override_the_score() -> None:
    expired = decide(
        _factors(),
        WEIGHTS,
        Bands(),
        rules.parse_all(DEFAULT_RULES),
        _context(document={"expired": True}),
    )
    assert expired.decision == "rejected"
    assert "rule fired: document.evaluated && document.expired => reject" in expired.reasons
    passive = decide(
        _factors(),
        WEIGHTS,
        Bands(),
        rules.parse_all(DEFAULT_RULES),
        _context(liveness={"mode": "passive_only"}),
    )
    assert passive.decision == "review"


def test_missing_liveness_cannot_be_accepted() -> None:
    factors = [
        FactorResult("liveness", "skip", 0.0),
        FactorResult("face", "pass", 1.0),
        FactorResult("document", "pass", 1.0),
        FactorResult("kya", "pass", 1.0),
    ]
    outcome = decide(factors, WEIGHTS, Bands(), [], _context())
    assert outcome.score == 70.0
    assert outcome.decision == "review"


def test_unevaluable_rule_sends_to_review() -> None:
    broken = rules.parse("document.nonexistent_field > 3 => reject")
    outcome = decide(_factors(), WEIGHTS, Bands(), [broken], _context())
    assert outcome.decision == "review"
    assert any("could not be evaluated" in r for r in outcome.reasons)


def test_score_can_be_used_in_rules() -> None:
    strict = rules.parse("score < 95.0 => review")
    assert decide(_factors(), WEIGHTS, Bands(), [strict], _context()).decision == "review"


@pytest.mark.parametrize(
    "bad",
    [
        {"steps": ["ocr", "scoring", "face_match"]},
        {"steps": ["ocr", "ocr"]},
        {"weights": {"face": -1}},
        {"bands": {"accepted": 50, "review": 70}},
        {"mandatory": ["liveness"], "steps": ["ocr", "scoring"]},
        {"unknown": 1},
    ],
)
def test_config_validation(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        PipelineConfig.model_validate(bad)


def test_liveness_of_another_person_is_rejected() -> None:
    other = _context(face={"liveness_checked": True, "liveness_match": False})
    outcome = decide(_factors(), WEIGHTS, Bands(), rules.parse_all(DEFAULT_RULES), other)
    assert outcome.decision == "rejected"
