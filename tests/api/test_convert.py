"""Wire format <-> model conversions: FtM examples and screening rows become queries."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.api.convert import echo_example, example_to_query, row_to_query
from clearance.errors import InputError
from clearance.model import SCHEMATA

values = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(st.text(max_size=30), st.integers(), st.none()), max_size=4),
)
properties = st.dictionaries(
    st.sampled_from(["name", "alias", "birthDate", "nationality", "country", "idNumber", "x"]),
    values,
    max_size=6,
)


# the first examples of a run are drawn while the interpreter is still cold; on a loaded
# machine that trips hypothesis's generation-speed check without saying anything of the code
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(schema=st.sampled_from([*SCHEMATA, "Thing", "Ownership", "Nope"]), props=properties)
def test_any_example_is_a_query_or_a_clear_input_error(schema: str, props: dict[str, Any]) -> None:
    try:
        query = example_to_query(schema, props)
    except InputError as exc:
        assert "Cannot parse example entity" in exc.message
        return
    given_names = echo_example(None, schema, props)["properties"]
    names = given_names.get("name", []) + given_names.get("alias", [])
    assert query.name == names[0] and query.name.strip() == query.name
    assert query.name not in query.aliases
    assert query.schema in SCHEMATA
    assert all(c == c.lower() for c in query.country)
    assert len(set(query.country)) == len(query.country)


def test_example_fields_map_to_the_query() -> None:
    query = example_to_query(
        "Person",
        {
            "name": ["  Jane   Roe ", "J. Roe"],
            "birthDate": "1970-03",
            "nationality": ["RU", "ru"],
            "passportNumber": ["P123"],
            "gender": ["Female"],
        },
        reference="q1",
    )
    assert query.name == "Jane Roe" and query.aliases == ("J. Roe",)
    assert query.birth_date == "1970-03" and query.country == ("ru",)
    assert query.identifiers == ("P123",) and query.gender == "female"
    assert query.reference == "q1"


def test_first_and_last_name_make_a_name() -> None:
    query = example_to_query("Person", {"firstName": ["Jane"], "lastName": ["Roe"]})
    assert query.name == "Jane Roe"


@given(
    name=st.text(max_size=40),
    country=st.one_of(st.text(max_size=12), st.lists(st.text(max_size=3), max_size=3)),
)
def test_rows_need_a_name_and_split_lists(name: str, country: Any) -> None:
    row = {"name": name, "country": country}
    if not name.strip():
        with pytest.raises(InputError):
            row_to_query(row)
        return
    query = row_to_query(row)
    assert query.name == " ".join(name.split())
    assert all(c and c == c.strip().lower() for c in query.country)


def test_row_lists_accept_commas_and_semicolons() -> None:
    query = row_to_query({"name": "X", "country": "RU; by,", "identifiers": "A1, B2"})
    assert query.country == ("ru", "by") and query.identifiers == ("A1", "B2")
