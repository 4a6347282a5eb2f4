"""Pure conversions from the library's model to the wire format. No I/O here.

:class:`Entity` and screening hits -> yente-shaped response dicts. Requests become queries in
:mod:`clearance.queries`, the one query builder of every interface.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

from clearance.match.profiles import get_profile
from clearance.model import Entity
from clearance.queries import texts
from clearance.screen import Hit, is_current


def entity_response(
    entity: Entity,
    last_seen: str | None = None,
    dates: tuple[str | None, str | None] = (None, None),
    as_of: str = "",
) -> dict[str, Any]:
    """An entity in yente's EntityResponse shape (plus ``listings``, each marked ``current``
    or not on ``as_of``: an ended listing carries no legal effect)."""
    ftm = entity.to_ftm()
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": entity.schema,
        "properties": ftm["properties"],
        "datasets": [entity.source],
        "referents": [],
        "target": any(is_current(listing, as_of) for listing in entity.listings),
        "first_seen": dates[0],
        "last_seen": last_seen,
        "last_change": dates[1],
        "listings": [
            {**listing.to_dict(), "current": is_current(listing, as_of)}
            for listing in entity.listings
        ],
    }


def scored_response(hit: Hit, threshold: float | None, last_seen: str | None = None
                    ) -> dict[str, Any]:  # fmt: skip
    """A screening hit in yente's ScoredEntityResponse shape."""
    result = hit.result
    limit = result.threshold if threshold is None else threshold
    out = entity_response(hit.entity, last_seen, hit.dates, hit.as_of)
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
    """The query as yente echoes it: properties as lists of (cleaned) strings."""
    props = {str(k): texts(v, None) for k, v in properties.items()}
    return {
        "id": example_id,
        "schema": schema,
        "properties": {k: v for k, v in props.items() if v},
    }


def hit_summary(hit: Hit, threshold: float | None) -> dict[str, Any]:
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
