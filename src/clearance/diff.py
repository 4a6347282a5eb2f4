"""What changed between two versions of a list: pure logic over two ``{entity_id: Entity}`` maps.

An entity is *added* when only the new version has its id, *removed* when only the old one has
it, and *changed* when both have it and its stored form (``Entity.to_dict()``) differs. A change
names what differs: names added and removed, FtM properties with their old and new values,
listings added and removed, the schema, and the source record's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clearance.model import Entity, Listing, Name


@dataclass(frozen=True)
class ValueChange:
    """One field with its old and new value (``None`` when absent on that side)."""

    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class EntityChange:
    """How one entity differs between two versions."""

    entity_id: str
    caption: str
    schema: ValueChange | None = None
    names_added: tuple[Name, ...] = ()
    names_removed: tuple[Name, ...] = ()
    properties: tuple[ValueChange, ...] = ()
    listings_added: tuple[Listing, ...] = ()
    listings_removed: tuple[Listing, ...] = ()
    record: tuple[ValueChange, ...] = ()

    @property
    def fields(self) -> list[str]:
        """Names of what changed, for one-line summaries (``names``, ``birthDate``...)."""
        out: list[str] = []
        if self.schema is not None:
            out.append("schema")
        if self.names_added or self.names_removed:
            out.append("names")
        out.extend(change.field for change in self.properties)
        if self.listings_added or self.listings_removed:
            out.append("listings")
        if self.record and not out:
            out.append("record")
        return out or ["order"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entity_id,
            "caption": self.caption,
            "fields": self.fields,
            "schema": self.schema.to_dict() if self.schema else None,
            "names_added": [n.to_dict() for n in self.names_added],
            "names_removed": [n.to_dict() for n in self.names_removed],
            "properties": [c.to_dict() for c in self.properties],
            "listings_added": [x.to_dict() for x in self.listings_added],
            "listings_removed": [x.to_dict() for x in self.listings_removed],
            "record": [c.to_dict() for c in self.record],
        }


@dataclass
class Diff:
    """Entities added, removed and changed from one version of a source to another."""

    source: str
    from_version: int | None
    to_version: int | None
    added: list[Entity] = field(default_factory=list)
    removed: list[Entity] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)
    from_published: str = ""
    to_published: str = ""

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from": {"version": self.from_version, "published": self.from_published},
            "to": {"version": self.to_version, "published": self.to_published},
            "summary": self.summary(),
            "added": [_brief(e) for e in self.added],
            "removed": [_brief(e) for e in self.removed],
            "changed": [c.to_dict() for c in self.changed],
        }


def _brief(entity: Entity) -> dict[str, str]:
    return {"id": entity.id, "caption": entity.caption, "schema": entity.schema}


def _name_key(name: Name) -> tuple[str, str, str]:
    return (name.value, name.kind, name.lang)


def _value_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[ValueChange, ...]:
    """Fields that differ; a field absent on one side shows as ``None`` there."""
    missing = object()
    return tuple(
        ValueChange(key, old.get(key), new.get(key))
        for key in sorted(set(old) | set(new))
        if old.get(key, missing) != new.get(key, missing)
    )


def entity_change(old: Entity, new: Entity) -> EntityChange | None:
    """What differs between two versions of one entity; None when they are stored alike."""
    if old.to_dict() == new.to_dict():
        return None
    old_names = {_name_key(n): n for n in old.names}
    new_names = {_name_key(n): n for n in new.names}
    old_listings = set(old.listings)
    new_listings = set(new.listings)
    return EntityChange(
        entity_id=new.id,
        caption=new.caption,
        schema=ValueChange("schema", old.schema, new.schema) if old.schema != new.schema else None,
        names_added=tuple(n for k, n in new_names.items() if k not in old_names),
        names_removed=tuple(n for k, n in old_names.items() if k not in new_names),
        properties=_value_changes(old.properties, new.properties),
        listings_added=tuple(x for x in new.listings if x not in old_listings),
        listings_removed=tuple(x for x in old.listings if x not in new_listings),
        record=_value_changes(old.record, new.record),
    )


def diff_entities(
    old: Mapping[str, Entity], new: Mapping[str, Entity]
) -> tuple[list[Entity], list[Entity], list[EntityChange]]:
    """(added, removed, changed) from ``old`` to ``new``, each sorted by entity id."""
    added = [new[key] for key in sorted(new.keys() - old.keys())]
    removed = [old[key] for key in sorted(old.keys() - new.keys())]
    changed: list[EntityChange] = []
    for key in sorted(old.keys() & new.keys()):
        change = entity_change(old[key], new[key])
        if change is not None:
            changed.append(change)
    return added, removed, changed
