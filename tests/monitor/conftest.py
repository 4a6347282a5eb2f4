"""A small list whose versions the tests write, and a monitor over it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from clearance.catalog import import_dataset
from clearance.exposure import refresh
from clearance.model import Entity, Listing
from clearance.monitor import service
from clearance.monitor.rescreen import Monitor, cycle
from clearance.settings import Settings
from clearance.sources.base import Dataset, Gates, Source
from clearance.store import Store
from clearance.store.monitor import MonitorStore

SOURCE = "test-watch"
ANALYST = service.Actor("ann", "analyst", "test")
REVIEWER = service.Actor("rob", "reviewer", "test")
ADMIN = service.Actor("ada", "admin", "test")


class WatchList(Source):
    id = SOURCE
    title = "A watch list for the monitoring tests"
    gates = Gates(min_entities=1, max_shrink=1.0)

    def read(self, path: Path) -> Dataset:  # pragma: no cover - versions are built in code
        raise NotImplementedError


def entity(sid: str, name: str, schema: str = "Company", **props: str) -> Entity:
    found = Entity(source=SOURCE, source_id=sid, schema=schema)
    found.add_name(name)
    for prop, value in props.items():
        found.add(prop, value)
    found.listings.append(Listing(list="SDN", effect="blocking", programs=("TEST",)))
    return found


#: the list's first version
FIRST = (
    ("1", "Northwind Arms Trading LLC", "Company"),
    ("2", "Ivan Petrovich SIDOROV", "Person"),
    ("3", "Blue Harbor Electronics Co", "Company"),
    ("4", "Golden Lantern Shipping", "Company"),
)


@dataclass
class Watch:
    settings: Settings
    store: Store
    monitor: Monitor
    published: int = 0

    def publish(self, entities: Sequence[Entity]) -> None:
        """Make a new version of the list active and refresh the index (as `load` does)."""
        self.published += 1
        dataset = Dataset(SOURCE, list(entities), format="test",
                          published=f"2026-01-{self.published:02d}",
                          content_hash=f"v{self.published}")  # fmt: skip
        import_dataset(self.store, dataset, source=WatchList(), force=True)
        refresh(self.store, self.settings)

    def cycle(self, full: bool = False) -> dict[str, object]:
        return cycle(self.monitor, "test", full).to_dict()

    def book(self, rows: Sequence[dict[str, str]], replace: bool = False) -> dict[str, object]:
        return service.import_rows(self.monitor, enumerate(rows, 1), ANALYST, replace=replace)

    def alerts(self, state: str = "", party: str = "") -> list[dict[str, object]]:
        return service.list_alerts(self.monitor.book, service.AlertsQuery(state, party))


def first_version() -> list[Entity]:
    return [entity(sid, name, schema) for sid, name, schema in FIRST]


@pytest.fixture
def watch(tmp_path: Path) -> Iterator[Watch]:
    settings = Settings(home=tmp_path / "home")
    store = Store.open(settings)
    monitor = Monitor(settings, store, MonitorStore(store.connection))
    found = Watch(settings, store, monitor)
    found.publish(first_version())
    yield found
    store.close()
