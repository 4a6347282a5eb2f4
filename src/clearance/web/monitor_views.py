"""What the monitoring pages show (Alerts, an alert, Party, Audit), built from what the
monitoring service returns: pure functions, no I/O.

Each takes the data of a :mod:`clearance.monitor.service` function and returns the plain dict a
template renders and the page's JSON twin returns as is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clearance.web.views import listing_view, name_view

#: the party's fields in the order a reader expects them (others follow, by name)
PARTY_FIELDS = (
    "name",
    "aliases",
    "schema",
    "country",
    "birth_date",
    "gender",
    "id_number",
    "identifiers",
)
#: the keyboard shortcuts of the alert page: key -> decision (documented on the page)
SHORTCUTS: Mapping[str, str] = {"e": "escalated", "f": "false-positive", "t": "true-match"}
#: the queue's choices of state: value -> label (a value may name several states)
QUEUE_STATES: tuple[tuple[str, str], ...] = (
    ("open,escalated", "Open or escalated"),
    ("open", "Open"),
    ("escalated", "Escalated"),
    ("true-match", "True match"),
    ("false-positive", "False positive"),
    ("delisted", "Delisted"),
    ("closed", "Closed"),
    ("", "Every state"),
)
ORDERS: tuple[tuple[str, str], ...] = (
    ("oldest", "Oldest first"),
    ("newest", "Newest first"),
    ("score", "Highest score first"),
)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def party_fields(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """A party's fields as the book keeps them, the usual ones first."""
    keys = [k for k in PARTY_FIELDS if data.get(k) not in (None, "", [])]
    keys += sorted(k for k in data if k not in PARTY_FIELDS and data[k] not in (None, "", []))
    return [{"field": k, "value": _text(data[k])} for k in keys if k != "reference"]


def queue_row(alert: Mapping[str, Any]) -> dict[str, Any]:
    """One line of the queue."""
    return {
        "id": alert["id"],
        "party": alert["party"],
        "name": alert["name"],
        "matched_name": alert["matched_name"],
        "entity_id": alert["entity_id"],
        "source": alert["source"],
        "lists": list(alert["lists"]),
        "effects": list(alert["effects"]),
        "score": alert["score"],
        "state": alert["state"],
        "reason": alert["reason"],
        "opened": alert["opened"],
        "decisions": len(alert["decisions"]),
    }


def queue_view(
    params: Mapping[str, Any], page: Mapping[str, Any], sources: Sequence[str]
) -> dict[str, Any]:
    """The alert queue: the filters as given, one page of alerts, the total they select."""
    total, offset, limit = int(page["total"]), int(page["offset"]), int(page["limit"])
    return {
        "query": dict(params),
        "total": total,
        "offset": offset,
        "limit": limit,
        "more": offset + limit < total,
        "alerts": [queue_row(a) for a in page["alerts"]],
        "choices": {
            "states": [{"value": v, "label": label} for v, label in QUEUE_STATES],
            "orders": [{"value": v, "label": label} for v, label in ORDERS],
            "sources": list(sources),
        },
    }


