"""The ownership graph of a store, persisted beside the name index, and the findings it gives.

:func:`ensure_graph` loads the graph of the store's current state, or builds it (one pass over
the stored entities and the ownership files) and saves it, like the name index: a new process
has it in milliseconds. :class:`Exposure` answers the one question screening asks: what does
this party take through its owners, under each rule, on this day? :meth:`Exposure.annotate`
is the hook the screener calls with its hits.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from clearance.errors import InputError
from clearance.exposure.derive import Derivation, Derived, derive, listing_active
from clearance.exposure.edges import EdgeCollector, link_edges
from clearance.exposure.graph import OwnershipGraph
from clearance.exposure.rules import STATUSES, rules
from clearance.index.persist import save_pickle
from clearance.reference import effect_info
from clearance.screen import Hit
from clearance.settings import Settings
from clearance.sources import REFERENCE_SOURCE_IDS
from clearance.store import Store
from clearance.store.ownership import SOURCE as OWNERSHIP_SOURCE

GRAPH_FORMAT = 1
PREFIX = "ownership-"
SUFFIX = ".pkl"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: derivations kept per process (one per rule and day asked for)
DERIVATIONS_KEPT = 16


@lru_cache(maxsize=2)
def code_fingerprint(root: Path) -> str:
    """A hash of what the graph depends on besides the store: this package and its data."""
    digest = hashlib.sha256()
    for path in sorted(
        [*(root / "exposure").glob("*.py"), *(root / "data" / "exposure").glob("*")]
    ):
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def graph_path(directory: Path, state_key: str) -> Path:
    key = f"{GRAPH_FORMAT}:{code_fingerprint(PACKAGE_ROOT)}:{state_key}"
    return directory / f"{PREFIX}{hashlib.sha256(key.encode()).hexdigest()[:24]}{SUFFIX}"


def build_graph(store: Store) -> OwnershipGraph:
    """The graph of the store's active lists and ownership files."""
    collector = EdgeCollector()
    for entity in store.iter_entities():
        if entity.source not in REFERENCE_SOURCE_IDS:
            collector.add(entity)
    parties, edges = collector.finish()
    edges.extend(link_edges(store.ownership.links()))
    return OwnershipGraph.build(parties, edges, store.ownership.same())


def load_graph(directory: Path, state_key: str) -> OwnershipGraph | None:
    """The saved graph of this state, or ``None`` when missing or unreadable (then removed)."""
    target = graph_path(directory, state_key)
    try:
        with target.open("rb") as fh:
            data = pickle.load(fh)
        if isinstance(data, OwnershipGraph):
            return data
    except FileNotFoundError:
        pass
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        target.unlink(missing_ok=True)
    return None


def ensure_graph(store: Store, directory: Path, rebuild: bool = False) -> OwnershipGraph:
    """The graph of the store's current state: loaded if saved, else built and saved."""
    key = store.state_key()
    target = graph_path(directory, key)
    if not rebuild and (saved := load_graph(directory, key)) is not None:
        return saved
    graph = build_graph(store)
    save_pickle(graph, target, f"{PREFIX}*{SUFFIX}")
    return graph


def parse_day(value: str | None) -> str:
    """An ISO day given by a user (``--as-of``), or today's date when empty."""
    if not value:
        return date.today().isoformat()
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise InputError(f"{value!r} is not a date: use YYYY-MM-DD.") from None


def checked_after(rule_after: Mapping[str, str]) -> dict[str, str]:
    """The ``CLEARANCE_RULE_AFTER_<RULE>`` settings, refused with a message if they name an
    unknown rule or status."""
    known = rules()
    for rule_id, status in rule_after.items():
        if rule_id not in known:
            raise InputError(
                f"CLEARANCE_RULE_AFTER_{rule_id.upper().replace('-', '_')}: no such rule "
                f"(the rules are {', '.join(known)})."
            )
        if status not in STATUSES:
            raise InputError(
                f"CLEARANCE_RULE_AFTER_{rule_id.upper().replace('-', '_')}={status}: "
                f"use one of {', '.join(STATUSES)}."
            )
    return dict(rule_after)


@dataclass
class Exposure:
    """Findings through ownership over one graph (the store's state when it was made)."""

    graph: OwnershipGraph
    #: rule id -> status after the rule's last known period (settings override the data)
    rule_after: Mapping[str, str]

    @classmethod
    def from_store(cls, store: Store, settings: Settings) -> Exposure:
        return cls(ensure_graph(store, settings.index_dir), checked_after(settings.rule_after))

    def __post_init__(self) -> None:
        self._derivations: dict[tuple[str, str], Derivation] = {}

    def derivation(self, rule_id: str, day: str) -> Derivation:
        """The rule's fixed point on ``day`` (computed once per process and day)."""
        key = (rule_id, day)
        found = self._derivations.get(key)
        if found is None:
            if len(self._derivations) >= DERIVATIONS_KEPT:
                self._derivations.clear()
            rule = rules()[rule_id]
            found = derive(self.graph, rule, day, self.rule_after.get(rule_id, ""))
            self._derivations[key] = found
        return found

    def findings(self, entity_id: str, day: str) -> list[dict[str, Any]]:
        """What ``entity_id`` takes through its owners on ``day``, one finding per rule and
        effect (in the JSON shape screening reports), most serious first."""
        if entity_id not in self.graph:
            return []
        node = self.graph.node(entity_id)
        own = {x.effect for x in self.graph.party(node).listings if listing_active(x, day)}
        out: list[dict[str, Any]] = []
        for rule_id in rules():
            derivation = self.derivation(rule_id, day)
            if derivation.status is None:
                continue
            for item in derivation.derived(node):
                if item.effect not in own:
                    out.append(self._finding(derivation, item))
        return out

    def _finding(self, derivation: Derivation, item: Derived) -> dict[str, Any]:
        graph, rule = self.graph, derivation.rule
        info = effect_info(item.effect)
        owners = []
        for owner, share in item.owners:
            party = graph.party(owner)
            lists = list(dict.fromkeys(x.list for x in party.listings))
            owners.append({"entity_id": owner, "name": party.name, "share": share, "lists": lists})
        via = [
            [
                {
                    "owner": owner,
                    "owner_name": graph.party(owner).name,
                    "owned": owned,
                    "owned_name": graph.party(owned).name,
                    "share": share,
                }
                for owner, owned, share in chain
            ]
            for chain in derivation.chains(item.node, item.effect)
        ]
        return {
            "basis": "ownership",
            "rule": rule.id,
            "rule_title": rule.title,
            "status": derivation.status,
            "as_of": derivation.day,
            "entity_id": item.node,
            "name": graph.party(item.node).name,
            "effect": {"code": info.code, "label": info.label},
            "share": item.total,
            "owners": owners,
            "via": via,
        }

    def annotate(self, hits: Sequence[Hit], as_of: str = "") -> list[Hit]:
        """The hits with their findings through ownership on ``as_of`` (default today).

        A hit on a party known only from an ownership file (on no list) that takes nothing
        through its owners is dropped: the name matched, but there is nothing to report."""
        day = parse_day(as_of)
        out: list[Hit] = []
        for hit in hits:
            found = self.findings(hit.entity.id, day)
            if found:
                out.append(replace(hit, findings=tuple(found)))
            elif hit.entity.source != OWNERSHIP_SOURCE or hit.entity.listings:
                out.append(hit)
        return out
