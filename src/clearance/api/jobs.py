"""Screening jobs: a file of rows screened in the background, its result downloaded later.

Each job is a directory under ``settings.home/jobs/<id>/``: ``input.csv`` or ``input.jsonl``,
``status.json`` (rewritten atomically as the job progresses) and ``result.jsonl`` (one line per
input row: ``{"row", "reference", "name", "hits"}`` or ``{"row", "error"}``). Status lives in
files, so any server process can answer for any job. On shutdown running jobs stop between
chunks and are marked ``cancelled``.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from clearance.errors import ClearanceError, InputError, NotFoundError

FORMATS = ("csv", "jsonl")
CHUNK = 100
#: content types of a raw upload -> format
CONTENT_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/jsonlines": "jsonl",
    "application/x-jsonlines": "jsonl",
}

#: screens one chunk of rows for a caller: (rows, key_id, options) -> results per row
ChunkScreener = Callable[[list[dict[str, Any]], Mapping[str, Any]], list[dict[str, Any]]]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def format_for(filename: str | None, content_type: str | None, explicit: str | None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise InputError(f"Unknown job format {explicit!r}: use csv or jsonl.")
        return explicit
    if filename:
        suffix = Path(filename).suffix.lower().lstrip(".")
        if suffix in ("csv", "jsonl", "ndjson"):
            return "csv" if suffix == "csv" else "jsonl"
    media = (content_type or "").split(";")[0].strip().lower()
    if media in CONTENT_TYPES:
        return CONTENT_TYPES[media]
    raise InputError(
        "Cannot tell the file format: send text/csv or application/x-ndjson, "
        "a .csv/.jsonl file name, or ?format=csv|jsonl."
    )


def read_rows(path: Path, fmt: str) -> Iterator[dict[str, Any] | ClearanceError]:
    """Rows of an uploaded file; an unreadable row is yielded as the error it raised."""
    if fmt == "csv":
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or "name" not in [
                f.strip().lower() for f in reader.fieldnames
            ]:
                raise InputError("The CSV file needs a header row with a 'name' column.")
            for record in reader:
                yield {str(k).strip().lower(): v for k, v in record.items() if k is not None}
        return
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError:
                yield InputError(f"Line {number} is not valid JSON.")
                continue
            yield (
                value
                if isinstance(value, dict)
                else InputError(f"Line {number} is not a JSON object.")
            )


def check_upload(data: bytes, fmt: str) -> None:
    """Reject an upload that is not text of the declared format before queueing it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("The uploaded file is not UTF-8 text.") from None
    if not text.strip():
        raise InputError("The uploaded file is empty.")
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(text)), [])
        if "name" not in [h.strip().lower() for h in header]:
            raise InputError("The CSV file needs a header row with a 'name' column.")


