"""FollowTheMoney data: entity exports with folding, deltas, targets.simple.csv, bad input."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.datafiles import load_data
from clearance.errors import InputError, ParseError
from clearance.model import Entity
from clearance.sources import get_source
from clearance.sources.ftm import FtmSource, apply_delta, fold, is_delta, read_entities
from tests.helpers import assert_ftm_valid

OS = "opensanctions"


def read(path: Path, source: str = "ftm:fixture") -> list[Entity]:
    """The entities of ``path`` as the dataset ``source`` (``ftm``: named from the data)."""
    return get_source(source).read(path).entities


def by_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e.source_id: e for e in entities}


def json_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# -- real files ---------------------------------------------------------------------------


@pytest.mark.realdata
def test_zala_export(shared_data: Path) -> None:
    path = shared_data / OS / "zala.ftm.json"
    assert len(json_lines(path)) == 91
    entities = read(path, "ftm")
    assert len(entities) == 17  # 6 Person + 11 Company; the other 74 records are folded in
    assert sorted({e.schema for e in entities}) == ["Company", "Person"]
    targets = [e for e in entities if e.record["target"]]
    assert len(targets) == 14
    assert all(e.listings for e in targets)
    assert not any(e.listings for e in entities if not e.record["target"])
    assert_ftm_valid(entities)


@pytest.mark.realdata
def test_zala_sanctions_become_listings(shared_data: Path) -> None:
    entities = read(shared_data / OS / "zala.ftm.json", "ftm")
    listings = [x for e in entities for x in e.listings]
    sdn = [x for x in listings if x.list == "SDN"]
    assert sdn and {x.effect for x in sdn} == {"blocking"}
    assert any(x.programs[:1] == ("RUSSIA-EO14024",) for x in sdn)
    # the trade.gov CSL sanction is read with the CSL's own list mapping
    assert any(x.list == "EL" and x.effect == "entity-list-licence" for x in listings)
    assert any(x.list == "EU-FSF" for x in listings)
    nsdc = [x for x in listings if x.end == "2024-10-30"]
    assert nsdc and nsdc[0].list == "OPENSANCTIONS"


@pytest.mark.realdata
def test_zala_ownership_edges_kept(shared_data: Path) -> None:
    raw = json_lines(shared_data / OS / "zala.ftm.json")
    entities = by_id(read(shared_data / OS / "zala.ftm.json", "ftm"))
    ownerships = [r for r in raw if r["schema"] == "Ownership"]
    assert len(ownerships) == 14
    for edge in ownerships:
        props = edge["properties"]
        assert isinstance(props, dict)
        owner, asset = props["owner"][0], props["asset"][0]
        for end in (owner, asset):
            if end in entities:
                relations = entities[end].record["relations"]
                match = [r for r in relations if r["id"] == edge["id"]]
                assert len(match) == 1
                assert match[0]["owner"] == f"ftm:zala:{owner}"
                assert match[0]["asset"] == f"ftm:zala:{asset}"
                assert match[0]["percentage"] == props.get("percentage", [""])[0]


@pytest.mark.realdata
def test_zala_addresses_and_passport_folded(shared_data: Path) -> None:
    raw = {r["id"]: r for r in json_lines(shared_data / OS / "zala.ftm.json")}
    for entity in read(shared_data / OS / "zala.ftm.json", "ftm"):
        source = raw[entity.source_id]["properties"]
        assert isinstance(source, dict)
        for address_id in source.get("addressEntity", []):
            address = raw.get(address_id)
            if address is not None:
                full = address["properties"]["full"][0]  # type: ignore[index]
                assert full in entity.get("address")
                assert address in entity.record["adjuncts"]
    passports = [r for r in raw.values() if r["schema"] == "Passport"]
    holder = passports[0]["properties"]["holder"][0]  # type: ignore[index]
    entities = by_id(read(shared_data / OS / "zala.ftm.json", "ftm"))
    assert passports[0] in entities[holder].record["adjuncts"]


@pytest.mark.realdata
def test_t1_and_delta(shared_data: Path, tmp_path: Path) -> None:
    t1 = shared_data / OS / "t1.ftm.json"
    delta = shared_data / OS / "t2.delta.json"
    assert len(json_lines(t1)) == 7
    base = read(t1, "ftm")
    assert {e.source for e in base} == {"ftm:eu_fsf"}  # the one dataset its entities name
    assert len(base) == 6  # the 7th record is an Address nobody refers to
    assert_ftm_valid(base)
    ops = json_lines(delta)
    added = {op["entity"]["id"] for op in ops if op["op"] in ("ADD", "MOD")}  # type: ignore[index]
    deleted = {op["entity"]["id"] for op in ops if op["op"] == "DEL"}  # type: ignore[index]
    after = apply_delta(base, delta)
    expected = ({e.source_id for e in base} | added) - deleted
    assert {e.source_id for e in after} == expected
    assert len(after) == 8
    assert_ftm_valid(after)
    # a folder with the base export and the delta reads to the same entities
    shutil.copy(t1, tmp_path / "t1.ftm.json")
    shutil.copy(delta, tmp_path / "t2.delta.json")
    folder = FtmSource().read(tmp_path)
    assert folder.format == "ftm-json+delta"
    assert [e.to_dict() for e in folder.entities] == [e.to_dict() for e in after]


@pytest.mark.realdata
def test_lone_delta_is_refused(shared_data: Path) -> None:
    path = shared_data / OS / "t2.delta.json"
    assert is_delta(path)
    with pytest.raises(ParseError, match="delta"):
        read(path)


@pytest.mark.realdata
def test_targets_simple(shared_data: Path) -> None:
    dataset = FtmSource().read(shared_data / OS / "ua_war_sanctions.targets.simple.csv")
    entities = dataset.entities
    assert dataset.format == "targets-simple-csv"
    assert dataset.published == "2026-03-13"
    assert len(entities) == 5600
    counts = {s: sum(1 for e in entities if e.schema == s) for s in dataset.stats}
    assert counts["Person"] == 1543 and counts["Vessel"] == 1340
    assert all(e.listings[0].list == "OPENSANCTIONS" for e in entities)
    vessels = [e for e in entities if e.schema == "Vessel"]
    assert sum(1 for e in vessels if e.get("imoNumber")) > 1000
    assert all(v.startswith("IMO") for e in vessels for v in e.get("imoNumber"))
    assert_ftm_valid(entities)


# -- fixtures -----------------------------------------------------------------------------


def test_registry_points_here() -> None:
    assert isinstance(get_source("ftm"), FtmSource)


def test_fixture_folding(fixtures: Path) -> None:
    entities = by_id(read(fixtures / "ftm" / "entities.ftm.json"))
    assert set(entities) == {"p1", "c1", "c2", "pb1", "v1", "p2"}
    person = entities["p1"]
    assert person.names_of("weakAlias") == ["Vanya"]
    assert person.get("address") == ["1 Red Square, Moscow, 109012"]
    assert person.get("passportNumber") == ["P7654321"]
    assert person.get("idNumber") == ["ID-111"]
    assert "addressEntity" not in person.properties
    [listing] = person.listings
    assert (listing.list, listing.effect) == ("SDN", "blocking")
    assert listing.programs == ("RUSSIA-EO14024",)
    assert listing.start == "2022-03-11"
    assert listing.reason == "Operating in the defense sector"
    assert entities["c1"].listings[0].list == "EL"
    assert entities["pb1"].schema == "Organization"
    assert entities["pb1"].listings[0].list == "OPENSANCTIONS"
    assert entities["v1"].listings[0].list == "EU-FSF"
    assert "owner" not in entities["v1"].properties
    assert entities["c2"].listings == []
    assert entities["p2"].get("passportNumber") == ["Q-2"]
    owned = entities["c2"].record["relations"]
    assert owned[0]["owner"] == "ftm:fixture:c1" and owned[0]["percentage"] == "100"
    family = [r for r in person.record["relations"] if r["schema"] == "Family"]
    assert family[0]["target"] == "ftm:fixture:p2" and family[0]["role"] == "spouse"
    assert_ftm_valid(entities.values())


def test_fixture_delta(fixtures: Path, tmp_path: Path) -> None:
    base = read(fixtures / "ftm" / "entities.ftm.json")
    after = by_id(apply_delta(base, fixtures / "ftm" / "entities.delta.json"))
    assert "v1" not in after
    assert "Ivan Primerov" in after["p1"].names_of("alias")
    assert after["p1"].get("passportNumber") == ["P7654321"]  # folded records survive
    assert [x.list for x in after["p3"].listings] == ["GB-FCDO"]
    assert after["c2"].record["relations"][0]["owner"] == "ftm:fixture:c1"
    # applying the delta to the raw records gives the same as applying it to the entities
    for name in ("entities.ftm.json", "entities.delta.json"):
        shutil.copy(fixtures / "ftm" / name, tmp_path / name)
    folder = by_id(read(tmp_path))
    assert {k: v.to_dict() for k, v in folder.items()} == {k: v.to_dict() for k, v in after.items()}


def test_delta_as_dataset(fixtures: Path) -> None:
    base = read(fixtures / "ftm" / "entities.ftm.json")
    delta = fixtures / "ftm" / "entities.delta.json"
    dataset = FtmSource().read_delta(base, delta)
    assert dataset.format == "ftm-delta"
    assert dataset.files == (delta,)
    assert [e.id for e in dataset.entities] == [e.id for e in apply_delta(base, delta)]


def test_delta_on_stored_entities(fixtures: Path) -> None:
    """The store keeps entities as JSON: a delta applies to what comes back from storage."""
    base = read(fixtures / "ftm" / "entities.ftm.json")
    stored = [Entity.from_dict(json.loads(json.dumps(e.to_dict()))) for e in base]
    delta = fixtures / "ftm" / "entities.delta.json"
    assert [e.to_dict() for e in apply_delta(stored, delta)] == [
        e.to_dict() for e in apply_delta(base, delta)
    ]


def test_delta_needs_ftm_entities(fixtures: Path) -> None:
    foreign = Entity(source="us-bis-dpl", source_id="x", schema="LegalEntity")
    with pytest.raises(InputError):
        apply_delta([foreign], fixtures / "ftm" / "entities.delta.json")


def test_folder_with_targets(fixtures: Path, tmp_path: Path) -> None:
    shutil.copy(fixtures / "ftm" / "targets.simple.csv", tmp_path / "targets.simple.csv")
    assert len(read(tmp_path)) == 3
    shutil.copy(fixtures / "ftm" / "entities.ftm.json", tmp_path / "entities.ftm.json")
    with pytest.raises(ParseError, match="exactly one"):
        read(tmp_path)


def test_fixture_targets_simple(fixtures: Path) -> None:
    dataset = get_source("ftm:fixture").read(fixtures / "ftm" / "targets.simple.csv")
    assert dataset.stats["skipped"] == 1  # a Security is not screenable
    entities = by_id(dataset.entities)
    vessel = entities["t-vessel"]
    assert vessel.get("imoNumber") == ["IMO9123456"]
    assert vessel.get("mmsi") == ["273450600"]
    assert vessel.get("callSign") == ["UAJS"]
    assert vessel.listings[0].programs == ("UA-WS-MARE",)
    company = entities["t-company"]
    assert company.names_of("alias") == ['"EXAMPLE WORKS" JSC', "EW JSC"]
    assert company.get("innCode") == ["5259075468"]
    assert company.get("ogrnCode") == ["1085259003664"]
    assert company.get("idNumber") == ["X-1"]
    assert company.get("incorporationDate") == ["2001-02-03"]
    assert company.listings[0].reason == "Supplies components; makes parts."
    assert entities["t-person"].get("birthDate") == ["1975-06-07"]
    assert_ftm_valid(entities.values())


def test_reference_data_agrees_with_followthemoney() -> None:
    from followthemoney import model

    data = load_data("ftm.yaml")
    for ftm_schema, stored in data["things"].items():
        assert model.get(ftm_schema) is not None
        schema = model.get(stored)
        levels = data["levels"][stored]
        props = {p for level in levels for p in data["properties"][level]}
        plain = {
            name
            for name, prop in schema.properties.items()
            if not prop.stub
            and prop.type.name != "entity"
            and name not in ("name", "alias", "weakAlias", "previousName")
        }
        assert props == plain, stored
    for edge, (source, target) in data["edges"].items():
        assert model.get(edge).edge_source == source and model.get(edge).edge_target == target


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("", None),
        ('{"id": "x", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": "x"', "line 2"),
        ('{"id": "x", "properties": {}}', "line 1"),
        ('{"id": "x", "schema": "Person", "properties": {"name": [1]}}', "line 1"),
        ('{"id": "x", "schema": "Person", "properties": []}', "line 1"),
        ("[1, 2]", "line 1"),
        ('{"id": "a", "schema": "Address", "properties": {"full": ["x"]}}', None),
        ('{"id": "x", "schema": "Person", "properties": {"name": ["A"]}}\n' * 2, "line 2"),
        ('{"op": "ADD", "entity": {"id": "x"}}\n{"op": "FOO"}', None),
        ("id,schema,name\nx,Person,A\n", "line 1"),
    ],
)
def test_bad_entity_files(tmp_path: Path, text: str, location: str | None) -> None:
    path = tmp_path / "bad.ftm.json"
    path.write_text(text)
    with pytest.raises(ParseError) as info:
        read(path)
    assert info.value.location == location
    assert "bad.ftm.json" in str(info.value)


@pytest.mark.parametrize("other", ["csl/csl-current.csv", "dpl/dpl.txt", "csl/consolidated.json"])
def test_wrong_files(fixtures: Path, other: str) -> None:
    with pytest.raises(ParseError):
        read(fixtures / other)


def test_bad_delta(tmp_path: Path, fixtures: Path) -> None:
    base = read(fixtures / "ftm" / "entities.ftm.json")
    path = tmp_path / "x.delta.json"
    for text in ('{"op": "FOO", "entity": {}}', '{"op": "DEL", "entity": {}}', '{"op": "ADD"}'):
        path.write_text(text)
        with pytest.raises(ParseError, match="line 1"):
            apply_delta(base, path)


def test_bad_targets(tmp_path: Path, fixtures: Path) -> None:
    lines = (fixtures / "ftm" / "targets.simple.csv").read_text().splitlines()
    path = tmp_path / "targets.simple.csv"
    path.write_text(lines[0] + "\n" + lines[1][: lines[1].index("UA-WS")] + "\n")
    with pytest.raises(ParseError, match="line 2"):
        read(path)
    path.write_text(lines[0] + "\n" + lines[1].replace('"NORTHERN EXAMPLE"', '""') + "\n")
    with pytest.raises(ParseError, match="no name"):
        read(path)


def test_fold_is_pure(fixtures: Path) -> None:
    records = read_entities(fixtures / "ftm" / "entities.ftm.json")
    first = [e.to_dict() for e in fold(records, "ftm:fixture")]
    assert [e.to_dict() for e in fold(records, "ftm:fixture")] == first


def _read_or_parse_error(path: Path) -> None:
    try:
        entities = read(path)
    except ParseError:
        return
    assert all(e.names for e in entities)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".json", ".csv"]))
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    _read_or_parse_error(path)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["entities.ftm.json", "targets.simple.csv", "entities.delta.json"]),
    edits=st.lists(st.tuples(st.integers(0, 20_000), st.binary(max_size=3)), max_size=4),
    cut=st.integers(0, 20_000),
)
def test_mutated_fixtures(
    tmp_path: Path, fixtures: Path, name: str, edits: list[tuple[int, bytes]], cut: int
) -> None:
    raw = bytearray((fixtures / "ftm" / name).read_bytes())
    for position, replacement in edits:
        position %= len(raw)
        raw[position : position + 1] = replacement
    path = tmp_path / name
    path.write_bytes(bytes(raw[:cut]))
    if name.endswith(".delta.json"):
        base = read(fixtures / "ftm" / "entities.ftm.json")
        with contextlib.suppress(ParseError):
            apply_delta(base, path)
    else:
        _read_or_parse_error(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entity=st.fixed_dictionaries(
        {
            "id": st.text(max_size=5),
            "schema": st.sampled_from(["Person", "Sanction", "Address", "Ownership", "Thing", ""]),
            "properties": st.dictionaries(
                st.sampled_from(["name", "entity", "owner", "asset", "addressEntity", "full"]),
                st.lists(st.text(max_size=6), max_size=3),
            ),
        }
    )
)
def test_random_entities(tmp_path: Path, entity: dict[str, object]) -> None:
    path = tmp_path / "random.ftm.json"
    person = {"id": "p", "schema": "Person", "properties": {"name": ["A"], "addressEntity": ["a"]}}
    path.write_text(json.dumps(person) + "\n" + json.dumps(entity) + "\n")
    _read_or_parse_error(path)
