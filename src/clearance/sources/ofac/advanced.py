"""Read OFAC's "advanced" XML (SDN_ADVANCED.XML, CONS_ADVANCED.XML) into OFAC records.

The advanced format is a normalised database dump: ``ReferenceValueSets`` name every type by
ID (alias types, feature types, document types, name part types, scripts, countries),
``Locations`` and ``IDRegDocuments`` sit apart from the parties and are linked by ID, and
each ``DistinctParty`` holds a ``Profile`` with ``Identity`` (aliases with documented names
made of typed name parts, in any script) and ``Feature`` elements (birth date, nationality,
address...). ``SanctionsEntries`` give the programs and the dates of listing.

Feature type and document type names are the labels the CSV remarks use, so the records map
like those of the other formats. Names keep the script they are written in.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from pathlib import Path

from lxml.etree import _Element as Element

from clearance.errors import ParseError
from clearance.sources.common import localname
from clearance.sources.ofac.records import Fact, OfacAddress, OfacAlias, OfacEntry
from clearance.sources.ofac.sdn_xml import children, items, join_name, text, where

_ALIAS_TYPES = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}
_PARTY_TYPES = {"individual": "individual", "vessel": "vessel", "aircraft": "aircraft"}
_UNSPACED_SCRIPTS = ("Han", "Chinese", "Japanese", "Korean", "Hangul", "Kanji", "Katakana")
_STREET_PARTS = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "REGION")


@dataclass
class _Refs:
    """The reference value sets and the linked tables of one document, by ID."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    #: reference set name -> ID -> attributes (PartyTypeID of a PartySubType, ...)
    attrs: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    #: reference set name -> ID -> element text only (an AreaCode's ISO code)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    locations: dict[str, OfacAddress] = field(default_factory=dict)
    documents: dict[str, list[Fact]] = field(default_factory=dict)

    def get(self, kind: str, ref: str | None, path: Path, element: Element) -> str:
        table = self.values.get(kind, {})
        if ref is None or ref not in table:
            raise ParseError(
                str(path),
                f"element {localname(element.tag)} (line {element.sourceline})",
                f"it refers to an unknown {kind} {ref!r}",
            )
        return table[ref]


def read_advanced(path: Path, root: Element) -> tuple[list[OfacEntry], str]:
    """Entries and publication date (ISO) of an advanced ``Sanctions`` document."""
    if localname(root.tag) != "Sanctions":
        raise ParseError(str(path), f"element {localname(root.tag)}", "not an OFAC advanced XML")
    sections = children(root)
    if "ReferenceValueSets" not in sections or "DistinctParties" not in sections:
        raise ParseError(
            str(path),
            f"element Sanctions (line {root.sourceline})",
            "this is not an OFAC advanced list: ReferenceValueSets or DistinctParties missing",
        )
    refs = _Refs()
    _read_reference_values(sections["ReferenceValueSets"], refs)
    for location in items(sections.get("Locations"), "Location"):
        refs.locations[location.get("ID", "")] = _location(path, location, refs)
    for document in items(sections.get("IDRegDocuments"), "IDRegDocument"):
        fact = _document(path, document, refs)
        refs.documents.setdefault(document.get("IdentityID", ""), []).append(fact)
    entries: dict[str, OfacEntry] = {}
    profiles: dict[str, OfacEntry] = {}
    for index, party in enumerate(items(sections["DistinctParties"], "DistinctParty"), 1):
        entry, profile_id = _party(path, party, index, refs)
        if entry.uid in entries or profile_id in profiles:
            raise ParseError(str(path), where(party, index), f"FixedRef {entry.uid} occurs twice")
        entries[entry.uid] = profiles[profile_id] = entry
    if not entries:
        raise ParseError(str(path), None, "the list has no DistinctParty element")
    _read_sanctions_entries(path, sections.get("SanctionsEntries"), profiles, refs)
    _read_relationships(path, sections.get("ProfileRelationships"), profiles, refs)
    return list(entries.values()), _date(sections.get("DateOfIssue"))


def _read_reference_values(element: Element, refs: _Refs) -> None:
    for value_set in element:
        for value in value_set:
            kind = localname(value.tag)
            if not kind:
                continue
            ref = value.get("ID", "")
            refs.values.setdefault(kind, {})[ref] = text(value) or value.get("Description", "")
            refs.codes.setdefault(kind, {})[ref] = text(value)
            refs.attrs.setdefault(kind, {})[ref] = dict(value.attrib)


