"""``clearance serve`` (the HTTP API) and ``clearance keys`` (its API keys).

The api package and uvicorn are imported only inside ``serve``, so the rest of the CLI stays
light and works without the ``server`` extra.
"""

from __future__ import annotations

import errno
import os
import socket

import click

from clearance.cli.context import cli_user, echo_json, settings
from clearance.errors import ServeError
from clearance.store import open_database
from clearance.store.keys import ROLES, KeyStore

#: uvicorn's exit status when its server fails to start
_STARTUP_FAILURE = 3


def check_address(host: str, port: int) -> None:
    """ServeError unless ``host:port`` can be listened on now (checked before starting, so a
    port in use gets its own message and exit code rather than the server's generic one)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(
                    f"Cannot listen on {host}:{port}: the port is in use (another server, or "
                    "another clearance serve, is listening there). Stop it or choose another "
                    "--port."
                ) from None
            raise ServeError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None


def _keystore() -> KeyStore:
    conf = settings()
    conf.home.mkdir(parents=True, exist_ok=True)
    return KeyStore(open_database(conf.database_location))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes.")
@click.option("--root-path", default="", help="Path prefix when served behind a proxy.")
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Proxies whose X-Forwarded-For/-Proto headers are trusted ('*' for any).",
)
@click.option("--log-level", default="info", show_default=True)
@click.option(
    "--monitor-every",
    default="",
    help="Run a monitoring cycle (update the lists, re-screen the book, send webhooks) every "
    "30s / 15m / 1h / 1d inside the service (one server process runs it).",
)
def serve(
    host: str,
    port: int,
    workers: int,
    root_path: str,
    forwarded_allow_ips: str,
    log_level: str,
    monitor_every: str,
) -> None:
    """Run the HTTP API (needs the 'server' extra: pip install 'clearance[server]').

    Every endpoint except /healthz, /readyz, /openapi.json and /docs needs an API key: create
    one with 'clearance keys create NAME --role screener'. Logs are JSON lines on stderr.
    Limits come from CLEARANCE_API_* settings; rate limits are counted per process.
    """
    try:
        import uvicorn

        from clearance.api.logs import log_config
    except ImportError as exc:  # the server extra is not installed
        raise click.ClickException(
            f"The HTTP server needs the 'server' extra ({exc.name} is missing): "
            "pip install 'clearance[server]'."
        ) from exc
    conf = settings()
    if monitor_every:
        from clearance.monitor.schedule import parse_every  # only when asked: it is heavy

        parse_every(monitor_every)  # refused with a message before the server starts
        os.environ["CLEARANCE_MONITOR_EVERY"] = monitor_every  # read by each server process
    if conf.database_url:  # read by each server process
        os.environ["CLEARANCE_DATABASE_URL"] = conf.database_url
    check_address(host, port)
    _keystore().close()  # create the key table before workers start
    try:
        uvicorn.run(
            "clearance.server:create_app_from_env",
            factory=True,
            http="clearance.api.protocol:NoDelayHTTPProtocol",
            host=host,
            port=port,
            workers=workers,
            root_path=root_path,
            proxy_headers=True,
            forwarded_allow_ips=forwarded_allow_ips,
            log_config=log_config(log_level),
            access_log=False,
            timeout_graceful_shutdown=max(5, int(conf.api_request_timeout)),
            env_file=None,
        )
    except SystemExit as exc:
        if exc.code == _STARTUP_FAILURE:  # the server's log says why
            raise ServeError(f"The HTTP server could not start on {host}:{port}.") from None
        raise


@click.group()
def keys() -> None:
    """Create, list and revoke API keys for the HTTP API."""


@keys.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="screener", show_default=True)
def create_key(name: str, role: str) -> None:
    """Create a key. The key is printed once, alone on the last line: store it now."""
    key, secret = _keystore().create(name, role, actor=f"cli:{cli_user()}")
    click.echo(f"Created API key {key.id} ({key.name}, role {key.role}). It is shown only once:")
    click.echo(secret)


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_keys(as_json: bool) -> None:
    """List keys (never their secrets)."""
    items = _keystore().list()
    if as_json:
        echo_json([k.to_dict() for k in items])
        return
    if not items:
        click.echo("No API keys. Create one with: clearance keys create NAME --role screener")
        return
    for k in items:
        state = "active" if k.active else f"revoked {k.revoked_at}"
        click.echo(f"{k.id}  {k.name:<20} {k.role:<9} {k.hint}…  created {k.created_at}  {state}")


@keys.command("revoke")
@click.argument("name_or_id")
def revoke_key(name_or_id: str) -> None:
    """Revoke a key by id, or the active key with this name."""
    key = _keystore().revoke(name_or_id, actor=f"cli:{cli_user()}")
    click.echo(f"Revoked API key {key.id} ({key.name}).")
