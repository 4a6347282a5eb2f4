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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from clearance.dataset import Dataset, Gates
from clearance.dataset import check_gates as check_dataset_gates
from clearance.errors import ParseError
from clearance.model import Entity
from clearance.sources.common import hash_files, locate_file

__all__ = [
    "Dataset",
    "Gates",
    "Records",
    "Source",
    "check_gates",
    "unique_ids",
]


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


def check_gates(
    source: Source, dataset: Dataset, active_count: int | None, force: bool = False
) -> None:
    """The gates of ``source`` on ``dataset`` (see :func:`clearance.dataset.check_gates`)."""
    check_dataset_gates(source.gates, dataset, active_count, force)


def unique_ids(source_id: str, path: str, entities: Sequence[Entity]) -> None:
    """Shared check for readers: entity ids must be unique within a publication."""
    seen: set[str] = set()
    for entity in entities:
        if entity.id in seen:
            raise ParseError(path, None, f"entity id {entity.id} occurs twice in {source_id}")
        seen.add(entity.id)
