"""The audit log of HTTP screenings: durable when record() returns, safe across threads and
connections, and written to the audit chain."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from clearance.errors import StoreError
from clearance.store import open_database
from clearance.store.audit import AuditEntry, AuditLog


def entry(n: int) -> AuditEntry:
    return AuditEntry(
        key_id="key_1",
        key_name="ops",
        endpoint="/match/default",
        query={"name": f"Name {n}"},
        versions={"test-a": "1"},
        algorithm="balanced/x",
        results=[{"id": f"test-a:{n}", "score": 0.9, "match": True}],
        request_id=f"r{n}",
    )


def test_rows_are_committed_when_record_returns(tmp_path: Path) -> None:
    path = str(tmp_path / "db.sqlite3")
    log = AuditLog(open_database(path))
    other = AuditLog(open_database(path))  # another connection, as another process would be
    log.record([entry(1), entry(2)])
    assert [e.request_id for e in other.entries()] == ["r2", "r1"]
    assert other.entries(limit=1)[0].results == [{"id": "test-a:2", "score": 0.9, "match": True}]
    log.close()
    other.close()


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    log = AuditLog(open_database(str(tmp_path / "db.sqlite3")))

    def write(start: int) -> None:
        for n in range(start, start + 25):
            log.record([entry(n)])

    threads = [threading.Thread(target=write, args=(i * 100,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = {e.request_id for e in log.entries(limit=1000)}
    assert ids == {f"r{i * 100 + n}" for i in range(8) for n in range(25)}
    log.close()
    with pytest.raises(StoreError):
        log.record([entry(1)])


def test_a_failed_commit_reaches_the_caller(tmp_path: Path) -> None:
    connection = open_database(str(tmp_path / "db.sqlite3"))
    log = AuditLog(connection)
    connection.execute("DROP TABLE audit_chain")
    with pytest.raises(Exception, match="audit_chain"):
        log.record([entry(1)])
    log.close()
