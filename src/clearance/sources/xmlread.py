"""Streaming XML reading shared by the XML list readers (UN, EU, UK).

:func:`iter_records` streams a file with lxml ``iterparse`` and yields each record element
(matched by LOCAL name, since namespaces differ between years and publishers), clearing it
afterwards so memory stays flat. Every way a file can be unreadable (empty, not XML, cut off,
the root of another list) becomes one :class:`~clearance.errors.ParseError` naming the file
and the line; nothing else escapes. The element helpers below read the children of a record
by local name. :func:`country_code` and :func:`language_code` turn the country and language
spellings of the lists into ISO codes through rigour's reference data.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree
from rigour.langs import iso_639_alpha3

from clearance.errors import ParseError
from clearance.reference import resolve_country
from clearance.sources.common import find_file, localname

#: Values the lists use for "not available"; they carry no information.
PLACEHOLDERS = frozenset({"na", "n/a", "-", "unknown", "00"})

Element = Any  # lxml ``_Element``: lxml ships no type information


@dataclass
class XmlDocument:
    """What the reader learns about the file besides the records: its root."""

    path: Path
    root: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


def locate(path: Path, names: Iterable[str]) -> Path:
    """The file to read: ``path`` itself, or in a folder the first of ``names``, else the only
    ``.xml`` file in it, else its only file (downloads named after a URL query)."""
    if path.is_dir():
        found = find_file(path, *names)
        if found is not None:
            return found
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        xml_files = [p for p in files if p.suffix.lower() == ".xml"]
        for candidates in (xml_files, files):
            if len(candidates) == 1:
                return candidates[0]
        expected = " or ".join(names)
        raise ParseError(str(path), None, f"the folder holds no {expected} file")
    if not path.is_file():
        raise ParseError(str(path), None, "no such file")
    return path


def _check_not_empty(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ParseError(str(path), None, f"the file cannot be opened ({exc.strerror})") from None
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ParseError(str(path), None, "the file is empty")


def iter_records(
    document: XmlDocument, roots: frozenset[str], records: frozenset[str], describe: str
) -> Generator[Element, None, None]:
    """Yield the elements whose local name is in ``records``, each complete, in file order.

    ``roots`` are the local names the document element may have; ``describe`` names the
    expected format in error messages (``a UN Security Council Consolidated List XML``). The
    root's local name and attributes are put in ``document`` as soon as it is seen. A yielded
    element is cleared once the consumer asks for the next one: copy what you need.
    """
    path = document.path
    _check_not_empty(path)
    try:
        with path.open("rb") as fh:
            yield from _iterparse(fh, document, roots, records, describe)
    except etree.XMLSyntaxError as exc:
        location = f"line {exc.lineno}" if exc.lineno else None
        raise ParseError(
            str(path),
            location,
            f"not well-formed XML ({exc.msg}); {describe} was "
            "expected. The file may be cut off or not the right file.",
        ) from None
    except (etree.LxmlError, LookupError, UnicodeError, ValueError, OSError) as exc:
        raise ParseError(
            str(path), None, f"cannot be parsed as XML ({exc}); {describe} was expected."
        ) from None
    if not document.root:
        raise ParseError(str(path), None, f"no XML element found; {describe} was expected")


def _iterparse(
    fh: Any, document: XmlDocument, roots: frozenset[str], records: frozenset[str], describe: str
) -> Generator[Element, None, None]:
    context = etree.iterparse(
        fh,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    for event, element in context:
        if event == "start":
            depth += 1
            if depth == 1:
                _enter_root(document, element, roots, describe)
            continue
        depth -= 1
        if depth >= 1 and localname(element.tag) in records:
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]


def _enter_root(
    document: XmlDocument, element: Element, roots: frozenset[str], describe: str
) -> None:
    name = localname(element.tag)
    if name not in roots:
        raise ParseError(
            str(document.path),
            f"line {element.sourceline}, element {name or '?'}",
            f"the document element is <{name}>, not <{'> or <'.join(sorted(roots))}>: this is "
            f"not {describe}.",
        )
    document.root = name
    document.attributes = {localname(k): str(v) for k, v in element.attrib.items()}


def where(element: Element, index: int) -> str:
    """A location for error messages: ``line 12, element INDIVIDUAL #3``."""
    return f"line {element.sourceline}, element {localname(element.tag)} #{index}"


# -- reading children by local name ------------------------------------------------------


