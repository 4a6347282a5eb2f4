"""The bundled statutory lists: NDAA section 889, FCC Covered List, DoD section 1260H."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import ParseError
from clearance.model import Entity
from clearance.reference import effects, lists
from clearance.sources import get_source
from clearance.sources.base import Dataset
from clearance.sources.common import iso_date
from clearance.sources.statutory import (
    StatutorySource,
    edition_additions,
    edition_counts,
    load_file,
)
from clearance.sources.statutory.listfile import edition_count
from tests.helpers import assert_ftm_valid

SOURCES = {
    "us-ndaa-889": ("NDAA-889", "ndaa-889-procurement-ban"),
    "us-fcc-covered": ("FCC-COVERED", "fcc-authorisation-ban"),
    "us-dod-1260h": ("DOD-1260H", "dod-1260h-contracting-ban"),
}
CURRENT_1260H = "2026-06-08"


def _source(source_id: str) -> StatutorySource:
    source = get_source(source_id)
    assert isinstance(source, StatutorySource)
    return source


def _bundled(source_id: str) -> Dataset:
    source = _source(source_id)
    return source.read(source.default_files()[0])


def _key(name: str) -> str:
    """Compare list names across transcriptions: case, quotes, punctuation and a trailing
    parenthesised short name (``... Co., Ltd. (Sugon)``) aside."""
    name = re.sub(r"\s*\([^()]*\)$", "", name.replace("\u2019", "'").lower())
    return " ".join(re.sub(r"[^\w]+", " ", name).split())


def _by_name(entities: list[Entity]) -> dict[str, list[Entity]]:
    out: dict[str, list[Entity]] = {}
    for entity in entities:
        for name in {_key(n.value) for n in entity.names}:
            out.setdefault(name, []).append(entity)
    return out


def _active(entity: Entity) -> bool:
    return any(not listing.end for listing in entity.listings)


# -- the bundled files ----------------------------------------------------------------------


@pytest.mark.parametrize("source_id", sorted(SOURCES))
def test_bundled_file_reads_as_a_valid_dataset(source_id: str) -> None:
    source = _source(source_id)
    assert source.bundled and source.base_url == ""
    (path,) = source.default_files()
    assert path.is_file() and path.parent.name == "statutory"
    dataset = source.read(path)
    assert dataset.format == "clearance-yaml"
    assert dataset.published == iso_date(str(yaml.safe_load(path.read_text())["published"]))
    assert dataset.content_hash.startswith("sha256:")
    assert_ftm_valid(dataset.entities)
    assert all(e.id.startswith(f"{source_id}:") for e in dataset.entities)
    # the folder reads the same as the file (the store may hand over either)
    assert [e.id for e in source.read(path.parent).entities] == [e.id for e in dataset.entities]


@pytest.mark.parametrize("source_id", sorted(SOURCES))
def test_every_entry_has_source_url_listing_date_and_effect(source_id: str) -> None:
    list_code, effect = SOURCES[source_id]
    for entity in _bundled(source_id).entities:
        assert entity.get("sourceUrl"), entity.id
        assert entity.get("sourceUrl")[0].startswith("https://"), entity.id
        assert entity.listings, entity.id
        for listing in entity.listings:
            assert (listing.list, listing.effect) == (list_code, effect), entity.id
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", listing.start), entity.id
            assert not listing.end or listing.end > listing.start, entity.id
            assert listing.url and listing.authority, entity.id


def test_ndaa_889_names_the_five_companies_with_native_names() -> None:
    entities = _bundled("us-ndaa-889").entities
    assert len(entities) == 5
    natives = {n.value for e in entities for n in e.names if n.kind == "name" and n.lang}
    assert natives == {
        "华为技术有限公司",
        "中兴通讯股份有限公司",
        "海能达通信股份有限公司",
        "杭州海康威视数字技术股份有限公司",
        "浙江大华技术股份有限公司",
    }
    assert all(_active(e) and e.get("country") == ["cn"] for e in entities)


@pytest.mark.parametrize("source_id", sorted(SOURCES))
def test_hikvision_and_dahua_have_native_names_in_han_script(source_id: str) -> None:
    names = {n.value: n for e in _bundled(source_id).entities for n in e.names}
    for native in ("杭州海康威视数字技术股份有限公司", "浙江大华技术股份有限公司"):
        assert native in names, native
        assert names[native].script == "Hani"
        assert names[native].lang == "zho"


def test_fcc_covered_list_has_sixteen_rows() -> None:
    path = _source("us-fcc-covered").default_files()[0]
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = {e["row"] for e in raw["entries"]} | {c["row"] for c in raw["equipment_classes"]}
    assert rows == set(range(1, 17))
    dataset = _bundled("us-fcc-covered")
    assert len(dataset.entities) == len(raw["entries"]) == 15
    assert dataset.stats["equipment_classes"] == 4
    captions = {e.caption for e in dataset.entities}
    assert {
        "AO Kaspersky Lab",
        "ComNet (USA) LLC",
        "China Mobile International USA Inc.",
    } <= captions


def test_dod_1260h_current_list_has_188_entries_and_keeps_history() -> None:
    entities = _bundled("us-dod-1260h").entities
    current = [e for e in entities if _active(e)]
    assert len(current) == 188
    assert all(max(x.start for x in e.listings) <= CURRENT_1260H for e in current)
    removed = [e for e in entities if not _active(e)]
    assert removed, "earlier editions' removed entries are kept"
    assert all(e.record["active"] is False for e in removed)
    assert all(e.record["active"] is True for e in current)


# -- comparison with the shared transcriptions ------------------------------------------


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.realdata
def test_ndaa_889_matches_statute_transcription(shared_data: Path) -> None:
    rows = _csv(shared_data / "us-statutory" / "ndaa-889.csv")
    entities = _bundled("us-ndaa-889").entities
    assert {r["name"] for r in rows} == {e.caption for e in entities}


@pytest.mark.realdata
def test_fcc_matches_covered_list_table(shared_data: Path) -> None:
    rows = _csv(shared_data / "us-statutory" / "fcc-covered-list.csv")
    path = _source("us-fcc-covered").default_files()[0]
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert len(rows) == 16
    for number, row in enumerate(rows, start=1):
        included = iso_date(row["date_of_inclusion_on_covered_list"].split("Updated")[0])
        text = _key(row["covered_equipment_or_services"])
        parties = [e for e in raw["entries"] if e["row"] == number]
        classes = [c for c in raw["equipment_classes"] if c["row"] == number]
        assert parties or classes, f"row {number} is missing"
        for item in parties + classes:
            assert item["listed"][0]["start"] == included, (number, item["id"])
        for party in parties:
            named = [party["name"], *party.get("aliases", [])]
            in_row = any(_key(n) in text for n in named)
            statute = "1709" in text and "1709" in party.get("notes", "")
            assert in_row or statute, (number, party["id"])


@pytest.mark.realdata
def test_dod_1260h_matches_transcription(shared_data: Path) -> None:
    rows = _csv(shared_data / "us-statutory" / "dod-1260h.csv")
    entities = _bundled("us-dod-1260h").entities
    by_name = _by_name(entities)
    # the current list: the rows of the latest edition, one entity each
    latest = [r for r in rows if r["Start date"] == CURRENT_1260H]
    assert len(latest) == 188
    matched = set()
    for row in latest:
        found = {e.id for e in by_name.get(_key(row["Clean Name"]), [])}
        assert len(found) == 1, row["Clean Name"]
        matched |= found
    assert matched == {e.id for e in entities if _active(e)}
    # every listing period of every edition is covered by a period of the entity
    for row in rows:
        candidates = by_name.get(_key(row["Clean Name"]), [])
        assert candidates, row["Clean Name"]
        start, end = row["Start date"], row["End date"]
        covering = [
            x
            for e in candidates
            for x in e.listings
            if x.start <= start and (not x.end or x.end > start)
        ]
        assert covering, (row["Clean Name"], start)
        if end and row["Source Url"]:
            assert any(x.end == end for x in covering), (row["Clean Name"], end)


# -- malformed files -----------------------------------------------------------------------


def _write(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "us-ndaa-889.yaml"
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def _valid_doc() -> dict[str, Any]:
    return {
        "source": "us-ndaa-889",
        "list": "NDAA-889",
        "authority": "Legislature",
        "effect": "ndaa-889-procurement-ban",
        "published": "2018-08-13",
        "source_url": "https://example.org/law.pdf",
        "entries": [
            {
                "id": "example-telecom",
                "schema": "Company",
                "name": "Example Telecom Company",
                "native_names": [{"name": "示例通信有限公司", "lang": "zho"}],
                "aliases": ["Example Telecom"],
                "country": ["cn"],
                "listed": [{"start": "2018-08-13"}],
                "source_url": "https://example.org/law.pdf",
            },
            {
                "id": "example-video",
                "schema": "Company",
                "name": "Example Video Company",
                "listed": [{"start": "2018-08-13", "end": "2020-01-01"}],
                "source_url": "https://example.org/law.pdf",
            },
        ],
    }


def test_hand_written_file_maps_names_and_periods(tmp_path: Path) -> None:
    dataset = _source("us-ndaa-889").read(_write(tmp_path, _valid_doc()))
    first, second = dataset.entities
    assert first.id == "us-ndaa-889:example-telecom"
    assert [(n.value, n.kind, n.script) for n in first.names] == [
        ("Example Telecom Company", "name", "Latn"),
        ("示例通信有限公司", "name", "Hani"),
        ("Example Telecom", "alias", "Latn"),
    ]
    assert second.listings[0].end == "2020-01-01"
    assert dataset.stats["active"] == 1 and dataset.stats["inactive"] == 1
    assert dataset.published == "2018-08-13"


def _set(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = _valid_doc()
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


MALFORMED = {
    "unknown-field": (_set(("entries", 1, "nmae"), "x"), "example-video"),
    "missing-name": (_set(("entries", 0, "name"), ""), "example-telecom"),
    "bad-date": (_set(("entries", 1, "listed"), [{"start": "13/08/2018"}]), "example-video"),
    "end-before-start": (
        _set(("entries", 0, "listed"), [{"start": "2019-01-01", "end": "2018-01-01"}]),
        "example-telecom",
    ),
    "open-period-then-another": (
        _set(("entries", 0, "listed"), [{"start": "2019-01-01"}, {"start": "2020-01-01"}]),
        "example-telecom",
    ),
    "bad-country": (_set(("entries", 0, "country"), ["China"]), "example-telecom"),
    "bad-schema": (_set(("entries", 0, "schema"), "Firm"), "example-telecom"),
    "bad-url": (_set(("entries", 1, "source_url"), "congress.gov"), "example-video"),
    "bad-slug": (_set(("entries", 1, "id"), "Example Video"), "#2"),
    "native-without-lang": (
        _set(("entries", 0, "native_names"), [{"name": "示例"}]),
        "example-telecom",
    ),
    "bad-row": (_set(("entries", 0, "row"), "first"), "example-telecom"),
    "duplicate-id": (_set(("entries", 1, "id"), "example-telecom"), "#2"),
    "wrong-source": (_set(("source",), "us-dod-1260h"), "top level"),
    "unknown-effect": (_set(("effect",), "bans-everything"), "top level"),
    "unknown-list": (_set(("list",), "NOPE"), "top level"),
    "no-published-date": (_set(("published",), None), "top level"),
    "entries-not-a-list": (_set(("entries",), {"id": "x"}), "top level"),
    "entry-not-a-mapping": (_set(("entries", 1), "Example Video Company"), "#2"),
    "bad-added": (
        _set(("editions",), [{"date": "2018-08-13", "url": "https://example.gov/a", "added": "2"}]),
        "top level",
    ),
    # both entries came on the list on 2018-08-13: a notice of that date adding one is wrong
    "more-held-than-added": (
        _set(("editions",), [{"date": "2018-08-13", "url": "https://example.gov/a", "added": 1}]),
        "top level",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_raises_parse_error_naming_file_and_entry(tmp_path: Path, case: str) -> None:
    doc, where = MALFORMED[case]
    path = _write(tmp_path, doc)
    with pytest.raises(ParseError) as info:
        _source("us-ndaa-889").read(path)
    assert info.value.path == str(path)
    assert where in (info.value.location or "")


def test_broken_yaml_syntax_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "source: us-ndaa-889\nentries:\n  - id: [unclosed\n")
    with pytest.raises(ParseError) as info:
        _source("us-ndaa-889").read(path)
    assert info.value.location and info.value.location.startswith("line ")


def test_folder_without_the_list_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"us-fcc-covered\.yaml"):
        _source("us-fcc-covered").read(tmp_path)


_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)
_fields = st.sampled_from(
    [
        "id", "schema", "name", "native_names", "aliases", "weak_aliases", "previous_names",
        "country", "parent", "listed", "reason", "notes", "source_url", "editions", "row",
    ]
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=_fields, value=_yaml_values)
def test_any_entry_value_is_read_or_rejected_with_parse_error(
    tmp_path: Path, field: str, value: Any
) -> None:
    path = _write(tmp_path, _set(("entries", 0, field), value))
    try:
        dataset = _source("us-ndaa-889").read(path)
    except ParseError as exc:
        assert exc.path == str(path)
    else:
        assert_ftm_valid(dataset.entities)
        assert all(e.names and e.listings for e in dataset.entities)


# -- the counts the cited documents state; native names across lists; the UFLPA list --------

BUNDLED = (*sorted(SOURCES), "us-dhs-uflpa")


@pytest.mark.parametrize("source_id", BUNDLED)
def test_counts_equal_the_counts_the_cited_documents_state(source_id: str) -> None:
    """Each edition's ``count`` is the number its publication states; the file must hold
    exactly that many entries in force on that date, unless it says it is incomplete."""
    path = _source(source_id).default_files()[0]
    header = load_file(path, source_id)
    for edition, held in edition_counts(header):
        assert edition.document and edition.url.startswith("https://")
        if edition.complete:
            assert held == edition.count, (edition.date, edition.document)
        else:  # never more than the publication lists, and the shortfall is reported
            assert edition.count is not None and held < edition.count, edition.date
    counted = edition_counts(header)
    if counted:
        latest, held = counted[-1]
        stats = _bundled(source_id).stats
        assert stats["stated"] == latest.count
        assert stats.get("missing", 0) == (0 if latest.complete else (latest.count or 0) - held)


@pytest.mark.parametrize(("source_id", "stated"), [("us-dod-1260h", 188), ("us-fcc-covered", 16)])
def test_current_1260h_and_fcc_editions_are_complete(source_id: str, stated: int) -> None:
    header = load_file(_source(source_id).default_files()[0], source_id)
    latest, held = edition_counts(header)[-1]
    assert latest.date == header.published and latest.complete
    assert latest.count == held == stated


def test_edition_count_counts_entries_in_force_without_subsidiaries(tmp_path: Path) -> None:
    doc = _valid_doc()
    doc["editions"] = [
        {"date": "2019-01-01", "url": "https://example.gov/a", "document": "A", "count": 2},
        {"date": "2024-06-01", "url": "https://example.gov/b", "count": 3, "complete": False},
    ]
    doc["entries"].append(
        {
            "id": "example-subsidiary",
            "schema": "Company",
            "name": "Example Subsidiary Ltd",
            "listed_with": "example-telecom",
            "listed": [{"start": "2019-01-01"}],
            "source_url": "https://example.org/law.pdf",
        }
    )
    path = _write(tmp_path, doc)
    header = load_file(path, "us-ndaa-889")
    # 2019: the telecom and the video company (the subsidiary counts with its parent);
    # 2024: the video company's listing has ended
    assert [(e.count, held) for e, held in edition_counts(header)] == [(2, 2), (3, 1)]
    dataset = _source("us-ndaa-889").read(path)
    assert dataset.stats["stated"] == 3 and dataset.stats["missing"] == 2
    doc["entries"][-1]["listed_with"] = "nobody"
    with pytest.raises(ParseError, match="'listed_with' names 'nobody'"):
        load_file(_write(tmp_path, doc), "us-ndaa-889")
    doc["entries"][-1]["listed_with"] = "example-telecom"
    doc["editions"][0]["count"] = -1
    with pytest.raises(ParseError, match="number of entries"):
        load_file(_write(tmp_path, doc), "us-ndaa-889")


def test_edition_additions_count_entries_by_the_date_they_first_came_on_the_list(
    tmp_path: Path,
) -> None:
    doc = _valid_doc()
    doc["entries"][1]["listed"] = [
        {"start": "2018-08-13", "end": "2019-01-01"},
        {"start": "2020-06-01"},
    ]
    doc["entries"] += [
        {
            "id": "example-newcomer",
            "schema": "Company",
            "name": "Example Newcomer Ltd",
            "listed": [{"start": "2020-06-01"}],
            "source_url": "https://example.org/law.pdf",
        },
        {
            "id": "example-subsidiary",
            "schema": "Company",
            "name": "Example Subsidiary Ltd",
            "listed_with": "example-newcomer",
            "listed": [{"start": "2020-06-01"}],
            "source_url": "https://example.org/law.pdf",
        },
    ]
    doc["editions"] = [
        {"date": "2018-08-13", "url": "https://example.gov/a", "added": 2},
        {"date": "2019-06-01", "url": "https://example.gov/b"},
        {"date": "2020-06-01", "url": "https://example.gov/c", "added": 3, "complete": False},
    ]
    header = load_file(_write(tmp_path, doc), "us-ndaa-889")
    # the video company's relisting is no addition, the subsidiary counts with its parent,
    # and the edition that states no number is left out
    assert [(e.date, e.added, held) for e, held in edition_additions(header)] == [
        ("2018-08-13", 2, 2),
        ("2020-06-01", 3, 1),
    ]


def test_uflpa_additions_add_up_to_the_stated_counts_and_locate_what_is_missing() -> None:
    """Every notice states how many entities it added; the additions sum to each count DHS
    states, and the notices the file does not hold entirely account for every missing entry
    (the file lists no removal, so what is in force is what was added less what is missing)."""
    header = load_file(_source("us-dhs-uflpa").default_files()[0], "us-dhs-uflpa")
    additions = edition_additions(header)
    assert [e.date for e, _ in additions] == [e.date for e in header.editions]
    stated = missing = 0
    for edition, held in additions:
        assert edition.added is not None and held <= edition.added, edition.date
        stated += edition.added
        missing += edition.added - held
        if edition.count is not None:
            assert stated == edition.count, edition.date
        assert edition_count(header, edition.date) == stated - missing, edition.date
        assert edition.complete == (missing == 0), edition.date
    stats = _bundled("us-dhs-uflpa").stats
    assert stats["stated"] == stated
    assert stats.get("missing", 0) == missing == stats["stated"] - stats["entities"]


def _groups(entities: list[Entity]) -> list[list[Entity]]:
    """Entities of one company across lists: joined by any name or alias they share."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for entity in entities:
        for name in entity.names:
            if name.kind in ("name", "alias", "previousName"):
                parent[find(entity.id)] = find("name:" + name.value.casefold())
    groups: dict[str, list[Entity]] = {}
    for entity in entities:
        groups.setdefault(find(entity.id), []).append(entity)
    return list(groups.values())


