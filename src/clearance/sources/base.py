"""What every source is: download -> read -> map, plus quality gates.

A source module exposes one :class:`Source` subclass. ``read(path)`` takes a local file or
folder in one of the source's native formats, detects which, reads it into the source's own
typed records, maps them to :class:`~clearance.model.Entity` and returns a :class:`Dataset`.
Downloading is generic (``sources/download.py``) and driven by ``remote_files``.

:meth:`Source.read` does the steps every importer repeats: locate the files, read them into
records, map the records, check the entity ids and build the dataset (content hash, counts).
A source writes only its own parts: :meth:`Source.read_records` (the format) and
:meth:`Source.map_records` (the mapping), and where it needs to, :meth:`Source.locate` and
:meth:`Source.stats`. A source whose reading does not fit (several formats that decide the
files, deltas against the previous version) overrides ``read`` itself.
"""

from __future__ import annotations

from abc import ABC
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from clearance.errors import GateError, ParseError
from clearance.model import Entity
from clearance.sources.common import hash_files, locate_file


@dataclass(frozen=True)
class Gates:
    """Quality gates a new version must pass before it replaces the active one."""

    #: fewest entities a complete file of this source can have
    min_entities: int = 1
    #: FtM properties every entity must have (every entity must always have a name)
    required: tuple[str, ...] = ()
    #: largest accepted drop in entity count against the active version (--force overrides
    #: this gate like every other)
    max_shrink: float = 0.10


@dataclass
class Dataset:
    """One complete publication of a source, read and mapped."""

    source: str
    entities: list[Entity]
    #: the format that was read, e.g. ``ofac-csv``, ``ofac-xml``, ``ofac-advanced-xml``
    format: str
    #: publication date (ISO) where the file carries one, else ""
    published: str = ""
    #: the files read, in order
    files: tuple[Path, ...] = ()
    #: sha256 over the raw bytes of the files read (see ``common.hash_files``)
    content_hash: str = ""
    #: counts by schema etc., free-form, stored with the version
    stats: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Records:
    """What a source's reader gives :meth:`Source.read`: its typed records, the format read and
    the publication date the files carry ("" if none)."""

    records: Sequence[Any]
    format: str
    published: str = ""


class Source(ABC):
    """A list clearance can import. Subclasses are stateless."""

    id: ClassVar[str]
    title: ClassVar[str]
    gates: ClassVar[Gates] = Gates()
    #: official download location: base URL and the file names under it
    base_url: ClassVar[str] = ""
    remote_files: ClassVar[tuple[str, ...]] = ()
    #: bundled sources are read from the package's data files and active in every store
    bundled: ClassVar[bool] = False
    #: formats ``read`` accepts, for help texts
    formats: ClassVar[tuple[str, ...]] = ()
    #: parties screened by name; reference data (the IEEE registries) is stored, not screened
    screened: ClassVar[bool] = True

    #: the file names :meth:`locate` looks for in a folder, the first one found wins
    file_names: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path) -> Dataset:
        """Read a local file or folder of this source. Raises ParseError on bad input."""
        files = self.locate(Path(path))
        read = self.read_records(files)
        entities = self.map_records(read.records)
        name = ", ".join(str(p) for p in files)
        if not entities:
            raise ParseError(name, None, "the file has no entries")
        unique_ids(self.id, name, entities)
        return Dataset(
            source=self.id,
            entities=entities,
            format=read.format,
            published=read.published,
            files=files,
            content_hash=hash_files(files),
            stats=self.stats(entities, read.records),
        )

    def locate(self, path: Path) -> tuple[Path, ...]:
        """The files to read: ``path`` itself, or in a folder the first of ``file_names``."""
        return (locate_file(path, *(self.file_names or self.remote_files)),)

    def read_records(self, files: tuple[Path, ...]) -> Records:
        """The source's own records of ``files`` (ParseError naming the place on bad input)."""
        raise NotImplementedError(f"{type(self).__name__} reads no records of its own")

    def map_records(self, records: Sequence[Any]) -> list[Entity]:
        """The entities of the records."""
        raise NotImplementedError(f"{type(self).__name__} maps no records of its own")

    def stats(self, entities: Sequence[Entity], records: Sequence[Any]) -> dict[str, int]:
        """Counts stored with the version: entities by schema unless the source says more."""
        return dict(Counter(entity.schema for entity in entities))


#: what every gate's refusal says about overriding it
OVERRIDE = (
    "If you mean to take it as it is (an extract, a test file, a list that really shrank), "
    "run the same clearance load or update again with --force, which overrides every "
    "quality gate."
)


def check_gates(
    source: Source, dataset: Dataset, active_count: int | None, force: bool = False
) -> None:
    """Raise GateError unless ``dataset`` may replace a version with ``active_count`` entities.

    ``force`` overrides every quality gate (minimum count, required fields, shrink); each
    refusal says so. An entity without any name is refused even then: it could not be
    screened, so loading it would leave a listed party unscreened without a word.
    Pure: the store calls it inside its import, before anything is switched.
    """
    gates = source.gates
    count = len(dataset.entities)
    name = ", ".join(str(p) for p in dataset.files) or source.id
    missing_name = [e.id for e in dataset.entities if not e.names]
    if missing_name:
        raise GateError(
            f"Refusing {source.id} from {name}: {len(missing_name)} entities have no name "
            f"(first: {missing_name[0]}), so they could not be screened; --force does not "
            "override this. The active version is kept."
        )
    if force:
        return
    if count < gates.min_entities:
        raise GateError(
            f"Refusing {source.id} from {name}: it has {count} entities, fewer than the "
            f"{gates.min_entities} a complete publication has. {OVERRIDE} "
            "The active version is kept."
        )
    for prop in gates.required:
        lacking = [e.id for e in dataset.entities if not e.get(prop)]
        if lacking:
            raise GateError(
                f"Refusing {source.id} from {name}: {len(lacking)} entities lack the required "
                f"field {prop!r} (first: {lacking[0]}). {OVERRIDE} The active version is kept."
            )
    if active_count:
        drop = (active_count - count) / active_count
        if drop > gates.max_shrink:
            raise GateError(
                f"Refusing {source.id} from {name}: it has {count} entities against "
                f"{active_count} in the active version, a drop of {drop:.0%} (more than "
                f"{gates.max_shrink:.0%}). {OVERRIDE} The active version is kept."
            )


def unique_ids(source_id: str, path: str, entities: Sequence[Entity]) -> None:
    """Shared check for readers: entity ids must be unique within a publication."""
    seen: set[str] = set()
    for entity in entities:
        if entity.id in seen:
            raise ParseError(path, None, f"entity id {entity.id} occurs twice in {source_id}")
        seen.add(entity.id)
