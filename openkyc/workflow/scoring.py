"""The overall score (0-100) and the decision, with a reason for every point lost.

Each factor reports ``score`` in 0..1, whether it ``passed`` and its reasons; a factor that was
not evaluated (no evidence) scores 0, so a verification without liveness cannot reach the
default accept band on the other factors alone. Rules fire after the score and can only make the
decision stricter; a rule that cannot be evaluated sends the case to review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from openkyc.workflow import rules as rule_engine
from openkyc.workflow.schemas import Bands, Factor

Decision = Literal["accepted", "review", "rejected"]
Status = Literal["pass", "fail", "skip", "error"]


@dataclass(frozen=True)
class FactorResult:
    name: Factor
    status: Status
    score: float  # 0..1
    reasons: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass(frozen=True)
class Outcome:
    score: float
    decision: Decision
    factors: list[dict[str, Any]]
    reasons: list[str]
    rules_fired: list[str] = field(default_factory=list)


def band(score: float, bands: Bands) -> Decision:
    if score >= bands.accepted:
        return "accepted"
    return "review" if score >= bands.review else "rejected"


def decide(
    factors: list[FactorResult],
    weights: dict[Factor, float],
    bands: Bands,
    rules: list[rule_engine.Rule],
    context: dict[str, Any],
) -> Outcome:
    total = sum(weights.get(f.name, 0.0) for f in factors) or 1.0
    points = {f.name: weights.get(f.name, 0.0) * max(0.0, min(1.0, f.score)) for f in factors}
    score = round(100.0 * sum(points.values()) / total, 1)
    decision = band(score, bands)
    reasons = [
        f"score {score:g} → {decision} (accepted ≥ {bands.accepted:g}, review ≥ {bands.review:g})"
    ]
    fired, failures = rule_engine.evaluate(rules, {**context, "score": score})
    for hit in fired:
        reasons.append(f"rule fired: {hit.rule}")
    for failure in failures:
        reasons.append(f"rule could not be evaluated ({failure.error}): {failure.rule} → review")
    actions = {hit.action for hit in fired} | ({"review"} if failures else set())
    if "reject" in actions:
        decision = "rejected"
    elif "review" in actions and decision == "accepted":
        decision = "review"
    return Outcome(
        score=score,
        decision=decision,
        factors=[
            {
                "name": f.name,
                "weight": weights.get(f.name, 0.0),
                "score": round(points[f.name] * 100.0 / total, 1),
                "status": f.status,
                "passed": f.passed,
                "reasons": list(f.reasons),
            }
            for f in factors
        ],
        reasons=reasons,
        rules_fired=[hit.rule for hit in fired],
    )