def test_a_company_in_several_lists_has_the_same_native_names_in_each() -> None:
    entities = [e for source_id in BUNDLED for e in _bundled(source_id).entities]
    checked = 0
    for group in _groups(entities):
        by_source: dict[str, set[tuple[str, str, str]]] = {}
        for entity in group:
            natives = {(n.value, n.kind, n.lang) for n in entity.names if n.lang}
            by_source.setdefault(entity.source, set()).update(natives)
        if len(by_source) < 2:
            continue
        checked += 1
        first = next(iter(by_source.values()))
        assert all(natives == first for natives in by_source.values()), by_source
    # Huawei, ZTE, Hytera, Hikvision, Dahua, DJI and Autel are each on two or three lists
    assert checked >= 7


def test_no_alias_is_a_fragment_of_a_name_cut_at_a_comma() -> None:
    """A YAML flow list splits ``[X Co., Ltd., X]`` at every comma: no name may be a bare
    legal form left over from that."""
    for source_id in BUNDLED:
        for entity in _bundled(source_id).entities:
            for name in entity.names:
                assert name.value.strip(".").lower() not in {"ltd", "inc", "co", "llc", "corp"}, (
                    entity.id,
                    name.value,
                )


def test_uflpa_entries_carry_effect_categories_and_citations() -> None:
    dataset = _bundled("us-dhs-uflpa")
    entities = {e.source_id: e for e in dataset.entities}
    assert dataset.published == "2026-08-03"
    for entity in entities.values():
        (listing,) = entity.listings
        assert (listing.list, listing.effect) == ("UFLPA", "uflpa-import-presumption")
        assert listing.start and listing.url.startswith("https://")
        assert entity.record["source_document"]
    daqo = entities["xinjiang-daqo-new-energy"]
    assert "Xinjiang Great New Energy Co., Ltd." in daqo.names_of("alias")
    assert daqo.listings[0].programs[-1] == "2(d)(2)(B)(v)"
    assert "sources material from Xinjiang" in daqo.listings[0].reason
    assert daqo.listings[0].start == "2022-06-21"  # on the initial list, (v) added 2024-11-25
    assert "Wuxi Shangji CNC Co., Ltd." in entities["hongyuan-green-energy"].names_of(
        "previousName"
    )
    assert entities["ninestar-corporation"].listings[0].start == "2023-06-12"
    assert "纳思达股份有限公司" in entities["ninestar-corporation"].names_of("name")
    assert_ftm_valid(entities.values())


