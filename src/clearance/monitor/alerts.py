"""Alerts and decisions: pure rules over a party's screening and its alerts so far.

One live alert per (party, listed entity). :func:`reconcile` takes a party's screening (its
matches now) and every alert it had, and says which alerts open and which close; the same
function serves the first screening, a re-screen after a list change and a full re-screen,
so a delta and a full re-screen that find the same matches leave the same alerts. The states,
who may decide what and the reasons are data (``data/monitor/alerts.yaml``).

An alert is a snapshot of a match: what was matched, with what score, against which list
version. It never changes; when the party's screened data or the entity's names, identifiers,
dates, countries or listings change while the match stands, the alert closes as superseded
and a new one opens pointing at it. A false positive stays suppressed (no new alert) while the
party's data and the entity's names, identifiers, dates and countries stay the same, even if
the match goes and comes back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from clearance.datafiles import load_data
from clearance.errors import ForbiddenError, InputError
from clearance.index.facets import ENTITY_COUNTRY_PROPS
from clearance.model import IDENTIFIER_PROPS, Entity, Query
from clearance.store.chain import canonical
from clearance.store.keys import role_allows
from clearance.store.monitor import AlertRow, DecisionRow, NewAlert

#: properties whose change makes a false positive come back (with names and identifiers)
DATE_PROPS = ("birthDate", "deathDate", "incorporationDate", "dissolutionDate", "buildDate")
#: longest decision reason and decider name kept
MAX_REASON = 2000
MAX_NAME = 200


@dataclass(frozen=True)
class DecisionRule:
    name: str
    from_states: tuple[str, ...]
    role: str
    second: bool


@dataclass(frozen=True)
class Rules:
    live_states: frozenset[str]
    states: tuple[str, ...]
    decisions: Mapping[str, DecisionRule]
    suppressing: frozenset[str]
    reasons: Mapping[str, str]
    #: closing reason -> (state, text)
    closings: Mapping[str, tuple[str, str]]


@cache
def rules() -> Rules:
    data = load_data("monitor/alerts.yaml")
    decisions = {
        name: DecisionRule(name, tuple(rule["from"]), rule["role"], bool(rule.get("second")))
        for name, rule in data["decisions"].items()
    }
    return Rules(
        live_states=frozenset(s for s, v in data["states"].items() if v["live"]),
        states=tuple(data["states"]),
        decisions=decisions,
        suppressing=frozenset(data["suppressing"]),
        reasons=dict(data["reasons"]),
        closings={k: (v["state"], v["text"]) for k, v in data["closings"].items()},
    )


# -- fingerprints ---------------------------------------------------------------------------


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()[:32]


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def party_fingerprint(query: Query) -> str:
    """What is screened of a party: its names (case aside: matching ignores it), schema,
    countries, birth date, identifiers and gender (its reference aside). Equal for two rows
    written differently but read alike."""
    return _digest(
        [
            _folded(query.name),
            sorted(_folded(a) for a in query.aliases),
            query.schema,
            sorted(query.country),
            query.birth_date,
            sorted(query.identifiers),
            query.gender,
        ]
    )


def entity_fingerprint(entity: Entity) -> str:
    """An entity's identity as a false positive was decided on: schema, names, identifiers,
    dates and countries."""
    kept = (*IDENTIFIER_PROPS, *DATE_PROPS, *ENTITY_COUNTRY_PROPS)
    props = {p: sorted(entity.get(p)) for p in kept if entity.get(p)}
    names = sorted({(n.value, n.kind) for n in entity.names})
    return _digest([entity.schema, names, props])


def listing_fingerprint(hit: Mapping[str, Any]) -> str:
    """What a match says the entity's listing is: lists, programs, legal effects and what it
    takes through its owners."""
    effects = [e.get("code") for e in hit.get("effects") or []]
    return _digest([hit.get("lists"), hit.get("programs"), effects, hit.get("findings") or []])


# -- reconciling a screening with the alerts ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """A current match of a party, as the monitor keeps it."""

    entity_id: str
    source: str
    source_id: str
    #: the version of the entity's list the match was made against
    version: int
    score: float
    #: the match as screening reports it (``Hit.to_dict()``)
    hit: Mapping[str, Any]
    entity_fingerprint: str
    listing_fingerprint: str


@dataclass(frozen=True, slots=True)
class Screening:
    """One party's screening: its matches, and why it was screened (``initial``: first time;
    ``party-changed``: its data changed; otherwise a re-screen of unchanged data)."""

    reference: str
    fingerprint: str
    cause: str
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class StepChanges:
    """Entities that changed in the step being reconciled: ``added`` to a list, ``changed``
    (data or listings), ``delisted`` (removed, or no longer in force)."""

    added: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()
    delisted: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Closing:
    alert_id: int
    state: str
    reason: str


@dataclass
class Actions:
    opened: list[NewAlert] = field(default_factory=list)
    closed: list[Closing] = field(default_factory=list)
    #: entities whose match a false positive keeps suppressed
    suppressed: list[str] = field(default_factory=list)


def last_decision(alert: AlertRow, decisions: Mapping[int, Sequence[DecisionRow]]) -> str:
    made = decisions.get(alert.id) or ()
    return made[-1].decision if made else ""


def closing(reason: str, alert_id: int) -> Closing:
    state, _text = rules().closings[reason]
    return Closing(alert_id, state, reason)


def _new(screening: Screening, match: Match, reason: str, previous: int | None) -> NewAlert:
    return NewAlert(
        party=screening.reference,
        entity_id=match.entity_id,
        source=match.source,
        source_id=match.source_id,
        version=match.version,
        reason=reason,
        state="open",
        score=match.score,
        hit=match.hit,
        party_fingerprint=screening.fingerprint,
        entity_fingerprint=match.entity_fingerprint,
        listing_fingerprint=match.listing_fingerprint,
        previous=previous,
    )


def _reason(
    screening: Screening, match: Match, previous: AlertRow | None, changes: StepChanges
) -> str:
    if previous is None:
        if screening.cause in ("initial", "party-changed"):
            return screening.cause
        return "listing-changed" if match.entity_id in changes.changed else "new-listing"
    if previous.party_fingerprint != screening.fingerprint:
        return "party-changed"
    if (previous.entity_fingerprint, previous.listing_fingerprint) != (
        match.entity_fingerprint,
        match.listing_fingerprint,
    ):
        return "listing-changed"
    return "new-listing"


def reconcile(
    screening: Screening,
    alerts: Sequence[AlertRow],
    decisions: Mapping[int, Sequence[DecisionRow]],
    changes: StepChanges,
) -> Actions:
    """The alerts to open and close after ``screening``, given every alert of the party
    (oldest first) and their decisions."""
    the_rules = rules()
    live = {a.entity_id: a for a in alerts if a.live}
    latest: dict[str, AlertRow] = {}
    for alert in alerts:
        latest[alert.entity_id] = alert
    actions = Actions()
    matched: set[str] = set()
    for match in screening.matches:
        matched.add(match.entity_id)
        current = live.get(match.entity_id)
        if current is not None:
            same_party = current.party_fingerprint == screening.fingerprint
            same_entity = current.entity_fingerprint == match.entity_fingerprint
            same_listing = current.listing_fingerprint == match.listing_fingerprint
            if same_party and same_entity and (same_listing or current.state == "false-positive"):
                continue
            reason = "party-changed" if not same_party else "listing-changed"
            actions.closed.append(closing("superseded", current.id))
            actions.opened.append(_new(screening, match, reason, current.id))
            continue
        previous = latest.get(match.entity_id)
        if (
            previous is not None
            and last_decision(previous, decisions) in the_rules.suppressing
            and previous.party_fingerprint == screening.fingerprint
            and previous.entity_fingerprint == match.entity_fingerprint
        ):
            actions.suppressed.append(match.entity_id)
            continue
        reason = _reason(screening, match, previous, changes)
        actions.opened.append(_new(screening, match, reason, previous.id if previous else None))
    for entity_id, alert in live.items():
        if entity_id not in matched:
            why = "delisted" if entity_id in changes.delisted else "no-longer-matched"
            actions.closed.append(closing(why, alert.id))
    return actions


def removal(alerts: Iterable[AlertRow]) -> list[Closing]:
    """The closings of a party removed from the book."""
    return [closing("party-removed", a.id) for a in alerts if a.live]


# -- decisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A decision on an alert: what, why, by whom, with which role; ``principal`` is the
    credential that took it when the channel authenticates one (an API key, a signed-in user),
    as the audit chain records it, else empty (the command line acts as its machine user)."""

    alert_id: int
    decision: str
    reason: str
    by: str
    role: str
    principal: str = ""


