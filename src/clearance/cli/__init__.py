"""The command line: a thin shell over the library.

Subcommands live in modules of this package and are imported only when invoked, so
``clearance --help`` and light commands start fast. Errors are mapped to exit codes here, once.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from importlib import import_module
from typing import Any

import click

from clearance import __version__
from clearance.errors import ClearanceError
from clearance.native import build_kind
from clearance.settings import Settings, is_postgres

#: command name -> "module:function" (click commands)
COMMANDS: dict[str, str] = {
    "load": "clearance.cli.lists:load",
    "update": "clearance.cli.lists:update",
    "status": "clearance.cli.lists:status",
    "diff": "clearance.cli.lists:diff",
    "versions": "clearance.cli.lists:versions",
    "compare": "clearance.cli.matching:compare",
    "search": "clearance.cli.screening:search",
    "screen": "clearance.cli.screening:screen",
    "serve": "clearance.cli.service:serve",
    "keys": "clearance.cli.service:keys",
    "users": "clearance.cli.users:users",
    "run": "clearance.cli.lists:run",
    "ownership": "clearance.cli.exposure:ownership",
    "assets": "clearance.cli.exposure:assets",
    "book": "clearance.cli.monitoring:book",
    "alerts": "clearance.cli.monitoring:alerts",
    "audit": "clearance.cli.monitoring:audit",
    "evidence": "clearance.cli.monitoring:evidence",
    "webhooks": "clearance.cli.monitoring:webhooks",
    "monitor": "clearance.cli.monitoring:monitor",
    "store": "clearance.cli.storage:store",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            command: click.Command = getattr(import_module(module_name), attr)
        except (ImportError, AttributeError):
            return None
        return command


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # a callback, so that only ``--version`` looks for the compiled modules, not every command
    if value and not ctx.resilient_parsing:
        click.echo(f"clearance {__version__} ({build_kind()})")
        ctx.exit()


@click.group(cls=LazyGroup)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and the build (compiled or pure Python) and exit.",
)
@click.option(
    "--database",
    default="",
    metavar="URL",
    help="Keep the store in this PostgreSQL database (postgresql://user:password@host/db) "
    "instead of the SQLite file in $CLEARANCE_HOME; default: $CLEARANCE_DATABASE_URL.",
)
@click.pass_context
def cli(ctx: click.Context, database: str) -> None:
    """clearance: sanctions and export-control screening.

    Data lives in $CLEARANCE_HOME (default: the platform's user data directory); the store
    is a SQLite file there, or a PostgreSQL database (--database, $CLEARANCE_DATABASE_URL).
    """
    if database:
        if not is_postgres(database):
            raise click.BadParameter(
                "expected a postgresql:// URL (the SQLite store is the file in $CLEARANCE_HOME)",
                param_hint="--database",
            )
        ctx.obj = replace(Settings.from_env(), database_url=database)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI and turn clearance errors into one paragraph and an exit code."""
    try:
        return cli.main(args=argv, prog_name="clearance", standalone_mode=False)
    except ClearanceError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
