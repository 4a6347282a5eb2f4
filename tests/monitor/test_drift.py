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


def _rank(gained: float, form: float, norm: float, power: float) -> float:
    """A row's rank as the search computes it (``IndexSearcher.rank_rows``)."""
    return min(gained / form, 1.0) * (form / max(norm, form)) ** power


#: a weight that moves, or one that does not (each factor's bound is then met on its own)
factors = st.just(1.0) | st.floats(0.7, 1.4)
widening = st.just(0.0) | st.floats(0.0, 0.3)


@settings(max_examples=500, deadline=None)
@given(
    gained=st.floats(0.01, 50.0),
    form=st.floats(0.01, 50.0),
    norm=st.floats(0.01, 50.0),
    moves=st.tuples(factors, factors, factors),
    ranges=st.tuples(*[widening] * 6),
)
def test_a_rank_moves_within_the_rank_factor(
    gained: float,
    form: float,
    norm: float,
    moves: tuple[float, float, float],
    ranges: tuple[float, ...],
) -> None:
    """Whatever the gained weight, the form weight and the row's norm move by within their
    ranges (each holding 1 and the move), the rank moves within the bound either way, and
    rises and falls within the bound of its way; the form weight's range may be narrower
    than the gained weight's (a key reached, not owned)."""
    g, w, n = moves
    g_low, g_high = min(g, 1.0) * (1 - ranges[0]), max(g, 1.0) * (1 + ranges[1])
    w_low, w_high = min(w, 1.0) * (1 - ranges[2]), max(w, 1.0) * (1 + ranges[3])
    n_low, n_high = min(n, 1.0) * (1 - ranges[4]), max(n, 1.0) * (1 + ranges[5])
    power = MONITOR_PARAMS.name_norm_power
    bound = drift.rank_factor(g_low, g_high, w_low, w_high, n_low, n_high, power)
    up, down = drift.rank_factors(g_low, g_high, w_low, w_high, n_low, n_high, power)
    before = _rank(gained, form, norm, power)
    after = _rank(gained * g, form * w, norm * n, power)
    assert before / down <= after <= before * up
    assert max(up, down) == bound


def test_a_key_reached_but_not_owned_moves_ranks_less() -> None:
    """A shifted key a party only reaches (a spelling of its token) moves its ranks less than
    one of its own parts, which moves the form weight too; with nothing shifted, the bound is
    the step's common one."""
    low, high, shifted, power = 0.999, 1.001, 0.93, MONITOR_PARAMS.name_norm_power
    common = drift.rank_factor(low, high, low, high, low, high, power)
    reached = drift.rank_factor(shifted, high, low, high, low, high, power)
    owned = drift.rank_factor(shifted, high, shifted, high, low, high, power)
    assert common < reached < owned
    assert abs(common - (high / low) ** (1 + power) * (1 + drift.ROUNDING)) < 1e-12


def test_a_weight_moving_one_way_moves_ranks_further_that_way_only() -> None:
    """A key a party reaches that became more common (its weight fell) can make the rows
    holding it fall further than the step's common drift, not rise further; one that became
    rarer, the other way round."""
    low, high, power = 0.999, 1.001, MONITOR_PARAMS.name_norm_power
    up, down = drift.rank_factors(low, high, low, high, low, high, power)
    assert up == down
    fell = drift.rank_factors(0.9, high, low, high, low, high, power)
    assert fell[0] == up and fell[1] > down
    rose = drift.rank_factors(low, 1.1, low, high, low, high, power)
    assert rose[0] > up and rose[1] == down
