"""Persist the candidate index beside the store, keyed by the store's state key.

One pickle file per state (``index_dir/names-<hash of state key>.pkl``; the hash also covers
the name normalisation's code and reference tables, which decide the keys, so a new legal
form or transliteration rule makes the file stale), written to a temporary file and renamed
into place, so readers never see half a file and concurrent builders do not
collide. Files of older states are removed after a successful write. A new process loads the
file in milliseconds; a stale or missing file is rebuilt from the store on first use.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from clearance.atomic import write_pickle
from clearance.errors import StoreError
from clearance.index.build import FORMAT_VERSION, IndexData, build_index
from clearance.index.facets import entity_dates
from clearance.model import Entity
from clearance.sources import REFERENCE_SOURCE_IDS
from clearance.text.dictionary import dictionary_version

PREFIX = "names-"
SUFFIX = ".pkl"
#: what the keys of an index depend on besides the entities (relative to the package root)
NORMALISER_FILES = (
    ("text", "*.py"),
    ("index", "keys.py"),
    ("index", "build.py"),
    ("index", "facets.py"),
    ("data", "*.yaml"),
)
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class EntityStore(Protocol):
    """What the index needs of a store."""

    def state_key(self) -> str: ...

    def iter_entities(self, sources: list[str] | None = None) -> Iterator[Entity]: ...


@lru_cache(maxsize=4)
def normaliser_fingerprint(root: Path) -> str:
    """A hash of the normalisation code and reference tables under package ``root`` (read once
    per process: about 300 kB), and of the dictionary package's version (the readings of
    Chinese company names change with it)."""
    digest = hashlib.sha256(dictionary_version().encode())
    for sub, pattern in NORMALISER_FILES:
        for path in sorted((root / sub).glob(pattern)):
            digest.update(f"{sub}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def index_path(directory: Path, state_key: str) -> Path:
    normaliser = normaliser_fingerprint(PACKAGE_ROOT)
    key = f"{FORMAT_VERSION}:{normaliser}:{state_key}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return directory / f"{PREFIX}{digest}{SUFFIX}"


def save_pickle(value: object, target: Path, stale: str) -> Path:
    """Write ``value`` to ``target`` atomically (a temporary file renamed into place: readers
    never see half a file, concurrent writers do not collide), then remove the other files of
    ``target``'s folder that match the glob ``stale`` (those of other states)."""
    write_pickle(value, target)
    for old in target.parent.glob(stale):
        if old != target:
            old.unlink(missing_ok=True)
    return target


def save_index(data: IndexData, directory: Path) -> Path:
    """Write ``data`` atomically and drop the files of other states."""
    return save_pickle(data, index_path(directory, data.state_key), f"{PREFIX}*{SUFFIX}")


def load_index(directory: Path, state_key: str) -> IndexData | None:
    """The persisted index of this state, or ``None`` when missing, stale or unreadable."""
    path = index_path(directory, state_key)
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
    except FileNotFoundError:
        return None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, ImportError):
            raise StoreError(f"Index file {path} needs a missing module: {exc}") from exc
        return None
    if not isinstance(data, IndexData) or data.version != FORMAT_VERSION:
        return None
    if data.state_key != state_key:
        return None
    return data


def screened_entities(store: EntityStore) -> Iterator[Entity]:
    """The store's entities that are screened by name: not those of reference sources."""
    for entity in store.iter_entities():
        if entity.source not in REFERENCE_SOURCE_IDS:
            yield entity


def ensure_index(store: EntityStore, directory: Path, rebuild: bool = False) -> IndexData:
    """The index of the store's current state: loaded if persisted, else built and saved."""
    key = store.state_key()
    if not rebuild and (data := load_index(directory, key)) is not None:
        return data
    data = build_index(screened_entities(store), state_key=key, dates=store_dates(store))
    save_index(data, directory)
    return data


def store_dates(store: object) -> dict[str, tuple[str, str]]:
    """First seen and last change of every active entity, from the versions a store keeps (a
    store that keeps no versions gives none)."""
    active = getattr(store, "active_versions", None)
    versions = getattr(store, "versions", None)
    members = getattr(store, "version_members", None)
    if active is None or versions is None or members is None:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for source, current in active().items():
        history = [v for v in versions(source) if v.id <= current.id]
        out.update(entity_dates((_version_day(v), members(source, v.id)) for v in history))
    return out


def _version_day(version: Any) -> str:
    return str(version.published or version.imported_at or "")[:10]
