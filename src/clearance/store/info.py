"""Value types the store returns: versions and entity history events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

Origin = Literal["load", "update", "bundled"]
VERSION_COLUMNS = (
    "number, source, content_hash, published, imported_at, entities, format, origin, stats,"
    " files, active, id"
)


@dataclass(frozen=True)
class VersionInfo:
    """One imported version of a source.

    ``id`` is the version's number within its source (1, 2, 3...): what users, the API and the
    audit trail see. ``key`` is the store's own row id, unique across sources, for joins.
    """

    id: int
    source: str
    content_hash: str
    published: str
    imported_at: str
    entities: int
    format: str
    origin: str
    active: bool
    #: entity counts by schema (and any other counts the reader reported)
    stats: dict[str, int] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    #: set on the result of an import that found the content identical to the active version
    unchanged: bool = False
    #: the row id of the version in the store (unique across sources)
    key: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "version": self.id,
            "published": self.published or None,
            "entities": self.entities,
            "imported_at": self.imported_at,
            "format": self.format,
            "origin": self.origin,
            "active": self.active,
            "content_hash": self.content_hash,
            "stats": self.stats,
            "files": list(self.files),
        }


@dataclass(frozen=True)
class HistoryEvent:
    """A change of one entity in one version of its source."""

    version: int
    published: str
    imported_at: str
    #: ``added``, ``changed`` or ``removed``
    change: str
    #: what changed (for ``changed``): ``names``, property names, ``listings``...
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "published": self.published or None,
            "imported_at": self.imported_at,
            "change": self.change,
            "fields": list(self.fields),
        }


def version_from_row(row: Sequence[Any]) -> VersionInfo:
    return VersionInfo(
        id=row[0],
        source=row[1],
        content_hash=row[2],
        published=row[3],
        imported_at=row[4],
        entities=row[5],
        format=row[6],
        origin=row[7],
        stats=orjson.loads(row[8]),
        files=tuple(orjson.loads(row[9])),
        active=bool(row[10]),
        key=row[11],
    )
