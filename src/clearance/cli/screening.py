"""``clearance search`` (one name) and ``clearance screen`` (a file of counterparties)."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from clearance.catalog import open_store
from clearance.cli.context import cli_user, echo_json, settings
from clearance.cli.exposure import finding_lines
from clearance.errors import InputError
from clearance.exposure import parse_day, screener_from_store
from clearance.index.facets import Filters
from clearance.queries import Columns, from_values
from clearance.screen import Hit, Screener, ordered_lists
from clearance.screen_batch import BatchOptions, RowResult, run_batch
from clearance.screen_io import (
    FORMATS,
    OUTPUT_FORMATS,
    RowSource,
    Writer,
    detect_format,
    open_rows,
    output_format,
)
from clearance.settings import Settings
from clearance.store import Store, open_database
from clearance.store.audit import BatchAudit


def _audit(config: Settings, store: Store, screener: Any, command: str,
           extra: dict[str, Any]) -> BatchAudit:  # fmt: skip
    """Where the screenings of this command go in the audit chain (``screener``: a
    :class:`~clearance.screen.Screener`, or the profile name a Spark job screens with)."""
    from_versions = {source: str(v.id) for source, v in store.active_versions().items()}
    if isinstance(screener, str):
        from clearance.match.scorer import Matcher

        algorithm = f"{screener}/{Matcher(screener).algorithm}"
    else:
        algorithm = f"{screener.profile}/{screener.scorer.algorithm}"
    context = {"command": command, "versions": from_versions, "algorithm": algorithm, **extra}
    return BatchAudit(open_database(config.database_location), context, f"cli:{cli_user()}")


def _summary(result: RowResult) -> dict[str, Any]:
    out: dict[str, Any] = {"row": result.row, "reference": result.reference, "name": result.name,
                           "results": [{"id": m["entity_id"], "score": m["score"]}
                                       for m in result.matches]}  # fmt: skip
    if result.error:
        out["error"] = result.error
    return out


#: ``clearance screen --engine``: the batch engine on this machine, or a Spark job
ENGINES = ("builtin", "spark")


def _describe(rank: int, hit: Hit) -> str:
    data = hit.to_dict()
    effects = "; ".join(e["label"] for e in data["effects"]) or "listed"
    lines = [
        f"{rank}. {data['score']:.2f}  {data['name']}  ({data['schema']})",
        f"   {data['entity_id']}  source {data['source']}, id {data['source_id']}",
        f"   lists: {', '.join(data['lists']) or '-'}"
        + (f"  programs: {', '.join(data['programs'])}" if data["programs"] else ""),
        f"   effect: {effects}",
    ]
    if hit.result.matched_name and hit.result.matched_name != data["name"]:
        lines.append(f"   matched name: {hit.result.matched_name}")
    lines.extend(f"   - {f.reason} ({f.contribution:+.2f})" for f in hit.result.features)
    for finding in hit.findings:
        lines.append("   through its owners:")
        lines.extend(finding_lines(finding, "     "))
    return "\n".join(lines)


def check_sources(store: Store, sources: tuple[str, ...]) -> frozenset[str] | None:
    """The sources asked for, refused when one is not an active list."""
    if not sources:
        return None
    active = store.active_versions()
    unknown = [s for s in sources if s not in active]
    if unknown:
        raise InputError(
            f"No active list {', '.join(map(repr, unknown))}: the lists are "
            f"{', '.join(sorted(active)) or 'none (load one first)'}."
        )
    return frozenset(sources)


@click.command()
@click.argument("name")
@click.option("--schema", default="", help="Person, Company, Organization, ... (default: any).")
@click.option("--country", multiple=True, help="Country: code or name (repeatable).")
@click.option("--birth-date", default="", help="A date as written (1970, 1970-03-01, 1/3/1970).")
@click.option("--id", "identifiers", multiple=True, help="An identifier (repeatable).")
@click.option("--source", "sources", multiple=True, help="Only these sources (repeatable).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), help="Default: the profile's.")
@click.option("--profile", help="Matching profile (strict, balanced, broad, ofac).")
@click.option("--include-former", is_flag=True, help="Also entities whose listings all ended.")
@click.option(
    "--as-of", default="", help="Day the lists and ownership rules are read for (default: today)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def search(
    name: str,
    schema: str,
    country: tuple[str, ...],
    birth_date: str,
    identifiers: tuple[str, ...],
    sources: tuple[str, ...],
    limit: int,
    threshold: float | None,
    profile: str | None,
    include_former: bool,
    as_of: str,
    as_json: bool,
) -> None:
    """Screen one NAME against every loaded list: ranked matches with their legal effect, and
    what each matched party takes through its owners (OFAC 50% rule, BIS Affiliates Rule)."""
    built = from_values(name, schema, country, birth_date, identifiers)
    query = built.query
    day = parse_day(as_of)
    config = settings()
    with open_store(config) as store:
        filters = Filters(sources=check_sources(store, sources), former=include_former)
        screener = screener_from_store(store, config, profile)
        log = _audit(config, store, screener, "search", {"as_of": day})
    hits = screener.search(query, limit=limit, threshold=threshold, filters=filters, as_of=day)
    log.add(
        {
            "query": {
                "name": query.name,
                "schema": query.schema,
                "country": list(query.country),
                "birth_date": query.birth_date,
                "identifiers": list(query.identifiers),
            },
            "results": [{"id": h.entity.id, "score": round(h.score, 4)} for h in hits],
        }
    )
    log.close()
    if as_json:
        echo_json({"query": query.name, "state": screener.state_key, "as_of": day,
                   "warnings": list(built.warnings),
                   "matches": [h.to_dict() for h in hits]})  # fmt: skip
        return
    for warning in built.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if not hits:
        click.echo(f"No match for {query.name!r} at or above the threshold.")
        return
    click.echo("\n\n".join(_describe(i, hit) for i, hit in enumerate(hits, 1)))


def _columns(options: dict[str, Any]) -> Columns:
    base = Columns()
    picked: dict[str, tuple[str, ...]] = {}
    for field_name in ("name", "schema", "country", "birth_date", "id_number", "reference",
                       "aliases", "gender"):  # fmt: skip
        given = options.get(f"{field_name}_column")
        picked[field_name] = (given,) if given else getattr(base, field_name)
    return Columns(**picked)


class _Progress:
    """A progress line on stderr, only when stderr is a terminal: rows, and where the size of
    the input is known, the share done, the rate and the time left."""

    def __init__(self, source: RowSource, clock: Any = time.monotonic) -> None:
        self.enabled = sys.stderr.isatty()
        self.source, self.clock = source, clock
        self.started = clock()
        self.done = 0

    def line(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"screened {self.done:,} rows, {rate:,.0f} rows/s"
        total, read = self.source.total, self.source.done
        if total and read:
            share = min(read / total, 1.0)
            left = elapsed * (1 - share) / share if share > 0 else 0.0
            text += f", {share:.0%} of {self._size(total)}, {_duration(left)} left"
        return text

    def _size(self, total: int) -> str:
        if self.source.unit == "rows":
            return f"{total:,} rows"
        return f"{total / 1e6:,.1f} MB"

    def __call__(self, count: int) -> None:
        self.done += count
        if self.enabled:
            click.echo(f"\r{self.line()}\x1b[K", err=True, nl=False)

    def close(self) -> None:
        if self.enabled and self.done:
            click.echo("", err=True)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


@click.command()
@click.argument("input_path", metavar="IN", type=click.Path(path_type=str))
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file (default: standard output).")  # fmt: skip
@click.option("--format", "out_format", type=click.Choice(OUTPUT_FORMATS),
              help="Output format (default: from --out's suffix, else jsonl).")  # fmt: skip
@click.option("--input-format", type=click.Choice(FORMATS),
              help="Input format (default: from the file suffix).")  # fmt: skip
@click.option("--encoding", help="Encoding of a CSV/JSON lines file that is not UTF-8 "
              "(cp1252, latin-1, utf-16...).")  # fmt: skip
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), help="Default: the profile's.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="Most matches per row.")  # fmt: skip
@click.option("--profile", help="Matching profile (strict, balanced, broad, ofac).")
@click.option("--source", "sources", multiple=True, help="Only these sources (repeatable).")
@click.option("--workers", type=click.IntRange(1, 256), help="Processes (default: all cores).")
@click.option(
    "--as-of", default="", help="Day the ownership rules are evaluated for (default: today)."
)
@click.option("--engine", type=click.Choice(ENGINES), default="builtin", show_default=True,
              help="spark: read and screen IN (CSV or Parquet: a file, a folder, a URL) "
              "with Apache Spark (needs clearance[spark]).")  # fmt: skip
@click.option("--master", help="Spark master URL with --engine spark (default: local, on "
              "--workers cores or all).")  # fmt: skip
@click.option("--name-column", help="Column with the name (default: name).")
@click.option("--schema-column", help="Column with the schema (default: schema, type).")
@click.option("--country-column", help="Column with countries (default: country).")
@click.option("--birth-date-column", help="Column with the birth date (default: birth_date).")
@click.option("--id-number-column", help="Column with identifiers (default: id_number).")
@click.option("--reference-column", help="Column echoed back (default: reference).")
@click.option("--aliases-column", help="Column with other names, ';'-separated.")
@click.option("--gender-column", help="Column with the gender (default: gender).")
def screen(
    input_path: str,
    out_path: Path | None,
    out_format: str | None,
    input_format: str | None,
    encoding: str | None,
    threshold: float | None,
    limit: int,
    profile: str | None,
    sources: tuple[str, ...],
    workers: int | None,
    as_of: str,
    engine: str,
    master: str | None,
    **column_options: Any,
) -> None:
    """Screen every row of IN (CSV, JSON lines, XLSX or Parquet) against the loaded lists.

    JSON lines output has one object per input row with every match at or above the
    threshold and the row's warnings; CSV, XLSX and Parquet have one line per match plus one
    per row without a match. A value that cannot be read (a date, a country) is a warning on
    its row and the name is still screened; only a row without a name is an error.
    """
    fmt = detect_format(Path(input_path), input_format)
    out_fmt = output_format(out_path, out_format)
    columns = _columns(column_options)
    options = BatchOptions(
        columns=columns,
        threshold=threshold,
        limit=limit,
        workers=workers or os.cpu_count() or 1,
        as_of=parse_day(as_of),
    )
    config = settings()
    rows = None
    if engine != "spark":
        rows = open_rows(Path(input_path), fmt, encoding)
        rows.require(columns.name)
    screened_by: Screener | str
    with open_store(config) as store:
        options = replace(options, filters=Filters(sources=check_sources(store, sources)))
        if rows is None:
            where = {"path": input_path, "fmt": fmt, "encoding": encoding, "master": master,
                     "cores": workers}  # fmt: skip
            results, screened_by = _on_spark(where, options, store, config, profile)
        else:
            screened_by = screener_from_store(store, config, profile)
        extra = {"file": str(input_path), "as_of": options.as_of, "engine": engine}
        log = _audit(config, store, screened_by, "screen", extra)
    progress = None
    if rows is not None and isinstance(screened_by, Screener):
        progress = _Progress(rows)
        results = run_batch(screened_by, rows, options, settings=config, progress=progress)
    counts = {"rows": 0, "matched": 0, "errors": 0, "warned": 0}
    stream = None
    if out_fmt in ("csv", "jsonl"):
        stream = out_path.open("w", encoding="utf-8", newline="") if out_path else None
    writer = Writer(out_fmt, stream or sys.stdout, out_path)
    try:
        for result in results:
            counts["rows"] += 1
            counts["matched"] += bool(result.matches)
            counts["errors"] += bool(result.error)
            counts["warned"] += bool(result.warnings)
            writer.write(result)
            log.add(_summary(result))
        writer.close()
    finally:
        if progress is not None:
            progress.close()
        log.close()
        if stream is not None:
            stream.close()
    click.echo(
        f"{counts['rows']:,} rows screened: {counts['matched']:,} with matches, "
        f"{counts['errors']:,} with errors, {counts['warned']:,} with warnings.",
        err=True,
    )


def _on_spark(
    where: dict[str, Any],
    options: BatchOptions,
    store: Store,
    config: Settings,
    profile: str | None,
) -> tuple[Iterator[RowResult], str]:
    """The results of ``--engine spark`` on the input ``where`` says (a
    :class:`~clearance.spark.files.SparkInput`'s fields), in row order, and the profile they
    are screened with: the snapshot of ``store``'s state is made here; Spark reads, numbers
    and screens the rows."""
    if importlib.util.find_spec("pyspark") is None:
        raise InputError("--engine spark needs PySpark: pip install 'clearance[spark]'.")
    # imported only for this engine: PySpark is a heavy optional dependency
    from clearance.spark.files import SparkInput, screen_file
    from clearance.spark.snapshot import Snapshot

    snapshot = Snapshot.from_store(store, config, profile)
    return screen_file(SparkInput(**where), snapshot, options), snapshot.profile


# -- the screening step of `clearance run` ---------------------------------------------------

#: the example vendor file screened by ``clearance run`` (from a checkout of the project)
EXAMPLE = Path("examples") / "vendors.csv"


def example_path() -> Path | None:
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (base / EXAMPLE).is_file():
            return base / EXAMPLE
    return None


def _alert_line(result: RowResult) -> str:
    best = result.matches[0]
    lists = ", ".join(ordered_lists(code for m in result.matches for code in m["lists"]))
    effects = "; ".join(
        dict.fromkeys(e["label"] for m in result.matches for e in m["effects"])
    )  # fmt: skip
    return (
        f"  {result.reference or result.row}  {result.name}\n"
        f"      -> {best['name']} ({best['entity_id']}, score {best['score']:.2f}); "
        f"lists: {lists}; effect: {effects or 'listed'}"
    )


def screen_example(store: Store, config: Settings) -> None:
    """Screen the example vendor file and print a summary of its alerts."""
    path = example_path()
    if path is None:
        click.echo(f"No {EXAMPLE} here: skipping the example screening.")
        return
    screener = screener_from_store(store, config)
    results = list(run_batch(screener, open_rows(path, "csv"), BatchOptions()))
    alerts = [r for r in results if r.matches]
    errors = [r for r in results if r.error]
    click.echo(
        f"\nScreened {path}: {len(results):,} vendors, {len(alerts):,} with matches, "
        f"{len(errors):,} with errors (threshold {screener.scorer.threshold:.2f})."
    )
    for result in alerts:
        click.echo(_alert_line(result))
    for result in errors:
        click.echo(f"  {result.reference or result.row}: error: {result.error}")
