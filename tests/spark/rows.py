"""Counterparty rows that exercise every part of a screening result: matches on the SDN
fixture and the bundled lists, a finding through ownership, repeated queries, warnings, and
rows without a usable name."""

from __future__ import annotations

from typing import Any

COLUMNS = ("reference", "name", "schema", "country", "birth_date", "id_number")

_BASE: list[tuple[str | None, ...]] = [
    ("EXAMPLE TRADING CO LTD", "Company", "Turkey", "", "123456"),
    ("Anna Petrovna Testova", "Person", "RU", "1960-01-01", ""),
    ("Testova Anna", "Person", "Russia", "01/02/1960", ""),
    ("Northwind Components GmbH", "Company", "", "", ""),
    ("Hangzhou Hikvision Digital Technology Co Ltd", "Company", "China", "", ""),
    ("华为技术有限公司", "", "", "", ""),
    ("", "Company", "", "", ""),
    ("x" * 1001, "Company", "", "", ""),
    ("Quiet Meadow Bakery", "Spaceship", "Xx1", "31/31/1999", ""),
    ("SEA SPARROW", "Vessel", "Panama", "", "IMO 9123456"),
    ("AL-EXAMPLE, Omar", "Person", "Yemen", "1975", ""),
    (None, None, None, None, None),
    ("Zhongxing   Telecommunication Equipment", "Company", "CN", "", ""),
    ("Omar Al Example", "Person", "YE", "1975-03-01", ""),
]


def rows(copies: int = 3) -> list[dict[str, Any]]:
    """The base rows ``copies`` times over, each with its own reference (the copies repeat
    the queries of the first)."""
    out = []
    for copy in range(copies):
        for i, values in enumerate(_BASE):
            out.append(dict(zip(COLUMNS, (f"c{copy}-r{i}", *values), strict=True)))
    return out
