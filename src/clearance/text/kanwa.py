"""pykakasi's kanji dictionary, read one first character at a time.

pykakasi unpickles its whole kanji-reading dictionary (6,800 tables, one per first character:
about 117 MB of Python objects) the first time it converts a name, and every process that
meets a Japanese name pays that; forked screening workers copy the pages as they read them.
Here the same tables are pickled one per character into a file in the user's cache
directory, which every process maps read-only (its pages are shared), and a table is unpickled
the first time a name starting with its character is read: a few hundred tables in a
screening run, a few megabytes.

The file is written once per pykakasi release (its name carries the release and the size and
time of pykakasi's own dictionary file), by a separate process so that the caller's memory
never holds the whole dictionary, and atomically. When it cannot be written or read, or
pykakasi keeps its dictionary differently, pykakasi loads its dictionary as it always does.
"""

from __future__ import annotations

import importlib.metadata
import mmap
import pickle
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from clearance.atomic import replacing

#: the file's footer: the length of the pickled offsets table that precedes it
FOOTER = struct.Struct("<Q")
#: seconds a splitting process may take (about 1 s on a 2-core machine)
SPLIT_TIMEOUT = 120


def cache_dir() -> Path:
    return Path(user_cache_dir("clearance"))


class SplitTables:
    """The kanji tables of one split file, unpickled on first use (what pykakasi's ``Kanwa``
    asks of its dictionary: ``get(ord(first character))``)."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        end = len(self._map) - FOOTER.size
        if end < 0:
            raise ValueError(f"{path} is truncated")
        (size,) = FOOTER.unpack_from(self._map, end)
        if not 0 < size <= end:
            raise ValueError(f"{path} is truncated")
        self._spans: dict[int, tuple[int, int]] = pickle.loads(self._map[end - size : end])
        self._loaded: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self._spans)

    def get(self, key: int, default: Any = None) -> Any:
        table = self._loaded.get(key)
        if table is None:
            span = self._spans.get(key)
            if span is None:
                return default
            start, length = span
            table = self._loaded[key] = pickle.loads(self._map[start : start + length])
        return table


def split_file(source: Path, target: Path) -> None:
    """Write pykakasi's dictionary ``source`` as a split file ``target`` (atomically)."""
    with source.open("rb") as fh:
        tables: dict[int, Any] = pickle.load(fh)
    with replacing(target) as out:
        spans: dict[int, tuple[int, int]] = {}
        position = 0
        for key, table in tables.items():
            blob = pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL)
            out.write(blob)
            spans[key] = (position, len(blob))
            position += len(blob)
        index = pickle.dumps(spans, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(index)
        out.write(FOOTER.pack(len(index)))


def split_path(source: Path, version: str, directory: Path) -> Path:
    stat = source.stat()
    return directory / f"kanwa-{version}-{stat.st_size}-{stat.st_mtime_ns}.pkl"


def open_split(source: Path, target: Path) -> SplitTables | None:
    """The split tables of ``source``, splitting it first (in a child process) if needed;
    ``None`` when that fails."""
    if not target.exists():
        try:
            subprocess.run(
                [sys.executable, "-m", "clearance.text.kanwa", str(source), str(target)],
                check=True,
                timeout=SPLIT_TIMEOUT,
                capture_output=True,
            )
        except (OSError, subprocess.SubprocessError):
            return None
    try:
        return SplitTables(target)
    except (OSError, ValueError, pickle.UnpicklingError, EOFError):
        target.unlink(missing_ok=True)  # a damaged file is split again next time
        return None


def install() -> bool:
    """Give pykakasi the split tables instead of its whole dictionary (before its first
    conversion); ``False`` when pykakasi keeps its dictionary as usual."""
    try:
        from pykakasi.kanji import Kanwa
        from pykakasi.properties import Configurations
    except ImportError:
        return False
    state = getattr(Kanwa, "_shared_state", None)
    if not isinstance(state, dict) or "_jisyo_table" not in state:
        return False  # a pykakasi release that keeps its dictionary differently
    if isinstance(state["_jisyo_table"], SplitTables):
        return True
    if state["_jisyo_table"] is not None:
        return False  # already loaded whole: nothing left to save
    try:
        version = importlib.metadata.version("pykakasi")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    try:
        source = Path(str(Configurations.data_path), Configurations.jisyo_kanwa)
        target = split_path(source, version, cache_dir())
    except OSError:
        return False
    tables = open_split(source, target)
    if tables is None:
        return False
    state["_jisyo_table"] = tables
    return True


if __name__ == "__main__":
    split_file(Path(sys.argv[1]), Path(sys.argv[2]))
