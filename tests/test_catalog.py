"""Load and update through the catalog service, against a real local HTTP server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clearance import catalog
from clearance.catalog import UpdateRequest
from clearance.errors import DownloadError, GateError, InputError, ParseError
from clearance.settings import Settings
from clearance.store import Store
from tests.store.fakesource import FAKE_ID, FakeSource, fake_source, sample_rows, write_fake
from tests.store.httpserver import FileServer, file_server

__all__ = ["fake_source", "file_server"]


def _csv(tmp_path: Path, rows: list[tuple[str, ...]], published: str = "") -> bytes:
    return write_fake(tmp_path / "build.csv", rows, published=published).read_bytes()


@pytest.fixture
def net_settings(tmp_path: Path, file_server: FileServer) -> Settings:
    return Settings(
        home=tmp_path / "home",
        source_urls={FAKE_ID: file_server.base_url},
        http_timeout=5.0,
        http_retries=2,
        http_backoff=0.01,
    )


@pytest.fixture
def store(net_settings: Settings, fake_source: FakeSource) -> Store:
    opened = Store.open(net_settings)
    yield opened  # type: ignore[misc]
    opened.close()


def _update(store: Store, settings: Settings, **kw: object) -> catalog.Outcome:
    (outcome,) = catalog.update(store, settings, UpdateRequest(sources=(FAKE_ID,), **kw))  # type: ignore[arg-type]
    return outcome


def test_load_reports_version_and_changes(store: Store, tmp_path: Path) -> None:
    first = catalog.load(store, FAKE_ID, write_fake(tmp_path / "a.csv", sample_rows(10)))
    assert first.status == "imported" and first.previous is None
    assert first.summary == {"added": 10, "removed": 0, "changed": 0}
    rows = sample_rows(11)
    rows[0] = ("E1", "Company", "Renamed Trading 1", "", "ir")
    second = catalog.load(store, FAKE_ID, write_fake(tmp_path / "b.csv", rows, "2024-05-01"))
    assert second.previous == first.version and second.version is not None
    assert second.summary == {"added": 1, "removed": 0, "changed": 1}
    data = second.to_dict()
    assert data["published"] == "2024-05-01" and data["entities"] == 11
    again = catalog.load(store, FAKE_ID, tmp_path / "b.csv")
    assert again.status == "unchanged" and again.version.id == second.version.id  # type: ignore[union-attr]


def test_load_refuses_bad_input(store: Store, tmp_path: Path) -> None:
    catalog.load(store, FAKE_ID, write_fake(tmp_path / "a.csv", sample_rows(10)))
    key = store.state_key()
    with pytest.raises(InputError, match="No such file"):
        catalog.load(store, FAKE_ID, tmp_path / "missing.csv")
    broken = tmp_path / "broken.csv"
    broken.write_text("id,schema,name,aliases,country\n,Company,x,,\n", encoding="utf-8")
    with pytest.raises(ParseError, match="line 2"):
        catalog.load(store, FAKE_ID, broken)
    with pytest.raises(InputError, match="Unknown source"):
        catalog.load(store, "no-such-list", broken)
    assert store.state_key() == key


def test_update_then_not_modified(
    store: Store, net_settings: Settings, file_server: FileServer, tmp_path: Path
) -> None:
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(10), "2024-01-02"))
    first = _update(store, net_settings)
    assert first.status == "imported" and first.version is not None
    assert first.version.origin == "update" and first.version.published == "2024-01-02"
    second = _update(store, net_settings)
    assert second.status == "unchanged" and second.version == first.version
    assert "if-none-match" in file_server.requests_for("FAKE.CSV")[-1]
    assert len(store.versions(FAKE_ID)) == 1
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(12), "2024-01-03"))
    third = _update(store, net_settings)
    assert third.status == "imported" and third.summary == {"added": 2, "removed": 0, "changed": 0}
    assert third.version.files == (file_server.base_url + "FAKE.CSV",)  # type: ignore[union-attr]
    assert not list(net_settings.download_dir.iterdir())  # temporary files are gone


def test_update_retries_a_server_error(
    store: Store, net_settings: Settings, file_server: FileServer, tmp_path: Path
) -> None:
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(10)))
    file_server.then("FAKE.CSV", "500")
    assert _update(store, net_settings).status == "imported"


def _failed_update_keeps(store: Store, settings: Settings, kind: type[Exception]) -> str:
    before = (store.state_key(), store.active_versions())
    outcome = _update(store, settings)
    assert outcome.status == "failed" and isinstance(outcome.error, kind), outcome
    assert (store.state_key(), store.active_versions()) == before
    return outcome.error.message if outcome.error else ""


def test_truncated_download_is_refused(
    store: Store, net_settings: Settings, file_server: FileServer, tmp_path: Path
) -> None:
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(40)))
    _update(store, net_settings)
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(41)))
    file_server.then("FAKE.CSV", "truncate", "truncate", "truncate")
    message = _failed_update_keeps(store, net_settings, DownloadError)
    assert "active version is kept" in message


def test_corrupt_download_is_refused(
    store: Store, net_settings: Settings, file_server: FileServer, tmp_path: Path
) -> None:
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(10)))
    _update(store, net_settings)
    file_server.put("FAKE.CSV", b"<html>maintenance</html>\n")
    message = _failed_update_keeps(store, net_settings, ParseError)
    # the refused file is kept where the message says, for inspection
    kept = Path(message.split("Cannot read ", 1)[1].split(",", 1)[0])
    assert kept.read_bytes() == b"<html>maintenance</html>\n"
    assert kept.parent.parent == net_settings.download_dir


def test_old_refused_downloads_are_pruned(tmp_path: Path) -> None:
    for index in range(6):
        folder = tmp_path / f"{FAKE_ID}-{index}"
        folder.mkdir()
        os.utime(folder, (1_000_000 + index, 1_000_000 + index))
    (tmp_path / f"{FAKE_ID}-fresh").mkdir()  # may belong to a running update
    (tmp_path / "other-source-0").mkdir()
    catalog.prune_refused(tmp_path, FAKE_ID)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["other-source-0", f"{FAKE_ID}-4", f"{FAKE_ID}-5", f"{FAKE_ID}-fresh"]


def test_shrunken_download_needs_force(
    store: Store, net_settings: Settings, file_server: FileServer, tmp_path: Path
) -> None:
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(40)))
    _update(store, net_settings)
    # a file cut in the middle of a row boundary: complete rows, far fewer of them
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(20)))
    message = _failed_update_keeps(store, net_settings, GateError)
    assert "--force" in message
    forced = _update(store, net_settings, force=True)
    assert forced.status == "imported" and forced.version.entities == 20  # type: ignore[union-attr]


def test_timeout_is_reported(
    store: Store, tmp_path: Path, file_server: FileServer, fake_source: FakeSource
) -> None:
    settings = Settings(
        home=tmp_path / "home",
        source_urls={FAKE_ID: file_server.base_url},
        http_timeout=0.2,
        http_retries=0,
    )
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(10)))
    file_server.hang_seconds = 0.6
    file_server.then("FAKE.CSV", "hang")
    assert "timed out" in _failed_update_keeps(store, settings, DownloadError)


def test_base_url_argument_overrides(
    store: Store, tmp_path: Path, file_server: FileServer, fake_source: FakeSource
) -> None:
    settings = Settings(home=tmp_path / "home", http_retries=0)
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(10)))
    assert _update(store, settings, base_url=file_server.base_url).status == "imported"
    # the official location of the fake source is unreachable
    assert _update(store, settings).status == "failed"
    with pytest.raises(InputError, match="exactly one SOURCE"):
        catalog.update(store, settings, UpdateRequest(base_url=file_server.base_url))


def test_update_without_sources_takes_downloadable_ones(
    store: Store,
    net_settings: Settings,
    file_server: FileServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(catalog, "SOURCE_IDS", (FAKE_ID, "us-ndaa-889"))
    assert catalog.downloadable_sources() == [FAKE_ID]
    file_server.put("FAKE.CSV", _csv(tmp_path, sample_rows(10)))
    outcomes = catalog.update(store, net_settings, UpdateRequest())
    assert [(o.source, o.status) for o in outcomes] == [(FAKE_ID, "imported")]


def test_parse_assignments(fake_source: FakeSource) -> None:
    assert catalog.parse_assignments([f"{FAKE_ID}=~/x.csv"]) == [
        (FAKE_ID, Path("~/x.csv").expanduser())
    ]
    with pytest.raises(InputError, match="SOURCE=PATH"):
        catalog.parse_assignments(["nothing"])


@pytest.mark.realdata
def test_update_real_sdn_from_local_mirror(
    shared_data: Path, tmp_path: Path, file_server: FileServer
) -> None:
    """The official upper-case names (SDN.CSV...) served from the real lower-case files."""
    pytest.importorskip("clearance.sources.ofac")
    file_server.put_dir(shared_data / "ofac" / "sdn-2023-12-28")
    settings = Settings(
        home=tmp_path / "home",
        source_urls={"us-ofac-sdn": file_server.base_url},
        http_retries=0,
    )
    with Store.open(settings) as store:
        request = UpdateRequest(sources=("us-ofac-sdn",))
        (first,) = catalog.update(store, settings, request)
        assert first.status == "imported", first.error
        assert first.version is not None and first.version.entities == 13821
        assert first.version.format == "ofac-csv"
        requested = {name for name, _ in file_server.requests}
        assert requested == {"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}
        (second,) = catalog.update(store, settings, request)
        assert second.status == "unchanged"
        assert len(store.versions("us-ofac-sdn")) == 1


@pytest.mark.realdata
def test_update_a_remote_name_with_a_query_string(
    shared_data: Path, tmp_path: Path, file_server: FileServer
) -> None:
    """The EU file is served as ``content?token=...``: saved under a safe local name."""
    pytest.importorskip("clearance.sources.eu")
    eu = catalog.get_source("eu-fsf")
    (remote,) = eu.remote_files
    file_server.put(remote, shared_data / "eu" / "fsf-excerpt-2026-08-05.xml")
    settings = Settings(home=tmp_path / "home", http_retries=0)
    with Store.open(settings) as store:
        request = UpdateRequest(sources=("eu-fsf",), base_url=file_server.base_url)
        (outcome,) = catalog.update(store, settings, request)
        # the file was saved and read: the 5-entity excerpt then fails the size gate, rightly
        assert isinstance(outcome.error, GateError), outcome.error
        assert "it has 5 entities" in outcome.error.message
    assert "?" not in catalog.local_name(remote) and "/" not in catalog.local_name("a/../b")
