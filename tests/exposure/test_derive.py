"""The ownership rules' fixed points: table-driven cases, and a naive reference on random graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from clearance.exposure.derive import derive
from clearance.exposure.graph import Edge, OwnershipGraph, Party
from clearance.exposure.rules import get_rule, rules
from clearance.model import Listing
from clearance.reference import effects, list_info

CASES = yaml.safe_load((Path(__file__).parent / "ownership_cases.yaml").read_text())


def _listing(spec: str) -> Listing:
    """``LIST[:PROGRAM,...][@START[..END]]``."""
    head, _, dates = spec.partition("@")
    code, _, programs = head.partition(":")
    start, _, end = dates.partition("..")
    return Listing(
        list=code,
        effect=list_info(code).effect,
        programs=tuple(p for p in programs.split(",") if p),
        start=start,
        end=end,
    )


def _edge(spec: str) -> Edge:
    owner, owned, share, *dates = spec.split()
    return Edge(
        owner=owner,
        owned=owned,
        share=None if share == "-" else float(share),
        start=dates[0] if dates else "",
        end=dates[1] if len(dates) > 1 else "",
        source="test",
    )


def graph_of(case: dict[str, Any]) -> OwnershipGraph:
    parties = [
        Party(pid, f"Party {pid}", listings=tuple(_listing(s) for s in specs))
        for pid, specs in (case.get("parties") or {}).items()
    ]
    return OwnershipGraph.build(parties, [_edge(e) for e in case["edges"]])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    graph = graph_of(case)
    result = derive(
        graph, get_rule(case["rule"]), case.get("day", "2026-06-01"), case.get("after", "")
    )
    if "status" in case:
        assert result.status == case["status"]
    got = {}
    for node in graph.ids:
        for item in result.derived(node):
            got[node] = item.effect
    assert got == case["expect"]


def test_rules_data_is_consistent() -> None:
    known = rules()
    assert set(known) == {"ofac-50-percent", "bis-affiliates"}
    # which lists a rule applies to is said by their effects
    assert get_rule("ofac-50-percent").owner_effects == {"blocking", "sectoral"}
    assert "cmic-securities-ban" not in get_rule("ofac-50-percent").owner_effects
    assert get_rule("bis-affiliates").owner_effects == {
        "entity-list-licence",
        "meu-licence",
        "blocking",
    }
    for rule in known.values():
        assert set(rule.restrictiveness) <= set(effects())
    bis = get_rule("bis-affiliates")
    assert [bis.status_on(d) for d in ("2025-09-28", "2025-09-29", "2025-11-09")] == [
        None,
        "in-force",
        "in-force",
    ]
    assert [bis.status_on(d) for d in ("2025-11-10", "2026-11-09", "2026-11-10")] == [
        "suspended",
        "suspended",
        "in-force",
    ]


def test_why_a_party_is_reached() -> None:
    case = {
        "parties": {"S": ["SDN"], "T": ["SDN"]},
        "edges": ["S A 100", "A B 30", "T B 25", "B C 50", "X C 50"],
    }
    result = derive(graph_of(case), get_rule("ofac-50-percent"), "2026-01-01")
    [c] = result.derived("C")
    assert (c.effect, c.total, c.owners) == ("blocking", 50.0, (("B", 50.0),))
    [b] = result.derived("B")
    assert b.total == 55.0 and b.owners == (("A", 30.0), ("T", 25.0))
    chains = result.chains("C", "blocking")
    assert sorted(chains) == sorted(
        [
            [("S", "A", 100.0), ("A", "B", 30.0), ("B", "C", 50.0)],
            [("T", "B", 25.0), ("B", "C", 50.0)],
        ]
    )


def test_merged_parties_count_once() -> None:
    """A party named in an ownership file and tied to two list entries is one owner."""
    parties = [
        Party("us-ofac-sdn:1", "Blocked Holding", listings=(_listing("SDN"),)),
        Party("ftm:bh", "Blocked Holding"),
    ]
    edges = [Edge("us-ofac-sdn:1", "A", 30.0), Edge("ftm:bh", "A", 30.0)]
    graph = OwnershipGraph.build(parties, edges, same=[["us-ofac-sdn:1", "ftm:bh"]])
    result = derive(graph, get_rule("ofac-50-percent"), "2026-01-01")
    assert result.derived("A") == []  # one owner with 30%, seen twice: not 60%
    assert graph.node("ftm:bh") == "us-ofac-sdn:1"
    assert graph.party("us-ofac-sdn:1").same_as == ("ftm:bh",)


def _naive(graph: OwnershipGraph, seeds: set[str], day: str) -> set[str]:
    """The blocked set by repeating until nothing changes (latest observation per pair)."""
    latest: dict[tuple[str, str], tuple[str, float]] = {}
    for i in range(graph.size):
        edge = graph.edge(i)
        if edge.share is None or (edge.start and edge.start > day):
            continue
        key = (edge.owner, edge.owned)
        if key not in latest or (edge.start, edge.share) > latest[key]:
            latest[key] = (edge.start, edge.share)
    blocked = set(seeds)
    while True:
        totals: dict[str, float] = {}
        for (owner, owned), (_, share) in latest.items():
            if owner in blocked:
                totals[owned] = totals.get(owned, 0.0) + share
        grown = blocked | {node for node, total in totals.items() if total >= 50 - 1e-6}
        if grown == blocked:
            return blocked - seeds
        blocked = grown


_nodes = st.sampled_from([f"n{i}" for i in range(12)])
_edges = st.lists(
    st.tuples(
        _nodes,
        _nodes,
        st.sampled_from([5.0, 10.0, 20.0, 25.0, 30.0, 49.0, 50.0, 60.0, 100.0]),
        st.sampled_from(["", "2020-01-01", "2024-01-01"]),
    ),
    max_size=40,
)


@given(_edges, st.sets(_nodes, max_size=3))
def test_the_fixed_point_agrees_with_a_naive_one(
    edges: list[tuple[str, str, float, str]], seeds: set[str]
) -> None:
    parties = [Party(s, s, listings=(_listing("SDN"),)) for s in seeds]
    graph = OwnershipGraph.build(
        parties, [Edge(a, b, share, start=start) for a, b, share, start in edges if a != b]
    )
    listed = {s for s in seeds if s in graph}
    result = derive(graph, get_rule("ofac-50-percent"), "2023-01-01")
    got = {node for node in graph.ids if result.derived(node)}
    assert got == _naive(graph, listed, "2023-01-01")


def test_the_setting_for_after_the_last_period() -> None:
    from clearance.errors import InputError
    from clearance.exposure.service import checked_after
    from clearance.settings import Settings

    settings = Settings.from_env(
        {"CLEARANCE_HOME": "/tmp/x", "CLEARANCE_RULE_AFTER_BIS_AFFILIATES": "suspended"}
    )
    assert checked_after(settings.rule_after) == {"bis-affiliates": "suspended"}
    with pytest.raises(InputError, match="use one of in-force, suspended"):
        checked_after({"bis-affiliates": "lifted"})
    with pytest.raises(InputError, match="no such rule"):
        checked_after({"eu-50-percent": "in-force"})
