"""People who sign in to the web interface: named users with a role and a password, and their
cookie sessions.

Passwords are stored only as Argon2id hashes (argon2-cffi, RFC 9106 parameters): a memory-hard
hash, because a password, unlike an API key, has little entropy of its own. A session is a
random token (256 bits) given to the browser as a cookie; only its SHA-256 digest is stored,
as for API keys. Each session carries its own CSRF token, and expires after a fixed lifetime or
after being idle too long, whichever comes first. Disabling a user or changing their password
ends their sessions.

Users carry the roles of API keys (:data:`clearance.store.keys.ROLES`), ordered, each including
the rights of those before it, and compared in the one place keys are,
:func:`clearance.store.keys.role_allows`: ``screener`` (search, lists, file screening) <
``analyst`` (+ entity history, the book and its alerts) < ``reviewer`` (+ confirms true
matches) < ``admin`` (+ users, list updates, the audit chain).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from clearance.errors import AuthError, ConflictError, InputError, NotFoundError
from clearance.store.base import Connection
from clearance.store.chain import ChainRecord, append
from clearance.store.keys import ROLES, check_role, role_allows

#: roles, lowest first: those of API keys
USER_ROLES: tuple[str, ...] = ROLES
MIN_PASSWORD = 10
#: longer passwords are refused rather than hashed (a bounded input)
MAX_PASSWORD = 512
MAX_NAME = 64
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")
TOKEN_PREFIX = "cs_"
#: a session's last use is written at most this often (not on every request)
TOUCH_EVERY = timedelta(seconds=60)

DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT
)""",
    """CREATE TABLE IF NOT EXISTS user_sessions (
    digest TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
)""",
    """CREATE INDEX IF NOT EXISTS user_sessions_user ON user_sessions (user_id)""",
)


