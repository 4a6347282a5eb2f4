"""PRC counter-sanctions, CSV transcription: counts, keys, native names, dates, bad input."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import GateError, ParseError
from clearance.model import Entity
from clearance.sources import get_source
from clearance.sources.base import check_gates
from clearance.sources.cn_countersanctions import CnCounterSource, day_first_date
from tests.helpers import assert_ftm_valid
from tests.sources.transcribed_cases import mutate, read_or_parse_error

FIXTURE = Path("cn") / "prc-countersanctions.csv"


def read(path: Path) -> list[Entity]:
    return CnCounterSource().read(path).entities


@pytest.mark.realdata
def test_real_file_has_610_listings(shared_data: Path) -> None:
    dataset = CnCounterSource().read(shared_data / "cn" / "prc-countersanctions.csv")
    entities = dataset.entities
    assert len(entities) == 610  # one per party and announcement, as the file counts them
    assert len({e.id for e in entities}) == 610
    assert dataset.stats["parties"] < 610  # parties named in several announcements
    assert Counter(e.schema for e in entities) == {
        "Company": 378,
        "Person": 195,
        "Organization": 37,
    }
    for entity in entities:
        assert [(x.list, x.effect) for x in entity.listings] == [
            ("CN-COUNTER", "counter-sanctions")
        ]
    assert sum(1 for e in entities if e.names_of("name")[1:]) == 512  # with a Chinese name
    assert all(len(c) == 2 for e in entities for c in e.get("country"))
    assert sum(1 for e in entities if "jp" in e.get("country")) == 83  # "Japan" and "JP"
    assert sum(1 for e in entities if not e.listings[0].start) == 1
    assert dataset.published.startswith("2026-")
    assert_ftm_valid(entities)
    check_gates(CnCounterSource(), dataset, active_count=None)


@pytest.mark.realdata
def test_other_transcription_is_not_cn(shared_data: Path) -> None:
    with pytest.raises(ParseError, match="line 1"):
        read(shared_data / "us-statutory" / "bis-mieu.csv")


def test_registry_points_here() -> None:
    assert isinstance(get_source("cn-prc-countersanctions"), CnCounterSource)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("02.12.2019", "2019-12-02"),
        ("13.07.20", "2020-07-13"),
        ("1.8.2025", "2025-08-01"),
        ("", ""),
        ("2019-12-02", None),
        ("12/02/2019", None),
        ("32.01.2020", None),
        ("01.13.2020", None),
    ],
)
def test_day_first_dates(value: str, expected: str | None) -> None:
    assert day_first_date(value) == expected


def test_fixture(fixtures: Path) -> None:
    dataset = CnCounterSource().read(fixtures / FIXTURE)
    entities = dataset.entities
    assert len(entities) == 9
    assert dataset.published == "2025-08-13"
    assert dataset.stats == {"entities": 9, "parties": 7}
    first = entities[0]
    assert first.schema == "Organization"
    assert [(n.value, n.kind, n.lang, n.script) for n in first.names] == [
        ("Institute for Example Democracy Studies", "name", "", "Latn"),
        ("示例民主研究所", "name", "zho", "Hani"),
    ]
    assert first.listings[0].start == "2019-12-02"
    assert first.listings[0].authority == "Ministry of Foreign Affairs"
    person = entities[1]
    assert person.schema == "Person"
    assert person.get("position") == ["US Senator"]
    assert person.get("wikidataId") == ["Q99999901"]
    assert person.listings[0].start == "2020-07-13"  # two-digit year
    assert entities[2].record["party"] == person.record["party"] == "Q99999901"
    company = entities[3]
    assert company.names_of("alias") == ["Sample Aero", "SAS"]
    assert company.listings[0].programs == ("List of Export Controls",)
    assert company.listings[0].reason == "Ministry of Commerce: List of Export Controls"
    assert entities[6].get("country") == ["jp"]
    assert entities[6].get("address") == ["日本东京都示例区1-2-3，邮编：100-0001"]
    assert entities[7].listings[0].end == "2026-04-24"
    undated = entities[8]
    assert undated.listings[0].start == ""
    assert undated.listings[0].authority == "People's Republic of China, MOFCOM / MFA"
    assert undated.source_id.startswith("example-freedom-forum-undated-")
    assert_ftm_valid(entities)


def test_keys(fixtures: Path) -> None:
    """Ids are pinned (history and diffs hang on them) and separate one party's listings."""
    entities = read(fixtures / FIXTURE)
    assert entities[1].source_id == "Q99999901-2020-07-13-c6f63420"
    assert entities[0].source_id.startswith("institute-for-example-democracy-studies-2019-12-02-")
    # the same company named on the same day in two notices: two listings, two ids
    assert entities[4].record["party"] == entities[5].record["party"]
    assert entities[4].id != entities[5].id


