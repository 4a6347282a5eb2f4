"""The monitoring schedule: a cycle updates every list that has a download location, re-screens
what the updates changed, and sends the webhook deliveries due; a loop runs a cycle every so
often. A failed download or a refused list changes nothing (the active version stays) and is
reported, in the result and to the webhooks that asked for ``monitor.failed``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clearance import catalog
from clearance.catalog import UpdateRequest
from clearance.errors import InputError
from clearance.exposure import refresh
from clearance.monitor.rescreen import Monitor, cycle
from clearance.monitor.screening import deliveries, subscriptions
from clearance.monitor.webhooks import Sender, deliver
from clearance.settings import Settings, parse_duration
from clearance.store.base import hold
from clearance.store.chain import ChainRecord, append, now

log = logging.getLogger("clearance.monitor")

#: the shortest interval between cycles
MIN_EVERY = 10.0


def parse_every(value: str) -> float:
    """``30s``, ``15m``, ``1h``, ``1d`` or seconds -> seconds."""
    try:
        seconds = parse_duration(value or "")
    except ValueError:
        raise InputError(f"{value!r} is not a duration: use 30s, 15m, 1h or 1d.") from None
    if seconds < MIN_EVERY:
        raise InputError(f"Cycles are at least {MIN_EVERY:g} seconds apart.")
    return seconds


@dataclass(frozen=True)
class CycleOptions:
    """What one cycle does: update the lists first (``update``), re-screen every party
    (``full``), who runs it, and how long webhook deliveries may take at its end."""

    actor: str = "system:scheduler"
    update: bool = True
    full: bool = False
    deliver_seconds: float = 20.0


def run_once(settings: Settings, options: CycleOptions, workers: int = 1,
             sender: Sender | None = None) -> dict[str, Any]:  # fmt: skip
    """One cycle: update, re-screen what changed, notify."""
    with Monitor.open(settings, workers) as monitor:
        outcomes = []
        if options.update:
            outcomes = catalog.update(monitor.store, settings, UpdateRequest())
            refresh(monitor.store, settings)
        failed = [o.to_dict() for o in outcomes if o.status == "failed"]
        report = cycle(monitor, options.actor, options.full).to_dict()
        _notify(monitor, options.actor, report, failed)
        sent = _deliver(monitor, options.deliver_seconds, sender)
    return {
        "updates": [o.to_dict() for o in outcomes],
        "failed": failed,
        "monitor": report,
        "deliveries": sent,
    }


def _notify(monitor: Monitor, actor: str, report: dict[str, Any],
            failed: list[dict[str, Any]]) -> None:  # fmt: skip
    """Queue ``monitor.step`` (a step was made) and ``monitor.failed`` (an update failed)."""
    book = monitor.book
    records: list[ChainRecord] = []
    if report["status"] == "rescreened":
        summary = {k: report[k] for k in ("step", "day", "changes", "touched", "rescreened")}
        records.append(ChainRecord("monitor.step", summary | {"alerts": report["alerts"]}))
    if failed:
        records.append(ChainRecord("monitor.failed", {"updates": failed}, actor=actor))
    queued = deliveries(subscriptions(book), records)
    if not queued and not failed:
        return
    with book.write() as conn:
        # a failed update goes on record (the step's own record was written with the step)
        append(conn, [r for r in records if r.kind == "monitor.failed"])
        book.queue_deliveries(conn, queued, now())


def _deliver(monitor: Monitor, seconds: float, sender: Sender | None) -> int:
    """Send due deliveries in a thread for at most ``seconds``: a dead endpoint never holds
    the cycle (what is not sent now is sent by the next cycle)."""
    done: list[int] = []

    def work() -> None:
        try:
            done.append(len(deliver(monitor.book, sender)))
        except Exception:  # logged; the deliveries stay due
            log.exception("webhook deliveries failed")

    thread = threading.Thread(target=work, name="webhook-deliveries", daemon=True)
    thread.start()
    thread.join(seconds)
    return done[0] if done else 0


#: the store's lock the process running the schedule holds
SCHEDULE_LOCK = "monitor-schedule"


class Scheduler:
    """Runs :func:`run_once` every ``every`` seconds until stopped; only one process of a
    store runs it at a time (the store's lock, :func:`clearance.store.base.hold`: one for
    every server and host on a PostgreSQL store), so every server may start one."""

    def __init__(self, settings: Settings, every: float, options: CycleOptions,
                 on_report: Callable[[dict[str, Any]], None] | None = None) -> None:  # fmt: skip
        self.settings, self.every, self.options = settings, every, options
        self.on_report = on_report
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name="monitor", daemon=True)

    def start(self) -> Scheduler:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run(self) -> None:
        with hold(self.settings.database_location, SCHEDULE_LOCK) as held:
            if not held:
                log.info("another process runs the monitoring schedule of this store")
                return
            while not self._stop.is_set():
                try:
                    report = run_once(self.settings, self.options)
                    if self.on_report is not None:
                        self.on_report(report)
                except Exception:  # a failed cycle is logged; the next one tries again
                    log.exception("monitoring cycle failed")
                self._stop.wait(self.every)
