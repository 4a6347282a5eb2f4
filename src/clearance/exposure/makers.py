"""Who made a device: names (registered organisations, manufacturer and brand fields) to the
listed makers they point at, and how.

A name points at a listed entity when the matcher finds the entity under it (at the threshold
the caller gives), when the name is a company that ``equipment.yaml`` documents as a member of
a listed maker's family, or when the entity the matcher found is tied by the ownership graph to
a listed maker (a subsidiary through ``parent``, ``control`` or majority ``ownership`` links:
section 889 and the FCC list cover a maker's subsidiaries and affiliates). Each
:class:`MakerLink` says which, with what an analyst needs to check it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from clearance.exposure.equipment import EquipmentData
from clearance.exposure.graph import OwnershipGraph
from clearance.match.result import MatchResult, Reason
from clearance.model import Entity, Listing, Query
from clearance.reference import effect_info
from clearance.screen import Hit
from clearance.text.legal import legal_word
from clearance.text.tables import vocabulary

#: how many owner levels up a family link is looked for
MAX_FAMILY_DEPTH = 5


class NameSearch(Protocol):
    def search(
        self, query: Query, limit: int = 10, threshold: float | None = None
    ) -> list[Hit]: ...


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=256)
def _own_words(company: str) -> frozenset[str]:
    """The words of a company name that are not legal forms."""
    return frozenset(w for w in _WORD.findall(company.casefold()) if not legal_word(w))


def same_words(result: MatchResult) -> bool:
    """Whether a name comparison matched every word of both names but legal forms and places,
    and, where a place is left over, at least one distinctive word. "Zhejiang Acme Optics
    Co., Ltd." / "Acme Optics Company": yes (acme); "Ningbo Networks" / "Pacific Networks"
    and "Pacific Telecom Corporation" / "Pacific Telecom (Americas) Corp.": no, only places and
    activity words agree; "First Pacific Networks" / "Pacific Networks": no, "first" is left.
    Read from the name feature's explanation."""
    for feature in result.features:
        if feature.name != "name" or not isinstance(feature.text, Reason):
            continue
        pairs, extra_query, extra_listed, _ = feature.text.args
        vocab = vocabulary()
        extra = (*extra_query, *extra_listed)
        if not all(w in vocab.geographic or legal_word(w) for w in extra):
            return False
        if not any(w in vocab.geographic for w in extra):
            return True
        plain = vocab.generic | vocab.geographic | vocab.activity
        return any(b not in plain and not legal_word(b) for _, b, _, _ in pairs)
    return False


@dataclass(frozen=True, slots=True)
class Maker:
    """A listed entity as asset findings show it."""

    entity_id: str
    source: str
    name: str
    listings: tuple[Listing, ...]

    @classmethod
    def of(cls, entity: Entity) -> Maker:
        return cls(entity.id, entity.source, entity.caption, tuple(entity.listings))

    def to_dict(self) -> dict[str, Any]:
        effects = []
        for code in dict.fromkeys(x.effect for x in self.listings):
            info = effect_info(code)
            effects.append({"code": info.code, "label": info.label})
        return {
            "entity_id": self.entity_id,
            "source": self.source,
            "name": self.name,
            "lists": list(dict.fromkeys(x.list for x in self.listings)),
            "effect": effects[0] if effects else None,
            "effects": effects,
        }


@dataclass(frozen=True, slots=True)
class MakerLink:
    """A listed maker a name points at, and the evidence details of how."""

    maker: Maker
    detail: tuple[tuple[str, Any], ...]


@dataclass
class MakerFinder:
    """Names to listed makers (see the module), remembered per name and threshold."""

    search: NameSearch
    #: the search of registered organisations (a narrower candidate net: ``whole`` names)
    registry_search: NameSearch
    graph: OwnershipGraph
    data: EquipmentData
    #: the data file's makers, by entity id (from the store)
    known: dict[str, Maker]
    #: scores a name against a company name (the matcher's ``compare``)
    compare: Callable[[str, str], MatchResult]
    _seen: dict[tuple[str, float, bool], tuple[MakerLink, ...]] = field(default_factory=dict)

    def by_name(self, name: str, threshold: float, whole: bool = False) -> tuple[MakerLink, ...]:
        """The listed makers ``name`` points at. With ``whole``, a listed entry counts only if
        its name and ``name`` have the same words but for places and legal forms (what a
        registered organisation must have to be taken for the maker without a person)."""
        key = (name.casefold(), threshold, whole)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = tuple(self._by_name(name, threshold, whole))
        return found

    def _by_name(self, name: str, threshold: float, whole: bool) -> list[MakerLink]:
        links: list[MakerLink] = []
        query = Query(name, schema="Organization")
        search = self.registry_search if whole else self.search
        for hit in search.search(query, limit=10, threshold=threshold):
            if whole and not same_words(hit.result):
                continue
            matched = (("matched_name", hit.result.matched_name), ("score", round(hit.score, 4)))
            if hit.entity.listings:
                links.append(MakerLink(Maker.of(hit.entity), matched))
            for ancestor, chain in self.family(hit.entity.id):
                links.append(MakerLink(ancestor, (*matched, ("family", chain))))
        words = set(_WORD.findall(name.casefold()))
        for family in self.data.families:
            maker = self.known.get(family.maker)
            if maker is None:
                continue
            # a registered name with the company's own words shares one of them, spelled the
            # same (most of the 26,000 registered organisations share none, and are skipped)
            if whole and not words & _own_words(family.company):
                continue
            result = self.compare(name, family.company)
            score = result.score
            if score >= self.data.family_threshold and (not whole or same_words(result)):
                link = {
                    "company": family.company,
                    "relation": family.relation,
                    "source": family.source,
                }
                detail = (("matched_name", family.company), ("score", round(score, 4)))
                links.append(MakerLink(maker, (*detail, ("family", [link]))))
        return links

    def family(self, entity_id: str) -> list[tuple[Maker, list[dict[str, Any]]]]:
        """Listed makers above ``entity_id`` in the ownership graph, each with the chain of
        links from it down to ``entity_id`` (nearest first, each maker once)."""
        graph = self.graph
        if entity_id not in graph:
            return []
        start = graph.node(entity_id)
        out: list[tuple[Maker, list[dict[str, Any]]]] = []
        seen = {start}
        queue: deque[tuple[str, list[dict[str, Any]]]] = deque([(start, [])])
        while queue:
            node, chain = queue.popleft()
            if len(chain) >= MAX_FAMILY_DEPTH:
                continue
            for edge in graph.owners_of(node):
                if edge.kind not in self.data.family_kinds or edge.owner in seen:
                    continue
                minority = edge.share is not None and edge.share < self.data.family_min_share
                if edge.kind == "ownership" and minority:
                    continue
                seen.add(edge.owner)
                party = graph.party(edge.owner)
                step = {
                    "entity_id": edge.owner,
                    "name": party.name,
                    "owns": graph.party(node).name,
                    "kind": edge.kind,
                    "share": edge.share,
                    "source": edge.source,
                }
                path = [step, *chain]
                if party.listings:
                    maker = Maker(party.id, party.id.split(":", 1)[0], party.name, party.listings)
                    out.append((maker, path))
                queue.append((edge.owner, path))
        return out
