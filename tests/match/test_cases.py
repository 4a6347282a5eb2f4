"""Table-driven quality cases (tests/match/cases.yaml) against the default profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clearance.match.scorer import Matcher

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8")
)["cases"]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['a']}|{c['b']}" for c in CASES])
def test_case(case: dict[str, Any], matcher: Matcher) -> None:
    result = matcher.compare(case["a"], case["b"], case.get("schema", "LegalEntity"))
    assert result.match is case["match"], f"{case['why']}: score {result.score:.3f}; " + "; ".join(
        f.reason for f in result.features
    )


@pytest.mark.parametrize("case", CASES[:40], ids=[f"{c['a']}|{c['b']}" for c in CASES[:40]])
def test_case_is_symmetric(case: dict[str, Any], matcher: Matcher) -> None:
    schema = case.get("schema", "LegalEntity")
    forward = matcher.compare(case["a"], case["b"], schema)
    backward = matcher.compare(case["b"], case["a"], schema)
    assert forward.match is backward.match