@dataclass(frozen=True, slots=True)
class User:
    """What is known about a user (never their password)."""

    id: str
    name: str
    role: str
    created_at: str
    disabled_at: str | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def allows(self, role: str) -> bool:
        """Whether this user's role includes the rights of ``role``."""
        return role_allows(self.role, role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "created_at": self.created_at,
            "disabled_at": self.disabled_at,
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser: whose it is, its CSRF token and when it ends."""

    user: User
    csrf: str
    created_at: str
    expires_at: str


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a session lasts: at most ``lifetime`` after sign-in, and at most ``idle``
    after its last request."""

    lifetime: timedelta = timedelta(hours=12)
    idle: timedelta = timedelta(minutes=60)


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or not set(name) <= NAME_CHARS:
        raise InputError(
            f"A user name is 1 to {MAX_NAME} characters: letters, digits and . _ @ - only."
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"A password needs at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"A password may have at most {MAX_PASSWORD} characters.")
    return password


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _now() -> datetime:
    return datetime.now(UTC)


_USER_COLUMNS = "id, name, role, created_at, disabled_at"


class UserStore:
    """Users and sessions in the store's ``users`` and ``user_sessions`` tables.

    Safe to share between threads: every statement runs under one lock. ``clock`` gives the
    current time (tests move it on to expire sessions).
    """

    def __init__(
        self,
        connection: Connection,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._db = connection
        self._lock = threading.Lock()
        self._hasher = hasher or PasswordHasher()
        self._clock = clock
        # verified against when a name is unknown, so that a wrong name takes as long as a
        # wrong password and the answer time does not tell which names exist
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- users ------------------------------------------------------------------------

    def _event(self, kind: str, user: User, actor: str) -> None:
        """The audit record of a change to a user (inside the change's transaction)."""
        data = {"user_id": user.id, "name": user.name, "role": user.role}
        append(self._db, [ChainRecord(kind, data, actor=actor)])

    def create(self, name: str, role: str, password: str, actor: str = "cli") -> User:
        name = check_name(name)
        check_role(role)
        hashed = self._hasher.hash(check_password(password))
        user = User(
            id="user_" + secrets.token_hex(6),
            name=name,
            role=role,
            created_at=_stamp(self._clock()),
        )
        with self._lock, self._db.write():
            exists = self._db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchall()
            if exists:
                raise ConflictError(f"A user named {name!r} exists already.")
            self._db.execute(
                "INSERT INTO users (id, name, role, password, created_at) VALUES (?, ?, ?, ?, ?)",
                (user.id, user.name, user.role, hashed, user.created_at),
            )
            self._event("user.created", user, actor)
        return user

    def list(self) -> list[User]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name").fetchall()
        return [User(*row) for row in rows]

    def get(self, name_or_id: str) -> User:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_USER_COLUMNS} FROM users WHERE name = ? OR id = ?",
                (name_or_id, name_or_id),
            ).fetchall()
        if not rows:
            raise NotFoundError(f"No user named {name_or_id!r}.")
        return User(*rows[0])

    def set_password(self, name: str, password: str, actor: str = "cli") -> User:
        """A new password; the user's sessions end (a stolen session ends with the old one)."""
        user = self.get(name)
        hashed = self._hasher.hash(check_password(password))
        with self._lock, self._db.write():
            self._db.execute("UPDATE users SET password = ? WHERE id = ?", (hashed, user.id))
            self._db.execute("DELETE FROM user_sessions WHERE user_id = ?", (user.id,))
            self._event("user.password", user, actor)
        return user

    def set_role(self, name: str, role: str, actor: str = "cli") -> User:
        user = self.get(name)
        with self._lock, self._db.write():
            self._db.execute("UPDATE users SET role = ? WHERE id = ?", (check_role(role), user.id))
            self._event("user.role", replace(user, role=role), actor)
        return self.get(user.id)

    def disable(self, name: str, actor: str = "cli") -> User:
        """The user can no longer sign in, and their sessions end."""
        user = self.get(name)
        with self._lock, self._db.write():
            if user.active:
                self._db.execute(
                    "UPDATE users SET disabled_at = ? WHERE id = ?",
                    (_stamp(self._clock()), user.id),
                )
                self._event("user.disabled", user, actor)
            self._db.execute("DELETE FROM user_sessions WHERE user_id = ?", (user.id,))
        return self.get(user.id)

    def enable(self, name: str, actor: str = "cli") -> User:
        user = self.get(name)
        with self._lock, self._db.write():
            self._db.execute("UPDATE users SET disabled_at = NULL WHERE id = ?", (user.id,))
            if not user.active:
                self._event("user.enabled", user, actor)
        return self.get(user.id)

    def authenticate(self, name: str, password: str) -> User:
        """The active user with this name and password, or AuthError (one message for every
        reason, so that it does not tell which names exist)."""
        refused = AuthError("Wrong user name or password.")
        if len(password) > MAX_PASSWORD or len(name) > MAX_NAME:
            raise refused
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_USER_COLUMNS}, password FROM users WHERE name = ?", (name.strip(),)
            ).fetchall()
        stored = str(rows[0][5]) if rows else self._decoy
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise refused from None
        if not rows:
            raise refused
        user = User(*rows[0][:5])
        if not user.active:
            raise refused
        if self._hasher.check_needs_rehash(stored):  # parameters raised since it was hashed
            fresh = self._hasher.hash(password)
            with self._lock, self._db.write():
                self._db.execute("UPDATE users SET password = ? WHERE id = ?", (fresh, user.id))
        return user

    # -- sessions ---------------------------------------------------------------------

    def open_session(self, user: User, policy: SessionPolicy) -> tuple[str, Session]:
        """A new session for ``user``: (the token for the cookie, the session)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self._clock()
        session = Session(
            user=user,
            csrf=secrets.token_urlsafe(32),
            created_at=_stamp(now),
            expires_at=_stamp(now + policy.lifetime),
        )
        with self._lock, self._db.write():
            self._db.execute(
                "DELETE FROM user_sessions WHERE expires_at < ?", (_stamp(now),)
            )  # keep the table to the sessions that can still be used
            self._db.execute(
                "INSERT INTO user_sessions (digest, user_id, csrf, created_at, expires_at,"
                " last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                (_digest(token), user.id, session.csrf, session.created_at,
                 session.expires_at, session.created_at),
            )  # fmt: skip
        return token, session

    def session(self, token: str | None, policy: SessionPolicy) -> Session:
        """The live session of this token, or AuthError (unknown, expired, idle too long, or
        its user disabled)."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            raise AuthError("Sign in first.")
        digest = _digest(token)
        with self._lock:
            rows = self._db.execute(
                "SELECT s.csrf, s.created_at, s.expires_at, s.last_seen, s.digest,"
                f" {', '.join('u.' + c.strip() for c in _USER_COLUMNS.split(','))}"
                " FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.digest = ?",
                (digest,),
            ).fetchall()
        if not rows or not hmac.compare_digest(str(rows[0][4]), digest):
            raise AuthError("Your session has ended: sign in again.")
        csrf, created, expires, last_seen = (str(v) for v in rows[0][:4])
        user = User(*rows[0][5:])
        now = self._clock()
        seen = datetime.fromisoformat(last_seen)
        if not user.active or now >= datetime.fromisoformat(expires) or now - seen > policy.idle:
            self.close_session(token)
            raise AuthError("Your session has ended: sign in again.")
        if now - seen >= TOUCH_EVERY:
            with self._lock, self._db.write():
                self._db.execute(
                    "UPDATE user_sessions SET last_seen = ? WHERE digest = ?",
                    (_stamp(now), digest),
                )
        return Session(user=user, csrf=csrf, created_at=created, expires_at=expires)

    def close_session(self, token: str) -> None:
        with self._lock, self._db.write():
            self._db.execute("DELETE FROM user_sessions WHERE digest = ?", (_digest(token),))
