"""Reference data shipped in ``clearance/data``: lists and their legal effects.

Loaded lazily once per process; pure lookups afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from rigour.territories import get_territory, lookup_territory

from clearance.datafiles import load_data


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
    #: ownership rules (``exposure/rules.yaml``) under which parties listed with this effect
    #: pass an effect on to the entities they own
    ownership_rules: tuple[str, ...] = ()


def data_path(name: str) -> Any:
    """A traversable path to a file in the package's ``data`` folder."""
    return resources.files("clearance").joinpath("data", name)


@cache
def lists() -> dict[str, ListInfo]:
    raw = load_data("lists.yaml")
    return {code: ListInfo(code=code, **values) for code, values in raw.items()}


@cache
def effects() -> dict[str, EffectInfo]:
    raw = load_data("effects.yaml")
    return {
        code: EffectInfo(
            code=code,
            label=values["label"],
            description=values["description"],
            ownership_rules=tuple(values.get("ownership_rules", ())),
        )
        for code, values in raw.items()
    }


def list_info(code: str) -> ListInfo:
    """The list with this code; unknown codes get a generic entry with the ``listed`` effect."""
    known = lists()
    if code in known:
        return known[code]
    return ListInfo(code=code, title=code, authority="", effect="listed", url="")


def effect_info(code: str) -> EffectInfo:
    known = effects()
    return known.get(code, known["listed"])


@cache
def _country_names() -> dict[str, str]:
    raw: dict[str, list[str]] = load_data("countries.yaml")
    names: dict[str, str] = {}
    for code, spellings in raw.items():
        names[code] = code
        for spelling in spellings:
            names[" ".join(spelling.split()).casefold()] = code
    return names


def _clean_country(name: str | None) -> str:
    return " ".join(name.split()).strip(" ,.;") if name else ""


def country_code(name: str | None) -> str:
    """The ISO 3166-1 alpha-2 code (lower case, FtM style) of a country name, or "".

    A dictionary lookup in ``data/countries.yaml`` (English short and full names, demonyms and
    list spellings such as "Korea, North" or "Burma"); a two-letter code is returned as it is.
    """
    text = _clean_country(name)
    return _country_names().get(text.casefold(), "") if text else ""


@cache
def resolve_country(name: str | None) -> str:
    """Like :func:`country_code`, then rigour's territory database for what the table lacks.

    rigour (the territory data FollowTheMoney uses) also knows official names in other
    languages and three-letter codes, but builds its name index on first use (most of a
    second), so readers of free-text country fields use this and pay it only for a spelling
    the table does not know.
    """
    text = _clean_country(name)
    if not text:
        return ""
    code = _country_names().get(text.casefold())
    if code is not None:
        return code
    territory = get_territory(text.lower()) if len(text) in (2, 3) else None
    if territory is None:
        territory = lookup_territory(text)
    if territory is None:
        return ""
    return territory.ftm_country or territory.code
