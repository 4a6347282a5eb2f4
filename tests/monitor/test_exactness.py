"""A delta re-screen gives the alerts a full re-screen gives: on the 50 real SDN versions.

Two monitors watch one store while the 50 daily SDN versions of ``../shared/data`` become active
one after the other: the first re-screens only what each version touches, the second every
party of the book at every version. Their alerts (which, why, in what state, against which
version) must be the same at every version, with the same decisions taken on both.

The book: 200 synthetic people on no list, 60 listed names of the first version, 60 names that
pair a listed first name with another listed surname, and two entities of each later version,
planted before they are listed (each must alert at its version).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clearance.catalog import import_dataset
from clearance.exposure import refresh
from clearance.model import Entity
from clearance.monitor import service
from clearance.monitor.rescreen import Monitor, cycle
from clearance.settings import Settings
from clearance.sources.base import Dataset
from clearance.store import Store, open_database
from clearance.store.monitor import AlertQuery, MonitorStore

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

SOURCE = "us-ofac-sdn"
ACTOR = service.Actor("reviewer", "admin", "test")


def _names(entity: Entity) -> str:
    """A listed name as a person writes it: given names first, no commas."""
    caption = entity.caption
    if entity.schema == "Person" and "," in caption:
        last, _, first = caption.partition(",")
        return f"{first.strip()} {last.strip().title()}"
    return caption


def book_rows(
    first: Dataset, later: list[tuple[int, Entity]], negatives: Path
) -> list[dict[str, str]]:
    rng = random.Random(17)
    rows: list[dict[str, str]] = []
    with negatives.open(encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            if n >= 200:
                break
            rows.append(
                {
                    "reference": f"neg-{n}",
                    "name": row["full_name"],
                    "schema": "Person",
                    "birth_date": row["date_of_birth"],
                    "country": row["nationality"],
                }
            )
    people = [e for e in first.entities if e.schema == "Person" and "," in e.caption]
    for entity in rng.sample(first.entities, 60):
        rows.append({"reference": f"listed-{entity.source_id}", "name": _names(entity),
                     "schema": entity.schema})  # fmt: skip
    for n in range(60):
        a, b = rng.sample(people, 2)
        given = a.caption.partition(",")[2].split()[:1]
        name = " ".join([*given, b.caption.partition(",")[0]])
        rows.append({"reference": f"mix-{n}", "name": name, "schema": "Person"})
    for version, entity in later:
        rows.append({"reference": f"planted-{version}-{entity.source_id}", "name": entity.caption,
                     "schema": entity.schema})  # fmt: skip
    return rows


def alerts_of(book: MonitorStore) -> set[tuple[object, ...]]:
    return {
        (a.party, a.entity_id, a.state, a.reason, a.version, round(a.score, 4), a.closed_reason)
        for a in book.alerts(AlertQuery())
    }


@dataclass
class Watch:
    delta: Monitor
    full: Monitor


def decide_alike(watch: Watch, decision: str, pick: int) -> None:
    """Take the same decision on the same open alerts of both monitors."""
    delta_open = {(a.party, a.entity_id): a.id for a in watch.delta.book.alerts(
        AlertQuery(states=("open",)))}  # fmt: skip
    full_open = {(a.party, a.entity_id): a.id for a in watch.full.book.alerts(
        AlertQuery(states=("open",)))}  # fmt: skip
    assert delta_open.keys() == full_open.keys()
    for pair in sorted(delta_open)[::pick]:
        for book, ids in ((watch.delta.book, delta_open), (watch.full.book, full_open)):
            service.decide(book, service.DecideRequest(ids[pair], decision, "test", ACTOR), False)


@pytest.fixture
def no_dates(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The index without first-seen dates (screening filters only read them): each of the 50
    versions indexes a second faster."""
    monkeypatch.setattr("clearance.index.persist.store_dates", lambda store: {})
    yield


def test_a_delta_rescreen_gives_the_alerts_of_a_full_one(
    shared_data: Path, tmp_path: Path, no_dates: None
) -> None:
    ofac = pytest.importorskip("clearance.sources.ofac")
    source = ofac.SdnSource()
    files = sorted((shared_data / "ofac" / "sdn-history").glob("sdn-*.csv.gz"))
    assert len(files) == 50
    datasets = [source.read(files[0])]
    settings = Settings(home=tmp_path / "home")
    store = Store.open(settings)
    import_dataset(store, datasets[0], source=source, force=True)
    refresh(store, settings)
    # entities later versions add, planted in the book before they are listed
    rng = random.Random(3)
    seen = {e.id for e in datasets[0].entities}
    later: list[tuple[int, Entity]] = []
    staged: list[Dataset] = []
    for number, path in enumerate(files[1:], start=2):
        dataset = source.read(path)
        added = [e for e in dataset.entities if e.id not in seen]
        seen.update(e.id for e in dataset.entities)
        later += [(number, e) for e in rng.sample(added, min(2, len(added)))]
        staged.append(dataset)
    rows = book_rows(datasets[0], later, shared_data / "eval" / "negatives_global_1k.csv")
    other = open_database(str(tmp_path / "full.sqlite3"))
    watch = Watch(
        Monitor(settings, store, MonitorStore(store.connection), workdir=tmp_path / "delta"),
        Monitor(settings, store, MonitorStore(other), workdir=tmp_path / "full"),
    )
    for monitor in (watch.delta, watch.full):
        report = service.import_rows(monitor, enumerate(rows, 1), ACTOR)
        assert report["added"] == len(rows) and report["errors"] == 0
    assert alerts_of(watch.delta.book) == alerts_of(watch.full.book)
    touched: list[int] = []
    for number, dataset in enumerate(staged, start=2):
        import_dataset(store, dataset, source=source, force=True)
        refresh(store, settings)
        report = cycle(watch.delta, "test")
        cycle(watch.full, "test", full=True)
        assert alerts_of(watch.delta.book) == alerts_of(watch.full.book), f"version {number}"
        touched.append(report.outcome.screened)
        if number in (5, 25):
            decide_alike(watch, "false-positive", 2)
        if number == 15:
            decide_alike(watch, "escalated", 3)
    # every planted party alerts on its entity at the version that lists it (its first alert
    # on it: a later change of the entity supersedes it)
    opened: dict[tuple[str, str], tuple[int, str]] = {}
    for a in watch.delta.book.alerts(AlertQuery()):
        if a.party.startswith("planted-"):
            opened.setdefault((a.party, a.entity_id), (a.version, a.reason))
    assert [v.id for v in store.versions(SOURCE)] == list(range(1, 51))
    for version, entity in later:
        party = f"planted-{version}-{entity.source_id}"
        assert opened.get((party, entity.id)) == (version, "new-listing"), party
    # and the delta re-screened a small part of the book
    assert sum(touched) < len(rows) * len(staged) / 4
    assert watch.delta.book.verify().ok and watch.full.book.verify().ok