@dataclass
class JobManager:
    home: Path
    screen_chunk: ChunkScreener
    workers: int = 1

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=max(1, self.workers), thread_name_prefix="job")
        self._stop = threading.Event()

    # -- files ----------------------------------------------------------------------------

    def _dir(self, job_id: str) -> Path:
        if not job_id.startswith("job_") or not job_id[4:].isalnum():
            raise NotFoundError(f"No such job: {job_id!r}.")
        return self.home / job_id

    def _write_status(self, job_id: str, status: dict[str, Any]) -> None:
        path = self._dir(job_id) / "status.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(orjson.dumps(status))
        os.replace(tmp, path)

    def status(self, job_id: str, key_id: str | None) -> dict[str, Any]:
        """A job's status; ``key_id`` None means any job (admin)."""
        path = self._dir(job_id) / "status.json"
        try:
            status: dict[str, Any] = orjson.loads(path.read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            raise NotFoundError(f"No such job: {job_id!r}.") from None
        if key_id is not None and status.get("key_id") != key_id:
            raise NotFoundError(f"No such job: {job_id!r}.")
        if status["state"] in ("queued", "running") and not _alive(status.get("pid")):
            # the process running it died (a crash or kill -9, not a graceful shutdown)
            status["error"] = {
                "code": "interrupted",
                "message": "The server process running this job stopped; submit it again.",
            }
            self._finish(job_id, status, "failed")
        return status

    def result_path(self, job_id: str, key_id: str | None) -> Path:
        status = self.status(job_id, key_id)
        if status["state"] != "done":
            raise NotFoundError(f"Job {job_id} has no result yet (state: {status['state']}).")
        return self._dir(job_id) / "result.jsonl"

    # -- running --------------------------------------------------------------------------

    def submit(
        self, data: bytes, fmt: str, key_id: str, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        check_upload(data, fmt)
        job_id = "job_" + secrets.token_hex(8)
        folder = self._dir(job_id)
        folder.mkdir(parents=True)
        (folder / f"input.{fmt}").write_bytes(data)
        status: dict[str, Any] = {
            "id": job_id,
            "state": "queued",
            "created_at": _now(),
            "finished_at": None,
            "rows_total": None,
            "rows_done": 0,
            "matches": 0,
            "error": None,
            "key_id": key_id,
            "pid": os.getpid(),
            "format": fmt,
            "options": dict(options),
        }
        self._write_status(job_id, status)
        self._pool.submit(self._run, job_id)
        return status

    def _run(self, job_id: str) -> None:
        status = self.status(job_id, None)
        if self._stop.is_set():
            self._finish(job_id, status, "cancelled")
            return
        status["state"] = "running"
        self._write_status(job_id, status)
        folder = self._dir(job_id)
        try:
            with (folder / "result.part").open("wb") as out:
                self._screen_file(folder / f"input.{status['format']}", status, out, job_id)
        except ClearanceError as exc:
            status["error"] = {"code": exc.code, "message": exc.message}
            self._finish(job_id, status, "failed")
            return
        except Exception:  # recorded on the job; the server keeps running
            status["error"] = {"code": "internal", "message": "The job failed unexpectedly."}
            self._finish(job_id, status, "failed")
            raise
        if self._stop.is_set():
            self._finish(job_id, status, "cancelled")
            return
        os.replace(folder / "result.part", folder / "result.jsonl")
        self._finish(job_id, status, "done")

    def _screen_file(self, path: Path, status: dict[str, Any], out: Any, job_id: str) -> None:
        chunk: list[tuple[int, dict[str, Any] | ClearanceError]] = []
        number = 0
        for number, row in enumerate(read_rows(path, status["format"]), start=1):
            chunk.append((number, row))
            if len(chunk) >= CHUNK:
                if self._stop.is_set():
                    return
                self._flush(chunk, status, out, job_id)
                chunk = []
        self._flush(chunk, status, out, job_id)
        status["rows_total"] = number

    def _flush(
        self,
        chunk: list[tuple[int, dict[str, Any] | ClearanceError]],
        status: dict[str, Any],
        out: Any,
        job_id: str,
    ) -> None:
        """Screen the readable rows of a chunk and write every row's line, in order."""
        if not chunk:
            return
        options = {**status["options"], "key_id": status["key_id"], "job_id": job_id}
        rows = [row for _, row in chunk if not isinstance(row, ClearanceError)]
        results = iter(self.screen_chunk(rows, options) if rows else [])
        for number, row in chunk:
            if isinstance(row, ClearanceError):
                line: dict[str, Any] = {"error": {"code": row.code, "message": row.message}}
            else:
                line = next(results)
                status["matches"] += sum(1 for h in line.get("hits", []) if h.get("match"))
            out.write(orjson.dumps({"row": number, **line}) + b"\n")
        status["rows_done"] += len(chunk)
        self._write_status(job_id, status)

    def _finish(self, job_id: str, status: dict[str, Any], state: str) -> None:
        status["state"] = state
        status["finished_at"] = _now()
        self._write_status(job_id, status)

    def shutdown(self) -> None:
        """Stop between chunks: running and queued jobs end as ``cancelled``."""
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=False)
