"""How far the ranks of a party's search can move from one index to the next without any name
of the party or of the entities it reaches changing. Pure: two indexes in, facts out.

A row's rank in a search is ``min(gained / w, 1) * (w / max(norm, w)) ** power``: ``gained``
sums index weights of keys (times similarities that do not depend on the index), ``w`` is a
sum of index weights of the query's parts, ``norm`` the sum of the row's own token weights. A
key's weight is ``log1p(rows / rows holding it)``: when the lists change, every weight moves a
little (the number of rows changes) and the weights of keys whose rows changed move more.

If every weight a search uses moves by a factor within ``[a, b]`` and every row norm within
``[a', b']``, every rank moves by a factor within ``U = (b / a) * (max(b, b') / min(a, a')) **
power`` either way. :func:`analyse` finds, for one step from an old index to a new one:

* the band ``[a, b]`` every weight of a key held by the same rows moves within (widened by a
  small tolerance), and the keys outside it (``shifted``): a search using one of them moves
  more than ``U``, and is bounded on its own (``shifted`` with each key's factor);
* the rows of unchanged entities whose norm moved outside the band (``moved``), likewise;
* what changes which keys a search looks up at all: keys that appeared or vanished, and tokens
  whose frequency crossed the line above which the search looks them up exactly only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from clearance.index.build import IndexData
from clearance.index.keys import name_keys
from clearance.index.search import SearchParams

#: how much further than the row count's own effect a key's weight may move and still count
#: as moving with all the others (a wider band makes fewer keys ``shifted`` but every rank's
#: bound looser)
TOLERANCE = 0.0005
#: the bound is widened by this much for the rounding of sums of float32 weights
ROUNDING = 1e-6


@dataclass
class Step:
    """What moved from one index to the next (see the module's docstring)."""

    #: every rank of a search that uses no shifted key and reaches no moved row moves by a
    #: factor within ``[1 / bound, bound]``
    bound: float
    #: every weight of such a search moves by a factor of at least ``low``
    low: float
    high: float
    #: key -> factor its weight moved by, for keys outside the band
    shifted: dict[str, float] = field(default_factory=dict)
    #: row of the new index -> factor its norm moved by, for rows of unchanged entities
    #: outside the band
    moved: dict[int, float] = field(default_factory=dict)
    appeared: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    #: tokens the search now looks up exactly only, or no longer exactly only
    flips: list[str] = field(default_factory=list)

    def party_bound(self, low: float, high: float, norm_low: float, norm_high: float,
                    power: float) -> float:  # fmt: skip
        """The rank bound of a search whose weights moved within ``[low, high]`` and whose rows'
        norms within ``[norm_low, norm_high]`` (each at least the band)."""
        low, high = min(low, self.low), max(high, self.high)
        return float(rank_factor(low, high, low, high, norm_low, norm_high, power))


def rank_factor(gained_low: Any, gained_high: Any, form_low: Any, form_high: Any,
                norm_low: Any, norm_high: Any, power: float) -> Any:  # fmt: skip
    """The factor within which a rank ``min(gained / w, 1) * (w / max(norm, w)) ** power`` moves
    either way when ``gained`` moves within ``[gained_low, gained_high]``, the form weight
    ``w`` within ``[form_low, form_high]`` and the row's norm within ``[norm_low,
    norm_high]`` (each range holding 1; floats or arrays of them, one per search).

    ``gained`` sums the weights of the keys a search reaches, ``w`` those of the query's own
    parts only: a key a party reaches only as a spelling, sound or derived key of its tokens
    moves its ranks through ``gained`` alone. Each factor is bounded on its own: ``gained /
    w`` (capped at 1, which only narrows the move) moves within ``[gained_low / form_high,
    gained_high / form_low]``; ``w / max(norm, w)`` by ``w'/w * max(norm, w) / max(norm',
    w')``, at most ``max(form_high / norm_low, 1)`` and at least ``min(form_low / norm_high,
    1)``."""
    up, down = rank_factors(gained_low, gained_high, form_low, form_high, norm_low, norm_high,
                            power)  # fmt: skip
    return np.maximum(up, down)


def rank_factors(gained_low: Any, gained_high: Any, form_low: Any, form_high: Any,
                 norm_low: Any, norm_high: Any, power: float) -> tuple[Any, Any]:  # fmt: skip
    """:func:`rank_factor` one way at a time: the factor a rank may rise by, and the factor it
    may fall by. A rank under the coverage cut reaches it only by rising, one above it drops
    under it only by falling, so each is bounded by the moves of its own way alone."""
    up = np.maximum(gained_high / form_low, 1.0) * np.maximum(form_high / norm_low, 1.0) ** power
    down = np.maximum(form_high / gained_low, 1.0) * np.maximum(norm_high / form_low, 1.0) ** power
    return up * (1 + ROUNDING), down * (1 + ROUNDING)


def _df(data: IndexData) -> np.ndarray:
    return np.diff(data.offsets)


def _common(data: IndexData, params: SearchParams) -> int:
    return max(int(len(data.name_entity) * params.common_fraction), 50)


def entity_rows(data: IndexData) -> dict[str, tuple[int, int]]:
    """entity id -> its rows ``[start, end)`` (an entity's rows are contiguous)."""
    owners = data.name_entity
    if not len(owners):
        return {}
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    ends = np.r_[starts[1:], len(owners)]
    return {
        data.entity_ids[int(owners[s])]: (int(s), int(e))
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    }


def row_keys(data: IndexData, row: int) -> dict[str, float]:
    """The keys of a row of an index, each with its weight there."""
    toks = tuple(data.name_text[row].split(" ")) if data.name_text[row] else ()
    out: dict[str, float] = {}
    for key in name_keys(toks):
        kid = data.vocab.get(key)
        if kid is not None:
            out[key] = float(data.idf[kid])
    return out


def fuzzy_kept(data: IndexData, token: str, length: int, params: SearchParams) -> dict[str, float]:
    """The tokens of ``length`` letters a search's fuzzy lookup of the long token ``token`` keeps
    in ``data`` (the best ``fuzzy_limit`` at the cutoff or above), each with its ratio: as
    :meth:`clearance.index.IndexSearcher._similar_tokens` finds them."""
    bucket = data.buckets.get((token[0], length)) if token else None
    if bucket is None:
        return {}
    return {
        other: score
        for other, score, _ in process.extract(
            token, bucket[0], scorer=fuzz.ratio, score_cutoff=params.fuzzy_cutoff,
            limit=params.fuzzy_limit,
        )
    }  # fmt: skip


def keeps_others(old: IndexData, new: IndexData, token: str, length: int, params: SearchParams,
                 appeared: Collection[str], vanished: Collection[str]) -> bool:  # fmt: skip
    """Whether the fuzzy lookup of ``token`` among tokens of ``length`` letters keeps, in
    ``new``, a token it did not keep in ``old`` or drops one it kept, other than tokens that
    appeared or vanished between them. Those only reach rows of entities that changed (an
    unchanged entity's rows hold the same keys in both indexes), which the delta scores on
    their own; a token kept or dropped beside them (a new token pushed a weaker one out of the
    best few, or a vanished one let it in) changes the weight of rows of unchanged entities."""
    before = fuzzy_kept(old, token, length, params)
    after = fuzzy_kept(new, token, length, params)
    gained = any(k not in before and k not in appeared for k in after)
    return gained or any(k not in after and k not in vanished for k in before)


def analyse(old: IndexData, new: IndexData, changed: Collection[str], params: SearchParams) -> Step:
    """The drift from ``old`` to ``new``; ``changed``: ids of the entities added, removed or
    changed between them (their rows are not compared)."""
    df_old, df_new = _df(old), _df(new)
    n_old, n_new = max(len(old.name_entity), 1), max(len(new.name_entity), 1)
    # a key held by as many rows in both moves by the same factor as every key of its
    # frequency: the band spans every frequency present (and 1: unknown tokens weigh as rare)
    frequencies = np.unique(np.concatenate([df_old, df_new, [1]])).astype(np.float64)
    factors = np.log1p(n_new / frequencies) / np.log1p(n_old / frequencies)
    low = float(factors.min()) / (1 + TOLERANCE) / (1 + ROUNDING)
    high = float(factors.max()) * (1 + TOLERANCE) * (1 + ROUNDING)
    step = Step(bound=1.0, low=low, high=high)
    keys = list(old.vocab)
    kids = np.fromiter(old.vocab.values(), dtype=np.int64, count=len(keys))
    nids = np.fromiter((new.vocab.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))
    kept = nids >= 0
    step.vanished = [keys[i] for i in np.flatnonzero(~kept).tolist()]
    step.appeared = [key for key in new.vocab if key not in old.vocab]
    both, kids, nids = np.flatnonzero(kept), kids[kept], nids[kept]
    common = (df_old[kids] > _common(old, params)) != (df_new[nids] > _common(new, params))
    step.flips = [keys[i] for i in both[common].tolist()]
    factor = new.idf[nids].astype(np.float64) / old.idf[kids].astype(np.float64)
    out = (factor < low) | (factor > high)
    step.shifted = dict(zip([keys[i] for i in both[out].tolist()], factor[out].tolist(),
                            strict=True))  # fmt: skip
    step.moved = _moved(old, new, set(changed), low, high)
    step.bound = step.party_bound(low, high, low, high, params.name_norm_power)
    return step


def _moved(old: IndexData, new: IndexData, skip: set[str], low: float,
           high: float) -> dict[int, float]:  # fmt: skip
    """Rows of the new index, of entities in both indexes and not in ``skip``, whose norm moved
    by a factor outside ``[low, high]``, with that factor."""
    old_rows, new_rows = entity_rows(old), entity_rows(new)
    pairs = [(o, n) for e, n in new_rows.items() if e not in skip and (o := old_rows.get(e))]
    if not pairs:
        return {}
    lengths = np.array([n[1] - n[0] for _, n in pairs], dtype=np.int64)
    if any(o[1] - o[0] != n[1] - n[0] for o, n in pairs):  # pragma: no cover - same entity
        raise ValueError("an entity has other rows in the new index")
    first = np.cumsum(lengths) - lengths
    runs = np.arange(int(lengths.sum())) - np.repeat(first, lengths)
    old_at = np.repeat(np.array([o[0] for o, _ in pairs], dtype=np.int64), lengths) + runs
    new_at = np.repeat(np.array([n[0] for _, n in pairs], dtype=np.int64), lengths) + runs
    ratio = new.name_norm[new_at].astype(np.float64) / np.maximum(
        old.name_norm[old_at].astype(np.float64), 1e-9
    )
    out = (ratio < low) | (ratio > high)
    return dict(zip(new_at[out].tolist(), ratio[out].tolist(), strict=True))
