"""Ownership links read from the lists: FtM Ownership, OFAC relations, parents named by lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.exposure.derive import derive
from clearance.exposure.edges import EdgeCollector, parse_share
from clearance.exposure.graph import Edge, OwnershipGraph
from clearance.exposure.rules import get_rule
from clearance.model import Entity
from clearance.sources import get_source
from clearance.sources.ofac import SdnSource

OFAC_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ofac"


def collect(entities: list[Entity]) -> tuple[OwnershipGraph, list[Edge]]:
    collector = EdgeCollector()
    for entity in entities:
        collector.add(entity)
    parties, edges = collector.finish()
    return OwnershipGraph.build(parties, edges), edges


@pytest.mark.parametrize(
    ("value", "share"),
    [("50", 50.0), ("50.00", 50.0), ("25%", 25.0), (" 33,5 ", 33.5), (100, 100.0)],
)
def test_shares_as_lists_write_them(value: object, share: float) -> None:
    assert parse_share(value) == share


@pytest.mark.parametrize("value", ["", "majority", "10-25%", "150", "-5", None, True])
def test_shares_that_say_no_number(value: object) -> None:
    assert parse_share(value) is None


def test_ftm_ownership_records_are_links(fixtures: Path) -> None:
    dataset = get_source("ftm:test_ds").read(fixtures / "ftm" / "entities.ftm.json")
    graph, edges = collect(dataset.entities)
    assert [(e.owner, e.owned, e.share, e.start) for e in edges] == [
        ("ftm:test_ds:p1", "ftm:test_ds:c1", 60.0, "2020"),
        ("ftm:test_ds:c1", "ftm:test_ds:c2", 100.0, ""),
    ]
    # p1 is an SDN; c1 is on the Entity List only: OFAC's rule blocks it, and c2 through it
    ofac = derive(graph, get_rule("ofac-50-percent"), "2025-10-01")
    assert {
        n: [d.effect for d in ofac.derived(n)] for n in ("ftm:test_ds:c1", "ftm:test_ds:c2")
    } == {
        "ftm:test_ds:c1": ["blocking"],
        "ftm:test_ds:c2": ["blocking"],
    }
    bis = derive(graph, get_rule("bis-affiliates"), "2025-10-01")
    assert [d.effect for d in bis.derived("ftm:test_ds:c2")] == ["entity-list-licence"]
    # the 60% share is known from 2020 on
    assert ofac.derived("ftm:test_ds:c1") and not derive(
        graph, get_rule("ofac-50-percent"), "2019-06-01"
    ).derived("ftm:test_ds:c1")


def _with_relation(tmp_path: Path) -> Path:
    raw = (OFAC_FIXTURES / "SDN_ADVANCED.XML").read_text(encoding="utf-8")
    raw = raw.replace(
        "    <SanctionsProgramValues>",
        '    <RelationTypeValues>\n      <RelationType ID="15003" Symmetrical="false">'
        "Owned or Controlled By</RelationType>\n"
        '      <RelationType ID="1555" Symmetrical="true">Associate Of</RelationType>\n'
        "    </RelationTypeValues>\n    <SanctionsProgramValues>",
    )
    raw = raw.replace(
        "  <ProfileRelationships />",
        "  <ProfileRelationships>\n"
        '    <ProfileRelationship ID="9001" From-ProfileID="1001" To-ProfileID="1002"'
        ' RelationTypeID="15003" RelationQualityID="1" Former="false" />\n'
        '    <ProfileRelationship ID="9002" From-ProfileID="1003" To-ProfileID="1002"'
        ' RelationTypeID="1555" RelationQualityID="1" Former="false" />\n'
        '    <ProfileRelationship ID="9003" From-ProfileID="1003" To-ProfileID="55555"'
        ' RelationTypeID="15003" RelationQualityID="1" Former="true" />\n'
        "  </ProfileRelationships>",
    )
    path = tmp_path / "sdn_advanced.xml"
    path.write_text(raw, encoding="utf-8")
    return path


def test_ofac_relations_are_kept_and_owned_or_controlled_is_a_link(tmp_path: Path) -> None:
    dataset = SdnSource().read(_with_relation(tmp_path))
    by_id = {e.id: e for e in dataset.entities}
    assert by_id["us-ofac-sdn:1001"].record["relations"] == [
        {"id": "9001", "type": "Owned or Controlled By", "to": "1002"}
    ]
    assert by_id["us-ofac-sdn:1003"].record["relations"][1] == {
        "id": "9003",
        "type": "Owned or Controlled By",
        "to": "55555",
        "former": "true",
    }
    _, edges = collect(dataset.entities)
    # associations and former owners are no ownership; a control link has no share
    assert edges == [
        Edge(
            "us-ofac-sdn:1002",
            "us-ofac-sdn:1001",
            None,
            "control",
            source="us-ofac-sdn",
            ref="9001",
        )
    ]


@pytest.mark.realdata
def test_real_ofac_relations_may_point_to_the_other_list(shared_data: Path) -> None:
    cons = get_source("us-ofac-cons").read(shared_data / "ofac" / "advanced-2020-03-17")
    graph, edges = collect(cons.entities)
    assert len(edges) == 276
    assert {e.kind for e in edges} == {"control"}
    link = next(e for e in edges if e.ref == "2211")
    assert (link.owner, link.owned) == ("us-ofac-cons:17022", "us-ofac-cons:18267")
    # no share is published: the 50% rule derives nothing from these links alone
    assert derive(graph, get_rule("ofac-50-percent"), "2020-03-17").count == 0


def test_parents_named_by_a_list_are_family_links() -> None:
    source = get_source("us-dod-1260h")
    files = source.default_files()  # type: ignore[attr-defined]
    dataset = source.read(files[0] if len(files) == 1 else files[0].parent)
    _, edges = collect(dataset.entities)
    assert {e.kind for e in edges} == {"parent"}
    pairs = {(e.owner, e.owned) for e in edges}
    assert ("us-dod-1260h:china-mobile-communications-group", "us-dod-1260h:china-mobile") in pairs
    named = {e.id: e for e in dataset.entities}
    for owner, owned in pairs:
        parent = named[owned].record["parent"]
        assert parent.casefold() in {n.value.casefold() for n in named[owner].names}


@pytest.mark.realdata
def test_real_ftm_ownership_by_date(shared_data: Path) -> None:
    """OpenSanctions' ZALA data: companies a blocked person owned 75% and 100% of are blocked
    on a day inside the ownership periods, not after they ended."""
    dataset = get_source("ftm").read(shared_data / "opensanctions" / "zala.ftm.json")
    graph, edges = collect(dataset.entities)
    assert len(edges) == 14 and all(e.kind == "ownership" for e in edges)
    rule = get_rule("ofac-50-percent")
    during = derive(graph, rule, "2022-06-01")
    reached = {n: d for n in graph.ids for d in during.derived(n)}
    assert {graph.party(n).name for n in reached} >= {'Limited Liability Company "RTC"'}
    assert sorted(d.total for d in reached.values()) == [75.0, 100.0]
    assert derive(graph, rule, "2026-01-01").count == 0
