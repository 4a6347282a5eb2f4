"""Downloads against a real local HTTP server: conditional requests, retries, truncation."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import DownloadError
from clearance.sources.download import FetchRequest, fetch, join_url
from tests.store.httpserver import LAST_MODIFIED, FileServer, file_server

__all__ = ["file_server"]

BODY = b"id,name\n" + b"".join(b"%d,Sample %d\n" % (i, i) for i in range(5000))


def _request(server: FileServer, dest: Path, *names: str, **kw: object) -> FetchRequest:
    dest.mkdir(exist_ok=True)
    urls = {name: join_url(server.base_url, name) for name in names}
    options: dict[str, object] = {"timeout": 5.0, "retries": 2, "backoff": 0.01, **kw}
    return FetchRequest(urls=urls, dest=dest, **options)  # type: ignore[arg-type]


def test_success_writes_files_and_returns_validators(
    file_server: FileServer, tmp_path: Path
) -> None:
    file_server.put("SDN.CSV", BODY)
    result = fetch(_request(file_server, tmp_path / "d", "SDN.CSV"))
    assert not result.not_modified
    assert result.files == (tmp_path / "d" / "SDN.CSV",)
    assert result.files[0].read_bytes() == BODY
    etag, modified = result.validators["SDN.CSV"]
    assert etag.startswith('"') and modified == LAST_MODIFIED
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["SDN.CSV"]


def test_names_are_matched_case_insensitively_by_the_test_server(
    file_server: FileServer, tmp_path: Path
) -> None:
    file_server.put("sdn.csv", BODY)
    result = fetch(_request(file_server, tmp_path / "d", "SDN.CSV"))
    assert result.files[0].read_bytes() == BODY


def test_not_modified(file_server: FileServer, tmp_path: Path) -> None:
    file_server.put("a.csv", BODY)
    first = fetch(_request(file_server, tmp_path / "d", "a.csv"))
    again = fetch(_request(file_server, tmp_path / "e", "a.csv", validators=first.validators))
    assert again.not_modified and again.files == ()
    assert list((tmp_path / "e").iterdir()) == []
    headers = file_server.requests_for("a.csv")[-1]
    assert headers["if-none-match"] == first.validators["a.csv"][0]
    assert headers["if-modified-since"] == LAST_MODIFIED


def test_one_changed_file_fetches_all(file_server: FileServer, tmp_path: Path) -> None:
    file_server.put("a.csv", BODY)
    file_server.put("b.csv", b"x\n")
    first = fetch(_request(file_server, tmp_path / "d", "a.csv", "b.csv"))
    file_server.put("b.csv", b"y\n")
    again = fetch(
        _request(file_server, tmp_path / "e", "a.csv", "b.csv", validators=first.validators)
    )
    assert not again.not_modified
    assert [p.read_bytes() for p in again.files] == [BODY, b"y\n"]
    assert set(again.validators) == {"a.csv", "b.csv"}


def test_server_error_then_success_is_retried(file_server: FileServer, tmp_path: Path) -> None:
    file_server.put("a.csv", BODY)
    file_server.then("a.csv", "500", "500")
    result = fetch(_request(file_server, tmp_path / "d", "a.csv", retries=2))
    assert result.files[0].read_bytes() == BODY
    assert len(file_server.requests_for("a.csv")) == 3


def test_persistent_server_error_fails(file_server: FileServer, tmp_path: Path) -> None:
    file_server.put("a.csv", BODY)
    file_server.then("a.csv", "500", "500", "500")
    with pytest.raises(DownloadError, match=r"after 3 attempt\(s\): the server answered HTTP 500"):
        fetch(_request(file_server, tmp_path / "d", "a.csv", retries=2))


def test_missing_file_is_not_retried(file_server: FileServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="HTTP 404"):
        fetch(_request(file_server, tmp_path / "d", "nothing.csv"))
    assert len(file_server.requests_for("nothing.csv")) == 1


def test_truncated_body_is_refused(file_server: FileServer, tmp_path: Path) -> None:
    file_server.put("a.csv", BODY)
    file_server.then("a.csv", "truncate", "truncate")
    with pytest.raises(DownloadError, match=r"before the whole file arrived|truncated"):
        fetch(_request(file_server, tmp_path / "d", "a.csv", retries=1))
    assert list((tmp_path / "d").iterdir()) == []


def test_truncation_then_whole_file_succeeds(file_server: FileServer, tmp_path: Path) -> None:
    file_server.put("a.csv", BODY)
    file_server.then("a.csv", "truncate")
    result = fetch(_request(file_server, tmp_path / "d", "a.csv", retries=1))
    assert result.files[0].read_bytes() == BODY


def test_timeout(file_server: FileServer, tmp_path: Path) -> None:
    file_server.put("a.csv", BODY)
    file_server.hang_seconds = 1.0
    file_server.then("a.csv", "hang", "hang")
    with pytest.raises(DownloadError, match="timed out"):
        fetch(_request(file_server, tmp_path / "d", "a.csv", retries=1, timeout=0.2))


def test_connection_refused(tmp_path: Path) -> None:
    request = FetchRequest(
        urls={"a.csv": "http://127.0.0.1:9/a.csv"}, dest=tmp_path, retries=0, timeout=2.0
    )
    with pytest.raises(DownloadError, match="network error"):
        fetch(request)


def test_join_url() -> None:
    assert join_url("http://h/x/", "A.CSV") == "http://h/x/A.CSV"
    assert join_url("http://h/x", "A.CSV") == "http://h/x/A.CSV"
    assert join_url("http://h/x.xml", "") == "http://h/x.xml"
