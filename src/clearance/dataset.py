"""A publication of a list as the store receives it, and the quality gates it must pass.

Sources produce a :class:`Dataset` (``sources/``); the store takes it with the source's
:class:`Gates` as data and applies them with :func:`check_gates` inside its import transaction,
against the version active at that moment. Pure: nothing here reads files or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from clearance.errors import GateError
from clearance.model import Entity


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


#: what every gate's refusal says about overriding it
OVERRIDE = (
    "If you mean to take it as it is (an extract, a test file, a list that really shrank), "
    "run the same clearance load or update again with --force, which overrides every "
    "quality gate."
)


def check_gates(
    gates: Gates, dataset: Dataset, active_count: int | None, force: bool = False
) -> None:
    """Raise GateError unless ``dataset`` may replace a version with ``active_count`` entities.

    ``force`` overrides every quality gate (minimum count, required fields, shrink); each
    refusal says so. An entity without any name is refused even then: it could not be
    screened, so loading it would leave a listed party unscreened without a word.
    Pure: the store calls it with the gates it is given, inside its import, before anything
    is switched.
    """
    count = len(dataset.entities)
    name = ", ".join(str(p) for p in dataset.files) or dataset.source
    missing_name = [e.id for e in dataset.entities if not e.names]
    if missing_name:
        raise GateError(
            f"Refusing {dataset.source} from {name}: {len(missing_name)} entities have no name "
            f"(first: {missing_name[0]}), so they could not be screened; --force does not "
            "override this. The active version is kept."
        )
    if force:
        return
    if count < gates.min_entities:
        raise GateError(
            f"Refusing {dataset.source} from {name}: it has {count} entities, fewer than the "
            f"{gates.min_entities} a complete publication has. {OVERRIDE} "
            "The active version is kept."
        )
    for prop in gates.required:
        lacking = [e.id for e in dataset.entities if not e.get(prop)]
        if lacking:
            raise GateError(
                f"Refusing {dataset.source} from {name}: {len(lacking)} entities lack the required "
                f"field {prop!r} (first: {lacking[0]}). {OVERRIDE} The active version is kept."
            )
    if active_count:
        drop = (active_count - count) / active_count
        if drop > gates.max_shrink:
            raise GateError(
                f"Refusing {dataset.source} from {name}: it has {count} entities against "
                f"{active_count} in the active version, a drop of {drop:.0%} (more than "
                f"{gates.max_shrink:.0%}). {OVERRIDE} The active version is kept."
            )
