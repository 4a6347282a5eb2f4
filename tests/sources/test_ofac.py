"""OFAC importers on hand-written fixtures in the official formats."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from clearance.errors import ParseError
from clearance.model import Entity
from clearance.sources import get_source
from clearance.sources.base import Dataset, check_gates
from clearance.sources.ofac import ConsSource, SdnSource
from tests.helpers import assert_ftm_valid


@pytest.fixture
def ofac(fixtures: Path) -> Path:
    return fixtures / "ofac"


def by_id(dataset: Dataset) -> dict[str, Entity]:
    return {entity.source_id: entity for entity in dataset.entities}


def names(entity: Entity) -> set[tuple[str, str]]:
    return {(name.value, name.kind) for name in entity.names}


def comparable(entity: Entity) -> dict[str, object]:
    """What must agree between formats: schema, names with kinds, properties, listings.

    Left out: notes (the XML files split the remarks into typed elements) and the first/last
    name parts only the XML has.
    """
    props = {
        key: sorted(values)
        for key, values in entity.properties.items()
        if key not in ("notes", "firstName", "lastName")
    }
    listings = sorted((x.list, x.effect, tuple(sorted(x.programs))) for x in entity.listings)
    return {"schema": entity.schema, "names": names(entity), "props": props, "lists": listings}


def test_registry_points_to_the_ofac_sources() -> None:
    assert isinstance(get_source("us-ofac-sdn"), SdnSource)
    assert isinstance(get_source("us-ofac-cons"), ConsSource)


def test_csv_set_with_upper_case_file_names(ofac: Path) -> None:
    dataset = SdnSource().read(ofac / "sdn-csv")
    assert dataset.format == "ofac-csv"
    assert [p.name for p in dataset.files] == ["SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV"]
    assert dataset.content_hash.startswith("sha256:")
    entities = by_id(dataset)
    assert sorted(entities) == ["1001", "1002", "1003", "1004", "1005", "1006"]
    assert dataset.stats == {
        "Person": 2,
        "Organization": 1,
        "Vessel": 1,
        "Airplane": 1,
        "Company": 1,
    }
    assert_ftm_valid(dataset.entities)


def test_person_from_csv_remarks(ofac: Path) -> None:
    person = by_id(SdnSource().read(ofac / "sdn-csv"))["1001"]
    assert person.id == "us-ofac-sdn:1001"
    assert person.schema == "Person"
    assert person.caption == "TESTOVA, Anna Petrovna"
    assert names(person) == {
        ("TESTOVA, Anna Petrovna", "name"),
        ("TESTOVA, Anna", "alias"),
        ("TESTOWA, Anna Petrowna", "alias"),
        ("ANNA T", "weakAlias"),
    }
    assert person.get("birthDate") == ["1960-01-01", "1961"]
    assert person.get("birthPlace") == ["Moscow, Russia"]
    assert person.get("nationality") == ["ru"]
    assert person.get("gender") == ["female"]
    assert person.get("passportNumber") == ["7200123"]
    assert person.get("taxNumber") == ["770012345678"]
    assert person.get("country") == ["ru"]
    assert person.get("notes")[0].startswith("DOB 01 Jan 1960; alt. DOB 1961;")
    assert person.record["remarks"] == person.get("notes")[0]
    [listing] = person.listings
    assert (listing.list, listing.effect) == ("SDN", "blocking")
    assert listing.programs == ("UKRAINE-EO13660", "RUSSIA-EO14024")


def test_alias_kinds_and_addresses(ofac: Path) -> None:
    org = by_id(SdnSource().read(ofac / "sdn-csv"))["1002"]
    assert org.schema == "Organization"
    assert ("OLD EXAMPLE CO.", "previousName") in names(org)
    assert ("EXAMPLE HOLDING CO.", "alias") in names(org)
    assert org.get("address") == [
        "Buyukdere Cad. No. 1, Sisli, Istanbul 34394, Turkey",
        "Dubai, United Arab Emirates",
    ]
    assert org.get("country") == ["tr", "ae"]
    assert org.get("incorporationDate") == ["2014-05-05"]
    assert org.get("registrationNumber") == ["123456"]


def test_vessel_and_aircraft(ofac: Path) -> None:
    entities = by_id(SdnSource().read(ofac / "sdn-csv"))
    vessel = entities["1003"]
    assert vessel.schema == "Vessel"
    assert vessel.get("imoNumber") == ["IMO 9123456"]
    assert vessel.get("mmsi") == ["123456789"]
    assert vessel.get("flag") == ["pa"]
    assert vessel.get("tonnage") == ["150000"]
    assert ("SPARROW ONE", "weakAlias") in names(vessel)
    assert "address" not in vessel.properties  # the address row holds only -0-
    plane = entities["1004"]
    assert plane.schema == "Airplane"
    assert plane.get("serialNumber") == ["23456"]
    assert plane.get("model") == ["B747-200"]


def test_comments_file_continues_the_remarks(ofac: Path) -> None:
    company = by_id(SdnSource().read(ofac / "sdn-csv"))["1005"]
    # the remarks stop at "ISIN RU000A0"; the comments file carries on with "JXYZ1; ..."
    assert company.get("isinCode") == ["RU000A0JXYZ1"]
    assert company.schema == "Company"
    assert company.get("website") == ["www.example-securities.test"]
    assert company.get("leiCode") == ["253400EXAMPLE0000001"]


def test_main_file_alone_reads_its_set(ofac: Path, tmp_path: Path) -> None:
    shutil.copy(ofac / "sdn-csv" / "SDN.CSV", tmp_path / "sdn.csv")
    dataset = SdnSource().read(tmp_path / "sdn.csv")
    assert dataset.files == (tmp_path / "sdn.csv",)
    person = by_id(dataset)["1001"]
    assert names(person) == {("TESTOVA, Anna Petrovna", "name"), ("ANNA T", "weakAlias")}
    assert by_id(SdnSource().read(ofac / "sdn-csv" / "SDN.CSV"))["1001"].get("country") == ["ru"]


def test_gzipped_history_file_takes_its_date_from_the_name(ofac: Path, tmp_path: Path) -> None:
    target = tmp_path / "sdn-2024-01-15.csv.gz"
    target.write_bytes(gzip.compress((ofac / "sdn-csv" / "SDN.CSV").read_bytes()))
    dataset = SdnSource().read(target)
    assert dataset.published == "2024-01-15"
    assert len(dataset.entities) == 6


def test_sdn_xml_new_namespace_matches_the_csv(ofac: Path) -> None:
    xml = SdnSource().read(ofac / "SDN.XML")
    csv = SdnSource().read(ofac / "sdn-csv")
    assert xml.format == "ofac-xml"
    assert xml.published == "2024-01-15"
    xml_entities, csv_entities = by_id(xml), by_id(csv)
    assert xml_entities.keys() == csv_entities.keys()
    for key, entity in xml_entities.items():
        assert comparable(entity) == comparable(csv_entities[key]), key
    assert xml_entities["1001"].get("firstName") == ["Anna Petrovna"]
    # the typed elements are kept in the audit record
    assert {"label": "Passport", "value": "7200123", "country": "Russia"} in xml_entities[
        "1001"
    ].record["details"]
    assert_ftm_valid(xml.entities)


def test_consolidated_xml_old_namespace(ofac: Path) -> None:
    dataset = ConsSource().read(ofac / "consolidated.xml")
    assert dataset.published == "2018-04-06"
    entities = by_id(dataset)
    csv = by_id(ConsSource().read(ofac / "cons-csv"))
    person = entities["2004"]
    assert ("ABU AHMAD", "weakAlias") in names(person)
    assert person.get("address") == ["Gaza, Palestinian"]
    assert person.get("country") == ["ps"]
    assert person.get("birthDate") == csv["2004"].get("birthDate") == ["1962"]
    company = entities["2001"]
    assert company.schema == csv["2001"].schema == "Company"
    for prop in ("isinCode", "uscCode", "address", "country"):
        assert company.get(prop) == csv["2001"].get(prop), prop
    assert [x.list for x in company.listings] == ["CMIC"]


def test_advanced_xml(ofac: Path) -> None:
    dataset = SdnSource().read(ofac / "SDN_ADVANCED.XML")
    assert (dataset.format, dataset.published) == ("ofac-advanced-xml", "2024-01-15")
    entities = by_id(dataset)
    person = entities["1001"]
    assert person.caption == "TESTOVA, Anna Petrovna"
    assert (person.get("lastName"), person.get("firstName")) == (["TESTOVA"], ["Anna Petrovna"])
    cyrillic = [n for n in person.names if n.script == "Cyrl"]
    assert [n.value for n in cyrillic] == ["ТЕСТОВА Анна Петровна"]
    assert ("ANNA T", "weakAlias") in names(person)
    assert person.get("birthDate") == ["1960-01-01", "1961", "1962"]
    assert person.get("nationality") == ["ru"]
    assert person.get("gender") == ["female"]
    assert person.get("passportNumber") == ["7200123"]
    assert person.get("address") == ["Moscow, Russia"]
    [listing] = person.listings
    # the earliest entry event of the entry's programs
    assert listing.start == "2014-03-20"
    assert set(listing.programs) == {"RUSSIA-EO14024", "UKRAINE-EO13660"}
    company = entities["1002"]
    assert company.schema == "Company"
    assert ("示例视觉技术有限公司", "alias") in names(company)
    assert [n.script for n in company.names if n.value.startswith("示例")] == ["Hani"]
    assert ("OLD EXAMPLE VISION CO.", "previousName") in names(company)
    assert company.get("uscCode") == ["91330000000000001X"]
    assert company.get("isinCode") == ["CNE000000001"]
    # the "undetermined" location says nothing and is left out
    assert company.get("address") == ["1 Example Road, Binjiang District, Hangzhou 310051, China"]
    vessel = entities["1003"]
    assert vessel.get("imoNumber") == ["IMO 9123456"]
    assert vessel.get("flag") == ["pa"]
    assert vessel.get("callSign") == ["9HXX1"]
    assert_ftm_valid(dataset.entities)


def test_consolidated_lists_by_program(ofac: Path) -> None:
    entities = by_id(ConsSource().read(ofac / "cons-csv"))

    def lists(key: str) -> list[tuple[str, str, tuple[str, ...]]]:
        return [(x.list, x.effect, x.programs) for x in entities[key].listings]

    assert lists("2001") == [("CMIC", "cmic-securities-ban", ("CMIC-EO13959",))]
    assert entities["2001"].listings[0].start == "2021-06-03"
    assert lists("2002") == [("SSI", "sectoral", ("UKRAINE-EO13662", "RUSSIA-EO14024"))]
    assert entities["2002"].listings[0].start == "2022-02-24"
    assert entities["2002"].listings[0].reason == (
        "Executive Order 13662 Directive Determination - Subject to Directive 2"
    )
    assert lists("2003") == [
        ("FSE", "fse-transaction-ban", ("FSE-SY",)),
        ("OFAC-CONS", "non-sdn-restrictions", ("SYRIA",)),
    ]
    assert lists("2004") == [("PLC", "non-sdn-restrictions", ("NS-PLC",))]
    assert [x.list for x in entities["2005"].listings] == ["CAPTA", "OFAC-CONS"]
    assert lists("2006") == [("MBS", "non-sdn-restrictions", ("NS-MBS",))]
    assert lists("2007") == [("OFAC-CONS", "non-sdn-restrictions", ("IRAN",))]
    assert entities["2001"].id == "us-ofac-cons:2001"


def test_folder_with_several_formats_prefers_the_richest(ofac: Path, tmp_path: Path) -> None:
    shutil.copytree(ofac / "sdn-csv", tmp_path / "set")
    assert SdnSource().read(tmp_path / "set").format == "ofac-csv"
    shutil.copy(ofac / "SDN.XML", tmp_path / "set" / "sdn.xml")
    assert SdnSource().read(tmp_path / "set").format == "ofac-xml"
    shutil.copy(ofac / "SDN_ADVANCED.XML", tmp_path / "set" / "sdn_advanced.xml")
    assert SdnSource().read(tmp_path / "set").format == "ofac-advanced-xml"


def test_files_of_the_other_list_are_refused(ofac: Path) -> None:
    with pytest.raises(ParseError, match="us-ofac-cons"):
        SdnSource().read(ofac / "cons-csv" / "cons_prim.csv")
    with pytest.raises(ParseError, match="us-ofac-sdn"):
        ConsSource().read(ofac / "SDN.XML")
    with pytest.raises(ParseError, match="holds us-ofac-cons files"):
        SdnSource().read(ofac / "cons-csv")
    with pytest.raises(ParseError, match="secondary file"):
        SdnSource().read(ofac / "sdn-csv" / "ALT.CSV")


def test_dated_sdn_file_is_refused_by_the_consolidated_source(ofac: Path, tmp_path: Path) -> None:
    target = tmp_path / "sdn-2024-01-15.csv.gz"
    target.write_bytes(gzip.compress((ofac / "sdn-csv" / "SDN.CSV").read_bytes()))
    with pytest.raises(ParseError, match="load it as us-ofac-sdn"):
        ConsSource().read(target)


def test_gates_are_declared_per_source(ofac: Path) -> None:
    # readers do not apply gates; the store does, with the source's declared minimum
    assert SdnSource.gates.min_entities == 5000
    assert ConsSource.gates.min_entities == 100
    dataset = SdnSource().read(ofac / "sdn-csv")
    with pytest.raises(Exception, match="fewer than the 5000"):
        check_gates(SdnSource(), dataset, None)
