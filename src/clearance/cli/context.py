"""Shared pieces of the CLI: building settings once, JSON output."""

from __future__ import annotations

import getpass
from typing import Any

import click
import orjson

from clearance.settings import Settings


def settings() -> Settings:
    """The settings for this invocation, built once and cached on the click context."""
    ctx = click.get_current_context()
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Settings.from_env()
    value: Settings = root.obj
    return value


def echo_json(data: Any) -> None:
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())


def cli_user() -> str:
    """The name of who runs the command (for the audit trail)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        return "unknown"
