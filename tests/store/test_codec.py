"""The store's encoders: membership blobs and canonical records."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.model import Entity
from clearance.store import codec
from tests.store.test_roundtrip import entities


@settings(deadline=None)  # a shared, loaded machine: no per-example deadline
@given(st.sets(st.integers(min_value=0, max_value=2**32 - 1), max_size=300))
def test_pack_unpack_ids(ids: set[int]) -> None:
    assert codec.unpack_ids(codec.pack_ids(ids)) == sorted(ids)


def test_pack_refuses_negative_ids() -> None:
    with pytest.raises(ValueError, match="negative"):
        codec.pack_ids([3, -1])


def test_dense_ids_pack_small() -> None:
    ids = range(10_000, 25_000)
    assert len(codec.pack_ids(ids)) < 200  # deltas of 1 compress to almost nothing


@settings(deadline=None)  # a shared, loaded machine: no per-example deadline
@given(entities("K1"))
def test_records_decode_to_the_same_entity(entity: Entity) -> None:
    data = codec.canonical_bytes(entity)
    assert codec.decode_entity(codec.compress(data)) == entity
    assert codec.record_hash(data) == codec.record_hash(codec.canonical_bytes(entity))


def test_members_hash_ignores_order() -> None:
    hashes = [codec.record_hash(bytes([i])) for i in range(5)]
    assert codec.members_hash(hashes) == codec.members_hash(list(reversed(hashes)))
    assert codec.members_hash(hashes) != codec.members_hash(hashes[:4])