def test_key_ignores_corrections(tmp_path: Path, fixtures: Path) -> None:
    """A corrected country, alias, Chinese name or summary keeps the ids."""
    raw = (fixtures / FIXTURE).read_text(encoding="utf-8")
    fixed = raw.replace("Sample Aero;SAS", "Sample Aero").replace(",US Senator,", ",Senator,")
    fixed = fixed.replace("乔丹", "约旦").replace(",Japan,", ",JP,")
    path = tmp_path / "prc-countersanctions.csv"
    path.write_text(fixed, encoding="utf-8")
    assert [e.id for e in read(path)] == [e.id for e in read(fixtures / FIXTURE)]


def test_verbatim_repeat_gets_a_suffix(tmp_path: Path, fixtures: Path) -> None:
    raw = (fixtures / FIXTURE).read_text(encoding="utf-8")
    lines = raw.splitlines(keepends=True)
    path = tmp_path / "prc-countersanctions.csv"
    path.write_text(raw + lines[4], encoding="utf-8")
    entities = read(path)
    assert entities[-1].source_id == entities[3].source_id + "-2"


def test_folder_and_crlf(tmp_path: Path, fixtures: Path) -> None:
    raw = (fixtures / FIXTURE).read_bytes()
    (tmp_path / "PRC-Countersanctions.csv").write_bytes(raw.replace(b"\n", b"\r\n"))
    assert [e.id for e in read(tmp_path)] == [e.id for e in read(fixtures / FIXTURE)]
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParseError, match=r"no prc-countersanctions\.csv"):
        read(tmp_path / "empty")


def test_gate_refuses_a_stub(fixtures: Path) -> None:
    dataset = CnCounterSource().read(fixtures / FIXTURE)
    with pytest.raises(GateError, match="fewer than the 100"):
        check_gates(CnCounterSource(), dataset, active_count=None)


def _replace_line(fixtures: Path, number: int, change: tuple[str, str]) -> str:
    lines = (fixtures / FIXTURE).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = lines[number - 1].replace(*change, 1)
    return "".join(lines)


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ((2, ("Institute for Example Democracy Studies,,示例民主研究所", ",,")), "line 2"),
        ((3, ("Person,", "Vessel,")), "line 3"),
        ((4, ("Q99999901", "99999901")), "line 4"),
        ((5, ("02.01.2025", "2025-01-02")), "line 5"),
        ((9, ("24.04.2026", "24.04")), "line 9"),
        ((6, (",US,", ",US,extra,")), "line 6"),
        ((7, (",,,,sanction.counter", ",,,sanction.counter")), "line 7"),
    ],
)
def test_bad_rows(
    tmp_path: Path, fixtures: Path, change: tuple[int, tuple[str, str]], location: str
) -> None:
    path = tmp_path / "prc-countersanctions.csv"
    path.write_text(_replace_line(fixtures, *change), encoding="utf-8")
    with pytest.raises(ParseError) as info:
        read(path)
    assert info.value.location == location
    assert info.value.path == str(path)


@pytest.mark.parametrize(
    ("content", "location"),
    [
        ("", None),
        ("Type,QID,Name\nPerson,,X\n", "line 1"),
        (",".join(("Type", "QID", "Name", "Alias")) + "\n", "line 1"),
    ],
)
def test_bad_files(tmp_path: Path, content: str, location: str | None) -> None:
    path = tmp_path / "prc-countersanctions.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError) as info:
        read(path)
    assert info.value.location == location


def test_header_only(tmp_path: Path, fixtures: Path) -> None:
    header = (fixtures / FIXTURE).read_text(encoding="utf-8").splitlines(keepends=True)[0]
    path = tmp_path / "prc-countersanctions.csv"
    path.write_text(header, encoding="utf-8")
    with pytest.raises(ParseError, match="no rows"):
        read(path)


@pytest.mark.parametrize(
    "other", ["mieu/bis-mieu.csv", "dpl/dpl.txt", "csl/csl-current.csv", "ftm/targets.simple.csv"]
)
def test_wrong_files(fixtures: Path, other: str) -> None:
    with pytest.raises(ParseError, match="line 1"):
        read(fixtures / other)


def test_truncated_copy(tmp_path: Path, fixtures: Path) -> None:
    raw = (fixtures / FIXTURE).read_bytes()
    path = tmp_path / "prc-countersanctions.csv"
    path.write_bytes(raw[: raw.index("关东".encode()) + 6])
    with pytest.raises(ParseError, match="line 8"):
        read(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "prc-countersanctions.csv"
    path.write_bytes(data)
    read_or_parse_error(read, path)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(st.tuples(st.integers(0, 5_000), st.binary(max_size=3)), max_size=4),
    cut=st.integers(0, 5_000),
)
def test_mutated_fixture(
    tmp_path: Path, fixtures: Path, edits: list[tuple[int, bytes]], cut: int
) -> None:
    path = tmp_path / "prc-countersanctions.csv"
    path.write_bytes(mutate((fixtures / FIXTURE).read_bytes(), edits, cut))
    read_or_parse_error(read, path)
