"""Files of batch screening: one reader per input format, one writer per output format.

:func:`open_rows` opens CSV, JSON lines, XLSX (openpyxl, read-only) or Parquet (pyarrow; both
from the ``files`` extra, imported only for their formats) and reads its header before
anything is screened or written, so a file that cannot be read is refused with one paragraph
up front. Rows then stream one at a time as ``{column: value}``. A text file's encoding is
found from its byte-order mark, else it must be UTF-8, else the encoding the caller declares.
A row its reader cannot read becomes a row with an error, and the file goes on.

The command line, the Python API and the HTTP API's jobs read files here.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

import orjson

from clearance.errors import InputError
from clearance.queries import ERROR_FIELD
from clearance.screen_batch import RowResult

FORMATS = ("csv", "jsonl", "xlsx", "parquet")
OUTPUT_FORMATS = ("csv", "jsonl", "xlsx", "parquet")
SUFFIXES = {"ndjson": "jsonl", "json": "jsonl", "xlsm": "xlsx", "pq": "parquet", "txt": "csv"}
#: the largest CSV field read; a longer one makes its row an error (no name is that long)
MAX_FIELD_CHARS = 1 << 20
#: bytes checked for text before a file is read
_SNIFF = 1 << 16
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

Row = dict[str, Any]
_NEEDS = "{} needs {}: pip install 'clearance[files]'."


def detect_format(path: Path, given: str | None = None) -> str:
    if given:
        fmt = given.lower()
    else:
        suffix = path.suffix.lower().lstrip(".")
        fmt = SUFFIXES.get(suffix, suffix)
    if fmt not in FORMATS:
        raise InputError(
            f"Cannot tell the format of {path}: name it .csv, .jsonl, .xlsx or .parquet, or say "
            f"which it is with --input-format ({', '.join(FORMATS)})."
        )
    return fmt


def read_cell(value: Any) -> Any:
    """A value of a typed file (Parquet, XLSX, JSON lines, a Spark DataFrame) as a row holds
    it: text stripped, a date as its ISO day, a whole float as an integer, lists item by item,
    nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return [read_cell(v) for v in value if v is not None]
    if isinstance(value, dict):
        return value
    return str(value).strip()


class _Counted(io.RawIOBase):
    """A binary file that counts the bytes read from it (for progress)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.count += size or 0
        return int(size or 0)

    def close(self) -> None:
        self.raw.close()
        super().close()


class RowSource:
    """The rows of one input file, opened and checked: its ``columns`` (the header) are known
    before the first row is read, and ``done`` / ``total`` tell how far reading is (in
    ``unit``: bytes or rows; ``total`` is None when unknown)."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        columns: list[str],
        rows: Iterator[Row],
        total: int | None,
        unit: str,
        counter: _Counted | None = None,
        close: Callable[[], None] | None = None,
    ) -> None:
        self.path, self.fmt, self.columns = path, fmt, columns
        self.total, self.unit = total, unit
        self._rows, self._counter, self._read = rows, counter, 0
        self._close = close

    def close(self) -> None:
        """Release the file (reading it to the end does too)."""
        if self._close is not None:
            self._close()
            self._close = None

    def __iter__(self) -> Iterator[Row]:
        for row in self._rows:
            self._read += 1
            yield row

    @property
    def done(self) -> int:
        return self._counter.count if self._counter is not None else self._read

    def require(self, names: tuple[str, ...], what: str = "name") -> None:
        """Refuse a file none of whose columns is one of ``names``, naming the columns found."""
        if not any(name in self.columns for name in names):
            found = ", ".join(repr(c) for c in self.columns[:30]) or "none"
            raise InputError(
                f"{self.path} has no {what} column {' or '.join(repr(n) for n in names)}: its "
                f"columns are {found}. Say which column holds the {what} with "
                f"--{what.replace('_', '-')}-column."
            )


def open_rows(path: Path, fmt: str, encoding: str | None = None) -> RowSource:
    """Open an input file of ``fmt``, read its header and check that it can be read."""
    if not path.is_file():
        raise InputError(f"Input file {path} does not exist.")
    if fmt in ("csv", "jsonl"):
        return _open_text(path, fmt, encoding)
    if fmt == "xlsx":
        return _open_xlsx(path)
    return _open_parquet(path)


# -- text files -----------------------------------------------------------------------------