def entity_side(entity: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The listed entity as the alert's list version published it."""
    if entity is None:
        return None
    props: Mapping[str, Sequence[str]] = entity.get("properties") or {}
    listings = [listing_view(x) for x in entity.get("listings") or ()]
    return {
        "id": entity["id"],
        "schema": entity.get("schema"),
        "names": [name_view(n["value"], n.get("kind", "name")) for n in entity.get("names", [])],
        "facts": [{"field": k, "value": ", ".join(v)} for k, v in sorted(props.items()) if v],
        "listings": [x for x in listings if x["current"]],
        "former_listings": [x for x in listings if not x["current"]],
    }


def alert_view(
    detail: Mapping[str, Any],
    open_decisions: Mapping[str, str],
    earlier: Sequence[Mapping[str, Any]],
    next_id: int | None,
) -> dict[str, Any]:
    """An alert page: the party and the listed entity side by side, the score and its
    explanation, the decisions on it and on the earlier alerts of the same pair, and what the
    signed-in user may decide now (each decision with why not, when not)."""
    alert = detail["alert"]
    party = detail["party"]
    return {
        "alert": dict(alert),
        "party": None
        if party is None
        else {
            "reference": party["reference"],
            "fields": party_fields(party.get("data") or {}),
            "screened_at": party.get("screened_at"),
        },
        "entity": entity_side(detail["entity"]),
        "explanation": [
            {"feature": f.get("name"), "score": f.get("contribution"), "detail": f.get("reason")}
            for f in alert["explanation"]
        ],
        "decide": [
            {
                "decision": name,
                "allowed": not why,
                "why_not": why,
                "key": next((k for k, v in SHORTCUTS.items() if v == name), ""),
            }
            for name, why in open_decisions.items()
        ],
        "earlier": [
            {
                "id": a["id"],
                "state": a["state"],
                "opened": a["opened"],
                "closed": a["closed"],
                "closed_reason": a["closed_reason"],
                "score": a["score"],
                "decisions": list(a["decisions"]),
            }
            for a in earlier
        ],
        "next": next_id,
        "shortcuts": dict(SHORTCUTS),
    }


def party_view(party: Mapping[str, Any]) -> dict[str, Any]:
    """A party of the book: its fields, its live alerts and its earlier ones."""
    return {
        "reference": party["reference"],
        "fields": party_fields(party.get("data") or {}),
        "added_at": party.get("added_at"),
        "updated_at": party.get("updated_at"),
        "screened_at": party.get("screened_at"),
        "error": party.get("error"),
        "alerts": [queue_row(a) for a in party["alerts"]],
        "history": [queue_row(a) for a in party["history"]],
        "data": dict(party.get("data") or {}),
    }


def audit_view(
    params: Mapping[str, Any],
    records: Sequence[Mapping[str, Any]],
    limit: int,
    head: Mapping[str, Any],
    kinds: Sequence[str],
) -> dict[str, Any]:
    """A page of the audit chain, newest first (``records`` holds one more than a page when
    there are older ones), with the chain's head."""
    shown = list(records[:limit])
    return {
        "query": dict(params),
        "records": [{**r, "summary": summary(r), "who": who(r)} for r in shown],
        "limit": limit,
        "older": shown[-1]["seq"] if len(records) > limit and shown else None,
        "head": dict(head),
        "kinds": list(kinds),
    }


def who(record: Mapping[str, Any]) -> str:
    """Who acted, by name: a screening's record names its key or user by id, and carries the
    name beside it."""
    data: Mapping[str, Any] = record.get("data") or {}
    name = data.get("key_name") if str(record.get("kind", "")).startswith("screening.") else None
    return str(name or record.get("actor") or "")


def summary(record: Mapping[str, Any]) -> str:
    """One line saying what a chain record records."""
    data: Mapping[str, Any] = record.get("data") or {}
    kind = str(record.get("kind", ""))
    if kind == "alert.decided":
        return (f"alert {data.get('alert')}: {data.get('from')} → {data.get('decision')}, "
                f"“{data.get('reason')}”")  # fmt: skip
    if kind in ("alert.opened", "alert.closed"):
        what = data.get("reason") or data.get("state") or ""
        return f"alert {data.get('alert')} on {data.get('entity_id', '')} ({what})".strip()
    if kind == "list.activated":
        return f"{data.get('source')} version {data.get('version')}"
    if kind.startswith("screening."):
        query = data.get("query") or data.get("party") or {}
        name = query.get("name") or query.get("q") if isinstance(query, Mapping) else ""
        results = data.get("results") or data.get("rows") or []
        return f"{name or ''} ({len(results)} results)".strip()
    keys = ", ".join(f"{k}: {_text(v)}" for k, v in list(data.items())[:3])
    return keys[:200]
