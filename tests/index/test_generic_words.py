"""An organisation's generic words (the business-term tables' English and their terms
romanised) reach no row on their own: a short company name is a candidate of the names that
share its own part, not of every "... Technology"."""

from __future__ import annotations

import pytest

from clearance.index import IndexSearcher, SearchParams, build_index
from clearance.model import Entity, Listing
from clearance.text.business import generic_positions


def make(sid: str, schema: str, *names: str) -> Entity:
    entity = Entity(source="a", source_id=sid, schema=schema)
    for value in names:
        entity.add_name(value)
    entity.listings.append(Listing(list="SDN", effect="blocking", programs=("SDGT",)))
    return entity


ENTITIES = [
    make("yangtze", "Company", "Yangtze Memory Technologies Co., Ltd.", "长江存储科技有限责任公司"),
    make("megvii", "Company", "Beijing Megvii Technology Co., Ltd.", "北京旷视科技有限公司"),
    make("cloudwalk", "Company", "CloudWalk Technology Co., Ltd.", "云从科技集团股份有限公司"),
    make("neros", "Company", "Neros Technologies", "尼罗斯科技"),
    make("saronic", "Company", "Saronic Technologies", "萨罗尼克科技"),
    make("jc", "Company", "JC Technology", "中硕科技"),
    make("hyweb", "Company", "Hyweb Technology", "凌网科技"),
    make("dji", "Company", "SZ DJI Technology Co., Ltd.", "深圳市大疆创新科技有限公司"),
    make("chuanghui", "Company", "Chuanghui Technology Co., Ltd.", "创汇科技有限公司"),
    make("person", "Person", "Ke Ji"),
]
for i in range(200):  # filler so that weights behave like a real list
    ENTITIES.append(make(f"f{i}", "Person", f"Filler{i} Person{i % 17} Example"))

#: the monitor's retrieval: every row at or above the coverage cut
WIDE = SearchParams(max_candidates=1000, relative_cutoff=0.0)


@pytest.fixture(scope="module")
def searcher() -> IndexSearcher:
    return IndexSearcher(build_index(ENTITIES, "generic"), WIDE)


def found(searcher: IndexSearcher, name: str, schema: str = "Company") -> set[str]:
    return {c.entity_id.split(":")[1] for c in searcher.candidates([name], schema=schema)}


@pytest.mark.parametrize(
    ("query", "expected", "not_expected"),
    [
        # the own part shared: found, generic words and all
        ("创汇科技有限公司", {"chuanghui"}, {"megvii", "cloudwalk", "jc", "hyweb", "neros"}),
        ("Chuanghui Technology", {"chuanghui"}, {"neros", "saronic", "jc", "hyweb"}),
        ("大疆科技", {"dji"}, {"yangtze", "megvii", "neros", "saronic"}),
        ("Megvii Technology Group", {"megvii"}, {"neros", "saronic", "jc", "hyweb"}),
        ("旷视科技", {"megvii"}, {"jc", "hyweb", "neros"}),
        # nothing of its own shared: "technology" and "ke ji" alone reach nothing
        ("Zyxwvut Technology Co., Ltd.", set(), {"yangtze", "megvii", "neros", "jc", "hyweb"}),
    ],
)
def test_generic_words_alone_reach_no_company(
    searcher: IndexSearcher, query: str, expected: set[str], not_expected: set[str]
) -> None:
    got = found(searcher, query)
    assert expected <= got
    assert not got & not_expected


def test_a_name_of_generic_words_only_is_searched_as_it_is(searcher: IndexSearcher) -> None:
    # no own part to weigh them against: the words are the name
    assert "person" in found(searcher, "Ke Ji", schema="Person")
    assert {"neros", "saronic", "jc", "hyweb"} & found(searcher, "Technology")


@pytest.mark.parametrize(
    ("toks", "flags"),
    [
        (("chuang", "hui", "ke", "ji"), (False, False, True, True)),
        (("chuanghui", "science", "technology"), (False, True, True)),
        # a single syllable of a term is no generic word by itself
        (("ke", "wang"), (False, False)),
    ],
)
def test_generic_positions(toks: tuple[str, ...], flags: tuple[bool, ...]) -> None:
    assert generic_positions(toks) == flags