def text_encoding(path: Path, declared: str | None = None) -> str:
    """The encoding to read a text file with: its byte-order mark's, else UTF-8 when the whole
    file is valid UTF-8, else ``declared``. Refuses binary files and undeclared encodings."""
    with path.open("rb") as fh:
        head = fh.read(_SNIFF)
    for bom, name in _BOMS:
        if head.startswith(bom):
            where = _invalid_at(path, name)
            if where is not None:
                raise InputError(f"{path} starts as {name} text but is not ({where}).")
            return name
    wide = declared is not None and declared.lower().startswith(("utf-16", "utf_16", "utf-32"))
    if b"\x00" in head and not wide:
        raise InputError(
            f"{path} is not a text file (it has NUL bytes): a CSV or JSON lines file is "
            "expected. A UTF-16 file without a byte-order mark can be read with "
            "--encoding utf-16-le (or utf-16-be)."
        )
    if not wide:
        where = _invalid_at(path, "utf-8")
        if where is None:
            return "utf-8"
    if declared is None:
        raise InputError(
            f"{path} is not UTF-8 text ({where}). Files saved by spreadsheet programs are often "
            "Windows-1252 or Latin-1: say which with --encoding cp1252 (or latin-1, utf-16, "
            "...) and screen it again."
        )
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise InputError(f"Unknown encoding {declared!r}: use cp1252, latin-1, utf-16...") from None
    where = _invalid_at(path, name)
    if where is not None:
        raise InputError(f"{path} is not {declared} text either ({where}).")
    return name


