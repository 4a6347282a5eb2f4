"""The alert rules: which alerts a screening opens and closes, when a false positive stays
suppressed, and who may decide what (four-eyes included)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from clearance.errors import ForbiddenError, InputError
from clearance.model import Entity, Listing, Query
from clearance.monitor.alerts import (
    Decision,
    Match,
    Screening,
    StepChanges,
    check_decision,
    entity_fingerprint,
    listing_fingerprint,
    party_fingerprint,
    reconcile,
    removal,
    rules,
)
from clearance.store.monitor import AlertRow, DecisionRow


def match(entity: str, fp: str = "e1", lfp: str = "l1", score: float = 0.9) -> Match:
    return Match(entity, "src", entity, 3, score, {"entity_id": entity}, fp, lfp)


def alert(
    id_: int, entity: str, state: str = "open", party_fp: str = "p1", fp: str = "e1",
    lfp: str = "l1", closed: bool = False,
) -> AlertRow:  # fmt: skip
    return AlertRow(
        id_, "P", entity, "src", entity, 2, "t", "initial", state, 0.9, {}, party_fp, fp, lfp,
        None, "t" if closed else "", "" if not closed else "no-longer-matched", 1,
    )  # fmt: skip


def decided(alert_id: int, decision: str, by: str = "ann") -> DecisionRow:
    return DecisionRow(1, alert_id, decision, "why", by, "analyst", "t", 1)


def screening(*matches: Match, cause: str = "lists", fp: str = "p1") -> Screening:
    return Screening("P", fp, cause, tuple(matches))


def run(
    s: Screening,
    alerts: Sequence[AlertRow] = (),
    decisions: dict[int, list[DecisionRow]] | None = None,
    changes: StepChanges | None = None,
) -> tuple[list[tuple[str, str, int | None]], list[tuple[int, str, str]], list[str]]:
    found = reconcile(s, alerts, decisions or {}, changes or StepChanges())
    opened = [(a.entity_id, a.reason, a.previous) for a in found.opened]
    closed = [(c.alert_id, c.state, c.reason) for c in found.closed]
    return opened, closed, found.suppressed


def test_a_first_screening_opens_initial_alerts() -> None:
    assert run(screening(match("a"), match("b"), cause="initial"))[0] == [
        ("a", "initial", None),
        ("b", "initial", None),
    ]


def test_a_new_listing_and_a_changed_listing() -> None:
    changes = StepChanges(added=frozenset({"a"}), changed=frozenset({"b"}))
    opened, closed, _ = run(screening(match("a"), match("b")), changes=changes)
    assert opened == [("a", "new-listing", None), ("b", "listing-changed", None)]
    assert closed == []


def test_an_unchanged_match_keeps_its_alert() -> None:
    assert run(screening(match("a")), [alert(7, "a")]) == ([], [], [])


def test_a_match_that_goes_closes_its_alert() -> None:
    changes = StepChanges(delisted=frozenset({"a"}))
    assert run(screening(), [alert(7, "a"), alert(8, "b")], changes=changes)[1] == [
        (7, "delisted", "delisted"),
        (8, "closed", "no-longer-matched"),
    ]


def test_a_changed_entity_supersedes_the_alert() -> None:
    opened, closed, _ = run(screening(match("a", fp="e2")), [alert(7, "a")])
    assert opened == [("a", "listing-changed", 7)] and closed == [(7, "closed", "superseded")]


def test_a_changed_party_supersedes_the_alert() -> None:
    opened, closed, _ = run(screening(match("a"), fp="p2", cause="party-changed"), [alert(7, "a")])
    assert opened == [("a", "party-changed", 7)] and closed == [(7, "closed", "superseded")]


def test_a_false_positive_stays_suppressed_while_nothing_it_was_decided_on_changes() -> None:
    # a listing change alone (a new program) does not bring it back
    live = alert(7, "a", state="false-positive")
    assert run(screening(match("a", lfp="l2")), [live], {7: [decided(7, "false-positive")]}) == (
        [], [], []
    )  # fmt: skip
    # nor does the match going and coming back
    gone = alert(7, "a", state="closed", closed=True)
    assert run(screening(match("a")), [gone], {7: [decided(7, "false-positive")]}) == (
        [], [], ["a"]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("party_fp", "entity_fp", "reason"),
    [("p2", "e1", "party-changed"), ("p1", "e2", "listing-changed")],
)
def test_a_false_positive_comes_back_when_its_facts_change(
    party_fp: str, entity_fp: str, reason: str
) -> None:
    gone = alert(7, "a", state="closed", closed=True)
    decisions = {7: [decided(7, "false-positive")]}
    s = screening(match("a", fp=entity_fp), fp=party_fp)
    assert run(s, [gone], decisions)[0] == [("a", reason, 7)]
    live = alert(7, "a", state="false-positive")
    opened, closed, _ = run(s, [live], decisions)
    assert opened == [("a", reason, 7)] and closed == [(7, "closed", "superseded")]


def test_a_removed_party_closes_its_live_alerts() -> None:
    closed = removal([alert(1, "a"), alert(2, "b", closed=True), alert(3, "c", "true-match")])
    assert [(c.alert_id, c.state, c.reason) for c in closed] == [
        (1, "closed", "party-removed"),
        (3, "closed", "party-removed"),
    ]


# -- decisions ------------------------------------------------------------------------------


def decision(kind: str, role: str = "analyst", by: str = "bob") -> Decision:
    return Decision(7, kind, "the birth dates differ", by, role)


def test_analysts_clear_and_escalate_reviewers_confirm() -> None:
    check_decision(alert(7, "a"), decision("false-positive"), [], four_eyes=False)
    check_decision(alert(7, "a"), decision("escalated"), [], four_eyes=False)
    with pytest.raises(ForbiddenError, match="reviewer"):
        check_decision(alert(7, "a"), decision("true-match"), [], four_eyes=False)
    check_decision(alert(7, "a"), decision("true-match", "reviewer"), [], four_eyes=False)
    with pytest.raises(ForbiddenError, match="analyst"):
        check_decision(alert(7, "a"), decision("false-positive", "screener"), [], False)


def test_four_eyes_needs_a_second_person() -> None:
    escalated = alert(7, "a", state="escalated")
    history = [decided(7, "escalated", by="Bob")]
    with pytest.raises(ForbiddenError, match="escalate"):
        check_decision(alert(7, "a"), decision("true-match", "reviewer"), [], four_eyes=True)
    with pytest.raises(ForbiddenError, match="another person"):
        check_decision(escalated, decision("true-match", "reviewer", "bob"), history, True)
    check_decision(escalated, decision("true-match", "reviewer", "carol"), history, True)


def test_four_eyes_needs_another_credential_where_the_channel_proves_one() -> None:
    escalated = alert(7, "a", state="escalated")
    history = [decided(7, "escalated", by="bob")]
    # one API key naming two deciders is one person
    same = Decision(7, "true-match", "registry", "carol", "reviewer", principal="key:desk")
    with pytest.raises(ForbiddenError, match="key or sign-in"):
        check_decision(escalated, same, history, True, {1: "key:desk"})
    other = Decision(7, "true-match", "registry", "carol", "reviewer", principal="key:rob")
    check_decision(escalated, other, history, True, {1: "key:desk"})
    # without four-eyes the credential does not matter; nor on the command line (no principal)
    check_decision(escalated, same, history, False, {1: "key:desk"})
    local = Decision(7, "true-match", "registry", "carol", "reviewer")
    check_decision(escalated, local, history, True, {1: "cli:root"})


def test_decisions_need_a_live_alert_in_the_right_state_and_a_reason() -> None:
    with pytest.raises(InputError, match="no longer"):
        check_decision(alert(7, "a", "closed", closed=True), decision("escalated"), [], False)
    with pytest.raises(InputError, match="taken from"):
        check_decision(alert(7, "a", "false-positive"), decision("false-positive"), [], False)
    with pytest.raises(InputError, match="reason"):
        check_decision(alert(7, "a"), Decision(7, "escalated", "  ", "bob", "analyst"), [], False)
    with pytest.raises(InputError, match="Unknown decision"):
        check_decision(alert(7, "a"), decision("maybe"), [], False)


def test_the_rules_are_data() -> None:
    the_rules = rules()
    assert the_rules.live_states == {"open", "escalated", "true-match", "false-positive"}
    assert the_rules.decisions["true-match"].second
    assert set(the_rules.reasons) == {"initial", "new-listing", "listing-changed", "party-changed"}


# -- fingerprints ---------------------------------------------------------------------------


def test_fingerprints_follow_what_matters() -> None:
    assert party_fingerprint(Query("Ann Lee", "Person", ("gb",))) == party_fingerprint(
        Query("Ann Lee", "Person", ("gb",), reference="other")
    )
    assert party_fingerprint(Query("Ann Lee", "Person")) != party_fingerprint(
        Query("Ann Lee", "Person", birth_date="1970")
    )
    entity = Entity("s", "1", "Person")
    entity.add_name("ANN LEE")
    entity.listings.append(Listing("SDN", "blocking"))
    before = entity_fingerprint(entity)
    entity.listings.append(Listing("EL", "entity-list-licence"))
    assert entity_fingerprint(entity) == before  # listings are not identity
    entity.add("birthDate", "1970")
    assert entity_fingerprint(entity) != before
    hit = {"lists": ["SDN"], "programs": ["X"], "effects": [{"code": "blocking"}]}
    assert listing_fingerprint(hit) != listing_fingerprint({**hit, "programs": ["Y"]})
