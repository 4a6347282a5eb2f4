"""The ofac profile reproduces OFAC Sanctions List Search scores."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clearance.match.ofac import ofac_similarity
from clearance.match.scorer import Matcher


def test_ofac_scores_order_free_and_typo_tolerant() -> None:
    assert ofac_similarity("VLADIMIR PUTIN", "PUTIN, Vladimir")[0] == 1.0
    assert 0.9 < ofac_similarity("VLADIMR PUTIN", "PUTIN, Vladimir")[0] < 1.0
    assert ofac_similarity("Владимир Путин", "PUTIN, Vladimir")[0] == 0.0


@pytest.mark.realdata
def test_parity_with_ofac_tool(shared_data: Path) -> None:
    matcher = Matcher("ofac")
    errors = []
    with open(shared_data / "eval" / "ofac_parity.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            expected = int(row["ofac_score"])
            if expected < 0:
                continue
            score = matcher.compare(row["query_name"], row["result_name"]).score
            errors.append(abs(score * 100 - expected))
    assert len(errors) >= 160
    assert sum(errors) / len(errors) < 5.0
