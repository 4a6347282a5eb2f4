"""Shared fixtures. Real-file tests use ``shared_data`` and skip when ../shared/data is absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clearance.native import stale_modules
from clearance.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


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
