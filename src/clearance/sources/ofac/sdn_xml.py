"""Read OFAC's ``sdnList`` XML (SDN.XML, CONSOLIDATED.XML) into OFAC records.

Elements are matched by local name: the namespace changed from ``http://tempuri.org/sdnList.xsd``
to ``https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML``. Typed
elements become the same facts the CSV remarks hold (``idType`` -> label, ``dateOfBirth`` ->
``DOB``...), so both formats map alike.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree
from lxml.etree import _Element as Element

from clearance.errors import ParseError
from clearance.sources.common import iso_date, localname
from clearance.sources.ofac.legacy_csv import read_bytes
from clearance.sources.ofac.records import Fact, OfacAddress, OfacAlias, OfacEntry
from clearance.sources.ofac.remarks import parse_remarks

_TYPES = {
    "individual": "individual",
    "entity": "entity",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
_ALIAS_TYPES = {"aka": "aka", "fka": "fka", "nka": "nka"}


@cache
def _parser() -> etree.XMLParser:
    # no entity expansion and no network: list files come from outside
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True
    )


def parse_xml(path: Path) -> Element:
    """The root element of an XML file; ParseError with the line for malformed XML."""
    raw = read_bytes(path)
    if not raw.strip():
        raise ParseError(str(path), None, "the file is empty")
    try:
        root: Element = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else 1
        raise ParseError(str(path), f"line {line}", f"malformed XML: {exc.msg}") from None
    if root is None:  # pragma: no cover - lxml raises for documents without a root
        raise ParseError(str(path), None, "the file has no XML root element")
    return root


def text(element: Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.split())


def children(element: Element) -> dict[str, Element]:
    """The child elements by local name (the first of each name)."""
    out: dict[str, Element] = {}
    for child in element:
        name = localname(child.tag)
        if name and name not in out:
            out[name] = child
    return out


def items(element: Element | None, name: str) -> list[Element]:
    """Child elements named ``name`` of a list element such as ``akaList``."""
    if element is None:
        return []
    return [child for child in element if localname(child.tag) == name]


def where(element: Element, index: int) -> str:
    return f"element {localname(element.tag)} #{index} (line {element.sourceline})"


def read_sdn_xml(path: Path, root: Element) -> tuple[list[OfacEntry], str]:
    """Entries and publication date (ISO) of an ``sdnList`` document."""
    if localname(root.tag) != "sdnList":
        raise ParseError(
            str(path),
            f"element {localname(root.tag)} (line {root.sourceline})",
            f"this is not an OFAC list file: its root element is {localname(root.tag)}, "
            "not sdnList (SDN.XML, CONSOLIDATED.XML) or Sanctions (the advanced XML)",
        )
    published = ""
    entries: list[OfacEntry] = []
    seen: set[str] = set()
    for child in root:
        tag = localname(child.tag)
        if tag == "publshInformation":
            published = iso_date(text(children(child).get("Publish_Date")))
        elif tag == "sdnEntry":
            entry = _entry(path, child, len(entries) + 1)
            if entry.uid in seen:
                raise ParseError(
                    str(path), where(child, len(entries) + 1), f"uid {entry.uid} occurs twice"
                )
            seen.add(entry.uid)
            entries.append(entry)
    if not entries:
        raise ParseError(str(path), None, "the list has no sdnEntry element")
    return entries, published


def _entry(path: Path, element: Element, index: int) -> OfacEntry:
    f = children(element)
    uid = text(f.get("uid"))
    if not (uid.isascii() and uid.isdigit()):
        raise ParseError(str(path), where(element, index), f"uid {uid!r} is not a number")
    last, first = text(f.get("lastName")), text(f.get("firstName"))
    if not last and not first:
        raise ParseError(str(path), where(element, index), f"entry {uid} has no name")
    kind = _TYPES.get(text(f.get("sdnType")).lower())
    if kind is None:
        problem = f"entry {uid} has an unknown sdnType {text(f.get('sdnType'))!r}"
        raise ParseError(str(path), where(element, index), problem)
    vessel = children(f["vesselInfo"]) if "vesselInfo" in f else {}
    remarks = text(f.get("remarks"))
    entry = OfacEntry(
        uid=uid,
        name=join_name(last, first),
        type=kind,
        programs=tuple(p for p in map(text, items(f.get("programList"), "program")) if p),
        title=text(f.get("title")),
        first_name=first,
        last_name=last,
        call_sign=text(vessel.get("callSign")),
        vessel_type=text(vessel.get("vesselType")),
        tonnage=text(vessel.get("tonnage")),
        grt=text(vessel.get("grossRegisteredTonnage")),
        vessel_flag=text(vessel.get("vesselFlag")),
        vessel_owner=text(vessel.get("vesselOwner")),
        remarks=remarks,
        addresses=[_address(a) for a in items(f.get("addressList"), "address")],
        aliases=[_alias(a) for a in items(f.get("akaList"), "aka")],
    )
    entry.details = _facts(f)
    entry.facts = [*entry.details, *parse_remarks(remarks)]
    return entry


def join_name(last: str, first: str) -> str:
    """OFAC's written form of a name: "SURNAME, Given" (or whichever part exists)."""
    if last and first:
        return f"{last}, {first}"
    return last or first


def _address(element: Element) -> OfacAddress:
    f = children(element)
    street = ", ".join(
        v for v in (text(f.get(k)) for k in ("address1", "address2", "address3")) if v
    )
    place = ", ".join(v for v in (text(f.get("city")), text(f.get("stateOrProvince"))) if v)
    city = " ".join(v for v in (place, text(f.get("postalCode"))) if v)
    return OfacAddress(
        uid=text(f.get("uid")), street=street, city=city, country=text(f.get("country"))
    )


def _alias(element: Element) -> OfacAlias:
    f = children(element)
    kind = _ALIAS_TYPES.get(text(f.get("type")).lower().replace(".", ""), "aka")
    return OfacAlias(
        uid=text(f.get("uid")),
        type=kind,
        name=join_name(text(f.get("lastName")), text(f.get("firstName"))),
        weak=text(f.get("category")).lower() == "weak",
    )


def _facts(f: dict[str, Element]) -> list[Fact]:
    facts: list[Fact] = []
    for item in items(f.get("idList"), "id"):
        g = children(item)
        facts.append(
            Fact(
                label=text(g.get("idType")),
                value=text(g.get("idNumber")),
                country=text(g.get("idCountry")),
            )
        )
    lists = (
        ("dateOfBirthList", "dateOfBirthItem", "dateOfBirth", "DOB"),
        ("placeOfBirthList", "placeOfBirthItem", "placeOfBirth", "POB"),
        ("nationalityList", "nationality", "country", "nationality"),
        ("citizenshipList", "citizenship", "country", "citizen"),
    )
    for list_name, item_name, field, label in lists:
        for item in items(f.get(list_name), item_name):
            value = text(children(item).get(field))
            if value:
                facts.append(Fact(label=label, value=value))
    return facts
