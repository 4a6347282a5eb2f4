"""Bad-input cases and input mutations shared by the UN, EU and UK reader tests.

Each case writes a broken variant of a good file; every reader must answer each with a
ParseError that names the file (and, where there is one, the line), never another exception
and never a partial dataset.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from hypothesis import strategies as st
from lxml import etree

from clearance.errors import ParseError
from clearance.model import Entity
from clearance.sources.base import Source

OFAC_CSV = (
    b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    b'173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
)


def _truncate_mid_element(good: bytes) -> bytes:
    # cut inside the text of an element past the middle of the file
    middle = len(good) // 2
    close = good.index(b"</", middle)
    return good[: close - 2]


def _truncate_after_record(good: bytes, record: bytes) -> bytes:
    # a copy that stops cleanly after the first complete record: well-formed so far
    end = good.index(b"</" + record + b">") + len(record) + 3
    return good[:end]


def _mismatched_tag(good: bytes, record: bytes) -> bytes:
    return good.replace(b"</" + record + b">", b"</" + record + b"X>", 1)


def bad_variants(good: bytes, record: bytes, other_list: bytes) -> dict[str, bytes]:
    """Broken files derived from ``good`` (whose records are ``<record>`` elements)."""
    return {
        "empty": b"",
        "whitespace": b"  \n\t\n",
        "truncated-mid-element": _truncate_mid_element(good),
        "truncated-after-record": _truncate_after_record(good, record),
        "mismatched-tag": _mismatched_tag(good, record),
        "ofac-csv": OFAC_CSV,
        "other-list": other_list,
        "binary": bytes(range(256)) * 4,
        "html": b"<!DOCTYPE html><html><body><p>Service unavailable</p></body></html>",
        "bad-encoding": b'<?xml version="1.0" encoding="no-such-codec"?><a/>',
        "entity-bomb": (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>'
        ),
    }


def assert_parse_error(source: Source, path: Path) -> ParseError:
    """``source.read(path)`` raises a ParseError that names the file; returns it."""
    with pytest.raises(ParseError) as info:
        source.read(path)
    error = info.value
    assert str(path) in str(error), error
    assert error.path == str(path)
    return error


def line_of(error: ParseError) -> int | None:
    match = re.search(r"line (\d+)", error.location or "")
    return int(match.group(1)) if match else None


# -- hypothesis: mutated inputs ------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, good: bytes) -> bytes:
    """``good`` with a few random byte-level edits: cuts, deletions, insertions, flips."""
    data = bytearray(good)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        action = draw(st.sampled_from(["cut", "delete", "insert", "flip", "duplicate"]))
        at = draw(st.integers(0, len(data) - 1))
        if action == "cut":
            del data[at:]
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        elif action == "flip":
            data[at] = draw(st.integers(0, 255))
        else:
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end]
    return bytes(data)


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=30,
)


@st.composite
def rewritten(draw: st.DrawFn, good: bytes) -> bytes:
    """``good`` kept well-formed, with random text in random leaf elements and attributes:
    exercises the mapping with values the list never had (odd dates, countries, types)."""
    root = etree.fromstring(good)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for _ in range(draw(st.integers(1, 8))):
        element = draw(st.sampled_from(elements))
        if len(element) == 0 and draw(st.booleans()):
            element.text = draw(_TEXT)
        elif element.attrib:
            name = draw(st.sampled_from(sorted(element.attrib)))
            element.set(name, draw(_TEXT))
        elif element.getparent() is not None and draw(st.booleans()):
            element.getparent().remove(element)
            elements = [e for e in root.iter() if isinstance(e.tag, str)]
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def read_or_parse_error(source: Source, path: Path, data: bytes) -> None:
    """Reading ``data`` either succeeds with well-formed entities or raises ParseError."""
    path.write_bytes(data)
    try:
        dataset = source.read(path)
    except ParseError as error:
        assert str(path) in str(error)
        return
    for entity in dataset.entities:
        assert entity.source == source.id and entity.source_id
        for name in entity.names:
            assert name.value and name.value == " ".join(name.value.split())


def assert_round_trips(entities: list[Entity]) -> None:
    """Entities (with their source records) survive JSON storage unchanged."""
    for entity in entities:
        data = entity.to_dict()
        assert Entity.from_dict(orjson.loads(orjson.dumps(data))).to_dict() == data
