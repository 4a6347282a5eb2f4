"""The 50 real daily SDN versions: stored compactly, diffs agree with a raw-CSV computation,
in both backends of the store.

Slow (reads 50 files of up to 15,000 entries): one store is built per module and shared.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from clearance.catalog import import_dataset
from clearance.settings import Settings
from clearance.store import Store, VersionInfo

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

SOURCE = "us-ofac-sdn"


def raw_rows(path: Path) -> dict[str, tuple[str, ...]]:
    """ent_num -> raw row, read with the csv module alone (independent of the reader)."""
    raw = gzip.decompress(path.read_bytes())
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    rows: dict[str, tuple[str, ...]] = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) > 1 and row[0].strip().isdigit():
            rows[row[0].strip()] = tuple(row)
    return rows


@dataclass
class History:
    store: Store
    files: list[Path]
    versions: list[VersionInfo]
    largest_bytes: int
    all_bytes: int


def _stored_size(store: Store) -> int:
    """The bytes the store's tables take once compacted, in either backend."""
    conn = store.connection
    if store.location.startswith("postgresql"):
        conn.execute("VACUUM FULL")
        row = conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname = current_schema()"
        ).fetchone()
        return int(row[0])
    conn.execute("VACUUM")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size: int = pages * conn.execute("PRAGMA page_size").fetchone()[0]
    return size


@pytest.fixture(scope="module")
def histories(shared_data: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, History]]:
    """The 50 versions imported into a SQLite store and, when a server is there, a PostgreSQL
    one: each file is read once and imported into both."""
    ofac = pytest.importorskip("clearance.sources.ofac")
    source = ofac.SdnSource()
    files = sorted((shared_data / "ofac" / "sdn-history").glob("sdn-*.csv.gz"))
    assert len(files) == 50
    with tempfile.TemporaryDirectory() as tmp:
        homes = {"sqlite": Settings(home=Path(tmp) / "sqlite")}
        server = None
        with contextlib.suppress(pytest.skip.Exception):
            server = request.getfixturevalue("postgres_server")
        urls: list[str] = []
        if server is not None:
            urls = [server.database(), server.database()]
            homes["postgresql"] = replace(
                Settings(home=Path(tmp) / "postgresql"), database_url=urls[0]
            )
        stores = {name: Store.open(settings) for name, settings in homes.items()}
        versions: dict[str, list[VersionInfo]] = {name: [] for name in stores}
        largest = None
        for path in files:
            dataset = source.read(path)
            for name, store in stores.items():
                versions[name].append(import_dataset(store, dataset, source=source))
            if largest is None or len(dataset.entities) > len(largest.entities):
                largest = dataset
        assert largest is not None
        found = {}
        for name, settings in homes.items():
            alone_settings = replace(settings, home=Path(tmp) / f"{name}-one")
            if name == "postgresql":
                alone_settings = replace(alone_settings, database_url=urls[1])
            with Store.open(alone_settings) as alone:
                import_dataset(alone, largest, source=source)
                largest_bytes = _stored_size(alone)
            store = stores[name]
            found[name] = History(store, files, versions[name], largest_bytes, _stored_size(store))
        yield found
        for store in stores.values():
            store.close()
        if server is not None:
            for url in urls:
                server.drop(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def history(histories: dict[str, History], request: pytest.FixtureRequest) -> History:
    if request.param not in histories:
        pytest.skip("no PostgreSQL server")
    return histories[request.param]


def test_every_version_is_kept_and_the_last_is_active(history: History) -> None:
    stored = history.store.versions(SOURCE)
    assert [v.id for v in stored] == [v.id for v in history.versions]
    assert [v.published for v in stored] == [p.name[4:14] for p in history.files]
    assert stored[-1].active and not any(v.active for v in stored[:-1])
    assert stored[0].entities == 9083 and max(v.entities for v in stored) == 14966


def test_fifty_versions_take_less_than_three_times_the_largest(history: History) -> None:
    assert history.all_bytes < 3 * history.largest_bytes, (
        history.all_bytes,
        history.largest_bytes,
    )


def test_consecutive_diffs_match_the_raw_csv(history: History) -> None:
    previous = raw_rows(history.files[0])
    for path, old, new in zip(
        history.files[1:], history.versions[:-1], history.versions[1:], strict=True
    ):
        current = raw_rows(path)
        diff = history.store.diff(SOURCE, old.id, new.id)
        assert {e.source_id for e in diff.added} == current.keys() - previous.keys(), path.name
        assert {e.source_id for e in diff.removed} == previous.keys() - current.keys(), path.name
        changed_rows = {k for k in previous.keys() & current.keys() if previous[k] != current[k]}
        changed = {c.entity_id.split(":", 1)[1] for c in diff.changed}
        assert changed == changed_rows, path.name
        previous = current


def test_history_of_an_entity_follows_its_rows(history: History) -> None:
    rows = [raw_rows(path) for path in history.files]
    # an entry that changed at least once in the period
    candidates = [k for k in rows[-1] if k in rows[0] and len({r.get(k) for r in rows}) > 1]
    key = sorted(candidates, key=int)[0]
    events = history.store.entity_history(f"{SOURCE}:{key}")
    expected = []
    for index, (before, after) in enumerate(zip([None, *rows], rows, strict=False)):
        old = before.get(key) if before is not None else None
        new = after.get(key)
        if old != new:
            change = "added" if old is None else "removed" if new is None else "changed"
            expected.append((history.versions[index].id, change))
    assert [(e.version, e.change) for e in events] == expected
