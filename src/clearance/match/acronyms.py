"""Acronyms: an organisation written as its initials ("NIOC") against its full name.

An acronym reading is evidence in proportion to what its letters say. The initials of the
words of a name are its whole content, so the acronym must spell every word (generic words
included: "IRGC" is made of them), but:

* three letters are too few: an acronym such as "HTC", listed as an alias of one company,
  spells the initials of any number of unrelated three-word names ("Happy Tree Cafe"), so it
  scores under the default threshold and only supports other evidence (or a broad profile);
* an initial of a legal-form word says nothing about which company it is ("C" of "Company",
  "L" of "Limited"): an acronym counts fully only when three of its letters, and four in all,
  are initials of the words of the name proper ("NIOC": National Iranian Oil + Company).

A name that is the same single word on both sides ("ZTS" / "ZTS Corporation") is compared
word for word, not read as an acronym.
"""

from __future__ import annotations

from clearance.text.keys import NameForm

#: an acronym of four letters or more, three of them initials of the words of the name proper
ACRONYM_SCORE = 0.8
#: any other acronym: three letters, or letters of legal-form words making up the count. Below
#: the default (0.70) threshold, at the broad profile's (0.60): evidence alone only there
SHORT_ACRONYM_SCORE = 0.6
#: letters a full-weight acronym has, and how many of them spell words of the name proper
FULL_LETTERS = 4
NAME_LETTERS = 3


def _score(letters: int, name_letters: int) -> float:
    if letters >= FULL_LETTERS and name_letters >= NAME_LETTERS:
        return ACRONYM_SCORE
    return SHORT_ACRONYM_SCORE


def acronym_score(left: NameForm, right: NameForm) -> float:
    """Score of one name read as the acronym of the other (0.0 when it is not one)."""
    for short, full in ((left, right), (right, left)):
        if len(short.tokens) != 1 or len(full.tokens) < 2:
            continue
        token = short.tokens[0]
        if token == full.acronym:
            # initials of every word, legal-form words included: those beyond the name's own
            # words ("c" of "company") are not initials of the name proper
            return _score(len(token), min(len(token), len(full.tokens)))
        if len(full.tokens) >= 3 and token == "".join(t[0] for t in full.tokens):
            return _score(len(token), len(token))
        if short.numbers or full.numbers:
            break
    return 0.0
