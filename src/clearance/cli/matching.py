"""``clearance compare``: name against name, one pair or a CSV file of pairs."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from typing import IO

import click

from clearance.cli.context import echo_json, settings
from clearance.errors import InputError
from clearance.match.result import MatchResult
from clearance.match.scorer import Matcher

SCHEMATA = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane")


def _print_result(result: MatchResult, name1: str, name2: str) -> None:
    verdict = "MATCH" if result.match else "no match"
    click.echo(f"{name1}  vs  {name2}")
    click.echo(
        f"score {result.score:.3f}  {verdict} (profile {result.profile}, "
        f"threshold {result.threshold:.2f})"
    )
    for feature in result.features:
        click.echo(f"  {feature.name:<11} {feature.contribution:+.3f}  {feature.reason}")


def compare_rows(matcher: Matcher, rows: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
    """Score CSV rows (name1, name2[, schema]); a bad row gets an ``error`` value, not a stop."""
    for row in rows:
        out = dict(row)
        name1, name2 = (row.get("name1") or "").strip(), (row.get("name2") or "").strip()
        schema = (row.get("schema") or "").strip() or "LegalEntity"
        out.update(score="", match="", error="")
        if not name1 or not name2:
            out["error"] = "name1 and name2 are required"
        elif schema not in SCHEMATA:
            out["error"] = f"unknown schema {schema!r}"
        else:
            result = matcher.compare(name1, name2, schema)
            out["score"] = f"{result.score:.4f}"
            out["match"] = "true" if result.match else "false"
        yield out


def _run_pairs(matcher: Matcher, source: IO[str], target: IO[str]) -> None:
    reader = csv.DictReader(source)
    fields = reader.fieldnames or []
    if "name1" not in fields or "name2" not in fields:
        raise InputError("The pairs file needs a header with the columns name1,name2[,schema]")
    columns = [*fields, *(c for c in ("score", "match", "error") if c not in fields)]
    writer = csv.DictWriter(target, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in compare_rows(matcher, reader):
        writer.writerow(row)


@click.command()
@click.argument("names", nargs=-1)
@click.option("--schema", default="LegalEntity", type=click.Choice(SCHEMATA), show_default=True)
@click.option("--profile", default=None, help="strict, balanced (default), broad or ofac")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option(
    "--pairs",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="CSV with columns name1,name2[,schema]; scores every row",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="where --pairs writes its CSV (default: standard output)",
)
def compare(
    names: tuple[str, ...],
    schema: str,
    profile: str | None,
    as_json: bool,
    pairs: str | None,
    out: str | None,
) -> None:
    """Compare two names (NAME1 NAME2) and explain the score, or score a CSV of pairs."""
    matcher = Matcher(profile or settings().profile)
    if pairs is not None:
        if names:
            raise InputError("Give either two names or --pairs FILE, not both")
        source = sys.stdin if pairs == "-" else open(pairs, encoding="utf-8-sig", newline="")  # noqa: SIM115
        target = sys.stdout if out is None else open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115
        try:
            _run_pairs(matcher, source, target)
        finally:
            if source is not sys.stdin:
                source.close()
            if target is not sys.stdout:
                target.close()
        return
    if len(names) != 2:
        raise InputError("compare needs exactly two names (or --pairs FILE)")
    result = matcher.compare(names[0], names[1], schema)
    if as_json:
        echo_json({"name1": names[0], "name2": names[1], "schema": schema, **result.to_dict()})
    else:
        _print_result(result, names[0], names[1])
