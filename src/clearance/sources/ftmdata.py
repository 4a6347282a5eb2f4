"""FollowTheMoney reference data for the importers: schemata, their properties, countries.

Reading ``followthemoney``'s own model costs half a second at import, too much for the CLI, so
the few facts the importers need live in ``data/ftm.yaml`` (checked against the real model by
the tests). Country names are resolved with ``rigour.territories``, the territory database
FollowTheMoney itself uses. Pure lookups, loaded once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from rigour.territories import get_territory

from clearance.datafiles import load_data


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_data("ftm.yaml")
    return data


@cache
def schema_props(schema: str) -> frozenset[str]:
    """Plain FtM properties (not names, not entity references) of a stored schema."""
    data = _data()
    levels = data["levels"].get(schema, ())
    return frozenset(p for level in levels for p in data["properties"].get(level, ()))


def thing_schema(schema: str) -> str | None:
    """The stored schema of a screenable FtM schema (``PublicBody`` -> ``Organization``)."""
    things: dict[str, str] = _data()["things"]
    return things.get(schema)


def edges() -> dict[str, tuple[str, str]]:
    return {k: (v[0], v[1]) for k, v in _data()["edges"].items()}


@dataclass(frozen=True)
class Document:
    """How an identity document folds into its holder."""

    holder: str
    numbers: tuple[str, ...]
    prop: str


@cache
def documents() -> dict[str, Document]:
    return {
        schema: Document(spec["holder"], tuple(spec["numbers"]), spec["prop"])
        for schema, spec in _data()["documents"].items()
    }


def dataset_list(dataset: str) -> str | None:
    """The list code of an OpenSanctions dataset name, if it is an official list we know."""
    datasets: dict[str, str] = _data()["datasets"]
    return datasets.get(dataset)


def us_state_country(state: str) -> str:
    """The country of a US state or territory code (``TX`` -> ``us``, ``PR`` -> ``pr``), else ""."""
    code = state.strip().lower()
    territory = get_territory(f"us-{code}") if len(code) == 2 and code.isalpha() else None
    return (territory.ftm_country or "") if territory is not None else ""
