"""`clearance keys` and `clearance serve`, in-process through the real entry point."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from clearance.cli import main
from clearance.store import open_database
from clearance.store.keys import KEY_PREFIX, KeyStore


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(list(args))
    return capsys.readouterr().out


def test_create_prints_the_key_alone_on_the_last_line(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, "keys", "create", "ci-bot", "--role", "analyst")
    secret = out.rstrip("\n").splitlines()[-1]
    assert secret.startswith(KEY_PREFIX) and " " not in secret and len(secret) > 40
    store = KeyStore(open_database(str(home / "clearance.sqlite3")))
    key = store.verify(secret, "analyst")
    assert key.name == "ci-bot" and key.role == "analyst"


def test_list_and_revoke(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "keys", "create", "one").splitlines()[-1]
    run(capsys, "keys", "create", "two", "--role", "admin")
    listed = orjson.loads(run(capsys, "keys", "list", "--json"))
    assert [(k["name"], k["role"], k["active"]) for k in listed] == [
        ("one", "screener", True),
        ("two", "admin", True),
    ]
    assert first not in str(listed)
    assert "one" in run(capsys, "keys", "list")
    assert "Revoked" in run(capsys, "keys", "revoke", "one")
    listed = orjson.loads(run(capsys, "keys", "list", "--json"))
    assert [k["active"] for k in listed] == [False, True]
    run(capsys, "keys", "revoke", listed[1]["id"])
    assert not any(k["active"] for k in orjson.loads(run(capsys, "keys", "list", "--json")))


def test_revoking_an_unknown_key_exits_with_not_found(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "revoke", "nobody"])
    assert exit_info.value.code == 6
    assert "No active API key" in capsys.readouterr().err


def test_unknown_role_is_a_usage_error(home: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "create", "x", "--role", "root"])
    assert exit_info.value.code == 2


def test_serve_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "serve", "--help")
    for option in ("--host", "--port", "--workers", "--root-path", "--forwarded-allow-ips"):
        assert option in out


def test_the_cli_does_not_import_the_server_stack() -> None:
    code = (
        "import sys; from clearance.cli import main\n"
        "try:\n    main(['keys', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'clearance.api') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_serve_on_a_port_in_use_exits_with_its_own_code(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit) as exit_info:
            main(["serve", "--host", "127.0.0.1", "--port", str(port)])
    assert exit_info.value.code == 10
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}: the port is in use" in err and "--port" in err
    assert "Traceback" not in err
