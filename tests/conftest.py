"""Shared fixtures. Real-file tests use ``shared_data`` and skip when ../shared/data is absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clearance.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


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
