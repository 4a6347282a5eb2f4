"""One screening path: the same rows, bad values included, give the same answer through
`clearance screen`, the Python API, `POST /screen`, `POST /jobs` and `POST /match`.

The rows are generated (fixed seed) from the test lists' names and from names on no list,
with the values people write: countries as codes, names and variants, dates in many orders,
schemata by common names, and values that cannot be read at all.
"""

from __future__ import annotations

import csv
import io
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from clearance.catalog import import_dataset, open_store
from clearance.cli import main
from clearance.exposure import open_screener, refresh
from clearance.screen_batch import BatchOptions, run_batch
from clearance.server import create_app
from clearance.settings import Settings
from clearance.sources.base import Dataset
from tests.api.conftest import ListA, ListB, TestClient, list_a, list_b, make_keys

FIELDS = ("reference", "name", "schema", "country", "birth_date", "id_number", "aliases")
LIMIT = 10

NAMES = [
    "Arkady Romanovich ROTENBERG", "Arkadii Rotenberg", "ROTENBERG, Arkady", "Аркадий Ротенберг",
    "Ivan Petrovich SIDOROV", "Sidorov Ivan", "Northwind Arms Trading LLC",
    "Northwind Arms Trading", "Blue Harbor Electronics Co", "Blue Harbour Electronics",
    "Listed7 Personname7", "Hikvision", "Hangzhou Hikvision Digital Technology Co Ltd",
    "杭州海康威视数字技术股份有限公司", "Huawei Technologies", "ZTE Corporation",
    "Quiet Meadow Bakery", "Maria Gonzalez", "Tan Wei Ming", "Olusegun Adeyemi",
]  # fmt: skip
COUNTRIES = [
    "", "ru", "RU", "RUS", "Russia", "Russian Federation", "China", "cn", "ir; ae",
    "Korea, North", "Iran (Islamic Republic of)", "Narnia", "ru, ua", "xx", "UK",
]  # fmt: skip
DATES = ["", "1951", "1951-12-15", "15/12/1951", "12/15/1951", "05/07/1969", "1969-7-16",
         "1974-01-32", "16 July 1969", "unknown", "1951-13-01", "19511215"]  # fmt: skip
SCHEMATA = ["", "Person", "individual", "company", "Organization", "spaceship", "ENTITY"]
IDS = ["", "B-1234567", "P123; Q456", "x" * 300]
ALIASES = ["", "Arkady Rotenberg", "Northwind Arms; NW Arms", "Hik Vision"]


def make_rows(count: int) -> list[dict[str, str]]:
    rng = random.Random(7)
    rows = []
    for i in range(count):
        name = rng.choice(NAMES)
        if rng.random() < 0.2:
            name = name.upper() if rng.random() < 0.5 else "  " + name.lower() + " "
        if rng.random() < 0.05:
            name = rng.choice(["", "   "])  # no usable name: the one row error
        rows.append(
            {
                "reference": f"r{i}",
                "name": name,
                "schema": rng.choice(SCHEMATA),
                "country": rng.choice(COUNTRIES),
                "birth_date": rng.choice(DATES),
                "id_number": rng.choice(IDS),
                "aliases": rng.choice(ALIASES) if rng.random() < 0.3 else "",
            }
        )
    return rows


ROWS = make_rows(240)


