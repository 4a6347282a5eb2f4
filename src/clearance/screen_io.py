"""File formats of batch screening: read rows, turn them into queries, write results.

Readers stream (one row at a time) from CSV, JSON lines, XLSX (openpyxl read-only) and Parquet
(pyarrow, from the ``files`` extra, imported only for Parquet). A row whose values cannot make a
query becomes a :class:`RowResult` with an error instead of stopping the run.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import orjson

from clearance.errors import InputError
from clearance.model import SCHEMATA, Query

FORMATS = ("csv", "jsonl", "xlsx", "parquet")
OUTPUT_FORMATS = ("csv", "jsonl", "xlsx")

_SCHEMA_ALIASES = {s.lower(): s for s in SCHEMATA} | {
    "individual": "Person",
    "person": "Person",
    "entity": "LegalEntity",
    "organisation": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SPLIT = re.compile(r"[;|]")


@dataclass(frozen=True)
class Columns:
    """Which input column holds which query field (first existing name wins)."""

    name: tuple[str, ...] = ("name",)
    schema: tuple[str, ...] = ("schema", "type")
    country: tuple[str, ...] = ("country",)
    birth_date: tuple[str, ...] = ("birth_date",)
    id_number: tuple[str, ...] = ("id_number",)
    reference: tuple[str, ...] = ("reference",)
    aliases: tuple[str, ...] = ("aliases",)


@dataclass
class RowResult:
    """The outcome of one input row: its matches (as dicts) or the error that stopped it."""

    row: int
    reference: str
    name: str
    matches: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "reference": self.reference, "name": self.name}
        if self.error:
            out["error"] = self.error
        out["matches"] = self.matches
        return out


def detect_format(path: Path, given: str | None = None) -> str:
    if given:
        fmt = given.lower()
    else:
        suffix = path.suffix.lower().lstrip(".")
        fmt = {"ndjson": "jsonl", "json": "jsonl", "xlsm": "xlsx", "pq": "parquet"}.get(
            suffix, suffix
        )
    if fmt not in FORMATS:
        raise InputError(f"Cannot tell the format of {path}: use one of {', '.join(FORMATS)}.")
    return fmt


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path, fmt: str) -> Iterator[dict[str, str]]:
    """The rows of an input file as ``{column: text}``, streamed."""
    if not path.is_file():
        raise InputError(f"Input file {path} does not exist.")
    if fmt == "csv":
        yield from _read_csv(path)
    elif fmt == "jsonl":
        yield from _read_jsonl(path)
    elif fmt == "xlsx":
        yield from _read_xlsx(path)
    else:
        yield from _read_parquet(path)


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            yield {str(k).strip(): _cell(v) for k, v in row.items() if k is not None}


def _read_jsonl(path: Path) -> Iterator[dict[str, str]]:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:
                yield {"__error__": f"line {number} is not valid JSON"}
                continue
            if not isinstance(data, dict):
                yield {"__error__": f"line {number} is not a JSON object"}
                continue
            yield {
                str(k): ";".join(map(_cell, v)) if isinstance(v, list) else _cell(v)
                for k, v in data.items()
            }


def _read_xlsx(path: Path) -> Iterator[dict[str, str]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [_cell(h) for h in next(rows, ())]
        for values in rows:
            if any(v is not None for v in values):
                yield {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
    finally:
        book.close()


def _read_parquet(path: Path) -> Iterator[dict[str, str]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise InputError("Reading Parquet needs pyarrow: pip install 'clearance[files]'.") from exc
    for batch in pq.ParquetFile(path).iter_batches(batch_size=8192):
        for row in batch.to_pylist():
            yield {str(k): _cell(v) for k, v in row.items()}


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        if name in row:
            return row[name]
    return ""


def parse_schema(value: str) -> str:
    if not value:
        return "LegalEntity"
    schema = _SCHEMA_ALIASES.get(value.strip().lower())
    if schema is None:
        raise InputError(f"unknown schema {value!r} (use one of {', '.join(SCHEMATA)})")
    return schema


def parse_countries(value: str) -> tuple[str, ...]:
    codes = tuple(c.strip().lower() for c in re.split(r"[;,|]", value) if c.strip())
    for code in codes:
        if len(code) != 2 or not code.isalpha() or not code.isascii():
            raise InputError(f"country {code!r} is not an ISO 3166-1 alpha-2 code")
    return codes


def parse_birth_date(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    found = _DATE.match(value[:10] if len(value) > 10 and value[10] in "T " else value)
    if not found:
        raise InputError(f"birth date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = found.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise InputError(f"birth date {value!r} is not a real date") from exc
    return found.group(0)


def query_key(row: dict[str, str], columns: Columns) -> tuple[str, ...]:
    """What the query of ``row`` is made of (its reference aside): rows with the same key get
    the same matches."""
    picked = (columns.name, columns.schema, columns.country, columns.birth_date)
    return (
        row.get("__error__", ""),
        *(_pick(row, c) for c in (*picked, columns.id_number, columns.aliases)),
    )


def row_query(row: dict[str, str], columns: Columns) -> Query:
    """The query of one input row. Raises InputError with a per-row message."""
    if "__error__" in row:
        raise InputError(row["__error__"])
    name = _pick(row, columns.name)
    if not name.strip():
        raise InputError(f"no name (column {columns.name[0]!r} is missing or empty)")
    return Query(
        name=" ".join(name.split()),
        schema=parse_schema(_pick(row, columns.schema)),
        country=parse_countries(_pick(row, columns.country)),
        birth_date=parse_birth_date(_pick(row, columns.birth_date)),
        identifiers=tuple(
            v.strip() for v in _SPLIT.split(_pick(row, columns.id_number)) if v.strip()
        ),
        reference=_pick(row, columns.reference),
        aliases=tuple(v.strip() for v in _SPLIT.split(_pick(row, columns.aliases)) if v.strip()),
    )


# -- writers --------------------------------------------------------------------------------

CSV_COLUMNS = (
    "row", "reference", "input_name", "error", "entity_id", "source", "source_id", "name",
    "matched_name", "schema", "score", "lists", "programs", "effect", "ownership",
)  # fmt: skip


def ownership_text(match: dict[str, Any]) -> str:
    """A match's findings through ownership in one cell: rule (status): effect, share, owners."""
    return "; ".join(
        f"{f['rule']} ({f['status']}): {f['effect']['label']}, {f['share']:.4g}% owned by "
        + ", ".join(o["entity_id"] for o in f["owners"])
        for f in match.get("findings", ())
    )


