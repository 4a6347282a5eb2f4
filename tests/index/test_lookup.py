"""The one-edit token lookup: the filter of known hashes rules out only variants that no token
and no key of the index has, so the lookup finds what a search of every variant finds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from clearance.index import IndexSearcher, build_index
from clearance.index.keys import deletions, variant_hash
from clearance.index.search import HASH_FILTER_BITS, known_hashes
from clearance.model import Entity

NAMES = [
    "Hangzhou Hikvision Digital Technology Co., Ltd.",
    "Muammar Qaddafi",
    "Blue Star Trading",
    "Bluestar Shipping",
    "Kim Jong Un",
    "Abdul Rahman al-Sayed",
    "AO Transmashholding",
    "Shenzhen Bluestar Digital Technology",
    "Johnathan Smithers",
]

#: tokens of the names, and adjacent tokens written together (keys, but no token's)
WORDS = [
    *("hikvision", "bluestar", "qaddafi", "smithers", "transmashholding", "johnathan"),
    *("kimjongun", "abdulrahman", "bluestartrading", "jongun"),
]


def entity(sid: str, name: str) -> Entity:
    out = Entity(source="t", source_id=sid, schema="LegalEntity")
    out.add_name(name)
    return out


@pytest.fixture(scope="module")
def searcher() -> IndexSearcher:
    return IndexSearcher(build_index([entity(str(i), n) for i, n in enumerate(NAMES)], "s"))


def in_filter(bits: bytes, value: str) -> bool:
    slot = variant_hash(value) >> (32 - HASH_FILTER_BITS)
    return bool(bits[slot >> 3] >> (slot & 7) & 1)


def searched(searcher: IndexSearcher, token: str) -> set[str]:
    """The tokens and keys one edit from ``token``, every variant searched (no filter)."""
    data = searcher.data
    variants = deletions(token)
    hashes = np.array([variant_hash(v) for v in (token, *variants)], dtype=np.uint32)
    lo = np.searchsorted(data.delete_hash, hashes, side="left").tolist()
    hi = np.searchsorted(data.delete_hash, hashes, side="right").tolist()
    found = {data.tokens[i] for a, b in zip(lo, hi, strict=True) for i in data.delete_token[a:b]}
    found.update(v for v in variants if v in data.vocab)
    found.discard(token)
    return found


def test_every_known_hash_is_in_the_filter(searcher: IndexSearcher) -> None:
    bits = known_hashes(searcher.data)
    assert len(bits) == 1 << (HASH_FILTER_BITS - 3)
    for key in searcher.data.vocab:
        assert in_filter(bits, key)
    slots = searcher.data.delete_hash >> (32 - HASH_FILTER_BITS)
    assert all(bits[s >> 3] >> (s & 7) & 1 for s in slots.tolist())
    # and it is a filter, not a set of every hash
    assert sum(bin(b).count("1") for b in bits) < len(bits) * 8 // 100


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(WORDS),
    st.integers(0, 20),
    st.sampled_from(["", "x", "a", "e"]),
)
def test_lookup_finds_what_a_full_search_finds(
    searcher: IndexSearcher, word: str, cut: int, extra: str
) -> None:
    token = (word[:cut] + extra + word[cut + 1 :]) if cut < len(word) else word + extra
    expected = {t for t in searched(searcher, token) if near(searcher, token, t)}
    assert {t for t, _ in searcher._similar_tokens(token, long=False)} == expected


@given(st.text(alphabet="abcdehijklmnorstuvxyz", min_size=4, max_size=16))
@settings(max_examples=300, deadline=None)
def test_lookup_of_any_token(searcher: IndexSearcher, token: str) -> None:
    expected = {t for t in searched(searcher, token) if near(searcher, token, t)}
    assert {t for t, _ in searcher._similar_tokens(token, long=False)} == expected


def near(searcher: IndexSearcher, token: str, other: str) -> bool:
    """Similar enough to stand for ``token`` (as the lookup keeps what it finds)."""
    return fuzz.ratio(token, other) / 100.0 * 100 >= searcher.params.fuzzy_cutoff
