"""The rules' fixed points: which unlisted parties take a listed owner's effect on a day.

For one rule and one day: the owners are the parties listed on that day with an effect the rule
applies to (the seeds). A party owned ``threshold`` percent or more in the aggregate by owners
becomes an owner itself, and shares held through it count in full (OFAC's guidance: shares
are not multiplied down a chain). :func:`derive` computes this set to its fixed point in
rounds over the edge columns: each round adds up the shares held by the parties reached in
the round before, so the work is the number of edges times the length of the longest chain.

Only links with a known share count. Of several observations of one owner-owned pair, the
latest one valid on the day counts (the largest share on the same day). Why a party was
reached (its owners, the chains up to listed parties) is worked out only for the parties a
person looks at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from clearance.exposure.graph import EDGE_KINDS, OwnershipGraph, day_number
from clearance.exposure.rules import Rule, Status
from clearance.model import Listing

#: most owner chains shown for one finding, and their longest length
MAX_CHAINS = 10
MAX_DEPTH = 20
#: shares are percents with a few decimals: sums within this of the threshold reach it
_EPSILON = 1e-6
_OWNERSHIP = EDGE_KINDS.index("ownership")

Ints = npt.NDArray[np.int32]


def listing_active(listing: Listing, day: str) -> bool:
    """Whether a listing holds on ``day`` (no start: listed so far; no end: still listed)."""
    number = day_number(day)
    return day_number(listing.start) <= number <= day_number(listing.end, end=True)


@dataclass(frozen=True, slots=True)
class Derived:
    """A party that takes an effect under a rule through its owners."""

    node: str
    effect: str
    #: the aggregate share of the owners that count (percent)
    total: float
    #: every owner that counts, with its share, largest first
    owners: tuple[tuple[str, float], ...]
    #: the owners reached before this party (seeds or parties reached in an earlier round):
    #: what made it reach the threshold, and acyclic
    reason: tuple[tuple[str, float], ...]


@dataclass
class _Group:
    #: the effect every party reached takes, or "" when each takes its owners' most
    #: restrictive one (``rank``)
    effect: str
    #: round in which each node was reached: 0 for seeds, -1 never
    rounds: Ints
    #: index into the rule's restrictiveness (aggregate ``together`` only)
    rank: Ints | None = None


@dataclass
class Derivation:
    """The outcome of one rule on one day."""

    graph: OwnershipGraph
    rule: Rule
    day: str
    status: Status | None
    #: seed node number -> the effects its own listings give under the rule
    seeds: dict[int, set[str]] = field(default_factory=dict)
    groups: list[_Group] = field(default_factory=list)
    #: the share edges that count on the day (one per pair), sorted by owned node
    owner: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    owned: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    share: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    offsets: Ints = field(default_factory=lambda: np.zeros(1, dtype=np.int32))
    _effects: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many parties take an effect (in any group)."""
        reached = [group.rounds > 0 for group in self.groups]
        return int(np.logical_or.reduce(reached).sum()) if reached else 0

    def _owners(self, node: int) -> list[tuple[int, float]]:
        lo, hi = int(self.offsets[node]), int(self.offsets[node + 1])
        return [
            (int(o), float(s)) for o, s in zip(self.owner[lo:hi], self.share[lo:hi], strict=True)
        ]

    def _effect(self, group: _Group, node: int) -> str:
        if group.effect:
            return group.effect
        assert group.rank is not None
        return self._effects[int(group.rank[node])]

    def derived(self, entity_id: str) -> list[Derived]:
        """What the party ``entity_id`` takes through its owners (one per effect group)."""
        node = self.graph.index.get(self.graph.node(entity_id))
        if node is None:
            return []
        out: list[Derived] = []
        ids = self.graph.ids
        for group in self.groups:
            reached = int(group.rounds[node])
            if reached <= 0:
                continue
            counted = [(o, s) for o, s in self._owners(node) if group.rounds[o] >= 0]
            counted.sort(key=lambda item: (-item[1], ids[item[0]]))
            reason = [(o, s) for o, s in counted if group.rounds[o] < reached]
            out.append(
                Derived(
                    node=ids[node],
                    effect=self._effect(group, node),
                    total=round(sum(s for _, s in counted), 4),
                    owners=tuple((ids[o], round(s, 4)) for o, s in counted),
                    reason=tuple((ids[o], round(s, 4)) for o, s in reason),
                )
            )
        return out

    def chains(self, entity_id: str, effect: str) -> list[list[tuple[str, str, float]]]:
        """Owner chains from a listed party down to ``entity_id``, each a list of links
        ``(owner, owned, share)``: at most ``MAX_CHAINS`` of at most ``MAX_DEPTH`` links."""
        node = self.graph.index.get(self.graph.node(entity_id))
        group = next(
            (
                g
                for g in self.groups
                if node is not None and g.rounds[node] > 0 and self._effect(g, node) == effect
            ),
            None,
        )
        if node is None or group is None:
            return []
        out: list[list[tuple[str, str, float]]] = []
        for chain in self._chains(group, node, 0):
            out.append(chain)
            if len(out) >= MAX_CHAINS:
                break
        return out

    def _chains(
        self, group: _Group, node: int, depth: int
    ) -> Iterator[list[tuple[str, str, float]]]:
        reached = int(group.rounds[node])
        if depth >= MAX_DEPTH or reached <= 0:
            return
        ids = self.graph.ids
        for owner, share in sorted(self._owners(node), key=lambda item: -item[1]):
            owner_round = int(group.rounds[owner])
            if owner_round < 0 or owner_round >= reached:
                continue
            link = (ids[owner], ids[node], round(share, 4))
            if owner_round == 0:
                yield [link]
            else:
                for chain in self._chains(group, owner, depth + 1):
                    yield [*chain, link]


