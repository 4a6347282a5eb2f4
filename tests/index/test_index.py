"""Candidate index: keys, retrieval of spelling/script/spacing variants, filters, persistence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clearance.index import (
    IndexSearcher,
    build_index,
    ensure_index,
    load_index,
    persist,
    save_index,
)
from clearance.index.keys import identifier_key, name_keys, token_forms
from clearance.index.search import query_forms
from clearance.model import Entity, Listing


def make(source: str, sid: str, schema: str, *names: str, **props: str) -> Entity:
    entity = Entity(source=source, source_id=sid, schema=schema)
    for value in names:
        entity.add_name(value)
    for prop, value in props.items():
        entity.add(prop, value)
    entity.listings.append(Listing(list="SDN", effect="blocking", programs=("SDGT",)))
    return entity


ENTITIES = [
    make(
        "a",
        "1",
        "Company",
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "杭州海康威视数字技术股份有限公司",
    ),
    make("a", "2", "Person", "Muammar Qaddafi", passportNumber="B-1234567"),
    make("a", "3", "Company", "Huawei Technologies Co. Ltd", "华为技术有限公司"),
    make("b", "4", "Company", "Hik Vision Trading"),
    make("b", "5", "Person", "Kim Jong Un", "김정은"),
    make("b", "6", "Person", "Abdul Rahman al-Sayed"),
    make("b", "7", "Organization", "Рога и Копыта"),
    make("b", "8", "Company", "AO Transmashholding"),
    make("b", "9", "Company", "ZTE Corporation"),
]
for i in range(200):  # filler so that weights behave like a real list
    ENTITIES.append(make("c", f"f{i}", "Person", f"Filler{i} Person{i % 17} Example"))


@pytest.fixture(scope="module")
def searcher() -> IndexSearcher:
    return IndexSearcher(build_index(ENTITIES, "state-1"))


def found(searcher: IndexSearcher, name: str, **kwargs: object) -> list[str]:
    return [c.entity_id for c in searcher.candidates([name], **kwargs)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Hikvision", "a:1"),
        ("Hik Vision Digital Technology", "a:1"),  # split token meets joined one
        ("HikVision Trading", "b:4"),  # joined token meets split one
        ("海康威视", "a:1"),  # Chinese script against the Chinese name
        ("Haikang Weishi", "a:1"),  # pinyin against the Chinese name
        ("Moammar Gadafi", "a:2"),  # spelling variants (fuzzy and phonetic)
        ("Qadhafi Muammar", "a:2"),  # order swapped
        ("Huawey Technologies", "a:3"),  # a typo
        ("Kim Jong-un", "b:5"),
        ("김정은", "b:5"),
        ("Abdulrahman Al Sayed", "b:6"),
        ("Roga i Kopyta", "b:7"),  # Latin query against a Cyrillic name
        ("AOTRANSMASHHOLDING", "b:8"),  # a legal form glued to the name, no spaces
        ("TransmashholdingOOO", "b:8"),
        ("transmashholdingjsc", "b:8"),
        ("Z.T.E. Corp", "b:9"),  # one word as a company, four parts as a person
    ],
)
def test_variants_are_candidates(searcher: IndexSearcher, query: str, expected: str) -> None:
    assert expected in found(searcher, query)[:3]


def test_unrelated_name_gets_no_candidates(searcher: IndexSearcher) -> None:
    assert found(searcher, "Zyxwvut Qqqq") == []


def test_candidate_set_is_small(searcher: IndexSearcher) -> None:
    # a common token shared by 200 filler names must not flood the scorer
    assert len(found(searcher, "Example")) <= searcher.params.max_candidates


def test_identifier_lookup_ignores_punctuation(searcher: IndexSearcher) -> None:
    result = searcher.candidates(["Someone Else"], identifiers=["b 1234567"])
    assert [c.entity_id for c in result] == ["a:2"]


def test_source_filter(searcher: IndexSearcher) -> None:
    assert found(searcher, "Hikvision", sources=["b"]) == ["b:4"]
    assert found(searcher, "Hikvision", sources=["nope"]) == []


def test_entities_round_trip_through_the_index_without_their_record() -> None:
    entity = make("a", "r", "Person", "Some Body")
    entity.record = {"raw": "source line"}
    data = build_index([*ENTITIES[:3], entity], "k")
    assert data.entity(1).to_dict() == ENTITIES[1].to_dict()
    assert data.entity(3).to_dict() == {**entity.to_dict(), "record": {}}


class _Store:
    def __init__(self, key: str, entities: list[Entity]) -> None:
        self.key, self.entities, self.reads = key, entities, 0

    def state_key(self) -> str:
        return self.key

    def iter_entities(self, sources: list[str] | None = None) -> list[Entity]:
        self.reads += 1
        return list(self.entities)


def test_persisted_index_is_reused_until_the_state_changes(tmp_path: Path) -> None:
    store = _Store("v1", ENTITIES[:5])
    first = ensure_index(store, tmp_path)  # type: ignore[arg-type]
    again = ensure_index(store, tmp_path)  # type: ignore[arg-type]
    assert store.reads == 1 and again.entity_ids == first.entity_ids
    store.key, store.entities = "v2", ENTITIES[:2]
    rebuilt = ensure_index(store, tmp_path)  # type: ignore[arg-type]
    assert store.reads == 2 and rebuilt.entity_ids == ["a:1", "a:2"]
    assert load_index(tmp_path, "v1") is None  # the stale file is gone
    assert len(list(tmp_path.glob("names-*.pkl"))) == 1


def test_persisted_index_is_rebuilt_when_the_normalisation_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _Store("v1", ENTITIES[:2])
    ensure_index(store, tmp_path)  # type: ignore[arg-type]
    monkeypatch.setattr(persist, "normaliser_fingerprint", lambda root: "another normaliser")
    ensure_index(store, tmp_path)  # type: ignore[arg-type]
    assert store.reads == 2
    assert len(list(tmp_path.glob("names-*.pkl"))) == 1


def test_normaliser_fingerprint_follows_the_reference_tables(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    table = tmp_path / "data" / "legal_forms.yaml"
    table.write_text("forms: [a]\n")
    before = persist.normaliser_fingerprint(tmp_path)
    table.write_text("forms: [a, b]\n")
    persist.normaliser_fingerprint.cache_clear()
    assert persist.normaliser_fingerprint(tmp_path) != before


def test_corrupt_index_file_is_rebuilt(tmp_path: Path) -> None:
    path = save_index(build_index(ENTITIES[:2], "v1"), tmp_path)
    path.write_bytes(b"not a pickle")
    assert load_index(tmp_path, "v1") is None
    store = _Store("v1", ENTITIES[:2])
    assert ensure_index(store, tmp_path).size == 2  # type: ignore[arg-type]


def test_keys_join_adjacent_tokens() -> None:
    keys = name_keys(token_forms("Hik Vision")[0])
    assert "hikvision" in keys and "hik" in keys and "vision" in keys


def test_identifier_key() -> None:
    assert identifier_key(" ab-12 34/5 ") == "AB12345"


names = st.text(alphabet=st.characters(categories=["L", "N", "Zs", "P"]), min_size=1, max_size=40)


@given(names)
@settings(max_examples=200, deadline=None)
def test_tokens_are_lower_ascii_alnum(value: str) -> None:
    for toks in token_forms(value):
        for token in toks:
            assert token and token.isascii() and token.isalnum() and token == token.lower()


@given(st.lists(names, min_size=1, max_size=8))
@example(["A䖘A"])  # a romanised syllable read as a legal form ("yu") between two initials
@example(["A GmbH B"])
@settings(max_examples=60, deadline=None)
def test_every_indexed_name_finds_its_entity(values: list[str]) -> None:
    entities = [make("h", str(i), "Person", v) for i, v in enumerate(values)]
    searcher = IndexSearcher(build_index(entities, "h"))
    for i, value in enumerate(values):
        if token_forms(value, "Person"):
            assert f"h:{i}" in found(searcher, value)


def test_split_query_of_a_joined_name_alone_is_a_candidate() -> None:
    # neither "hik" nor "vision" is a token of any indexed name: only "hikvision" is
    entities = [ENTITIES[0], ENTITIES[2], *ENTITIES[7:]]
    searcher = IndexSearcher(build_index(entities, "joined"))
    assert found(searcher, "Hik Vision")[:1] == ["a:1"]


@pytest.mark.parametrize(
    ("name", "schema", "forms"),
    [
        # a legal form makes a name an organisation's: its words are not looked up
        ("前田印刷有限会社", "Company", [("qian", "tian", "yin", "shua"), ("maeda", "insatsu")]),
        ("Acme Trading GmbH", "LegalEntity", [("acme", "trading")]),
        # unless the query says it is a person's
        ("Acme Trading GmbH", "Person", [("acme", "trading", "gmbh"), ("acme", "trading")]),
        # without a legal form, a name is read both ways, whatever its schema
        ("Dr. Maria Schmidt", "Company", [("dr", "maria", "schmidt"), ("maria", "schmidt")]),
    ],
)
def test_query_forms_read_a_name_by_its_kind(
    name: str, schema: str, forms: list[tuple[str, ...]]
) -> None:
    assert query_forms(name, schema) == forms
