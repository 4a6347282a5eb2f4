"""Reference data shipped in ``clearance/data``: lists and their legal effects.

Loaded lazily once per process; pure lookups afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class ListInfo:
    code: str
    title: str
    authority: str
    effect: str
    url: str


@dataclass(frozen=True)
class EffectInfo:
    code: str
    label: str
    description: str


def read_data(name: str) -> Any:
    """Parse a YAML file from the package's ``data`` folder."""
    text = resources.files("clearance").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def data_path(name: str) -> Any:
    """A traversable path to a file in the package's ``data`` folder."""
    return resources.files("clearance").joinpath("data", name)


@cache
def lists() -> dict[str, ListInfo]:
    raw = read_data("lists.yaml")
    return {code: ListInfo(code=code, **values) for code, values in raw.items()}


@cache
def effects() -> dict[str, EffectInfo]:
    raw = read_data("effects.yaml")
    return {code: EffectInfo(code=code, **values) for code, values in raw.items()}


def list_info(code: str) -> ListInfo:
    """The list with this code; unknown codes get a generic entry with the ``listed`` effect."""
    known = lists()
    if code in known:
        return known[code]
    return ListInfo(code=code, title=code, authority="", effect="listed", url="")


def effect_info(code: str) -> EffectInfo:
    known = effects()
    return known.get(code, known["listed"])
