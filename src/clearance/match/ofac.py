"""Emulation of OFAC Sanctions List Search name scores (placeholder, refined below)."""

from __future__ import annotations

from clearance.match.result import Feature


def ofac_features(query: str, name: str) -> list[Feature]:
    return [Feature("ofac_name", 0.0, 0.0, "not implemented")]