UFLPA_URL = re.compile(
    r"^https://(www\.federalregister\.gov/documents/\d{4}/\d{2}/\d{2}/\d{4}-\d{5}/"
    r"notice-[a-z-]+-uyghur-forced-labor-prevention-act-entity-list|www\.dhs\.gov/uflpa-entity-list)$"
)


def test_uflpa_listing_dates_are_the_dates_of_the_cited_notices() -> None:
    """Every entry starts on the date of an edition (a notice) of the file, cites the Federal
    Register notice of that date or DHS's page, and the notice's document number in its URL
    is the one its citation names."""
    path = _source("us-dhs-uflpa").default_files()[0]
    header = load_file(path, "us-dhs-uflpa")
    editions = {e.date for e in header.editions}
    for party in header.parties:
        assert {p.start for p in party.periods} <= editions, party.id
        assert UFLPA_URL.match(party.source_url), party.id
        document = party.raw["source_document"]
        number = re.search(r"/(\d{4}-\d{5})/", party.source_url)
        assert number is None or number.group(1) in document, party.id


def test_uflpa_subsidiaries_name_their_listed_parents_and_count_as_entities() -> None:
    """DHS counts every subsidiary it names (65 in May 2024 = 30 + 9 subsidiaries + 26): each
    is an entry of its own, counted on its own, with its parent named."""
    path = _source("us-dhs-uflpa").default_files()[0]
    header = load_file(path, "us-dhs-uflpa")
    by_name = {n: p for p in header.parties for n, _, _ in p.names}
    ninestar = [p for p in header.parties if p.parent == "Ninestar Corporation"]
    assert len(ninestar) == 8
    assert {p.periods[0].start for p in ninestar} == {"2023-06-12"}
    for party in header.parties:
        assert not party.listed_with, party.id
        if party.parent and party.parent in by_name:
            assert by_name[party.parent].periods[0].start <= party.periods[0].start


