"""The wire format: FtM examples become queries (through the one query builder) and listed
entities become yente-shaped responses."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from clearance.api.convert import echo_example, entity_response
from clearance.errors import InputError
from clearance.model import SCHEMATA, Entity, Listing
from clearance.queries import from_example

values = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(st.text(max_size=30), st.integers(), st.none()), max_size=4),
)
properties = st.dictionaries(
    st.sampled_from(["name", "alias", "birthDate", "nationality", "country", "idNumber", "x"]),
    values,
    max_size=6,
)


@given(schema=st.sampled_from([*SCHEMATA, "Thing", "Ownership", "Nope"]), props=properties)
def test_any_example_is_a_query_or_a_no_name_error(schema: str, props: dict[str, Any]) -> None:
    try:
        built = from_example(schema, props)
    except InputError as exc:
        assert "name" in exc.message
        return
    query = built.query
    given_names = echo_example(None, schema, props)["properties"]
    names = given_names.get("name", []) + given_names.get("alias", [])
    assert query.name == names[0] and query.name.strip() == query.name
    assert query.name not in query.aliases
    assert query.schema in SCHEMATA
    assert all(c == c.lower() for c in query.country)
    assert len(set(query.country)) == len(query.country)
    # a schema that cannot be screened is read as a LegalEntity, and said so
    assert (schema in (*SCHEMATA, "Thing")) or any("schema" in w for w in built.warnings)


def test_example_fields_map_to_the_query() -> None:
    built = from_example(
        "Person",
        {
            "name": ["  Jane   Roe ", "J. Roe"],
            "birthDate": "1970-03",
            "nationality": ["RU", "ru", "Russia"],
            "passportNumber": ["P123"],
            "gender": ["Female"],
        },
        reference="q1",
    )
    query = built.query
    assert query.name == "Jane Roe" and query.aliases == ("J. Roe",)
    assert query.birth_date == "1970-03" and query.country == ("ru",)
    assert query.identifiers == ("P123",) and query.gender == "female"
    assert query.reference == "q1" and built.warnings == ()


def test_echo_keeps_every_given_value_as_a_list_of_text() -> None:
    echo = echo_example("q", "Person", {"name": "Jane  Roe", "birthDate": ["1970;1971"], "x": []})
    assert echo == {
        "id": "q",
        "schema": "Person",
        "properties": {"name": ["Jane Roe"], "birthDate": ["1970;1971"]},
    }


def test_ended_listings_are_marked_and_make_no_target() -> None:
    entity = Entity("s", "1", "Company")
    entity.add_name("Acme")
    entity.listings.append(Listing("DOD-1260H", "dod-1260h", start="2024-01-31", end="2025-01-07"))
    response = entity_response(entity, as_of="2026-12-06")
    assert response["target"] is False
    assert response["listings"][0]["current"] is False and response["listings"][0]["end"]
    entity.listings.append(Listing("EL", "entity-list-licence", start="2025-01-08"))
    response = entity_response(entity, as_of="2026-12-06")
    assert response["target"] is True
    assert [x["current"] for x in response["listings"]] == [False, True]
