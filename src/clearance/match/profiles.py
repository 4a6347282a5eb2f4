"""Matching profiles from ``data/profiles.yaml``: the name reading, the qualifier features read
after it, their weights, and the threshold."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

from clearance.datafiles import load_data
from clearance.errors import InputError

QUALIFIER_KEYS = (
    "birth_date_match",
    "birth_date_mismatch",
    "birth_year_near",
    "country_match",
    "country_mismatch",
    "gender_mismatch",
    "identifier_match",
    "identifier_mismatch",
    "schema_mismatch",
)


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    threshold: float
    description: str = ""
    #: "clearance" (the default name features) or "ofac" (OFAC Sanctions List Search's)
    name_algorithm: str = "clearance"
    #: multiplier of name scores obtained on weak aliases
    weak_alias_factor: float = 0.9
    qualifiers: MappingProxyType[str, float] = field(default_factory=lambda: MappingProxyType({}))
    #: the qualifier features read after the names, in order (``match.qualifiers.QUALIFIERS``)
    features: tuple[str, ...] = ()

    def weight(self, key: str) -> float:
        return self.qualifiers.get(key, 0.0)


def _profile(name: str, spec: dict[str, Any], features: list[str]) -> Profile:
    quals = {k: float(v) for k, v in (spec.get("qualifiers") or {}).items()}
    unknown = set(quals) - set(QUALIFIER_KEYS)
    if unknown:
        raise InputError(f"Profile {name!r} has unknown qualifiers: {sorted(unknown)}")
    return Profile(
        name=name,
        threshold=float(spec["threshold"]),
        description=str(spec.get("description", "")),
        name_algorithm=str(spec.get("name_algorithm", "clearance")),
        weak_alias_factor=float(spec.get("weak_alias_factor", 0.9)),
        qualifiers=MappingProxyType(quals),
        features=tuple(str(f) for f in spec.get("features", features)),
    )


@cache
def profiles() -> MappingProxyType[str, Profile]:
    data = load_data("profiles.yaml")
    features = list(data.get("features", ()))
    return MappingProxyType({n: _profile(n, s, features) for n, s in data["profiles"].items()})


@cache
def default_profile() -> str:
    return str(load_data("profiles.yaml")["default"])


def get_profile(name: str | None = None) -> Profile:
    name = name or default_profile()
    try:
        return profiles()[name]
    except KeyError:
        known = ", ".join(sorted(profiles()))
        raise InputError(f"Unknown matching profile {name!r}; known profiles: {known}") from None
