"""What changed for screening between two states of the store: read off the two name indexes.

The index holds every screened entity as it is screened (its names, properties and listings;
the source record aside), so comparing two indexes entity by entity finds every change that
can change a match, whatever made it: a list version, an ownership file, a bundled list. The
day matters too: a listing that ended between two days no longer counts, and what an entity
takes through its owners is worked out for the day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from clearance.index.build import IndexData
from clearance.model import Entity
from clearance.monitor.alerts import StepChanges
from clearance.screen import is_current
from clearance.store.chain import canonical


@dataclass
class EntityChanges:
    """Entity ids added, removed and changed between two indexes (and by the day)."""

    added: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    #: whose listings came into or went out of force between the two days
    dated: set[str] = field(default_factory=set)
    #: whose findings through ownership changed
    owned: set[str] = field(default_factory=set)

    @property
    def all(self) -> set[str]:
        return self.added | self.removed | self.changed | self.dated | self.owned

    def new_or_changed(self) -> set[str]:
        """Entities of the new index to look for among the parties."""
        return (self.added | self.changed | self.dated | self.owned) - self.removed

    def step(self, delisted: set[str]) -> StepChanges:
        return StepChanges(
            added=frozenset(self.added),
            changed=frozenset(self.changed | self.dated | self.owned),
            delisted=frozenset(delisted | self.removed),
        )

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "dated": len(self.dated),
            "owned": len(self.owned),
        }


def _blobs(data: IndexData) -> dict[str, bytes]:
    return dict(zip(data.entity_ids, data.entity_blobs, strict=True))


def compare(old: IndexData, new: IndexData) -> EntityChanges:
    """Entities only in ``new`` (added), only in ``old`` (removed), in both but screened
    differently (changed)."""
    before, after = _blobs(old), _blobs(new)
    return EntityChanges(
        added=set(after) - set(before),
        removed=set(before) - set(after),
        changed={k for k in before.keys() & after.keys() if before[k] != after[k]},
    )


def ended_between(entity: Entity, old_day: str, new_day: str) -> bool:
    """Whether a listing of the entity is in force on one day and not the other."""
    return any(
        is_current(listing, old_day) != is_current(listing, new_day)
        for listing in entity.listings
        if listing.end
    )


def dated(data: IndexData, old_day: str, new_day: str) -> set[str]:
    """Entities of an index whose listings in force differ between two days."""
    if old_day == new_day:
        return set()
    out: set[str] = set()
    for index, blob in enumerate(data.entity_blobs):
        if b'"end":' not in blob:  # most entities have no ended listing: skip decoding them
            continue
        entity = data.entity(index)
        if ended_between(entity, old_day, new_day):
            out.add(entity.id)
    return out


def digest(value: object) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()[:24]


def findings_changed(before: Mapping[str, str], after: Mapping[str, str]) -> set[str]:
    """Entities whose findings digest differs (or appears or goes)."""
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
