"""The versioned store: every version of every list, one active per source.

Design (tables in ``schema.py``), the same SQL over either backend (``base.py``):

* entity records are content-addressed: a record is stored once however many versions hold it;
* a version is a metadata row plus a compressed blob of its record ids (``codec.pack_ids``);
* ``current`` maps entity ids to records for the active versions only.

An import is ONE write transaction: the gates it is given are checked inside it against the
active version, new records are inserted, the version row is written, the active flag moves,
``current`` is rewritten and the activation is recorded in the audit chain. A failed gate, an
error or a killed process leaves the store exactly as it was; readers keep seeing the previous
state until the commit. The store stores what it is given: which lists exist, how they are
read and which of them ship with the package is the catalog's business (``catalog.py``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType

import orjson

from clearance.dataset import Dataset, Gates, check_gates
from clearance.diff import Diff, diff_entities, entity_change
from clearance.errors import InputError, NotFoundError, StoreError
from clearance.model import Entity
from clearance.settings import Settings, redact
from clearance.store import codec
from clearance.store.base import Connection
from clearance.store.chain import ChainRecord, append
from clearance.store.info import (
    VERSION_COLUMNS,
    HistoryEvent,
    Origin,
    VersionInfo,
    version_from_row,
)
from clearance.store.ownership import SOURCE as OWNERSHIP_SOURCE
from clearance.store.ownership import OwnershipStore
from clearance.store.schema import open_database


class Store:
    """Versioned store of list entities. Open with :meth:`open`; close or use ``with``."""

    def __init__(self, conn: Connection, location: str = "") -> None:
        self.connection = conn
        #: where the store is, fit for messages (a URL without its password)
        self.location = redact(location)

    # -- lifecycle -----------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings) -> Store:
        """Open the store ``settings`` name (a SQLite file in ``settings.home``, or the
        PostgreSQL database of ``settings.database_url``), creating or upgrading its schema.
        The bundled lists are the catalog's: ``catalog.open_store`` syncs them."""
        return cls.at(settings.database_location)

    @classmethod
    def at(cls, location: str) -> Store:
        """Open the store at ``location``: a ``postgresql://`` URL or a SQLite file path."""
        return cls(open_database(location), location)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- import --------------------------------------------------------------------------

    def import_dataset(
        self,
        dataset: Dataset,
        gates: Gates | None = None,
        force: bool = False,
        origin: Origin = "load",
        files: Sequence[str] | None = None,
    ) -> VersionInfo:
        """Store ``dataset`` as a new version and make it active, atomically, if it passes
        ``gates`` (its source's, given by the caller; default: only the gates every list has).
        The same publication as the active version (identical bytes, or the same entities with
        the same publication date, whatever the file is called) is a no-op (``unchanged``).

        ``files`` says where the data came from (default: the paths read, e.g. URLs for
        downloads).
        """
        prepared = _Prepared.of(dataset)
        names = [str(p) for p in dataset.files] if files is None else list(files)
        try:
            version_key, unchanged = self._import(
                dataset, gates or Gates(), prepared, force, origin, names
            )
        except StoreError as exc:  # locked too long, disk full, read-only, connection lost...
            raise StoreError(
                f"Could not write {dataset.source} to the store {self.location}: {exc.message} "
                "The active version is kept."
            ) from exc
        info = self._version_by_key(version_key)
        return replace(info, unchanged=True) if unchanged else info

    def _import(
        self,
        dataset: Dataset,
        gates: Gates,
        prepared: _Prepared,
        force: bool,
        origin: str,
        files: list[str],
    ) -> tuple[int, bool]:
        """The import transaction: (new version key, False), or (active key, True) if unchanged."""
        with self.connection.write():
            active = self._active_row(dataset.source)
            if active is not None and active.same_publication(dataset, prepared):
                return active.key, True
            check_gates(gates, dataset, active.entities if active else None, force=force)
            version_key = self._write_version(dataset, prepared, origin, files)
            self._record_activation(version_key, active, prepared)
        return version_key, False

    def _record_activation(
        self, version_key: int, previous: _ActiveRow | None, prepared: _Prepared
    ) -> None:
        """The audit chain's record of a version becoming active (in the import transaction)."""
        version = self._version_by_key(version_key)
        before = None
        if previous is not None:
            before = self.connection.execute(
                "SELECT number FROM versions WHERE id = ?", (previous.key,)
            ).fetchone()[0]
        data = {
            "source": version.source,
            "version": version.id,
            "previous": before,
            "published": version.published,
            "entities": version.entities,
            "content_hash": version.content_hash,
            "members_hash": prepared.members_hash,
            "format": version.format,
            "files": list(version.files),
        }
        append(self.connection, [ChainRecord("list.activated", data, actor=version.origin)])

    def _active_row(self, source: str) -> _ActiveRow | None:
        row = self.connection.execute(
            "SELECT id, members_hash, content_hash, entities, published FROM versions"
            " WHERE source = ? AND active = 1",
            (source,),
        ).fetchone()
        return None if row is None else _ActiveRow(row[0], row[1], row[2], row[3], row[4])

    def _record_ids(self, source: str, prepared: _Prepared) -> list[int]:
        """Record ids for a prepared dataset, inserting the records not stored yet."""
        conn = self.connection
        known: dict[bytes, int] = dict(
            conn.execute("SELECT hash, id FROM records WHERE source = ?", (source,))
        )
        next_id: int = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM records").fetchone()[0]
        rows: list[tuple[int, bytes, str, str, bytes]] = []
        ids: list[int] = []
        for entity_id, blob, digest in zip(
            prepared.entity_ids, prepared.blobs, prepared.hashes, strict=True
        ):
            record_id = known.get(digest)
            if record_id is None:
                record_id = known[digest] = next_id
                next_id += 1
                rows.append((record_id, digest, source, entity_id, codec.compress(blob)))
            ids.append(record_id)
        conn.executemany(
            "INSERT INTO records(id, hash, source, entity_id, data) VALUES (?, ?, ?, ?, ?)", rows
        )
        return ids

    def _write_version(
        self, dataset: Dataset, prepared: _Prepared, origin: str, files: list[str]
    ) -> int:
        conn = self.connection
        record_ids = self._record_ids(dataset.source, prepared)
        stats = dict(Counter(entity.schema for entity in dataset.entities))
        stats.update(dataset.stats)
        conn.execute(
            "UPDATE versions SET active = 0 WHERE source = ? AND active = 1", (dataset.source,)
        )
        (number,) = conn.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE source = ?",
            (dataset.source,),
        ).fetchone()
        row = conn.execute(
            "INSERT INTO versions(source, number, content_hash, members_hash, published,"
            " imported_at, entities, format, origin, stats, files, members, active)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id",
            (
                dataset.source,
                number,
                dataset.content_hash,
                prepared.members_hash,
                dataset.published,
                datetime.now(UTC).isoformat(timespec="seconds"),
                len(dataset.entities),
                dataset.format,
                origin,
                orjson.dumps(stats, option=orjson.OPT_SORT_KEYS).decode(),
                orjson.dumps(files).decode(),
                codec.pack_ids(record_ids),
            ),
        ).fetchone()
        self._update_current(
            dataset.source, dict(zip(prepared.entity_ids, record_ids, strict=True))
        )
        return int(row[0])

    def _update_current(self, source: str, members: dict[str, int]) -> None:
        """Make ``current`` hold ``members`` for ``source``, touching only what changed."""
        conn = self.connection
        held: dict[str, int] = dict(
            conn.execute("SELECT entity_id, record_id FROM current WHERE source = ?", (source,))
        )
        conn.executemany(
            "DELETE FROM current WHERE entity_id = ?", [(e,) for e in held.keys() - members.keys()]
        )
        conn.executemany(
            "INSERT INTO current(entity_id, record_id, source) VALUES (?, ?, ?)"
            " ON CONFLICT (entity_id) DO UPDATE SET record_id = excluded.record_id,"
            " source = excluded.source",
            [(e, r, source) for e, r in members.items() if held.get(e) != r],
        )

    # -- versions ------------------------------------------------------------------------

    def _version_by_key(self, key: int) -> VersionInfo:
        row = self.connection.execute(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE id = ?", (key,)
        ).fetchone()
        if row is None:  # pragma: no cover - keys come from the store itself
            raise NotFoundError(f"There is no version with key {key} in the store.")
        return version_from_row(row)

    def version(self, source: str, number: int) -> VersionInfo:
        """Version ``number`` (1, 2, 3... within the source) of ``source``."""
        row = self.connection.execute(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE source = ? AND number = ?",
            (source, number),
        ).fetchone()
        if row is None:
            known = ", ".join(str(v.id) for v in self.versions(source)) or "none"
            raise NotFoundError(f"{source} has no version {number} (versions: {known}).")
        return version_from_row(row)

    def versions(self, source: str) -> list[VersionInfo]:
        """Every version of ``source``, oldest first."""
        rows = self.connection.execute(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE source = ? ORDER BY number", (source,)
        )
        return [version_from_row(row) for row in rows]

    def active_versions(self) -> dict[str, VersionInfo]:
        rows = self.connection.execute(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE active = 1 ORDER BY source"
        )
        return {row[1]: version_from_row(row) for row in rows}

    def state_key(self) -> str:
        """Changes whenever any active version or ownership file changes (for caches such as
        the index)."""
        rows = self.connection.execute(
            "SELECT source, id, members_hash FROM versions WHERE active = 1 ORDER BY source"
        ).fetchall()
        files = self.ownership.state()
        state = [rows, files] if files else rows
        return hashlib.blake2b(orjson.dumps(state), digest_size=12).hexdigest()

    @property
    def ownership(self) -> OwnershipStore:
        """The ownership files imported by the user (``store/ownership.py``)."""
        return OwnershipStore(self.connection)

    # -- entities ------------------------------------------------------------------------

    def iter_entities(self, sources: Iterable[str] | None = None) -> Iterator[Entity]:
        """The entities of the active versions (of ``sources`` if given), by entity id, then
        the parties named only in ownership files (source ``ownership``)."""
        sql = "SELECT r.data FROM current c JOIN records r ON r.id = c.record_id"
        params: tuple[str, ...] = ()
        if sources is not None:
            params = tuple(sources)
            sql += f" WHERE c.source IN ({', '.join('?' * len(params))})"
        for (blob,) in self.connection.execute(sql + " ORDER BY c.entity_id", params):
            yield codec.decode_entity(blob)
        if sources is None or OWNERSHIP_SOURCE in params:
            yield from self.ownership.parties()

    def get_entity(self, entity_id: str) -> Entity:
        """An entity of an active version. Raises NotFoundError."""
        row = self.connection.execute(
            "SELECT r.data FROM current c JOIN records r ON r.id = c.record_id"
            " WHERE c.entity_id = ?",
            (entity_id,),
        ).fetchone()
        if row is None:
            party = self.ownership.party(entity_id)
            if party is not None:
                return party
            raise NotFoundError(f"No entity {entity_id!r} in the active lists.")
        return codec.decode_entity(row[0])

    def version_members(self, source: str, number: int) -> dict[str, int]:
        """entity id -> record id for version ``number`` of ``source``."""
        return self._members(self.version(source, number).key)

    def _members(self, key: int) -> dict[str, int]:
        ids = codec.unpack_ids(self._members_blob(key))
        out: dict[str, int] = {}
        for chunk in _chunks(ids, 900):
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT entity_id, id FROM records WHERE id IN ({marks})"
            out.update(self.connection.execute(sql, chunk))
        return out

    def records(self, record_ids: Iterable[int]) -> dict[int, Entity]:
        """Decode stored records by id."""
        out: dict[int, Entity] = {}
        for chunk in _chunks(list(record_ids), 900):
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT id, data FROM records WHERE id IN ({marks})"
            for record_id, blob in self.connection.execute(sql, chunk):
                out[record_id] = codec.decode_entity(blob)
        return out

    def version_entities(self, source: str, number: int) -> dict[str, Entity]:
        """Every entity of version ``number`` of ``source`` (active or not), by entity id."""
        members = self.version_members(source, number)
        records = self.records(members.values())
        return {entity_id: records[rid] for entity_id, rid in members.items()}

    # -- history and diffs ---------------------------------------------------------------

    def diff(
        self, source: str, from_version: int | None = None, to_version: int | None = None
    ) -> Diff:
        """Changes between two versions of ``source`` (default: the last two)."""
        old_v, new_v = self._diff_pair(source, from_version, to_version)
        old_m = self._members(old_v.key) if old_v else {}
        new_m = self._members(new_v.key)
        # records shared by both versions are unchanged entities: decode only the others
        shared = set(old_m.values()) & set(new_m.values())
        old_only = {e: r for e, r in old_m.items() if r not in shared}
        new_only = {e: r for e, r in new_m.items() if r not in shared}
        records = self.records([*old_only.values(), *new_only.values()])
        added, removed, changed = diff_entities(
            {e: records[r] for e, r in old_only.items()},
            {e: records[r] for e, r in new_only.items()},
        )
        return Diff(
            source=source,
            from_version=old_v.id if old_v else None,
            to_version=new_v.id,
            added=added,
            removed=removed,
            changed=changed,
            from_published=old_v.published if old_v else "",
            to_published=new_v.published,
        )

    def _diff_pair(
        self, source: str, from_version: int | None, to_version: int | None
    ) -> tuple[VersionInfo | None, VersionInfo]:
        versions = self.versions(source)
        if not versions:
            raise NotFoundError(f"No version of {source} is in the store.")
        by_id = {v.id: v for v in versions}
        for value in (from_version, to_version):
            if value is not None and value not in by_id:
                known = ", ".join(str(v.id) for v in versions)
                raise NotFoundError(f"{source} has no version {value} (versions: {known}).")
        new = by_id[to_version] if to_version is not None else versions[-1]
        if from_version is not None:
            return by_id[from_version], new
        older = [v for v in versions if v.id < new.id]
        return (older[-1] if older else None), new

    def entity_history(self, entity_id: str) -> list[HistoryEvent]:
        """Every version in which ``entity_id`` was added, changed or removed, oldest first."""
        rows = self.connection.execute(
            "SELECT id, source, data FROM records WHERE entity_id = ?", (entity_id,)
        ).fetchall()
        if not rows:
            raise NotFoundError(f"No entity {entity_id!r} in any stored version.")
        records = {row[0]: row[2] for row in rows}
        events: list[HistoryEvent] = []
        previous: int | None = None
        for version in self.versions(rows[0][1]):
            members = set(codec.unpack_ids(self._members_blob(version.key)))
            present = [rid for rid in records if rid in members]
            current = present[0] if present else None
            change, fields = _history_step(records, previous, current)
            if change:
                events.append(
                    HistoryEvent(version.id, version.published, version.imported_at, change, fields)
                )
            previous = current
        return events

    def _members_blob(self, key: int) -> bytes:
        row = self.connection.execute(
            "SELECT members FROM versions WHERE id = ?", (key,)
        ).fetchone()
        if row is None:  # pragma: no cover - keys come from the store itself
            raise NotFoundError(f"There is no version with key {key} in the store.")
        blob: bytes = row[0]
        return blob

    # -- small key/value state for other modules of the store ----------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.connection.write() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def fetch_state(self, source: str) -> dict[str, tuple[str, str]]:
        """file -> (ETag, Last-Modified) of the download that made the active version."""
        rows = self.connection.execute(
            "SELECT f.file, f.etag, f.last_modified FROM fetch_state f"
            " JOIN versions v ON v.id = f.version_id AND v.active = 1 WHERE f.source = ?",
            (source,),
        )
        return {row[0]: (row[1], row[2]) for row in rows}

    def save_fetch_state(
        self, source: str, number: int, state: Mapping[str, tuple[str, str]]
    ) -> None:
        """Remember the validators of the download that made version ``number`` of ``source``."""
        version_id = self.version(source, number).key
        with self.connection.write() as conn:
            conn.execute("DELETE FROM fetch_state WHERE source = ?", (source,))
            conn.executemany(
                "INSERT INTO fetch_state(source, file, etag, last_modified, version_id)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (source, name, tag, modified, version_id)
                    for name, (tag, modified) in state.items()
                ],
            )


