"""Webhooks: JSON events signed with HMAC-SHA256, delivered with retries from a delivery log.

A delivery is queued (``webhook_deliveries``) in the transaction of the change it tells of, so an
alert and its notification commit together; sending happens later, apart from monitoring, so
a slow or dead endpoint never holds a re-screen up. Each attempt is logged with its status;
a failed one is retried with exponential backoff, and a delivery is given up (``failed``) after
``MAX_ATTEMPTS``.

Each request carries ``X-Clearance-Event``, ``X-Clearance-Delivery`` (the delivery id: the same
on every retry, so a receiver can drop repeats) and ``X-Clearance-Signature: t=<unix time>,
v1=<hex>``, the HMAC-SHA256 with the webhook's secret of ``"<t>.<body>"``: a receiver checks it
with :func:`verify_signature` (or the same three lines) and refuses an old ``t``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import httpx

from clearance.errors import InputError
from clearance.store.chain import canonical, now
from clearance.store.monitor import DeliveryRow, MonitorStore

#: what a webhook can be told of (``*``: everything)
EVENTS = (
    "alert.opened",
    "alert.decided",
    "alert.closed",
    "monitor.step",
    "monitor.failed",
)
MAX_ATTEMPTS = 8
#: first pause before a retry, in seconds (doubling each time, at most ``MAX_BACKOFF``)
BACKOFF = 30.0
MAX_BACKOFF = 6 * 3600.0
TIMEOUT = 10.0
MAX_URL = 2000
SIGNATURE_TOLERANCE = 300

log = logging.getLogger("clearance.monitor")


def payload(event: str, data: Mapping[str, Any]) -> str:
    """The JSON body of an event."""
    return canonical({"event": event, "at": now(), "data": dict(data)}).decode()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str,
    body: bytes,
    header: str,
    now_s: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE,
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        return False
    current = time.time() if now_s is None else now_s
    if abs(current - stamp) > tolerance:
        return False
    expected = sign(secret, body, stamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def check_url(url: str) -> str:
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > MAX_URL:
        raise InputError(f"A webhook URL is an http(s) URL of at most {MAX_URL} characters.")
    return url


def check_events(events: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(e.strip() for e in events if e.strip()))
    unknown = [e for e in chosen if e != "*" and e not in EVENTS]
    if not chosen or unknown:
        raise InputError(
            f"Unknown event {', '.join(unknown) or '(none given)'}: use {', '.join(EVENTS)} or *."
        )
    return chosen


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def next_attempt(attempts: int, at: datetime) -> str:
    pause = min(BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return (at + timedelta(seconds=pause)).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Attempt:
    delivery: int
    state: str
    status: int | None
    error: str


Sender = Callable[[str, bytes, Mapping[str, str]], int]


def http_sender(timeout: float = TIMEOUT) -> Sender:
    def send(url: str, body: bytes, headers: Mapping[str, str]) -> int:
        response = httpx.post(url, content=body, headers=dict(headers), timeout=timeout)
        return response.status_code

    return send


def deliver(
    store: MonitorStore,
    sender: Sender | None = None,
    limit: int = 100,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[Attempt]:
    """Send the deliveries that are due, once each; log every attempt."""
    send = sender or http_sender()
    hooks = {h.id: h for h in store.webhooks(active_only=False)}
    out: list[Attempt] = []
    for item in store.due_deliveries(clock().isoformat(timespec="milliseconds"), limit):
        attempt = _attempt(store, item, hooks, send, clock)
        if attempt.state != "claimed":
            out.append(attempt)
    return out


def _attempt(
    store: MonitorStore,
    item: DeliveryRow,
    hooks: Mapping[int, Any],
    send: Sender,
    clock: Callable[[], datetime],
) -> Attempt:
    hook = hooks.get(item.webhook)
    at = clock()
    stamp = at.isoformat(timespec="milliseconds")
    lease = (at + timedelta(seconds=TIMEOUT * 3)).isoformat(timespec="milliseconds")
    if not store.claim(item.id, item.next_at, lease):
        return Attempt(item.id, "claimed", None, "another sender took it")
    if hook is None or not hook.active:
        store.record_attempt(item.id, "failed", None, "the webhook was removed", stamp, stamp)
        return Attempt(item.id, "failed", None, "the webhook was removed")
    body = item.payload.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "clearance-webhooks",
        "X-Clearance-Event": item.event,
        "X-Clearance-Delivery": str(item.id),
        "X-Clearance-Signature": sign(hook.secret, body, int(at.timestamp())),
    }
    status: int | None = None
    try:
        status = send(hook.url, body, headers)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    attempts = item.attempts + 1
    if not error:
        state = "delivered"
    elif attempts >= MAX_ATTEMPTS:
        state = "failed"
    else:
        state = "pending"
    store.record_attempt(item.id, state, status, error, next_attempt(attempts, at), stamp)
    return Attempt(item.id, state, status, error)


class DeliveryThread:
    """Sends due deliveries in the background every ``interval`` seconds until stopped."""

    def __init__(self, store: MonitorStore, interval: float = 5.0,
                 sender: Sender | None = None) -> None:  # fmt: skip
        self.store, self.interval, self.sender = store, interval, sender
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)

    def start(self) -> DeliveryThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                deliver(self.store, self.sender)
            except Exception:  # a delivery error must never end the loop: logged, retried
                log.exception("webhook deliveries failed; retrying")
            self._stop.wait(self.interval)