def test_uflpa_initial_list_and_corrections() -> None:
    entities = {e.source_id: e for e in _bundled("us-dhs-uflpa").entities}
    hoshine = entities["hoshine-silicon-industry-shanshan"]
    assert hoshine.caption == "Hoshine Silicon Industry (Shanshan) Co., Ltd"
    assert hoshine.names_of("alias") == ["Hesheng Silicon Industry (Shanshan) Co."]
    assert hoshine.listings[0].programs[-1] == "2(d)(2)(B)(i)"
    initial = {k for k, e in entities.items() if e.listings[0].start == "2022-06-21"}
    assert {
        "hoshine-silicon-industry-shanshan",
        "xinjiang-daqo-new-energy",
        "xinjiang-east-hope-nonferrous-metals",
        "xinjiang-goens-energy-technology",
        "xinjiang-production-and-construction-corps",
    } <= initial
    # the list renamed GCL's Xinjiang company in 2026; its former names still find it
    goens = entities["xinjiang-goens-energy-technology"]
    assert "Xinjiang GCL New Energy Material Technology Co., Ltd." in goens.names_of("previousName")
    # the alias DHS withdrew in 2024 (another listed company's name) is not carried
    east_hope = entities["xinjiang-east-hope-nonferrous-metals"]
    assert all(n.value != "Xinjiang Nonferrous" for n in east_hope.names)
    # moved between sections: listed since the initial list, now on the (v) list
    changji = entities["changji-esquel-textile"]
    assert changji.listings[0].start == "2022-06-21"
    assert changji.listings[0].programs[-1] == "2(d)(2)(B)(v)"


