"""Ownership links read from the stored entities and the user's ownership files.

Three kinds of places publish them (``data/exposure/relations.yaml`` says which relations are
ownership):

* FollowTheMoney ``Ownership`` records, kept by the ftm source on both ends of the link as
  ``record["relations"]`` (``owner``, ``asset``, ``percentage``, ``startDate``, ``endDate``);
* OFAC's advanced XML ``ProfileRelationship`` ("owned or controlled by"), kept on the owned
  entry as ``record["relations"]`` with the owner's FixedRef: the owner may be on OFAC's other
  list, whose entries share the FixedRef numbering;
* curated lists that name a party's parent company (``record["parent"]``), resolved by name to
  an entry of the same list;
* ownership files (``store/ownership.py``), whose links name entity ids already.

:class:`EdgeCollector` takes entities one at a time (the store is read once) and gives the
parties and edges for :class:`~clearance.exposure.graph.OwnershipGraph`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from clearance.datafiles import load_data
from clearance.exposure.graph import EDGE_KINDS, Edge, EdgeKind, Party
from clearance.model import Entity
from clearance.store.ownership import OwnershipLink

#: sources whose entries share one numbering, so a relation may point from one to the other
SHARED_NUMBERING = (("us-ofac-sdn", "us-ofac-cons"),)
_SHARE = re.compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\s*%?\s*$")


@dataclass(frozen=True)
class RelationKinds:
    ftm: dict[str, EdgeKind]
    ofac: dict[str, EdgeKind]
    parent_fields: tuple[str, ...]


@cache
def relation_kinds() -> RelationKinds:
    raw: dict[str, Any] = load_data("exposure/relations.yaml")
    for table in ("ftm", "ofac"):
        for kind in raw[table].values():
            if kind not in EDGE_KINDS:
                raise ValueError(f"relations.yaml: unknown kind {kind!r}")
    return RelationKinds(dict(raw["ftm"]), dict(raw["ofac"]), tuple(raw["parent_fields"]))


def parse_share(value: object) -> float | None:
    """A percentage as lists write it (``50``, ``50.00``, ``50%``, ``33,3``), else None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and (found := _SHARE.match(value)):
        number = float(found.group(1).replace(",", "."))
    else:
        return None
    return number if 0.0 <= number <= 100.0 else None


def _name_key(value: str) -> str:
    return " ".join(value.split()).casefold()


def party_of(entity: Entity) -> Party:
    return Party(entity.id, entity.caption, entity.schema, tuple(entity.listings))


@dataclass
class EdgeCollector:
    """Parties and edges from entities given one at a time (see the module)."""

    parties: dict[str, Party] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    _seen: set[tuple[str, str]] = field(default_factory=set)
    #: source -> name key -> entity id, for parents named by name
    _names: dict[str, dict[str, str]] = field(default_factory=dict)
    _parents: list[tuple[Entity, str]] = field(default_factory=list)
    #: OFAC-style relations waiting for every entity id to be known
    _pending: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def add(self, entity: Entity) -> None:
        self.parties[entity.id] = party_of(entity)
        kinds = relation_kinds()
        names = self._names.setdefault(entity.source, {})
        for name in entity.names:
            names.setdefault(_name_key(name.value), entity.id)
        for relation in entity.record.get("relations", ()) or ():
            if not isinstance(relation, dict):
                continue
            if "schema" in relation:
                self._ftm(relation, kinds)
            elif relation.get("type") in kinds.ofac and "to" in relation:
                if relation.get("former"):
                    continue  # a former owner owns nothing now
                self._pending.append((entity.source, entity.id, relation))
        for prop in kinds.parent_fields:
            parent = entity.record.get(prop)
            if isinstance(parent, str) and parent.strip():
                self._parents.append((entity, parent))

    def _ftm(self, relation: dict[str, Any], kinds: RelationKinds) -> None:
        kind = kinds.ftm.get(str(relation.get("schema")))
        owner, owned = relation.get("owner"), relation.get("asset")
        if kind is None or not isinstance(owner, str) or not isinstance(owned, str):
            return
        key = ("ftm", str(relation.get("id", "")))
        if not owner or not owned or key in self._seen:
            return
        self._seen.add(key)
        self.edges.append(
            Edge(
                owner=owner,
                owned=owned,
                share=parse_share(relation.get("percentage")),
                kind=kind,
                start=str(relation.get("start") or "")[:10],
                end=str(relation.get("end") or "")[:10],
                source=owner.split(":", 1)[0],
                ref=key[1],
            )
        )

    def _numbered(self, source: str, number: str) -> str:
        """The entity id of entry ``number`` of ``source`` or of a source sharing its
        numbering (the first that holds it)."""
        candidates = [source]
        for group in SHARED_NUMBERING:
            if source in group:
                candidates.extend(s for s in group if s != source)
        for candidate in candidates:
            entity_id = f"{candidate}:{number}"
            if entity_id in self.parties:
                return entity_id
        return f"{source}:{number}"

    def finish(self) -> tuple[list[Party], list[Edge]]:
        """The parties and edges, once every entity was added."""
        kinds = relation_kinds()
        for source, owned, relation in self._pending:
            key = (source, str(relation.get("id", "")))
            if key in self._seen:
                continue
            self._seen.add(key)
            self.edges.append(
                Edge(
                    owner=self._numbered(source, str(relation["to"])),
                    owned=owned,
                    share=None,
                    kind=kinds.ofac[str(relation["type"])],
                    source=source,
                    ref=key[1],
                )
            )
        self._pending = []
        for entity, parent in self._parents:
            found = self._names.get(entity.source, {}).get(_name_key(parent))
            if found and found != entity.id:
                self.edges.append(
                    Edge(found, entity.id, None, "parent", source=entity.source, ref="parent")
                )
        self._parents = []
        return list(self.parties.values()), self.edges


def link_edges(links: Iterable[tuple[str, OwnershipLink]]) -> Iterator[Edge]:
    """The edges of ownership file links (``user:<file name>``)."""
    for name, link in links:
        yield Edge(
            owner=link.owner,
            owned=link.owned,
            share=link.share,
            kind="ownership",
            start=link.as_of,
            source=f"user:{name}",
            ref=f"row {link.row}" + (f" ({link.source})" if link.source else ""),
        )
