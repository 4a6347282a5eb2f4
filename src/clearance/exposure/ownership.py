"""``clearance ownership import`` and ``show``: the user's links into the store, and the graph
around one party."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from clearance.errors import InputError
from clearance.exposure.graph import OwnershipGraph
from clearance.exposure.ownership_file import RowProblem, read_ownership_file
from clearance.exposure.resolve import Resolution, Resolver
from clearance.exposure.service import Exposure
from clearance.model import Entity
from clearance.sources.common import hash_files
from clearance.store import Store
from clearance.store.ownership import OwnershipFile, OwnershipImport, OwnershipLink

#: how far ``show`` walks up and down from the party, and the most parties it lists
MAX_SHOW_DEPTH = 6
MAX_SHOW_PARTIES = 200


@dataclass
class ImportReport:
    name: str
    file: str
    rows: int
    links: int = 0
    parties: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    stored: OwnershipFile | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "rows": self.rows,
            "links": self.links,
            "parties": self.parties,
            "problems": [p.to_dict() for p in self.problems],
            "stored": self.stored.to_dict() if self.stored else None,
        }


def _link(row: OwnershipLink, owner: Resolution, owned: Resolution) -> OwnershipLink | RowProblem:
    for side, found in (("owner", owner), ("owned", owned)):
        if found.problem:
            return RowProblem(row.row, f"{side}: {found.problem}", found.candidates)
    if owner.ids[0] == owned.ids[0]:
        return RowProblem(row.row, f"owner and owned are the same party ({owner.ids[0]})")
    return replace(row, owner=owner.ids[0], owned=owned.ids[0])


def import_ownership(store: Store, resolver: Resolver, path: Path, name: str = "") -> ImportReport:
    """Read an ownership file, resolve its parties and store its links as the active file of
    ``name`` (default: the file's name without suffix). Rows that cannot be links are
    reported and left out; the others are stored."""
    if not path.is_file():
        raise InputError(f"No such file: {path}.")
    rows, problems = read_ownership_file(path)
    if not rows and not problems:
        raise InputError(f"The ownership file {path} has no rows.")
    report = ImportReport(name or path.stem, str(path), len(rows) + len(problems))
    links: list[OwnershipLink] = []
    parties: dict[str, Entity] = {}
    same: dict[tuple[str, ...], None] = {}
    for row in rows:
        owner, owned = resolver.resolve(row.owner), resolver.resolve(row.owned)
        link = _link(row, owner, owned)
        if isinstance(link, RowProblem):
            problems.append(link)
            continue
        links.append(link)
        for found in (owner, owned):
            if found.party is not None:
                parties.setdefault(found.party.id, found.party)
            if len(found.ids) > 1:
                same[found.ids] = None
    report.problems = sorted(problems, key=lambda p: p.row)
    report.links, report.parties = len(links), len(parties)
    if links:
        report.stored = store.ownership.write(
            OwnershipImport(
                name=report.name,
                file=str(path),
                content_hash=hash_files([path]),
                links=links,
                parties=list(parties.values()),
                same=list(same),
            )
        )
    return report


def _edge_view(graph: OwnershipGraph, edge_number: int, other: str) -> dict[str, Any]:
    edge = graph.edge(edge_number)
    party = graph.party(other)
    out: dict[str, Any] = {
        "entity_id": other,
        "name": party.name,
        "lists": list(dict.fromkeys(x.list for x in party.listings)),
        "share": edge.share,
        "kind": edge.kind,
        "source": edge.source,
        "ref": edge.ref,
    }
    if edge.start:
        out["start"] = edge.start
    if edge.end:
        out["end"] = edge.end
    return out


def _walk(graph: OwnershipGraph, node: str, up: bool, depth: int, seen: set[str]) -> list[Any]:
    """The owners (``up``) or the owned parties of ``node``, each with its own, as a tree."""
    out: list[dict[str, Any]] = []
    for i in graph.edge_numbers(node, owners=up):
        edge = graph.edge(i)
        other = edge.owner if up else edge.owned
        view = _edge_view(graph, i, other)
        key = "owners" if up else "owned"
        if other in seen or depth <= 1 or len(seen) >= MAX_SHOW_PARTIES:
            view[key] = []
            if other in seen:
                view["repeated"] = True
        else:
            seen.add(other)
            view[key] = _walk(graph, other, up, depth - 1, seen)
        out.append(view)
    return out


def show(exposure: Exposure, entity: Entity, day: str, depth: int = 3) -> dict[str, Any]:
    """The graph around one party: its owners and what it owns (``depth`` levels each way),
    and what it takes through its owners on ``day``."""
    graph = exposure.graph
    depth = max(1, min(depth, MAX_SHOW_DEPTH))
    node = graph.node(entity.id)
    party = graph.party(node)
    listings = party.listings if node in graph else tuple(entity.listings)
    return {
        "entity_id": node,
        "name": party.name if party.name != node else entity.caption,
        "same_as": list(party.same_as),
        "lists": list(dict.fromkeys(x.list for x in listings)),
        "as_of": day,
        "findings": exposure.findings(node, day),
        "owners": _walk(graph, node, True, depth, {node}),
        "owned": _walk(graph, node, False, depth, {node}),
    }
