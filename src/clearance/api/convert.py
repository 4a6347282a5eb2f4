"""Pure conversions between the wire format and the library's model. No I/O here.

FtM example entity -> :class:`clearance.model.Query`; :class:`Entity` and screening hits ->
yente-shaped response dicts; screening rows -> queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, is_dataclass
from typing import Any, Protocol

from clearance.errors import InputError
from clearance.match.profiles import get_profile
from clearance.match.result import MatchResult
from clearance.model import IDENTIFIER_PROPS, SCHEMATA, Entity, Query

#: FtM schemata a query may use that we screen as one of ours
SCHEMA_ALIASES = {
    "Thing": "LegalEntity",
    "PublicBody": "Organization",
    "Vehicle": "LegalEntity",
}
NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "firstName", "lastName")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "mainCountry")
DATE_PROPS = ("birthDate", "incorporationDate", "buildDate")


class HitLike(Protocol):
    """What the screening service returns per candidate (clearance.screen.Hit)."""

    @property
    def entity(self) -> Entity: ...

    @property
    def result(self) -> MatchResult: ...


def _values(properties: Mapping[str, Any], prop: str) -> list[str]:
    raw = properties.get(prop)
    if raw is None:
        return []
    items: Iterable[Any] = [raw] if isinstance(raw, str | int | float) else raw
    out: list[str] = []
    for item in items:
        if isinstance(item, Mapping):  # a nested entity: use its caption or first name
            item = item.get("caption") or next(iter(item.get("properties", {}).get("name", [])), "")
        text = " ".join(str(item).split()) if item is not None else ""
        if text and text not in out:
            out.append(text)
    return out


def query_schema(schema: str) -> str:
    if schema in SCHEMATA:
        return schema
    if schema in SCHEMA_ALIASES:
        return SCHEMA_ALIASES[schema]
    raise InputError(
        f"Cannot parse example entity: schema {schema!r} cannot be screened; use one of "
        f"{', '.join(SCHEMATA)}."
    )


def example_to_query(schema: str, properties: Mapping[str, Any], reference: str = "") -> Query:
    """Turn a yente-style example entity into a screening query."""
    names = _values(properties, "name") + _values(properties, "alias")
    names += _values(properties, "previousName") + _values(properties, "weakAlias")
    if not names:
        parts = [*_values(properties, "firstName"), *_values(properties, "lastName")]
        if parts:
            names = [" ".join(parts)]
    if not names:
        raise InputError("Cannot parse example entity: it has no name property.")
    countries = dict.fromkeys(c.lower() for p in COUNTRY_PROPS for c in _values(properties, p))
    dates = [d for prop in DATE_PROPS for d in _values(properties, prop)]
    identifiers = [v for prop in IDENTIFIER_PROPS for v in _values(properties, prop)]
    gender = next(iter(_values(properties, "gender")), "")
    return Query(
        name=names[0],
        schema=query_schema(schema),
        country=tuple(countries),
        birth_date=dates[0] if dates else "",
        identifiers=tuple(dict.fromkeys(identifiers)),
        gender=gender.lower(),
        reference=reference,
        aliases=tuple(dict.fromkeys(n for n in names[1:] if n != names[0])),
    )


def row_to_query(row: Mapping[str, Any]) -> Query:
    """A screening row (``name``, ``schema``, ``country``...) to a query."""

    def listed(value: Any) -> tuple[str, ...]:
        if value is None or value == "":
            return ()
        if isinstance(value, str):
            return tuple(v.strip() for v in value.replace(";", ",").split(",") if v.strip())
        return tuple(str(v).strip() for v in value if str(v).strip())

    name = " ".join(str(row.get("name") or "").split())
    if not name:
        raise InputError("Every row needs a non-empty 'name'.")
    return Query(
        name=name,
        schema=query_schema(str(row.get("schema") or "LegalEntity")),
        country=tuple(c.lower() for c in listed(row.get("country"))),
        birth_date=str(row.get("birth_date") or "").strip(),
        identifiers=listed(row.get("identifiers")),
        gender=str(row.get("gender") or "").strip().lower(),
        reference=str(row.get("reference") or ""),
        aliases=listed(row.get("aliases")),
    )


def entity_response(entity: Entity, last_seen: str | None = None) -> dict[str, Any]:
    """An entity in yente's EntityResponse shape (plus ``listings``)."""
    ftm = entity.to_ftm()
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": entity.schema,
        "properties": ftm["properties"],
        "datasets": [entity.source],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": last_seen,
        "last_change": None,
        "listings": [listing.to_dict() for listing in entity.listings],
    }


def scored_response(
    hit: HitLike, threshold: float | None, last_seen: str | None = None
) -> dict[str, Any]:
    """A screening hit in yente's ScoredEntityResponse shape."""
    result = hit.result
    limit = result.threshold if threshold is None else threshold
    out = entity_response(hit.entity, last_seen)
    out["score"] = round(result.score, 4)
    out["match"] = result.score >= limit
    out["explanations"] = {
        f.name: {"score": round(f.value, 4), "detail": f.reason} for f in result.features
    }
    out["features"] = {f.name: round(f.value, 4) for f in result.features}
    findings = getattr(hit, "findings", ())
    if findings:  # what the party takes through its owners (``basis: ownership``)
        out["findings"] = list(findings)
    return out


def echo_example(
    example_id: str | None, schema: str, properties: Mapping[str, Any]
) -> dict[str, Any]:
    """The query as yente echoes it: properties normalised to lists of strings."""
    return {
        "id": example_id,
        "schema": schema,
        "properties": {k: _values(properties, k) for k in properties if _values(properties, k)},
    }


def hit_summary(hit: HitLike, threshold: float | None) -> dict[str, Any]:
    """What the audit trail keeps of a hit."""
    limit = hit.result.threshold if threshold is None else threshold
    return {
        "id": hit.entity.id,
        "score": round(hit.result.score, 4),
        "match": hit.result.score >= limit,
    }


def plain(value: Any) -> Any:
    """A store value (dataclass, object with to_dict, mapping...) as plain JSON data."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v) for k, v in asdict(value).items()}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def matcher_doc(profile: str, algorithm: str) -> dict[str, Any]:
    """The profile in yente's algorithm-documentation shape: qualifiers as features."""
    spec = get_profile(profile)
    return {
        "name": spec.name,
        "description": spec.description or None,
        "config": {"threshold": spec.threshold, "algorithm": algorithm},
        "features": {
            name: {"description": None, "coefficient": weight, "url": ""}
            for name, weight in spec.qualifiers.items()
        },
    }