def _invalid_at(path: Path, encoding: str) -> str | None:
    """Where the file stops being text of ``encoding`` ("line 12, byte 0xe9"), or None."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = chunk[exc.start : exc.start + 1]
                at = line + chunk[: exc.start].count(b"\n")
                return f"line {at}, byte 0x{bad.hex()}"
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "it ends in the middle of a character"
    return None


def _open_text(path: Path, fmt: str, declared: str | None) -> RowSource:
    encoding = text_encoding(path, declared)
    total = path.stat().st_size
    counter = _Counted(path.open("rb"))
    buffered = io.BufferedReader(counter, 1 << 16)
    if fmt == "csv":
        text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
        csv.field_size_limit(MAX_FIELD_CHARS)
        reader = csv.reader(text)
        try:
            header = [h.strip() for h in next(reader, [])]
        except csv.Error as exc:
            text.close()
            raise InputError(f"Cannot read the header row of {path}: {exc}.") from None
        if not any(header):
            text.close()
            raise InputError(f"{path} is empty: a CSV file with a header row is expected.")
        return RowSource(path, fmt, header, _csv_rows(reader, header, text), total, "bytes",
                         counter, text.close)  # fmt: skip
    lines: Iterator[bytes] = (
        buffered
        if encoding in ("utf-8", "utf-8-sig")
        else (line.encode() for line in io.TextIOWrapper(buffered, encoding=encoding))
    )
    first, rows = _jsonl_rows(lines, buffered)
    return RowSource(path, fmt, first, rows, total, "bytes", counter, buffered.close)


def _csv_rows(reader: Any, header: list[str], handle: IO[str]) -> Iterator[Row]:
    try:
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield {ERROR_FIELD: f"line {reader.line_num} cannot be read: {exc}"}
                continue
            if not any(v.strip() for v in values):
                continue
            yield {h: v.strip() for h, v in zip(header, values, strict=False) if h}
    finally:
        handle.close()


def _jsonl_rows(lines: Iterator[bytes], handle: IO[bytes]) -> tuple[list[str], Iterator[Row]]:
    """The keys of the first object, and the rows (the first one included)."""
    numbered = enumerate(lines, 1)
    first: Row | None = None
    for number, line in numbered:
        if not line.strip():
            continue
        first = _json_row(number, line.removeprefix(codecs.BOM_UTF8))
        break
    columns = [k for k in (first or {}) if k != ERROR_FIELD]

    def rows() -> Iterator[Row]:
        try:
            if first is not None:
                yield first
            for number, line in numbered:
                if line.strip():
                    yield _json_row(number, line)
        finally:
            handle.close()

    return columns, rows()


def _json_row(number: int, line: bytes) -> Row:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        return {ERROR_FIELD: f"line {number} is not valid JSON"}
    if not isinstance(data, dict):
        return {ERROR_FIELD: f"line {number} is not a JSON object"}
    return {str(k): read_cell(v) for k, v in data.items()}


# -- spreadsheets and columnar files --------------------------------------------------------


def _open_xlsx(path: Path) -> RowSource:
    try:
        import openpyxl
    except ImportError as exc:
        raise InputError(_NEEDS.format("Reading XLSX", "openpyxl")) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(read_cell(h)) for h in next(rows, ())]
    except Exception as exc:  # openpyxl raises many kinds for files that are not XLSX
        raise InputError(f"{path} cannot be read as an XLSX workbook ({exc}).") from None
    total = sheet.max_row - 1 if isinstance(sheet.max_row, int) else None

    def read() -> Iterator[Row]:
        try:
            for values in rows:
                if any(v is not None for v in values):
                    yield {h: read_cell(v) for h, v in zip(header, values, strict=False) if h}
        finally:
            book.close()

    return RowSource(path, "xlsx", header, read(), total, "rows", close=book.close)


def _open_parquet(path: Path) -> RowSource:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise InputError(_NEEDS.format("Reading Parquet", "pyarrow")) from exc
    try:
        handle = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow's ArrowInvalid and OSError for files that are not Parquet
        raise InputError(f"{path} cannot be read as a Parquet file ({exc}).") from None
    columns = [str(name) for name in handle.schema_arrow.names]

    def read() -> Iterator[Row]:
        for batch in handle.iter_batches(batch_size=8192):
            for row in batch.to_pylist():
                yield {str(k): read_cell(v) for k, v in row.items()}

    total = handle.metadata.num_rows
    return RowSource(path, "parquet", columns, read(), total, "rows", close=handle.close)


def read_rows(path: Path, fmt: str, encoding: str | None = None) -> RowSource:
    """The rows of an input file (see :func:`open_rows`)."""
    return open_rows(path, fmt, encoding)


# -- writers --------------------------------------------------------------------------------

CSV_COLUMNS = (
    "row", "reference", "input_name", "error", "entity_id", "source", "source_id", "name",
    "matched_name", "schema", "score", "lists", "programs", "effect", "ownership", "warnings",
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
    warnings = "; ".join(result.warnings)
    if not result.matches:
        yield [*head, *[""] * (len(CSV_COLUMNS) - len(head) - 1), warnings]
    for m in result.matches:
        effect = m.get("effect") or {}
        yield [
            *head,
            m["entity_id"], m["source"], m["source_id"], m["name"], m.get("matched_name", ""),
            m["schema"], m["score"], ";".join(m["lists"]), ";".join(m["programs"]),
            effect.get("label", ""), ownership_text(m), warnings,
        ]  # fmt: skip


def output_format(out_path: Path | None, given: str | None) -> str:
    """The output format: as given, else from the output file's suffix, else JSON lines. An
    output file whose suffix names no output format is refused."""
    if given:
        return given
    if out_path is None:
        return "jsonl"
    suffix = out_path.suffix.lower().lstrip(".")
    fmt = SUFFIXES.get(suffix, suffix)
    if fmt not in OUTPUT_FORMATS:
        raise InputError(
            f"Cannot tell the output format from {out_path.name}: name it .jsonl, .csv, .xlsx "
            f"or .parquet, or give --format ({', '.join(OUTPUT_FORMATS)})."
        )
    return fmt


class Writer:
    """Writes row results to a stream (CSV, JSON lines) or a file (XLSX, Parquet), one row at a
    time (Parquet in batches of rows).

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
        self._parquet: Any = None
        self._pending: list[list[Any]] = []
        if fmt == "csv" and stream is not None:
            self._csv = csv.writer(stream)
            self._csv.writerow(columns)
        elif fmt in ("xlsx", "parquet") and path is None:
            raise InputError(f"{fmt.upper()} output needs --out FILE.")
        elif fmt == "xlsx":
            try:
                import openpyxl
            except ImportError as exc:
                raise InputError(_NEEDS.format("XLSX output", "openpyxl")) from exc

            self._book = openpyxl.Workbook(write_only=True)
            self._sheet = self._book.create_sheet("matches")
            self._sheet.append(list(columns))
        elif fmt == "parquet":
            self._parquet = _ParquetLines(path, columns)  # type: ignore[arg-type]

    def write(self, result: Any) -> None:
        if self.fmt == "jsonl" and self.stream is not None:
            self.stream.write(orjson.dumps(result.to_dict()).decode() + "\n")
        elif self._csv is not None:
            self._csv.writerows(self.lines(result))
        elif self._book is not None:
            for line in self.lines(result):
                self._sheet.append(line)
        elif self._parquet is not None:
            self._parquet.add(flat_lines(result))

    def close(self) -> None:
        if self._book is not None and self.path is not None:
            self._book.save(self.path)
        if self._parquet is not None:
            self._parquet.close()


class _ParquetLines:
    """Table lines written to a Parquet file in row groups (every column as text, the row
    number and score as numbers)."""

    BATCH = 50_000

    def __init__(self, path: Path, columns: tuple[str, ...] = CSV_COLUMNS) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise InputError(_NEEDS.format("Parquet output", "pyarrow")) from exc
        self.pa = pa
        types = {"row": pa.int64(), "score": pa.float64()}
        self.columns = columns
        self.schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
        self.writer = pq.ParquetWriter(path, self.schema)
        self.lines: list[list[Any]] = []

    def add(self, lines: Iterable[list[Any]]) -> None:
        self.lines.extend(lines)
        if len(self.lines) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        columns = list(zip(*self.lines, strict=True))
        arrays = []
        for name, values in zip(self.columns, columns, strict=True):
            if name == "score":
                values = tuple(None if v == "" else float(v) for v in values)
            elif name != "row":
                values = tuple(str(v) for v in values)
            arrays.append(self.pa.array(values, type=self.schema.field(name).type))
        self.writer.write_table(self.pa.Table.from_arrays(arrays, schema=self.schema))
        self.lines = []

    def close(self) -> None:
        self.flush()
        self.writer.close()
