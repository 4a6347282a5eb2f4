"""The narrowed lookup rule of the delta: when :func:`drift.keeps_others` says a long token's
fuzzy lookup keeps the same tokens beside those that appeared or vanished, the index's own
lookup (``IndexSearcher._similar_tokens``) agrees, on generated vocabularies crowded enough
that the lookup's limit bites."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.index import IndexSearcher, build_index
from clearance.index.build import IndexData
from clearance.model import Entity, Listing
from clearance.monitor import drift
from clearance.monitor.screening import MONITOR_PARAMS

STEM = "alexandrova"
LETTERS = "aeiouknrstv"


def _variant(edits: list[tuple[int, str]]) -> str:
    letters = list(STEM)
    for position, letter in edits:
        letters[1 + position % (len(STEM) - 1)] = letter  # the first letter stays: one bucket
    return "".join(letters)


variants = st.lists(
    st.tuples(st.integers(0, 20), st.sampled_from(LETTERS)), min_size=1, max_size=3
).map(_variant)


def _index(words: list[str]) -> IndexData:
    entities = []
    for n, word in enumerate(sorted(set(words))):
        entity = Entity("s", str(n), "Person")
        entity.add_name(f"{word} {LETTERS[n % len(LETTERS)] * 4}")
        entity.listings.append(Listing("SDN", "blocking"))
        entities.append(entity)
    return build_index(entities)


def _lookup(index: IndexData, token: str) -> set[str]:
    found = IndexSearcher(index, MONITOR_PARAMS)._similar_tokens(token)
    return {other for other, _sim in found if len(other) == len(token)}


@settings(max_examples=60, deadline=None)
@given(
    kept=st.lists(variants, min_size=5, max_size=30),
    gone=st.lists(variants, max_size=6),
    added=st.lists(variants, max_size=6),
    token=variants,
)
def test_a_lookup_said_unchanged_is_unchanged(
    kept: list[str], gone: list[str], added: list[str], token: str
) -> None:
    old, new = _index(kept + gone), _index(kept + added)
    appeared = set(new.vocab) - set(old.vocab)
    vanished = set(old.vocab) - set(new.vocab)
    moved = drift.keeps_others(old, new, token, len(token), MONITOR_PARAMS, appeared, vanished)
    before, after = _lookup(old, token) - vanished, _lookup(new, token) - appeared
    if not moved:
        assert before == after
    if before != after:
        assert moved


def test_a_new_token_that_pushes_a_weaker_one_out_is_found() -> None:
    # two letters away (one-letter neighbours are found whatever the limit)
    near = [_variant([(n, "k"), (n + 3, "t")]) for n in range(9)]
    near += [_variant([(n, "s"), (n + 4, "v")]) for n in range(9)]
    old = _index(near)
    token = STEM
    crowded = _index([*near, STEM])  # the token itself, the best match, pushes the weakest out
    appeared = set(crowded.vocab) - set(old.vocab)
    assert len(_lookup(old, token)) == MONITOR_PARAMS.fuzzy_limit
    assert drift.keeps_others(old, crowded, token, len(token), MONITOR_PARAMS, appeared, set())
    # a new token in an uncrowded bucket changes nothing else
    few = near[:3]
    assert not drift.keeps_others(
        _index(few), _index([*few, STEM]), token, len(token), MONITOR_PARAMS, {STEM}, set()
    )
