"""Shared fixtures. Real-file tests use ``shared_data`` and skip when ../shared/data is absent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from clearance.native import stale_modules
from clearance.settings import Settings
from tests import pgserver

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The suite's property tests draw the same examples on every run and keep no example database,
# so a run's outcome depends on the code alone, never on what an earlier run in the same
# checkout found. ``HYPOTHESIS_PROFILE=explore`` draws new examples (and keeps the failing ones)
# to look for bugs; a bug it finds gets an ``@example`` of its own.
# The machines are shared and noisy: generation speed and per-example time say nothing of the
# code there, so neither fails a run.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("explore", max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test compiled modules older than their sources (an editable install after an
    edit): the tests would pass or fail on code that is no longer there."""
    stale = stale_modules()
    if stale:
        pytest.exit(
            f"compiled modules older than their sources: {', '.join(stale)}. Re-run "
            "`pip install -e .` (or install with CLEARANCE_PURE_PYTHON=1 while editing them).",
            returncode=2,
        )


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real published list files; the test is skipped when they are not beside the repo."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real list data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings with a fresh, empty CLEARANCE_HOME."""
    yield Settings(home=tmp_path / "home")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pgserver.PostgresServer]:
    """A PostgreSQL server for the session (``tests/pgserver.py``); the test is skipped when
    neither ``CLEARANCE_TEST_POSTGRES_URL`` nor Debian's ``postgresql`` package is there."""
    found = pgserver.server()
    if found is None:
        pytest.skip(f"no PostgreSQL: set {pgserver.ENV_URL} or install Debian's postgresql package")
    yield found
    found.stop()


@pytest.fixture
def postgres_url(postgres_server: pgserver.PostgresServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    url = postgres_server.database()
    yield url
    postgres_server.drop(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings whose store is in each backend in turn: a SQLite file in a fresh home, or a
    new PostgreSQL database (the same home for the index and job files)."""
    settings = Settings(home=tmp_path / "home")
    if request.param == "postgresql":
        return replace(settings, database_url=request.getfixturevalue("postgres_url"))
    return settings
