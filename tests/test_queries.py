"""The query builder: values read as people write them, warnings for what cannot be read, an
error only for a row without a usable name, and bounds on everything."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from clearance.errors import InputError
from clearance.queries import (
    MAX_NAME_CHARS,
    MAX_NAMES,
    MAX_VALUES,
    Columns,
    clean_text,
    from_example,
    from_row,
    from_values,
)

DATES = [
    # as written, what is screened, the warning (a part of it) or ""
    ("1969", "1969", ""),
    ("1969-07", "1969-07", ""),
    ("1969-07-16", "1969-07-16", ""),
    ("1969-7-16", "1969-07-16", ""),
    ("1959-08-9", "1959-08-09", ""),
    ("1969/07/16", "1969-07-16", ""),
    ("19690716", "1969-07-16", ""),
    ("1969-07-16T00:00:00", "1969-07-16", ""),
    ("16.07.1969", "1969-07-16", ""),
    ("16/7/1969", "1969-07-16", ""),
    ("7/16/1969", "1969-07-16", ""),
    ("16 July 1969", "1969-07-16", ""),
    ("July 16, 1969", "1969-07-16", ""),
    ("16-JUL-1969", "1969-07-16", ""),
    ("16 juillet 1969", "1969-07-16", ""),
    ("Sept. 1969", "1969-09", ""),
    # both orders are real dates: the year only
    ("05/07/1969", "1969", "reads as day/month and as month/day"),
    # the same number twice is the same date either way
    ("07/07/1969", "1969-07-07", ""),
    ("1974-01-32", "1974-01", "no real day"),
    ("1974-13-01", "1974", "no real month"),
    ("31/02/1970", "1970", "no real day and month"),
    ("circa 1950", "1950", "not a full date"),
    ("unknown", "", "is not a date"),
    ("0000-00-00", "", "no real year"),
    ("", "", ""),
]


@pytest.mark.parametrize(("written", "screened", "warning"), DATES)
def test_dates_are_read_as_people_write_them(written: str, screened: str, warning: str) -> None:
    built = from_row({"name": "Some Name", "birth_date": written})
    assert built.query.birth_date == screened
    if warning:
        assert len(built.warnings) == 1 and warning in built.warnings[0]
    else:
        assert built.warnings == ()


COUNTRIES = [
    ("CN", ("cn",)),
    ("China", ("cn",)),
    ("Russian Federation", ("ru",)),
    ("Russia", ("ru",)),
    ("RUS", ("ru",)),
    ("Korea, North", ("kp",)),
    ("Iran (Islamic Republic of)", ("ir",)),
    ("UK", ("gb",)),
    ("ru, ua", ("ru", "ua")),
    ("ru; Iran", ("ru", "ir")),
    ("Российская Федерация", ("ru",)),
]


@pytest.mark.parametrize(("written", "codes"), COUNTRIES)
def test_countries_are_read_as_codes_names_and_variants(written: str, codes: tuple) -> None:
    built = from_row({"name": "Some Name", "country": written})
    assert built.query.country == codes and built.warnings == ()


def test_an_unknown_country_is_a_warning_and_the_others_are_kept() -> None:
    built = from_row({"name": "Some Name", "country": ["Narnia", "de"]})
    assert built.query.country == ("de",)
    assert built.warnings == ("country 'Narnia' is not a known country: ignored",)


@pytest.mark.parametrize(
    ("written", "schema"),
    [("individual", "Person"), ("PERSON", "Person"), ("company", "Company"), ("", "LegalEntity"),
     ("Organisation", "Organization"), ("vessel", "Vessel"), ("Thing", "LegalEntity")],
)  # fmt: skip
def test_schemata_by_common_names(written: str, schema: str) -> None:
    built = from_row({"name": "X", "schema": written})
    assert built.query.schema == schema and built.warnings == ()


def test_an_unknown_schema_is_screened_as_a_legal_entity_with_a_warning() -> None:
    built = from_row({"name": "X", "schema": "spaceship"})
    assert built.query.schema == "LegalEntity" and "not known" in built.warnings[0]


def test_unknown_gender_is_a_warning() -> None:
    assert from_row({"name": "X", "gender": "F"}).query.gender == "female"
    built = from_row({"name": "X", "gender": "x?"})
    assert built.query.gender == "" and "gender" in built.warnings[0]


def test_rows_of_files_and_of_requests_make_the_same_query() -> None:
    file_row = {
        "name": " Ivan  Petrov ",
        "country": "Russia; ua",
        "id_number": "A1 | B2",
        "aliases": "Petrov, Ivan;Iwan Petrow",
        "birth_date": "2/1/1970",
        "type": "person",
    }
    api_row = {"name": "Ivan Petrov", "country": ["Russia", "ua"], "identifiers": ["A1", "B2"],
               "aliases": ["Petrov, Ivan", "Iwan Petrow"], "birth_date": "2/1/1970",
               "schema": "person"}  # fmt: skip
    assert from_row(file_row) == from_row(api_row)
    example = from_example(
        "Person",
        {"name": ["Ivan Petrov", "Petrov, Ivan", "Iwan Petrow"], "nationality": ["Russia", "ua"],
         "birthDate": "2/1/1970", "idNumber": ["A1"], "passportNumber": ["B2"]},
    )  # fmt: skip
    assert example.query == from_row(api_row).query
    assert from_values("Ivan Petrov", "person", ["Russia", "ua"], "2/1/1970", ["A1", "B2"],
                       ["Petrov, Ivan", "Iwan Petrow"]) == from_row(api_row)  # fmt: skip


def test_the_columns_of_a_file_are_mapped() -> None:
    columns = Columns(name=("supplier",), country=("cc",), reference=("id",))
    built = from_row({"supplier": "Acme", "cc": "de", "id": "7", "name": "ignored"}, columns)
    assert (built.query.name, built.query.country, built.query.reference) == ("Acme", ("de",), "7")


def test_example_names_from_name_parts() -> None:
    built = from_example("Person", {"firstName": ["Vladimir"], "lastName": ["Putin"]})
    assert built.query.name == "Vladimir Putin"


@pytest.mark.parametrize(
    "row",
    [{}, {"name": ""}, {"name": "   "}, {"name": None}, {"reference": "r"}, {"name": "\x00\x01"}],
)
def test_a_row_without_a_name_is_an_error(row: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="no name"):
        from_row(row)


def test_bounds_are_errors_with_clear_messages() -> None:
    with pytest.raises(InputError, match="longer than the 1,000 screened"):
        from_row({"name": "ab " * (MAX_NAME_CHARS // 3 + 1)})
    with pytest.raises(InputError, match="a word of 101 characters"):
        from_row({"name": "x" * 101})
    with pytest.raises(InputError, match=f"at most {MAX_NAMES}"):
        from_example("Person", {"name": [f"Name {i}" for i in range(MAX_NAMES + 1)]})
    with pytest.raises(InputError, match="at most 4,000"):
        from_example("Person", {"name": ["ab " * 300 + str(i) for i in range(5)]})


def test_secondary_values_over_the_bounds_are_warnings() -> None:
    built = from_row({"name": "X", "id_number": [str(i) * 5 for i in range(40)] + ["9" * 300]})
    assert len(built.query.identifiers) == MAX_VALUES
    assert any("identifier of 300 characters" in w for w in built.warnings)
    assert from_row({"name": "X", "birth_date": "1" * 5000}).query.birth_date == ""


def test_text_is_cleaned_of_control_characters_and_lone_surrogates() -> None:
    built = from_row({"name": "Ivan\x00Petrov\ud800", "aliases": ["A\tB"]})
    assert built.query.name == "Ivan Petrov\ufffd" and built.query.aliases == ("A B",)


texts = st.text(max_size=40)
values = st.one_of(st.none(), texts, st.lists(texts, max_size=4), st.integers())


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "name",
                "country",
                "birth_date",
                "schema",
                "gender",
                "id_number",
                "aliases",
                "reference",
            ]
        ),
        values,
    )
)
@example({"name": "X", "birth_date": "29/02/1900"})
@example({"name": "X", "country": ",,;;"})
def test_any_row_is_a_query_or_a_no_name_error(row: dict[str, Any]) -> None:  # fmt: skip
    try:
        built = from_row(row)
    except InputError as exc:
        assert "name" in str(exc)
        return
    query = built.query
    assert query.name and query.name == query.name.strip()
    assert query.birth_date == "" or query.birth_date[:4].isdigit()
    assert all(len(c) == 2 or c.isalpha() for c in query.country)
    assert all(isinstance(w, str) and w for w in built.warnings)


@given(st.text(max_size=30))
def test_any_date_is_a_date_prefix_or_a_warning(value: str) -> None:
    built = from_row({"name": "X", "birth_date": value})
    parsed = built.query.birth_date
    assert parsed == "" or len(parsed) in (4, 7, 10)
    # separators alone (";", "|") hold no value
    assert parsed or not clean_text(value).strip(";| ") or built.warnings
