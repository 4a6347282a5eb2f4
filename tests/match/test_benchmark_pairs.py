"""Quality floor on the public evaluation pairs, through the benchmark's own runner."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.realdata
@pytest.mark.slow
def test_public_pairs_quality_floor(shared_data: Path) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_matching
        import eval_pairs
    finally:
        sys.path.remove(str(BENCHMARKS))
    pairs = [
        *eval_pairs.synthetic_pairs(per_kind=60),
        *eval_pairs.negative_people(per_file=40),
        *eval_pairs.cross_script_pairs(),
    ]
    scorer, threshold = bench_matching.clearance_scorer()
    report = bench_matching.evaluate("clearance", scorer, threshold, pairs)
    assert report.overall.precision >= 0.95
    assert report.overall.recall >= 0.9
    negatives = [c for g, c in report.by_group.items() if g.startswith("negatives")]
    assert all(c.fp == 0 for c in negatives)


@pytest.mark.realdata
@pytest.mark.slow
def test_company_pairs_in_their_own_script_quality_floor(shared_data: Path) -> None:
    """Company names in their own script against their English names (the pairs of
    ``eval_company_pairs.py``), held out: the floor this build reaches, so that a change that
    loses what the vocabulary tables found shows here."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import eval_company_pairs
    finally:
        sys.path.remove(str(BENCHMARKS))
    from clearance.match.profiles import get_profile

    pairs = eval_company_pairs.build_pairs()
    scores = eval_company_pairs.score_pairs(pairs, "balanced")
    table = eval_company_pairs._table(pairs, scores, get_profile("balanced").threshold)
    precision, recall = eval_company_pairs._pr(table["held-out"])
    assert precision >= 0.95
    assert recall >= 0.6
