"""Every MAC-address evidence must be right: an inventory with one address in every block of the
real IEEE registries flags all the blocks of the listed makers and no other block."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
import yaml

from clearance.catalog import load, open_store
from clearance.exposure import refresh
from clearance.exposure.asset_tables import open_assets
from clearance.exposure.assets import AssetScreener
from clearance.settings import Settings
from clearance.sources.ieee import read_registry

LABELS = (
    Path(__file__).resolve().parent.parent / "fixtures" / "equipment" / "ieee_listed_makers.yaml"
)

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


@pytest.fixture(scope="module")
def real_assets(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[AssetScreener, list[tuple[str, str]]]:
    settings = Settings(home=tmp_path_factory.mktemp("ieee") / "home")
    with open_store(settings) as store:
        load(store, "ieee-oui", shared_data / "ieee")
        refresh(store, settings)
        screener = open_assets(store, settings, workers=2)
    blocks = [
        (row.assignment, row.organization)
        for name in ("oui.csv", "mam.csv", "oui36.csv")
        for row in read_registry(shared_data / "ieee" / name)
    ]
    return screener, blocks


def _address(prefix: str, rng: random.Random) -> str:
    digits = prefix + "".join(rng.choice("0123456789ABCDEF") for _ in range(12 - len(prefix)))
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def test_every_listed_makers_block_and_no_other(
    real_assets: tuple[AssetScreener, list[tuple[str, str]]],
) -> None:
    screener, blocks = real_assets
    labels: dict[str, list[str]] = yaml.safe_load(LABELS.read_text())
    rng = random.Random(5)
    # the IEEE's own MA-L blocks hold the MA-M and MA-S blocks, which have rows of their own
    rows = [
        {"reference": f"{p}/{org}", "mac": _address(p, rng)}
        for p, org in blocks
        if org != "IEEE Registration Authority"
    ]
    flagged: dict[str, set[str]] = {}
    for result in screener.screen(rows, workers=2):
        for finding in result.findings:
            for evidence in finding["evidence"]:
                assert evidence["kind"] == "mac"
                flagged.setdefault(result.reference, set()).add(finding["entity_id"])
    expected = {f"{p}/{org}": set(labels[org]) for p, org in blocks if org in labels}
    assert flagged == expected
    huawei_device = [ref for ref in flagged if ref.endswith("/Huawei Device Co., Ltd.")]
    assert len(huawei_device) == 430


def test_family_evidence_shows_the_link(
    real_assets: tuple[AssetScreener, list[tuple[str, str]]],
) -> None:
    screener, _ = real_assets
    result = screener.screen_row(1, {"mac": "00:3D:E1:12:34:56"})
    [finding] = result.findings
    assert finding["entity_id"] == "us-ndaa-889:huawei-technologies"
    assert finding["lists"] == ["NDAA-889"]
    [evidence] = finding["evidence"]
    assert evidence["organization"] == "Huawei Device Co., Ltd."
    [link] = evidence["family"]
    assert link["company"] == "Huawei Device Co., Ltd." and "subsidiary" in link["relation"]


def test_registry_counts(real_assets: tuple[AssetScreener, list[tuple[str, str]]]) -> None:
    screener, blocks = real_assets
    registries = Counter(
        item.registry for items in screener.registry.by_prefix.values() for item in items
    )
    assert registries == {"MA-L": 32_530, "MA-M": 4_390, "MA-S": 5_029}
    assert len(blocks) == 41_949
