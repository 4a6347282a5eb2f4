"""A tiny source for store, catalog and CLI tests: a CSV of ``id,schema,name,aliases,country``.

A file may start with ``# published: YYYY-MM-DD``. Aliases are separated by ``;``. A folder is
read through its ``fake.csv``. Rows with a missing id raise ParseError, as a real reader would.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pytest

import clearance.sources as registry
from clearance.errors import ParseError
from clearance.model import Entity, Listing
from clearance.sources.base import Dataset, Gates, Source, unique_ids
from clearance.sources.common import find_file, hash_files

FAKE_ID = "test-fake"
HEADER = ("id", "schema", "name", "aliases", "country")


class FakeSource(Source):
    id = FAKE_ID
    title = "Fake test list"
    gates = Gates(min_entities=2, max_shrink=0.10)
    base_url = "http://127.0.0.1:1/fake/"
    remote_files = ("FAKE.CSV",)
    formats = ("fake-csv",)

    def read(self, path: Path) -> Dataset:
        file = find_file(path, "fake.csv") if path.is_dir() else path
        if file is None or not file.is_file():
            raise ParseError(str(path), None, "no fake.csv found")
        text = file.read_text(encoding="utf-8")
        published = ""
        lines = text.splitlines()
        if lines and lines[0].startswith("# published:"):
            published = lines.pop(0).split(":", 1)[1].strip()
        rows = list(csv.reader(lines))
        if not rows or tuple(rows[0]) != HEADER:
            raise ParseError(str(file), "line 1", f"expected the header {','.join(HEADER)}")
        entities = [self._entity(str(file), n, row) for n, row in enumerate(rows[1:], start=2)]
        unique_ids(self.id, str(file), entities)
        return Dataset(
            source=self.id,
            entities=entities,
            format="fake-csv",
            published=published,
            files=(file,),
            content_hash=hash_files([file]),
        )

    def _entity(self, path: str, line: int, row: list[str]) -> Entity:
        if len(row) != len(HEADER) or not row[0]:
            raise ParseError(path, f"line {line}", f"expected {len(HEADER)} fields and an id")
        record = dict(zip(HEADER, row, strict=True))
        entity = Entity(source=self.id, source_id=row[0], schema=row[1] or "LegalEntity")
        entity.add_name(row[2])
        for alias in row[3].split(";"):
            entity.add_name(alias, "alias")
        entity.add("country", row[4])
        entity.listings.append(Listing(list="SDN", effect="blocking"))
        entity.record = record
        return entity


def write_fake(path: Path, rows: Iterable[tuple[str, ...]], published: str = "") -> Path:
    """Write a fake list file (``rows`` without the header)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        if published:
            fh.write(f"# published: {published}\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def sample_rows(count: int, prefix: str = "E") -> list[tuple[str, ...]]:
    """``count`` distinct rows with ids ``E1``... (no real party names: generated labels)."""
    return [
        (f"{prefix}{i}", "Company", f"Sample Trading {i} Ltd", f"ST{i};Sample {i}", "ir")
        for i in range(1, count + 1)
    ]


@pytest.fixture
def fake_source(monkeypatch: pytest.MonkeyPatch) -> FakeSource:
    """Register :class:`FakeSource` under ``test-fake`` for the duration of a test."""
    monkeypatch.setitem(registry._REGISTRY, FAKE_ID, "tests.store.fakesource:FakeSource")
    return FakeSource()


class FakeBundled(FakeSource):
    """A bundled fake: its package files are whatever a test puts in ``FILES``."""

    id = "test-bundled"
    bundled = True
    FILES: tuple[Path, ...] = ()
    reads = 0

    def default_files(self) -> tuple[Path, ...]:
        return FakeBundled.FILES

    def read(self, path: Path) -> Dataset:
        FakeBundled.reads += 1
        return super().read(path)
