"""The book indexed for the reverse question: which parties a listed name row can reach, and how
high it could rank in their screening.

A party's forward search (:meth:`clearance.index.IndexSearcher.rank_rows`) looks up, for each
group of its query (a token of a name form, or adjacent tokens written together: the groups of
:func:`clearance.index.search.query_lookups`), the index keys the token stands for: the token
itself, tokens of the list vocabulary that are spelt alike, its phonetic, skeleton, nickname and
romanisation keys, and those of what remains when a legal form glued to it is cut off. A row
gains, per group, the best weight (the key's inverse document frequency times the similarity)
of the keys it holds, and ranks ``min(gained / form weight, 1)`` times a factor of at most 1.

This index answers, for the keys of one row, every party with a group that could stand for one
of them, and an upper bound of the row's rank in that party's search: each similarity the
search can give a (token, key) pair is at most the one given here, and the rank at most
``gained / the party's lightest form weight``. The similarity the search gives:

* the token itself: 1;
* a spelt-alike token (deletion neighbours, tokens one letter longer, and for long tokens those
  rapidfuzz finds with the same first letter): its ratio, when at least ``fuzzy_cutoff``, with
  at most ``length_window`` letters more or fewer; here: every key within that window and
  ratio, whichever way it is found;
* a derived key: the weight of its kind (here: whatever the mode, and for common tokens too),
  and for a token of a name in Arabic or Hebrew script its skeleton keys (``abjad`` mode, with
  :func:`clearance.index.keys.abjad_skeleton_keys`) at ``abjad_skeleton_weight``, for a token
  of a name in Cyrillic script its :func:`clearance.index.keys.folded_skeleton_key`
  (``cyrillic`` mode) at ``skeleton_weight``;
* the remainders of a glued legal form, as tokens of their own.

A test holds the bound against ``rank_rows`` on real names (``tests/monitor/test_reach.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from clearance.index.build import MIN_IDENTIFIER_LEN, deletions, variant_hash
from clearance.index.keys import (
    PREFIXES,
    SKELETON,
    abjad_skeleton_keys,
    derived_keys,
    folded_skeleton_key,
    identifier_key,
)
from clearance.index.search import CYRILLIC, SearchParams, query_lookups
from clearance.model import Query
from clearance.text.legal import unglued

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


def remainders(token: str, params: SearchParams) -> list[str]:
    """What remains of a token when glued legal forms are cut off, again and again (the search
    looks them up when the token is not in the list vocabulary)."""
    out: list[str] = []
    todo = [token]
    while todo:
        current = todo.pop()
        if len(current) >= params.min_unglued_len and current.isalpha():
            for rest in unglued(current):
                if rest not in out:
                    out.append(rest)
                    todo.append(rest)
    return out


@dataclass
class BookIndex:
    """The lookups of every party of the book, for reverse queries. Built by :func:`build`."""

    references: list[str]
    #: group tokens (what a party's search looks up), and per token the parties with their
    #: number of groups of that token (CSR: ``parties[offsets[t]:offsets[t + 1]]``)
    tokens: list[str]
    offsets: npt.NDArray[np.int64]
    parties: IntArray
    counts: npt.NDArray[np.int16]
    #: lookup strings (group tokens and remainders), the group tokens each stands for, and
    #: whether it is looked up as a plain token (not only written together)
    strings: list[str]
    string_ids: dict[str, int]
    string_tokens: list[tuple[int, ...]]
    plain: npt.NDArray[np.bool_]
    #: derived key -> (string id, similarity) pairs
    derived: dict[str, list[tuple[int, float]]]
    #: deletion-neighbourhood hashes of the strings (sorted) and the string of each
    delete_hash: npt.NDArray[np.uint32]
    delete_string: IntArray
    #: (first letter, length) -> long plain strings of that shape and their ids
    long: dict[tuple[str, int], tuple[list[str], IntArray]]
    identifiers: dict[str, list[int]]
    params: SearchParams
    _cache: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.references)

    # -- reverse lookups ----------------------------------------------------------------------

    def _similar(self, key: str) -> list[tuple[int, float]]:
        """(string id, similarity bound) of the strings a search could give ``key`` for."""
        found = self._cache.get(key)
        if found is not None:
            return found
        params = self.params
        out: dict[int, float] = {}
        exact = self.string_ids.get(key)
        if exact is not None:
            out[exact] = 1.0
        if key.startswith(PREFIXES):
            for sid, sim in self.derived.get(key, ()):
                out[sid] = max(out.get(sid, 0.0), sim)
        elif key:
            candidates: set[int] = set()
            hashes = np.array([variant_hash(v) for v in {key, *deletions(key)}], dtype=np.uint32)
            lo = np.searchsorted(self.delete_hash, hashes, side="left").tolist()
            hi = np.searchsorted(self.delete_hash, hashes, side="right").tolist()
            for a, b in zip(lo, hi, strict=True):
                if a < b:
                    candidates.update(self.delete_string[a:b].tolist())
            window = params.length_window
            for sid in candidates:
                text = self.strings[sid]
                if abs(len(text) - len(key)) <= max(window, 1):
                    sim = fuzz.ratio(text, key)
                    if sim >= params.fuzzy_cutoff:
                        out[sid] = max(out.get(sid, 0.0), sim / 100.0)
            for length in range(len(key) - window, len(key) + window + 1):
                bucket = self.long.get((key[0], length))
                if bucket is None:
                    continue
                for _text, sim, pos in process.extract(
                    key, bucket[0], scorer=fuzz.ratio, score_cutoff=params.fuzzy_cutoff,
                    limit=None,
                ):  # fmt: skip
                    sid = int(bucket[1][pos])
                    out[sid] = max(out.get(sid, 0.0), sim / 100.0)
        result = list(out.items())
        if len(self._cache) >= 200_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def token_weights(self, keys: Mapping[str, float]) -> dict[int, float]:
        """For a row's keys with their weights: each group token a search could gain weight for
        from them, with the most it could gain."""
        out: dict[int, float] = {}
        for key, weight in keys.items():
            for sid, sim in self._similar(key):
                gain = weight * sim
                for tid in self.string_tokens[sid]:
                    if gain > out.get(tid, 0.0):
                        out[tid] = gain
        return out

    def gains(self, weights: Mapping[int, float]) -> tuple[IntArray, FloatArray]:
        """Parties with a group among ``weights`` and the most weight they could gain in all."""
        if not weights:
            return np.empty(0, dtype=np.int32), np.empty(0)
        tids = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
        values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        starts, ends = self.offsets[tids], self.offsets[tids + 1]
        lengths = ends - starts
        first = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()))
        parties = self.parties[positions]
        gained = np.repeat(values, lengths) * self.counts[positions]
        unique, inverse = np.unique(parties, return_inverse=True)
        totals: FloatArray = np.bincount(inverse, weights=gained).astype(np.float64)
        return unique.astype(np.int32), totals

    def with_token(self, token: str) -> IntArray:
        """Parties whose search looks ``token`` up itself (as a group)."""
        sid = self.string_ids.get(token)
        if sid is None:
            return np.empty(0, dtype=np.int32)
        out: list[IntArray] = []
        for tid in self.string_tokens[sid]:
            if self.tokens[tid] == token:
                out.append(self.parties[self.offsets[tid] : self.offsets[tid + 1]])
        return np.unique(np.concatenate(out)) if out else np.empty(0, dtype=np.int32)

    def near_long_strings(self, key: str) -> list[int]:
        """The long plain lookup strings (ids) whose fuzzy lookup considers ``key`` (same first
        letter, length within the window, ratio at the cutoff or above): a new or vanished key
        there can change which similar tokens the lookup keeps (``parties_of`` gives their
        parties)."""
        if not key or key.startswith(PREFIXES):
            return []
        params = self.params
        out: set[int] = set()
        for length in range(len(key) - params.length_window, len(key) + params.length_window + 1):
            bucket = self.long.get((key[0], length))
            if bucket is None:
                continue
            for _text, _sim, pos in process.extract(
                key, bucket[0], scorer=fuzz.ratio, score_cutoff=params.fuzzy_cutoff, limit=None
            ):
                out.add(int(bucket[1][pos]))
        return sorted(out)

    def parties_of(self, strings: Iterable[int]) -> IntArray:
        """Parties whose search looks up any of the lookup strings ``strings`` (ids)."""
        tids = sorted({tid for sid in strings for tid in self.string_tokens[sid]})
        if not tids:
            return np.empty(0, dtype=np.int32)
        parts = [self.parties[self.offsets[t] : self.offsets[t + 1]] for t in tids]
        return np.unique(np.concatenate(parts))

    def reached_by(self, key: str) -> IntArray:
        """Parties with a group a search could gain weight for from ``key`` (the parties of
        :meth:`gains` for ``key`` alone)."""
        return self.parties_of(sid for sid, _sim in self._similar(key))

    def owned_by(self, key: str) -> IntArray:
        """Parties whose forms can weigh ``key`` as one of their own parts (the weight a rank
        is divided by): those that look it up as a group token of their own, and for a derived
        skeleton (what a token of a name in Arabic or Hebrew script weighs) every party
        reaching it."""
        return self.reached_by(key) if key.startswith(SKELETON) else self.with_token(key)

    def with_identifier(self, key: str) -> list[int]:
        return self.identifiers.get(key, [])


def build(parties: Iterable[tuple[str, Query]], params: SearchParams) -> BookIndex:
    """Index the lookups of ``parties`` (reference, query)."""
    references: list[str] = []
    token_ids: dict[str, int] = {}
    postings: list[list[tuple[int, int]]] = []
    string_ids: dict[str, int] = {}
    string_tokens: list[set[int]] = []
    plain: list[bool] = []
    #: the lookup strings some party looks up as a word of a name in Arabic or Hebrew script,
    #: and in Cyrillic script
    abjad: list[bool] = []
    cyrillic: list[bool] = []
    identifiers: dict[str, list[int]] = {}

    def string(text: str, tid: int, looked_up: bool, in_abjad: bool, in_cyrillic: bool) -> None:
        sid = string_ids.get(text)
        if sid is None:
            sid = string_ids[text] = len(string_tokens)
            string_tokens.append(set())
            plain.append(False)
            abjad.append(False)
            cyrillic.append(False)
        string_tokens[sid].add(tid)
        plain[sid] = plain[sid] or looked_up
        abjad[sid] = abjad[sid] or in_abjad
        cyrillic[sid] = cyrillic[sid] or in_cyrillic

    for reference, query in parties:
        position = len(references)
        references.append(reference)
        _forms, lookups = query_lookups([query.name, *query.aliases], query.schema)
        counts = Counter(token for _form, token, _mode in lookups)
        modes: dict[str, bool] = {}
        abjad_tokens: set[str] = set()
        cyrillic_tokens: set[str] = set()
        for _form, token, mode in lookups:
            modes[token] = modes.get(token, False) or mode != "joined"
            if mode == "abjad":
                abjad_tokens.add(token)
            elif mode == CYRILLIC:
                cyrillic_tokens.add(token)
        for token, count in counts.items():
            tid = token_ids.get(token)
            if tid is None:
                tid = token_ids[token] = len(postings)
                postings.append([])
            postings[tid].append((position, count))
            in_abjad, in_cyrillic = token in abjad_tokens, token in cyrillic_tokens
            string(token, tid, modes[token], in_abjad, in_cyrillic)
            if modes[token]:
                for rest in remainders(token, params):
                    string(rest, tid, True, in_abjad, in_cyrillic)
        for value in query.identifiers:
            key = identifier_key(value)
            if len(key) >= MIN_IDENTIFIER_LEN:
                identifiers.setdefault(key, [])
                if position not in identifiers[key]:
                    identifiers[key].append(position)
    strings = list(string_ids)
    delete_hash, delete_string = _deletion_index(strings, params)
    lengths = np.array([len(p) for p in postings], dtype=np.int64)
    offsets = np.zeros(len(postings) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = [pair for items in postings for pair in items]
    return BookIndex(
        references=references,
        tokens=list(token_ids),
        offsets=offsets,
        parties=np.array([p for p, _ in flat], dtype=np.int32),
        counts=np.array([min(c, 32_767) for _, c in flat], dtype=np.int16),
        strings=strings,
        string_ids=string_ids,
        string_tokens=[tuple(sorted(t)) for t in string_tokens],
        plain=np.array(plain, dtype=bool),
        derived=_derived(strings, plain, abjad, cyrillic, params),
        delete_hash=delete_hash,
        delete_string=delete_string,
        long=_long(strings, plain, params),
        identifiers=identifiers,
        params=params,
    )


def _derived(
    strings: Sequence[str],
    plain: Sequence[bool],
    abjad: Sequence[bool],
    cyrillic: Sequence[bool],
    params: SearchParams,
) -> dict[str, list[tuple[int, float]]]:
    weights = {
        "phonetic": params.phonetic_weight,
        "skeleton": params.skeleton_weight,
        "nickname": params.group_weight,
        "romanisation": params.group_weight,
    }
    # (a string some party looks up in an abjad name: the most either mode gives)
    abjad_skeleton = max(params.skeleton_weight, params.abjad_skeleton_weight)
    out: dict[str, list[tuple[int, float]]] = {}
    for sid, text in enumerate(strings):
        if not plain[sid]:
            continue  # written together: the search looks up no derived key for it
        for item in derived_keys(text):
            weight = weights[item.kind]
            if abjad[sid] and item.kind == "skeleton":
                weight = abjad_skeleton
            out.setdefault(item.key, []).append((sid, weight))
        if abjad[sid]:
            for key in abjad_skeleton_keys(text):
                out.setdefault(key, []).append((sid, params.abjad_skeleton_weight))
        if cyrillic[sid] and (folded := folded_skeleton_key(text)) is not None:
            out.setdefault(folded, []).append((sid, params.skeleton_weight))
    return out


def _deletion_index(
    strings: Sequence[str], params: SearchParams
) -> tuple[npt.NDArray[np.uint32], IntArray]:
    hashes: list[int] = []
    owners: list[int] = []
    for sid, text in enumerate(strings):
        if len(text) >= params.min_fuzzy_len and not text.isdigit():
            for variant in {text, *deletions(text)}:
                hashes.append(variant_hash(variant))
                owners.append(sid)
    array = np.array(hashes, dtype=np.uint32)
    order = np.argsort(array, kind="stable")
    return array[order], np.array(owners, dtype=np.int32)[order]


def _long(
    strings: Sequence[str], plain: Sequence[bool], params: SearchParams
) -> dict[tuple[str, int], tuple[list[str], IntArray]]:
    grouped: dict[tuple[str, int], list[int]] = {}
    for sid, text in enumerate(strings):
        if plain[sid] and len(text) >= params.long_token_len and not text.isdigit():
            grouped.setdefault((text[0], len(text)), []).append(sid)
    return {
        shape: ([strings[s] for s in sids], np.array(sids, dtype=np.int32))
        for shape, sids in grouped.items()
    }
