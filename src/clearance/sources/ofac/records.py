"""OFAC's own record model, shared by every OFAC format.

OFAC publishes one database as legacy CSV files, as XML (``sdnList``) and as "advanced" XML.
Each reader turns its format into these records; :mod:`clearance.sources.ofac.mapping` turns a
record into an :class:`~clearance.model.Entity`. Fields hold the text as published, with the
CSV null marker ``-0-`` already read as empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Fact:
    """One labelled fact about an entry: ``Passport X123 (Iran)``, ``DOB 1960``, ...

    ``label`` is OFAC's label (a remarks prefix, an XML ``idType`` or feature type name);
    ``value`` the text after it; ``country`` an issuing country where the format separates it.
    """

    label: str
    value: str
    country: str = ""


@dataclass(slots=True)
class OfacAddress:
    uid: str
    #: street lines (``address1, address2, address3`` in XML)
    street: str = ""
    #: "city, state/province postal code", as the CSV files write it
    city: str = ""
    country: str = ""
    remarks: str = ""

    def text(self) -> str:
        """The address as one line: street, city line, country."""
        return ", ".join(part for part in (self.street, self.city, self.country) if part)

    def to_dict(self) -> dict[str, str]:
        return _compact(
            uid=self.uid,
            street=self.street,
            city=self.city,
            country=self.country,
            remarks=self.remarks,
        )


@dataclass(slots=True)
class OfacAlias:
    uid: str
    #: ``aka``, ``fka`` or ``nka``
    type: str
    name: str
    #: OFAC's "weak" (low quality) a.k.a.
    weak: bool = False
    remarks: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = _compact(
            uid=self.uid, type=self.type, name=self.name, remarks=self.remarks
        )
        if self.weak:
            out["weak"] = True
        return out


@dataclass(slots=True)
class OfacEntry:
    """One list entry (a row of ``sdn.csv``/``cons_prim.csv``, an ``sdnEntry``, a
    ``DistinctParty``)."""

    uid: str
    #: the primary name as OFAC writes it (individuals: "SURNAME, Given names")
    name: str
    #: ``individual``, ``entity``, ``vessel``, ``aircraft`` (lower case)
    type: str
    programs: tuple[str, ...] = ()
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    call_sign: str = ""
    vessel_type: str = ""
    tonnage: str = ""
    grt: str = ""
    vessel_flag: str = ""
    vessel_owner: str = ""
    #: the remarks as published (CSV: with the spill-over from the comments file appended)
    remarks: str = ""
    addresses: list[OfacAddress] = field(default_factory=list)
    aliases: list[OfacAlias] = field(default_factory=list)
    #: facts published as typed XML elements (ids, birth dates, features), kept for audit
    details: list[Fact] = field(default_factory=list)
    #: every fact the entry is mapped from: ``details`` and the items of the remarks
    facts: list[Fact] = field(default_factory=list)
    #: program -> earliest listing date (ISO), where the format gives one
    listed: dict[str, str] = field(default_factory=dict)
    #: relations to other entries (advanced XML): ``{"id", "type", "to": FixedRef,
    #: "former"}``, e.g. type "Owned or Controlled By"
    relations: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The record for audit: every published field that is not empty."""
        out: dict[str, Any] = _compact(
            uid=self.uid,
            name=self.name,
            type=self.type,
            title=self.title,
            first_name=self.first_name,
            last_name=self.last_name,
            call_sign=self.call_sign,
            vessel_type=self.vessel_type,
            tonnage=self.tonnage,
            grt=self.grt,
            vessel_flag=self.vessel_flag,
            vessel_owner=self.vessel_owner,
            remarks=self.remarks,
        )
        if self.programs:
            out["programs"] = list(self.programs)
        if self.addresses:
            out["addresses"] = [a.to_dict() for a in self.addresses]
        if self.aliases:
            out["aliases"] = [a.to_dict() for a in self.aliases]
        if self.details:
            out["details"] = [
                _compact(label=d.label, value=d.value, country=d.country) for d in self.details
            ]
        if self.listed:
            out["listed"] = dict(self.listed)
        if self.relations:
            out["relations"] = [_compact(**relation) for relation in self.relations]
        return out


def _compact(**values: str) -> dict[str, str]:
    out = {}
    for key, value in values.items():
        if value:
            out[key] = value
    return out