def answer(line: dict[str, Any]) -> tuple[Any, ...]:
    """What must agree: the error, the matches (entity and score) and the warnings."""
    matches = tuple((m["entity_id"], m["score"]) for m in line["matches"])
    return bool(line.get("error")), matches, tuple(line.get("warnings", ()))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store with the bundled lists and the two test lists, as every interface opens it."""
    home = tmp_path_factory.mktemp("one-path") / "home"
    settings = Settings(home=home, api_rate_per_minute=0)
    with open_store(settings) as store:
        for source, entities in ((ListA(), list_a()), (ListB(), list_b())):
            import_dataset(store,
                Dataset(source=source.id, entities=entities, format="test",
                        published="2026-11-01", content_hash=f"hash-{source.id}"),
                source=source,
            )  # fmt: skip
        refresh(store, settings)
    yield home


@pytest.fixture(scope="module")
def python_api(home: Path) -> list[tuple[Any, ...]]:
    screener = open_screener(Settings(home=home))
    results = run_batch(screener, ROWS, BatchOptions(limit=LIMIT, workers=1))
    return [answer(r.to_dict()) for r in results]


def test_the_rows_hold_what_the_test_is_about(python_api: list[tuple[Any, ...]]) -> None:
    assert sum(error for error, _, _ in python_api) >= 5
    assert sum(bool(matches) for _, matches, _ in python_api) >= 60
    assert sum(bool(warnings) for _, _, warnings in python_api) >= 60
    # a row with an unreadable value that names a listed party is still found
    found = [
        a for row, a in zip(ROWS, python_api, strict=True)
        if row["country"] == "Narnia" and "Northwind" in row["name"]
        and row["schema"] not in ("Person", "individual")
    ]  # fmt: skip
    assert found and all(matches for _, matches, _ in found)


def test_the_command_line_answers_alike(
    home: Path,
    tmp_path: Path,
    python_api: list[tuple[Any, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source, out = tmp_path / "rows.csv", tmp_path / "out.jsonl"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, FIELDS)
        writer.writeheader()
        writer.writerows(ROWS)
    for key in [k for k in os.environ if k.startswith("CLEARANCE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("CLEARANCE_HOME", str(home))
    main(["screen", str(source), "--out", str(out), "--workers", "2", "--limit", str(LIMIT)])
    lines = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [answer(line) for line in lines] == python_api


@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(home=home, api_rate_per_minute=0)
    keys = make_keys(settings)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client, {"Authorization": f"Bearer {keys['screener']}"}


def _listed(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def test_post_screen_answers_alike(
    client: tuple[TestClient, dict[str, str]], python_api: list[tuple[Any, ...]]
) -> None:
    http, auth = client
    rows = [{**row, "aliases": _listed(row["aliases"])} for row in ROWS]
    rows = [{("identifiers" if k == "id_number" else k): v for k, v in r.items()} for r in rows]
    response = http.post("/screen", json={"rows": rows, "limit": LIMIT}, headers=auth)
    assert response.status_code == 200, response.text
    assert [answer(line) for line in response.json()["results"]] == python_api


def test_a_job_answers_alike(
    client: tuple[TestClient, dict[str, str]], python_api: list[tuple[Any, ...]]
) -> None:
    http, auth = client
    body = _csv(ROWS)
    response = http.post(
        "/jobs", content=body, params={"limit": LIMIT}, headers={**auth, "Content-Type": "text/csv"}
    )
    assert response.status_code == 202, response.text
    job = response.json()["id"]
    for _ in range(600):
        status = http.get(f"/jobs/{job}", headers=auth).json()
        if status["state"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert status["state"] == "done", status
    result = http.get(f"/jobs/{job}/result", headers=auth)
    lines = [orjson.loads(line) for line in result.content.splitlines()]
    assert [answer(line) for line in lines] == python_api


def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _example(row: dict[str, str]) -> dict[str, Any]:
    """A row as a FollowTheMoney example entity (what a yente client sends)."""
    props = {
        "name": [row["name"]],
        "alias": _listed(row["aliases"]),
        "country": [row["country"]],
        "birthDate": _listed(row["birth_date"]),
        "idNumber": _listed(row["id_number"]),
    }
    return {"schema": row["schema"] or "LegalEntity", "properties": props}


def test_post_match_answers_alike(
    client: tuple[TestClient, dict[str, str]], python_api: list[tuple[Any, ...]]
) -> None:
    http, auth = client
    # a row with no name but an alias is screened by its alias, through every interface
    named = {i: row for i, row in enumerate(ROWS) if row["name"].strip() or row["aliases"]}
    queries = {f"q{i}": _example(row) for i, row in named.items()}
    response = http.post(
        "/match/default", json={"queries": queries}, params={"limit": LIMIT}, headers=auth
    )
    assert response.status_code == 200, response.text
    responses = response.json()["responses"]
    got = {
        i: (
            False,
            tuple((r["id"], r["score"]) for r in responses[f"q{i}"]["results"]),
            tuple(responses[f"q{i}"]["warnings"]),
        )
        for i in named
    }
    assert got == {i: python_api[i] for i in named}
    # the rows without a name are the Python API's only errors, and /match refuses them too
    assert {i for i, a in enumerate(python_api) if a[0]} == set(range(len(ROWS))) - set(named)
    empty = {"queries": {"q": {"schema": "Person", "properties": {"name": ["  "]}}}}
    refused = http.post("/match/default", json=empty, headers=auth)
    assert refused.status_code == 400 and "no name" in refused.json()["error"]["message"]
