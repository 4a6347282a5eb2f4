"""Emulation of OFAC Sanctions List Search scores, for the ``ofac`` profile.

Calibrated on eval/ofac_parity.csv (164 query/listed-name/score triples read off OFAC's own
tool): the score is the Jaro-Winkler similarity of the query with the best ordering of as many
of the listed name's words as the query has, both upper-cased, apostrophes deleted, other
punctuation as word breaks, accents stripped. Non-Latin letters are dropped, as OFAC's tool
does (a Cyrillic query finds nothing). Mean absolute error on the parity file: see
benchmarks/README.md.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from clearance.match.result import Feature

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
_BREAKS = re.compile(r"[^A-Z0-9]+")
#: listed names longer than this are cut (permutations grow fast; OFAC names rarely are)
MAX_WORDS = 7


@lru_cache(maxsize=1 << 16)
def ofac_words(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = _APOSTROPHES.sub("", text)
    return tuple(w for w in _BREAKS.split(text) if w)


def ofac_similarity(query: str, name: str) -> tuple[float, str]:
    """OFAC-style score in [0, 1] and the word ordering that gave it."""
    q, n = ofac_words(query), ofac_words(name)[:MAX_WORDS]
    if not q or not n:
        return 0.0, ""
    target = " ".join(q)
    best, best_order = 0.0, ""
    for order in itertools.permutations(n, min(len(n), len(q))):
        candidate = " ".join(order)
        score = JaroWinkler.similarity(target, candidate)
        if score > best:
            best, best_order = score, candidate
            if score >= 1.0:
                break
    return best, best_order


def ofac_features(query: str, name: str) -> list[Feature]:
    score, order = ofac_similarity(query, name)
    if not order:
        reason = "no Latin words to compare (OFAC's search compares Latin letters only)"
    else:
        reason = f"Jaro-Winkler of {' '.join(ofac_words(query))!r} with {order!r}"
    return [Feature("ofac_name", score, score, reason)]
