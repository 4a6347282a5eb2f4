"""An import is all or nothing: a process killed mid-import leaves the previous version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from clearance.catalog import import_dataset
from clearance.settings import Settings
from clearance.store import Store
from tests.conftest import ROOT
from tests.store.fakesource import FAKE_ID, FakeSource, sample_rows, write_fake

# Runs an import that pauses after every row of the new version is written, before COMMIT.
CHILD = """
import sys, time
from pathlib import Path
from clearance.catalog import import_dataset
from clearance.settings import Settings
from clearance.store import Store, versions
from tests.store.fakesource import FakeSource

original = versions.Store._write_version

def paused(self, *args, **kwargs):
    version_id = original(self, *args, **kwargs)
    print("WRITTEN", version_id, flush=True)
    time.sleep(120)
    return version_id

versions.Store._write_version = paused
store = Store.open(Settings(home=Path(sys.argv[1]), database_url=sys.argv[3]))
import_dataset(store, FakeSource().read(Path(sys.argv[2])), source=FakeSource())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_import_leaves_previous_version(store_settings: Settings, tmp_path: Path) -> None:
    settings = store_settings
    source = FakeSource()
    with Store.open(settings) as store:
        first = import_dataset(
            store, source.read(write_fake(tmp_path / "v1.csv", sample_rows(300))), source=source
        )
        expected = {e.id: e for e in store.iter_entities()}
    bigger = write_fake(tmp_path / "v2.csv", sample_rows(3000, prefix="N"))
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(settings.home), str(bigger), settings.database_url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            line = child.stdout.readline()
            assert line.startswith("WRITTEN"), line
            # while the import's transaction is open, readers still see the active version
            with Store.open(settings) as reader:
                assert reader.active_versions()[FAKE_ID].id == first.id
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.kill()
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with Store.open(settings) as store:
        if store.connection.dialect == "sqlite":
            assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [v.id for v in store.versions(FAKE_ID)] == [first.id]
        assert store.active_versions()[FAKE_ID] == first
        assert {e.id: e for e in store.iter_entities()} == expected
        count = store.connection.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        assert count == 300
        # and the store still takes the new version afterwards
        second = import_dataset(store, source.read(bigger), source=source, force=True)
        assert store.active_versions()[FAKE_ID] == second
