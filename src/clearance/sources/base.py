"""What every source is: download -> read -> map, plus quality gates.

A source module exposes one :class:`Source` subclass. ``read(path)`` takes a local file or
folder in one of the source's native formats, detects which, reads it into the source's own
typed records, maps them to :class:`~clearance.model.Entity` and returns a :class:`Dataset`.
Downloading is generic (``sources/download.py``) and driven by ``remote_files``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from clearance.errors import GateError, ParseError
from clearance.model import Entity


@dataclass(frozen=True)
class Gates:
    """Quality gates a new version must pass before it replaces the active one."""

    #: fewest entities a complete file of this source can have
    min_entities: int = 1
    #: FtM properties every entity must have (every entity must always have a name)
    required: tuple[str, ...] = ()
    #: largest accepted drop in entity count against the active version, without --force
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

    @abstractmethod
    def read(self, path: Path) -> Dataset:
        """Read a local file or folder of this source. Raises ParseError on bad input."""


def check_gates(
    source: Source, dataset: Dataset, active_count: int | None, force: bool = False
) -> None:
    """Raise GateError unless ``dataset`` may replace a version with ``active_count`` entities.

    Pure: the store calls it inside its import, before anything is switched.
    """
    gates = source.gates
    count = len(dataset.entities)
    name = ", ".join(str(p) for p in dataset.files) or source.id
    if count < gates.min_entities:
        raise GateError(
            f"Refusing {source.id} from {name}: it has {count} entities, fewer than the "
            f"{gates.min_entities} a complete publication has. The active version is kept."
        )
    missing_name = [e.id for e in dataset.entities if not e.names]
    if missing_name:
        raise GateError(
            f"Refusing {source.id} from {name}: {len(missing_name)} entities have no name "
            f"(first: {missing_name[0]}). The active version is kept."
        )
    for prop in gates.required:
        lacking = [e.id for e in dataset.entities if not e.get(prop)]
        if lacking:
            raise GateError(
                f"Refusing {source.id} from {name}: {len(lacking)} entities lack the required "
                f"field {prop!r} (first: {lacking[0]}). The active version is kept."
            )
    if active_count and not force:
        drop = (active_count - count) / active_count
        if drop > gates.max_shrink:
            raise GateError(
                f"Refusing {source.id} from {name}: it has {count} entities against "
                f"{active_count} in the active version, a drop of {drop:.0%} (more than "
                f"{gates.max_shrink:.0%}). If the list really shrank, load it again with "
                "--force. The active version is kept."
            )


def unique_ids(source_id: str, path: str, entities: Sequence[Entity]) -> None:
    """Shared check for readers: entity ids must be unique within a publication."""
    seen: set[str] = set()
    for entity in entities:
        if entity.id in seen:
            raise ParseError(path, None, f"entity id {entity.id} occurs twice in {source_id}")
        seen.add(entity.id)
