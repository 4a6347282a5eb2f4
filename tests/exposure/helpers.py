"""Loading small fixture lists, whose sizes are below the real lists' quality gates."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from clearance.catalog import import_dataset, open_store
from clearance.exposure import refresh
from clearance.settings import Settings
from clearance.sources.base import Source


def load_small(settings: Settings, source: Source, path: Path) -> None:
    """Import a fixture of ``source`` (however small) and refresh the index and graph."""

    class Small(type(source)):  # type: ignore[misc]
        gates = replace(source.gates, min_entities=1)

    with open_store(settings) as store:
        import_dataset(store, source.read(path), source=Small())
        refresh(store, settings)
