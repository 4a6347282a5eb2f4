"""API keys: created once, stored only as hashes, with a role that grants a set of rights.

A key is ``clr_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 digest
is stored: with that much entropy a slow password hash buys nothing, and a digest lets the
server find the key with one indexed lookup. The lookup is followed by a constant-time
comparison of the digests. The secret itself is shown once, when the key is created.

Roles are ordered: ``screener`` < ``analyst`` < ``reviewer`` < ``admin``; each includes the
rights of the roles below it. :func:`role_allows` is the one place a role is compared with the
role a right needs (API keys here; named web users will carry the same roles).

Creating and revoking a key are audit events: each writes its record to the audit chain in the
same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clearance.errors import AuthError, ConflictError, ForbiddenError, InputError, NotFoundError
from clearance.store.base import Connection
from clearance.store.chain import ChainRecord, append

#: roles, lowest first: a screener screens; an analyst also reads entity histories and decides
#: alerts; a reviewer also confirms true matches; an admin also manages keys, lists and webhooks
ROLES: tuple[str, ...] = ("screener", "analyst", "reviewer", "admin")
KEY_PREFIX = "clr_"

DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
)""",
    """CREATE INDEX IF NOT EXISTS api_keys_name ON api_keys (name)""",
)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """What is known about a key (never its secret)."""

    id: str
    name: str
    role: str
    #: the first characters of the secret, to help a person tell keys apart
    hint: str
    created_at: str
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, role: str) -> bool:
        """Whether this key's role includes the rights of ``role``."""
        return role_allows(self.role, role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "hint": self.hint,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
            "active": self.active,
        }


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> str:
    # to the microsecond: keys are listed in the order they were made, and two made within
    # one second were listed by their random ids (no backend has SQLite's rowid order)
    return datetime.now(UTC).isoformat(timespec="microseconds")


def role_allows(held: str, needed: str) -> bool:
    """Whether the role ``held`` includes the rights of the role ``needed``."""
    return ROLES.index(check_role(held)) >= ROLES.index(check_role(needed))


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    return role


class KeyStore:
    """API keys in the store's ``api_keys`` table.

    Safe to share between threads: every statement runs under one lock.
    """

    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(self, name: str, role: str, actor: str = "cli") -> tuple[ApiKey, str]:
        """Create a key; returns its record and the secret (which is not stored). ``actor`` is
        who created it, for the audit chain."""
        name = name.strip()
        if not name:
            raise InputError("A key needs a non-empty name.")
        check_role(role)
        if any(k.name == name and k.active for k in self.list()):
            raise ConflictError(f"An active key named {name!r} exists; revoke it first.")
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(
            id="key_" + secrets.token_hex(6),
            name=name,
            role=role,
            hint=secret[: len(KEY_PREFIX) + 4],
            created_at=_now(),
        )
        with self._lock, self._db.write():
            self._db.execute(
                "INSERT INTO api_keys (id, name, role, digest, hint, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (key.id, key.name, key.role, digest(secret), key.hint, key.created_at),
            )
            append(self._db, [_event("key.created", key, actor)])
        return key, secret

    def list(self) -> list[ApiKey]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, name, role, hint, created_at, revoked_at FROM api_keys"
                " ORDER BY created_at, id"
            ).fetchall()
        return [ApiKey(*row) for row in rows]

    def revoke(self, name_or_id: str, actor: str = "cli") -> ApiKey:
        """Revoke the key with this id, or the active key with this name."""
        keys = self.list()
        matches = [k for k in keys if k.id == name_or_id]
        if not matches:
            matches = [k for k in keys if k.name == name_or_id and k.active]
        if not matches:
            raise NotFoundError(f"No active API key with id or name {name_or_id!r}.")
        key = matches[0]
        if key.active:
            with self._lock, self._db.write():
                self._db.execute(
                    "UPDATE api_keys SET revoked_at = ? WHERE id = ?", (_now(), key.id)
                )
                append(self._db, [_event("key.revoked", key, actor)])
        return next(k for k in self.list() if k.id == key.id)

    def verify(self, secret: str | None, role: str = "screener") -> ApiKey:
        """The active key for this secret, if its role includes ``role``.

        Raises AuthError for a missing, unknown or revoked key and ForbiddenError when the
        key's role is too low.
        """
        if not secret:
            raise AuthError("An API key is required: send 'Authorization: Bearer KEY'.")
        wanted = digest(secret)
        with self._lock:
            rows = self._db.execute(
                "SELECT id, name, role, hint, created_at, revoked_at, digest FROM api_keys"
                " WHERE digest = ?",
                (wanted,),
            ).fetchall()  # fetchall: no statement left open holding a read snapshot
        row = rows[0] if rows else None
        if row is None or not hmac.compare_digest(row[6], wanted) or row[5] is not None:
            raise AuthError("The API key is unknown or has been revoked.")
        key = ApiKey(*row[:6])
        if not key.allows(role):
            raise ForbiddenError(f"This needs the {role} role; the key has the {key.role} role.")
        return key


def _event(kind: str, key: ApiKey, actor: str) -> ChainRecord:
    data = {"key_id": key.id, "name": key.name, "role": key.role, "hint": key.hint}
    return ChainRecord(kind, data, actor=actor)
