"""Who is signed in, what their role lets them see, and CSRF checks for every form.

- A session is the ``clearance_session`` cookie (HttpOnly, SameSite=Lax, Secure over HTTPS),
  looked up in the users store on each request; it ends after its lifetime, when idle too
  long, at sign-out, or when its user is disabled.
- Every form carries the session's CSRF token in a hidden ``csrf`` field, compared in constant
  time with the session's own; the sign-in form (before there is a session) carries a token
  that must equal the one in its own short-lived cookie (double submit). A POST whose
  ``Origin`` header names another site is refused as well.
- Failed sign-ins are counted per name and per client address: past the limit, sign-in is
  refused for a while without checking the password.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request

from clearance.errors import AuthError, ForbiddenError, LimitError
from clearance.monitor.service import NEEDS
from clearance.store.users import Session

SESSION_COOKIE = "clearance_session"
SIGNIN_COOKIE = "clearance_signin"
CSRF_FIELD = "csrf"
#: the most form fields and files a web form may send (a bounded input)
MAX_FORM_FIELDS = 50
MAX_FORM_FILES = 1

#: the lowest role that may open each part of the interface: the monitoring pages need what
#: the monitoring service's table says (the HTTP API reads the same table); roles are compared
#: by :func:`clearance.store.keys.role_allows` alone
PAGE_ROLES: Mapping[str, str] = {
    "search": "screener",
    "entity": "screener",
    "entity_history": "analyst",
    "lists": "screener",
    "list_update": "admin",
    "jobs": "screener",
    "alerts": NEEDS["alerts"],
    "party": NEEDS["book"],
    "evidence": NEEDS["evidence"],
    "audit": NEEDS["audit"],
    "users": "admin",
}


class SignInRequired(AuthError):
    """No live session: pages send the browser to the sign-in page, JSON twins answer 401."""


class CsrfError(ForbiddenError):
    code = "csrf_failed"


def session_of(request: Request) -> Session:
    """The request's session (set by the ``signed_in`` dependency)."""
    session: Session | None = getattr(request.state, "session", None)
    if session is None:
        raise SignInRequired("Sign in first.")
    return session


def require_page(session: Session, page: str) -> None:
    """ForbiddenError unless the session's role may see ``page``."""
    role = PAGE_ROLES[page]
    if not session.user.allows(role):
        raise ForbiddenError(
            f"This page needs the {role} role; you are signed in as {session.user.name} "
            f"with the {session.user.role} role."
        )


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from a page of another site."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin != "null"
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


async def read_form(request: Request) -> FormData:
    return await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS)


def check_token(given: object, expected: str) -> None:
    if not isinstance(given, str) or not expected or not hmac.compare_digest(given, expected):
        raise CsrfError(
            "The form could not be accepted: it has no valid security token (it may be older "
            "than your session, or come from another site). Reload the page and try again."
        )


async def csrf_form(request: Request) -> FormData:
    """The posted form of a signed-in page, after checking its CSRF token and origin."""
    session = session_of(request)
    if not same_origin(request):
        raise CsrfError("The form was sent from another site.")
    form = await read_form(request)
    try:
        check_token(form.get(CSRF_FIELD), session.csrf)
    except CsrfError:
        await form.close()  # an uploaded file is not kept
        raise
    return form


def new_signin_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class SignInThrottle:
    """Failed sign-ins per name and per client address, in memory (per server process).

    After ``limit`` failures within ``window`` seconds, sign-in for that name (or from that
    address, at four times the limit) is refused until the oldest failure leaves the window.
    """

    limit: int = 5
    window: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def check(self, name: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key, limit in ((f"name:{name.lower()}", self.limit),
                               (f"addr:{address}", self.limit * 4)):  # fmt: skip
                times = self._recent(key, now)
                if len(times) >= limit:
                    wait = int(self.window - (now - times[0])) + 1
                    raise LimitError(f"Too many failed sign-ins; try again in {wait} seconds.")

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > 100_000:  # a flood of names: forget rather than grow
                self._failures.clear()
            for key in (f"name:{name.lower()}", f"addr:{address}"):
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(f"name:{name.lower()}", None)


def safe_next(target: str | None, base: str) -> str:
    """Where to go after signing in: a path of this interface, never another site."""
    default = f"{base}/search"
    if not target or not target.startswith(base + "/") or "//" in target:
        return default
    if any(c in target for c in "\\\r\n"):
        return default
    return target
