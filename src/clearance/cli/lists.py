"""List management: ``load``, ``update``, ``status``, ``versions``, ``diff`` and ``run``.

A thin shell over :mod:`clearance.catalog` and the store; errors are mapped to messages and
exit codes once, in ``cli/__init__.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from clearance import catalog
from clearance.catalog import Outcome, UpdateRequest
from clearance.cli.context import cli_user, echo_json, settings
from clearance.cli.screening import screen_example
from clearance.diff import Diff, EntityChange
from clearance.errors import ClearanceError
from clearance.exposure import refresh
from clearance.ftm_names import FTM, is_ftm
from clearance.model import Listing, Name
from clearance.monitor.rescreen import Monitor, cycle
from clearance.settings import Settings
from clearance.sources import SOURCE_IDS
from clearance.store import Store, VersionInfo
from clearance.store.monitor import MonitorStore

# -- output helpers ---------------------------------------------------------------------


def _published(version: VersionInfo | None) -> str:
    return (version.published if version else "") or "no date"


def _outcome_lines(outcome: Outcome) -> list[str]:
    version = outcome.version
    if outcome.status == "failed":
        return [f"{outcome.source}: FAILED. {outcome.error}"]
    if version is None:  # pragma: no cover - only failed outcomes lack a version
        return [f"{outcome.source}: {outcome.status}"]
    facts = f"{version.entities:,} entities, published {_published(version)}"
    if outcome.status == "unchanged":
        return [f"{outcome.source}: unchanged; version {version.id} stays active ({facts})"]
    lines = [f"{outcome.source}: imported version {version.id} ({facts})"]
    changes = outcome.summary or {}
    against = f"version {outcome.previous.id}" if outcome.previous else "an empty store"
    lines.append(
        f"  changes against {against}: {changes.get('added', 0):,} added, "
        f"{changes.get('removed', 0):,} removed, {changes.get('changed', 0):,} changed"
    )
    return lines


def _table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    out.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
    return out


def _status_lines(store: Store) -> list[str]:
    active = store.active_versions()
    rows = [
        (v.source, str(v.id), v.published or "-", f"{v.entities:,}", v.imported_at, v.origin)
        for v in active.values()
    ]
    lines = _table(("SOURCE", "VERSION", "PUBLISHED", "ENTITIES", "IMPORTED", "ORIGIN"), rows)
    for v in active.values():
        lacking = v.stats.get("missing", 0)
        if lacking:  # a bundled list not yet transcribed completely: never a silent gap
            lines.append(
                f"Incomplete: {v.source} lacks {lacking:,} of the {v.stats.get('stated', 0):,} "
                "entries its latest publication states (see its data file's header)."
            )
    missing = [source_id for source_id in SOURCE_IDS if source_id not in active]
    if FTM in missing:  # FtM data is held per dataset, as ftm:<dataset>
        missing.remove(FTM)
        if not any(is_ftm(source) for source in active):
            missing.append("ftm:<dataset>")
    if missing:
        lines.append(f"No version yet: {', '.join(missing)} (clearance load/update SOURCE).")
    return lines


def _status_data(store: Store) -> dict[str, Any]:
    return {"sources": [v.to_dict() for v in catalog.status(store)]}


# -- load / update ----------------------------------------------------------------------


def rescreen(store: Store, config: Settings, outcomes: Sequence[Outcome]) -> dict[str, Any] | None:
    """After a version became active: the book's delta re-screen (None when no list changed
    or the book is empty)."""
    if not any(o.status == "imported" for o in outcomes):
        return None
    monitor = Monitor(config, store, MonitorStore(store.connection), os.cpu_count() or 1)
    if not monitor.book.party_count():
        return None
    return cycle(monitor, f"cli:{cli_user()}").to_dict()


def _monitor_line(report: dict[str, Any]) -> str:
    alerts = report["alerts"]
    return (
        f"monitor: {report['rescreened']:,} of {report['parties']:,} book parties re-screened; "
        f"{alerts['opened']:,} alerts opened, {alerts['closed']:,} closed"
    )


@contextmanager
def json_errors(as_json: bool, source: str = "") -> Iterator[None]:
    """With --json, an error is printed as JSON on stdout (the exit code stays the error's)."""
    try:
        yield
    except ClearanceError as exc:
        if not as_json:
            raise
        echo_json(
            {
                "source": source or None,
                "status": "failed",
                "error": exc.message,
                "error_code": exc.code,
            }
        )
        raise click.exceptions.Exit(exc.exit_code) from None


@click.command()
@click.argument("source")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Override every quality gate: a list that shrank, or an extract smaller than a "
    "complete publication.",
)
@click.option(
    "--dataset",
    default="",
    help="For ftm: the FollowTheMoney dataset the file holds (the source becomes ftm:NAME).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (errors too).")
