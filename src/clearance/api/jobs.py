"""Screening jobs: a file of rows screened in the background, its result downloaded later.

Each job is a directory under ``settings.home/jobs/<id>/``: ``input.<format>`` (CSV, JSON
lines, XLSX or Parquet, read by :mod:`clearance.screen_io` as ``clearance screen`` reads
files), ``status.json`` (rewritten atomically as the job progresses) and ``result.jsonl``:
one line per input row, exactly as ``clearance screen`` writes JSON lines
(``{"row", "reference", "name", "matches", "warnings"}``, and ``"error"`` for a row without a
usable name). Rows are screened by the one batch engine. Status lives in files, so any server
process can answer for any job. On shutdown running jobs stop between chunks and are marked
``cancelled``. Jobs run on :class:`WorkQueue`, the one queue of background work, which book
imports (:mod:`clearance.api.monitoring`) use too.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

import orjson
from starlette.concurrency import run_in_threadpool

from clearance.atomic import replacing
from clearance.errors import ClearanceError, InputError, NotFoundError
from clearance.queries import Columns
from clearance.screen_batch import RowResult
from clearance.screen_io import FORMATS, SUFFIXES, open_rows

if TYPE_CHECKING:
    from starlette.requests import Request

T = TypeVar("T")

#: content types of a raw upload -> format
CONTENT_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/jsonlines": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
}
#: rows between status updates
STATUS_EVERY = 256


class _Cancelled(Exception):
    """The server is shutting down: the job stops between chunks."""


@dataclass(frozen=True)
class JobSpec:
    """What a job screens with: the caller's key, the options and the column mapping."""

    job_id: str
    key_id: str
    key_name: str = ""
    profile: str | None = None
    threshold: float | None = None
    limit: int = 5
    sources: tuple[str, ...] = ()
    columns: Columns = field(default_factory=Columns)
    #: the day listings and ownership rules are read for (ISO; "" the day it runs)
    as_of: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "profile": self.profile,
            "threshold": self.threshold,
            "limit": self.limit,
            "sources": list(self.sources),
            "columns": {k: list(v) for k, v in vars(self.columns).items()},
        }

    @classmethod
    def of(cls, job_id: str, key_id: str, key_name: str, data: Mapping[str, Any]) -> JobSpec:
        columns = Columns(**{k: tuple(v) for k, v in (data.get("columns") or {}).items()})
        return cls(
            job_id=job_id,
            key_id=key_id,
            key_name=key_name,
            profile=data.get("profile"),
            threshold=data.get("threshold"),
            limit=int(data.get("limit") or 5),
            sources=tuple(data.get("sources") or ()),
            columns=columns,
            as_of=str(data.get("as_of") or ""),
        )


#: screens the rows of a job: (rows, job, stop) -> one result per row, in order
JobRunner = Callable[
    [Iterable[Mapping[str, Any]], JobSpec, Callable[[], None]], Iterator[RowResult]
]


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


def work_dir(home: Path, prefix: str, work_id: str, noun: str) -> Path:
    """The folder of one piece of background work (``job_...``, ``imp_...``) under ``home``;
    NotFoundError for an id that is not one (never a path outside ``home``)."""
    if not work_id.startswith(prefix) or not work_id[len(prefix) :].isalnum():
        raise NotFoundError(f"No such {noun}: {work_id!r}.")
    return home / work_id


def write_status(folder: Path, status: dict[str, Any]) -> None:
    """Replace the work's ``status.json`` at once (a reader sees the old or the new one)."""
    with replacing(folder / "status.json") as out:
        out.write(orjson.dumps(status))


def save_upload(data: BinaryIO | bytes, path: Path) -> None:
    """Write an upload to ``path``; an empty one is refused (InputError)."""
    with path.open("wb") as out:
        if isinstance(data, bytes):
            out.write(data)
        else:
            shutil.copyfileobj(data, out, 1 << 20)
    if path.stat().st_size == 0:
        raise InputError("The uploaded file is empty.")


