"""UN Security Council Consolidated List reader: fixtures, the real files, bad input."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from clearance.errors import GateError
from clearance.model import Entity
from clearance.sources import get_source
from clearance.sources.base import check_gates
from clearance.sources.un import UnSource
from clearance.sources.xmlread import country_codes, year_range
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

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "un" / "consolidated.xml"
EU_FIXTURE = FIXTURE.parent.parent / "eu" / "export.xml"


def by_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e.source_id: e for e in entities}


@pytest.fixture(scope="module")
def fixture_entities() -> dict[str, Entity]:
    return by_id(UnSource().read(FIXTURE).entities)


def test_registry_resolves_the_un_source() -> None:
    assert isinstance(get_source("un-sc"), UnSource)


def test_fixture_dataset_metadata() -> None:
    dataset = UnSource().read(FIXTURE)
    assert dataset.source == "un-sc"
    assert dataset.format == "un-xml"
    assert dataset.published == "2026-01-15"
    assert dataset.files == (FIXTURE,)
    assert dataset.content_hash.startswith("sha256:")
    assert dataset.stats == {"Person": 2, "Organization": 2}
    assert_ftm_valid(dataset.entities)


def test_folder_is_read_through_its_consolidated_xml(tmp_path: Path) -> None:
    (tmp_path / "Consolidated.XML").write_bytes(FIXTURE.read_bytes())
    assert len(UnSource().read(tmp_path).entities) == 4


def test_person_names_by_alias_quality(fixture_entities: dict[str, Entity]) -> None:
    person = fixture_entities["QDi.901"]
    assert person.id == "un-sc:QDi.901"
    assert person.schema == "Person"
    assert person.caption == "ALDAR BEKOV KUROV"  # the "na" FOURTH_NAME placeholder is dropped
    assert person.names_of("name") == ["ALDAR BEKOV KUROV", "الدار بيكوف"]
    assert [n.script for n in person.names if n.kind == "name"] == ["Latn", "Arab"]
    # Good and a.k.a. -> alias, ";"-lists split; Low -> weakAlias; f.k.a. -> previousName
    assert person.names_of("alias") == ["Aldar Bekov", "Aldar Kurov", "Aldor Kurov"]
    assert person.names_of("weakAlias") == ["Abu Aldar"]
    assert person.names_of("previousName") == ["Aldar Bekov Kurovich"]


def test_person_facts(fixture_entities: dict[str, Entity]) -> None:
    person = fixture_entities["QDi.901"]
    # DATE, YEAR, FROM-TO years, a month in the NOTE, and the alias-level date of birth
    assert person.get("birthDate") == [
        "1965-01-01",
        "1967",
        "1970",
        "1971",
        "1972",
        "1973-11",
        "1966-02-02",
    ]
    assert person.get("birthPlace") == ["Shiraz, Iran (Islamic Republic of)"]
    assert person.get("birthCountry") == ["ir"]
    assert person.get("nationality") == ["ir"]  # the "na" value carries no nationality
    assert person.get("gender") == ["male"]
    assert person.get("title") == ["Dr."]
    assert person.get("position") == ["Finance officer"]
    assert person.get("passportNumber") == ["A1234567", "B7654321"]
    assert person.get("idNumber") == ["0012345678"]
    assert person.get("address") == ["12 Example Street, Tehran, Iran (Islamic Republic of)"]
    assert person.get("country") == ["ir"]
    assert person.get("notes") == ["Fictitious entry for tests. Second line of the comment."]


def test_listing(fixture_entities: dict[str, Entity]) -> None:
    (listing,) = fixture_entities["QDi.901"].listings
    assert (listing.list, listing.effect, listing.programs) == (
        "UN-SC",
        "asset-freeze",
        ("Al-Qaida",),
    )
    assert listing.start == "2004-03-12" and listing.end == ""
    assert listing.authority == "United Nations Security Council"
    delisted = fixture_entities["QDe.901"].listings[0]
    assert delisted.end == "2024-05-01"


def test_entities_are_organizations(fixture_entities: dict[str, Entity]) -> None:
    org = fixture_entities["KPe.901"]
    assert org.schema == "Organization"
    assert org.caption == "NORTHERN STAR TRADING CORPORATION"
    assert org.names_of("alias") == ["NSTC"]
    assert org.names_of("previousName") == ["Polar Star Trading"]
    assert org.get("country") == ["kp", "hk"]
    assert org.listings[0].programs == ("DPRK",)
    assert fixture_entities["QDe.901"].names_of("weakAlias") == ["RRF"]


def test_native_script_only_korean(fixture_entities: dict[str, Entity]) -> None:
    person = fixture_entities["KPi.901"]
    assert person.names_of("name") == ["KIM SONG IL NA", "김성일"]  # "NA" is a name here
    assert person.names[1].script == "Hang"
    assert person.get("nationality") == ["kp"]
    assert "gender" not in person.properties


def test_record_is_kept_for_audit(fixture_entities: dict[str, Entity]) -> None:
    record = fixture_entities["QDi.901"].record
    assert record["reference_number"] == "QDi.901"
    assert record["dataid"] == "900001"
    assert record["documents"][0]["issuing_country"] == "Iran (Islamic Republic of)"
    assert record["aliases"][2] == {
        "quality": "Low",
        "name": "Abu Aldar",
        "date_of_birth": "1966-02-02",
    }
    # empty sub-elements of the list (<INDIVIDUAL_DOCUMENT/>) are not kept as empty records
    assert "documents" not in fixture_entities["KPi.901"].record


def test_namespaced_root_is_read_by_local_name(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes().replace(
        b"<CONSOLIDATED_LIST ", b'<CONSOLIDATED_LIST xmlns="urn:example:un-2030" ', 1
    )
    path = tmp_path / "consolidated.xml"
    path.write_bytes(data)
    assert len(UnSource().read(path).entities) == 4


# -- gates ---------------------------------------------------------------------------------


def test_gates_refuse_a_small_file() -> None:
    source = UnSource()
    dataset = source.read(FIXTURE)
    with pytest.raises(GateError, match="fewer than the 900"):
        check_gates(source, dataset, active_count=None)


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", sorted(bad_variants(FIXTURE.read_bytes(), b"INDIVIDUAL", EU_FIXTURE.read_bytes()))
)
def test_bad_input_is_a_parse_error(tmp_path: Path, case: str) -> None:
    data = bad_variants(FIXTURE.read_bytes(), b"INDIVIDUAL", EU_FIXTURE.read_bytes())[case]
    path = tmp_path / "consolidated.xml"
    path.write_bytes(data)
    error = assert_parse_error(UnSource(), path)
    if case.startswith(("truncated", "mismatched", "ofac", "other")):
        assert line_of(error) is not None, error


def test_other_list_names_the_root(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(EU_FIXTURE.read_bytes())
    error = assert_parse_error(UnSource(), path)
    assert "<export>" in str(error) and "UN Security Council" in str(error)


def test_missing_reference_number_names_the_element(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes().replace(b"<REFERENCE_NUMBER>KPi.901</REFERENCE_NUMBER>", b"")
    path = tmp_path / "consolidated.xml"
    path.write_bytes(data)
    error = assert_parse_error(UnSource(), path)
    assert error.location is not None and "INDIVIDUAL #2" in error.location


def test_duplicate_reference_numbers_are_refused(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes().replace(b">KPi.901<", b">QDi.901<")
    path = tmp_path / "consolidated.xml"
    path.write_bytes(data)
    assert "occurs twice" in str(assert_parse_error(UnSource(), path))


def test_unreadable_file_is_a_parse_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(FIXTURE.read_bytes())

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    assert "cannot be opened (Permission denied)" in str(assert_parse_error(UnSource(), path))


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    assert_parse_error(UnSource(), tmp_path / "nothing.xml")
    assert_parse_error(UnSource(), tmp_path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(FIXTURE.read_bytes()))
def test_mutated_bytes_parse_or_parse_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        read_or_parse_error(UnSource(), Path(folder) / "consolidated.xml", data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rewritten(FIXTURE.read_bytes()))
def test_rewritten_values_parse_or_parse_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        read_or_parse_error(UnSource(), Path(folder) / "consolidated.xml", data)


# -- the real published files ----------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "persons", "organizations", "published"),
    [
        ("consolidated-2026-02-27.xml", 730, 273, "2026-02-27"),
        ("consolidated-2018-10-29.xml", 703, 390, "2018-10-29"),
    ],
)
def test_real_file_counts(
    shared_data: Path, name: str, persons: int, organizations: int, published: str
) -> None:
    source = UnSource()
    dataset = source.read(shared_data / "un" / name)
    schemas = [e.schema for e in dataset.entities]
    assert schemas.count("Person") == persons
    assert schemas.count("Organization") == organizations
    assert dataset.published == published
    assert all(e.names and e.listings for e in dataset.entities)
    assert_ftm_valid(dataset.entities)
    assert_round_trips(dataset.entities)
    check_gates(source, dataset, active_count=None)  # a complete file passes the gates


@pytest.mark.realdata
def test_real_file_aliases_and_dates_follow_the_xml(shared_data: Path) -> None:
    """Every alias and every exact date of birth in the file reaches the entity, with the
    kind its QUALITY says: checked against an independent parse of the XML."""
    path = shared_data / "un" / "consolidated-2026-02-27.xml"
    entities = by_id(UnSource().read(path).entities)
    kinds = {"Good": "alias", "a.k.a.": "alias", "Low": "weakAlias", "f.k.a.": "previousName"}
    checked = 0
    for element in etree.parse(str(path)).iter("INDIVIDUAL", "ENTITY"):
        entity = entities[element.findtext("REFERENCE_NUMBER").strip()]
        for alias in element.iter("INDIVIDUAL_ALIAS", "ENTITY_ALIAS"):
            name, quality = alias.findtext("ALIAS_NAME"), alias.findtext("QUALITY")
            if name and name.strip() and quality in kinds:
                for part in name.split(";"):
                    assert " ".join(part.split()) in entity.names_of(kinds[quality]), part
                    checked += 1
        for date in element.iter("DATE"):
            assert date.text.strip() in entity.get("birthDate")
    assert checked > 2500


@pytest.mark.realdata
def test_real_file_spot_check(shared_data: Path) -> None:
    entities = by_id(UnSource().read(shared_data / "un" / "consolidated-2026-02-27.xml").entities)
    person = entities["QDi.031"]
    assert person.caption == "OMAR MAHMOUD UTHMAN"
    assert "عمر محمود عثمان" in person.names_of("name")
    assert "Umar Uthman" in person.names_of("alias")
    assert "Abu Qatada Al-Filistini" in person.names_of("weakAlias")
    assert person.get("birthDate") == ["1960-12-30", "1960-12-13"]
    assert person.get("nationality") == ["jo"]
    assert person.listings[0].programs == ("Al-Qaida",)
    assert person.listings[0].start == "2001-10-17"
    native = entities["QDi.017"]
    assert native.names[1].value == "ثروت صالح شحاته" and native.names[1].script == "Arab"


# -- shared XML reader helpers (sources/xmlread.py) ------------------------------------------


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Iran (Islamic Republic of)", ("ir",)),
        ("Democratic People's Republic of Korea", ("kp",)),
        ("China, Hong Kong Special Administrative Region", ("hk",)),
        ("Indonesia (as at Dec. 2003)", ("id",)),
        ("Sudan/South Sudan", ("sd", "ss")),
        ("RU", ("ru",)),
        ("na", ()),  # the UN's "not available", not Namibia
        ("00", ()),  # the EU's "unknown"
        ("", ()),
    ],
)
def test_country_codes_from_list_spellings(text: str, codes: tuple[str, ...]) -> None:
    assert country_codes(text) == codes


@settings(deadline=None)  # the first lookup builds rigour's name index (about a second)
@given(st.text(max_size=40))
def test_country_codes_are_lower_case_codes(text: str) -> None:
    for code in country_codes(text):
        assert code == code.lower() and 2 <= len(code) <= 6


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        ("1953", "1958", ["1953", "1954", "1955", "1956", "1957", "1958"]),
        ("1958", "1953", ["1953", "1954", "1955", "1956", "1957", "1958"]),
        ("1900", "1990", ["1900", "1990"]),
        ("1970", "", ["1970"]),
        ("about", "1970s", []),
    ],
)
def test_year_range(start: str, end: str, years: list[str]) -> None:
    assert year_range(start, end) == years