def test_uflpa_effect_is_an_import_presumption_not_a_block() -> None:
    effect = effects()["uflpa-import-presumption"]
    assert "presumption" in effect.label.lower()
    assert "Not a blocking" in effect.description
    assert lists()["UFLPA"].effect == "uflpa-import-presumption"


def test_uflpa_additions_of_october_2024_close_the_counts_gap() -> None:
    """DHS counted 73 entities on 2024-08-09, 75 on 2024-10-03 and 78 on 2024-11-01: the two of
    2024-10-03 are held, each with its section, and the technical correction of that notice
    (Hefei Meiling renamed Changhong Meiling) keeps the initial listing date and the former name."""
    path = _source("us-dhs-uflpa").default_files()[0]
    header = load_file(path, "us-dhs-uflpa")
    counts = {edition.date: (edition.count, held) for edition, held in edition_counts(header)}
    added = {date: held for date, (_, held) in counts.items()}
    # the file adds exactly as many entities between the editions as DHS's counts do
    assert added["2024-10-03"] - added["2024-08-09"] == 75 - 73
    assert added["2024-11-01"] - added["2024-10-03"] == 78 - 75
    entities = {e.source_id: e for e in _bundled("us-dhs-uflpa").entities}
    bayi = entities["baowu-group-xinjiang-bayi-iron-and-steel"]
    guanghui = entities["changzhou-guanghui-food-ingredients"]
    assert [bayi.listings[0].start, guanghui.listings[0].start] == ["2024-10-03"] * 2
    assert bayi.listings[0].programs[-1] == "2(d)(2)(B)(ii)"
    assert guanghui.listings[0].programs[-1] == "2(d)(2)(B)(v)"
    assert "GSweet" in guanghui.names_of("alias")
    meiling = entities["changhong-meiling"]
    assert meiling.listings[0].start == "2022-06-21"
    assert "Hefei Meiling Co., Ltd." in meiling.names_of("previousName")


