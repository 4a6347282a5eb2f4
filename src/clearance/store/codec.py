"""Pure encoders for what the store keeps: entity records and version membership.

A record is the canonical JSON of ``Entity.to_dict()`` (orjson, sorted keys), addressed by its
blake2b hash and stored zlib-compressed. A version's membership is the sorted list of its record
ids, delta-encoded as little-endian uint32 and zlib-compressed: for 15,000 entities that is a few
kilobytes instead of 15,000 rows per version.
"""

from __future__ import annotations

import hashlib
import sys
import zlib
from array import array
from collections.abc import Iterable, Sequence

import orjson

from clearance.model import Entity

#: zlib level for records and membership blobs: level 6 is the speed/size knee
ZLIB_LEVEL = 6
_ID_TYPECODE = "I"


def canonical_bytes(entity: Entity) -> bytes:
    """The canonical serialisation of an entity: equal entities give equal bytes."""
    return orjson.dumps(entity.to_dict(), option=orjson.OPT_SORT_KEYS)


def record_hash(data: bytes) -> bytes:
    """The content address of a canonical record (16 bytes of blake2b)."""
    return hashlib.blake2b(data, digest_size=16).digest()


def compress(data: bytes) -> bytes:
    return zlib.compress(data, ZLIB_LEVEL)


def decode_entity(blob: bytes) -> Entity:
    """The entity stored in a compressed record blob."""
    return Entity.from_dict(orjson.loads(zlib.decompress(blob)))


def pack_ids(ids: Iterable[int]) -> bytes:
    """Sorted, distinct, non-negative record ids -> compact blob (see :func:`unpack_ids`)."""
    deltas = array(_ID_TYPECODE)
    previous = 0
    for value in sorted(set(ids)):
        if value < 0:
            raise ValueError(f"record id {value} is negative")
        deltas.append(value - previous)
        previous = value
    if sys.byteorder == "big":
        deltas.byteswap()
    return zlib.compress(deltas.tobytes(), ZLIB_LEVEL)


def unpack_ids(blob: bytes) -> list[int]:
    """The sorted record ids packed by :func:`pack_ids`."""
    deltas = array(_ID_TYPECODE)
    deltas.frombytes(zlib.decompress(blob))
    if sys.byteorder == "big":
        deltas.byteswap()
    out: list[int] = []
    total = 0
    for delta in deltas:
        total += delta
        out.append(total)
    return out


def members_hash(hashes: Sequence[bytes]) -> str:
    """A hash of a version's content as a set of records (order-independent)."""
    digest = hashlib.blake2b(digest_size=16)
    for value in sorted(hashes):
        digest.update(value)
    return digest.hexdigest()
