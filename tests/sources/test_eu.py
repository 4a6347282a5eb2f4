"""EU Financial Sanctions Files (XML 1.1) reader: fixtures, the real excerpt, bad input."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from clearance.errors import GateError
from clearance.model import Entity
from clearance.sources import get_source
from clearance.sources.base import check_gates
from clearance.sources.eu import EuSource
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

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "eu" / "export.xml"
UN_FIXTURE = FIXTURE.parent.parent / "un" / "consolidated.xml"
NS = "{http://eu.europa.ec/fpi/fsd/export}"


@pytest.fixture(scope="module")
def fixture_entities() -> dict[str, Entity]:
    return {e.source_id: e for e in EuSource().read(FIXTURE).entities}


def test_registry_resolves_the_eu_source() -> None:
    assert isinstance(get_source("eu-fsf"), EuSource)


def test_fixture_dataset_metadata() -> None:
    dataset = EuSource().read(FIXTURE)
    assert (dataset.source, dataset.format, dataset.published) == (
        "eu-fsf",
        "eu-fsf-xml",
        "2026-03-02",
    )
    assert dataset.stats == {"Person": 2, "Organization": 1}
    assert_ftm_valid(dataset.entities)


def test_download_named_after_the_url_is_found_in_its_folder(tmp_path: Path) -> None:
    (tmp_path / EuSource.remote_files[0]).write_bytes(FIXTURE.read_bytes())
    assert len(EuSource().read(tmp_path).entities) == 3


def test_person_names(fixture_entities: dict[str, Entity]) -> None:
    person = fixture_entities["900001"]
    assert person.id == "eu-fsf:900001"
    assert person.schema == "Person"
    assert person.caption == "Ivan Petrovich SIDOROV"
    cyrillic = [n for n in person.names if n.value == "Иван Петрович Сидоров"]
    assert len(cyrillic) == 1
    assert (cyrillic[0].kind, cyrillic[0].script, cyrillic[0].lang) == ("alias", "Cyrl", "rus")
    assert "Ivan Sydorov" in person.names_of("alias")
    assert person.names_of("weakAlias") == ["Vanya"]  # strong="false"


def test_person_facts(fixture_entities: dict[str, Entity]) -> None:
    person = fixture_entities["900001"]
    assert person.get("birthDate") == ["1961-07-19", "1962-03"]
    assert person.get("birthPlace") == ["Kazan, RUSSIAN FEDERATION"]  # "-" city dropped
    assert person.get("birthCountry") == ["ru"]  # "00" (unknown) gives no country
    assert person.get("nationality") == ["ru"]
    assert person.get("gender") == ["male"]
    assert person.get("position") == ["Member of the board"]
    assert person.get("passportNumber") == ["750000001"]
    assert person.get("taxNumber") == ["770000000001"]
    assert person.get("notes") == ["Fictitious entry for tests: member of a board."]
    (listing,) = person.listings
    assert (listing.list, listing.effect, listing.programs) == ("EU-FSF", "asset-freeze", ("RUS",))
    assert listing.start == "2022-02-25"
    assert listing.url.startswith("https://eur-lex.europa.eu/")


def test_enterprise(fixture_entities: dict[str, Entity]) -> None:
    org = fixture_entities["900002"]
    assert org.schema == "Organization"
    assert org.caption == "Joint Stock Company Polar Instruments"
    native = [n for n in org.names if n.script == "Cyrl"]
    assert [n.value for n in native] == ["АО Полярные Приборы"]
    assert org.names_of("weakAlias") == ["Polar Instruments"]
    assert org.get("registrationNumber") == ["1027800000001"]
    # an organisation has no passportNumber in FtM: the number is kept as idNumber
    assert org.get("idNumber") == ["P0000001"]
    assert org.get("address") == ["Nevsky prospekt 1, 191186 Saint Petersburg, RUSSIAN FEDERATION"]
    assert org.get("country") == ["ru"]
    assert org.get("phone") == ["+7 812 000 0001", "+7 812 000 0002"]
    assert org.get("website") == ["http://polar-instruments.example"]
    assert org.get("notes") == ["Manufacturer of electronic components"]
    # no designationDate: the listing starts with the earliest regulation naming the entry
    assert org.listings[0].start == "2022-12-16"


def test_primary_name_prefers_latin_described_alias(fixture_entities: dict[str, Entity]) -> None:
    person = fixture_entities["900003"]
    assert person.caption == "Salem Abdallah"  # the Arabic alias comes first in the file
    assert "سالم عبد الله" in person.names_of("alias")
    assert person.get("title") == ["Sheikh"]
    # a year range, and an Islamic-calendar entry whose birthdate is already Gregorian
    assert person.get("birthDate") == ["1953", "1954", "1955", "1956", "1957", "1958", "1982-04-19"]
    assert person.listings[0].reason == "UN designation: 2010-01-05"
    assert person.record["attributes"]["unitedNationId"] == "QDi.999"


def test_gates_refuse_a_small_file() -> None:
    source = EuSource()
    with pytest.raises(GateError, match="fewer than the 1000"):
        check_gates(source, source.read(FIXTURE), active_count=None)


# -- bad input -----------------------------------------------------------------------------


def _variants() -> dict[str, bytes]:
    return bad_variants(FIXTURE.read_bytes(), b"sanctionEntity", UN_FIXTURE.read_bytes())


@pytest.mark.parametrize("case", sorted(_variants()))
def test_bad_input_is_a_parse_error(tmp_path: Path, case: str) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(_variants()[case])
    error = assert_parse_error(EuSource(), path)
    if case.startswith(("truncated", "mismatched", "ofac", "other")):
        assert line_of(error) is not None, error


def test_missing_logical_id_names_the_element(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes().replace(b'logicalId="900002"', b"", 1)
    path = tmp_path / "export.xml"
    path.write_bytes(data)
    error = assert_parse_error(EuSource(), path)
    assert error.location is not None and "sanctionEntity #2" in error.location


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(FIXTURE.read_bytes()))
def test_mutated_bytes_parse_or_parse_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        read_or_parse_error(EuSource(), Path(folder) / "export.xml", data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rewritten(FIXTURE.read_bytes()))
def test_rewritten_values_parse_or_parse_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        read_or_parse_error(EuSource(), Path(folder) / "export.xml", data)


# -- the real published excerpt --------------------------------------------------------------


@pytest.mark.realdata
def test_real_excerpt(shared_data: Path) -> None:
    path = shared_data / "eu" / "fsf-excerpt-2026-08-05.xml"
    dataset = EuSource().read(path)
    assert len(dataset.entities) == 5
    assert dataset.published == "2026-08-05"
    assert sum(len(e.record["names"]) for e in dataset.entities) == 45
    with pytest.raises(GateError, match="5 entities"):  # an excerpt is not a complete list
        check_gates(EuSource(), dataset, active_count=None)
    assert_ftm_valid(dataset.entities)
    assert_round_trips(dataset.entities)
    # every wholeName of the file is a name of its entity, kept as given (spacing squashed)
    entities = {e.source_id: e for e in dataset.entities}
    for element in etree.parse(str(path)).iter(f"{NS}sanctionEntity"):
        entity = entities[element.get("logicalId")]
        values = {n.value for n in entity.names}
        for alias in element.iter(f"{NS}nameAlias"):
            assert " ".join(alias.get("wholeName").split()) in values


@pytest.mark.realdata
def test_real_excerpt_native_script_and_facts(shared_data: Path) -> None:
    dataset = EuSource().read(shared_data / "eu" / "fsf-excerpt-2026-08-05.xml")
    entities = {e.source_id: e for e in dataset.entities}
    person = entities["6177"]
    assert person.caption == "Ibrahim Hassan Tali Al-Asiri"
    arabic = [n for n in person.names if n.script == "Arab"]
    assert [n.value for n in arabic] == ["إبراهيم حسن طالع عسيري", "إبراهيم حسن طالع العسيري"]
    assert {n.lang for n in arabic} == {"ara"}
    assert person.get("nationality") == ["sa"]
    assert person.listings[0].programs == ("TAQA",)
    org = entities["3822"]
    assert org.schema == "Organization"
    assert [n.value for n in org.names if n.script == "Arab"] == ["صنایع شیمیایی پارچین"]
    assert org.get("registrationNumber") == ["892"]
    kept_first = entities["191"]
    assert kept_first.caption == "Khalid Sheikh MOHAMMED"
    assert kept_first.listings[0].start == "2005-11-30"  # no designationDate in the file
