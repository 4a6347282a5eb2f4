"""Loading small fixture lists, whose sizes are below the real lists' quality gates."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from clearance.exposure import refresh
from clearance.settings import Settings
from clearance.sources.base import Source
from clearance.store import Store


def load_small(settings: Settings, source: Source, path: Path) -> None:
    """Import a fixture of ``source`` (however small) and refresh the index and graph."""

    class Small(type(source)):  # type: ignore[misc]
        gates = replace(source.gates, min_entities=1)

    with Store.open(settings) as store:
        store.import_dataset(source.read(path), source=Small())
        refresh(store, settings)
