"""Webhooks against a real HTTP receiver on the loopback: signed JSON, retries with backoff, a
delivery log, and a dead or hanging endpoint that never holds monitoring up."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest

from clearance.errors import ForbiddenError, InputError
from clearance.monitor import service, webhooks
from clearance.monitor.schedule import _deliver
from tests.monitor.conftest import ADMIN, ANALYST, Watch

ROWS = [{"reference": "V1", "name": "Northwind Arms Trading", "country": "ir"}]


class Receiver:
    """An HTTP server that records what it is sent, answering ``statuses`` in turn (then 200),
    or not at all for ``hang`` seconds."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.hang = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                if receiver.hang:
                    time.sleep(receiver.hang)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def hook(watch: Watch, url: str, events: tuple[str, ...] = ("alert.opened", "alert.decided"),
         ) -> dict[str, object]:  # fmt: skip
    return service.add_webhook(watch.monitor.book, service.WebhookRequest(url, events, ADMIN))


def test_signatures() -> None:
    body = b'{"event":"alert.opened"}'
    header = webhooks.sign("s3cret-s3cret-s3cret", body, 1_800_000_000)
    assert webhooks.verify_signature("s3cret-s3cret-s3cret", body, header, now_s=1_800_000_010)
    assert not webhooks.verify_signature("s3cret-s3cret-s3cret", body + b" ", header,
                                         now_s=1_800_000_010)  # fmt: skip
    assert not webhooks.verify_signature("other-secret-value", body, header, now_s=1_800_000_010)
    assert not webhooks.verify_signature("s3cret-s3cret-s3cret", body, header,
                                         now_s=1_800_000_000 + 3600)  # fmt: skip


def test_an_alert_is_delivered_signed(watch: Watch, receiver: Receiver) -> None:
    created = hook(watch, receiver.url)
    secret = str(created["secret"])
    watch.book(ROWS)
    sent = webhooks.deliver(watch.monitor.book)
    assert [a.state for a in sent] == ["delivered"]
    ((headers, body),) = receiver.requests
    assert headers["x-clearance-event"] == "alert.opened"
    assert webhooks.verify_signature(secret, body, headers["x-clearance-signature"])
    event = orjson.loads(body)
    assert event["event"] == "alert.opened"
    assert event["data"]["party"] == "V1" and event["data"]["entity_id"] == "test-watch:1"
    (logged,) = service.webhook_deliveries(watch.monitor.book, ADMIN)
    assert (logged["state"], logged["attempts"], logged["last_status"]) == ("delivered", 1, 200)
    # a decision is an event too
    alert = watch.alerts(party="V1")[0]
    service.decide(watch.monitor.book, service.DecideRequest(int(alert["id"]), "escalated", "x",
                                                             ANALYST), False)  # fmt: skip
    webhooks.deliver(watch.monitor.book)
    assert orjson.loads(receiver.requests[-1][1])["data"]["decision"] == "escalated"


def test_failures_are_retried_with_backoff(watch: Watch, receiver: Receiver) -> None:
    hook(watch, receiver.url)
    receiver.statuses = [503, 500]
    watch.book(ROWS)
    start = datetime.now(UTC)
    clock = [start]
    book = watch.monitor.book
    assert [a.state for a in webhooks.deliver(book, clock=lambda: clock[0])] == ["pending"]
    assert webhooks.deliver(book, clock=lambda: clock[0]) == []  # not due yet
    clock[0] = start + timedelta(seconds=webhooks.BACKOFF + 1)
    assert [a.status for a in webhooks.deliver(book, clock=lambda: clock[0])] == [500]
    clock[0] += timedelta(seconds=webhooks.BACKOFF + 1)
    assert webhooks.deliver(book, clock=lambda: clock[0]) == []  # the pause doubled
    clock[0] += timedelta(seconds=webhooks.BACKOFF)
    assert [a.state for a in webhooks.deliver(book, clock=lambda: clock[0])] == ["delivered"]
    ids = {h["x-clearance-delivery"] for h, _ in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1  # one delivery, retried
    (logged,) = service.webhook_deliveries(book, ADMIN)
    assert (logged["state"], logged["attempts"]) == ("delivered", 3)


def test_a_dead_endpoint_is_given_up_and_never_holds_monitoring(
    watch: Watch, receiver: Receiver
) -> None:
    hook(watch, "http://127.0.0.1:9/refused")  # nothing listens there
    hook(watch, receiver.url)
    receiver.hang = 5.0
    watch.book(ROWS)
    started = time.monotonic()
    _deliver(watch.monitor, 0.5, None)  # as a cycle ends: bounded, in a thread
    assert time.monotonic() - started < 2.0
    receiver.hang = 0.0
    clock = [datetime.now(UTC)]
    for _ in range(webhooks.MAX_ATTEMPTS + 1):
        webhooks.deliver(watch.monitor.book, clock=lambda: clock[0])
        clock[0] += timedelta(seconds=webhooks.MAX_BACKOFF + 1)
    states = {d["webhook"]: d["state"] for d in service.webhook_deliveries(
        watch.monitor.book, ADMIN)}  # fmt: skip
    assert sorted(states.values()) == ["delivered", "failed"]


def test_webhooks_are_an_admins(watch: Watch) -> None:
    with pytest.raises(ForbiddenError):
        service.add_webhook(watch.monitor.book,
                            service.WebhookRequest("http://x.test/", ("*",), ANALYST))  # fmt: skip
    with pytest.raises(InputError, match="Unknown event"):
        hook(watch, "http://x.test/", ("alert.nonsense",))
    with pytest.raises(InputError, match="URL"):
        hook(watch, "ftp://x.test/")
    created = hook(watch, "http://x.test/", ("*",))
    listed = service.list_webhooks(watch.monitor.book, ADMIN)
    assert "secret" not in listed[0] and listed[0]["events"] == ["*"]
    service.remove_webhook(watch.monitor.book, int(created["id"]), ADMIN)
    assert not service.list_webhooks(watch.monitor.book, ADMIN)[0]["active"]
