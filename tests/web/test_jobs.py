"""Screen a file in the browser: the upload is a job of the API, its results and downloads
are those of `clearance screen`."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import openpyxl
import orjson
import pytest

from tests.web.conftest import WebEnv, csrf_of

ROWS = [
    {"reference": "r1", "name": "Arkadii Rotenberg", "country": "ru"},
    {"reference": "r2", "name": "Blue Harbor Electronics Co", "country": "cn"},
    {"reference": "r3", "name": "Harmless Bakery GmbH", "country": "de"},
    {"reference": "r4", "name": "", "country": "de"},
]


def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows: list[dict[str, str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def submit(client: Any, name: str, data: bytes, **fields: str) -> str:
    token = csrf_of(client.get("/ui/jobs").text)
    response = client.post(
        "/ui/jobs", data={"csrf": token, **fields}, files={"file": (name, data)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


def finished(client: Any, location: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        view: dict[str, Any] = client.get(location + ".json").json()
        if view["state"] not in ("queued", "running"):
            return view
        assert time.monotonic() < deadline, view
        time.sleep(0.1)


@pytest.mark.parametrize(("name", "data"), [("parties.csv", as_csv(ROWS)),
                                            ("parties.xlsx", as_xlsx(ROWS))])  # fmt: skip
def test_a_file_is_screened_like_an_api_job(web: WebEnv, name: str, data: bytes) -> None:
    client = web.client("screener")
    location = submit(client, name, data)
    view = finished(client, location)
    assert view["state"] == "done"
    assert (view["rows_done"], view["rows_total"], view["rows_matched"]) == (4, 4, 2)
    assert view["rows_failed"] == 1
    # the same file as a job of the API gives the same results
    api = web.api.client.post("/jobs", files={"file": (name, data)}, headers=web.api.auth()).json()
    deadline = time.monotonic() + 60
    status_url = f"/jobs/{api['id']}"
    while web.api.client.get(status_url, headers=web.api.auth()).json()["state"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    expected = web.api.client.get(f"/jobs/{api['id']}/result", headers=web.api.auth()).content
    downloaded = client.get(location + "/download?format=jsonl").content
    assert [orjson.loads(x) for x in downloaded.splitlines()] == [
        orjson.loads(x) for x in expected.splitlines()
    ]
    # the page shows the rows with matches, with their lists and explanation
    html = client.get(location).text
    assert "Arkady Romanovich ROTENBERG" in html and '<span class="list">SDN</span>' in html
    assert "Blue Harbor Electronics Co" in html and "Harmless Bakery" not in html
    assert "Harmless Bakery" in client.get(location + "?show=all").text


def test_downloads_in_csv_and_xlsx_hold_every_match(web: WebEnv) -> None:
    client = web.client("screener")
    location = submit(client, "parties.csv", as_csv(ROWS))
    finished(client, location)
    response = client.get(location + "/download?format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert [(x["reference"], x["entity_id"]) for x in lines if x["entity_id"]] == [
        ("r1", "test-a:9647"),
        ("r2", "test-b:1"),
    ]
    assert {x["reference"] for x in lines} == {"r1", "r2", "r3", "r4"}
    xlsx = client.get(location + "/download?format=xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = list(book.active.iter_rows(values_only=True))
    assert list(sheet[0]) == list(lines[0])
    columns = list(sheet[0])
    cells = [dict(zip(columns, row, strict=True)) for row in sheet[1:]]
    assert len(cells) == len(lines)
    for cell, line in zip(cells, lines, strict=True):
        assert (cell["reference"], cell["entity_id"] or "", cell["lists"] or "") == (
            line["reference"], line["entity_id"], line["lists"],
        )  # fmt: skip
        if line["score"]:
            assert float(cell["score"]) == float(line["score"])


def test_only_the_lists_chosen_are_screened(web: WebEnv) -> None:
    client = web.client("screener")
    location = submit(client, "parties.csv", as_csv(ROWS), source="test-b")
    assert finished(client, location)["rows_matched"] == 1


def test_a_job_is_seen_only_by_its_user_and_admins(web: WebEnv) -> None:
    owner = web.client("screener")
    location = submit(owner, "parties.csv", as_csv(ROWS))
    finished(owner, location)
    assert web.client("analyst").get(location).status_code == 404
    assert web.client("analyst").get(location + "/download?format=csv").status_code == 404
    assert web.client("admin").get(location).status_code == 200


def test_a_file_without_a_name_column_is_refused_with_a_message(web: WebEnv) -> None:
    client = web.client("screener")
    token = csrf_of(client.get("/ui/jobs").text)
    response = client.post(
        "/ui/jobs", data={"csrf": token}, files={"file": ("x.csv", b"who,where\nme,here\n")}
    )
    assert response.status_code == 400
    assert "no name column" in response.text


def test_a_file_of_an_unknown_kind_is_refused(web: WebEnv) -> None:
    client = web.client("screener")
    token = csrf_of(client.get("/ui/jobs").text)
    response = client.post("/ui/jobs", data={"csrf": token}, files={"file": ("x.pdf", b"%PDF-1.4")})
    assert response.status_code == 400
