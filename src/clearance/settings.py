"""One typed settings object, built once at the edge (CLI, app factory) and passed in.

Environment variables use the prefix ``CLEARANCE_``. Nothing here is read at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

ENV_PREFIX = "CLEARANCE_"


def _default_home() -> Path:
    import platformdirs  # light, but only needed when CLEARANCE_HOME is unset

    return Path(platformdirs.user_data_dir("clearance", appauthor=False))


#: HTTP API and web settings read from the environment (``CLEARANCE_API_RATE_PER_MINUTE``...)
_API_FIELDS: dict[str, type] = {
    "api_rate_per_minute": int,
    "api_rate_burst": int,
    "api_max_body_bytes": int,
    "api_max_upload_bytes": int,
    "api_max_batch": int,
    "api_request_timeout": float,
    "api_job_workers": int,
    "api_job_processes": int,
    "web_session_hours": float,
    "web_idle_minutes": float,
}


#: URL schemes that name a PostgreSQL database (``database_url``)
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str) -> bool:
    """Whether a store location is a PostgreSQL URL (else it is a SQLite file)."""
    return location.startswith(POSTGRES_SCHEMES)


def redact(location: str) -> str:
    """A location fit for a message: a URL without its password."""
    if not is_postgres(location):
        return location
    scheme, _, rest = location.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return location
    user = credentials.partition(":")[0]
    return f"{scheme}://{user}:***@{host}" if user else f"{scheme}://{host}"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a clearance installation."""

    #: the one directory holding the store, indexes, downloads and job files
    home: Path
    #: base URL overrides per source id (``CLEARANCE_URL_US_OFAC_SDN=http://...``)
    source_urls: Mapping[str, str] = field(default_factory=dict)
    #: HTTP timeout in seconds and retry count for list downloads
    http_timeout: float = 60.0
    http_retries: int = 3
    #: first pause between download retries in seconds (doubles on each retry)
    http_backoff: float = 1.0
    #: matching profile used when none is asked for
    profile: str = "balanced"
    #: SQLite file name inside ``home``
    database: str = "clearance.sqlite3"
    #: the store in PostgreSQL instead: ``postgresql://user:password@host:5432/db``
    #: (``CLEARANCE_DATABASE_URL``, or ``clearance --database URL``); "" keeps SQLite
    database_url: str = ""
    #: HTTP API: queries per minute per API key (a ``/match`` or ``/screen`` call costs one per
    #: query or row, any other call one; token bucket; 0 disables the limit)
    api_rate_per_minute: int = 60_000
    #: HTTP API: queries a key may send in one burst before the rate applies (a larger batch
    #: is refused: it could never pass)
    api_rate_burst: int = 2_000
    #: HTTP API: largest JSON request body in bytes, and largest job upload in bytes
    api_max_body_bytes: int = 10 * 1024 * 1024
    api_max_upload_bytes: int = 200 * 1024 * 1024
    #: HTTP API: most rows in one synchronous ``/screen`` call or queries in one ``/match``
    api_max_batch: int = 1000
    #: HTTP API: seconds before a request is answered with a timeout error
    api_request_timeout: float = 30.0
    #: HTTP API: background threads running screening jobs
    api_job_workers: int = 1
    #: HTTP API: worker processes screening the rows of one job (1: in the server process)
    api_job_processes: int = 1
    #: an ownership rule's status after the last period its data file knows, by rule id
    #: (``CLEARANCE_RULE_AFTER_BIS_AFFILIATES=suspended``); unset: the data file's ``after``
    rule_after: Mapping[str, str] = field(default_factory=dict)
    #: web interface: hours a sign-in lasts at most, and minutes a session may stay idle
    web_session_hours: float = 12.0
    web_idle_minutes: float = 60.0
    #: monitoring: a true match needs a second, different person (``CLEARANCE_FOUR_EYES=1``)
    four_eyes: bool = False
    #: monitoring: seconds between the cycles ``clearance serve`` runs (0: none;
    #: ``CLEARANCE_MONITOR_EVERY=1h``, set by ``clearance serve --monitor-every``)
    monitor_every: float = 0.0

    @property
    def database_path(self) -> Path:
        return self.home / self.database

    @property
    def database_location(self) -> str:
        """Where the store is: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_url or str(self.database_path)

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def download_dir(self) -> Path:
        return self.home / "downloads"

    def with_home(self, home: Path) -> Settings:
        return replace(self, home=home)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home_value = env.get(ENV_PREFIX + "HOME")
        home = Path(home_value).expanduser() if home_value else _default_home()
        urls: dict[str, str] = {}
        url_prefix = ENV_PREFIX + "URL_"
        for key, value in env.items():
            if key.startswith(url_prefix) and value:
                source_id = key[len(url_prefix) :].lower().replace("_", "-")
                urls[source_id] = value
        rule_after: dict[str, str] = {}
        after_prefix = ENV_PREFIX + "RULE_AFTER_"
        for key, value in env.items():
            if key.startswith(after_prefix) and value:
                rule_after[key[len(after_prefix) :].lower().replace("_", "-")] = value.strip()
        kwargs: dict[str, object] = {"home": home, "source_urls": urls, "rule_after": rule_after}
        if database_url := env.get(ENV_PREFIX + "DATABASE_URL", "").strip():
            kwargs["database_url"] = database_url
        if (timeout := env.get(ENV_PREFIX + "HTTP_TIMEOUT")) is not None:
            kwargs["http_timeout"] = float(timeout)
        if (retries := env.get(ENV_PREFIX + "HTTP_RETRIES")) is not None:
            kwargs["http_retries"] = int(retries)
        if (backoff := env.get(ENV_PREFIX + "HTTP_BACKOFF")) is not None:
            kwargs["http_backoff"] = float(backoff)
        if profile := env.get(ENV_PREFIX + "PROFILE"):
            kwargs["profile"] = profile
        if every := env.get(ENV_PREFIX + "MONITOR_EVERY"):
            kwargs["monitor_every"] = parse_duration(every)
        if (four_eyes := env.get(ENV_PREFIX + "FOUR_EYES")) is not None:
            kwargs["four_eyes"] = four_eyes.strip().lower() in ("1", "true", "yes", "on")
        for name, kind in _API_FIELDS.items():
            if (raw := env.get(ENV_PREFIX + name.upper())) is not None:
                kwargs[name] = kind(raw)
        return cls(**kwargs)  # type: ignore[arg-type]


_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(value: str) -> float:
    """``30s``, ``15m``, ``1h``, ``1d`` or a number of seconds -> seconds (ValueError if it
    is none of these)."""
    text = value.strip().lower()
    unit = text[-1:] if text[-1:] in _UNITS else ""
    seconds = float(text[: len(text) - len(unit)]) * _UNITS[unit]
    if not seconds >= 0:
        raise ValueError(f"{value!r} is not a duration")
    return seconds
