"""Decision rules in a safe, sandboxed expression language.

A rule is ``<condition> => <action>``: the condition is a CEL expression (Common Expression
Language, evaluated by the Rust ``cel`` engine of the ``common-expression-language`` package,
no Python ``eval``) over the verification's evidence; the action is ``reject`` or ``review``.
Rules only ever make a decision stricter: a fired ``reject`` beats ``review`` beats the score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import cel

Action = Literal["reject", "review"]
ACTIONS: tuple[Action, ...] = ("reject", "review")
ROOTS = frozenset({"document", "face", "liveness", "kya", "applicant", "score"})


class RuleError(ValueError):
    """A rule that cannot be compiled or refers to evidence that does not exist."""


@dataclass(frozen=True)
class Rule:
    source: str
    condition: str
    action: Action
    program: Any


@dataclass(frozen=True)
class Fired:
    rule: str
    action: Action


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    error: str


def parse(source: str) -> Rule:
    condition, arrow, action = source.rpartition("=>")
    action = action.strip().lower()
    if not arrow or not condition.strip():
        raise RuleError(f"rule {source!r} must read '<condition> => reject|review'")
    if action not in ACTIONS:
        raise RuleError(f"rule {source!r}: action must be reject or review, not {action!r}")
    try:
        program = cel.compile(condition.strip())
    except ValueError as exc:
        raise RuleError(f"rule {source!r}: {str(exc).splitlines()[0]}") from exc
    unknown = sorted({name.split(".")[0] for name in program.variables()} - ROOTS)
    if unknown:
        raise RuleError(f"rule {source!r} uses unknown names {unknown}; available: {sorted(ROOTS)}")
    return Rule(source, condition.strip(), action, program)


def parse_all(sources: list[str]) -> list[Rule]:
    return [parse(source) for source in sources]


def evaluate(rules: list[Rule], context: dict[str, Any]) -> tuple[list[Fired], list[RuleFailure]]:
    """Rules that fired, and rules that could not be evaluated (treated as review upstream)."""
    fired, failures = [], []
    for rule in rules:
        try:
            outcome = rule.program.execute(context)
        except (RuntimeError, ValueError, TypeError, KeyError) as exc:
            failures.append(RuleFailure(rule.source, str(exc).splitlines()[0]))
            continue
        if outcome is True:
            fired.append(Fired(rule.source, rule.action))
        elif outcome is not False:
            failures.append(RuleFailure(rule.source, f"condition gave {outcome!r}, not a bool"))
    return fired, failures