def clean(value: str | None) -> str:
    """Whitespace-squashed text; "" for None."""
    if not value:
        return ""
    if value.isascii() and "  " not in value and "\n" not in value and "\t" not in value:
        return value.strip()  # the common case, without splitting
    return " ".join(value.split())


def group(element: Element) -> dict[str, list[Element]]:
    """The element's children grouped by local name, in document order."""
    out: dict[str, list[Element]] = {}
    for child in element:
        name = localname(child.tag)
        if name:
            out.setdefault(name, []).append(child)
    return out


def text(children: dict[str, list[Element]], name: str) -> str:
    """Squashed text of the first child called ``name``; "" when absent or empty."""
    found = children.get(name)
    return clean(found[0].text) if found else ""


def texts(children: dict[str, list[Element]], name: str) -> tuple[str, ...]:
    """Squashed, non-empty texts of every child called ``name``."""
    return tuple(t for t in (clean(c.text) for c in children.get(name, ())) if t)


def nested(children: dict[str, list[Element]], name: str, leaf: str) -> tuple[str, ...]:
    """Texts of the ``leaf`` grandchildren under every child ``name`` (``<TITLE><VALUE>``)."""
    out: list[str] = []
    for child in children.get(name, ()):
        for grandchild in child:
            if localname(grandchild.tag) == leaf:
                value = clean(grandchild.text)
                if value:
                    out.append(value)
    return tuple(out)


def attrs(element: Element) -> dict[str, str]:
    """Attributes by local name, values squashed."""
    return {(k if k[0] != "{" else localname(k)): clean(v) for k, v in element.attrib.items()}


def informative(value: str) -> str:
    """``value`` unless it is a "not available" placeholder."""
    return "" if value.lower() in PLACEHOLDERS else value


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """A record dict without empty values (for ``Entity.record``)."""
    return {k: v for k, v in data.items() if v not in ("", (), [], {}, None)}


# -- reference lookups -------------------------------------------------------------------


def country_code(value: str) -> str:
    """ISO 3166-1 alpha-2 (lower case, FtM style) for a country name or code, else ""."""
    return resolve_country(informative(clean(value)))


_PARENTHESES = re.compile(r"\([^)]*\)")
_ALTERNATIVES = re.compile(r"\s*(?:/|;|\bor\b)\s*")


@lru_cache(maxsize=4096)
def country_codes(value: str) -> tuple[str, ...]:
    """ISO codes for a free-text country field: the whole text, else the text without its
    parenthetical remark (``Indonesia (as at Dec. 2003)``), else each of its alternatives
    (``Sudan/South Sudan``)."""
    code = country_code(value)
    if code:
        return (code,)
    bare = clean(_PARENTHESES.sub(" ", value))
    if bare != clean(value) and country_code(bare):
        return (country_code(bare),)
    parts = [country_code(part) for part in _ALTERNATIVES.split(bare) if part]
    return tuple(dict.fromkeys(code for code in parts if code))


@lru_cache(maxsize=1024)
def language_code(value: str) -> str:
    """ISO 639-3 code for a language code or name the list gives (``FR`` -> ``fra``), else ""."""
    value = clean(value)
    if not value:
        return ""
    return iso_639_alpha3(value) or ""


def record_dict(obj: Any) -> Any:
    """A typed source record (dataclasses, tuples) as plain JSON data without empty values."""
    if isinstance(obj, str):
        return obj
    if hasattr(obj, "__dataclass_fields__"):
        out: dict[str, Any] = {}
        for name in obj.__dataclass_fields__:
            value = record_dict(getattr(obj, name))
            if value not in ("", (), [], {}, None, False):
                out[name] = value
        return out
    if isinstance(obj, tuple | list):
        return [item if isinstance(item, str) else record_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {str(k): v if isinstance(v, str) else record_dict(v) for k, v in obj.items()}
    return obj


_YEAR = re.compile(r"^\d{4}$")


def year_range(start: str, end: str, max_span: int = 10) -> list[str]:
    """Birth years of a "between" date: every year of a span up to ``max_span`` years (so a
    query with any of them agrees), else the two ends; non-years are ignored."""
    years = sorted(int(y) for y in (start, end) if _YEAR.match(y))
    if not years:
        return []
    first, last = years[0], years[-1]
    if last - first > max_span:
        return [str(first), str(last)]
    return [str(year) for year in range(first, last + 1)]