def flat_lines(result: RowResult) -> Iterator[list[Any]]:
    """Table lines of one row: one per match, or one with empty match columns."""
    head = [result.row, result.reference, result.name, result.error]
    if not result.matches:
        yield head + [""] * (len(CSV_COLUMNS) - len(head))
    for m in result.matches:
        effect = m.get("effect") or {}
        yield [
            *head,
            m["entity_id"], m["source"], m["source_id"], m["name"], m.get("matched_name", ""),
            m["schema"], m["score"], ";".join(m["lists"]), ";".join(m["programs"]),
            effect.get("label", ""), ownership_text(m),
        ]  # fmt: skip


class Writer:
    """Writes row results to a stream (CSV, JSON lines) or an XLSX file, one row at a time.

    Results of other jobs (asset screening) give their own ``columns`` and ``lines``; a result
    is anything with ``to_dict()``."""

    def __init__(
        self,
        fmt: str,
        stream: IO[str] | None,
        path: Path | None = None,
        columns: tuple[str, ...] = CSV_COLUMNS,
        lines: Callable[[Any], Iterable[list[Any]]] = flat_lines,
    ) -> None:
        if fmt not in OUTPUT_FORMATS:
            raise InputError(f"Cannot write {fmt}: use one of {', '.join(OUTPUT_FORMATS)}.")
        self.fmt, self.stream, self.path = fmt, stream, path
        self.lines = lines
        self._csv: Any = None
        self._book: Any = None
        if fmt == "csv" and stream is not None:
            self._csv = csv.writer(stream)
            self._csv.writerow(columns)
        elif fmt == "xlsx":
            if path is None:
                raise InputError("XLSX output needs --out FILE.")
            import openpyxl

            self._book = openpyxl.Workbook(write_only=True)
            self._sheet = self._book.create_sheet("matches")
            self._sheet.append(list(columns))

    def write(self, result: Any) -> None:
        if self.fmt == "jsonl" and self.stream is not None:
            self.stream.write(orjson.dumps(result.to_dict()).decode() + "\n")
        elif self._csv is not None:
            self._csv.writerows(self.lines(result))
        elif self._book is not None:
            for line in self.lines(result):
                self._sheet.append(line)

    def close(self) -> None:
        if self._book is not None and self.path is not None:
            self._book.save(self.path)