# The names the notice of 2024-10-03 gives each row: (entry, kind, name as the list writes it).
OCTOBER_2024_NAMES = [
    ("baowu-group-xinjiang-bayi-iron-and-steel", "alias", "Xinjiang Bayi Iron and Steel Co. Ltd."),
    (
        "baowu-group-xinjiang-bayi-iron-and-steel",
        "alias",
        "Baosteel Group Xinjiang Bayi Iron and Steel Co., Ltd.",
    ),
    ("baowu-group-xinjiang-bayi-iron-and-steel", "alias", "Bayi Iron and Steel"),
    ("changzhou-guanghui-food-ingredients", "alias", "Changzhou Guanghui Food Additive Co., Ltd."),
    (
        "changzhou-guanghui-food-ingredients",
        "alias",
        "Changzhou Guanghui Food Technology Co., Ltd.",
    ),
    (
        "changzhou-guanghui-food-ingredients",
        "previousName",
        "Changzhou Guanghui Biotechnology Co., Ltd.",
    ),
    ("changhong-meiling", "previousName", "Hefei Meiling Group Holdings Limited"),
]


@pytest.mark.parametrize(("key", "kind", "name"), OCTOBER_2024_NAMES)
def test_uflpa_rows_of_october_2024_carry_every_name_the_list_gives(
    key: str, kind: str, name: str
) -> None:
    """A supplier invoicing under a subsidiary's or a former name the list gives is the listed
    entity: each such name is carried, with its kind (alias or former name)."""
    entities = {e.source_id: e for e in _bundled("us-dhs-uflpa").entities}
    assert name in entities[key].names_of(kind)


