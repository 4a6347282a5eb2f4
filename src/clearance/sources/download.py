"""Download the files of a source: HTTP I/O only (no parsing, no store).

Conditional requests (``If-None-Match`` / ``If-Modified-Since``) make an unchanged list cost
one round trip; retries with exponential backoff ride over 5xx answers, timeouts and dropped
connections; every body is streamed to a temporary file next to its final name and checked
against ``Content-Length``, so a truncated file never reaches a reader.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from clearance import __version__
from clearance.errors import DownloadError

#: HTTP statuses worth another attempt (everything else >= 400 fails at once)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_CHUNK = 1 << 16

#: (ETag, Last-Modified) of a file, "" where the server sent none
Validators = tuple[str, str]


@dataclass(frozen=True)
class FetchRequest:
    """What to download: file name -> URL, into ``dest`` (an existing folder)."""

    urls: Mapping[str, str]
    dest: Path
    #: validators of the copies the caller already holds, by file name
    validators: Mapping[str, Validators] = field(default_factory=dict)
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 1.0


@dataclass(frozen=True)
class FetchResult:
    #: True when the server said every file is unchanged (no file was written)
    not_modified: bool
    files: tuple[Path, ...] = ()
    validators: dict[str, Validators] = field(default_factory=dict)


class _Retryable(Exception):
    """An attempt failed in a way another attempt may fix."""


def join_url(base: str, name: str) -> str:
    return base if not name else base.rstrip("/") + "/" + name


def fetch(request: FetchRequest, client: httpx.Client | None = None) -> FetchResult:
    """Download every file of ``request``; conditional when validators for all are known."""
    owned = client is None
    http = client or httpx.Client(
        timeout=request.timeout,
        follow_redirects=True,
        headers={"User-Agent": f"clearance/{__version__}"},
    )
    try:
        conditional = bool(request.urls) and all(n in request.validators for n in request.urls)
        results: dict[str, Validators | None] = {}
        for name, url in request.urls.items():
            held = request.validators.get(name) if conditional else None
            results[name] = _download(http, request, name, url, held)
        if all(value is None for value in results.values()):
            return FetchResult(not_modified=True)
        for name, value in results.items():
            if value is None:  # unchanged, but a sibling changed: the reader needs them all
                results[name] = _download(http, request, name, request.urls[name], None)
    finally:
        if owned:
            http.close()
    validators = {name: value for name, value in results.items() if value is not None}
    return FetchResult(
        not_modified=False,
        files=tuple(request.dest / name for name in request.urls),
        validators=validators,
    )


def _download(
    http: httpx.Client, request: FetchRequest, name: str, url: str, held: Validators | None
) -> Validators | None:
    """One file with retries; None when the server answered 304 Not Modified."""
    headers: dict[str, str] = {}
    if held is not None:
        etag, modified = held
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
    attempts = max(1, request.retries + 1)
    problem = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(request.backoff * 2 ** (attempt - 1))
        try:
            return _attempt(http, url, request.dest / name, headers)
        except _Retryable as exc:
            problem = str(exc)
    raise DownloadError(
        f"Downloading {url} failed after {attempts} attempt(s): {problem}. "
        "Nothing was imported; the active version is kept."
    )


def _attempt(
    http: httpx.Client, url: str, target: Path, headers: dict[str, str]
) -> Validators | None:
    """One request: the file lands at ``target`` only when it arrived whole."""
    partial = target.with_name(target.name + ".part")
    try:
        validators = _stream(http, url, partial, headers)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if validators is not None:
        os.replace(partial, target)
    return validators


def _stream(
    http: httpx.Client, url: str, partial: Path, headers: dict[str, str]
) -> Validators | None:
    try:
        with http.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return None
            if response.status_code in RETRY_STATUSES:
                raise _Retryable(f"the server answered HTTP {response.status_code}")
            if response.status_code >= 400:
                raise DownloadError(
                    f"Downloading {url} failed: the server answered HTTP "
                    f"{response.status_code}. Nothing was imported; the active version is kept."
                )
            with partial.open("wb") as fh:
                for chunk in response.iter_bytes(_CHUNK):
                    fh.write(chunk)
            expected = response.headers.get("Content-Length", "")
            received = response.num_bytes_downloaded
            if expected.isdigit() and int(expected) != received:
                raise _Retryable(f"the body was truncated ({received} of {expected} bytes)")
            return (response.headers.get("ETag", ""), response.headers.get("Last-Modified", ""))
    except httpx.TimeoutException as exc:
        raise _Retryable(f"it timed out ({type(exc).__name__})") from exc
    except httpx.RemoteProtocolError as exc:
        raise _Retryable(f"the connection broke off before the whole file arrived ({exc})") from exc
    except httpx.TransportError as exc:
        raise _Retryable(f"a network error occurred ({exc})") from exc
