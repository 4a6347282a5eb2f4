"""The IEEE MAC address registries: official CSV files read into registration entities."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.errors import GateError, ParseError
from clearance.sources import REFERENCE_SOURCE_IDS, SOURCE_IDS, get_source
from clearance.sources.base import check_gates
from clearance.sources.ieee import (
    HEADER,
    IeeeOuiSource,
    address_country,
    read_registry,
)
from tests.helpers import assert_ftm_valid


def test_reads_the_three_registries_of_a_folder(fixtures: Path) -> None:
    dataset = IeeeOuiSource().read(fixtures / "ieee")
    by_id = {e.id: e for e in dataset.entities}
    assert dataset.stats == {"MA-L": 12, "MA-M": 2, "MA-S": 2}
    assert len(dataset.entities) == 16
    hik = by_id["ieee-oui:1868CB"]
    assert hik.caption == "Hangzhou Hikvision Digital Technology Co.,Ltd."
    assert hik.schema == "Organization" and not hik.listings
    assert hik.get("country") == ["cn"]
    assert hik.record["registry"] == "MA-L" and hik.record["assignment"] == "1868CB"
    # MA-M and MA-S assignments keep their own lengths, so they never collide with MA-L
    assert by_id["ieee-oui:402C761"].record["registry"] == "MA-M"
    assert by_id["ieee-oui:70B3D5F2F"].record["registry"] == "MA-S"
    assert_ftm_valid(dataset.entities)


def test_a_prefix_assigned_twice_keeps_both_organisations(fixtures: Path) -> None:
    dataset = IeeeOuiSource().read(fixtures / "ieee" / "oui.csv")
    named = {e.id: e.caption for e in dataset.entities}
    assert named["ieee-oui:080030"] == "NETWORK RESEARCH CORPORATION"
    assert named["ieee-oui:080030-2"] == "CERN"


def test_an_address_spanning_lines_is_one_record(fixtures: Path) -> None:
    rows = read_registry(fixtures / "ieee" / "oui.csv")
    aviva = next(r for r in rows if r.assignment == "C404D8")
    assert aviva.address == "160 E Tasman Dr STE 102 SAN JOSE CA US 95134"
    assert address_country(aviva.address) == "us"


@pytest.mark.parametrize(
    ("address", "country"),
    [
        ("2181 Buchanan Loop Ferndale WA US 98248", "us"),
        ("CH-1211  GENEVE SUISSE/SWITZ CH 023", "ch"),
        ("No.469,Jianghui Road Hangzhou Zhejiang CN 310052", "cn"),
        ("", ""),
        ("somewhere without a code", ""),
    ],
)
def test_address_country(address: str, country: str) -> None:
    assert address_country(address) == country


def test_bad_files_are_refused_with_their_line(tmp_path: Path) -> None:
    bad = tmp_path / "oui.csv"
    bad.write_text(",".join(HEADER) + "\r\nMA-L,12345,Short Prefix Inc.,Somewhere US\r\n")
    with pytest.raises(ParseError, match=r"line 2.*not 6 hex digits"):
        read_registry(bad)
    bad.write_text(",".join(HEADER) + "\r\nMA-X,123456,Unknown Registry,\r\n")
    with pytest.raises(ParseError, match="unknown registry"):
        read_registry(bad)
    bad.write_text("Name,Street\r\nx,y\r\n")
    with pytest.raises(ParseError, match="IEEE header"):
        read_registry(bad)
    with pytest.raises(ParseError, match="no such file"):
        IeeeOuiSource().read(tmp_path / "nothing-here")
    bad.unlink()
    (tmp_path / "notes.csv").write_text("a,b\r\n1,2\r\n")
    with pytest.raises(ParseError, match="no IEEE registry CSV"):
        IeeeOuiSource().read(tmp_path)


def test_a_registry_is_reference_data_with_a_download_location() -> None:
    source = get_source("ieee-oui")
    assert "ieee-oui" in SOURCE_IDS
    assert source.screened is False
    assert {s for s in SOURCE_IDS if not get_source(s).screened} == REFERENCE_SOURCE_IDS
    assert source.base_url.startswith("https://standards-oui.ieee.org")
    assert [name.rsplit("/", 1)[-1] for name in source.remote_files] == [
        "oui.csv",
        "mam.csv",
        "oui36.csv",
    ]


def test_a_partial_registry_fails_the_gate(fixtures: Path) -> None:
    source = IeeeOuiSource()
    with pytest.raises(GateError, match="fewer than the 20000"):
        check_gates(source, source.read(fixtures / "ieee"), None)


_org = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip()
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["MA-L", "MA-M", "MA-S"]),
            st.integers(min_value=0, max_value=16**9 - 1),
            _org,
            st.text(max_size=60),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_registry_file_round_trips(rows: list[tuple[str, int, str, str]]) -> None:
    digits = {"MA-L": 6, "MA-M": 7, "MA-S": 9}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    written = []
    for registry, number, org, address in rows:
        assignment = f"{number % 16 ** digits[registry]:0{digits[registry]}X}"
        writer.writerow([registry, assignment, org, address])
        written.append((registry, assignment, " ".join(org.split()), " ".join(address.split())))
    path = Path(_tmp_file(out.getvalue()))
    try:
        read = [(r.registry, r.assignment, r.organization, r.address) for r in read_registry(path)]
    finally:
        path.unlink()
    assert read == written


def _tmp_file(text: str) -> str:
    import tempfile

    fd, name = tempfile.mkstemp(suffix=".csv")
    with open(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return name


@pytest.mark.realdata
def test_real_registries(shared_data: Path) -> None:
    """The real files: every assignment, including the 40 whose addresses span lines (the
    files have 32,542, 4,412 and 5,050 lines after the header for 32,530, 4,390 and 5,029
    assignments)."""
    source = IeeeOuiSource()
    dataset = source.read(shared_data / "ieee")
    assert dataset.stats == {"MA-L": 32_530, "MA-M": 4_390, "MA-S": 5_029}
    check_gates(source, dataset, None)
    by_id = {e.id: e for e in dataset.entities}
    assert by_id["ieee-oui:003DE1"].caption == "Huawei Device Co., Ltd."
    huawei_device = [e for e in dataset.entities if e.caption == "Huawei Device Co., Ltd."]
    assert len(huawei_device) == 430
    assert [by_id[f"ieee-oui:080030{s}"].caption for s in ("", "-2", "-3")] == [
        "NETWORK RESEARCH CORPORATION",
        "ROYAL MELBOURNE INST OF TECH",
        "CERN",
    ]
