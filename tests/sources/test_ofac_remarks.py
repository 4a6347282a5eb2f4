"""The OFAC remarks language and mapping rules (data/ofac.yaml), table-driven."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.reference import lists
from clearance.sources.ofac.mapping import map_entry
from clearance.sources.ofac.records import Fact, OfacEntry
from clearance.sources.ofac.remarks import (
    listing_date,
    parse_dates,
    parse_remarks,
    rules,
    split_identifier,
    split_remarks,
)
from tests.helpers import assert_ftm_valid

CASES: list[dict[str, Any]] = yaml.safe_load(
    (
        Path(__file__).resolve().parent.parent / "fixtures" / "ofac" / "remarks_cases.yaml"
    ).read_text()
)


@pytest.mark.parametrize("case", CASES, ids=[c["remarks"][:40] for c in CASES])
def test_remarks_cases(case: dict[str, Any]) -> None:
    entry = OfacEntry(uid="1", name="ENTRY", type=case["type"], remarks=case["remarks"])
    entry.facts = parse_remarks(entry.remarks)
    entity = map_entry("us-ofac-sdn", entry, consolidated=False)
    props = {k: v for k, v in entity.properties.items() if k != "notes"}
    assert props == case["props"]
    assert entity.get("notes") == [case["remarks"]]
    expected_names = [("ENTRY", "name")] + [tuple(n) for n in case.get("names", [])]
    assert [(n.value, n.kind) for n in entity.names] == expected_names
    if "schema" in case:
        assert entity.schema == case["schema"]
    assert entity.listings[0].start == case.get("start", "")
    assert entity.listings[0].reason == case.get("reason", "")
    assert_ftm_valid([entity])


def test_split_remarks_drops_the_full_stop_only_at_the_end() -> None:
    assert split_remarks("a.k.a. 'X CO.'; DOB 1960.") == ["a.k.a. 'X CO.'", "DOB 1960"]
    assert split_remarks("nationality possibly Palestinian;arrested 2002") == [
        "nationality possibly Palestinian",
        "arrested 2002",
    ]
    assert split_remarks("") == []


def test_labels_match_longest_first_and_need_a_boundary() -> None:
    facts = parse_remarks("Diplomatic Passport 008827 (Iran); Passports are many; DOBX 1")
    assert facts == [Fact("Diplomatic Passport", "008827 (Iran)")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("X123 (Iran) issued 01 Jan 2010 expires 01 Jan 2015", ("X123", "Iran")),
        ("AO 2879097 (Italy) expires 30 Oct 2012", ("AO 2879097", "Italy")),
        ("123", ("123", "")),
        ("(5777731)", ("5777731", "")),
    ],
)
def test_split_identifier(value: str, expected: tuple[str, str]) -> None:
    assert split_identifier(Fact("Passport", value)) == expected


def test_split_identifier_keeps_a_separate_country() -> None:
    assert split_identifier(Fact("Passport", "X1", country="Iran")) == ("X1", "Iran")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01 Jan 1960", ["1960-01-01"]),
        ("circa 1951", ["1951"]),
        ("1960 to 1962", ["1960", "1962"]),
        ("Dec 1948", ["1948-12"]),
        ("1959.", ["1959"]),
        ("unknown", []),
    ],
)
def test_parse_dates(value: str, expected: list[str]) -> None:
    assert parse_dates(value) == expected


def test_listing_date() -> None:
    assert listing_date("(CMIC) 03 Jun 2021") == "2021-06-03"
    assert listing_date("(EO 14024 Directive 2): 24 Feb 2022") == "2022-02-24"


def test_schema_properties_exist_in_followthemoney() -> None:
    from followthemoney import model

    config = rules()
    for schema, props in config.schema_props.items():
        ftm = model.get(schema)
        assert ftm is not None, schema
        missing = sorted(p for p in props if p not in ftm.properties)
        assert not missing, f"{schema}: {missing}"
    assert set(config.schemata.values()) <= set(config.schema_props)
    for prop in config.company_props:
        assert prop in model.get("Company").properties
        assert prop not in model.get("Organization").properties


def test_every_label_and_fallback_maps_to_a_known_property() -> None:
    config = rules()
    known = set().union(*config.schema_props.values())
    for label, rule in config.labels.items():
        if rule.type in ("name", "listed", "reason"):
            assert not rule.prop, label
        else:
            assert rule.prop in known, label
    for prop, fallback in config.fallback.items():
        assert fallback in known, prop


def test_list_codes_exist() -> None:
    config = rules()
    codes = {config.sdn_list, config.cons_default, *(code for _, code in config.cons_patterns)}
    assert codes <= set(lists())


@pytest.mark.parametrize(
    ("program", "code"),
    [
        ("CMIC-EO13959", "CMIC"),
        ("UKRAINE-EO13662", "SSI"),
        ("RUSSIA-EO14024", "SSI"),
        ("FSE-IR", "FSE"),
        ("NS-PLC", "PLC"),
        ("561-Related", "CAPTA"),
        ("NS-MBS", "MBS"),
        ("IRAN", "OFAC-CONS"),
    ],
)
def test_consolidated_program_lists(program: str, code: str) -> None:
    assert rules().consolidated_list(program) == code


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), kind=st.sampled_from(["individual", "entity", "vessel"]))
def test_any_remarks_map_to_a_valid_entity(text: str, kind: str) -> None:
    entry = OfacEntry(uid="1", name="X", type=kind, remarks=text, facts=parse_remarks(text))
    entity = map_entry("us-ofac-sdn", entry, consolidated=True)
    assert_ftm_valid([entity])
