"""The ownership graph: parties and the links that tie an owned party to its owners.

A pure value built from edges (``exposure/edges.py`` reads them from the lists, the
FollowTheMoney data and the user's ownership files). Each :class:`Edge` is one observation
("A owns 60% of B, as of 2024-03-01, says this file"); several observations of the same pair
are kept, and the rules take the latest one valid on the day they are evaluated for.

The edges are held as numpy columns (node numbers, share, kind, first and last day as
``YYYYMMDD`` numbers), so the rules run over a million edges in a few seconds and the graph
pickles compactly; :class:`Edge` objects are made only for the edges a person looks at.

Parties that are known to be one and the same (a name in an ownership file that the matcher
tied to the same company on several lists) are merged into one node, so that their shares are
never counted twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from clearance.model import Listing

EdgeKind = Literal["ownership", "control", "parent"]
EDGE_KINDS: tuple[EdgeKind, ...] = ("ownership", "control", "parent")
#: a last day for links that still hold
OPEN_END = 99_999_999


def day_number(value: str, end: bool = False) -> int:
    """``YYYY-MM-DD`` (or ``YYYY``, ``YYYY-MM``) as a ``YYYYMMDD`` number; a partial date is
    its first day, or with ``end`` its last. "" is 0 (no start) or ``OPEN_END`` (no end)."""
    if not value:
        return OPEN_END if end else 0
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
        day = int(parts[2]) if len(parts) > 2 else (31 if end else 1)
    except ValueError:
        return OPEN_END if end else 0
    return year * 10_000 + month * 100 + day


def day_text(number: int) -> str:
    if number in (0, OPEN_END):
        return ""
    return f"{number // 10_000:04d}-{number // 100 % 100:02d}-{number % 100:02d}"


@dataclass(frozen=True, slots=True)
class Edge:
    """One observed link: ``owner`` owns ``share`` percent of ``owned`` (None: not known)."""

    owner: str
    owned: str
    share: float | None = None
    kind: EdgeKind = "ownership"
    #: first day the link holds (ISO, or a year or month), "" if not known
    start: str = ""
    #: last day it holds, "" while it holds
    end: str = ""
    #: where it was published: a source id, or ``user:<name>`` for an ownership file
    source: str = ""
    #: the record it was read from (relation id, file row)
    ref: str = ""

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"owner": self.owner, "owned": self.owned, "share": self.share}
        out["kind"] = self.kind
        for key in ("start", "end", "source", "ref"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


@dataclass(frozen=True, slots=True)
class Party:
    """What the graph knows of a party: its name, schema and listings (none if unlisted)."""

    id: str
    name: str
    schema: str = "LegalEntity"
    listings: tuple[Listing, ...] = ()
    #: other entity ids of the same party (merged into this node)
    same_as: tuple[str, ...] = ()


Ints = npt.NDArray[np.int32]


@dataclass
class OwnershipGraph:
    """Parties and edges in columns; lookups by owned and by owner are built on first use."""

    #: node number -> node id
    ids: list[str]
    #: what is known of named or listed nodes (others are just their id)
    known: dict[str, Party]
    owner: Ints
    owned: Ints
    #: percent, NaN where not known
    share: npt.NDArray[np.float32]
    #: index into EDGE_KINDS
    kind: npt.NDArray[np.int8]
    start: Ints
    end: Ints
    source: npt.NDArray[np.int16]
    sources: list[str]
    refs: list[str]
    #: merged entity id -> the node id it belongs to
    aliases: dict[str, str] = field(default_factory=dict)
    _index: dict[str, int] | None = field(default=None, repr=False)
    _by_owned: tuple[Ints, Ints] | None = field(default=None, repr=False)
    _by_owner: tuple[Ints, Ints] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        parties: Iterable[Party],
        edges: Iterable[Edge],
        same: Iterable[Sequence[str]] = (),
    ) -> OwnershipGraph:
        """A graph over ``edges``; ``same`` lists groups of ids of one party (merged into the
        first id of the group). Parties never named by an edge are left out."""
        aliases = _merge(same)
        index: dict[str, int] = {}
        ids: list[str] = []
        sources: dict[str, int] = {}
        cols: tuple[list[int], list[int], list[float], list[int], list[int], list[int]] = (
            [], [], [], [], [], []
        )  # fmt: skip
        owner_col, owned_col, share_col, kind_col, start_col, end_col = cols
        source_col: list[int] = []
        refs: list[str] = []
        kinds = {k: i for i, k in enumerate(EDGE_KINDS)}
        for edge in edges:
            owner = aliases.get(edge.owner, edge.owner)
            owned = aliases.get(edge.owned, edge.owned)
            if owner == owned:
                continue
            for node in (owner, owned):
                if node not in index:
                    index[node] = len(ids)
                    ids.append(node)
            owner_col.append(index[owner])
            owned_col.append(index[owned])
            share_col.append(math.nan if edge.share is None else edge.share)
            kind_col.append(kinds[edge.kind])
            start_col.append(day_number(edge.start))
            end_col.append(day_number(edge.end, end=True))
            source_col.append(sources.setdefault(edge.source, len(sources)))
            refs.append(edge.ref)
        members: dict[str, list[str]] = {}
        for alias, root in aliases.items():
            members.setdefault(root, []).append(alias)
        by_id: dict[str, Party] = {}
        for party in parties:
            by_id.setdefault(party.id, party)
        known: dict[str, Party] = {}
        for node_id in ids:
            found = _node(node_id, by_id, members.get(node_id, ()))
            if found is not None:
                known[node_id] = found
        return cls(
            ids=ids,
            known=known,
            owner=np.array(owner_col, dtype=np.int32),
            owned=np.array(owned_col, dtype=np.int32),
            share=np.array(share_col, dtype=np.float32),
            kind=np.array(kind_col, dtype=np.int8),
            start=np.array(start_col, dtype=np.int32),
            end=np.array(end_col, dtype=np.int32),
            source=np.array(source_col, dtype=np.int16),
            sources=list(sources),
            refs=refs,
            aliases=aliases,
            _index=index,
        )

    # -- lookups ---------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return len(self.refs)

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {node: i for i, node in enumerate(self.ids)}
        return self._index

    def node(self, entity_id: str) -> str:
        """The node an entity id belongs to (itself unless merged)."""
        return self.aliases.get(entity_id, entity_id)

    def __contains__(self, entity_id: str) -> bool:
        return self.node(entity_id) in self.index

    def party(self, node_id: str) -> Party:
        return self.known.get(node_id) or Party(node_id, node_id)

    def listed(self) -> Iterable[Party]:
        return (p for p in self.known.values() if p.listings)

    def edge(self, i: int) -> Edge:
        share = float(self.share[i])
        return Edge(
            owner=self.ids[int(self.owner[i])],
            owned=self.ids[int(self.owned[i])],
            share=None if math.isnan(share) else round(share, 4),
            kind=EDGE_KINDS[int(self.kind[i])],
            start=day_text(int(self.start[i])),
            end=day_text(int(self.end[i])),
            source=self.sources[int(self.source[i])],
            ref=self.refs[i],
        )

    def _grouped(self, by_owned: bool) -> tuple[Ints, Ints]:
        """(edge numbers sorted by the key node, offsets per node) for one direction."""
        cached = self._by_owned if by_owned else self._by_owner
        if cached is None:
            keys = self.owned if by_owned else self.owner
            order = np.argsort(keys, kind="stable").astype(np.int32)
            counts = np.bincount(keys, minlength=len(self.ids))
            offsets = np.zeros(len(self.ids) + 1, dtype=np.int32)
            np.cumsum(counts, out=offsets[1:])
            cached = (order, offsets)
            if by_owned:
                self._by_owned = cached
            else:
                self._by_owner = cached
        return cached

    def edge_numbers(self, node_id: str, owners: bool) -> list[int]:
        """Edge numbers naming the owners of ``node_id`` (or with ``owners=False``, the
        parties it owns)."""
        i = self.index.get(self.node(node_id))
        if i is None:
            return []
        order, offsets = self._grouped(by_owned=owners)
        return [int(e) for e in order[offsets[i] : offsets[i + 1]]]

    def owners_of(self, node_id: str) -> list[Edge]:
        return [self.edge(i) for i in self.edge_numbers(node_id, owners=True)]

    def owned_by(self, node_id: str) -> list[Edge]:
        return [self.edge(i) for i in self.edge_numbers(node_id, owners=False)]


def _merge(groups: Iterable[Sequence[str]]) -> dict[str, str]:
    """id -> representative, for groups of ids of one party (groups sharing an id join)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for group in groups:
        ids = [g for g in group if g]
        if len(ids) < 2:
            continue
        first = find(ids[0])
        parent.setdefault(first, first)
        for other in ids[1:]:
            root = find(other)
            if root != first:
                parent[root] = first
    return {x: find(x) for x in parent if find(x) != x}


def _node(node_id: str, by_id: Mapping[str, Party], merged: Iterable[str]) -> Party | None:
    """The party of a node, with the listings of every id merged into it (None: unknown)."""
    members = [node_id, *merged]
    known = [by_id[m] for m in members if m in by_id]
    if not known:
        return Party(node_id, node_id, same_as=tuple(members[1:])) if len(members) > 1 else None
    first = known[0]
    listings = tuple(dict.fromkeys(x for party in known for x in party.listings))
    named = next((p for p in known if p.name and p.name != p.id), first)
    return Party(
        id=node_id,
        name=named.name,
        schema=named.schema,
        listings=listings,
        same_as=tuple(members[1:]),
    )
