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
