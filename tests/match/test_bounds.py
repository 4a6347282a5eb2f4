"""The early exit of screening is safe: the name bound is never below the name score, and
``score_above`` returns exactly what ``score`` does whenever that reaches the floor.

The bound is built beside each reading (``clearance.match.names``, ``clearance.match.parts``);
these tests are what keeps the two in step: on every table case, both ways round, and on
generated pairs, random ones and near ones (a case's name with a word dropped, added, moved
or misspelled), in every script the readings know."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.match.names import _merge, compare_forms, name_bound
from clearance.match.scorer import Matcher
from clearance.match.tokens import (
    MIN_SIM,
    org_token_similarity,
    spelling_may_align,
    spelling_profile,
    token_similarity,
)
from clearance.model import Entity, Query
from clearance.text.keys import name_forms

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8")
)["cases"]
NAMES = sorted({c[k] for c in CASES for k in ("a", "b")})
SCHEMATA = ("Person", "Company", "Organization", "Vessel", "LegalEntity")
#: name parts that exercise every reading: initials, particles, legal forms, numbers, joined
#: spellings, nicknames, geographic and activity words, other scripts
WORDS = [
    *{w for n in NAMES for w in n.replace(",", " ").split()},
    "A.", "M", "al", "bin", "LLC", "GmbH", "OOO", "No. 7", "12", "sea", "lion", "sealion",
    "Bob", "Robert", "Kenya", "Trading", "Oil", "Иван", "محمد", "金", "正恩",
    "דוד", "משה", "김", "정은", "やまだ", "タロウ", "王涛", "科技", "有限公司", "ООО", "شركة",
    "Ltd", "Co.", "(Shanshan)", "Group", "13th", "No.", "Abdul", "Rahman", "Abdulrahman",
]  # fmt: skip


def _assert_bounded(a: str, b: str, schema: str) -> None:
    for left in name_forms(a, schema):
        for right in name_forms(b, schema):
            score = compare_forms(left, right).score
            assert name_bound(left, right) >= score - 1e-12, (a, b, schema, score)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['a']}|{c['b']}")
def test_bound_covers_case_pairs(case: dict[str, Any]) -> None:
    schema = case.get("schema", "LegalEntity")
    _assert_bounded(case["a"], case["b"], schema)
    _assert_bounded(case["b"], case["a"], schema)


name_text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(name_text, name_text, st.sampled_from(SCHEMATA))
def test_bound_covers_generated_pairs(a: str, b: str, schema: str) -> None:
    _assert_bounded(a, b, schema)


def _near(name: str, edit: int, word: str, at: int) -> str:
    """``name`` with one edit: a word dropped, a word added, two words swapped, a letter
    changed."""
    words = name.replace(",", " ").split() or [word]
    i = at % len(words)
    if edit == 0 and len(words) > 1:
        del words[i]
    elif edit == 1:
        words.insert(i, word)
    elif edit == 2:
        words[0], words[i] = words[i], words[0]
    else:
        w = words[i]
        k = at % len(w)
        words[i] = w[:k] + ("e" if w[k] != "e" else "a") + w[k + 1 :]
    return " ".join(words)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(CASES),
    st.integers(0, 3),
    st.sampled_from(WORDS),
    st.integers(0, 20),
    st.booleans(),
    st.sampled_from((None, *SCHEMATA)),
)
def test_bound_covers_near_pairs(
    case: dict[str, Any], edit: int, word: str, at: int, swap: bool, schema: str | None
) -> None:
    a, b = case["a"], _near(case["b"], edit, word, at)
    if swap:
        a, b = b, a
    _assert_bounded(a, b, schema or case.get("schema", "LegalEntity"))


@settings(max_examples=200, deadline=None)
@given(
    name_text,
    st.lists(name_text, min_size=1, max_size=3),
    st.sampled_from(SCHEMATA),
    st.sampled_from(["", "1970", "1970-01-02", "1985"]),
    st.sampled_from([(), ("ru",), ("us",)]),
    st.sampled_from([0.3, 0.5, 0.7, 0.85]),
)
def test_score_above_agrees_with_score(
    query_name: str,
    names: list[str],
    schema: str,
    birth: str,
    country: tuple[str, ...],
    floor: float,
) -> None:
    entity = Entity(source="test", source_id="1", schema=schema)
    for i, name in enumerate(names):
        entity.add_name(name, kind="weakAlias" if i == 2 else "name" if i == 0 else "alias")
    entity.add("birthDate", "1970-01-02")
    entity.add("nationality", "ru")
    matcher = Matcher()
    query = Query(name=query_name, schema=schema, birth_date=birth, country=country)
    full = matcher.score(query, matcher.prepare(entity))
    fast = matcher.score_above(query, matcher.prepare(entity), floor)
    if fast is None:
        assert full.score < floor
    else:
        assert fast == full


def test_qualifiers_alone_rule_out_without_comparing_names() -> None:
    # the same name, but a contradicting full birth date and nationality: no name score can
    # lift it to a high floor, so the names are never compiled, let alone aligned
    entity = Entity(source="test", source_id="1", schema="Person")
    entity.add_name("Ivan Petrov")
    entity.add("birthDate", "1970-01-02")
    entity.add("nationality", "ru")
    matcher = Matcher()
    query = Query(name="Ivan Petrov", schema="Person", birth_date="1981-06-30", country=("de",))
    prepared = matcher.prepare(entity)
    full = matcher.score(query, matcher.prepare(entity))
    assert full.score < 0.85
    assert matcher.score_above(query, prepared, 0.85) is None
    assert prepared._names is None
    # a reachable floor compiles them and gives score's result
    assert matcher.score_above(query, prepared, 0.3) == full
    assert prepared._names is not None


#: tokens as the aligner sees them: Latin letters, digits, other scripts' letters, initials
token_text = st.text(
    alphabet=st.sampled_from("abcdeghiklmnorstuyz0123456789éøжд"), min_size=1, max_size=12
)
#: and the words of the nickname and romanisation groups, which skip the letter test
group_words = st.sampled_from(
    ["bob", "robert", "rob", "bill", "william", "liz", "elizabeth", "kang", "gang", "lee", "yi"]
)


@st.composite
def near_token(draw: st.DrawFn) -> tuple[str, str]:
    """A token and a spelling of it a few edits away (the pairs the test must never skip)."""
    a = draw(token_text)
    b = list(a)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(b)))
        letter = draw(st.sampled_from("aeiouhkyz"))
        match draw(st.sampled_from(["swap", "drop", "add"])):
            case "swap" if at < len(b):
                b[at] = letter
            case "drop" if at < len(b) and len(b) > 1:
                del b[at]
            case _:
                b.insert(at, letter)
    return a, "".join(b)


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(
        st.tuples(st.one_of(token_text, group_words), st.one_of(token_text, group_words)),
        near_token(),
    )
)
def test_spelling_prefilter_never_skips_an_alignable_pair(pair: tuple[str, str]) -> None:
    """Screening skips a pair of parts the letter test rejects: their similarity must then be
    at most MIN_SIM, under both spelling similarities."""
    a, b = pair
    if a == b or spelling_may_align(spelling_profile(a), spelling_profile(b)):
        return
    assert token_similarity(a, b)[0] <= MIN_SIM, (a, b)
    assert org_token_similarity(a, b)[0] <= MIN_SIM, (a, b)


def test_spelling_prefilter_rejects_unrelated_words() -> None:
    """The test is worth having: parts of two unrelated names are mostly told apart by letters."""
    pairs = [("trading", "bank"), ("mohammed", "kurt"), ("shipping", "oil"), ("wei", "kumar")]
    assert not any(spelling_may_align(spelling_profile(a), spelling_profile(b)) for a, b in pairs)
    assert spelling_may_align(spelling_profile("mohammed"), spelling_profile("muhammad"))


@pytest.mark.parametrize(
    ("toks", "other", "merged"),
    [
        (("abd", "allah"), {"abdallah"}, ("abdallah",)),
        (("zhong", "xing", "tong", "xun"), {"zhongxing", "telecom"}, ("zhongxing", "tong", "xun")),
        # skeletons: a vowel mark after the first is dropped when joined
        (("-bd", "-lh"), {"-bdlh"}, ("-bdlh",)),
        # and a particle's mark too: two letters fewer than the parts written out
        (("-=l", "-bd"), {"-lbd"}, ("-lbd",)),
        (("-=l", "hsn", "-bd"), {"-lhsn", "bd"}, ("-lhsn", "-bd")),
    ],
)
def test_merge_joins_runs_that_spell_a_part(
    toks: tuple[str, ...], other: set[str], merged: tuple[str, ...]
) -> None:
    """The first-letter and length tests that spare most runs their join never spare a run
    that, written together, is a part of the other name."""
    assert _merge(toks, frozenset(other)) == merged


@pytest.mark.parametrize("word", ["china", "chinese", "acme", "northern"])
def test_an_organisation_word_is_itself_exactly(word: str) -> None:
    """The same word is an exact match, not one of the country-adjective table's pairs."""
    assert org_token_similarity(word, word) == (1.0, "exact")