async def submit_upload(
    request: Request, explicit: str | None, submit: Callable[[BinaryIO | bytes, str], T]
) -> T:
    """Hand a request's upload (the raw body, or the ``file`` field of a form) and its format
    to ``submit``, run in a worker thread."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        fmt = format_for(None, content_type, explicit)
        data = await request.body()
        return await run_in_threadpool(submit, data, fmt)
    form = await request.form()
    try:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InputError("Send the rows as the 'file' field of the form.")
        fmt = format_for(upload.filename, upload.content_type, explicit)
        return await run_in_threadpool(submit, upload.file, fmt)
    finally:
        await form.close()


def format_for(filename: str | None, content_type: str | None, explicit: str | None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise InputError(f"Unknown job format {explicit!r}: use {', '.join(FORMATS)}.")
        return explicit
    if filename:
        suffix = Path(filename).suffix.lower().lstrip(".")
        fmt = SUFFIXES.get(suffix, suffix)
        if fmt in FORMATS:
            return fmt
    media = (content_type or "").split(";")[0].strip().lower()
    if media in CONTENT_TYPES:
        return CONTENT_TYPES[media]
    raise InputError(
        "Cannot tell the file format: send text/csv or application/x-ndjson (or an XLSX or "
        "Parquet file), a .csv/.jsonl/.xlsx/.parquet file name, or ?format=csv|jsonl|xlsx|parquet."
    )


@dataclass
class WorkQueue:
    """Work run in the background: the one queue behind screening jobs and book imports.

    Each piece of work has a folder of its own under ``home`` (``<prefix><hex>``) with its
    status in ``status.json``, so any process of the server answers for any piece. A piece whose
    process died (a crash or kill -9, not a graceful shutdown) is reported ``failed`` with the
    error code ``interrupted``. On shutdown, queued pieces end ``cancelled`` and running ones
    stop where their work calls :meth:`stopping`."""

    home: Path
    prefix: str
    noun: str
    workers: int = 1

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, self.workers), thread_name_prefix=self.noun
        )
        self._stop = threading.Event()

    def folder(self, work_id: str) -> Path:
        return work_dir(self.home, self.prefix, work_id, self.noun)

    def write(self, work_id: str, status: dict[str, Any]) -> None:
        write_status(self.folder(work_id), status)

    def read(self, work_id: str) -> dict[str, Any]:
        """The status of a piece (NotFoundError for an unknown id)."""
        path = self.folder(work_id) / "status.json"
        try:
            status: dict[str, Any] = orjson.loads(path.read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            raise NotFoundError(f"No such {self.noun}: {work_id!r}.") from None
        if status["state"] in ("queued", "running") and not _alive(status.get("pid")):
            status["error"] = {
                "code": "interrupted",
                "message": f"The server process running this {self.noun} stopped; submit it again.",
            }
            self._finish(work_id, status, "failed")
        return status

    def new(self) -> tuple[str, Path]:
        """A fresh id and its (created) folder."""
        work_id = self.prefix + secrets.token_hex(8)
        folder = self.folder(work_id)
        folder.mkdir(parents=True)
        return work_id, folder

    def queue(self, work_id: str, status: dict[str, Any], run: Callable[[dict[str, Any]], None]
              ) -> dict[str, Any]:  # fmt: skip
        """Record ``status`` as queued and run ``run(status)`` in the background: it may add to
        the status and raise a ClearanceError to fail the piece with its message."""
        status = {"id": work_id, "state": "queued", "created_at": _now(), "finished_at": None,
                  "error": None, **status, "pid": os.getpid()}  # fmt: skip
        self.write(work_id, status)
        self._pool.submit(self._run, work_id, run)
        return status

    def stopping(self) -> None:
        """Raise when the server is shutting down (work calls it between steps)."""
        if self._stop.is_set():
            raise _Cancelled

    def _run(self, work_id: str, run: Callable[[dict[str, Any]], None]) -> None:
        status = self.read(work_id)
        if self._stop.is_set():
            self._finish(work_id, status, "cancelled")
            return
        status["state"] = "running"
        self.write(work_id, status)
        try:
            run(status)
        except _Cancelled:
            self._finish(work_id, status, "cancelled")
            return
        except ClearanceError as exc:
            status["error"] = {"code": exc.code, "message": exc.message}
            self._finish(work_id, status, "failed")
            return
        except Exception:  # recorded on the piece; the server keeps running
            status["error"] = {
                "code": "internal",
                "message": f"The {self.noun} failed unexpectedly.",
            }
            self._finish(work_id, status, "failed")
            raise
        self._finish(work_id, status, "done")

    def _finish(self, work_id: str, status: dict[str, Any], state: str) -> None:
        status["state"] = state
        status["finished_at"] = _now()
        self.write(work_id, status)

    def shutdown(self) -> None:
        """Queued pieces end cancelled; running ones stop at their next :meth:`stopping`."""
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=False)


@dataclass
class JobManager:
    home: Path
    runner: JobRunner
    workers: int = 1

    def __post_init__(self) -> None:
        self.work = WorkQueue(self.home, "job_", "job", self.workers)

    def status(self, job_id: str, key_id: str | None) -> dict[str, Any]:
        """A job's status; ``key_id`` None means any job (admin)."""
        status = self.work.read(job_id)
        if key_id is not None and status.get("key_id") != key_id:
            raise NotFoundError(f"No such job: {job_id!r}.")
        return status

    def result_path(self, job_id: str, key_id: str | None) -> Path:
        status = self.status(job_id, key_id)
        if status["state"] != "done":
            raise NotFoundError(f"Job {job_id} has no result yet (state: {status['state']}).")
        return self.work.folder(job_id) / "result.jsonl"

    def submit(
        self, data: BinaryIO | bytes, fmt: str, spec: JobSpec, encoding: str | None = None
    ) -> dict[str, Any]:
        """Store an upload and queue it. The file is opened and its header checked first: an
        upload that cannot be read (encoding, format, no name column) is refused now."""
        job_id, folder = self.work.new()
        path = folder / f"input.{fmt}"
        try:
            save_upload(data, path)
            source = open_rows(path, fmt, encoding)
            source.require(spec.columns.name)
            source.close()
        except ClearanceError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        status: dict[str, Any] = {
            "rows_total": None,
            "rows_done": 0,
            "rows_matched": 0,
            "rows_failed": 0,
            "rows_warned": 0,
            "key_id": spec.key_id,
            "key_name": spec.key_name,
            "format": fmt,
            "encoding": encoding,
            "options": spec.to_dict(),
        }
        return self.work.queue(job_id, status, lambda status: self._run(job_id, status))

    def _run(self, job_id: str, status: dict[str, Any]) -> None:
        folder = self.work.folder(job_id)
        spec = JobSpec.of(job_id, status["key_id"], status.get("key_name", ""), status["options"])
        with (folder / "result.part").open("wb") as out:
            self._screen_file(folder / f"input.{status['format']}", status, spec, out)
        os.replace(folder / "result.part", folder / "result.jsonl")

    def _screen_file(
        self, path: Path, status: dict[str, Any], spec: JobSpec, out: BinaryIO
    ) -> None:
        source = open_rows(path, status["format"], status.get("encoding"))
        try:
            for result in self.runner(source, spec, self.work.stopping):
                out.write(orjson.dumps(result.to_dict()) + b"\n")
                status["rows_done"] += 1
                status["rows_matched"] += bool(result.matches)
                status["rows_failed"] += bool(result.error)
                status["rows_warned"] += bool(result.warnings)
                if status["rows_done"] % STATUS_EVERY == 0:
                    self.work.write(spec.job_id, status)
        finally:
            source.close()
        status["rows_total"] = status["rows_done"]

    def shutdown(self) -> None:
        """Stop between chunks: running and queued jobs end as ``cancelled``."""
        self.work.shutdown()
