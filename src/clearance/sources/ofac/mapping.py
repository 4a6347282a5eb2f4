"""Map OFAC records (any format) to :class:`~clearance.model.Entity`.

One mapping for every OFAC format, so the CSV and XML of the same day give the same entities:

- schema from the entry type (``data/ofac.yaml`` ``schemata``); an Organization with a
  company-only fact (ISIN, ticker, BIK) becomes a Company;
- the primary name as published (individuals "SURNAME, Given"), strong a.k.a./n.k.a. as
  ``alias``, f.k.a. as ``previousName``, weak ones (XML category ``weak``, CSV remarks
  ``a.k.a. '...'``) as ``weakAlias``;
- facts (remarks items, XML ids and features) to FtM properties by their label;
- one listing per list: SDN for the SDN list, the program's list on the Consolidated list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from clearance.model import Entity, Listing, Name, NameKind
from clearance.reference import country_code, list_info
from clearance.sources.ofac.records import Fact, OfacEntry
from clearance.sources.ofac.remarks import (
    OfacRules,
    listing_date,
    parse_dates,
    rules,
    split_identifier,
    unquote_name,
)

_HAS_LETTER = re.compile("[A-Za-z]").search
_GENDERS = {"male": "male", "female": "female", "m": "male", "f": "female"}
_ALIAS_KINDS: dict[str, NameKind] = {"aka": "alias", "nka": "alias", "fka": "previousName"}


def map_entry(source: str, entry: OfacEntry, consolidated: bool) -> Entity:
    """The entity of one OFAC entry; ``consolidated`` picks the non-SDN list mapping."""
    config = rules()
    schema = config.schemata.get(entry.type, "Organization")
    values = _fact_values(entry.facts, config)
    if schema == "Organization" and any(prop in config.company_props for prop, _ in values):
        schema = "Company"
    builder = _Builder(schema, config)
    builder.name(entry.name, "name")
    for alias in entry.aliases:
        builder.name(
            alias.name, "weakAlias" if alias.weak else _ALIAS_KINDS.get(alias.type, "alias")
        )
    starts, reasons = [], []
    for prop, value in values:
        if prop == "@listed":
            starts.append(value)
        elif prop == "@reason":
            reasons.append(value)
        elif prop.startswith("@"):
            builder.name(value, prop[1:])  # type: ignore[arg-type]
        else:
            builder.put(prop, value)
    _add_columns(builder, entry)
    return Entity(
        source=source,
        source_id=entry.uid,
        schema=schema,
        names=builder.names,
        properties={prop: list(values) for prop, values in builder.props.items()},
        listings=_listings(
            entry, consolidated, config, min(starts, default=""), "; ".join(sorted(set(reasons)))
        ),
        record=entry.to_dict(),
    )


class _Builder:
    """Collects names and properties of one entity, deduplicated, in order of appearance."""

    __slots__ = ("names", "props", "seen", "targets")

    def __init__(self, schema: str, config: OfacRules) -> None:
        self.targets = config.targets(schema)
        self.names: list[Name] = []
        self.seen: set[tuple[str, str]] = set()
        self.props: dict[str, dict[str, None]] = {}

    def name(self, value: str, kind: NameKind) -> None:
        value = " ".join(value.split())
        if not value or (value, kind) in self.seen:
            return
        self.seen.add((value, kind))
        if value.isascii():
            # the common case, without a per-character script lookup
            script = "Latn" if _HAS_LETTER(value) else ""
            self.names.append(Name(value=value, kind=kind, script=script))
        else:
            self.names.append(Name.make(value, kind))

    def put(self, prop: str, value: str) -> None:
        if not value:
            return
        target = self.targets.get(prop)
        if target is None:
            target = self.targets[prop] = _target(self.targets, prop)
        value = " ".join(value.split())
        if target and value:
            self.props.setdefault(target, {})[value] = None


def _target(targets: dict[str, str], prop: str) -> str:
    return rules().prop_for(targets["@schema"], prop)


def _fact_values(facts: Iterable[Fact], config: OfacRules) -> list[tuple[str, str]]:
    """``(property, value)`` pairs of the facts; names and listing dates get ``@`` props."""
    out: list[tuple[str, str]] = []
    for fact in facts:
        rule = config.labels.get(fact.label)
        if rule is None or not fact.value:
            continue
        kind = rule.type
        if kind == "id":
            number, _country = split_identifier(fact)
            if not number:
                continue
            prop = rule.prop
            for special, pattern in config.value_patterns:
                if pattern.match(number):
                    prop = special
            out.append((prop, number))
        elif kind == "date":
            out.extend((rule.prop, date) for date in parse_dates(fact.value))
        elif kind == "country":
            code = country_code(fact.value.rstrip("."))
            if code:
                out.append((rule.prop, code))
        elif kind == "gender":
            gender = _GENDERS.get(fact.value.strip().rstrip(".").lower())
            if gender:
                out.append((rule.prop, gender))
        elif kind == "number":
            out.append((rule.prop, fact.value.replace(",", "").strip()))
        elif kind == "name":
            out.append(("@" + (rule.kind or "weakAlias"), unquote_name(fact.value)))
        elif kind == "listed":
            date = listing_date(fact.value)
            if date:
                out.append(("@listed", date))
        elif kind == "reason":
            out.append(("@reason", f"{fact.label} {fact.value.strip()}"))
        else:
            out.append((rule.prop, fact.value.strip()))
    return out


def _add_columns(builder: _Builder, entry: OfacEntry) -> None:
    """Properties from the fixed fields: title, names, vessel data, addresses, remarks."""
    put = builder.put
    for prop, value in (
        ("position", entry.title),
        ("firstName", entry.first_name),
        ("lastName", entry.last_name),
        ("callSign", entry.call_sign),
        ("type", entry.vessel_type),
        # the CSV files write "99,144" where the XML says 99144
        ("tonnage", entry.tonnage.replace(",", "")),
        ("grossRegisteredTonnage", entry.grt.replace(",", "")),
        ("flag", country_code(entry.vessel_flag)),
    ):
        if value:
            put(prop, value)
    for address in entry.addresses:
        put("address", address.text())
        put("country", country_code(address.country))
    put("notes", entry.remarks)


def _listings(
    entry: OfacEntry, consolidated: bool, config: OfacRules, start: str, reason: str
) -> list[Listing]:
    """One listing per list the entry's programs belong to."""
    groups: dict[str, list[str]] = {}
    for program in entry.programs:
        code = config.consolidated_list(program) if consolidated else config.sdn_list
        groups.setdefault(code, []).append(program)
    if not groups:
        groups[config.cons_default if consolidated else config.sdn_list] = []
    listings = []
    for code, programs in sorted(groups.items()):
        info = list_info(code)
        dates = [entry.listed[p] for p in programs if entry.listed.get(p)]
        listings.append(
            Listing(
                list=code,
                effect=info.effect,
                programs=tuple(programs),
                start=min(dates, default=start),
                reason=reason,
                authority=info.authority,
                url=info.url,
            )
        )
    return listings
