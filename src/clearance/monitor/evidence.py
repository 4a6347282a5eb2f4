"""The evidence page of a party: one self-contained, printable HTML page a regulator can read.

It shows, from the store alone: every screening of the party with the list versions it was
made against, each alert with the listed entity as that version of its list published it, the
explanation of the score, every decision with who, when and why, the list activations those
versions came from, and the position of every record in the audit chain (with the chain's
verification at the time the page was made). :func:`gather` reads, :func:`render` writes HTML:
the page and its JSON twin share the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from clearance.errors import NotFoundError
from clearance.model import Entity
from clearance.store import Store
from clearance.store.chain import BOOK_SCREENING, ChainEntry, ChainQuery, now
from clearance.store.monitor import AlertRow, DecisionRow, MonitorStore


def entity_at(store: Store, source: str, version: int, entity_id: str) -> Entity | None:
    """The entity as version ``version`` of ``source`` published it."""
    try:
        members = store.version_members(source, version)
    except NotFoundError:
        return None
    record = members.get(entity_id)
    if record is None:
        return None
    return store.records([record]).get(record)


def _alert_data(
    store: Store,
    alert: AlertRow,
    decisions: Sequence[DecisionRow],
    closings: Mapping[int, ChainEntry],
) -> dict[str, Any]:
    entity = entity_at(store, alert.source, alert.version, alert.entity_id)
    closed = closings.get(alert.id)
    return {
        "id": alert.id,
        "entity_id": alert.entity_id,
        "source": alert.source,
        "version": alert.version,
        "state": alert.state,
        "reason": alert.reason,
        "score": alert.score,
        "opened": alert.opened_at,
        "opened_seq": alert.chain_seq,
        "previous": alert.previous,
        "closed": alert.closed_at or None,
        "closed_reason": alert.closed_reason or None,
        "closed_seq": closed.seq if closed else None,
        "hit": alert.hit,
        "entity": entity.to_dict() if entity is not None else None,
        "decisions": [d.to_dict() for d in decisions],
    }


def gather(store: Store, book: MonitorStore, reference: str) -> dict[str, Any]:
    """Everything the page shows, as data (the JSON twin of the page)."""
    records = book.chain(ChainQuery(party=reference))
    try:
        party: dict[str, Any] | None = book.party(reference).to_dict()
    except NotFoundError:
        party = None
    if party is None and not records:
        raise NotFoundError(f"No party {reference!r} in the book or its audit trail.")
    screenings = [r for r in records if r.kind == BOOK_SCREENING]
    if party is None:  # removed: what it was, from its last screening
        last = screenings[-1].data if screenings else {}
        party = {"reference": reference, "data": last.get("party", {}), "removed": True}
    alerts = book.alerts_of([reference]).get(reference, [])
    decisions = book.decisions(a.id for a in alerts)
    closings = {
        int(r.data["alert"]): r for r in records if r.kind == "alert.closed" and "alert" in r.data
    }
    steps = _steps(book, {int(s.data.get("step", 0)) for s in screenings})
    used = {(a.source, a.version) for a in alerts}
    for step in steps.values():
        used.update((source, int(v)) for source, v in step.data.get("versions", {}).items())
    verification = book.verify()
    return {
        "reference": reference,
        "generated": now(),
        "party": party,
        "screenings": [_screening(s, steps) for s in screenings],
        "alerts": [_alert_data(store, a, decisions.get(a.id, []), closings) for a in alerts],
        "activations": _activations(book, used),
        "chain": verification.to_dict(),
        "other_records": [r.to_dict() for r in records if r.kind not in (BOOK_SCREENING,)],
    }


def _steps(book: MonitorStore, numbers: Iterable[int]) -> dict[int, ChainEntry]:
    wanted = set(numbers)
    if not wanted:
        return {}
    found = book.chain(ChainQuery(kinds=("monitor.step",)))
    return {int(r.data["step"]): r for r in found if int(r.data.get("step", -1)) in wanted}


def _screening(entry: ChainEntry, steps: Mapping[int, ChainEntry]) -> dict[str, Any]:
    step = steps.get(int(entry.data.get("step", 0)))
    return {
        "seq": entry.seq,
        "hash": entry.hash,
        "at": entry.at,
        "actor": entry.actor,
        "cause": entry.data.get("cause"),
        "day": entry.data.get("day"),
        "step": entry.data.get("step"),
        "step_seq": step.seq if step else None,
        "versions": step.data.get("versions") if step else None,
        "algorithm": entry.data.get("algorithm"),
        "results": entry.data.get("results", []),
        "suppressed": entry.data.get("suppressed", []),
        "error": entry.data.get("error"),
    }


def _activations(book: MonitorStore, used: set[tuple[str, int]]) -> list[dict[str, Any]]:
    found = book.chain(ChainQuery(kinds=("list.activated",)))
    out = []
    for record in found:
        key = (str(record.data.get("source")), int(record.data.get("version") or 0))
        if key in used:
            out.append({"seq": record.seq, "at": record.at, "hash": record.hash, **record.data})
    return out


# -- HTML -----------------------------------------------------------------------------------

STYLE = """
body{font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;margin:24px;
max-width:1100px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid #999}
h3{font-size:14px;margin:16px 0 6px}table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;
word-break:break-all}.ok{color:#064}.bad{color:#a00;font-weight:bold}.muted{color:#555}
.alert{border:1px solid #888;padding:8px 12px;margin:12px 0;break-inside:avoid}
@media print{body{margin:0}.alert{page-break-inside:avoid}h2{page-break-after:avoid}}
"""


def _e(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, list | tuple):
        return escape(", ".join(str(v) for v in value)) or "–"
    return escape(str(value))


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _pairs(items: Mapping[str, Any]) -> str:
    return _table(("field", "value"), ((escape(str(k)), _e(v)) for k, v in items.items()))


def _entity_html(entity: Mapping[str, Any] | None) -> str:
    if entity is None:
        return "<p class='muted'>The entity's record of that version is not in the store.</p>"
    names = _table(("name", "kind", "script"), (
        (_e(n.get("value")), _e(n.get("kind")), _e(n.get("script")))
        for n in entity.get("names", [])
    ))  # fmt: skip
    props = _pairs(entity.get("properties", {}))
    listings = _table(("list", "effect", "programs", "start", "end", "authority"), (
        (_e(x.get("list")), _e(x.get("effect")), _e(x.get("programs")), _e(x.get("start")),
         _e(x.get("end")), _e(x.get("authority")))
        for x in entity.get("listings", [])
    ))  # fmt: skip
    return (f"<p><b>{_e(entity.get('id'))}</b> ({_e(entity.get('schema'))})</p>{names}"
            f"{props}{listings}")  # fmt: skip


def _alert_html(alert: Mapping[str, Any]) -> str:
    hit = alert["hit"]
    features = _table(("feature", "contribution", "reason"), (
        (_e(f.get("name")), f"{float(f.get('contribution', 0)):+.3f}", _e(f.get("reason")))
        for f in hit.get("explanation", [])
    ))  # fmt: skip
    decisions = _table(("at", "decision", "by", "role", "reason", "chain record"), (
        (_e(d["at"]), _e(d["decision"]), _e(d["by"]), _e(d["role"]), _e(d["reason"]),
         f"#{d['chain_seq']}")
        for d in alert["decisions"]
    )) if alert["decisions"] else "<p class='muted'>No decision.</p>"  # fmt: skip
    closed = ""
    if alert["closed"]:
        closed = (f"<p>Closed {_e(alert['closed'])}: {_e(alert['closed_reason'])} (chain record "
                  f"#{_e(alert['closed_seq'])}).</p>")  # fmt: skip
    previous = f" It follows alert #{alert['previous']}." if alert["previous"] else ""
    return (
        f"<div class='alert'><h3>Alert #{alert['id']}: {_e(hit.get('name'))} — "
        f"{_e(alert['state'])}</h3>"
        f"<p>Opened {_e(alert['opened'])} (chain record #{_e(alert['opened_seq'])}), reason "
        f"<b>{_e(alert['reason'])}</b>, against version {_e(alert['version'])} of "
        f"{_e(alert['source'])}.{previous} Score <b>{alert['score']:.4f}</b> "
        f"(matched name: {_e(hit.get('matched_name'))}); lists {_e(hit.get('lists'))}; effect "
        f"{_e((hit.get('effect') or {}).get('label'))}.</p>"
        f"<h3>Why it scored so</h3>{features}"
        f"<h3>The entity as version {_e(alert['version'])} published it</h3>"
        f"{_entity_html(alert['entity'])}<h3>Decisions</h3>{decisions}{closed}</div>"
    )


def render(data: Mapping[str, Any]) -> str:
    """The page: HTML with its style inline, no script and nothing fetched from elsewhere."""
    chain = data["chain"]
    verdict = (
        f"<span class='ok'>intact</span> ({chain['records']:,} records)"
        if chain["ok"]
        else f"<span class='bad'>broken at record {chain['broken']}: {_e(chain['problem'])}</span>"
    )
    party = data["party"]
    screenings = _table(
        ("chain record", "at", "by", "cause", "step / day", "list versions", "matches"),
        (
            (f"#{s['seq']}", _e(s["at"]), _e(s["actor"]), _e(s["cause"]),
             f"{_e(s['step'])} / {_e(s['day'])}",
             _e([f"{k} v{v}" for k, v in sorted((s["versions"] or {}).items())]),
             _e([f"{r['id']} ({r['score']:.2f})" for r in s["results"]]) + (
                 f"<br><span class='muted'>suppressed: {_e(s['suppressed'])}</span>"
                 if s["suppressed"] else ""))
            for s in data["screenings"]
        ),
    )  # fmt: skip
    activations = _table(
        ("chain record", "at", "list", "version", "published", "entities", "content hash"),
        (
            (f"#{a['seq']}", _e(a["at"]), _e(a.get("source")), _e(a.get("version")),
             _e(a.get("published")), _e(a.get("entities")),
             f"<span class='mono'>{_e(a.get('content_hash'))}</span>")
            for a in data["activations"]
        ),
    )  # fmt: skip
    alerts = "".join(_alert_html(a) for a in data["alerts"]) or "<p>No alert.</p>"
    removed = "<p class='bad'>This party has been removed from the book.</p>" if party.get(
        "removed") else ""  # fmt: skip
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Evidence: {_e(data['reference'])}</title><style>{STYLE}</style></head><body>"
        f"<h1>Screening evidence: {_e(data['reference'])}</h1>"
        f"<p class='muted'>Made {_e(data['generated'])} from the store of clearance. Audit "
        f"chain: {verdict}; head <span class='mono'>{_e(chain['head'])}</span>.</p>{removed}"
        f"<h2>The party</h2>{_pairs(party.get('data', {}))}"
        f"<h2>Screenings</h2>{screenings}"
        f"<h2>Alerts</h2>{alerts}"
        f"<h2>List versions used</h2>{activations}"
        "</body></html>"
    )
