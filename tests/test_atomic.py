"""Files written whole or not at all (clearance.atomic)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from clearance.atomic import replacing, write_pickle


def test_write_pickle_replaces_the_target_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "table.pkl"
    write_pickle({"a": 1}, target)
    write_pickle({"b": 2}, target)
    assert pickle.loads(target.read_bytes()) == {"b": 2}
    assert [p.name for p in target.parent.iterdir()] == ["table.pkl"]


def test_a_failed_write_keeps_the_old_content_and_removes_its_temporary_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "table.pkl"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(target) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.pkl"]
