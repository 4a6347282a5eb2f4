"""Fixtures for the HTTP API: a temp store with two small lists, the real screener, keys."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI

from clearance.catalog import import_dataset
from clearance.index import ensure_index
from clearance.match.scorer import Matcher
from clearance.model import Entity, Listing
from clearance.screen import Screener
from clearance.server import create_app
from clearance.settings import Settings
from clearance.sources.base import Dataset, Source
from clearance.store import Store, open_database
from clearance.store.keys import KeyStore

with warnings.catch_warnings():
    # Starlette prefers its httpx fork for the test client; plain httpx works the same.
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient", category=Warning)
    from starlette.testclient import TestClient

SDN = Listing(list="SDN", effect="blocking", programs=("UKRAINE-EO13661",), start="2014-03-20")
EL = Listing(list="EL", effect="entity-list-licence", programs=("EAR",))


class ListA(Source):
    id = "test-a"
    title = "Test list A"

    def read(self, path: Path) -> Dataset:  # pragma: no cover - datasets are built in code
        raise NotImplementedError


class ListB(ListA):
    id = "test-b"
    title = "Test list B"


def _entity(source: str, sid: str, schema: str, names: list[str], **props: str) -> Entity:
    entity = Entity(source=source, source_id=sid, schema=schema)
    entity.add_name(names[0])
    for alias in names[1:]:
        entity.add_name(alias, "alias")
    for prop, value in props.items():
        entity.add(prop, value)
    entity.listings.append(SDN if source == "test-a" else EL)
    return entity


def list_a() -> list[Entity]:
    return [
        _entity(
            "test-a",
            "9647",
            "Person",
            ["Arkady Romanovich ROTENBERG", "Arkadii Romanovich Rotenberg", "Аркадий Ротенберг"],
            birthDate="1951-12-15",
            nationality="ru",
        ),
        _entity("test-a", "100", "Person", ["Ivan Petrovich SIDOROV"], nationality="ru"),
        _entity("test-a", "101", "Company", ["Northwind Arms Trading LLC"], country="ir"),
        *(
            _entity("test-a", f"x{i}", "Person", [f"Listed{i} Personname{i}"], nationality="kp")
            for i in range(30)
        ),
    ]


def list_b() -> list[Entity]:
    return [
        _entity("test-b", "1", "Company", ["Blue Harbor Electronics Co"], country="cn"),
        _entity("test-b", "2", "Company", ["Northwind Arms Trading"], country="ae"),
    ]


def load_store(settings: Settings) -> Store:
    store = Store.open(settings)
    for source, entities in ((ListA(), list_a()), (ListB(), list_b())):
        dataset = Dataset(
            source=source.id,
            entities=entities,
            format="test",
            published="2026-11-01",
            content_hash=f"hash-{source.id}",
        )
        import_dataset(store, dataset, source=source)
    return store


def open_screener(settings: Settings, store: Store, profile: str = "balanced") -> Screener:
    return Screener(ensure_index(store, settings.index_dir), Matcher(profile), profile=profile)


@dataclass
class ApiEnv:
    settings: Settings
    app: FastAPI
    client: TestClient
    keys: dict[str, str]

    def auth(self, role: str = "screener") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


def make_keys(settings: Settings) -> dict[str, str]:
    store = KeyStore(open_database(settings.database_location))
    return {
        role: store.create(f"test-{role}", role)[1]
        for role in ("screener", "analyst", "reviewer", "admin")
    }


def build_env(home: Path, **overrides: object) -> Iterator[ApiEnv]:
    settings = Settings(home=home, **overrides)  # type: ignore[arg-type]
    store = load_store(settings)
    screener = open_screener(settings, store)
    keys = make_keys(settings)
    app = create_app(
        settings,
        store=store,
        screener=screener,
        screener_factory=lambda profile: open_screener(settings, store, profile),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield ApiEnv(settings, app, client, keys)
    store.close()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiEnv]:
    """One app over the test lists for a module (requests do not change its data)."""
    yield from build_env(tmp_path_factory.mktemp("api") / "home", api_rate_per_minute=0)
