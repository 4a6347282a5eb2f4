"""BIS Military-Intelligence End User list, CSV transcription: counts, keys, listings, bad
input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import GateError, ParseError
from clearance.model import Entity
from clearance.sources import get_source
from clearance.sources.base import check_gates
from clearance.sources.mieu import MieuSource
from tests.helpers import assert_ftm_valid
from tests.sources.transcribed_cases import mutate, read_or_parse_error

FIXTURE = Path("mieu") / "bis-mieu.csv"


def read(path: Path) -> list[Entity]:
    return MieuSource().read(path).entities


@pytest.mark.realdata
def test_real_file_has_13_end_users(shared_data: Path) -> None:
    dataset = MieuSource().read(shared_data / "us-statutory" / "bis-mieu.csv")
    entities = dataset.entities
    assert len(entities) == 13
    assert len({e.id for e in entities}) == 13
    assert dataset.published == "2022-03-02"
    assert {e.schema for e in entities} == {"Organization"}
    for entity in entities:
        assert [(x.list, x.effect) for x in entity.listings] == [
            ("MIEU", "military-intelligence-end-user")
        ]
        assert entity.listings[0].start.startswith("202")
        assert entity.listings[0].url.startswith("https://www.federalregister.gov/")
    countries = {c for e in entities for c in e.get("country")}
    assert {"cu", "cn", "ir", "kp", "ru", "sy", "ve", "mm", "kh", "by"} == countries
    assert sum(1 for e in entities if e.names_of("alias")) == 9
    assert_ftm_valid(entities)
    check_gates(MieuSource(), dataset, active_count=None)


@pytest.mark.realdata
def test_other_transcription_is_not_mieu(shared_data: Path) -> None:
    with pytest.raises(ParseError, match="line 1"):
        read(shared_data / "cn" / "prc-countersanctions.csv")


def test_registry_points_here() -> None:
    assert isinstance(get_source("us-bis-mieu"), MieuSource)


def test_fixture(fixtures: Path) -> None:
    dataset = MieuSource().read(fixtures / FIXTURE)
    entities = dataset.entities
    assert len(entities) == 6
    assert dataset.published == "2022-03-02"
    assert dataset.format == "mieu-csv"
    second = entities[1]
    assert second.caption == "Northern Signals Bureau"
    assert second.names_of("alias") == ["NSB", "Bureau 7"]
    assert second.get("country") == ["kp"]
    assert second.get("topics") == ["export.control"]
    assert second.listings[0].programs == ("US-BIS-MIEU",)
    assert entities[3].listings[0].end == "2023-01-31"
    assert entities[4].get("country") == ["by"]  # a country name, not a code
    assert entities[4].caption.endswith(", Eastern Command")
    assert entities[2].record["name"] == entities[5].record["name"]
    assert entities[5].source_id == entities[2].source_id + "-2"
    assert entities[0].record["alias"] == "DCS"
    assert_ftm_valid(entities)


def test_keys_are_pinned(fixtures: Path) -> None:
    """Entity ids must not change between releases (history and diffs hang on them)."""
    ids = [e.source_id for e in read(fixtures / FIXTURE)]
    assert ids[:2] == ["directorate-of-coastal-surveillance", "northern-signals-bureau"]


def test_key_ignores_dates_and_notice(tmp_path: Path, fixtures: Path) -> None:
    raw = (fixtures / FIXTURE).read_text(encoding="utf-8")
    path = tmp_path / "bis-mieu.csv"
    path.write_text(raw.replace("2021-03-16", "2024-01-02").replace("0000-00001", "0000-09999"))
    assert [e.id for e in read(path)] == [e.id for e in read(fixtures / FIXTURE)]
    assert read(path)[0].listings[0].start == "2024-01-02"


def test_folder_and_crlf(tmp_path: Path, fixtures: Path) -> None:
    raw = (fixtures / FIXTURE).read_bytes()
    (tmp_path / "BIS-MIEU.CSV").write_bytes(raw.replace(b"\n", b"\r\n"))
    assert [e.id for e in read(tmp_path)] == [e.id for e in read(fixtures / FIXTURE)]
    with pytest.raises(ParseError):
        read(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParseError, match=r"no bis-mieu\.csv"):
        read(tmp_path / "empty")


def test_gate_refuses_a_stub(tmp_path: Path, fixtures: Path) -> None:
    lines = (fixtures / FIXTURE).read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "bis-mieu.csv"
    path.write_text("".join(lines[:3]), encoding="utf-8")
    dataset = MieuSource().read(path)
    with pytest.raises(GateError, match="fewer than the 5"):
        check_gates(MieuSource(), dataset, active_count=None)


def _replace_line(fixtures: Path, number: int, change: tuple[str, str]) -> str:
    lines = (fixtures / FIXTURE).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = lines[number - 1].replace(*change, 1)
    return "".join(lines)


@pytest.mark.parametrize(
    ("content", "location"),
    [
        ("", None),
        ("Type,Name,Alias\nOrganization,X,\n", "line 1"),
        ("Type,Name,Alias,Country,Topics,Program,Date,End date,Source URL\n", None),
        ((3, ("Northern Signals Bureau", "")), "line 3"),
        ((4, ("Organization,", "Vessel,")), "line 4"),
        ((5, ("2021-12-09", "09/13/2021x")), "line 5"),
        ((2, (",CU,", ",CU,extra,")), "line 2"),
        ((6, ('Command"', "Command")), "line 7"),  # a quote left open runs to the end
    ],
)
def test_bad_input(
    tmp_path: Path, fixtures: Path, content: str | tuple[int, tuple[str, str]], location: str | None
) -> None:
    if isinstance(content, tuple):
        content = _replace_line(fixtures, content[0], content[1])
    path = tmp_path / "bis-mieu.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError) as info:
        read(path)
    if location is not None:
        assert info.value.location == location
    assert info.value.path == str(path)


@pytest.mark.parametrize(
    "other",
    ["dpl/dpl.txt", "csl/csl-current.csv", "ftm/entities.ftm.json", "cn/prc-countersanctions.csv"],
)
def test_wrong_files(fixtures: Path, other: str) -> None:
    with pytest.raises(ParseError, match="line 1"):
        read(fixtures / other)


def test_truncated_copy(tmp_path: Path, fixtures: Path) -> None:
    raw = (fixtures / FIXTURE).read_bytes()
    path = tmp_path / "bis-mieu.csv"
    path.write_bytes(raw[: raw.index(b"Office of Military Mapping,,") + 30])
    with pytest.raises(ParseError, match="line 4"):
        read(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bis-mieu.csv"
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
    path = tmp_path / "bis-mieu.csv"
    path.write_bytes(mutate((fixtures / FIXTURE).read_bytes(), edits, cut))
    read_or_parse_error(read, path)