def test_uflpa_zijin_subsidiaries_name_their_listed_parent() -> None:
    path = _source("us-dhs-uflpa").default_files()[0]
    header = load_file(path, "us-dhs-uflpa")
    zijin = {p.id for p in header.parties if p.parent == "Zijin Mining Group Co., Ltd."}
    assert zijin == {
        "xinjiang-zijin-nonferrous-metal",
        "xinjiang-zijin-zinc-industry",
        "xinjiang-jinbao-mining",
    }
    parties = {p.id: p for p in header.parties}
    # each carries its Chinese legal name, so a search in Han script finds it
    entities = {e.source_id: e for e in _bundled("us-dhs-uflpa").entities}
    for key in zijin:
        natives = [n for n in entities[key].names if n.lang == "zho"]
        assert natives and all(n.script == "Hani" and n.value.startswith("新疆") for n in natives)
    assert parties["zijin-mining-group"].periods[0].start == "2025-01-15"
    # Ashele Copper, a Zijin subsidiary, was listed on its own before its parent
    assert parties["xinjiang-habahe-ashele-copper"].periods[0].start == "2024-08-09"


@pytest.mark.parametrize("source_id", [*SOURCES, "us-dhs-uflpa"])
def test_no_bundled_name_carries_the_lists_connecting_words(source_id: str) -> None:
    """A name is the name alone: "also known as X" written as an alias is a name no counterparty
    file contains, and it weighs X's words down with four generic ones (the 1260H entry of
    Hesai Group carried one)."""
    connective = re.compile(
        r"^(also|formerly|previously|now)\s+known\s+as\b|^[af]\.?k\.?a\.?\s", re.I
    )
    wrong = [
        (entity.id, name.value)
        for entity in _bundled(source_id).entities
        for name in entity.names
        if connective.search(name.value)
    ]
    assert not wrong
