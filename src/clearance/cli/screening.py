"""``clearance search`` (one name) and ``clearance screen`` (a file of counterparties)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from clearance.cli.context import echo_json, settings
from clearance.cli.exposure import finding_lines
from clearance.errors import InputError
from clearance.exposure import open_screener, parse_day, screener_from_store
from clearance.model import Query
from clearance.screen import Hit
from clearance.screen_batch import BatchOptions, run_batch
from clearance.screen_io import (
    OUTPUT_FORMATS,
    Columns,
    RowResult,
    Writer,
    detect_format,
    parse_birth_date,
    parse_countries,
    parse_schema,
    read_rows,
)
from clearance.settings import Settings
from clearance.store import Store


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


@click.command()
@click.argument("name")
@click.option("--schema", default="LegalEntity", help="Person, Company, Organization, ...")
@click.option("--country", multiple=True, help="ISO 3166-1 alpha-2 code (repeatable).")
@click.option("--birth-date", default="", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--id", "identifiers", multiple=True, help="An identifier (repeatable).")
@click.option("--source", "sources", multiple=True, help="Only these sources (repeatable).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), help="Default: the profile's.")
@click.option("--profile", help="Matching profile (strict, balanced, broad, ofac).")
@click.option(
    "--as-of", default="", help="Day the ownership rules are evaluated for (default: today)."
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
    as_of: str,
    as_json: bool,
) -> None:
    """Screen one NAME against every loaded list: ranked matches with their legal effect, and
    what each matched party takes through its owners (OFAC 50% rule, BIS Affiliates Rule)."""
    if not name.strip():
        raise InputError("The name to search for is empty.")
    query = Query(
        name=" ".join(name.split()),
        schema=parse_schema(schema),
        country=parse_countries(",".join(country)),
        birth_date=parse_birth_date(birth_date),
        identifiers=identifiers,
    )
    day = parse_day(as_of)
    screener = open_screener(settings(), profile)
    hits = screener.search(
        query, limit=limit, threshold=threshold, sources=sources or None, as_of=day
    )
    if as_json:
        echo_json({"query": query.name, "state": screener.state_key, "as_of": day,
                   "matches": [h.to_dict() for h in hits]})  # fmt: skip
        return
    if not hits:
        click.echo(f"No match for {query.name!r} at or above the threshold.")
        return
    click.echo("\n\n".join(_describe(i, hit) for i, hit in enumerate(hits, 1)))


def _columns(options: dict[str, Any]) -> Columns:
    base = Columns()
    picked: dict[str, tuple[str, ...]] = {}
    for field_name in ("name", "schema", "country", "birth_date", "id_number", "reference",
                       "aliases"):  # fmt: skip
        given = options.get(f"{field_name}_column")
        picked[field_name] = (given,) if given else getattr(base, field_name)
    return Columns(**picked)


class _Progress:
    """A one-line counter on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.done = 0

    def __call__(self, count: int) -> None:
        self.done += count
        if self.enabled:
            click.echo(f"\rscreened {self.done:,} rows", err=True, nl=False)

    def close(self) -> None:
        if self.enabled and self.done:
            click.echo("", err=True)


@click.command()
@click.argument("input_path", metavar="IN", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file (default: standard output).")  # fmt: skip
@click.option("--format", "out_format", type=click.Choice(OUTPUT_FORMATS),
              help="Output format (default: from --out's suffix, else jsonl).")  # fmt: skip
@click.option("--input-format", type=click.Choice(["csv", "jsonl", "xlsx", "parquet"]),
              help="Input format (default: from the file suffix).")  # fmt: skip
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), help="Default: the profile's.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="Most matches per row.")  # fmt: skip
@click.option("--profile", help="Matching profile (strict, balanced, broad, ofac).")
@click.option("--workers", type=click.IntRange(1, 256), help="Processes (default: all cores).")
@click.option(
    "--as-of", default="", help="Day the ownership rules are evaluated for (default: today)."
)
@click.option("--name-column", help="Column with the name (default: name).")
@click.option("--schema-column", help="Column with the schema (default: schema, type).")
@click.option("--country-column", help="Column with country codes (default: country).")
@click.option("--birth-date-column", help="Column with the birth date (default: birth_date).")
@click.option("--id-number-column", help="Column with identifiers (default: id_number).")
@click.option("--reference-column", help="Column echoed back (default: reference).")
@click.option("--aliases-column", help="Column with other names, ';'-separated.")
def screen(
    input_path: Path,
    out_path: Path | None,
    out_format: str | None,
    input_format: str | None,
    threshold: float | None,
    limit: int,
    profile: str | None,
    workers: int | None,
    as_of: str,
    **column_options: Any,
) -> None:
    """Screen every row of IN (CSV, JSON lines, XLSX or Parquet) against the loaded lists.

    JSON lines output has one object per input row with every match at or above the
    threshold; CSV and XLSX have one line per match plus one per row without a match. Rows with
    bad values get an error in the output instead of stopping the run.
    """
    fmt = detect_format(input_path, input_format)
    if not input_path.is_file():
        raise InputError(f"Input file {input_path} does not exist.")
    out_fmt = out_format or (out_path.suffix.lower().lstrip(".") if out_path else "jsonl")
    if out_fmt not in OUTPUT_FORMATS:
        out_fmt = "jsonl"
    options = BatchOptions(
        columns=_columns(column_options),
        threshold=threshold,
        limit=limit,
        workers=workers or os.cpu_count() or 1,
        as_of=parse_day(as_of),
    )
    config = settings()
    screener = open_screener(config, profile)
    rows = read_rows(input_path, fmt)
    progress = _Progress()
    counts = {"rows": 0, "matched": 0, "errors": 0}
    stream = None
    if out_fmt != "xlsx":
        stream = out_path.open("w", encoding="utf-8", newline="") if out_path else None
    writer = Writer(out_fmt, stream or sys.stdout, out_path)
    try:
        for result in run_batch(screener, rows, options, settings=config, progress=progress):
            counts["rows"] += 1
            counts["matched"] += bool(result.matches)
            counts["errors"] += bool(result.error)
            writer.write(result)
        writer.close()
    finally:
        progress.close()
        if stream is not None:
            stream.close()
    click.echo(
        f"{counts['rows']:,} rows screened: {counts['matched']:,} with matches, "
        f"{counts['errors']:,} with errors.",
        err=True,
    )


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
    lists = ", ".join(dict.fromkeys(code for m in result.matches for code in m["lists"]))
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
    results = list(run_batch(screener, read_rows(path, "csv"), BatchOptions()))
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
