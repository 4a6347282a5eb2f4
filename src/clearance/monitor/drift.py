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

import math
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

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
        norm_low, norm_high = min(norm_low, low), max(norm_high, high)
        return float((high / low) * (norm_high / norm_low) ** power * (1 + ROUNDING))


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
    common_old, common_new = _common(old, params), _common(new, params)
    for key, kid in old.vocab.items():
        nid = new.vocab.get(key)
        if nid is None:
            step.vanished.append(key)
            continue
        if (df_old[kid] > common_old) != (df_new[nid] > common_new):
            step.flips.append(key)
        factor = float(new.idf[nid]) / float(old.idf[kid])
        if not low <= factor <= high:
            step.shifted[key] = factor
    step.appeared = [key for key in new.vocab if key not in old.vocab]
    old_rows, new_rows = entity_rows(old), entity_rows(new)
    skip = set(changed)
    for entity_id, (start, end) in new_rows.items():
        if entity_id in skip or entity_id not in old_rows:
            continue
        old_start, old_end = old_rows[entity_id]
        if old_end - old_start != end - start:  # pragma: no cover - the same entity, same rows
            raise ValueError(f"{entity_id} has other rows in the new index")
        ratio = new.name_norm[start:end].astype(np.float64) / np.maximum(
            old.name_norm[old_start:old_end].astype(np.float64), 1e-9
        )
        for offset in np.flatnonzero((ratio < low) | (ratio > high)).tolist():
            step.moved[start + offset] = float(ratio[offset])
    step.bound = step.party_bound(low, high, low, high, params.name_norm_power)
    return step


def log_bound(value: float) -> float:
    return math.log(max(value, 1.0))