def load(source: str, path: Path, force: bool, dataset: str, as_json: bool) -> None:
    """Import a local file or folder of SOURCE as a new version.

    The new version becomes active only if it was read completely and passed the source's
    quality gates; otherwise the active version is kept. A file with the same content as the
    active version (whatever its name) is reported unchanged. FollowTheMoney data goes to
    one source per dataset, ftm:<dataset>, named from the data, the file or --dataset.
    """
    with json_errors(as_json, source), catalog.open_store(settings()) as store:
        outcome = catalog.load(store, source, path, force=force, dataset=dataset)
        refresh(store, settings())  # the next screening starts without building it
        report = rescreen(store, settings(), [outcome])
    if as_json:
        echo_json({**outcome.to_dict(), "monitor": report})
    else:
        click.echo("\n".join(_outcome_lines(outcome)))
        if report is not None:
            click.echo(_monitor_line(report))


@click.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option("--force", is_flag=True, help="Override every quality gate of the lists downloaded.")
@click.option("--base-url", default="", help="Download from this base URL (one SOURCE only).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (errors too).")
@click.pass_context
def update(
    ctx: click.Context, sources: tuple[str, ...], force: bool, base_url: str, as_json: bool
) -> None:
    """Download the official files of SOURCEs (default: every downloadable list) and import
    those that changed.

    Unchanged files cost one conditional request. A truncated, unreadable or suspiciously
    shrunken download is refused and the active version kept; --force accepts a list that
    really shrank. Base URLs can also be set per source: CLEARANCE_URL_US_OFAC_SDN=...
    """
    config = settings()
    request = UpdateRequest(sources=sources, force=force, base_url=base_url)
    with json_errors(as_json, ",".join(sources)), catalog.open_store(config) as store:
        outcomes = catalog.update(store, config, request)
        refresh(store, config)  # the next screening starts without building it
        report = rescreen(store, config, outcomes)
    failed = [o.error for o in outcomes if o.error is not None]
    if len(outcomes) == 1 and failed and not as_json:
        raise failed[0]  # one source: its own message and exit code
    if as_json:
        echo_json({"sources": [o.to_dict() for o in outcomes], "monitor": report})
    else:
        for outcome in outcomes:
            click.echo("\n".join(_outcome_lines(outcome)))
        if not outcomes:
            click.echo("No source to update.")
        if report is not None:
            click.echo(_monitor_line(report))
    if failed:
        ctx.exit(failed[0].exit_code)


# -- status / versions / diff -----------------------------------------------------------


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(as_json: bool) -> None:
    """The active version of every list: version, publication date, entities, import time."""
    with catalog.open_store(settings()) as store:
        if as_json:
            echo_json(_status_data(store))
        else:
            click.echo("\n".join(_status_lines(store)))


@click.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def versions(source: str, as_json: bool) -> None:
    """Every stored version of SOURCE, oldest first (* marks the active one)."""
    (source_id,) = catalog.resolve_sources([source])
    with catalog.open_store(settings()) as store:
        found = store.versions(source_id)
    if as_json:
        echo_json({"source": source_id, "versions": [v.to_dict() for v in found]})
        return
    if not found:
        click.echo(f"No version of {source_id} yet.")
        return
    rows = [
        (
            ("* " if v.active else "  ") + str(v.id),
            v.published or "-",
            f"{v.entities:,}",
            v.imported_at,
            v.origin,
            v.format,
        )
        for v in found
    ]
    headers = ("  VERSION", "PUBLISHED", "ENTITIES", "IMPORTED", "ORIGIN", "FORMAT")
    click.echo("\n".join(_table(headers, rows)))


def _short(values: list[str] | None, width: int = 60) -> str:
    text = "; ".join(values or []) or "-"
    return text if len(text) <= width else text[: width - 3] + "..."


def _name(sign: str, name: Name) -> str:
    return f"{sign}{name.value}" + ("" if name.kind == "name" else f" [{name.kind}]")


def _change_line(change: EntityChange) -> str:
    parts: list[str] = []
    if change.schema is not None:
        parts.append(f"schema {change.schema.old} -> {change.schema.new}")
    if change.names_added or change.names_removed:
        names = [_name("+", n) for n in change.names_added]
        names += [_name("-", n) for n in change.names_removed]
        parts.append(f"names {', '.join(names)}")
    parts.extend(f"{p.field} {_short(p.old)} -> {_short(p.new)}" for p in change.properties)
    parts.extend(_listing_changes(change.listings_added, change.listings_removed))
    if change.record and not parts:
        parts.append("source record " + ", ".join(c.field for c in change.record))
    return f"  ~ {change.entity_id}  {change.caption}: {'; '.join(parts) or 'order of values'}"