def _date(element: Element | None) -> str:
    """``YYYY-MM-DD`` of an element with Year/Month/Day children, else ""."""
    if element is None:
        return ""
    f = children(element)
    try:
        year, month, day = (int(text(f.get(k)) or 0) for k in ("Year", "Month", "Day"))
    except ValueError:
        return ""
    if not 0 < year < 10000 or not 0 < month <= 12 or not 0 < day <= 31:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def _location(path: Path, element: Element, refs: _Refs) -> OfacAddress:
    parts: dict[str, list[str]] = {}
    country = ""
    for child in element:
        tag = localname(child.tag)
        if tag == "LocationPart":
            kind = refs.get("LocPartType", child.get("LocPartTypeID"), path, child)
            for value in items(child, "LocationPartValue"):
                parts.setdefault(kind.upper(), []).append(text(children(value).get("Value")))
        elif tag == "LocationCountry":
            country = refs.get("Country", child.get("CountryID"), path, child)
        elif tag == "LocationAreaCode" and not country:
            ref = child.get("AreaCodeID", "")
            # an area code without an ISO code ("undetermined") says nothing
            if refs.codes.get("AreaCode", {}).get(ref):
                country = refs.attrs["AreaCode"][ref].get("Description", "")

    def joined(*kinds: str, sep: str = ", ") -> str:
        return sep.join(v for k in kinds for v in parts.get(k, []) if v)

    place = joined("CITY", "STATE/PROVINCE")
    return OfacAddress(
        uid=element.get("ID", ""),
        street=joined(*_STREET_PARTS, "UNKNOWN"),
        city=" ".join(v for v in (place, joined("POSTAL CODE")) if v),
        country=country,
    )


def _document(path: Path, element: Element, refs: _Refs) -> Fact:
    label = refs.get("IDRegDocType", element.get("IDRegDocTypeID"), path, element)
    country_ref = element.get("IssuedBy-CountryID")
    country = refs.get("Country", country_ref, path, element) if country_ref else ""
    number = text(children(element).get("IDRegistrationNo"))
    return Fact(label=label, value=number, country=country)


def _party(path: Path, party: Element, index: int, refs: _Refs) -> tuple[OfacEntry, str]:
    uid = party.get("FixedRef", "")
    if not (uid.isascii() and uid.isdigit()):
        raise ParseError(str(path), where(party, index), f"FixedRef {uid!r} is not a number")
    profile = children(party).get("Profile")
    if profile is None:
        raise ParseError(str(path), where(party, index), f"party {uid} has no Profile")
    subtype = refs.get("PartySubType", profile.get("PartySubTypeID"), path, profile)
    party_type = refs.values.get("PartyType", {}).get(
        refs.attrs["PartySubType"][profile.get("PartySubTypeID", "")].get("PartyTypeID", ""), ""
    )
    kind = _PARTY_TYPES.get(subtype.lower()) or _PARTY_TYPES.get(party_type.lower(), "entity")
    entry = OfacEntry(uid=uid, name="", type=kind, remarks=text(children(party).get("Comment")))
    identities: list[str] = []
    for identity in items(profile, "Identity"):
        identities.append(identity.get("ID", ""))
        _identity(path, identity, entry, refs)
    if not entry.name:
        raise ParseError(str(path), where(party, index), f"party {uid} has no primary name")
    for identity_id in identities:
        entry.facts.extend(refs.documents.get(identity_id, []))
    for feature in items(profile, "Feature"):
        _feature(path, feature, entry, refs)
    entry.details = list(entry.facts)
    return entry, profile.get("ID", "")


def _identity(path: Path, identity: Element, entry: OfacEntry, refs: _Refs) -> None:
    groups: dict[str, str] = {}
    for group in identity.iter("{*}NamePartGroup"):
        groups[group.get("ID", "")] = refs.get(
            "NamePartType", group.get("NamePartTypeID"), path, group
        )
    for alias in items(identity, "Alias"):
        alias_type = refs.get("AliasType", alias.get("AliasTypeID"), path, alias)
        primary = alias.get("Primary") == "true"
        for documented in items(alias, "DocumentedName"):
            name, surname, given = _documented_name(path, documented, groups, refs)
            if not name:
                continue
            if primary and not entry.name:
                entry.name = name
                if surname and given:
                    entry.last_name, entry.first_name = surname, given
                continue
            entry.aliases.append(
                OfacAlias(
                    uid=documented.get("ID", ""),
                    type=_ALIAS_TYPES.get(alias_type.lower(), "aka"),
                    name=name,
                    weak=alias.get("LowQuality") == "true",
                )
            )


