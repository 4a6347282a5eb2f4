"""The command line's tests run with an environment of their own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new, empty CLEARANCE_HOME, with no other CLEARANCE_ setting of the environment.
    Test files that need lists or files in it extend this fixture under the same name."""
    for key in [k for k in os.environ if k.startswith("CLEARANCE_")]:
        monkeypatch.delenv(key)
    target = tmp_path / "home"
    monkeypatch.setenv("CLEARANCE_HOME", str(target))
    return target