def counted_edges(graph: OwnershipGraph, day: str) -> tuple[Ints, Ints, npt.NDArray[np.float64]]:
    """(owner, owned, share) of the share links valid on ``day``, one per pair: the latest
    observation (the largest share of the same day)."""
    number = day_number(day)
    mask = (
        (graph.kind == _OWNERSHIP)
        & ~np.isnan(graph.share)
        & (graph.start <= number)
        & (graph.end >= number)
    )
    owner, owned = graph.owner[mask], graph.owned[mask]
    share, start = graph.share[mask].astype(np.float64), graph.start[mask]
    if owner.size:
        order = np.lexsort((share, start, owned, owner))
        owner, owned, share = owner[order], owned[order], share[order]
        last = np.ones(owner.size, dtype=bool)
        last[:-1] = (owner[1:] != owner[:-1]) | (owned[1:] != owned[:-1])
        owner, owned, share = owner[last], owned[last], share[last]
    return owner, owned, share


def seeds_of(graph: OwnershipGraph, rule: Rule, day: str) -> dict[int, set[str]]:
    """node number -> derived effects of its own listings that count under ``rule`` on
    ``day``."""
    seeds: dict[int, set[str]] = {}
    index = graph.index
    for party in graph.listed():
        for listing in party.listings:
            if rule.counts(listing) and listing_active(listing, day):
                seeds.setdefault(index[party.id], set()).add(rule.derived_effect(listing.effect))
    return seeds


def derive(graph: OwnershipGraph, rule: Rule, day: str, after: str = "") -> Derivation:
    """The parties that take an effect under ``rule`` on ``day`` (ISO), and why."""
    result = Derivation(graph, rule, day, rule.status_on(day, after))
    if result.status is None:
        return result
    result.seeds = seeds_of(graph, rule, day)
    owner, owned, share = counted_edges(graph, day)
    by_owned = np.argsort(owned, kind="stable")
    result.owner, result.owned, result.share = owner[by_owned], owned[by_owned], share[by_owned]
    offsets = np.zeros(len(graph.ids) + 1, dtype=np.int32)
    np.cumsum(np.bincount(owned, minlength=len(graph.ids)), out=offsets[1:])
    result.offsets = offsets
    result._effects = [*rule.restrictiveness]
    if rule.aggregate == "per-effect":
        codes = sorted({c for found in result.seeds.values() for c in found})
        for code in codes:
            seeds = [n for n, found in result.seeds.items() if code in found]
            rounds, _ = _fixed_point(rule, len(graph.ids), owner, owned, share, seeds, None)
            result.groups.append(_Group(code, rounds))
    elif result.seeds:
        effects = result._effects
        for found in result.seeds.values():
            effects.extend(c for c in sorted(found) if c not in effects)
        rank = np.full(len(graph.ids), len(effects), dtype=np.int32)
        for node, found in result.seeds.items():
            rank[node] = min(effects.index(c) for c in found)
        rounds, ranked = _fixed_point(
            rule, len(graph.ids), owner, owned, share, list(result.seeds), rank
        )
        result.groups.append(_Group("", rounds, ranked))
    return result


def _fixed_point(
    rule: Rule,
    size: int,
    owner: Ints,
    owned: Ints,
    share: npt.NDArray[np.float64],
    seeds: list[int],
    rank: Ints | None,
) -> tuple[Ints, Ints | None]:
    """Rounds in which nodes are reached from ``seeds`` (and each one's effect rank)."""
    rounds = np.full(size, -1, dtype=np.int32)
    rounds[seeds] = 0
    total = np.zeros(size, dtype=np.float64)
    frontier = np.zeros(size, dtype=bool)
    frontier[seeds] = True
    threshold = rule.threshold - _EPSILON
    step = 0
    while True:
        step += 1
        moving = frontier[owner]
        if not moving.any():
            break
        total += np.bincount(owned[moving], weights=share[moving], minlength=size)
        new = (total >= threshold) & (rounds < 0)
        if not new.any():
            break
        rounds[new] = step
        if rank is not None:
            # the most restrictive effect among the owners reached before this round
            before = new[owned] & (rounds[owner] >= 0) & (rounds[owner] < step)
            np.minimum.at(rank, owned[before], rank[owner[before]])
        frontier = new
    return rounds, rank
