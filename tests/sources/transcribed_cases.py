"""Shared checks for readers of CSV transcriptions: mutated input only succeeds or raises
ParseError, and what succeeds is well formed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from clearance.errors import ParseError
from clearance.model import Entity

Reader = Callable[[Path], list[Entity]]


def read_or_parse_error(read: Reader, path: Path) -> None:
    try:
        entities = read(path)
    except ParseError as exc:
        assert exc.path == str(path)
        return
    assert entities
    assert all(e.names for e in entities)
    assert len({e.id for e in entities}) == len(entities)


def mutate(raw: bytes, edits: list[tuple[int, bytes]], cut: int) -> bytes:
    data = bytearray(raw)
    for position, replacement in edits:
        position %= len(data)
        data[position : position + 1] = replacement
    return bytes(data[:cut])