def _history_step(
    records: dict[int, bytes], previous: int | None, current: int | None
) -> tuple[str, tuple[str, ...]]:
    if previous == current:
        return "", ()
    if previous is None:
        return "added", ()
    if current is None:
        return "removed", ()
    change = entity_change(
        codec.decode_entity(records[previous]), codec.decode_entity(records[current])
    )
    return "changed", tuple(change.fields) if change else ()


def _chunks(values: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True)
class _ActiveRow:
    """What an import compares with: the active version of the source."""

    key: int
    members_hash: str
    content_hash: str
    entities: int
    published: str

    def same_publication(self, dataset: Dataset, prepared: _Prepared) -> bool:
        """The same entities, from the same bytes or with the same publication date.

        A file's name takes no part: a byte-identical copy loaded under another name is
        the same publication, while the same entities republished on another date are not.
        """
        if self.members_hash != prepared.members_hash:
            return False
        return self.content_hash == dataset.content_hash or self.published == dataset.published


@dataclass(frozen=True)
class _Prepared:
    """A dataset serialised for storage, computed before the write transaction starts."""

    entity_ids: list[str]
    blobs: list[bytes]
    hashes: list[bytes]
    members_hash: str

    @classmethod
    def of(cls, dataset: Dataset) -> _Prepared:
        entity_ids = [entity.id for entity in dataset.entities]
        if len(set(entity_ids)) != len(entity_ids):
            dupes = [k for k, n in Counter(entity_ids).items() if n > 1]
            raise InputError(
                f"The {dataset.source} dataset has {len(dupes)} entity ids more than once "
                f"(first: {dupes[0]}); nothing was imported."
            )
        blobs = [codec.canonical_bytes(entity) for entity in dataset.entities]
        hashes = [codec.record_hash(blob) for blob in blobs]
        return cls(entity_ids, blobs, hashes, codec.members_hash(hashes))
