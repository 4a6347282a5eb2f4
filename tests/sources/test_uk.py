"""UK Sanctions List (FCDO XML) reader: fixtures, the real excerpt, bad input."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from clearance.errors import GateError
from clearance.model import Entity
from clearance.reference import effects
from clearance.sources import get_source
from clearance.sources.base import check_gates
from clearance.sources.uk import UkSource, uk_date
from tests.helpers import assert_ftm_valid
from tests.sources.xml_cases import (
    assert_parse_error,
    assert_round_trips,
    bad_variants,
    line_of,
    mutated,
    read_or_parse_error,
    rewritten,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "uk" / "UK-Sanctions-List.xml"
UN_FIXTURE = FIXTURE.parent.parent / "un" / "consolidated.xml"


@pytest.fixture(scope="module")
def fixture_entities() -> dict[str, Entity]:
    return {e.source_id: e for e in UkSource().read(FIXTURE).entities}


def test_registry_resolves_the_uk_source() -> None:
    assert isinstance(get_source("gb-fcdo"), UkSource)


def test_fixture_dataset_metadata(tmp_path: Path) -> None:
    (tmp_path / "uk-sanctions-list.xml").write_bytes(FIXTURE.read_bytes())
    dataset = UkSource().read(tmp_path)  # a folder: the official file name, any case
    assert (dataset.source, dataset.format, dataset.published) == (
        "gb-fcdo",
        "uk-fcdo-xml",
        "2026-03-02",
    )
    assert dataset.stats == {"Person": 1, "Organization": 1, "Vessel": 1}
    assert_ftm_valid(dataset.entities)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("19/07/1961", "1961-07-19"),
        ("dd/03/1962", "1962-03"),
        ("dd/mm/1963", "1963"),
        ("1946", "1946"),
        ("31/13/1960", "1960"),
        ("07/19/1961", "1961"),  # not a UK date: only the year is certain
        ("about 1950", ""),
    ],
)
def test_uk_dates_are_day_month_year(text: str, iso: str) -> None:
    assert uk_date(text) == iso


@given(st.text(max_size=20))
def test_uk_date_gives_an_iso_prefix_or_nothing(text: str) -> None:
    value = uk_date(text)
    assert value == "" or (len(value) in (4, 7, 10) and value[:4].isdigit())


def test_person(fixture_entities: dict[str, Entity]) -> None:
    person = fixture_entities["RUS9001"]
    assert person.id == "gb-fcdo:RUS9001"
    assert person.schema == "Person"
    assert person.caption == "Ivan Petrovich SIDOROV"
    assert person.names_of("alias") == ["Ivan SIDOROFF"]  # Primary Name Variation
    assert person.names_of("weakAlias") == ["Vanya"]  # Alias of low quality
    native = [n for n in person.names if n.script == "Cyrl"]
    assert [(n.value, n.kind, n.lang) for n in native] == [("Иван Петрович СИДОРОВ", "name", "rus")]
    assert person.get("birthDate") == ["1961-07-19", "1962-03", "1963"]
    assert person.get("nationality") == ["ru"]
    assert person.get("birthPlace") == ["Kazan, Russia"]
    assert person.get("birthCountry") == ["ru"]
    assert person.get("gender") == ["male"]
    assert person.get("title") == ["Dr"]
    assert person.get("position") == ["Member of the board"]
    assert person.get("passportNumber") == ["750000001"]
    assert person.get("idNumber") == ["770000000001"]
    assert person.get("address") == ["Nevsky prospekt 1, Saint Petersburg, Russia"]
    assert person.get("country") == ["ru"]


def test_one_listing_per_measure(fixture_entities: dict[str, Entity]) -> None:
    listings = fixture_entities["RUS9001"].listings
    assert [x.effect for x in listings] == ["asset-freeze", "travel-ban", "trust-services-ban"]
    for listing in listings:
        assert listing.list == "GB-FCDO"
        assert listing.programs == ("The Russia (Sanctions) (EU Exit) Regulations 2019",)
        assert listing.start == "2022-03-15"
        assert listing.reason == "A member of the board of a fictitious company."
    assert set(x.effect for x in listings) <= set(effects())


def test_entity(fixture_entities: dict[str, Entity]) -> None:
    org = fixture_entities["RUS9002"]
    assert org.schema == "Organization"
    assert org.caption == "JOINT STOCK COMPANY POLAR INSTRUMENTS"
    assert org.names_of("alias") == ["Polar Instruments JSC"]
    assert [n.value for n in org.names if n.script == "Cyrl"] == ["АО ПОЛЯРНЫЕ ПРИБОРЫ"]
    assert org.get("registrationNumber") == ["1027800000001"]
    assert org.get("classification") == ["Joint Stock Company"]
    assert org.get("phone") == ["+7 812 000 0001"]
    assert org.get("website") == ["http://polar-instruments.example"]
    assert org.get("address") == ["Nevsky prospekt 2, Saint Petersburg, 191186, Russia"]
    assert [x.effect for x in org.listings] == ["asset-freeze"]
    assert org.record["fields"]["ParentCompany"] == ["Polar Holding"]


def test_ship(fixture_entities: dict[str, Entity]) -> None:
    ship = fixture_entities["RUS9003"]
    assert ship.schema == "Vessel"
    assert ship.names_of("name", "alias") == ["NORTHERN WIND", "SEVERNY VETER"]
    assert ship.get("imoNumber") == ["IMO9000001"]
    assert ship.get("flag") == ["ga"]
    assert ship.get("pastFlags") == ["lr", "pa"]
    assert ship.get("type") == ["Crude Oil Tanker"]
    assert ship.get("tonnage") == ["81000"]
    # port entry and deflagging are ship measures; a measure the mapping does not know yet
    # is listed with the generic effect rather than dropped
    assert [x.effect for x in ship.listings] == ["ship-sanctions", "listed"]
    assert ship.record["fields"]["SanctionsImposed"] == [
        "Prohibition of port entry|Deflag|Some future measure"
    ]


def test_gates_refuse_a_small_file() -> None:
    source = UkSource()
    with pytest.raises(GateError, match="fewer than the 1000"):
        check_gates(source, source.read(FIXTURE), active_count=None)


# -- bad input -----------------------------------------------------------------------------


def _variants() -> dict[str, bytes]:
    return bad_variants(FIXTURE.read_bytes(), b"Designation", UN_FIXTURE.read_bytes())


@pytest.mark.parametrize("case", sorted(_variants()))
def test_bad_input_is_a_parse_error(tmp_path: Path, case: str) -> None:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_bytes(_variants()[case])
    error = assert_parse_error(UkSource(), path)
    if case.startswith(("truncated", "mismatched", "ofac", "other")):
        assert line_of(error) is not None, error


def test_missing_unique_id_names_the_element(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes().replace(b"<UniqueID>RUS9002</UniqueID>", b"")
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_bytes(data)
    error = assert_parse_error(UkSource(), path)
    assert error.location is not None and "Designation #2" in error.location


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(FIXTURE.read_bytes()))
def test_mutated_bytes_parse_or_parse_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        read_or_parse_error(UkSource(), Path(folder) / "UK-Sanctions-List.xml", data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rewritten(FIXTURE.read_bytes()))
def test_rewritten_values_parse_or_parse_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        read_or_parse_error(UkSource(), Path(folder) / "UK-Sanctions-List.xml", data)


# -- the real published excerpt --------------------------------------------------------------


@pytest.mark.realdata
def test_real_excerpt(shared_data: Path) -> None:
    path = shared_data / "uk" / "uk-sanctions-list-excerpt-2026-09-10.xml"
    dataset = UkSource().read(path)
    assert len(dataset.entities) == 5
    assert dataset.published == "2026-09-10"
    with pytest.raises(GateError, match="5 entities"):  # an excerpt is not a complete list
        check_gates(UkSource(), dataset, active_count=None)
    assert_ftm_valid(dataset.entities)
    assert_round_trips(dataset.entities)
    entities = {e.source_id: e for e in dataset.entities}
    # every non-Latin name of the file is kept as given, as a name of its entity
    for designation in etree.parse(str(path)).iter("Designation"):
        entity = entities[designation.findtext("UniqueID")]
        for native in designation.iter("NameNonLatinScript"):
            assert native.text.strip() in entity.names_of("name")


@pytest.mark.realdata
def test_real_excerpt_spot_checks(shared_data: Path) -> None:
    path = shared_data / "uk" / "uk-sanctions-list-excerpt-2026-09-10.xml"
    entities = {e.source_id: e for e in UkSource().read(path).entities}
    person = entities["AFG0006"]
    assert person.caption == "MOHAMMAD HASSAN AKHUND"
    arabic = [n for n in person.names if n.script == "Arab"]
    assert [n.value for n in arabic] == ["محمد حسن آخوند"]
    assert person.get("birthDate") == ["1958-05-12", "1945", "1946"]
    assert person.get("passportNumber") == ["P04581926"]  # listed twice, kept once
    assert [x.effect for x in person.listings] == ["asset-freeze", "travel-ban"]
    assert entities["BEL0107"].names_of("weakAlias") == ["BNK"]
    ship = entities["DPR0075"]
    assert (ship.schema, ship.get("imoNumber"), ship.get("flag")) == (
        "Vessel",
        ["IMO9562233"],
        ["km"],
    )
    assert [x.effect for x in ship.listings] == ["ship-sanctions"]
