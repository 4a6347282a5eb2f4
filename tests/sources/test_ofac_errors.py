"""Bad input to the OFAC importers: a ParseError naming the file and place, nothing else."""

from __future__ import annotations

import gzip
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import ParseError
from clearance.sources.ofac import ConsSource, OfacSource, SdnSource

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ofac"
CSV_SET = ("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV")


def read_error(source: OfacSource, path: Path) -> ParseError:
    with pytest.raises(ParseError) as info:
        source.read(path)
    return info.value


@pytest.fixture
def csv_set(tmp_path: Path) -> Path:
    folder = tmp_path / "set"
    shutil.copytree(FIXTURES / "sdn-csv", folder)
    return folder


# -- the malformed set of the shared data -------------------------------------------------


def test_malformed_set_names_the_trailer_row(shared_data: Path) -> None:
    error = read_error(SdnSource(), shared_data / "ofac" / "malformed")
    assert error.path.endswith("sdn.csv")
    assert error.location == "line 7380"
    assert "expected 12 fields, found 1 ('||||')" in error.problem


@pytest.mark.parametrize(
    ("name", "line", "width"),
    [("sdn_comments.csv", 4, 2), ("add.csv", 11697, 6), ("alt.csv", 9683, 5)],
)
def test_each_malformed_file_fails_on_its_trailer(
    shared_data: Path, tmp_path: Path, name: str, line: int, width: int
) -> None:
    # a good main file (the malformed one without its trailer) and one malformed sibling
    source = shared_data / "ofac" / "malformed"
    main = (source / "sdn.csv").read_bytes()
    (tmp_path / "sdn.csv").write_bytes(main[: main.rindex(b"\n") + 1])
    shutil.copy(source / name, tmp_path / name)
    error = read_error(SdnSource(), tmp_path)
    assert error.path.endswith(name)
    assert error.location == f"line {line}"
    assert f"expected {width} fields, found 1" in error.problem


# -- truncated, empty and wrong files -------------------------------------------------------


def test_csv_cut_mid_row(csv_set: Path) -> None:
    main = csv_set / "SDN.CSV"
    raw = main.read_bytes()
    main.write_bytes(raw[: raw.index(b"DOB 01 Jan")])
    error = read_error(SdnSource(), csv_set)
    assert error.location == "line 1"
    assert "without a line break" in error.problem


def test_csv_cut_inside_a_quoted_field_of_a_later_row(csv_set: Path) -> None:
    alt = csv_set / "ALT.CSV"
    raw = alt.read_bytes()
    alt.write_bytes(raw[: raw.index(b"OLD EXAMPLE")])
    error = read_error(SdnSource(), csv_set)
    assert error.path.endswith("ALT.CSV")
    assert error.location == "line 3"


