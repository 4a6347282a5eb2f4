"""Company legal forms: find them, give each its equivalence class, take them out of the name.

Native-script forms of languages written without spaces ("有限公司", "株式会社") are matched
as prefixes or suffixes of the native text, before transliteration. Everything else is matched
on normalised Latin tokens: rigour's organisation-type table first (its generic forms: "gmbh",
"ltd", "ooo" -> "llc"), then the phrases of ``data/legal_forms.yaml`` (longest first).
"""

from __future__ import annotations

from functools import cache, lru_cache

from rapidfuzz.distance import OSA
from rigour.names import replace_org_types_compare

from clearance.text.spelling import loose_key
from clearance.text.tables import legal_forms


@cache
def _phrases() -> dict[tuple[str, ...], str]:
    """Legal-form phrases as written and with their spellings folded ("otvetstvennostiyu")."""
    table = dict(legal_forms().phrases)
    for phrase, code in legal_forms().phrases.items():
        table.setdefault(tuple(loose_key(word) for word in phrase), code)
    return table


@cache
def _starts() -> frozenset[str]:
    """First three letters of every legal-form word: other words are never folded."""
    return frozenset(word[:3] for phrase in _phrases() for word in phrase)


@cache
def _first_words() -> frozenset[str]:
    return frozenset(phrase[0] for phrase in _phrases())


def _fold(word: str) -> str:
    return loose_key(word) if len(word) > 3 and word[:3] in _starts() else word


def strip_native_forms(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove legal-form affixes written in CJK scripts; return the rest and their classes."""
    if text.isascii():
        return text, ()
    found: list[str] = []
    changed = True
    while changed:
        changed = False
        stripped = text.strip()
        for affix, code in legal_forms().native:
            if stripped.endswith(affix) and len(stripped) > len(affix):
                text, changed = stripped[: -len(affix)], True
            elif stripped.startswith(affix) and len(stripped) > len(affix):
                text, changed = stripped[len(affix) :], True
            if changed:
                found.append(code)
                break
    return text, tuple(found)


def _replace_org_types(tokens: tuple[str, ...], not_forms: frozenset[str]) -> tuple[str, ...]:
    """rigour's generic organisation types, applied around the words it would misread
    ("ege": a Turkish place name, not the German "eG")."""
    if not_forms.isdisjoint(tokens):
        return tuple(replace_org_types_compare(" ".join(tokens), generic=True).split())
    out: list[str] = []
    run: list[str] = []
    for token in (*tokens, ""):
        if token and token not in not_forms:
            run.append(token)
            continue
        if run:
            out.extend(replace_org_types_compare(" ".join(run), generic=True).split())
            run = []
        if token:
            out.append(token)
    return tuple(out)


def split_forms(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split normalised tokens into (name tokens, legal-form classes found among them)."""
    if not tokens:
        return tokens, ()
    longest = legal_forms().longest
    phrases = _phrases()
    replaced = _replace_org_types(tokens, legal_forms().not_forms)
    firsts = _first_words()
    folded = tuple([_fold(w) for w in replaced])
    if firsts.isdisjoint(replaced) and firsts.isdisjoint(folded):
        return replaced, ()
    rest: list[str] = []
    found: list[str] = []
    i = 0
    while i < len(replaced):
        if replaced[i] not in firsts and folded[i] not in firsts:
            rest.append(replaced[i])
            i += 1
            continue
        for size in range(min(longest, len(replaced) - i), 0, -1):
            code = phrases.get(replaced[i : i + size]) or phrases.get(folded[i : i + size])
            if code is not None:
                found.append(code)
                i += size
                break
        else:
            rest.append(replaced[i])
            i += 1
    return tuple(rest), tuple(found)


@cache
def _legal_words() -> frozenset[str]:
    return frozenset(w for phrase in legal_forms().phrases for w in phrase if w.isalpha())


@lru_cache(maxsize=1 << 14)
def legal_word(token: str) -> bool:
    """A word of a legal-form phrase, or one typing error away from one of 5 letters or more:
    what remains of a legal form the phrase table did not recognise ("corporarion", "stok")."""
    words = _legal_words()
    if token in words:
        return True
    if len(token) < 4:
        return False
    return any(
        abs(len(w) - len(token)) <= 1 and OSA.distance(w, token, score_cutoff=1) <= 1
        for w in words
        if len(w) >= 5
    )


#: a name part this long with a legal form glued to it ("ooonordvektor") is read apart
MIN_UNGLUED_LEN = 5


@cache
def _one_word_forms() -> frozenset[str]:
    return frozenset(
        phrase[0] for phrase in legal_forms().phrases if len(phrase) == 1 and phrase[0].isalpha()
    )


def unglued(token: str) -> tuple[str, ...]:
    """What remains of ``token`` when a one-word legal form written together with the name
    starts or ends it ("ooonordvektor" -> "nordvektor"; "acmegmbh" -> "acme" is too short):
    names written without spaces. Remainders shorter than ``MIN_UNGLUED_LEN`` are no name of
    their own."""
    forms = _one_word_forms()
    out: list[str] = []
    for size in range(2, min(6, len(token) - MIN_UNGLUED_LEN + 1)):
        if token[:size] in forms:
            out.append(token[size:])
        if token[-size:] in forms:
            out.append(token[:-size])
    return tuple(dict.fromkeys(out))
