"""File screening in the browser, over the jobs of the HTTP API (:mod:`clearance.api.jobs`).

A job's result is the JSON lines file ``clearance screen`` writes; the page shows it a page of
rows at a time, and the downloads are written from it by the writers of ``clearance screen``
(CSV and XLSX: one line per match, JSON lines: the result itself).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from clearance.errors import InputError
from clearance.screen_batch import RowResult
from clearance.screen_io import Writer, open_rows

#: what the results table can show
ROW_FILTERS = ("matches", "all", "errors")
RESULTS_PAGE = 50
DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson",
}
#: file formats the upload form takes
UPLOADS = ("csv", "xlsx", "jsonl", "parquet")


@lru_cache(maxsize=256)
def expected_rows(path: Path, fmt: str, size: int) -> int | None:
    """About how many rows an input file has, for the progress bar: spreadsheets and Parquet
    say so; text files are counted by their line ends (a quoted line break in a CSV cell
    counts one more). ``size`` keys the cache to the file's content."""
    if fmt in ("xlsx", "parquet"):
        source = open_rows(path, fmt)
        try:
            return source.total
        finally:
            source.close()
    lines = 0
    last = b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    lines += last != b"\n"  # a last line without its line end
    return max(0, lines - 1) if fmt == "csv" else lines


@dataclass(frozen=True, slots=True)
class ResultPage:
    rows: list[dict[str, Any]]
    #: rows of the result that pass the filter, before and after this page (as far as read)
    offset: int
    more: bool


def _wanted(row: dict[str, Any], show: str) -> bool:
    if show == "matches":
        return bool(row.get("matches"))
    if show == "errors":
        return bool(row.get("error") or row.get("warnings"))
    return True


def result_page(path: Path, show: str, offset: int, limit: int = RESULTS_PAGE) -> ResultPage:
    """One page of a job's result rows that pass ``show`` (streamed: constant memory)."""
    if show not in ROW_FILTERS:
        raise InputError(f"Unknown filter {show!r}: use one of {', '.join(ROW_FILTERS)}.")
    rows: list[dict[str, Any]] = []
    seen = 0
    with path.open("rb") as fh:
        for line in fh:
            row = orjson.loads(line)
            if not _wanted(row, show):
                continue
            if seen >= offset + limit:
                return ResultPage(rows, offset, True)
            if seen >= offset:
                rows.append(row)
            seen += 1
    return ResultPage(rows, offset, False)


def _results(path: Path) -> Iterator[RowResult]:
    with path.open("rb") as fh:
        for line in fh:
            data = orjson.loads(line)
            yield RowResult(
                row=data["row"],
                reference=data.get("reference", ""),
                name=data.get("name", ""),
                matches=data.get("matches", []),
                error=data.get("error", ""),
                warnings=data.get("warnings", []),
            )


def download(result: Path, fmt: str) -> Path:
    """The result of a finished job in ``fmt``, written once beside it (a result never
    changes once the job is done)."""
    if fmt not in DOWNLOADS:
        raise InputError(f"Cannot download as {fmt!r}: use one of {', '.join(DOWNLOADS)}.")
    if fmt == "jsonl":
        return result
    target = result.with_name(f"download.{fmt}")
    if target.exists():
        return target
    fd, tmp = tempfile.mkstemp(prefix=".download-", suffix=f".{fmt}", dir=result.parent)
    os.close(fd)
    try:
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                _write_all(Writer("csv", out), result)
        else:
            _write_all(Writer(fmt, None, Path(tmp)), result)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _write_all(writer: Writer, result: Path) -> None:
    for row in _results(result):
        writer.write(row)
    writer.close()
