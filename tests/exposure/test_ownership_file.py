"""The ownership file reader (pure, lenient per row) and the store's ownership tables."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.errors import InputError
from clearance.exposure.ownership_file import RowProblem, parse_rows, read_ownership_file
from clearance.exposure.resolve import party_slug, unlisted_party
from clearance.settings import Settings
from clearance.store import Store
from clearance.store.ownership import OwnershipImport, OwnershipLink

_party = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=60
).filter(lambda s: s.strip())


@given(
    st.lists(
        st.tuples(
            _party,
            _party,
            st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False)),
            st.one_of(st.just(""), st.dates().map(lambda d: d.isoformat())),
        ),
        min_size=1,
        max_size=15,
    )
)
@settings(max_examples=60)
def test_any_written_file_reads_back(rows: list[tuple[str, str, float | None, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["owner", "owned", "share", "as_of", "source"])
    expected: list[OwnershipLink | str] = []
    for number, (owner, owned, share, as_of) in enumerate(rows, 1):
        text = "" if share is None else f"{share:.4f}"
        writer.writerow([owner, owned, text, as_of, "note"])
        owner_v, owned_v = " ".join(owner.split()), " ".join(owned.split())
        if owner_v.casefold() == owned_v.casefold():
            expected.append("problem")
        else:
            value = None if share is None else float(text)
            expected.append(OwnershipLink(number, owner_v, owned_v, value, as_of, "note"))
    good, problems = parse_rows(csv.DictReader(io.StringIO(out.getvalue())))
    merged: dict[int, OwnershipLink | str] = {r.row: r for r in good}
    merged.update({p.row: "problem" for p in problems})
    assert [merged[i] for i in range(1, len(rows) + 1)] == expected


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"owner": "A", "owned": ""}, "both an owner and an owned"),
        ({"owner": "A", "owned": "B", "share": "120"}, "not a percentage"),
        ({"owner": "A", "owned": "B", "share": "half"}, "not a percentage"),
        ({"owner": "A", "owned": "B", "as_of": "2024-13-01"}, "not a date"),
        ({"owner": "A", "owned": " a "}, "cannot own itself"),
        ({"owner": "A" * 501, "owned": "B"}, "longer than 500"),
    ],
)
def test_rows_that_cannot_be_links(row: dict[str, str], message: str) -> None:
    good, problems = parse_rows([row])
    assert not good
    [problem] = problems
    assert isinstance(problem, RowProblem) and message in problem.message


def test_a_file_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text("parent,child\nA,B\n")
    with pytest.raises(InputError, match="no owner and no owned column"):
        read_ownership_file(path)


def test_other_formats_and_headers_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "links.jsonl"
    path.write_text('{"Owner": "A Holding", "OWNED": "B Ltd", "share": 51}\n')
    good, problems = read_ownership_file(path)
    assert good == [OwnershipLink(1, "A Holding", "B Ltd", 51.0)] and not problems


def test_party_ids() -> None:
    assert party_slug("Northwind Holding, Ltd.") == "northwind-holding-ltd"
    assert party_slug("北方控股有限公司") == "北方控股有限公司"
    assert party_slug("---") != ""
    assert unlisted_party("  Northwind   Holding ").id == "ownership:northwind-holding"


def test_store_keeps_one_active_file_per_name(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    with Store.open(settings) as store:
        empty_state = store.state_key()
        assert store.ownership.files() == [] and list(store.ownership.links()) == []
        party = unlisted_party("B Ltd")
        first = OwnershipImport(
            "links",
            "a.csv",
            "h1",
            [OwnershipLink(1, "x:1", party.id, 60.0)],
            [party],
            [("x:1", "y:1")],
        )
        store.ownership.write(first)
        assert store.state_key() != empty_state
        assert [e.id for e in store.iter_entities()] == [party.id]
        assert store.get_entity(party.id).caption == "B Ltd"
        assert store.ownership.same() == [["x:1", "y:1"]]
        key = store.state_key()
        second = OwnershipImport("links", "a.csv", "h2", [OwnershipLink(1, "x:1", "z:1", 10.0)], [])
        stored = store.ownership.write(second)
        assert store.state_key() != key
        assert [f.id for f in store.ownership.files()] == [stored.id]
        assert [link.owned for _, link in store.ownership.links()] == ["z:1"]
        assert list(store.iter_entities()) == [] and store.ownership.same() == []
        # another name is another file, active beside it
        store.ownership.write(
            OwnershipImport("more", "b.csv", "h3", [OwnershipLink(1, "a", "b", 5.0)], [])
        )
        assert [name for name, _ in store.ownership.links()] == ["links", "more"]
