"""data/countries.yaml against the territory data of rigour, which it was generated from."""

from __future__ import annotations

import pytest

from clearance.datafiles import load_data
from clearance.reference import country_code

rigour_territories = pytest.importorskip("rigour.territories")


def test_country_table_agrees_with_rigour() -> None:
    table: dict[str, list[str]] = load_data("countries.yaml")
    disagree = []
    for code, spellings in table.items():
        for spelling in spellings:
            territory = rigour_territories.lookup_territory(spelling)
            if territory is not None and territory.ftm_country != code:
                disagree.append((spelling, code, territory.ftm_country))
    assert disagree == []


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Iran", "ir"),
        ("Korea, North", "kp"),
        ("korea,  NORTH", "kp"),
        ("Burma", "mm"),
        ("Palestinian", "ps"),
        ("Region: Gaza", "ps"),
        ("Man, Isle of", "im"),
        ("Virgin Islands, British", "vg"),
        ("Kosovo", "xk"),
        ("RU", "ru"),
        ("undetermined", ""),
        ("", ""),
    ],
)
def test_country_code(name: str, code: str) -> None:
    assert country_code(name) == code
