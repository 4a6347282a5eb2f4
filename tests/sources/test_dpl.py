"""BIS Denied Persons List, tab-delimited: counts, row keys, listings, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import ParseError
from clearance.model import Entity
from clearance.sources import get_source
from clearance.sources.dpl import DplSource, read_dpl, row_key
from tests.helpers import assert_ftm_valid


def read(path: Path) -> list[Entity]:
    return DplSource().read(path).entities


@pytest.mark.realdata
def test_real_file_has_581_entries(shared_data: Path) -> None:
    path = shared_data / "us-csl" / "dpl-2022-09.txt"
    dataset = DplSource().read(path)
    entities = dataset.entities
    assert len(entities) == 581
    assert len({e.id for e in entities}) == 581
    assert dataset.published == "2022-09-02"  # one row is dated 3017 and is ignored
    assert {e.schema for e in entities} == {"LegalEntity"}
    for entity in entities:
        assert [(x.list, x.effect) for x in entity.listings] == [
            ("DPL", "denied-export-privileges")
        ]
    assert_ftm_valid(entities)


@pytest.mark.realdata
def test_real_file_rows_of_one_order(shared_data: Path) -> None:
    entities = read(shared_data / "us-csl" / "dpl-2022-09.txt")
    rows = [e for e in entities if e.caption == "ZIMO SHENG"]
    assert len(rows) == 2
    assert {tuple(e.get("country")) for e in rows} == {("us",), ("cn",)}  # WI -> us
    assert rows[0].record["order"] == rows[1].record["order"]
    assert rows[0].listings[0].start == "2020-03-16"
    assert rows[0].listings[0].end == "2028-12-13"
    assert "85 F.R. 16054" in rows[0].listings[0].reason
    # two rows are repeated verbatim in the file: both are kept, with distinct ids
    repeats = [e for e in entities if e.source_id.endswith("-2")]
    assert sorted(e.caption for e in repeats) == ["DAQING ZHOU", "NEI-CHIEN CHU"]


@pytest.mark.realdata
def test_csl_file_is_not_a_dpl(shared_data: Path) -> None:
    with pytest.raises(ParseError, match="line 1"):
        read(shared_data / "us-csl" / "csl-sample-2025-06-25.csv")


def test_registry_points_here() -> None:
    assert isinstance(get_source("us-bis-dpl"), DplSource)


def test_fixture(fixtures: Path) -> None:
    dataset = DplSource().read(fixtures / "dpl" / "dpl.txt")
    entities = dataset.entities
    assert len(entities) == 5
    assert dataset.published == "2022-05-18"
    first = entities[0]
    assert first.get("address") == ["12 ELM STREET, SPRINGFIELD, IL, 62701"]
    assert first.get("country") == ["us"]
    assert entities[1].get("country") == ["cn"]
    assert entities[0].record["order"] == entities[1].record["order"]
    assert entities[0].record["order"] != entities[2].record["order"]
    assert entities[3].source_id == entities[2].source_id + "-2"
    assert "non-standard order" in entities[2].listings[0].reason
    assert entities[4].listings[0].end == ""
    assert entities[4].get("country") == ["us"]  # blank Country, state TX
    assert_ftm_valid(entities)


def test_keys_are_pinned(fixtures: Path) -> None:
    """Entity ids must not change between releases (history and diffs hang on them)."""
    ids = [e.source_id for e in read(fixtures / "dpl" / "dpl.txt")]
    assert ids[:2] == ["185878befd980936", "5dda489843d8b437"]


def test_key_ignores_dates_and_citations(fixtures: Path) -> None:
    """A renewal (new dates, one more FR citation) keeps the row's id."""
    record = read_dpl(fixtures / "dpl" / "dpl.txt")[2]
    renewed = type(record)(
        **{
            **record.to_dict(),
            "location": record.location,
            "effective_date": "11/09/2022",
            "expiration_date": "05/08/2023",
            "fr_citation": record.fr_citation + ", 87 F.R. 99999 11/14/2022",
        }
    )
    assert row_key(renewed) == row_key(record)
    moved = type(record)(
        **{**record.to_dict(), "location": record.location, "street_address": "PO BOX 2"}
    )
    assert row_key(moved) != row_key(record)


def test_crlf_and_cp1252(tmp_path: Path, fixtures: Path) -> None:
    raw = (fixtures / "dpl" / "dpl.txt").read_bytes().replace(b"\n", b"\r\n")
    path = tmp_path / "dpl.txt"
    path.write_bytes(raw.replace(b"12 ELM STREET", "12 ÉLM STREET".encode("cp1252")))
    entities = read(path)
    assert [e.id for e in entities][1:] == [e.id for e in read(fixtures / "dpl" / "dpl.txt")][1:]
    assert entities[0].get("address")[0].startswith("12 ÉLM STREET")


def test_folder(tmp_path: Path, fixtures: Path) -> None:
    (tmp_path / "DPL.TXT").write_bytes((fixtures / "dpl" / "dpl.txt").read_bytes())
    assert len(read(tmp_path)) == 5
    with pytest.raises(ParseError):
        read(tmp_path / "missing")


@pytest.mark.parametrize(
    ("content", "location"),
    [
        (b"", None),
        (b'"Name"\t"Street_Address"\n"X"\t"Y"\n', "line 1"),
        (None, "line 3"),  # a row with a field missing
        (None, "line 2"),  # an unnamed row
    ],
)
def test_bad_input(
    tmp_path: Path, fixtures: Path, content: bytes | None, location: str | None
) -> None:
    lines = (fixtures / "dpl" / "dpl.txt").read_bytes().splitlines(keepends=True)
    if content is None and location == "line 3":
        content = b"".join(lines[:2]) + lines[2].rsplit(b"\t", 1)[0] + b"\n"
    elif content is None:
        content = lines[0] + b'""' + lines[1][len(b'"ALEX SAMPLE"') :]
    path = tmp_path / "dpl.txt"
    path.write_bytes(content)
    with pytest.raises(ParseError) as info:
        read(path)
    assert info.value.location == location
    assert "dpl.txt" in str(info.value)


@pytest.mark.parametrize(
    "other", ["csl/csl-current.csv", "csl/consolidated.json", "ftm/entities.ftm.json"]
)
def test_wrong_files(fixtures: Path, other: str) -> None:
    with pytest.raises(ParseError, match="line 1"):
        read(fixtures / other)


def test_truncated_copy(tmp_path: Path, fixtures: Path) -> None:
    raw = (fixtures / "dpl" / "dpl.txt").read_bytes()
    path = tmp_path / "dpl.txt"
    path.write_bytes(raw[: raw.index(b"JINXIUYUAN") + 4])
    with pytest.raises(ParseError):
        read(path)


def _read_or_parse_error(path: Path) -> None:
    try:
        entities = read(path)
    except ParseError:
        return
    assert all(e.names for e in entities)
    assert len({e.id for e in entities}) == len(entities)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes(data)
    _read_or_parse_error(path)


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
    raw = bytearray((fixtures / "dpl" / "dpl.txt").read_bytes())
    for position, replacement in edits:
        position %= len(raw)
        raw[position : position + 1] = replacement
    path = tmp_path / "dpl.txt"
    path.write_bytes(bytes(raw[:cut]))
    _read_or_parse_error(path)
