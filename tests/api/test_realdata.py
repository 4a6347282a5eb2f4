"""yente's documented /match example against the real OFAC SDN list (skipped without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.catalog import import_dataset
from clearance.server import create_app
from clearance.settings import Settings
from clearance.sources import get_source
from clearance.store import Store
from tests.api.conftest import TestClient, make_keys, open_screener
from tests.api.test_match import YENTE_EXAMPLE


@pytest.mark.realdata
@pytest.mark.slow
def test_yente_example_finds_the_listed_person_in_the_sdn_list(
    shared_data: Path, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path / "home")
    store = Store.open(settings)
    import_dataset(store, get_source("us-ofac-sdn").read(shared_data / "ofac" / "sdn-2023-12-28"))
    keys = make_keys(settings)
    app = create_app(settings, store=store, screener=open_screener(settings, store))
    with TestClient(app) as client:
        response = client.post(
            "/match/default",
            json=YENTE_EXAMPLE,
            headers={"Authorization": f"Bearer {keys['screener']}"},
        )
    store.close()
    results = response.json()["responses"]["q1"]["results"]
    assert results[0]["datasets"] == ["us-ofac-sdn"] and results[0]["match"] is True
    assert "ROTENBERG" in results[0]["caption"] and results[0]["properties"]["birthDate"]
    assert "1951" in results[0]["properties"]["birthDate"][0]
    assert response.json()["responses"]["q1"]["total"]["value"] == 1
