"""Ownership files imported by the user: who owns what share of whom, as the user knows it.

Each import of a file is kept; one file per name is active (importing a file under a name
again replaces its links in one transaction, the earlier import stays for the record). The
parties a file names that are on no list are kept as entities of the pseudo-source
``ownership`` (id ``ownership:<slug of the name>``): the store lists them with the lists'
entities, so they are in the name index and a screening finds them by name.

Links name parties by entity id (a listed entity, or an ``ownership:`` party). A name the
matcher tied to the same party on several lists keeps the group of its ids (``same``), so the
rules count its shares once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from clearance.errors import StoreError
from clearance.model import Entity
from clearance.store import codec
from clearance.store.base import Connection

#: the pseudo-source of the parties named only in ownership files
SOURCE = "ownership"

DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS ownership_files (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    file TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    links INTEGER NOT NULL,
    parties INTEGER NOT NULL,
    same TEXT NOT NULL DEFAULT '[]',
    active INTEGER NOT NULL DEFAULT 1
)""",
    """CREATE UNIQUE INDEX IF NOT EXISTS ownership_files_active ON ownership_files(name)
    WHERE active = 1""",
    """CREATE TABLE IF NOT EXISTS ownership_links (
    file_id INTEGER NOT NULL REFERENCES ownership_files(id),
    row INTEGER NOT NULL,
    owner TEXT NOT NULL,
    owned TEXT NOT NULL,
    share REAL,
    as_of TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (file_id, row)
) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS ownership_parties (
    file_id INTEGER NOT NULL REFERENCES ownership_files(id),
    entity_id TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (file_id, entity_id)
) WITHOUT ROWID""",
)


@dataclass(frozen=True, slots=True)
class OwnershipLink:
    """One row of an ownership file: its parties as written when read, resolved to entity ids
    when stored."""

    row: int
    owner: str
    owned: str
    #: percent; None when the file does not say
    share: float | None
    as_of: str = ""
    #: where the user has it from (the file's ``source`` column)
    source: str = ""


@dataclass(frozen=True, slots=True)
class OwnershipFile:
    id: int
    name: str
    file: str
    content_hash: str
    imported_at: str
    links: int
    parties: int

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "file": self.file,
            "content_hash": self.content_hash,
            "imported_at": self.imported_at,
            "links": self.links,
            "parties": self.parties,
        }


@dataclass(frozen=True)
class OwnershipImport:
    """What one import writes."""

    name: str
    file: str
    content_hash: str
    links: Sequence[OwnershipLink]
    parties: Sequence[Entity]
    same: Sequence[Sequence[str]] = ()


class OwnershipStore:
    """The ownership tables of a store connection."""

    def __init__(self, conn: Connection) -> None:
        self.connection = conn

    def write(self, data: OwnershipImport) -> OwnershipFile:
        """Store one import and make it the active file of its name, in one transaction."""
        with self.connection.write() as conn:
            conn.execute(
                "UPDATE ownership_files SET active = 0 WHERE name = ? AND active = 1",
                (data.name,),
            )
            (file_id,) = conn.execute(
                "INSERT INTO ownership_files(name, file, content_hash, imported_at, links,"
                " parties, same) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    data.name,
                    data.file,
                    data.content_hash,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    len(data.links),
                    len(data.parties),
                    orjson.dumps([list(group) for group in data.same]).decode(),
                ),
            ).fetchone()
            conn.executemany(
                "INSERT INTO ownership_links(file_id, row, owner, owned, share, as_of, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (file_id, x.row, x.owner, x.owned, x.share, x.as_of, x.source)
                    for x in data.links
                ],
            )
            conn.executemany(
                "INSERT INTO ownership_parties(file_id, entity_id, data) VALUES (?, ?, ?)"
                " ON CONFLICT (file_id, entity_id) DO UPDATE SET data = excluded.data",
                [(file_id, e.id, codec.compress(codec.canonical_bytes(e))) for e in data.parties],
            )
        return self.file(int(file_id))

    def file(self, file_id: int) -> OwnershipFile:
        row = self.connection.execute(
            "SELECT id, name, file, content_hash, imported_at, links, parties"
            " FROM ownership_files WHERE id = ?",
            (file_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"There is no ownership file {file_id}.")
        return OwnershipFile(*row)

    def files(self) -> list[OwnershipFile]:
        """The active files, by name."""
        rows = self.connection.execute(
            "SELECT id, name, file, content_hash, imported_at, links, parties"
            " FROM ownership_files WHERE active = 1 ORDER BY name"
        )
        return [OwnershipFile(*row) for row in rows]

    def links(self) -> Iterator[tuple[str, OwnershipLink]]:
        """(file name, link) of every active file."""
        rows = self.connection.execute(
            "SELECT f.name, l.row, l.owner, l.owned, l.share, l.as_of, l.source"
            " FROM ownership_links l JOIN ownership_files f ON f.id = l.file_id"
            " WHERE f.active = 1 ORDER BY f.name, l.row"
        )
        for name, *values in rows:
            yield name, OwnershipLink(*values)

    def same(self) -> list[list[str]]:
        """Groups of entity ids of one party, from the active files."""
        out: list[list[str]] = []
        for (raw,) in self.connection.execute(
            "SELECT same FROM ownership_files WHERE active = 1 ORDER BY name"
        ):
            out.extend(list(group) for group in orjson.loads(raw))
        return out

    def parties(self) -> Iterator[Entity]:
        """The parties of the active files (each id once), by id."""
        rows = self.connection.execute(
            "SELECT p.entity_id, p.data FROM ownership_parties p"
            " JOIN ownership_files f ON f.id = p.file_id WHERE f.active = 1"
            " ORDER BY p.entity_id, f.id"
        )
        last = ""
        for entity_id, blob in rows:
            if entity_id != last:
                last = entity_id
                yield codec.decode_entity(blob)

    def party(self, entity_id: str) -> Entity | None:
        row = self.connection.execute(
            "SELECT p.data FROM ownership_parties p JOIN ownership_files f ON f.id = p.file_id"
            " WHERE f.active = 1 AND p.entity_id = ? ORDER BY f.id LIMIT 1",
            (entity_id,),
        ).fetchone()
        return None if row is None else codec.decode_entity(row[0])

    def state(self) -> list[int]:
        """The ids of the active files (changes with every import)."""
        return [row[0] for row in self.connection.execute(
            "SELECT id FROM ownership_files WHERE active = 1 ORDER BY id"
        )]  # fmt: skip
