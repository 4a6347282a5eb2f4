"""How much the parts of a name weigh against a match, by kind of name: the ``kinds`` of
``data/name_weights.yaml``, compiled once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clearance.datafiles import load_data


@dataclass(frozen=True, slots=True)
class Weights:
    """How much unaligned parts count against a name match, by kind of name: the ``kinds`` of
    ``data/name_weights.yaml``, where each field is explained."""

    conflict: float
    extra: float
    #: extra weight when the shorter name is a single part (a surname alone)
    single_extra: float
    number_conflict: float
    #: numbers differ in a fund or trust series (``series_words``): one sponsor's family
    series_number_conflict: float
    number_missing: float
    legal_agree: float
    legal_conflict: float
    #: similarity under which a name part counts nothing (see ``tokens.shape``)
    floor: float
    single_word_floor: float
    #: unaligned parts weighed by what they say (geographic and activity words)
    qualified: bool
    #: weight of each activity word only one organisation name has ("X" / "X Oil")
    activity_extra: float
    #: the same when the names agree on a distinctive word (a brand): ``activity_extra`` unless
    #: the kind says otherwise (``translated_org``)
    named_activity_extra: float
    #: organisation names: a distinctive part only one name has counts against fully
    share: bool
    #: weight of each distinctive word only one organisation name has (``share`` only)
    distinct_extra: float
    #: most the parts only one name has count together, as a multiple of ``extra``
    extra_cap: float


@cache
def name_weights() -> dict[str, Weights]:
    """The weights of each kind of name: ``person``, ``org``, ``object`` (the kinds of
    :func:`clearance.text.keys.name_kind`), ``syllabic_person``, ``skeleton_person`` and
    ``translated_org``."""
    kinds = load_data("name_weights.yaml")["kinds"]
    return {kind: _weights(spec) for kind, spec in kinds.items()}


#: the fields of :class:`Weights` that are switches, not weights
_SWITCHES = frozenset({"qualified", "share"})


def _weights(spec: dict[str, object]) -> Weights:
    values: dict[str, float] = {}
    switches: dict[str, bool] = {}
    for key, value in spec.items():
        if key in _SWITCHES:
            switches[key] = bool(value)
        else:
            values[key] = float(str(value))
    return Weights(
        conflict=values["conflict"],
        extra=values["extra"],
        single_extra=values["single_extra"],
        number_conflict=values["number_conflict"],
        series_number_conflict=values["series_number_conflict"],
        number_missing=values["number_missing"],
        legal_agree=values["legal_agree"],
        legal_conflict=values["legal_conflict"],
        floor=values["floor"],
        single_word_floor=values["single_word_floor"],
        qualified=switches["qualified"],
        activity_extra=values["activity_extra"],
        named_activity_extra=values.get("named_activity_extra", values["activity_extra"]),
        share=switches["share"],
        distinct_extra=values["distinct_extra"],
        extra_cap=values["extra_cap"],
    )


def kind_weights(kind: str) -> Weights:
    """The weights of a kind of name (an unknown kind is an organisation's)."""
    table = name_weights()
    return table.get(kind) or table["org"]