def _documented_name(
    path: Path, element: Element, groups: dict[str, str], refs: _Refs
) -> tuple[str, str, str]:
    """The name as OFAC writes it (Latin "SURNAME, Given"; other scripts as given, in order),
    with its Latin last name and other parts."""
    last: list[str] = []
    others: list[str] = []
    scripts: set[str] = set()
    for value in element.iter("{*}NamePartValue"):
        part = text(value)
        if not part:
            continue
        script_ref = value.get("ScriptID")
        if script_ref:
            scripts.add(refs.get("Script", script_ref, path, value))
        kind = groups.get(value.get("NamePartGroupID", ""), "")
        (last if kind == "Last Name" else others).append(part)
    if not scripts or scripts == {"Latin"}:
        surname, given = " ".join(last), " ".join(others)
        return join_name(surname, given), surname, given
    parts = [text(v) for v in element.iter("{*}NamePartValue") if text(v)]
    unspaced = any(s.startswith(_UNSPACED_SCRIPTS) for s in scripts)
    return ("" if unspaced else " ").join(parts), "", ""


def _feature(path: Path, feature: Element, entry: OfacEntry, refs: _Refs) -> None:
    label = refs.get("FeatureType", feature.get("FeatureTypeID"), path, feature)
    for version in items(feature, "FeatureVersion"):
        f = children(version)
        location_ref = f["VersionLocation"].get("LocationID") if "VersionLocation" in f else None
        location = refs.locations.get(location_ref or "")
        if label == "Location":
            if location is not None and location.text():
                entry.addresses.append(location)
            continue
        detail = f.get("VersionDetail")
        value = text(detail)
        if detail is not None and detail.get("DetailReferenceID"):
            value = refs.get("DetailReference", detail.get("DetailReferenceID"), path, detail)
        if "DatePeriod" in f:
            value = _period(f["DatePeriod"])
        if not value and location is not None:
            value = location.country or location.text()
        if value:
            entry.facts.append(Fact(label=label, value=value))


def _period(element: Element) -> str:
    """A DatePeriod as OFAC's remarks write dates: ``1962``, ``Mar 1962``, ``1962-03-05``,
    ``1960 to 1962``."""
    f = children(element)
    start = _date(children(f["Start"]).get("From")) if "Start" in f else ""
    end = _date(children(f["End"]).get("To")) if "End" in f else ""
    if not start or not end:
        return start or end
    if start == end:
        return start
    y1, m1, d1 = (int(x) for x in start.split("-"))
    y2, m2, d2 = (int(x) for x in end.split("-"))
    if (m1, d1, m2, d2) == (1, 1, 12, 31):
        return str(y1) if y1 == y2 else f"{y1} to {y2}"
    if (y1, m1) == (y2, m2) and d1 == 1 and d2 == calendar.monthrange(y2, m2)[1]:
        return f"{calendar.month_abbr[m1]} {y1}"
    return f"{start} to {end}"


def _read_sanctions_entries(
    path: Path, element: Element | None, entries: dict[str, OfacEntry], refs: _Refs
) -> None:
    """Programs and listing dates from ``SanctionsEntries`` (by profile ID)."""
    programs: dict[str, dict[str, None]] = {}
    for sanction in items(element, "SanctionsEntry"):
        profile = sanction.get("ProfileID", "")
        entry = entries.get(profile)
        if entry is None:
            raise ParseError(
                str(path),
                f"element SanctionsEntry (line {sanction.sourceline})",
                f"it refers to an unknown profile {profile!r}",
            )
        date = ""
        for event in items(sanction, "EntryEvent"):
            event_date = _date(children(event).get("Date"))
            date = min(date, event_date) if date and event_date else (date or event_date)
        for measure in items(sanction, "SanctionsMeasure"):
            kind = refs.get("SanctionsType", measure.get("SanctionsTypeID"), path, measure)
            program = text(children(measure).get("Comment"))
            if kind != "Program" or not program:
                continue
            programs.setdefault(profile, {})[program] = None
            known = entry.listed.get(program, "")
            if date and (not known or date < known):
                entry.listed[program] = date
    for profile, names in programs.items():
        entries[profile].programs = tuple(names)


def _read_relationships(
    path: Path, element: Element | None, entries: dict[str, OfacEntry], refs: _Refs
) -> None:
    """``ProfileRelationships``: "X is owned or controlled by Y", "X is associated with Y"...,
    kept on X (the From profile) as published. Y may be a party of OFAC's other list (an SDN
    owning a party of the Consolidated list): its FixedRef is kept, the lists share them."""
    for relation in items(element, "ProfileRelationship"):
        source = entries.get(relation.get("From-ProfileID", ""))
        if source is None:
            raise ParseError(
                str(path),
                f"element ProfileRelationship (line {relation.sourceline})",
                f"it refers to an unknown profile {relation.get('From-ProfileID')!r}",
            )
        target_profile = relation.get("To-ProfileID", "")
        target = entries.get(target_profile)
        source.relations.append(
            {
                "id": relation.get("ID", ""),
                "type": refs.get("RelationType", relation.get("RelationTypeID"), path, relation),
                "to": target.uid if target is not None else target_profile,
                "former": "true" if relation.get("Former") == "true" else "",
            }
        )
