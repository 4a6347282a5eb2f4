"""The store itself: ``clearance store copy`` (a SQLite store into PostgreSQL, or back)."""

from __future__ import annotations

import click

from clearance.cli.context import cli_user, echo_json, settings
from clearance.settings import is_postgres
from clearance.store.copy import copy_store


@click.group()
def store() -> None:
    """The store that holds the lists, the book, alerts, keys and the audit trail."""


@store.command()
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def copy(target: str, as_json: bool) -> None:
    """Copy the whole store into TARGET, a new store: a postgresql:// URL of an empty
    database, or the path of a new SQLite file.

    Every list version, the book, alerts and decisions, keys, users and the audit chain are
    copied row for row, in one transaction; the row counts and the audit chain are then checked
    on TARGET, whose chain records the copy. Point the servers at TARGET afterwards
    (--database, $CLEARANCE_DATABASE_URL).
    """
    config = settings()
    location = target if is_postgres(target) else str(click.format_filename(target))
    report = copy_store(config.database_location, location, actor=cli_user())
    if as_json:
        echo_json(report.to_dict())
        return
    rows = sum(report.rows.values())
    click.echo(
        f"Copied {report.source} into {report.target}: {rows:,} rows in {len(report.rows)} tables."
    )
    for name, count in report.rows.items():
        if count:
            click.echo(f"  {name}: {count:,}")
    click.echo(f"Audit chain: {report.chain_records:,} records, head {report.chain_head}.")
