"""What a server process screens with: the screeners over the store's active versions, kept
up to date when another process (``clearance update``, ``POST /sources/{id}/update``, another
server) activates a new version.

Every few seconds a request compares the store's state with the one the screeners were built
over; when it changed, new screeners are built in the background and swapped in, and requests
meanwhile use the previous ones.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from clearance.errors import InputError, NotFoundError
from clearance.match.profiles import profiles
from clearance.model import Entity
from clearance.screen import Screener
from clearance.settings import Settings

log = logging.getLogger("clearance.api")
#: seconds between checks of the store's state (for screeners built over older versions)
STATE_CHECK_SECONDS = 5.0
#: yente algorithm names: all map to the configured default profile
YENTE_ALGORITHMS = frozenset(
    {"best", "logic-v2", "logic-v1", "name-based", "name-qualified", "regression-v1"}
)


class StoreLike(Protocol):
    def active_versions(self) -> Mapping[str, Any]: ...

    def state_key(self) -> str: ...

    def get_entity(self, entity_id: str) -> Entity: ...

    def entity_history(self, entity_id: str) -> list[Any]: ...


@dataclass
class ScreenerState:
    settings: Settings
    store: StoreLike
    screener: Screener
    factory: Callable[[str], Screener] | None = None
    #: serialises the store's connection between request threads
    lock: threading.Lock = field(default_factory=threading.Lock)
    _screeners: dict[str, Screener] = field(default_factory=dict)
    _versions: tuple[float, dict[str, Any]] = (0.0, {})
    _checked: float = 0.0
    _screened: dict[str, str] | None = None
    _reloading: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._screened = self._snapshot()

    def profile_for(self, algorithm: str | None) -> str:
        name = (algorithm or "best").strip().lower()
        if name in YENTE_ALGORITHMS:
            return self.settings.profile
        if name in profiles():
            return name
        raise InputError(
            f"Invalid algorithm: {algorithm!r}; use a profile ({', '.join(profiles())}) or "
            "one of yente's names (best, logic-v2...), which map to the default profile."
        )

    def screener_for(self, profile: str | None = None) -> Screener:
        """The screener of ``profile`` (the default one when None), over the newest state."""
        self._check_state()
        if profile in (None, self.settings.profile) or self.factory is None:
            return self.screener
        with self.lock:
            if profile not in self._screeners:
                self._screeners[profile] = self.factory(profile)
            return self._screeners[profile]

    def _check_state(self) -> None:
        now = time.monotonic()
        if self.factory is None or now - self._checked < STATE_CHECK_SECONDS:
            return
        self._checked = now
        with self.lock:
            wanted = self.store.state_key()
        if self.screener.state_key == wanted or self._reloading.locked():
            return
        threading.Thread(target=self._reload, name="screener-reload", daemon=True).start()

    def _reload(self) -> None:
        factory = self.factory
        if factory is None or not self._reloading.acquire(blocking=False):
            return
        try:
            with self.lock:
                before = self.store.state_key()
            versions = self._snapshot()
            fresh = factory(self.settings.profile)
            if fresh.state_key != before:  # changed again meanwhile
                versions = self._snapshot()
            with self.lock:
                self.screener = fresh
                self._screened = versions
                self._screeners = {}
                self._versions = (0.0, {})
            log.info("screener reloaded", extra={"state": fresh.state_key})
        except Exception:
            log.exception("screener reload failed; the previous lists stay in use")
        finally:
            self._reloading.release()

    def refresh(self) -> None:
        """Pick up a store change now (after an update made by this process)."""
        self._versions = (0.0, {})
        self._reload()

    def active_versions(self) -> dict[str, Any]:
        """Active list versions by source (cached for a second: it is read per request)."""
        at, cached = self._versions
        now = time.monotonic()
        if now - at > 1.0:
            with self.lock:
                cached = dict(self.store.active_versions())
            self._versions = (now, cached)
        return cached

    def _snapshot(self) -> dict[str, str]:
        with self.lock:
            active = self.store.active_versions()
        return {source: str(getattr(v, "id", v)) for source, v in active.items()}

    def version_ids(self) -> dict[str, str]:
        """Version ids of the lists being screened: those the screener was built from (the
        store may already hold newer ones while the next screener is being built)."""
        if self._screened is None:
            self._screened = self._snapshot()
        return self._screened

    def last_seen(self, source: str) -> str | None:
        version = self.active_versions().get(source)
        value = getattr(version, "published", None) or getattr(version, "imported_at", None)
        return str(value) if value else None

    def scope(
        self, dataset: str, include: Iterable[str] = (), exclude: Iterable[str] = ()
    ) -> frozenset[str] | None:
        """Source ids to search for a dataset name (``default``: every active source)."""
        active = sorted(self.active_versions())
        if dataset == "default":
            chosen = active
        elif dataset in active:
            chosen = [dataset]
        else:
            raise NotFoundError(
                f"No such dataset: {dataset!r}. Use 'default' or one of GET /sources."
            )
        # an unknown dataset to include would silently screen nothing; one to exclude is moot
        unknown = [s for s in include if s and s not in active]
        if unknown:
            raise NotFoundError(f"No such dataset: {', '.join(map(repr, unknown))}.")
        include = [s for s in include if s]
        if include:
            chosen = [s for s in chosen if s in include]
        chosen = [s for s in chosen if s not in set(exclude)]
        return None if chosen == active else frozenset(chosen)
