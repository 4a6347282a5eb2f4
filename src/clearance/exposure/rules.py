"""The ownership rules as data: which owners count, the threshold, and the status by date.

``data/exposure/rules.yaml`` holds the rules (OFAC 50 Percent Rule, BIS Affiliates Rule); the
effects a rule applies to are named in ``data/effects.yaml`` (each effect's
``ownership_rules``). Pure lookups, loaded once per process and checked on load.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any, Literal

from clearance.datafiles import load_data
from clearance.model import Listing
from clearance.reference import effects

Status = Literal["in-force", "suspended"]
STATUSES: tuple[Status, ...] = ("in-force", "suspended")
AGGREGATES = ("per-effect", "together")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of time (both ends inclusive; an empty end is open) with one status."""

    start: str
    end: str
    status: Status


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    authority: str
    description: str
    url: str
    document: str
    #: percent owned in the aggregate from which an owned entity takes the effect
    threshold: float
    #: ``per-effect`` or ``together`` (see the data file)
    aggregate: str
    #: owner effect -> effect the owned entity takes (the same where absent)
    derived_effects: Mapping[str, str]
    #: derived effects, most restrictive first
    restrictiveness: tuple[str, ...]
    #: owner effect -> programs whose parties count (every program where absent)
    programs: Mapping[str, frozenset[str]]
    periods: tuple[Period, ...]
    after: Status

    @property
    def owner_effects(self) -> frozenset[str]:
        """The effects whose parties count as owners under this rule."""
        return frozenset(
            code for code, info in effects().items() if self.id in info.ownership_rules
        )

    def status_on(self, day: str, after: str = "") -> Status | None:
        """The rule's status on ``day`` (ISO); None before it existed. ``after`` overrides the
        data file's status for days past the last period."""
        if not self.periods or day < self.periods[0].start:
            return None
        for period in self.periods:
            if period.start <= day and (not period.end or day <= period.end):
                return period.status
        if after and after not in STATUSES:
            raise ValueError(f"unknown status {after!r} for rule {self.id}")
        return after or self.after

    def counts(self, listing: Listing) -> bool:
        """Whether a party listed so is an owner under this rule (dates aside)."""
        if listing.effect not in self.owner_effects:
            return False
        only = self.programs.get(listing.effect)
        return only is None or bool(only.intersection(listing.programs))

    def derived_effect(self, owner_effect: str) -> str:
        return self.derived_effects.get(owner_effect, owner_effect)

    def most_restrictive(self, codes: set[str]) -> str:
        """The most restrictive of ``codes`` (by ``restrictiveness``; unknown ones last)."""
        rank = {code: i for i, code in enumerate(self.restrictiveness)}
        return min(codes, key=lambda code: (rank.get(code, len(rank)), code))


def _period(rule_id: str, raw: Mapping[str, Any]) -> Period:
    start, end, status = str(raw["start"]), str(raw.get("end", "") or ""), raw["status"]
    if not _ISO_DAY.match(start) or (end and not _ISO_DAY.match(end)) or (end and end < start):
        raise ValueError(f"rule {rule_id}: bad period {raw!r}")
    if status not in STATUSES:
        raise ValueError(f"rule {rule_id}: unknown status {status!r}")
    return Period(start, end, status)


def _rule(rule_id: str, raw: Mapping[str, Any]) -> Rule:
    periods = tuple(_period(rule_id, p) for p in raw.get("periods", ()))
    for before, after in pairwise(periods):
        if not before.end or after.start <= before.end:
            raise ValueError(f"rule {rule_id}: periods overlap or are out of order")
    if raw["aggregate"] not in AGGREGATES or raw["after"] not in STATUSES:
        raise ValueError(f"rule {rule_id}: bad aggregate or after")
    return Rule(
        id=rule_id,
        title=raw["title"],
        authority=raw["authority"],
        description=" ".join(raw["description"].split()),
        url=raw["url"],
        document=" ".join(raw["document"].split()),
        threshold=float(raw["threshold"]),
        aggregate=raw["aggregate"],
        derived_effects=dict(raw.get("derived_effects", {})),
        restrictiveness=tuple(raw.get("restrictiveness", ())),
        programs={k: frozenset(v) for k, v in raw.get("programs", {}).items()},
        periods=periods,
        after=raw["after"],
    )


@cache
def rules() -> dict[str, Rule]:
    """Every ownership rule, by id (checked: dates, statuses, known effects)."""
    raw: dict[str, Any] = load_data("exposure/rules.yaml")
    out = {rule_id: _rule(rule_id, values) for rule_id, values in raw.items()}
    known = effects()
    for info in known.values():
        for rule_id in info.ownership_rules:
            if rule_id not in out:
                raise ValueError(f"effect {info.code} names an unknown ownership rule {rule_id}")
    for rule in out.values():
        named = {*rule.derived_effects, *rule.derived_effects.values(), *rule.restrictiveness}
        unknown = named - set(known)
        if unknown:
            raise ValueError(f"rule {rule.id} names unknown effects {sorted(unknown)}")
    return out


def get_rule(rule_id: str) -> Rule:
    return rules()[rule_id]
