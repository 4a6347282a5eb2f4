"""Users and sessions of the web interface, in the store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.errors import AuthError, ConflictError, InputError
from clearance.settings import Settings
from clearance.store import open_database
from clearance.store.users import (
    MIN_PASSWORD,
    USER_ROLES,
    SessionPolicy,
    UserStore,
    check_name,
)
from tests.web.conftest import FAST_HASHER

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def location(store_settings: Settings) -> str:
    """The store in each backend."""
    return store_settings.database_location


@pytest.fixture
def users(location: str, clock: Clock) -> Iterator[UserStore]:
    store = UserStore(open_database(location), hasher=FAST_HASHER, clock=clock)
    yield store
    store.close()


def test_passwords_are_stored_as_argon2id_hashes_only(users: UserStore, location: str) -> None:
    users.create("alice", "analyst", PASSWORD)
    db = open_database(location)
    (stored,) = db.execute("SELECT password FROM users WHERE name = 'alice'").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert users.authenticate("alice", PASSWORD).role == "analyst"


def test_the_default_hash_is_memory_hard(tmp_path: Path) -> None:
    store = UserStore(open_database(str(tmp_path / "db.sqlite3")))
    store.create("bob", "screener", PASSWORD)
    db = open_database(str(tmp_path / "db.sqlite3"))
    (stored,) = db.execute("SELECT password FROM users").fetchone()
    memory_kib = int(stored.split("$")[3].split(",")[0].removeprefix("m="))
    assert memory_kib >= 64 * 1024


@pytest.mark.parametrize(("name", "password"), [("alice", "wrong password"), ("nobody", PASSWORD)])
def test_wrong_name_or_password_gives_one_message(
    users: UserStore, name: str, password: str
) -> None:
    users.create("alice", "analyst", PASSWORD)
    with pytest.raises(AuthError, match="Wrong user name or password"):
        users.authenticate(name, password)


def test_names_are_unique_and_passwords_long_enough(users: UserStore) -> None:
    users.create("alice", "analyst", PASSWORD)
    with pytest.raises(ConflictError):
        users.create("alice", "admin", PASSWORD)
    with pytest.raises(InputError, match=f"at least {MIN_PASSWORD}"):
        users.create("bob", "admin", "short")
    with pytest.raises(InputError, match="Unknown role"):
        users.create("bob", "superuser", PASSWORD)


def test_roles_include_the_rights_of_those_below(users: UserStore) -> None:
    for role in USER_ROLES:
        user = users.create(role, role, PASSWORD)
        below = USER_ROLES[: USER_ROLES.index(role) + 1]
        assert [r for r in USER_ROLES if user.allows(r)] == list(below)


def test_a_session_ends_after_its_lifetime(users: UserStore, clock: Clock) -> None:
    policy = SessionPolicy(lifetime=timedelta(hours=1), idle=timedelta(hours=2))
    user = users.create("alice", "analyst", PASSWORD)
    token, session = users.open_session(user, policy)
    assert users.session(token, policy).csrf == session.csrf
    for minutes in (20, 40, 59):  # used all along, so never idle
        clock.now += timedelta(minutes=20 if minutes != 59 else 19)
        users.session(token, policy)
    clock.now += timedelta(minutes=1, seconds=1)
    with pytest.raises(AuthError, match="ended"):
        users.session(token, policy)


def test_a_session_ends_when_idle(users: UserStore, clock: Clock) -> None:
    policy = SessionPolicy(lifetime=timedelta(hours=12), idle=timedelta(minutes=30))
    token, _ = users.open_session(users.create("alice", "analyst", PASSWORD), policy)
    clock.now += timedelta(minutes=29)
    users.session(token, policy)  # used: idle time starts again
    clock.now += timedelta(minutes=29)
    users.session(token, policy)
    clock.now += timedelta(minutes=31)
    with pytest.raises(AuthError):
        users.session(token, policy)


def test_disabling_or_a_new_password_ends_the_sessions(users: UserStore) -> None:
    policy = SessionPolicy()
    alice = users.create("alice", "analyst", PASSWORD)
    token, _ = users.open_session(alice, policy)
    users.set_password("alice", "another long password")
    with pytest.raises(AuthError):
        users.session(token, policy)
    token, _ = users.open_session(alice, policy)
    users.disable("alice")
    with pytest.raises(AuthError):
        users.session(token, policy)
    with pytest.raises(AuthError):
        users.authenticate("alice", "another long password")
    users.enable("alice")
    assert users.authenticate("alice", "another long password").active


def test_tokens_are_stored_only_as_digests(users: UserStore, location: str) -> None:
    token, _ = users.open_session(users.create("alice", "analyst", PASSWORD), SessionPolicy())
    db = open_database(location)
    (digest,) = db.execute("SELECT digest FROM user_sessions").fetchone()
    assert token not in digest and len(digest) == 64


@given(st.text(max_size=100))
def test_a_name_is_accepted_only_in_its_documented_form(name: str) -> None:
    try:
        checked = check_name(name)
    except InputError:
        stripped = name.strip()
        assert (
            not stripped
            or len(stripped) > 64
            or any(not (c.isascii() and (c.isalnum() or c in "._@-")) for c in stripped)
        )
    else:
        assert checked == name.strip() and 0 < len(checked) <= 64
        assert all(c.isascii() and (c.isalnum() or c in "._@-") for c in checked)