@pytest.mark.parametrize("name", ["SDN.XML", "consolidated.xml", "SDN_ADVANCED.XML"])
def test_xml_cut_mid_element(tmp_path: Path, name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    cut = raw.index(b"<akaList>") if b"<akaList>" in raw else raw.index(b"<DistinctParty ")
    (tmp_path / name).write_bytes(raw[: cut + 5])
    source = ConsSource() if name == "consolidated.xml" else SdnSource()
    error = read_error(source, tmp_path / name)
    assert error.path.endswith(name)
    assert error.location is not None and error.location.startswith("line ")
    assert "malformed XML" in error.problem


def test_truncated_gzip(tmp_path: Path) -> None:
    packed = gzip.compress((FIXTURES / "sdn-csv" / "SDN.CSV").read_bytes())
    target = tmp_path / "sdn-2024-01-15.csv.gz"
    target.write_bytes(packed[: len(packed) // 2])
    error = read_error(SdnSource(), target)
    assert "gzip" in error.problem


@pytest.mark.parametrize("content", [b"", b"\x1a", b"  \r\n"])
@pytest.mark.parametrize("name", ["sdn.csv", "sdn.xml", "sdn_advanced.xml"])
def test_empty_files(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / name).write_bytes(content)
    error = read_error(SdnSource(), tmp_path / name)
    assert error.problem == "the file is empty"
    assert error.path.endswith(name)


def test_folder_without_list_files(tmp_path: Path) -> None:
    error = read_error(SdnSource(), tmp_path)
    assert "no OFAC Specially Designated Nationals (SDN) list file found" in error.problem


def test_missing_path(tmp_path: Path) -> None:
    assert read_error(ConsSource(), tmp_path / "nope.csv").problem == "no such file or folder"


@pytest.mark.parametrize(
    "relative",
    [
        "un/consolidated-2026-02-27.xml",
        "eu/fsf-excerpt-2026-08-05.xml",
        "uk/uk-sanctions-list-excerpt-2026-09-10.xml",
        "us-csl/csl-sample-2025-06-25.csv",
        "us-csl/dpl-2022-09.txt",
    ],
)
def test_files_of_other_lists(shared_data: Path, relative: str) -> None:
    error = read_error(SdnSource(), shared_data / relative)
    assert error.path.endswith(Path(relative).name)
    assert error.location is not None


def test_other_root_element_is_named(tmp_path: Path) -> None:
    (tmp_path / "list.xml").write_text("<?xml version='1.0'?>\n<CONSOLIDATED_LIST/>\n")
    error = read_error(SdnSource(), tmp_path / "list.xml")
    assert error.location == "element CONSOLIDATED_LIST (line 2)"
    assert "not sdnList" in error.problem


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ('X1,"NAME",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', "not a number"),
        ('7,-0- ,-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', "has no name"),
        ('7,"NAME","spaceship","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', "unknown entry"),
        ('1001,"AGAIN",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', "occurs twice"),
        ('7,"NAME" X,-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', "broken CSV quoting"),
    ],
)
def test_bad_rows_name_their_line(csv_set: Path, row: str, problem: str) -> None:
    main = csv_set / "SDN.CSV"
    raw = main.read_bytes().rstrip(b"\x1a")
    main.write_bytes(raw + row.encode() + b"\r\n\x1a")
    error = read_error(SdnSource(), csv_set)
    assert error.location == "line 7"
    assert problem in error.problem


def test_alias_of_an_unknown_entry(csv_set: Path) -> None:
    alt = csv_set / "ALT.CSV"
    alt.write_bytes(alt.read_bytes().rstrip(b"\x1a") + b'4242,9,"aka","X",-0- \r\n')
    error = read_error(SdnSource(), csv_set)
    assert error.location == "line 6"
    assert "entry 4242 is not in SDN.CSV" in error.problem


def test_advanced_reference_to_an_unknown_type(tmp_path: Path) -> None:
    raw = (FIXTURES / "SDN_ADVANCED.XML").read_bytes()
    (tmp_path / "sdn_advanced.xml").write_bytes(
        raw.replace(b'FeatureTypeID="224"', b'FeatureTypeID="999"')
    )
    error = read_error(SdnSource(), tmp_path / "sdn_advanced.xml")
    assert "unknown FeatureType '999'" in error.problem
    assert error.location is not None and "element Feature (line" in error.location


def test_xml_entry_without_uid(tmp_path: Path) -> None:
    raw = (FIXTURES / "SDN.XML").read_bytes()
    (tmp_path / "sdn.xml").write_bytes(raw.replace(b"<uid>1003</uid>", b"", 1))
    error = read_error(SdnSource(), tmp_path / "sdn.xml")
    assert error.location is not None and error.location.startswith("element sdnEntry #3 (line")


# -- property tests: random cuts and edits of the fixtures --------------------------------

SAMPLES = {
    "sdn.csv": (FIXTURES / "sdn-csv" / "SDN.CSV").read_bytes(),
    "sdn.xml": (FIXTURES / "SDN.XML").read_bytes(),
    "sdn_advanced.xml": (FIXTURES / "SDN_ADVANCED.XML").read_bytes(),
    "consolidated.xml": (FIXTURES / "consolidated.xml").read_bytes(),
    "sdn-2024-01-15.csv.gz": gzip.compress((FIXTURES / "sdn-csv" / "SDN.CSV").read_bytes()),
}
NOISE = st.sampled_from(
    [b'"', b",", b"\r\n", b"\n", b"<", b">", b"</uid>", b"-0-", b"\x00", b"\xff", b"'", b";", b"x"]
)


def read_or_parse_error(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        for sibling in CSV_SET[1:] if name == "sdn.csv" else ():
            shutil.copy(FIXTURES / "sdn-csv" / sibling, Path(folder) / sibling)
        source = ConsSource() if name == "consolidated.xml" else SdnSource()
        try:
            dataset = source.read(path)
        except ParseError as error:
            assert error.path
            return
        assert all(entity.names for entity in dataset.entities)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLES)), cut=st.floats(0, 1))
def test_random_cuts(name: str, cut: float) -> None:
    raw = SAMPLES[name]
    read_or_parse_error(name, raw[: int(len(raw) * cut)])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SAMPLES)),
    edits=st.lists(st.tuples(st.floats(0, 1), NOISE, st.integers(0, 3)), min_size=1, max_size=4),
)
def test_random_edits(name: str, edits: list[tuple[float, bytes, int]]) -> None:
    data = SAMPLES[name]
    for where, noise, dropped in edits:
        at = int(len(data) * where)
        data = data[:at] + noise + data[at + dropped :]
    read_or_parse_error(name, data)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(SAMPLES)), data=st.binary(max_size=300))
def test_random_bytes(name: str, data: bytes) -> None:
    read_or_parse_error(name, data)
