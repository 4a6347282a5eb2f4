"""What the pages show, built from what the service functions return: pure functions, no I/O.

Each function takes the data a service of :mod:`clearance.api.services` (or the store) gave
and returns the plain dict that a template renders and the page's JSON twin returns as is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from clearance.diff import Diff
from clearance.index.facets import ENTITY_COUNTRY_PROPS
from clearance.model import IDENTIFIER_PROPS, NAME_KINDS
from clearance.reference import effect_info, list_info
from clearance.screen import ordered_lists
from clearance.store.info import VersionInfo
from clearance.text.scripts import detect_script

NAME_LABELS = {
    "name": "Name",
    "alias": "Also known as",
    "weakAlias": "Weak alias",
    "previousName": "Formerly",
}
ADDRESS_PROPS = ("address", "addressEntity")
NOTE_PROPS = ("notes", "summary", "description")
#: names shown per hit on the search page (the entity page shows them all)
NAMES_PER_HIT = 8
#: entities per section of a diff page
DIFF_PAGE = 100
LATIN_SCRIPTS = frozenset({"", "Latn"})


def name_view(value: str, kind: str) -> dict[str, Any]:
    script = detect_script(value)
    return {
        "value": value,
        "kind": kind,
        "label": NAME_LABELS.get(kind, kind),
        "script": script,
        "native": script not in LATIN_SCRIPTS,
    }


def names_of(properties: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """Every name of an entity, main names first, each with its script (native-script names
    are marked so that they are shown as such)."""
    return [name_view(value, kind) for kind in NAME_KINDS for value in properties.get(kind, ())]


def listing_view(listing: Mapping[str, Any]) -> dict[str, Any]:
    info = list_info(str(listing["list"]))
    effect = effect_info(str(listing.get("effect") or info.effect))
    return {
        "list": info.code,
        "title": info.title,
        "authority": listing.get("authority") or info.authority,
        "programs": list(listing.get("programs") or ()),
        "start": listing.get("start") or "",
        "end": listing.get("end") or "",
        "current": bool(listing.get("current", True)),
        "effect": {"code": effect.code, "label": effect.label, "description": effect.description},
        "reason": listing.get("reason") or "",
        "url": listing.get("url") or info.url,
    }


def _effects(listings: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for listing in listings:
        if listing["current"]:
            effect = listing["effect"]
            seen.setdefault(effect["code"], {"code": effect["code"], "label": effect["label"]})
    return list(seen.values())


def hit_view(result: Mapping[str, Any], source_titles: Mapping[str, str]) -> dict[str, Any]:
    """One search result: the listed entity, its lists, programs and legal effects on the day,
    its score and the explanation of the score, and its names in their own scripts."""
    props: Mapping[str, Sequence[str]] = result.get("properties") or {}
    listings = [listing_view(x) for x in result.get("listings") or ()]
    current = [x for x in listings if x["current"]]
    names = names_of(props)
    source = (result.get("datasets") or [""])[0]
    return {
        "id": result["id"],
        "caption": result["caption"],
        "schema": result["schema"],
        "source": source,
        "source_title": source_titles.get(source, source),
        "score": result.get("score"),
        "match": bool(result.get("match")),
        "lists": ordered_lists(x["list"] for x in current),
        "programs": sorted({p for x in current for p in x["programs"]}),
        "effects": _effects(listings),
        "former_listings": [x for x in listings if not x["current"]],
        "explanation": [
            {"feature": name, "score": value.get("score"), "detail": value.get("detail", "")}
            for name, value in (result.get("explanations") or {}).items()
        ],
        "names": names[:NAMES_PER_HIT],
        "more_names": max(0, len(names) - NAMES_PER_HIT),
        "native_names": [n for n in names if n["native"]],
        "countries": sorted({c for p in ENTITY_COUNTRY_PROPS for c in props.get(p, ())}),
        "birth_dates": list(props.get("birthDate", ())),
        "findings": list(result.get("findings") or ()),
    }


def search_view(
    params: Mapping[str, Any],
    answer: Mapping[str, Any] | None,
    source_titles: Mapping[str, str],
) -> dict[str, Any]:
    """The search page: the query and filters as given, and the page of results (None when
    nothing was asked yet)."""
    if answer is None:
        return {"query": dict(params), "results": None, "total": 0, "relation": "eq"}
    total = answer["total"]
    return {
        "query": dict(params),
        "results": [hit_view(r, source_titles) for r in answer["results"]],
        "total": int(total["value"]),
        "relation": total["relation"],
        "offset": int(answer["offset"]),
        "limit": int(answer["limit"]),
    }


def _group(properties: Mapping[str, Sequence[str]], keys: Iterable[str]) -> list[dict[str, Any]]:
    return [
        {"property": key, "values": list(properties[key])} for key in keys if properties.get(key)
    ]


def entity_view(
    data: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]] | None,
    ownership: Mapping[str, Any] | None,
    source_title: str,
) -> dict[str, Any]:
    """The entity page: every name, identifier, date, address and listing (current and
    former), the legal effects, the ownership around it, and its history (None: the role may
    not see it)."""
    props: Mapping[str, Sequence[str]] = data.get("properties") or {}
    listings = [listing_view(x) for x in data.get("listings") or ()]
    dates = sorted(k for k in props if k.endswith("Date") or k == "date")
    shown = {
        *NAME_KINDS,
        *IDENTIFIER_PROPS,
        *ENTITY_COUNTRY_PROPS,
        *ADDRESS_PROPS,
        *NOTE_PROPS,
        *dates,
    }
    shown.add("programId")
    return {
        "id": data["id"],
        "caption": data["caption"],
        "schema": data["schema"],
        "source": (data.get("datasets") or [""])[0],
        "source_title": source_title,
        "names": names_of(props),
        "identifiers": _group(props, IDENTIFIER_PROPS),
        "dates": _group(props, dates),
        "countries": _group(props, ENTITY_COUNTRY_PROPS),
        "addresses": _group(props, ADDRESS_PROPS),
        "notes": _group(props, NOTE_PROPS),
        "other": _group(props, sorted(k for k in props if k not in shown)),
        "listings": [x for x in listings if x["current"]],
        "former_listings": [x for x in listings if not x["current"]],
        "effects": _effects(listings),
        "target": bool(data.get("target")),
        "first_seen": data.get("first_seen"),
        "last_change": data.get("last_change"),
        "history": None if history is None else [dict(e) for e in history],
        "ownership": None if ownership is None else dict(ownership),
    }


def version_view(version: VersionInfo) -> dict[str, Any]:
    data = version.to_dict()
    data["schemata"] = {
        k: v for k, v in sorted(version.stats.items()) if k[:1].isupper() and isinstance(v, int)
    }
    return data


def lists_view(
    sources: Sequence[Mapping[str, Any]],
    versions: Mapping[str, VersionInfo],
    outdated: Iterable[str],
    missing: Sequence[str],
    downloadable: Iterable[str],
) -> dict[str, Any]:
    """The lists page: each active list with its version, publication date, counts and
    update status; the lists that have no version yet."""
    stale = set(outdated)
    fetchable = set(downloadable)
    rows = []
    for source in sources:
        version = versions.get(source["source"])
        stats = version.stats if version else {}
        rows.append(
            {
                **source,
                "schemata": version_view(version)["schemata"] if version else {},
                "status": "indexing" if source["source"] in stale else "current",
                "stated": int(stats.get("stated", 0)),
                "missing": int(stats.get("missing", 0)),
                "downloadable": source["source"] in fetchable,
            }
        )
    return {"lists": rows, "missing": list(missing)}


def diff_view(diff: Diff, section: str, offset: int) -> dict[str, Any]:
    """A diff page: the counts, and one page of one section (added, removed or changed)."""
    data = diff.to_dict()
    items: list[Any] = data.get(section, [])
    page = items[offset : offset + DIFF_PAGE]
    if section == "changed":
        page = [
            {**change, "listings_added": [listing_view(x) for x in change["listings_added"]],
             "listings_removed": [listing_view(x) for x in change["listings_removed"]]}
            for change in page
        ]  # fmt: skip
    return {
        "source": data["source"],
        "from": data["from"],
        "to": data["to"],
        "summary": data["summary"],
        "section": section,
        "offset": offset,
        "limit": DIFF_PAGE,
        "items": page,
    }
