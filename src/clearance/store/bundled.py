"""Bundled sources: lists shipped as package data and active in every store from the start.

On every open the store hashes each bundled source's ``default_files()`` (plus the clearance
version, since a new release may map the same files differently) and re-reads the files only
when that hash differs from the one recorded at the last bundled import. Unchanged, this costs
one small hash and one meta lookup per source.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from clearance import __version__
from clearance.sources import get_source, source_module
from clearance.sources.base import Source
from clearance.sources.common import hash_files

if TYPE_CHECKING:
    from clearance.store.info import VersionInfo
    from clearance.store.sqlite import Store

#: sources whose lists ship with the package (their Source classes say ``bundled = True``)
BUNDLED_SOURCE_IDS = ("us-ndaa-889", "us-fcc-covered", "us-dod-1260h", "us-dhs-uflpa")


def bundled_sources() -> list[Source]:
    """The bundled sources whose modules are installed (a missing module is skipped)."""
    out: list[Source] = []
    for source_id in BUNDLED_SOURCE_IDS:
        if find_spec(source_module(source_id)) is None:
            continue
        source = get_source(source_id)
        if source.bundled:
            out.append(source)
    return out


def bundled_hash(files: tuple[Path, ...]) -> str:
    return f"{hash_files(files)}+clearance-{__version__}"


def read_path(files: tuple[Path, ...]) -> Path:
    """What to give ``Source.read``: the file itself, or the folder holding several."""
    if len(files) == 1:
        return files[0]
    return files[0].parent


def sync_bundled(store: Store) -> list[VersionInfo]:
    """Import the bundled sources whose package files changed since their last import."""
    imported: list[VersionInfo] = []
    for source in bundled_sources():
        files = tuple(source.default_files())  # type: ignore[attr-defined]
        digest = bundled_hash(files)
        key = f"bundled:{source.id}"
        if store.get_meta(key) == digest:
            continue
        dataset = source.read(read_path(files))
        # package data is trusted: a release may legitimately shrink a list
        imported.append(store.import_dataset(dataset, force=True, origin="bundled", source=source))
        store.set_meta(key, digest)
    return imported
