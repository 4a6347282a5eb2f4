"""Build the candidate index from entities: a pure builder (entities in, arrays out).

Layout (all numpy arrays, so the index pickles and loads in milliseconds):

* every name of every entity, in every form (latinised, per-syllable), is a *name row*;
  ``name_entity[row]`` is the entity it belongs to and ``name_norm[row]`` the sum of the
  weights of its tokens;
* every key (token, concatenation of adjacent tokens, phonetic key) has an id in ``vocab``,
  an inverse-document-frequency weight ``idf[key]`` and a postings list of name rows, stored
  CSR-style: rows ``postings[offsets[key]:offsets[key + 1]]``;
* plain tokens are also grouped by first letter (``buckets``) so a query token is compared
  with rapidfuzz only against the tokens that start like it;
* identifiers (passport, registration, IMO... numbers) map to entities for exact lookup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from clearance.index.facets import EntityFacets, FacetsBuilder
from clearance.index.keys import (
    SYLLABIC_SCRIPTS,
    identifier_key,
    name_keys,
    sound_text,
    token_forms,
)

# the one-edit lookup's variants, defined beside the other keys (compiled), and named here too
# for the readers of the arrays this module builds
from clearance.index.keys import deletions as deletions
from clearance.index.keys import variant_hash as variant_hash
from clearance.model import IDENTIFIER_PROPS, Entity
from clearance.text.keys import listed_names
from clearance.text.scripts import detect_script

FORMAT_VERSION = 7
#: tokens shorter than this are looked up exactly only
MIN_FUZZY_LEN = 4
#: identifiers shorter than this are too ambiguous for an exact-match shortcut
MIN_IDENTIFIER_LEN = 5


@dataclass
class IndexData:
    """Everything the searcher needs; built once per store state and persisted."""

    state_key: str
    entity_ids: list[str]
    #: each entity as compact JSON (decoded on demand when it becomes a candidate), without
    #: its source record: screening never reads it, and the store keeps it for display
    entity_blobs: list[bytes]
    entity_source: npt.NDArray[np.int16]
    sources: list[str]
    name_entity: npt.NDArray[np.int32]
    name_norm: npt.NDArray[np.float32]
    #: the tokens of each name row joined by spaces, and their phonetic keys likewise
    name_text: list[str]
    name_sound: list[str]
    #: rows written in a syllabic script (Chinese, Korean): their tokens are syllables
    name_syllabic: npt.NDArray[np.bool_]
    vocab: dict[str, int]
    idf: npt.NDArray[np.float32]
    offsets: npt.NDArray[np.int64]
    postings: npt.NDArray[np.int32]
    #: (first letter, length) -> (name tokens of that shape, their key ids), for fuzzy lookup
    buckets: dict[tuple[str, int], tuple[list[str], npt.NDArray[np.int32]]]
    #: the name tokens (not concatenations or derived keys), sorted
    tokens: list[str]
    #: one-edit lookup: for each name token and each of its one-letter deletions, a stable
    #: hash of that string (sorted) and the token it came from (a hash collision only adds a
    #: token that the similarity check then drops). Arrays, so they load in microseconds.
    delete_hash: npt.NDArray[np.uint32]
    delete_token: npt.NDArray[np.int32]
    identifiers: dict[str, list[int]] = field(default_factory=dict)
    #: what filters read of each entity (schema, countries, listing period, dates)
    facets: EntityFacets | None = None
    version: int = FORMAT_VERSION

    @property
    def size(self) -> int:
        return len(self.entity_ids)

    def entity(self, idx: int) -> Entity:
        return Entity.from_dict(orjson.loads(self.entity_blobs[idx]))


class _Builder:
    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.key_rows: list[list[int]] = []
        self.name_entity: list[int] = []
        self.name_tokens: list[tuple[str, ...]] = []
        self.syllabic: list[bool] = []
        self.identifiers: dict[str, list[int]] = {}

    def key_id(self, key: str) -> int:
        kid = self.vocab.get(key)
        if kid is None:
            kid = self.vocab[key] = len(self.key_rows)
            self.key_rows.append([])
        return kid

    def add_entity(self, idx: int, entity: Entity) -> None:
        seen: set[tuple[str, ...]] = set()
        scripts = {n.value: n.script for n in entity.names}
        for value, _ in listed_names((n.value, n.kind) for n in entity.names):
            # a name without its parenthetical part is in the script of the name
            script = scripts.get(value) or detect_script(value)
            syllabic = script in SYLLABIC_SCRIPTS
            for toks in token_forms(value, entity.schema):
                if toks in seen:
                    continue
                seen.add(toks)
                row = len(self.name_entity)
                self.name_entity.append(idx)
                self.name_tokens.append(toks)
                self.syllabic.append(syllabic)
                for key in name_keys(toks):
                    self.key_rows[self.key_id(key)].append(row)
        for prop in IDENTIFIER_PROPS:
            for value in entity.get(prop):
                key = identifier_key(value)
                if len(key) >= MIN_IDENTIFIER_LEN:
                    rows = self.identifiers.setdefault(key, [])
                    if idx not in rows:
                        rows.append(idx)


def build_index(
    entities: Iterable[Entity],
    state_key: str = "",
    dates: Mapping[str, tuple[str, str]] | None = None,
) -> IndexData:
    """Index the names and identifiers of ``entities`` (any iterable, read once); ``dates``
    gives the first-seen and last-change dates of entity ids, where the store knows them."""
    builder = _Builder()
    facets = FacetsBuilder()
    ids: list[str] = []
    blobs: list[bytes] = []
    sources: dict[str, int] = {}
    entity_source: list[int] = []
    for entity in entities:
        idx = len(ids)
        ids.append(entity.id)
        blobs.append(orjson.dumps({**entity.to_dict(), "record": {}}))
        entity_source.append(sources.setdefault(entity.source, len(sources)))
        builder.add_entity(idx, entity)
        facets.add(entity, dates.get(entity.id) if dates else None)
    n_names = max(len(builder.name_entity), 1)
    # the name tokens, as the very str objects of the vocabulary (pickled once)
    base = sorted({t for toks in builder.name_tokens for t in toks})
    keys = {k: k for k in builder.vocab}
    base = [keys[t] for t in base]
    lengths = np.array([len(rows) for rows in builder.key_rows], dtype=np.int64)
    idf = np.log1p(n_names / np.maximum(lengths, 1)).astype(np.float32)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = [row for rows in builder.key_rows for row in rows]
    postings = np.array(flat, dtype=np.int32)
    norms = [
        sum(float(idf[builder.vocab[t]]) for t in dict.fromkeys(toks))
        for toks in builder.name_tokens
    ]
    return IndexData(
        state_key=state_key,
        entity_ids=ids,
        entity_blobs=blobs,
        entity_source=np.array(entity_source, dtype=np.int16),
        sources=list(sources),
        name_entity=np.array(builder.name_entity, dtype=np.int32),
        name_norm=np.array(norms, dtype=np.float32),
        name_text=[" ".join(toks) for toks in builder.name_tokens],
        name_sound=[sound_text(toks) for toks in builder.name_tokens],
        name_syllabic=np.array(builder.syllabic, dtype=bool),
        vocab=builder.vocab,
        idf=idf,
        offsets=offsets,
        postings=postings,
        buckets=_buckets(builder.vocab, base),
        tokens=base,
        **_deletes(base),
        identifiers=builder.identifiers,
        facets=facets.build(),
    )


def _buckets(
    vocab: dict[str, int], base: list[str]
) -> dict[tuple[str, int], tuple[list[str], npt.NDArray[np.int32]]]:
    grouped: dict[tuple[str, int], list[str]] = {}
    for token in base:
        if len(token) >= MIN_FUZZY_LEN:
            grouped.setdefault((token[0], len(token)), []).append(token)
    return {
        shape: (tokens, np.array([vocab[t] for t in tokens], dtype=np.int32))
        for shape, tokens in grouped.items()
    }


def _deletes(base: list[str]) -> dict[str, Any]:
    hashes: list[int] = []
    owners: list[int] = []
    for pos, token in enumerate(base):
        if len(token) >= MIN_FUZZY_LEN and not token.isdigit():
            for variant in {token, *deletions(token)}:
                hashes.append(variant_hash(variant))
                owners.append(pos)
    hash_array = np.array(hashes, dtype=np.uint32)
    order = np.argsort(hash_array, kind="stable")
    return {
        "delete_hash": hash_array[order],
        "delete_token": np.array(owners, dtype=np.int32)[order],
    }


def unknown_weight(data: IndexData) -> float:
    """The weight of a query token the index has never seen (as rare as a rare token)."""
    return math.log1p(max(len(data.name_entity), 1))
