"""``clearance users``: the people who sign in to the web interface.

The password is read from a prompt (typed twice, not echoed) or, when standard input is not a
terminal, from its first line, so that scripts can pipe it in without putting it on the
command line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from clearance.cli.context import cli_user, echo_json, settings
from clearance.store import open_database
from clearance.store.users import USER_ROLES, UserStore


@contextmanager
def _users() -> Iterator[UserStore]:
    conf = settings()
    conf.home.mkdir(parents=True, exist_ok=True)
    store = UserStore(open_database(conf.database_location))
    try:
        yield store
    finally:
        store.close()


def _actor() -> str:
    return f"cli:{cli_user()}"


def _password() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return value
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


@click.group()
def users() -> None:
    """Create, list and disable the users of the web interface (API keys stay for machines)."""


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(USER_ROLES), default="screener", show_default=True)
def create(name: str, role: str) -> None:
    """Create a user; the password is asked for (or read from standard input)."""
    with _users() as store:
        user = store.create(name, role, _password(), actor=_actor())
    click.echo(f"Created user {user.name} ({user.id}, role {user.role}).")


@users.command("password")
@click.argument("name")
def password(name: str) -> None:
    """Set a new password (asked for, or read from standard input); their sessions end."""
    with _users() as store:
        user = store.set_password(name, _password(), actor=_actor())
    click.echo(f"New password set for {user.name}; their sessions have ended.")


@users.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(USER_ROLES))
def role(name: str, role: str) -> None:
    """Give a user another role."""
    with _users() as store:
        user = store.set_role(name, role, actor=_actor())
    click.echo(f"{user.name} now has the {user.role} role.")


@users.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Stop a user from signing in; their sessions end."""
    with _users() as store:
        user = store.disable(name, actor=_actor())
    click.echo(f"Disabled {user.name}; their sessions have ended.")


@users.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Let a disabled user sign in again."""
    with _users() as store:
        user = store.enable(name, actor=_actor())
    click.echo(f"Enabled {user.name}.")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_users(as_json: bool) -> None:
    """Every user, with their role and state (never a password)."""
    with _users() as store:
        found = store.list()
    if as_json:
        echo_json([u.to_dict() for u in found])
        return
    if not found:
        click.echo("No users. Create one with: clearance users create NAME --role analyst")
        return
    for u in found:
        state = "active" if u.active else f"disabled {u.disabled_at}"
        click.echo(f"{u.id}  {u.name:<24} {u.role:<9} created {u.created_at}  {state}")
