"""The user's ownership file: ``owner,owned,share[,as_of,source]``, one link per row.

Read with the screening file readers (CSV, JSON lines, XLSX, Parquet), so a file in any of
them works. Reading is pure and lenient: a row that cannot be a link becomes a
:class:`RowProblem` and the others are read on; the file as a whole is refused only when it
lacks the ``owner`` and ``owned`` columns or is larger than ``MAX_ROWS``.

Each row is read as an :class:`OwnershipLink` whose ``owner`` and ``owned`` are still the
references as written; resolving them to entity ids (``exposure/ownership.py``) gives the
link the store keeps. ``owner`` and ``owned`` are a listed entity id (``us-ofac-sdn:12345``),
a party of an earlier ownership file (``ownership:...``), a name to resolve with the matcher,
or ``name:TEXT`` for a party that is on no list whatever the matcher says. ``share`` is a
percentage (``60``, ``60%``, ``33.5``), empty when not known; ``as_of`` the ISO day from which
the share is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from clearance.errors import InputError
from clearance.exposure.edges import parse_share
from clearance.screen_io import detect_format, read_rows
from clearance.store.ownership import OwnershipLink

COLUMNS = ("owner", "owned", "share", "as_of", "source")
#: rows read from one file at most, and the longest value kept
MAX_ROWS = 1_000_000
MAX_VALUE = 500


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    message: str
    #: (entity id, name, score) of the entities an ambiguous name matched
    candidates: tuple[tuple[str, str, float], ...] = ()

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"row": self.row, "message": self.message}
        if self.candidates:
            out["candidates"] = [
                {"entity_id": c[0], "name": c[1], "score": c[2]} for c in self.candidates
            ]
        return out


def _value(row: dict[str, str], column: str) -> str:
    return " ".join(row.get(column, "").split())


def parse_row(number: int, row: dict[str, str]) -> OwnershipLink | RowProblem:
    """One row of the file, or what is wrong with it."""
    if "__error__" in row:
        return RowProblem(number, row["__error__"])
    owner, owned = _value(row, "owner"), _value(row, "owned")
    if not owner or not owned:
        return RowProblem(number, "the row needs both an owner and an owned party")
    if max(len(owner), len(owned)) > MAX_VALUE:
        return RowProblem(number, f"a party is longer than {MAX_VALUE} characters")
    if owner.casefold() == owned.casefold():
        return RowProblem(number, "a party cannot own itself")
    raw_share = _value(row, "share")
    share = parse_share(raw_share) if raw_share else None
    if raw_share and share is None:
        return RowProblem(number, f"share {raw_share!r} is not a percentage from 0 to 100")
    as_of = _value(row, "as_of")
    if as_of:
        try:
            as_of = date.fromisoformat(as_of[:10]).isoformat()
        except ValueError:
            return RowProblem(number, f"as_of {as_of!r} is not a date (YYYY-MM-DD)")
    source = _value(row, "source")[:MAX_VALUE]
    return OwnershipLink(number, owner, owned, share, as_of, source)


def parse_rows(rows: Iterable[dict[str, str]]) -> tuple[list[OwnershipLink], list[RowProblem]]:
    """Rows numbered from 1 (the header is not counted), read into links and problems."""
    good: list[OwnershipLink] = []
    problems: list[RowProblem] = []
    checked = False
    for number, row in enumerate(rows, 1):
        if number > MAX_ROWS:
            raise InputError(f"The ownership file has more than {MAX_ROWS:,} rows.")
        if not checked and "__error__" not in row:
            missing = [c for c in ("owner", "owned") if c not in row]
            if missing:
                raise InputError(
                    f"The ownership file has no {' and no '.join(missing)} column: "
                    f"expected the columns {','.join(COLUMNS)}."
                )
            checked = True
        parsed = parse_row(number, row)
        if isinstance(parsed, RowProblem):
            problems.append(parsed)
        else:
            good.append(parsed)
    return good, problems


def read_ownership_file(path: Path) -> tuple[list[OwnershipLink], list[RowProblem]]:
    """Read an ownership file in any format screening reads."""
    fmt = detect_format(path)
    rows = ({k.strip().lower(): v for k, v in row.items()} for row in read_rows(path, fmt))
    return parse_rows(rows)
