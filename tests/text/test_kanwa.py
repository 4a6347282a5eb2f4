"""pykakasi's dictionary read one table at a time: the same readings, less memory."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from clearance.text import kanwa

pykakasi = pytest.importorskip("pykakasi")
from pykakasi.kanji import Kanwa  # noqa: E402
from pykakasi.properties import Configurations  # noqa: E402

SOURCE = Path(str(Configurations.data_path), Configurations.jisyo_kanwa)


@pytest.fixture()
def fresh_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """pykakasi as before its first conversion, with the cache in a temporary directory."""
    monkeypatch.setitem(Kanwa._shared_state, "_jisyo_table", None)
    monkeypatch.setattr(kanwa, "cache_dir", lambda: tmp_path / "cache")
    return tmp_path / "cache"


def test_split_tables_hold_every_table_of_the_dictionary(tmp_path: Path) -> None:
    with SOURCE.open("rb") as fh:
        whole = pickle.load(fh)
    target = tmp_path / "split.pkl"
    kanwa.split_file(SOURCE, target)
    tables = kanwa.SplitTables(target)
    assert len(tables) == len(whole)
    assert all(tables.get(key) == table for key, table in whole.items())
    assert tables.get(0x41) is None  # "A": no table, as with the dictionary's own get


def test_install_gives_pykakasi_the_split_tables(fresh_state: Path) -> None:
    assert kanwa.install()
    state = Kanwa._shared_state["_jisyo_table"]
    assert isinstance(state, kanwa.SplitTables)
    assert [p.name.startswith("kanwa-") for p in fresh_state.iterdir()] == [True]
    # only the tables of the characters read are unpickled
    reading = pykakasi.kakasi().convert("田中太郎")
    assert [item["hepburn"] for item in reading] == ["tanaka", "tarou"]
    assert 0 < len(state._loaded) <= 4
    assert kanwa.install()  # a second call changes nothing


def test_readings_match_the_whole_dictionary(fresh_state: Path) -> None:
    names = ["田中太郎", "前田印刷有限会社", "東京都港区", "株式会社日立製作所", "鈴木一郎"]
    assert kanwa.install()
    split = [pykakasi.kakasi().convert(name) for name in names]
    with SOURCE.open("rb") as fh:
        Kanwa._shared_state["_jisyo_table"] = pickle.load(fh)
    whole = [pykakasi.kakasi().convert(name) for name in names]
    assert split == whole


def test_a_damaged_split_file_is_dropped_and_pykakasi_loads_as_usual(
    fresh_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = "test"
    monkeypatch.setattr(kanwa.importlib.metadata, "version", lambda _: version)
    target = kanwa.split_path(SOURCE, version, fresh_state)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"\x00\x01")  # truncated
    assert not kanwa.install()
    assert not target.exists()
    assert Kanwa._shared_state["_jisyo_table"] is None
    # the next process splits the dictionary again
    assert kanwa.install()
    assert [i["hepburn"] for i in pykakasi.kakasi().convert("鈴木")] == ["suzuki"]


def test_when_the_split_cannot_be_written_pykakasi_loads_as_usual(
    fresh_state: Path,
) -> None:
    fresh_state.parent.mkdir(exist_ok=True)
    fresh_state.write_text("a file where the cache directory should be")
    assert not kanwa.install()
    assert Kanwa._shared_state["_jisyo_table"] is None
    assert [i["hepburn"] for i in pykakasi.kakasi().convert("鈴木")] == ["suzuki"]


def test_a_dictionary_already_loaded_is_left_alone(fresh_state: Path) -> None:
    loaded: dict[int, object] = {}
    Kanwa._shared_state["_jisyo_table"] = loaded
    assert not kanwa.install()
    assert Kanwa._shared_state["_jisyo_table"] is loaded
