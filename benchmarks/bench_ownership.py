"""The ownership rules' fixed point over a generated graph of corporate groups.

    PYTHONPATH=src python benchmarks/bench_ownership.py [--edges 1000000] [--baseline-edges 100000]

The graph: groups of a holding and layers of subsidiaries (majority, minority and joint
stakes, a few cross-holdings and cycles), about one party in 400 listed (SDN, Entity List, MEU,
CMIC), several observations of some pairs at different dates. It times building the graph
from edges and both rules' fixed points, and, in the same run, a naive fixed point (repeated
passes over the edges until nothing changes, as a straightforward implementation does) on a
sample of ``--baseline-edges`` edges, against the real one on the same sample; it checks that
both find the same parties there.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from clearance.exposure.derive import derive
from clearance.exposure.graph import Edge, OwnershipGraph, Party
from clearance.exposure.rules import get_rule
from clearance.model import Listing

LISTINGS = [
    Listing("SDN", "blocking", ("RUSSIA-EO14024",)),
    Listing("SDN", "blocking", ("NPWMD",)),
    Listing("EL", "entity-list-licence"),
    Listing("MEU", "meu-licence"),
    Listing("CMIC", "cmic-securities-ban"),
]
SHARES = [100.0, 100.0, 75.0, 60.0, 51.0, 50.0, 49.0, 40.0, 33.3, 25.0, 20.0, 10.0, 5.0]


def generate(edges: int, seed: int) -> tuple[list[Party], list[Edge]]:
    rng = random.Random(seed)
    out: list[Edge] = []
    parties: list[Party] = []
    n = 0
    while len(out) < edges:
        size = rng.choice([3, 5, 10, 20, 50, 200])
        members = [f"p{n + i}" for i in range(size)]
        n += size
        if rng.random() < 0.15:
            listing = rng.choice(LISTINGS)
            parties.append(Party(members[0], members[0], listings=(listing,)))
        for i in range(1, size):
            owner = members[rng.randrange(0, i)]
            share = rng.choice(SHARES)
            out.append(Edge(owner, members[i], share, start=rng.choice(["", "2019-01-01"])))
            if rng.random() < 0.2:  # a second owner (joint venture), maybe from another group
                other = f"p{rng.randrange(n)}"
                out.append(Edge(other, members[i], rng.choice(SHARES)))
            if rng.random() < 0.05:  # a later observation of the same pair
                out.append(Edge(owner, members[i], rng.choice(SHARES), start="2024-06-01"))
        if rng.random() < 0.02 and size > 2:  # a cross-holding cycle
            out.append(Edge(members[-1], members[0], 10.0))
    return parties, out[:edges]


def naive(graph: OwnershipGraph, day: str) -> set[str]:
    """Repeated passes until nothing changes (the OFAC rule, blocked owners only)."""
    rule = get_rule("ofac-50-percent")
    latest: dict[tuple[str, str], tuple[str, float]] = {}
    for i in range(graph.size):
        edge = graph.edge(i)
        if edge.share is None or (edge.start and edge.start > day):
            continue
        key = (edge.owner, edge.owned)
        if key not in latest or (edge.start, edge.share) > latest[key]:
            latest[key] = (edge.start, edge.share)
    seeds = {p.id for p in graph.listed() if any(x.effect == "blocking" for x in p.listings)}
    blocked = set(seeds)
    while True:
        totals: dict[str, float] = {}
        for (owner, owned), (_, share) in latest.items():
            if owner in blocked:
                totals[owned] = totals.get(owned, 0.0) + share
        grown = blocked | {node for node, t in totals.items() if t >= rule.threshold - 1e-6}
        if grown == blocked:
            return blocked - seeds
        blocked = grown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--baseline-edges", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    day = "2025-10-01"

    parties, edges = generate(args.edges, args.seed)
    start = time.perf_counter()
    graph = OwnershipGraph.build(parties, edges)
    built = time.perf_counter() - start
    print(f"graph: {graph.size:,} edges, {len(graph.ids):,} parties, built in {built:.2f} s")
    for rule_id in ("ofac-50-percent", "bis-affiliates"):
        start = time.perf_counter()
        result = derive(graph, get_rule(rule_id), day)
        took = time.perf_counter() - start
        print(f"{rule_id}: fixed point in {took:.2f} s, {result.count:,} parties reached")

    sample = OwnershipGraph.build(parties, edges[: args.baseline_edges])
    start = time.perf_counter()
    fast = derive(sample, get_rule("ofac-50-percent"), day)
    fast_time = time.perf_counter() - start
    start = time.perf_counter()
    slow = naive(sample, day)
    slow_time = time.perf_counter() - start
    got = {n for n in sample.ids if any(d.effect == "blocking" for d in fast.derived(n))}
    assert got == slow, "the fixed point and the naive baseline disagree"
    print(
        f"baseline, {sample.size:,} edges: naive passes {slow_time:.2f} s, fixed point "
        f"{fast_time:.3f} s ({slow_time / fast_time:.0f}x), the same {len(got):,} parties"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
