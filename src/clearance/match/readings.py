"""The name readings a profile can use: the best name comparison between a query and a listed
entity, explained.

- :class:`AlignedNames` (``clearance``): every compiled form of every query name against every
  form of every listed name (:func:`clearance.match.names.compare_forms`), weak aliases
  discounted; with a floor, pairs whose bound (:func:`clearance.match.names.name_bound`)
  cannot reach it are skipped;
- :class:`OfacNames` (``ofac``): OFAC Sanctions List Search's own score
  (:mod:`clearance.match.ofac`), for the profile that emulates it.

A profile names its reading in ``data/profiles.yaml`` (``name_algorithm``).
"""

from __future__ import annotations

from clearance.errors import InputError
from clearance.match.compiled import CompiledEntity
from clearance.match.explain import name_features
from clearance.match.names import (
    NameComparison,
    comparable,
    compare_all,
    compare_forms,
    name_bound,
)
from clearance.match.ofac import ofac_features, ofac_similarity
from clearance.match.profiles import Profile
from clearance.match.result import Feature
from clearance.text.keys import NameForm, name_forms

#: the best name of a listed entity: the name matched, the name features, and the legal forms
#: of the listed name it was matched with
Found = tuple[str, list[Feature], tuple[str, ...]]


def _compare(
    lefts: tuple[NameForm, ...],
    rights: tuple[NameForm, ...],
    factor: float,
    needed: float | None,
    weak: bool = False,
) -> NameComparison | None:
    """``compare_all(lefts, rights)``, skipping the pairs of forms that cannot reach
    ``needed`` (after the weak-alias ``factor``); ``None`` when every pair is skipped. A
    ``weak`` alias is not compared with a query name of more parts than it has: a nickname
    ("Joe", "MOSH") is no match for a full name that holds it ("Joseph Bishop")."""
    best: NameComparison | None = None
    for left in lefts:
        for right in rights:
            if not comparable(left, right):
                continue
            if weak and len(left.tokens) > max(len(right.tokens), 1):
                continue
            if needed is not None and name_bound(left, right) * factor < needed:
                continue
            result = compare_forms(left, right)
            if best is None or result.score > best.score:
                best = result
                if result.score >= 1.0:
                    return best
    return best


class AlignedNames:
    """Names compared part by part, with the readings of :mod:`clearance.match.names`."""

    algorithm = "clearance-names-1"

    def __init__(self, profile: Profile) -> None:
        self.weak_alias_factor = profile.weak_alias_factor

    def best(
        self,
        query_names: tuple[str, ...],
        schema: str,
        target: CompiledEntity,
        needed: float | None,
    ) -> Found | None:
        """The best comparison over all query names and entity names, explained once.

        With ``needed``, comparisons whose upper bound stays below it are skipped, and
        ``None`` is returned when no name reaches it: any comparison that could be the best
        one is still made, in the same order, so the result is the same whenever it reaches
        ``needed``."""
        best: tuple[float, str, NameComparison | None, float] = (-1.0, "", None, 1.0)
        for qname in query_names:
            qforms = name_forms(qname, schema)
            for cname in target.names:
                weak = cname.kind == "weakAlias"
                factor = self.weak_alias_factor if weak else 1.0
                cmp = _compare(qforms, cname.forms, factor, needed, weak)
                if cmp is None:
                    continue
                value = cmp.score * factor
                if value > best[0]:
                    best = (value, cname.value, cmp, factor)
                    if value >= 1.0:
                        break
        value, matched, cmp, factor = best
        if needed is not None and value < needed:
            return None
        if cmp is None:
            return matched, [], ()
        return matched, name_features(cmp, factor, cmp.right.kind), cmp.right.legal_forms

    def compare(self, name1: str, name2: str, schema: str) -> list[Feature]:
        cmp = compare_all(name_forms(name1, schema), name_forms(name2, schema))
        return name_features(cmp, 1.0, cmp.right.kind)


class OfacNames:
    """OFAC Sanctions List Search's score of the query against each listed name."""

    algorithm = "ofac-sls-emulation-1"

    def __init__(self, profile: Profile) -> None:
        self.weak_alias_factor = profile.weak_alias_factor

    def best(
        self,
        query_names: tuple[str, ...],
        schema: str,
        target: CompiledEntity,
        needed: float | None,
    ) -> Found | None:
        """The best listed name by OFAC's score (``needed`` is not used: OFAC's score has no
        bound, and the result is compared with the floor after the qualifiers)."""
        best, query, matched = -1.0, "", ""
        for qname in query_names:
            for cname in target.names:
                factor = self.weak_alias_factor if cname.kind == "weakAlias" else 1.0
                value = ofac_similarity(qname, cname.value)[0] * factor
                if value > best:
                    best, query, matched = value, qname, cname.value
                    if value >= 1.0:
                        break
        return matched, ofac_features(query, matched) if matched else [], ()

    def compare(self, name1: str, name2: str, schema: str) -> list[Feature]:
        return ofac_features(name1, name2)


NameReading = AlignedNames | OfacNames

#: the name readings by the name a profile gives in ``name_algorithm``
READINGS: dict[str, type[AlignedNames] | type[OfacNames]] = {
    "clearance": AlignedNames,
    "ofac": OfacNames,
}


def name_reading(profile: Profile) -> NameReading:
    try:
        return READINGS[profile.name_algorithm](profile)
    except KeyError:
        known = ", ".join(READINGS)
        raise InputError(
            f"Profile {profile.name!r} has an unknown name_algorithm "
            f"{profile.name_algorithm!r}; known: {known}"
        ) from None
