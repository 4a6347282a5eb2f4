"""The one exception tree of clearance.

Every error that a user can cause or meet derives from :class:`ClearanceError`. Interfaces map
them in one place each: ``cli/__init__.py`` to exit codes, ``api/errors.py`` to HTTP statuses
and stable codes.

    ClearanceError
    ├── InputError            bad user input: unknown source, bad option, unreadable query file
    │   └── ParseError        a list file that cannot be read (names the file and the location)
    ├── GateError             a new version failed its source's quality gates (nothing replaced)
    ├── DownloadError         a download failed (network, HTTP status, truncated body)
    ├── NotFoundError         an entity, version, key or job that does not exist
    ├── ConflictError         the thing to create exists already (a key name in use)
    ├── AuthError             missing, unknown or revoked API key; role too low
    ├── LimitError            rate, body size or batch size limit exceeded
    │   ├── TooLargeError     request body or batch larger than allowed (HTTP 413)
    │   └── DeadlineError     a request ran past its time limit (HTTP 504)
    ├── StoreError            the store is unusable (corrupt, locked too long, wrong schema)
    └── ServeError            the HTTP server cannot start (its port is in use, ...)
"""

from __future__ import annotations


class ClearanceError(Exception):
    """Root of every error clearance raises on purpose."""

    #: stable machine-readable code, used by the HTTP API and ``--json`` outputs
    code = "error"
    #: process exit status used by the CLI
    exit_code = 1
    #: HTTP status used by the API
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(ClearanceError):
    code = "bad_input"
    exit_code = 2
    http_status = 400


class ParseError(InputError):
    """A list file that cannot be read.

    ``path`` names the file, ``location`` the line, row or element (for example ``line 412``
    or ``element sdnEntry #37``). The message is one paragraph a user can act on.
    """

    code = "parse_error"
    exit_code = 3
    http_status = 422

    def __init__(self, path: str, location: str | None, problem: str) -> None:
        where = f"{path}, {location}" if location else path
        super().__init__(f"Cannot read {where}: {problem}")
        self.path = path
        self.location = location
        self.problem = problem


class GateError(ClearanceError):
    """A new version failed a quality gate; the previous version stays active."""

    code = "gate_failed"
    exit_code = 4
    http_status = 422


class DownloadError(ClearanceError):
    code = "download_failed"
    exit_code = 5
    http_status = 502


class NotFoundError(ClearanceError):
    code = "not_found"
    exit_code = 6
    http_status = 404


class ConflictError(ClearanceError):
    code = "conflict"
    exit_code = 2
    http_status = 409


class AuthError(ClearanceError):
    code = "unauthorized"
    exit_code = 7
    http_status = 401


class ForbiddenError(AuthError):
    code = "forbidden"
    http_status = 403


class LimitError(ClearanceError):
    code = "limit_exceeded"
    exit_code = 8
    http_status = 429


class TooLargeError(LimitError):
    code = "too_large"
    http_status = 413


class DeadlineError(LimitError):
    code = "timeout"
    http_status = 504


class StoreError(ClearanceError):
    code = "store_error"
    exit_code = 9
    http_status = 503


class ServeError(ClearanceError):
    """``clearance serve`` cannot start: the address is in use or cannot be bound."""

    code = "serve_failed"
    exit_code = 10
    http_status = 500