def check_decision(
    alert: AlertRow,
    decision: Decision,
    history: Sequence[DecisionRow],
    four_eyes: bool,
    principals: Mapping[int, str] | None = None,
) -> None:
    """Refuse a decision the rules do not allow (InputError, ForbiddenError). ``principals``
    gives the credential of each earlier decision (by decision id): with four-eyes, a second
    person is another name and, where both came through an authenticated channel, another
    credential (one API key cannot be two people by naming two deciders)."""
    the_rules = rules()
    rule = the_rules.decisions.get(decision.decision)
    if rule is None:
        raise InputError(
            f"Unknown decision {decision.decision!r}: use one of {', '.join(the_rules.decisions)}."
        )
    if not decision.reason.strip() or len(decision.reason) > MAX_REASON:
        raise InputError(f"A decision needs a reason (at most {MAX_REASON} characters).")
    if not decision.by.strip() or len(decision.by) > MAX_NAME:
        raise InputError(f"A decision needs who takes it (at most {MAX_NAME} characters).")
    if not alert.live:
        raise InputError(f"Alert {alert.id} is {alert.state}: it is no longer decided on.")
    if alert.state not in rule.from_states:
        raise InputError(
            f"Alert {alert.id} is {alert.state}: {decision.decision} is taken from "
            f"{' or '.join(rule.from_states)}."
        )
    if not role_allows(decision.role, rule.role):
        raise ForbiddenError(
            f"Deciding {decision.decision} needs the {rule.role} role; {decision.by} has the "
            f"{decision.role} role."
        )
    if four_eyes and rule.second:
        escalations = [d for d in history if d.decision == "escalated"]
        if alert.state != "escalated" or not escalations:
            raise ForbiddenError(
                f"Four-eyes: {decision.decision} needs a second person; escalate alert "
                f"{alert.id} first."
            )
        first = escalations[-1].decided_by
        if first.strip().casefold() == decision.by.strip().casefold():
            raise ForbiddenError(
                f"Four-eyes: {first} escalated alert {alert.id}; {decision.decision} needs "
                "another person."
            )
        credential = (principals or {}).get(escalations[-1].id, "")
        if decision.principal and credential == decision.principal:
            raise ForbiddenError(
                f"Four-eyes: {credential} escalated alert {alert.id}; {decision.decision} needs "
                "another person's key or sign-in."
            )
