"""The early exit of screening is safe: the name bound is never below the name score, and
``score_above`` returns exactly what ``score`` does whenever that reaches the floor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.match.bounds import name_bound
from clearance.match.names import compare_forms
from clearance.match.scorer import Matcher
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
