"""Which party a reference in an ownership file (or ``ownership show``) means.

* ``SOURCE:ID`` of a list clearance knows: that entity, which must be in the active lists;
* ``ownership:SLUG``: a party of an earlier ownership file;
* ``name:TEXT``: a party on no list, named TEXT, whatever the matcher would say;
* ``book:REF``: the party of the monitoring book with this reference, by its name, as a party on
  no list (the book keeps what the user holds of a counterparty, not a listing);
* anything else is a name, resolved with the matcher against every list:
  - entries scoring ``SAME_PARTY`` or more are the party (the same company is often on several
    lists: all of them, one node); two such entries of one list are ambiguous;
  - otherwise an entry scoring at or above the profile's threshold makes the name ambiguous:
    it is reported with its candidates, never guessed;
  - no match at all: a party on no list, ``ownership:<slug of the name>``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from clearance.errors import NotFoundError
from clearance.model import Entity, Query
from clearance.screen import Hit
from clearance.sources import SOURCE_IDS
from clearance.store.ownership import SOURCE as OWNERSHIP_SOURCE

#: the score from which a listed entry is the party named, not just a candidate
SAME_PARTY = 0.95
_SLUG = re.compile(r"[^\w]+")


class EntityLookup(Protocol):
    def get_entity(self, entity_id: str) -> Entity: ...


class NameSearch(Protocol):
    def search(self, query: Query, limit: int = 10) -> list[Hit]: ...


class BookParty(Protocol):
    @property
    def data(self) -> dict[str, Any]: ...


class BookLookup(Protocol):
    """The monitoring book (``store/monitor.py``): a party by its reference."""

    def party(self, reference: str) -> BookParty: ...


def party_slug(name: str) -> str:
    """The id of an unlisted party: its name in lower case, words joined by ``-``."""
    slug = _SLUG.sub("-", name.casefold()).strip("-_")[:80]
    return slug or hashlib.blake2b(name.encode(), digest_size=6).hexdigest()


def unlisted_party(name: str) -> Entity:
    entity = Entity(source=OWNERSHIP_SOURCE, source_id=party_slug(name), schema="LegalEntity")
    entity.add_name(name)
    entity.record = {"named_in": "ownership file"}
    return entity


@dataclass(frozen=True)
class Resolution:
    """What a reference means: entity ids of one party (the first is its node), or a
    problem."""

    ref: str
    ids: tuple[str, ...] = ()
    name: str = ""
    #: a party on no list, to store with the file
    party: Entity | None = None
    problem: str = ""
    candidates: tuple[tuple[str, str, float], ...] = field(default=())


@dataclass
class Resolver:
    """Resolves references with the store (ids) and a screener (names); remembers them."""

    entities: EntityLookup
    names: NameSearch
    book: BookLookup | None = None
    _seen: dict[str, Resolution] = field(default_factory=dict)

    def resolve(self, ref: str) -> Resolution:
        key = ref.casefold()
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._resolve(ref)
        return found

    def _resolve(self, ref: str) -> Resolution:
        prefix, sep, rest = ref.partition(":")
        prefix = prefix.strip().lower()
        if sep and prefix == "name" and rest.strip():
            party = unlisted_party(rest.strip())
            return Resolution(ref, (party.id,), party.caption, party)
        if sep and prefix == "book":
            return self._book(ref, rest.strip())
        if sep and (prefix in SOURCE_IDS or prefix == OWNERSHIP_SOURCE) and rest.strip():
            entity_id = f"{prefix}:{rest.strip()}"
            try:
                entity = self.entities.get_entity(entity_id)
            except NotFoundError:
                return Resolution(ref, problem=f"no entity {entity_id} in the active lists")
            return Resolution(ref, (entity.id,), entity.caption)
        return self._by_name(ref)

    def _book(self, ref: str, reference: str) -> Resolution:
        """A party of the book, as a party on no list named as the book names it."""
        if self.book is None:
            return Resolution(ref, problem="the monitoring book is not available here")
        try:
            found = self.book.party(reference)
        except NotFoundError:
            return Resolution(ref, problem=f"no party {reference!r} in the monitoring book")
        name = found.data.get("name")
        name = name[0] if isinstance(name, list) and name else name
        if not isinstance(name, str) or not name.strip():
            return Resolution(ref, problem=f"the book party {reference!r} has no name")
        party = unlisted_party(name.strip())
        party.record = {"named_in": "ownership file", "book": reference}
        return Resolution(ref, (party.id,), party.caption, party)

    def _by_name(self, name: str) -> Resolution:
        hits = [
            h
            for h in self.names.search(Query(name), limit=10)
            if h.entity.source != OWNERSHIP_SOURCE
        ]
        candidates = tuple((h.entity.id, h.entity.caption, round(h.score, 4)) for h in hits)
        same = [h for h in hits if h.score >= SAME_PARTY]
        if same:
            sources = [h.entity.source for h in same]
            if len(set(sources)) < len(sources):
                return Resolution(
                    name,
                    problem=f"{name!r} names several entries of one list: give the entity id",
                    candidates=candidates,
                )
            return Resolution(name, tuple(h.entity.id for h in same), same[0].entity.caption)
        if hits:
            return Resolution(
                name,
                problem=(
                    f"{name!r} is close to listed entries but not clearly one of them: give "
                    f"the entity id, or name:{name} for a party on no list"
                ),
                candidates=candidates,
            )
        party = unlisted_party(name)
        return Resolution(name, (party.id,), party.caption, party)
