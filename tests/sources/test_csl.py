"""trade.gov Consolidated Screening List: both CSV headers, the JSON form, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import ParseError
from clearance.model import Entity
from clearance.reference import list_info
from clearance.sources import get_source
from clearance.sources.csl import CslSource, list_code
from tests.helpers import assert_ftm_valid

CSL = "us-csl"


def read(path: Path) -> list[Entity]:
    return CslSource().read(path).entities


def by_list(entities: list[Entity]) -> dict[str, list[Entity]]:
    out: dict[str, list[Entity]] = {}
    for entity in entities:
        out.setdefault(entity.listings[0].list, []).append(entity)
    return out


# -- real files ---------------------------------------------------------------------------


@pytest.mark.realdata
def test_current_sample_rows_keep_their_own_lists(shared_data: Path) -> None:
    entities = read(shared_data / CSL / "csl-sample-2025-06-25.csv")
    assert len(entities) == 13
    lists = by_list(entities)
    assert set(lists) == {"EL", "MEU", "UVL", "DPL", "ISN", "SSI", "PLC", "FSE", "DTC", "SDN"}
    expected_effects = {
        "EL": "entity-list-licence",
        "SDN": "blocking",
        "DPL": "denied-export-privileges",
        "MEU": "meu-licence",
        "SSI": "sectoral",
        "DTC": "itar-debarment",
    }
    for code, effect in expected_effects.items():
        assert {e.listings[0].effect for e in lists[code]} == {effect}
    assert_ftm_valid(entities)


@pytest.mark.realdata
def test_current_sample_sdn_person_details(shared_data: Path) -> None:
    entities = read(shared_data / CSL / "csl-sample-2025-06-25.csv")
    sdn = by_list(entities)["SDN"][0]
    assert sdn.id == "us-trade-csl:52291"
    assert sdn.schema == "Person"
    assert sdn.get("passportNumber") == ["836238033"]
    assert sdn.get("birthDate") == ["1978-12-05"]
    assert sdn.get("nationality") == ["kp"]
    assert sdn.get("gender") == ["male"]
    assert set(sdn.get("country")) == {"cn", "kp"}
    assert sdn.listings[0].programs == ("NPWMD",)
    # sanctions information in the ids column is not an identifier
    assert not any("510.201" in v for v in sdn.get("idNumber"))
    assert any("510.201" in v for v in sdn.get("notes"))


@pytest.mark.realdata
def test_current_sample_ids_and_listing_fields(shared_data: Path) -> None:
    entities = read(shared_data / CSL / "csl-sample-2025-06-25.csv")
    lists = by_list(entities)
    isn = lists["ISN"][0]
    assert isn.id == "us-trade-csl:233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b"
    assert isn.caption == "Sinobright Import and Export Company"  # legal suffix cut
    assert isn.listings[0].start == "2023-07-19"
    assert "08/08/2023" in isn.listings[0].reason
    meu = lists["MEU"][0]
    assert meu.get("country") == ["cn"]
    assert "744.21" in meu.listings[0].reason
    ssi = {e.source_id: e for e in lists["SSI"]}
    assert "RUDVRUMM" in ssi["18283"].get("swiftBic")
    assert ssi["18283"].get("registrationNumber") == ["1027739108649"]


@pytest.mark.realdata
def test_old_header_sample(shared_data: Path) -> None:
    entities = read(shared_data / CSL / "csl-sample-2019-12-03.csv")
    assert len(entities) == 115
    assert len({e.id for e in entities}) == 115
    lists = by_list(entities)
    assert set(lists) >= {"SDN", "SSI", "EL", "PLC", "DTC", "DPL", "UVL", "ISN", "CAPTA"}
    assert lists["CAPTA"][0].listings[0].effect == list_info("CAPTA").effect
    by_id = {e.source_id: e for e in entities}
    # older ids are "country, number, type"
    assert by_id["20264"].get("taxNumber") == ["80-0890696"]
    vessels = [e for e in entities if e.schema == "Vessel"]
    assert len(vessels) == 2
    assert "IMO8898831" in vessels[0].get("imoNumber") + vessels[1].get("imoNumber")
    # rows without entity number get a stable hashed key
    assert all(e.source_id.startswith("h") for e in lists["EL"])
    dpl = {e.caption: e for e in lists["DPL"]}
    assert dpl["ADRIAN MANUEL HERNANDEZ"].get("country") == ["us"]  # "..., AZ, 85043"
    assert_ftm_valid(entities)


@pytest.mark.realdata
def test_old_sample_mojibake_repaired(shared_data: Path) -> None:
    entities = read(shared_data / CSL / "csl-sample-2019-12-03.csv")
    addresses = [a for e in entities for a in e.get("address")]
    assert not any("\x92" in a for a in addresses)
    assert any("HA’Assif" in a for a in addresses)


@pytest.mark.realdata
def test_malformed_file_is_refused(shared_data: Path) -> None:
    with pytest.raises(ParseError) as info:
        read(shared_data / CSL / "csl-malformed.csv")
    assert "csl-malformed.csv" in str(info.value)
    assert info.value.location == "line 2"


@pytest.mark.realdata
def test_dpl_file_is_not_a_csl(shared_data: Path) -> None:
    with pytest.raises(ParseError):
        read(shared_data / CSL / "dpl-2022-09.txt")


# -- fixtures -----------------------------------------------------------------------------


def test_registry_points_here() -> None:
    assert isinstance(get_source("us-trade-csl"), CslSource)


def test_fixture_current_header(fixtures: Path) -> None:
    entities = {e.source_id: e for e in read(fixtures / "csl" / "csl-current.csv")}
    el = entities["a1b2c3"]
    assert el.schema == "LegalEntity"
    assert el.names_of("alias") == ["Northwind Optics", "NPO Ltd."]
    assert el.get("country") == ["hk", "cn"]
    assert el.listings[0].list == "EL" and el.listings[0].effect == "entity-list-licence"
    person = entities["40001"]
    assert person.schema == "Person"
    assert person.get("passportNumber") == ["K1234567"]
    assert person.get("taxNumber") == ["1234567890"]
    assert person.get("birthDate") == ["1970-01-02", "1971"]
    assert person.get("position") == ["Procurement agent"]
    assert person.listings[0].programs == ("SDGT", "IRAN-EO13846")
    vessel = entities["40002"]
    assert vessel.schema == "Vessel"
    assert vessel.get("imoNumber") == ["IMO9123456"]
    assert vessel.get("mmsi") == ["445123456"]
    assert vessel.get("flag") == ["kp"]  # "Korea, North"
    assert entities["b7c8d9"].listings[0].list == "CMIC"
    assert entities["e1e1"].listings[0].list == "CAPTA"
    assert entities["c0ffee"].listings[0].end == "2025-07-19"
    assert_ftm_valid(entities.values())


def test_json_gives_the_same_entities_as_csv(fixtures: Path) -> None:
    from_csv = read(fixtures / "csl" / "csl-current.csv")
    dataset = CslSource().read(fixtures / "csl" / "consolidated.json")
    assert dataset.format == "csl-json"
    from_json = dataset.entities
    assert [e.id for e in from_json] == [e.id for e in from_csv]
    for a, b in zip(from_csv, from_json, strict=True):
        assert a.schema == b.schema
        assert a.names == b.names
        assert a.properties == b.properties
        assert a.listings == b.listings
    assert_ftm_valid(from_json)


def test_hashed_keys_are_pinned(fixtures: Path) -> None:
    """Entity ids must not change between releases (history and diffs hang on them): the
    hashed key of a row without _id or entity number is pinned here."""
    ids = [e.source_id for e in read(fixtures / "csl" / "csl-2019.csv")]
    assert ids[2:] == ["heeb73a29df75e218", "heeb73a29df75e218-2", "heb332044ab5a2c0a"]


def test_old_header_fixture(fixtures: Path) -> None:
    entities = read(fixtures / "csl" / "csl-2019.csv")
    first = entities[0]
    assert first.id == "us-trade-csl:30001"
    assert first.get("taxNumber") == ["900123456-7", "4455667788"]
    assert entities[1].get("pastFlags") == ["pa"]
    # a verbatim repeated row keeps a distinct id
    assert entities[3].source_id == entities[2].source_id + "-2"


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("Entity List (EL) - Bureau of Industry and Security", "EL"),
        ("Military End User (MEU) List - Bureau of Industry and Security", "MEU"),
        ("Unverified List (UVL) - Bureau of Industry and Security", "UVL"),
        ("Specially Designated Nationals (SDN) - Treasury Department", "SDN"),
        ("Capta List (CAP) - Treasury Department", "CAPTA"),
        ("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department", "MBS"),
        ("Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury", "CMIC"),
        ("Palestinian Legislative Council List (PLC) - Treasury Department", "PLC"),
        ("Something new - Nowhere", "CSL"),
    ],
)
def test_list_codes(source: str, code: str) -> None:
    assert list_code(source) == code


# -- bad input ----------------------------------------------------------------------------


def test_empty_and_header_only(tmp_path: Path, fixtures: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ParseError):
        read(empty)
    header = tmp_path / "header.csv"
    header.write_text((fixtures / "csl" / "csl-current.csv").read_text().splitlines()[0] + "\n")
    with pytest.raises(ParseError, match="no rows"):
        read(header)


def test_truncated_copy(tmp_path: Path, fixtures: Path) -> None:
    raw = (fixtures / "csl" / "csl-current.csv").read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(raw[: raw.index(b"Vessel Registration")])
    with pytest.raises(ParseError) as info:
        read(cut)
    assert "cut.csv" in str(info.value) and info.value.location


def test_wrong_files(tmp_path: Path, fixtures: Path) -> None:
    for path in (fixtures / "dpl" / "dpl.txt", fixtures / "ftm" / "entities.ftm.json"):
        with pytest.raises(ParseError):
            read(path)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"results": [{"name": "x", "addresses": "not", "ids": 3}]}')
    with pytest.raises(ParseError):
        read(bad_json)


def test_row_without_name(tmp_path: Path, fixtures: Path) -> None:
    lines = (fixtures / "csl" / "csl-current.csv").read_text().splitlines()
    path = tmp_path / "noname.csv"
    path.write_text(lines[0] + "\n" + lines[1].replace("Northwind Precision Optics Co., Ltd.", ""))
    with pytest.raises(ParseError, match="line 2"):
        read(path)


def _read_or_parse_error(path: Path) -> None:
    try:
        dataset = CslSource().read(path)
    except ParseError:
        return
    assert all(e.names for e in dataset.entities)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    _read_or_parse_error(path)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["csl-current.csv", "csl-2019.csv", "consolidated.json"]),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=3)), max_size=4),
    cut=st.integers(0, 10_000),
)
def test_mutated_fixtures(
    tmp_path: Path, fixtures: Path, name: str, edits: list[tuple[int, bytes]], cut: int
) -> None:
    raw = bytearray((fixtures / "csl" / name).read_bytes())
    for position, replacement in edits:
        position %= len(raw)
        raw[position : position + 1] = replacement
    path = tmp_path / name
    path.write_bytes(bytes(raw[: max(cut, len(raw) // 2)]))
    _read_or_parse_error(path)
