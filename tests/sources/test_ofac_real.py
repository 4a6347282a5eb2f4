"""OFAC importers on the real published files (skipped without ../shared/data).

Counts are facts about the files, from shared/data/README.md.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from clearance.model import Entity
from clearance.sources.base import Dataset
from clearance.sources.ofac import ConsSource, SdnSource
from tests.helpers import assert_ftm_valid

pytestmark = pytest.mark.realdata


@cache
def read(source: str, path: Path) -> Dataset:
    reader = SdnSource() if source == "sdn" else ConsSource()
    return reader.read(path)


def by_id(dataset: Dataset) -> dict[str, Entity]:
    return {entity.source_id: entity for entity in dataset.entities}


def names(entity: Entity) -> set[tuple[str, str]]:
    return {(name.value, name.kind) for name in entity.names}


def test_sdn_2023_12_28(shared_data: Path) -> None:
    dataset = read("sdn", shared_data / "ofac" / "sdn-2023-12-28")
    assert len(dataset.entities) == 13821
    assert dataset.published == "2023-12-28"
    with_aliases = [e for e in dataset.entities if e.names_of("alias", "previousName")]
    assert len(with_aliases) == 6667
    entities = by_id(dataset)
    assert len(entities) == 13821
    bank = entities["306"]
    assert bank.schema == "Organization"
    assert names(bank) == {
        ("BANCO NACIONAL DE CUBA", "name"),
        ("NATIONAL BANK OF CUBA", "alias"),
        ("BNC", "weakAlias"),
    }
    assert bank.get("country") == ["ch", "es", "jp", "pa"]
    person = entities["28691"]
    assert person.schema == "Person"
    assert person.caption == "AL BEHADILI, Mohammed Saeed Odhafa"
    assert person.get("birthDate") == ["1970-03-04"]
    assert person.get("nationality") == ["iq"]
    assert person.get("gender") == ["male"]
    assert person.get("passportNumber") == ["A3347475"]
    assert ("SAEED, Mohammed", "weakAlias") in names(person)
    assert [(x.list, x.effect, x.programs) for x in person.listings] == [
        ("SDN", "blocking", ("SDGT", "IFSR"))
    ]
    vessel = entities["15044"]
    assert vessel.schema == "Vessel"
    assert vessel.get("imoNumber") == ["IMO 9218492"]
    assert vessel.get("mmsi") == ["256862000"]
    assert vessel.get("flag") == ["ir"]
    assert vessel.get("pastFlags") == ["mt"]
    assert ("DARAB", "previousName") in names(vessel)
    assert_ftm_valid(dataset.entities)


def test_sdn_2023_comments_continue_cut_remarks(shared_data: Path) -> None:
    entities = by_id(read("sdn", shared_data / "ofac" / "sdn-2023-12-28"))
    # entry 17018's remarks stop at "Listing Date (EO 14024 Directive 3)"; the date is in
    # the comments file
    notes = entities["17018"].get("notes")[0]
    assert "Listing Date (EO 14024 Directive 3): 24 Feb 2022" in notes
    assert len(notes) > 1000


def test_sdn_2021_07_07(shared_data: Path) -> None:
    dataset = read("sdn", shared_data / "ofac" / "sdn-2021-07-07")
    assert len(dataset.entities) == 8976
    assert_ftm_valid(dataset.entities)


@pytest.mark.slow
def test_sdn_history(shared_data: Path) -> None:
    files = sorted((shared_data / "ofac" / "sdn-history").glob("sdn-*.csv.gz"))
    assert len(files) == 50
    counts = {}
    for path in files:
        dataset = SdnSource().read(path)
        assert dataset.published == path.name[4:14]
        assert all(entity.names for entity in dataset.entities)
        assert_ftm_valid(dataset.entities)
        counts[dataset.published] = len(dataset.entities)
    assert counts["2021-08-18"] == 9083
    assert counts["2024-05-01"] == 14966
    # the list shrank in the winter of 2021/22 (9,009 entries on 2022-01-05), then grew
    assert min(counts.values()) == counts["2022-01-05"] == 9009
    assert max(counts.values()) == 14966
    # the Russia designations wave: every published day from 2022-02-24 adds entries
    assert counts["2022-04-01"] > counts["2022-02-24"]


def test_consolidated_2025_12_19(shared_data: Path) -> None:
    dataset = read("cons", shared_data / "ofac" / "consolidated-2025-12-19")
    assert len(dataset.entities) == 442
    hikvision = by_id(dataset)["30946"]
    assert hikvision.id == "us-ofac-cons:30946"
    assert hikvision.schema == "Company"
    assert hikvision.caption == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert set(hikvision.names_of("alias")) == {
        "HIKVISION",
        "HANGZHOU HIKVISION DIGITAL TECHNOLOGY",
    }
    assert hikvision.get("address") == [
        "555, Qianmo Road, Binjiang District, Hangzhou 310051, China"
    ]
    assert hikvision.get("country") == ["cn"]
    assert hikvision.get("uscCode") == ["91330000733796106P"]
    assert hikvision.get("isinCode") == ["CNE100000PM8"]
    [listing] = hikvision.listings
    assert (listing.list, listing.effect, listing.programs) == (
        "CMIC",
        "cmic-securities-ban",
        ("CMIC-EO13959",),
    )
    assert listing.start == "2021-06-03"
    assert_ftm_valid(dataset.entities)


def same_text(value: str) -> str:
    # OFAC's CSV export writes the XML's double quotes as single quotes
    return value.replace('"', "'")


def comparable(entity: Entity) -> dict[str, object]:
    props = {
        key: sorted(same_text(v) for v in values)
        for key, values in entity.properties.items()
        if key not in ("notes", "firstName", "lastName")
    }
    return {
        "schema": entity.schema,
        "names": sorted((same_text(n.value), n.kind) for n in entity.names),
        "props": props,
        "listings": sorted(
            (x.list, x.effect, tuple(sorted(x.programs)), x.reason) for x in entity.listings
        ),
    }


def test_consolidated_2018_xml_and_csv_are_the_same(shared_data: Path) -> None:
    folder = shared_data / "ofac" / "consolidated-2018-05"
    xml = read("cons", folder / "consolidated.xml")
    csv = read("cons", folder / "cons_prim.csv")
    assert (xml.format, csv.format) == ("ofac-xml", "ofac-csv")
    assert len(xml.entities) == len(csv.entities) == 639
    assert xml.published == "2018-04-06"
    from_xml, from_csv = by_id(xml), by_id(csv)
    assert from_xml.keys() == from_csv.keys()
    for key, entity in from_xml.items():
        assert comparable(entity) == comparable(from_csv[key]), key
    # the comparison is not vacuous: the key facts are there
    persons = [e for e in xml.entities if e.schema == "Person"]
    assert len(persons) == 94
    assert sum(1 for e in persons if e.get("birthDate")) == 87
    assert sum(1 for e in xml.entities if e.get("address")) == 493
    assert sum(1 for e in xml.entities for n in e.names if n.kind == "weakAlias") == 45
    assert_ftm_valid(xml.entities)
    assert_ftm_valid(csv.entities)


def test_advanced_2020_03_17(shared_data: Path) -> None:
    dataset = read("cons", shared_data / "ofac" / "advanced-2020-03-17")
    assert dataset.format == "ofac-advanced-xml"
    assert dataset.published == "2020-03-17"
    assert len(dataset.entities) == 375
    entities = by_id(dataset)
    person = entities["9639"]
    assert person.caption == "HANIYA, Ismail Abdul Salah"
    assert person.get("birthDate") == ["1962"]
    assert person.get("birthPlace") == ["Shati"]
    [listing] = person.listings
    assert (listing.list, listing.start) == ("PLC", "2006-04-12")
    # every name keeps the script it is written in
    for entity in dataset.entities:
        for name in entity.names:
            assert name.script in ("Latn", ""), name
    lists = {x.list for e in dataset.entities for x in e.listings}
    assert lists == {"SSI", "PLC", "FSE", "CAPTA", "OFAC-CONS"}
    assert all(x.start for e in dataset.entities for x in e.listings)
    assert_ftm_valid(dataset.entities)
