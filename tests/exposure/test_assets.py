"""Asset screening: MAC addresses, manufacturer and brand fields, model numbers, families."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.catalog import open_store
from clearance.exposure.asset_tables import open_assets
from clearance.exposure.assets import AssetScreener
from clearance.exposure.equipment import equipment
from clearance.exposure.mac import parse_mac
from clearance.settings import Settings
from clearance.sources.ieee import IeeeOuiSource
from tests.exposure.helpers import load_small

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HIKVISION = "us-ndaa-889:hangzhou-hikvision-digital-technology"


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> AssetScreener:
    settings = Settings(home=tmp_path_factory.mktemp("assets") / "home")
    load_small(settings, IeeeOuiSource(), FIXTURES / "ieee")
    with open_store(settings) as store:
        return open_assets(store, settings)


def _screen(assets: AssetScreener, **row: str) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    result = assets.screen_row(1, row)
    return {f["entity_id"]: f["evidence"] for f in result.findings}, result.warnings


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("18:68:CB:01:02:03", "1868CB010203"),
        ("18-68-cb-01-02-03", "1868CB010203"),
        ("1868.cb01.0203", "1868CB010203"),
        ("1868CB010203", "1868CB010203"),
        ("0x1868CB010203", "1868CB010203"),
        ("18:68:CB:FF:FE:01:02:03", "1868CBFFFE010203"),
    ],
)
def test_mac_forms(text: str, digits: str) -> None:
    mac = parse_mac(text)
    assert mac is not None and mac.digits == digits


@pytest.mark.parametrize("text", ["", "18:68:CB", "not a mac", "1868CB01020G", "18:68:CB:01:02"])
def test_not_macs(text: str) -> None:
    assert parse_mac(text) is None


@given(st.integers(min_value=0, max_value=2**48 - 1), st.sampled_from([":", "-", ""]))
def test_any_address_reads_back(value: int, sep: str) -> None:
    digits = f"{value:012X}"
    mac = parse_mac(sep.join(digits[i : i + 2] for i in range(0, 12, 2)))
    assert mac is not None and mac.digits == digits
    assert mac.local == bool(value >> 40 & 0x02) and mac.group == bool(value >> 40 & 0x01)


def test_a_listed_makers_block(assets: AssetScreener) -> None:
    found, warnings = _screen(assets, mac="18:68:cb:12:34:56")
    assert not warnings
    assert set(found) == {
        HIKVISION,
        "us-fcc-covered:hangzhou-hikvision-digital-technology",
        "us-dod-1260h:hangzhou-hikvision-digital-technology",
    }
    [evidence] = found[HIKVISION]
    assert evidence["kind"] == "mac" and evidence["registry"] == "MA-L"
    assert evidence["prefix"] == "1868CB" and evidence["value"] == "18:68:CB:12:34:56"
    assert evidence["organization"] == "Hangzhou Hikvision Digital Technology Co.,Ltd."
    assert evidence["score"] >= 0.95


@pytest.mark.parametrize(
    ("mac", "company"),
    [
        ("00:3D:E1:00:00:01", "Huawei Device Co., Ltd."),
        ("24:B1:05:00:00:01", "Prama Hikvision India Private Limited"),
    ],
)
def test_a_family_member_counts_as_the_maker(assets: AssetScreener, mac: str, company: str) -> None:
    found, _ = _screen(assets, mac=mac)
    assert len(found) == 1
    [(maker, [evidence])] = found.items()
    assert maker.startswith("us-ndaa-889:")
    [link] = evidence["family"]
    assert link["company"] == company and link["source"].startswith("https://")


@pytest.mark.parametrize(
    "mac",
    [
        "04:79:75:00:00:01",  # Honor Device: not Huawei's since 2020, on no list
        "40:2C:76:10:00:01",  # MA-M block of Shanghai Dahua Scale Factory, not Dahua Technology
        "00:03:93:00:00:01",  # Apple
        "70:B3:D5:F2:F0:01",  # MA-S block in Moscow
    ],
)
def test_other_makers_blocks_are_not_flagged(assets: AssetScreener, mac: str) -> None:
    found, warnings = _screen(assets, mac=mac)
    assert found == {} and warnings == []


@pytest.mark.parametrize(
    ("mac", "warning"),
    [
        ("1A:68:CB:00:00:01", "locally administered"),
        ("01:00:5E:00:00:FB", "group (multicast or broadcast)"),
        ("FF:FF:FF:FF:FF:FF", "group (multicast or broadcast)"),
        ("00:00:00:00:00:00", "the null address"),
        ("12345", "is not a MAC address"),
        ("DC:A6:32:00:00:01", "not registered"),
        ("40:2C:76:90:00:01", "subdivided by the IEEE"),
    ],
)
def test_addresses_that_name_no_maker_say_why(
    assets: AssetScreener, mac: str, warning: str
) -> None:
    found, warnings = _screen(assets, mac=mac)
    assert found == {}
    [text] = warnings
    assert warning in text


def test_manufacturer_and_brand_fields(assets: AssetScreener) -> None:
    found, _ = _screen(assets, manufacturer="Hik Vision Digital Technology")
    assert found[HIKVISION][0]["kind"] == "manufacturer"
    found, _ = _screen(assets, brand="EZVIZ")
    [evidence] = found[HIKVISION]
    assert (evidence["kind"], evidence["brand"]) == ("brand", "EZVIZ")
    assert evidence["source"].startswith("https://")
    found, _ = _screen(assets, manufacturer="Axis Communications AB", brand="AXIS")
    assert found == {}


def test_model_numbers_and_descriptions(assets: AssetScreener) -> None:
    found, _ = _screen(assets, model="DS-2CD2143G2-I")
    [evidence] = found[HIKVISION]
    assert (evidence["kind"], evidence["value"]) == ("model", "DS-2CD2143G2-I")
    found, _ = _screen(assets, description="4MP dome camera HiLook, like a DS-2CD2143G2-I")
    kinds = sorted((e["kind"], e.get("field")) for e in found[HIKVISION])
    assert kinds == [("brand", "description"), ("model", "description")]
    found, _ = _screen(assets, model="IPC-HFW2431S-S-S2")
    assert list(found) == ["us-ndaa-889:dahua-technology"]


def test_every_kind_of_evidence_on_one_row(assets: AssetScreener) -> None:
    found, _ = _screen(
        assets, mac="18:68:CB:00:00:01", manufacturer="Hikvision", model="DS-7608NI-K2"
    )
    assert [e["kind"] for e in found[HIKVISION]] == ["mac", "manufacturer", "brand", "model"]


def test_an_asset_with_nothing_is_listed_with_no_finding(assets: AssetScreener) -> None:
    result = assets.screen_row(7, {"reference": "a7", "model": "P3245-LVE"})
    assert result.to_dict() == {"row": 7, "reference": "a7", "findings": [], "warnings": []}


def test_no_model_pattern_fits_another_makers_model() -> None:
    data = equipment()
    lines = (FIXTURES / "equipment" / "other_makers_models.txt").read_text().splitlines()
    models = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert len(models) > 50
    fits = {m: data.models_in(m, whole=True) + data.models_in(m, whole=False) for m in models}
    assert {m: f for m, f in fits.items() if f} == {}


def test_every_model_pattern_fits_its_examples() -> None:
    for pattern in equipment().models:
        assert pattern.examples, pattern
        for example in pattern.examples:
            assert [p for p, _ in equipment().models_in(example, whole=True)] == [pattern]


def test_registered_organisations_are_not_screened_as_parties(tmp_path: Path) -> None:
    """The registries are reference data: searching a registered name finds no registration."""
    from clearance.exposure import open_screener
    from clearance.model import Query

    settings = Settings(home=tmp_path / "home")
    load_small(settings, IeeeOuiSource(), FIXTURES / "ieee")
    with open_store(settings) as store:
        assert "ieee-oui" in store.active_versions()
    hits = open_screener(settings).search(Query("Aviva Links Inc."), threshold=0.5)
    assert [h for h in hits if h.entity.source == "ieee-oui"] == []
