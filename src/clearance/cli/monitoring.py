"""``clearance book``, ``alerts``, ``audit``, ``evidence``, ``webhooks`` and ``monitor``: a thin
shell over :mod:`clearance.monitor.service`. The command line acts as its user, with the admin
role; ``--by`` names someone else for a decision."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

import click
import orjson

from clearance.cli.context import cli_user, echo_json, settings
from clearance.monitor import evidence as evidence_page
from clearance.monitor import service
from clearance.monitor.book import DEFAULT_COLUMNS
from clearance.monitor.rescreen import Monitor
from clearance.monitor.schedule import CycleOptions, parse_every, run_once
from clearance.queries import Columns
from clearance.screen_io import FORMATS

# -- helpers --------------------------------------------------------------------------------


def _monitor(workers: int | None = None) -> Monitor:
    return Monitor.open(settings(), workers or os.cpu_count() or 1)


def _columns(options: dict[str, Any]) -> Columns:
    picked: dict[str, tuple[str, ...]] = {}
    for name in ("name", "schema", "country", "birth_date", "id_number", "reference", "aliases",
                 "gender"):  # fmt: skip
        given = options.get(f"{name}_column")
        picked[name] = (given,) if given else getattr(DEFAULT_COLUMNS, name)
    return Columns(**picked)


def _short(value: Any, width: int = 40) -> str:
    text = "; ".join(value) if isinstance(value, list) else str(value or "-")
    return text if len(text) <= width else text[: width - 1] + "…"


# -- book -----------------------------------------------------------------------------------


@click.group()
def book() -> None:
    """The party book: counterparties kept screened as the lists change."""


@book.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--replace", is_flag=True, help="Remove the parties of the book the file does not name."
)
@click.option("--input-format", type=click.Choice(FORMATS), help="Default: from the suffix.")
@click.option("--encoding", help="Encoding of a CSV/JSON lines file that is not UTF-8.")
@click.option("--workers", type=click.IntRange(1, 256), help="Processes (default: all cores).")
@click.option("--name-column", help="Column with the name (default: name).")
@click.option("--schema-column", help="Column with the schema (default: schema, type).")
@click.option("--country-column", help="Column with countries (default: country).")
@click.option("--birth-date-column", help="Column with the birth date (default: birth_date).")
@click.option("--id-number-column", help="Column with identifiers (default: id_number).")
@click.option("--reference-column", help="Column with the party's reference (default: reference).")
@click.option("--aliases-column", help="Column with other names, ';'-separated.")
@click.option("--gender-column", help="Column with the gender (default: gender).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def import_(path: Path, replace: bool, input_format: str | None, encoding: str | None,
            workers: int | None, as_json: bool, **column_options: Any) -> None:  # fmt: skip
    """Import the parties of PATH (CSV, JSON lines, XLSX or Parquet), keyed by their reference.

    New and changed parties are screened now and each match opens an alert; unchanged parties
    are left alone; --replace removes the parties the file does not name (their alerts close).
    A row without a reference or a usable name, or repeating a reference, is an error.
    """
    request = service.ImportRequest(
        path=path, actor=service.cli_actor(cli_user()), columns=_columns(column_options),
        fmt=input_format, encoding=encoding, replace=replace,
    )  # fmt: skip
    with _monitor(workers) as monitor:
        report = service.import_book(monitor, request)
    if as_json:
        echo_json(report)
        return
    alerts = report["alerts"]
    click.echo(
        f"{report['added']:,} added, {report['changed']:,} changed, {report['unchanged']:,} "
        f"unchanged, {report['removed']:,} removed, {report['errors']:,} errors "
        f"({report['screened']:,} screened; {alerts['opened']:,} alerts opened, "
        f"{alerts['closed']:,} closed)."
    )
    for error in report["row_errors"]:
        click.echo(f"  row {error['row']}: {error['message']}")
    if report["errors"] > len(report["row_errors"]):
        click.echo(f"  ... and {report['errors'] - len(report['row_errors']):,} more (--json)")


@book.command("list")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(0, 10_000))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(limit: int, offset: int, as_json: bool) -> None:
    """The parties of the book, by reference, with their live alerts."""
    with _monitor(1) as monitor:
        found = service.list_parties(monitor.book, service.BookQuery(limit, offset))
    if as_json:
        echo_json(found)
        return
    click.echo(f"{found['total']:,} parties in the book.")
    for party in found["parties"]:
        state = f"error: {party['error']}" if party["error"] else f"{party['alerts']} alerts"
        click.echo(f"  {party['reference']:<20} {_short(party['name'])}  ({state})")


@book.command("show")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(reference: str, as_json: bool) -> None:
    """A party: what is kept of it and screened, its alerts now and before."""
    with _monitor(1) as monitor:
        found = service.show_party(monitor.book, reference)
    if as_json:
        echo_json(found)
        return
    click.echo(f"{found['reference']}: screened {found['screened_at'] or 'never'}")
    for key, value in found["data"].items():
        click.echo(f"  {key}: {value}")
    for title, key in (("alerts", "alerts"), ("earlier alerts", "history")):
        if found[key]:
            click.echo(f"{title}:")
            click.echo("\n".join(_alert_line(a) for a in found[key]))


@book.command("remove")
@click.argument("reference")
def remove(reference: str) -> None:
    """Remove a party from the book (its alerts close)."""
    with _monitor(1) as monitor:
        found = service.remove_party(monitor, reference, service.cli_actor(cli_user()))
    click.echo(f"Removed {reference}; {found['alerts_closed']} alerts closed.")


# -- alerts ---------------------------------------------------------------------------------


def _alert_line(alert: dict[str, Any]) -> str:
    lists = ", ".join(alert["lists"]) or "-"
    return (
        f"  #{alert['id']:<6} {alert['state']:<14} {alert['party']:<16} {alert['score']:.2f}  "
        f"{_short(alert['name'])} ({alert['entity_id']}, v{alert['version']}; {lists}) "
        f"[{alert['reason']}]"
    )


@click.group(invoke_without_command=True)
@click.option("--state", default="", help="open, escalated, true-match, false-positive, ...")
@click.option("--party", default="", help="A party's reference.")
@click.option("--source", default="", help="Alerts on entities of this list (e.g. us-ofac-sdn).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, help="The lowest score.")
@click.option("--older-than", type=float, help="Alerts opened more than this many days ago.")
@click.option("--newer-than", type=float, help="Alerts opened less than this many days ago.")
@click.option("--order", type=click.Choice(["oldest", "newest", "score"]), default="oldest",
              show_default=True)  # fmt: skip
@click.option("--limit", type=click.IntRange(0, 10_000), help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Print JSON lines.")
@click.pass_context
def alerts(ctx: click.Context, state: str, party: str, source: str, min_score: float,
           older_than: float | None, newer_than: float | None, order: str, limit: int | None,
           as_json: bool, as_jsonl: bool) -> None:  # fmt: skip
    """Alerts of the book (all states unless --state; several: --state open,escalated), with
    the filters of the API's /alerts and the web's alert queue; `alerts decide` decides."""
    if ctx.invoked_subcommand is not None:
        return
    query = service.AlertsQuery(state, party, limit, source=source, min_score=min_score,
                                older_than_days=older_than, newer_than_days=newer_than,
                                order=order)  # fmt: skip
    with _monitor(1) as monitor:
        found = service.list_alerts(monitor.book, query)
    if as_jsonl:
        for alert in found:
            click.echo(orjson.dumps(alert).decode())
    elif as_json:
        echo_json(found)
    else:
        click.echo(f"{len(found):,} alerts.")
        click.echo("\n".join(_alert_line(a) for a in found))


@alerts.command("decide")
@click.argument("alert_id", type=int)
@click.option("--as", "decision", required=True,
              type=click.Choice(["false-positive", "true-match", "escalated"]))  # fmt: skip
@click.option("--reason", required=True, help="Why (kept in the audit trail).")
@click.option("--by", default="", help="Who decides (default: your user name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def decide(alert_id: int, decision: str, reason: str, by: str, as_json: bool) -> None:
    """Decide an alert: false-positive or escalated (analysts), true-match (reviewers; with
    CLEARANCE_FOUR_EYES=1 only after someone else escalated it)."""
    request = service.DecideRequest(alert_id, decision, reason, service.cli_actor(cli_user(), by))
    config = settings()
    with _monitor(1) as monitor:
        found = service.decide(monitor.book, request, config.four_eyes)
    if as_json:
        echo_json(found)
    else:
        click.echo(f"Alert #{alert_id} is now {found['state']}.")


# -- audit ----------------------------------------------------------------------------------


@click.group(invoke_without_command=True)
@click.option("--party", default="", help="Records of one party of the book.")
@click.option("--since", default="", help="From this time (ISO, e.g. 2026-01-15).")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    help="screening, screening.http, alert.opened, alert.decided, list.activated ...",
)
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def audit(ctx: click.Context, party: str, since: str, kinds: tuple[str, ...], limit: int,
          as_json: bool) -> None:  # fmt: skip
    """The audit chain: every screening, alert event, key event and list activation, each
    record holding the hash of the one before; the latest --limit records that match, oldest
    first. `audit verify` checks it, `audit head` prints the latest hash to keep elsewhere."""
    if ctx.invoked_subcommand is not None:
        return
    query = service.AuditQuery(party, since, kinds, limit, newest_first=True)
    with _monitor(1) as monitor:
        found = service.audit_entries(monitor.book, query)[::-1]
    if as_json:
        echo_json(found)
        return
    for entry in found:
        party_text = f" [{entry['party']}]" if entry["party"] else ""
        click.echo(f"{entry['seq']:>8}  {entry['at']}  {entry['kind']:<16} {entry['actor']}"
                   f"{party_text}  {_short(_summary(entry['data']), 60)}")  # fmt: skip


def _summary(data: dict[str, Any]) -> str:
    keys = ("source", "version", "alert", "entity_id", "decision", "state", "reason", "step",
            "results", "name", "endpoint")  # fmt: skip
    parts = []
    for key in keys:
        if key in data and data[key] not in (None, "", []):
            value = data[key]
            if key == "results":
                value = len(value)
            parts.append(f"{key}={value}")
    return " ".join(parts)


@audit.command("verify")
@click.option("--head", "expected", default="", help="A head hash kept elsewhere: must be in it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def verify(ctx: click.Context, expected: str, as_json: bool) -> None:
    """Check the whole chain; name the first broken record (exit 9 when broken)."""
    with _monitor(1) as monitor:
        found = service.verify_chain(monitor.book, expected)
    if as_json:
        echo_json(found)
    elif found["ok"]:
        click.echo(
            f"The audit chain is intact: {found['records']:,} records, head {found['head']}."
        )
    else:
        click.echo(f"The audit chain is broken at record {found['broken']}: {found['problem']}.")
    if not found["ok"]:
        ctx.exit(9)


@audit.command("head")
def head() -> None:
    """Print the position and hash of the latest record (keep it elsewhere: `audit verify
    --head HASH` later proves nothing before it changed)."""
    with _monitor(1) as monitor:
        found = service.chain_head(monitor.book)
    click.echo(f"{found['seq']} {found['hash']}")


# -- evidence -------------------------------------------------------------------------------


@click.command()
@click.argument("reference")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The HTML file to write.")  # fmt: skip
def evidence(reference: str, out_path: Path) -> None:
    """Write the evidence page of a party: every screening with the list versions used, each
    alert with the entity as that version published it and the score's explanation, every
    decision, and the audit chain position of each record. Self-contained and printable."""
    with _monitor(1) as monitor:
        html = evidence_page.render(evidence_page.gather(monitor.store, monitor.book, reference))
    out_path.write_text(html, encoding="utf-8")
    click.echo(f"Wrote the evidence of {reference} to {out_path}.")


# -- webhooks -------------------------------------------------------------------------------


@click.group()
def webhooks() -> None:
    """Webhooks: signed JSON events (alert.opened, alert.decided, alert.closed, monitor.step,
    monitor.failed) sent with retries; each attempt is logged."""


@webhooks.command("add")
@click.argument("url")
@click.option("--events", required=True, help="Comma-separated events, or * for all.")
@click.option("--secret", default="", help="The signing secret (default: a new one, shown once).")
def add_webhook(url: str, events: str, secret: str) -> None:
    """Register URL for EVENTS; its signing secret is printed once, alone on the last line."""
    request = service.WebhookRequest(
        url, tuple(events.split(",")), service.cli_actor(cli_user()), secret
    )
    with _monitor(1) as monitor:
        found = service.add_webhook(monitor.book, request)
    click.echo(f"Webhook {found['id']} sends {', '.join(found['events'])} to {found['url']}. "
               "Its signing secret (shown only once):")  # fmt: skip
    click.echo(found["secret"])


@webhooks.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_webhooks(as_json: bool) -> None:
    with _monitor(1) as monitor:
        found = service.list_webhooks(monitor.book, service.cli_actor(cli_user()))
    if as_json:
        echo_json(found)
        return
    for hook in found:
        state = "active" if hook["active"] else "removed"
        click.echo(f"{hook['id']:>4}  {state:<8} {hook['url']}  {', '.join(hook['events'])}")


@webhooks.command("remove")
@click.argument("webhook_id", type=int)
def remove_webhook(webhook_id: int) -> None:
    with _monitor(1) as monitor:
        service.remove_webhook(monitor.book, webhook_id, service.cli_actor(cli_user()))
    click.echo(f"Webhook {webhook_id} removed.")


@webhooks.command("deliveries")
@click.argument("webhook_id", type=int, required=False)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def deliveries(webhook_id: int | None, limit: int, as_json: bool) -> None:
    """The delivery log, newest first."""
    with _monitor(1) as monitor:
        found = service.webhook_deliveries(
            monitor.book, service.cli_actor(cli_user()), webhook_id, limit
        )
    if as_json:
        echo_json(found)
        return
    for item in found:
        click.echo(f"{item['id']:>6}  hook {item['webhook']}  {item['event']:<14} "
                   f"{item['state']:<9} attempts {item['attempts']}  "
                   f"{item['last_status'] or ''} {item['last_error'] or ''}")  # fmt: skip


# -- monitor --------------------------------------------------------------------------------


@click.command()
@click.option("--every", default="", help="Run a cycle every 30s / 15m / 1h / 1d until stopped.")
@click.option("--no-update", is_flag=True, help="Do not download the lists; re-screen only.")
@click.option("--full", is_flag=True, help="Re-screen every party, not only what changed.")
@click.option("--workers", type=click.IntRange(1, 256), help="Processes (default: all cores).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def monitor(every: str, no_update: bool, full: bool, workers: int | None, as_json: bool) -> None:
    """One monitoring cycle: update every list that has a download location, re-screen the
    parties the changes touch, send the webhooks; with --every, a cycle every so often."""
    config = settings()
    options = CycleOptions(
        actor=service.cli_actor(cli_user()).label, update=not no_update, full=full
    )
    interval = parse_every(every) if every else None

    def show(report: dict[str, Any]) -> None:
        if as_json:
            click.echo(orjson.dumps(report).decode())
            return
        for item in report["updates"]:
            status = item["status"] + (f": {item['error']}" if item["error"] else "")
            click.echo(f"{item['source']}: {status}")
        found = report["monitor"]
        alerts = found.get("alerts", {})
        click.echo(
            f"monitor: {found['status']} (step {found['step']}); "
            f"{found.get('rescreened', 0):,} parties re-screened, "
            f"{alerts.get('opened', 0):,} alerts opened, {alerts.get('closed', 0):,} closed; "
            f"{report['deliveries']} webhook deliveries sent."
        )

    if interval is None:
        show(run_once(config, options, workers or os.cpu_count() or 1))
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.is_set():
            show(run_once(config, options, workers or os.cpu_count() or 1))
            stop.wait(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
