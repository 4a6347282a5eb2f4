"""`clearance users`, in-process through the real entry point."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from clearance.cli import cli
from clearance.store import open_database
from clearance.store.users import UserStore


def test_create_reads_the_password_from_stdin(home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["users", "create", "alice", "--role", "reviewer"], input="a long passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created user alice" in result.output and "a long passphrase" not in result.output
    users = UserStore(open_database(str(home / "clearance.sqlite3")))
    assert users.authenticate("alice", "a long passphrase").role == "reviewer"


def test_list_role_disable(home: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["users", "create", "bob"], input="a long passphrase\n")
    assert runner.invoke(cli, ["users", "role", "bob", "admin"]).exit_code == 0
    assert runner.invoke(cli, ["users", "disable", "bob"]).exit_code == 0
    listed = orjson.loads(runner.invoke(cli, ["users", "list", "--json"]).output)
    assert [(u["name"], u["role"], u["active"]) for u in listed] == [("bob", "admin", False)]


def test_a_short_password_is_refused(home: Path) -> None:
    result = CliRunner().invoke(cli, ["users", "create", "carol"], input="short\n")
    assert result.exit_code != 0
    assert "at least 10 characters" in str(result.exception)


def test_an_unknown_role_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(cli, ["users", "create", "dave", "--role", "boss"])
    assert result.exit_code == 2
