"""``clearance ownership import|show`` and ``clearance assets screen``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from clearance.catalog import open_store
from clearance.cli.context import echo_json, settings
from clearance.errors import InputError, NotFoundError
from clearance.exposure import Exposure, parse_day, refresh
from clearance.exposure.asset_tables import open_assets
from clearance.exposure.assets import ASSET_COLUMNS, AssetColumns, AssetResult, asset_lines
from clearance.exposure.ownership import import_ownership, show
from clearance.exposure.resolve import Resolver
from clearance.screen import Screener
from clearance.screen_io import OUTPUT_FORMATS, Writer, detect_format, read_rows
from clearance.store.monitor import MonitorStore


@click.group()
def ownership() -> None:
    """Ownership links: import your own, show the graph around a party.

    Screening reports what a party takes through its owners (OFAC 50% rule, BIS Affiliates
    Rule) beside its name matches; the links come from the lists, the FtM data and the files
    imported here.
    """


@ownership.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--name", default="", help="Name of this set of links (default: the file name); "
              "importing under the same name again replaces its links.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def import_(path: Path, name: str, as_json: bool) -> None:
    """Import the links of PATH (CSV, JSON lines, XLSX or Parquet) with the columns
    owner,owned,share[,as_of,source].

    owner and owned are a listed entity id (us-ofac-sdn:12345), a name (resolved with the
    matcher; an ambiguous name is reported with its candidates, not guessed) or name:TEXT for a
    party on no list. share is a percentage, empty if not known; as_of the day it is known
    from. Rows that cannot be links are reported; the others are stored.
    """
    config = settings()
    with open_store(config) as store:
        book = MonitorStore(store.connection)
        resolver = Resolver(store, Screener.from_store(store, config), book)
        report = import_ownership(store, resolver, path, name)
        refresh(store, config)  # the next screening starts with the new links
    if as_json:
        echo_json(report.to_dict())
        return
    click.echo(
        f"{report.name}: {report.rows:,} rows, {report.links:,} links stored, "
        f"{report.parties:,} parties on no list, {len(report.problems):,} rows with problems."
    )
    for problem in report.problems:
        click.echo(f"  row {problem.row}: {problem.message}")
        for entity_id, caption, score in problem.candidates[:5]:
            click.echo(f"      {score:.2f}  {caption} ({entity_id})")


def _share(value: Any) -> str:
    return "  ?%" if value is None else f"{value:>5.4g}%"


def _party_line(item: dict[str, Any]) -> str:
    lists = f" [{', '.join(item['lists'])}]" if item["lists"] else ""
    how = item["source"] + (f" {item['ref']}" if item.get("ref") else "")
    kind = "" if item["kind"] == "ownership" else f" ({item['kind']})"
    return f"{_share(item['share'])}  {item['name']} ({item['entity_id']}){lists}{kind}  {how}"


def _tree_lines(items: list[dict[str, Any]], key: str, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for item in items:
        lines.append(
            indent + _party_line(item) + ("  (shown above)" if item.get("repeated") else "")
        )
        lines.extend(_tree_lines(item.get(key, []), key, indent + "    "))
    return lines


def finding_lines(finding: dict[str, Any], indent: str = "  ") -> list[str]:
    owners = ", ".join(
        f"{o['name']} ({o['entity_id']}{', ' + ', '.join(o['lists']) if o['lists'] else ''}) "
        f"{o['share']:.4g}%"
        for o in finding["owners"]
    )
    lines = [
        f"{indent}{finding['rule_title']} ({finding['status']} on {finding['as_of']}): "
        f"{finding['effect']['label']}; owned {finding['share']:.4g}% by {owners}"
    ]
    for chain in finding["via"]:
        steps = [chain[0]["owner_name"]] + [
            f"-{link['share']:.4g}%-> {link['owned_name']}" for link in chain
        ]
        lines.append(f"{indent}    via {' '.join(steps)}")
    return lines


@ownership.command("show")
@click.argument("party", metavar="NAME_OR_ID")
@click.option("--as-of", default="", help="Evaluate the rules for this day (default: today).")
@click.option("--depth", default=3, show_default=True, type=click.IntRange(1, 6),
              help="Levels of owners and owned parties shown.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show_(party: str, as_of: str, depth: int, as_json: bool) -> None:
    """Show the owners and owned parties of NAME_OR_ID, and what it takes through its owners."""
    day = parse_day(as_of)
    config = settings()
    with open_store(config) as store:
        book = MonitorStore(store.connection)
        found = Resolver(store, Screener.from_store(store, config), book).resolve(party)
        if found.problem:
            candidates = "; ".join(f"{c[1]} ({c[0]}, {c[2]:.2f})" for c in found.candidates[:5])
            raise InputError(
                f"{found.problem}." + (f" Candidates: {candidates}." if candidates else "")
            )
        try:
            entity = store.get_entity(found.ids[0])
        except NotFoundError:
            raise NotFoundError(
                f"{party!r} is on no list and in no ownership file: nothing to show."
            ) from None
        data = show(Exposure.from_store(store, config), entity, day, depth)
    if as_json:
        echo_json(data)
        return
    lists = f"  lists: {', '.join(data['lists'])}" if data["lists"] else "  (on no list)"
    lines = [f"{data['name']} ({data['entity_id']}){lists}"]
    if data["same_as"]:
        lines.append(f"  the same party as {', '.join(data['same_as'])}")
    lines.append(f"Through its owners, on {day}:")
    lines.extend(line for f in data["findings"] for line in finding_lines(f))
    if not data["findings"]:
        lines.append("  nothing")
    lines.append("Owners:")
    lines.extend(_tree_lines(data["owners"], "owners") or ["  none known"])
    lines.append("Owns:")
    lines.extend(_tree_lines(data["owned"], "owned") or ["  none known"])
    click.echo("\n".join(lines))


def _json_line(result: AssetResult) -> tuple[bool, bool, str]:
    return bool(result.findings), bool(result.warnings), result.to_json().decode() + "\n"


def _table_lines(result: AssetResult) -> tuple[bool, bool, list[list[Any]]]:
    return bool(result.findings), bool(result.warnings), asset_lines(result)


def _lines(lines: list[list[Any]]) -> list[list[Any]]:
    return lines


@click.group()
def assets() -> None:
    """Equipment made by listed makers in an asset inventory."""


@assets.command("screen")
@click.argument("input_path", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file (default: standard output).")  # fmt: skip
@click.option("--format", "out_format", type=click.Choice(OUTPUT_FORMATS),
              help="Output format (default: from --out's suffix, else jsonl).")  # fmt: skip
@click.option("--input-format", type=click.Choice(["csv", "jsonl", "xlsx", "parquet"]),
              help="Input format (default: from the file suffix).")  # fmt: skip
@click.option("--profile", help="Matching profile for the manufacturer and brand fields.")
@click.option("--workers", type=click.IntRange(1, 256), help="Processes (default: all cores).")
@click.option("--reference-column", help="Column echoed back (default: reference).")
@click.option("--mac-column", help="Column with MAC addresses (default: mac).")
@click.option("--manufacturer-column", help="Column with the maker (default: manufacturer).")
@click.option("--brand-column", help="Column with the brand (default: brand).")
@click.option("--model-column", help="Column with the model number (default: model).")
@click.option("--description-column", help="Column with a description (default: description).")
def assets_screen(
    input_path: Path,
    out_path: Path | None,
    out_format: str | None,
    input_format: str | None,
    profile: str | None,
    workers: int | None,
    **column_options: str | None,
) -> None:
    """Screen an asset inventory (CSV, JSON lines, XLSX or Parquet) for equipment made by listed
    makers: by MAC address (IEEE registries: clearance load ieee-oui PATH), manufacturer and
    brand fields, model numbers and descriptions.

    JSON lines output has one object per asset with its findings (listed maker, lists, legal
    effects, evidence) and warnings; CSV and XLSX have one line per finding plus one per asset
    without any.
    """
    fmt = detect_format(input_path, input_format)
    if not input_path.is_file():
        raise InputError(f"Input file {input_path} does not exist.")
    out_fmt = out_format or (out_path.suffix.lower().lstrip(".") if out_path else "jsonl")
    if out_fmt not in OUTPUT_FORMATS:
        out_fmt = "jsonl"
    base = AssetColumns()
    columns = AssetColumns(
        **{
            name: (given,) if (given := column_options.get(f"{name}_column")) else default
            for name, default in vars(base).items()
        }
    )
    config = settings()
    processes = workers or os.cpu_count() or 1
    with open_store(config) as store:
        screener = open_assets(store, config, profile, columns, processes)
    stream = None
    if out_fmt != "xlsx":
        stream = out_path.open("w", encoding="utf-8", newline="") if out_path else None
    counts = {"rows": 0, "findings": 0, "warnings": 0}
    rows = read_rows(input_path, fmt)
    try:
        if out_fmt == "jsonl":  # lines made in the workers
            target = stream or sys.stdout
            for found, warned, line in screener.screen_encoded(rows, _json_line, processes):
                counts["rows"] += 1
                counts["findings"] += found
                counts["warnings"] += warned
                target.write(line)
        else:
            writer = Writer(out_fmt, stream or sys.stdout, out_path, ASSET_COLUMNS, _lines)
            for found, warned, lines in screener.screen_encoded(rows, _table_lines, processes):
                counts["rows"] += 1
                counts["findings"] += found
                counts["warnings"] += warned
                writer.write(lines)
            writer.close()
    finally:
        if stream is not None:
            stream.close()
    click.echo(
        f"{counts['rows']:,} assets screened: {counts['findings']:,} made by listed makers, "
        f"{counts['warnings']:,} with warnings.",
        err=True,
    )
