"""Files written whole or not at all: a temporary file beside the target, renamed into place.

Readers never see half a file, and concurrent writers of the same target do not collide (the
last rename wins, each with a complete file). Used by every cache and index this package keeps
on disk.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replacing(target: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``target``'s new content into; renamed onto ``target`` when the
    block ends without an error, removed when it raises."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_pickle(value: object, target: Path) -> None:
    """Pickle ``value`` to ``target`` atomically."""
    with replacing(target) as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