def _listing_text(listing: Listing) -> str:
    text = listing.list
    if listing.programs:
        text += f" [{', '.join(listing.programs)}]"
    if listing.start or listing.end:
        text += f" {listing.start or '?'}..{listing.end}"
    return text


_LISTING_FIELDS = ("effect", "start", "end", "authority", "reason", "url")


def _listing_changes(added: Sequence[Listing], removed: Sequence[Listing]) -> list[str]:
    """What changed in the listings, per list: programs added and removed, dates, effect...

    A list with listings on both sides changed; one on a side only was added or removed.
    """
    out: list[str] = []
    for code in dict.fromkeys(x.list for x in (*added, *removed)):
        new = [x for x in added if x.list == code]
        old = [x for x in removed if x.list == code]
        if not old:
            out.extend(f"listing +{_listing_text(x)}" for x in new)
            continue
        if not new:
            out.extend(f"listing -{_listing_text(x)}" for x in old)
            continue
        new_programs = {p for x in new for p in x.programs}
        old_programs = {p for x in old for p in x.programs}
        bits = [f"+{p}" for p in sorted(new_programs - old_programs)]
        bits += [f"-{p}" for p in sorted(old_programs - new_programs)]
        detail = [f"programs {' '.join(bits)}"] if bits else []
        for name in _LISTING_FIELDS:
            before = sorted({getattr(x, name) for x in old})
            after = sorted({getattr(x, name) for x in new})
            if before != after:
                detail.append(f"{name} {_short(before, 40)} -> {_short(after, 40)}")
        out.append(f"listing {code} changed: {', '.join(detail) or 'order of values'}")
    return out


def _diff_lines(diff: Diff, limit: int) -> list[str]:
    old = f"version {diff.from_version} ({diff.from_published or 'no date'})"
    if diff.from_version is None:
        old = "nothing"
    counts = diff.summary()
    lines = [
        f"{diff.source}: {old} -> version {diff.to_version} ({diff.to_published or 'no date'})",
        f"  {counts['added']:,} added, {counts['removed']:,} removed, "
        f"{counts['changed']:,} changed",
    ]
    sections: list[tuple[str, list[str]]] = [
        ("added", [f"  + {e.id}  {e.caption} ({e.schema})" for e in diff.added]),
        ("removed", [f"  - {e.id}  {e.caption} ({e.schema})" for e in diff.removed]),
        ("changed", [_change_line(c) for c in diff.changed]),
    ]
    for title, items in sections:
        if items:
            lines.append(f"{title}:")
            lines.extend(items[:limit])
            if len(items) > limit:
                lines.append(f"  ... and {len(items) - limit:,} more (--limit, --json)")
    return lines


@click.command()
@click.argument("source")
@click.option(
    "--from", "from_version", type=int, help="Old version (default: the one before --to)."
)
@click.option("--to", "to_version", type=int, help="New version (default: the latest).")
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(0), help="Lines per section."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every change).")
def diff(
    source: str, from_version: int | None, to_version: int | None, limit: int, as_json: bool
) -> None:
    """Entities added, removed and changed between two versions of SOURCE (default: the last
    two), with the names, properties and listings that changed."""
    (source_id,) = catalog.resolve_sources([source])
    with catalog.open_store(settings()) as store:
        result = store.diff(source_id, from_version, to_version)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo("\n".join(_diff_lines(result, limit)))


# -- run --------------------------------------------------------------------------------


@dataclass
class RunContext:
    """What the steps of ``clearance run`` share."""

    settings: Settings
    store: Store
    #: (source id, path) pairs given as SOURCE=PATH
    files: list[tuple[str, Path]]


RunStep = Callable[[RunContext], None]


def load_step(run: RunContext) -> None:
    for source_id, path in run.files:
        click.echo("\n".join(_outcome_lines(catalog.load(run.store, source_id, path))))


def status_step(run: RunContext) -> None:
    click.echo("\n".join(_status_lines(run.store)))


def screen_step(run: RunContext) -> None:
    screen_example(run.store, run.settings)


#: The steps of ``clearance run``, in order. Opening the store (before the first step) makes
#: the bundled lists active; further steps are added here.
RUN_STEPS: list[RunStep] = [load_step, status_step, screen_step]


@click.command()
@click.argument("files", nargs=-1, metavar="[SOURCE=PATH]...")
def run(files: tuple[str, ...]) -> None:
    """The main job on a fresh machine: open the store (the bundled statutory lists become
    active), import any list files given as SOURCE=PATH, print the status of every list, then
    screen the example vendor file.

    Example: clearance run us-ofac-sdn=./sdn.csv un-sc=./consolidated.xml
    """
    config = settings()
    assignments = catalog.parse_assignments(files)
    with catalog.open_store(config) as store:
        context = RunContext(settings=config, store=store, files=assignments)
        for step in RUN_STEPS:
            step(context)
