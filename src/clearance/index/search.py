"""Query the candidate index: names in, a short ranked list of entity candidates out.

For each query token the searcher collects the keys it may stand for: the token itself, the
vocabulary tokens rapidfuzz finds similar to it (compared only with tokens of the same first
letter, in C), and its phonetic key; adjacent query tokens written together are looked up
too. Each name row containing such a key gains the key's inverse document frequency times the
similarity (once per query token). Rows are ranked by the gained weight over the square root
of their own weight, entities by their best row, and the top ones go to the scorer.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from clearance.index.build import IndexData, unknown_weight
from clearance.index.keys import (
    SHORT_SKELETON,
    SYLLABIC_SCRIPTS,
    abjad_skeleton_keys,
    concatenations,
    deletions,
    derived_keys,
    folded_skeleton_key,
    geresh_reading,
    identifier_key,
    kana_readings,
    katakana,
    sound_text,
    token_forms,
    variant_hash,
)
from clearance.text.business import generic_positions
from clearance.text.keys import name_forms, name_kind, skeleton
from clearance.text.legal import unglued
from clearance.text.scripts import detect_script
from clearance.text.translit import ABJADS

#: what a row gains from a form's generic words is scaled by the share of the form's own words
#: it gains, to this power: half the own part shared (one syllable of a two-syllable brand)
#: keeps a quarter of the generic words' weight
GENERIC_SHARE_POWER = 2

# explicit aliases: the compiling build has no numpy, where a bare assignment is no type
FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int32]
LongArray: TypeAlias = npt.NDArray[np.int64]
TextScorer: TypeAlias = Callable[..., Any]
#: which lookups are generic words, what each counts for the own words, the form of each, and
#: the weight of each form's own words (:meth:`IndexSearcher._generic`)
GenericWords: TypeAlias = tuple[list[bool], list[float], list[int], list[float]]


#: the script whose names are written syllable by syllable, foreign names too ("다히야신": Dahi
#: Yasin), and the mode of their forms (:func:`query_lookups`)
HANGUL = "Hang"
SYLLABLES = "syllables"
#: the mode of a name in Cyrillic script: its tokens are looked up as plain ones, and by their
#: :func:`clearance.index.keys.folded_skeleton_key` at ``skeleton_weight``
CYRILLIC = "cyrillic"
#: a query name this long (without spaces) may pass the text check by being contained in a
#: longer name, with this partial-ratio similarity
MIN_CONTAINED_LEN = 6
CONTAINED_SIMILARITY = 90
#: a name in Arabic or Hebrew script passes the text check with a row whose words have the same
#: consonant skeletons, in any order, with this token-sort similarity (its transliteration is
#: consonants: "yhy hkny", יחיא חקאני, has no reading of Latin "haqqani yahya" in common)
SKELETON_SIMILARITY = 90
#: rows text-checked at once before looking at the results (doubled for each next slice)
TEXT_CHECK_SLICE = 32
#: bits of a variant's hash that address the filter of hashes the index knows (2 MB), and
#: the shift that leaves them
HASH_FILTER_BITS = 24
_SLOT = 32 - HASH_FILTER_BITS


@dataclass(frozen=True)
class SearchParams:
    """How wide the candidate net is cast (recall against candidate-set size)."""

    #: most entities handed to the scorer per query
    max_candidates: int = 30
    #: entities ranked below this fraction of the best rank are dropped
    relative_cutoff: float = 0.4
    #: rows ranked below this are dropped (rank: share of the query's weight the row covers,
    #: lowered for rows much heavier than the query)
    min_coverage: float = 0.3
    #: rows whose text and sound are less similar than this to every query name (rapidfuzz
    #: token set ratio, 0-100) are not handed to the scorer (0: no such check)
    min_text_similarity: float = 60.0
    #: how much names heavier than the query are ranked down (0: not at all)
    name_norm_power: float = 0.25
    #: rapidfuzz ratio (0-100) a vocabulary token needs to stand for a query token
    fuzzy_cutoff: float = 75.0
    #: most vocabulary tokens one query token may stand for
    fuzzy_limit: int = 12
    #: tokens shorter than this are looked up exactly only
    min_fuzzy_len: int = 4
    #: unknown tokens this long are also looked up without a legal form glued to their start
    #: or end
    min_unglued_len: int = 8
    #: tokens this long are also compared with rapidfuzz (two or more edits)
    long_token_len: int = 8
    #: length difference searched around a long token
    length_window: int = 2
    #: similarity credited to a phonetic, skeleton, nickname or romanisation key match
    phonetic_weight: float = 0.8
    skeleton_weight: float = 0.6
    #: similarity credited to a skeleton key match of a name in Arabic or Hebrew script (its
    #: words are skeletons: a Latin row sharing them agrees as fully as a row in its script,
    #: and must not be ranked below the native-script rows of other entities that share them)
    abjad_skeleton_weight: float = 1.0
    group_weight: float = 0.92
    #: query tokens in more than this fraction of rows are looked up exactly only
    common_fraction: float = 0.01
    #: query tokens whose matches are remembered (per searcher)
    cache_size: int = 50_000


class Candidate:
    """An entity retrieval hands the matcher, with its rank. Immutable by convention; a
    hand-written class rather than a frozen dataclass: compiled, its constructor runs as native
    code (a dozen are made for every query)."""

    __slots__ = ("entity_id", "index", "rank")

    def __init__(self, index: int, entity_id: str, rank: float) -> None:
        self.index = index
        self.entity_id = entity_id
        self.rank = rank

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Candidate) and (self.index, self.entity_id, self.rank) == (
            other.index,
            other.entity_id,
            other.rank,
        )

    def __hash__(self) -> int:
        return hash((self.index, self.entity_id, self.rank))

    def __repr__(self) -> str:
        return f"Candidate(index={self.index!r}, entity_id={self.entity_id!r}, rank={self.rank!r})"


class RetrievalTrace:
    """What one candidate search saw, for a caller that must know how its result could change
    (the monitor certifies a party's screening with it): every name row sharing a key with the
    query and its rank, the entities the filters admitted, and whether the candidate limit was
    reached. Filled by :meth:`IndexSearcher.candidates` when given."""

    def __init__(self) -> None:
        self.rows: IntArray = np.empty(0, dtype=np.int32)
        self.rank: FloatArray = np.empty(0)
        self.allowed: npt.NDArray[np.bool_] | None = None
        self.capped = False
        #: the lightest weight of the query's forms (what the rank of any row is divided by
        #: at least), as the ranking computed it
        self.weight = 0.0
        #: the query's names as the text check read them (``None`` when no row shared a key)
        self.texts: QueryTexts | None = None


def query_forms(name: str, schema: str) -> list[tuple[str, ...]]:
    """Token forms of a query name as a person and as an organisation: a query's schema is
    often unknown or wrong, and titles or legal forms are stripped by kind of name. A name
    with a legal form that is not given as a person's is an organisation's: it is not read
    as a person's too (its legal form would be looked up as words, "有限会社" as "you xian
    hui she" in every Chinese limited company)."""
    forms = dict.fromkeys(token_forms(name, schema))
    others = ["Person", "LegalEntity"]
    if name_kind(schema) != "person" and any(f.legal_forms for f in name_forms(name)):
        others.remove("Person")
    for other in others:
        forms.update(dict.fromkeys(token_forms(name, other)))
    # a Hebrew name read with its geresh letters as the Arabic sounds they write (ח'אן: Khan),
    # as the query's kind only: a reading of letters, not a second name, and read as another
    # kind it may lose a word to a legal form (אע'א, Agha, read "ag": AG)
    if (reading := geresh_reading(name)) is not None:
        forms.update(dict.fromkeys(token_forms(reading, schema)))
    # a foreign name in katakana also without the vowels katakana adds, and with its r read
    # l (イスマエル "isumaeru": "ismaer", "ismael"); again as the query's kind only
    if not name.isascii() and detect_script(name) == "Jpan" and katakana(name):
        for toks in token_forms(name, schema):
            forms.update(dict.fromkeys(kana_readings(toks)))
    return list(forms)


def query_lookups(
    names: Iterable[str], schema: str
) -> tuple[list[tuple[tuple[str, ...], str]], list[tuple[int, str, str]]]:
    """The forms of the query names (each name's :func:`query_forms`, in order, with the
    name's mode: ``plain``, ``abjad`` for a name in Arabic or Hebrew script, ``cyrillic`` for
    one in Cyrillic script) and what the
    search looks up for them: one group per distinct token of a form (in the name's mode) and
    per adjacent tokens written together (``joined``), as ``(form, token, mode)``. A row
    gains weight once per group. A name in Hangul has the mode ``syllables`` (its tokens are
    looked up as ``plain``): :meth:`IndexSearcher.syllable_readings`."""
    forms: list[tuple[tuple[str, ...], str]] = []
    out: list[tuple[int, str, str]] = []
    for name in names:
        script = detect_script(name)
        mode = "abjad" if script in ABJADS else CYRILLIC if script == "Cyrl" else "plain"
        # (a name in Hangul is read as a plain one, and also by its syllables joined)
        form_mode = SYLLABLES if script == HANGUL else mode
        #: the tokens an earlier reading of a name in an abjad looked up: its second readings
        #: (a letter Latin spellings write two ways, ج as j and g) share most of its words, and
        #: a row gains once for a word, not once per reading
        seen: set[str] = set()
        for toks in query_forms(name, schema):
            forms.append((toks, form_mode))
            lookups = dict.fromkeys(toks, mode)
            for concat in concatenations(toks):
                lookups.setdefault(concat, "joined")
            form = len(forms) - 1
            out.extend(
                (form, token, token_mode)
                for token, token_mode in lookups.items()
                if token not in seen
            )
            if mode == "abjad":
                seen.update(lookups)
    return forms, out


class QueryTexts:
    """A query's names as the text check reads them, computed once per query (and kept by a
    caller that checks the same query against rows of several indexes)."""

    def __init__(
        self, names: list[str], schema: str, forms: list[tuple[str, ...]] | None = None
    ) -> None:
        """``forms``: the names' :func:`query_forms` in order, when the caller has them."""
        if forms is None:
            forms = [t for n in names for t in query_forms(n, schema)]
        forms = list(dict.fromkeys(forms))
        self.texts = [" ".join(t) for t in forms]
        self.sounds = [sound_text(t) for t in forms]
        self.joined = ["".join(t) for t in forms]
        scripts = {detect_script(n) for n in names}
        self.syllabic = not scripts.isdisjoint(SYLLABIC_SCRIPTS)
        #: the forms' consonant skeletons, for a query with a name in Arabic or Hebrew script
        self.skeletons = [] if scripts.isdisjoint(ABJADS) else [skeleton_text(t) for t in forms]


class IndexSearcher:
    """Candidate retrieval over one :class:`IndexData`."""

    def __init__(self, data: IndexData, params: SearchParams | None = None) -> None:
        self.data = data
        self.params = params or SearchParams()
        self._unknown = unknown_weight(data)
        self._common_df = max(int(len(data.name_entity) * self.params.common_fraction), 50)
        self._cache: dict[str, list[tuple[int, float]]] = {}
        self._known = known_hashes(data)
        p = self.params
        self._derived_sim = {
            "phonetic": p.phonetic_weight,
            "skeleton": p.skeleton_weight,
            "nickname": p.group_weight,
            "romanisation": p.group_weight,
        }

    def _key_matches(self, token: str, mode: str) -> list[tuple[int, float]]:
        """Key ids that ``token`` may stand for, each with a similarity in (0, 1].

        ``mode`` is ``joined`` for adjacent query tokens written together (exact and one-edit
        lookups only), ``abjad`` for tokens of a name in Arabic or Hebrew script (which also
        look up consonant skeletons), else ``plain``."""
        data = self.data
        out: dict[int, float] = {}
        exact = data.vocab.get(token)
        if exact is not None:
            out[exact] = 1.0
            if data.offsets[exact + 1] - data.offsets[exact] > self._common_df:
                return list(out.items())
        if len(token) >= self.params.min_fuzzy_len and not token.isdigit():
            for similar, sim in self._similar_tokens(token, long=mode != "joined"):
                kid = data.vocab[similar]
                out[kid] = max(out.get(kid, 0.0), sim)
        if mode == "joined":
            return list(out.items())
        if exact is None and len(token) >= self.params.min_unglued_len and token.isalpha():
            # a legal form written together with the name ("ooonordvektor")
            for rest in unglued(token):
                for kid, sim in self._key_matches(rest, mode):
                    out[kid] = max(out.get(kid, 0.0), sim)
        for derived in derived_keys(token):
            if derived.kind == "skeleton" and mode != "abjad":
                continue  # Latin tokens meet Arabic-script names through their phonetic keys
            if (did := data.vocab.get(derived.key)) is not None:
                sim = (
                    self.params.abjad_skeleton_weight
                    if mode == "abjad" and derived.kind == "skeleton"
                    else self._derived_sim[derived.kind]
                )
                out[did] = max(out.get(did, 0.0), sim)
        if mode == "abjad":
            for key in abjad_skeleton_keys(token):
                if (did := data.vocab.get(key)) is None:
                    continue
                if (
                    key.startswith(SHORT_SKELETON)
                    and data.offsets[did + 1] - data.offsets[did] > self._common_df
                ):
                    continue  # a one-letter skeleton of many words ("al", "ali", "ala"...)
                out[did] = max(out.get(did, 0.0), self.params.abjad_skeleton_weight)
        elif mode == CYRILLIC and (folded := folded_skeleton_key(token)) is not None:
            did = data.vocab.get(folded)
            if did is not None and data.offsets[did + 1] - data.offsets[did] <= self._common_df:
                out[did] = max(out.get(did, 0.0), self.params.skeleton_weight)
        return list(out.items())

    def _similar_tokens(self, token: str, long: bool = True) -> list[tuple[str, float]]:
        """Name tokens one edit away (deletion neighbourhood, exact dictionary lookups), and
        for long tokens those rapidfuzz finds among tokens of the same first letter and a
        similar length (two or more edits)."""
        data, params, known = self.data, self.params, self._known
        variants = deletions(token)
        hashes = [variant_hash(v) for v in (token, *variants)]
        # most variants are no token's nor key's: the filter of known hashes rules them out
        # without a search of the hashes or the vocabulary
        maybe = [i for i, h in enumerate(hashes) if known[h >> (_SLOT + 3)] >> (h >> _SLOT & 7) & 1]
        found: set[str] = set()
        if maybe:
            wanted = np.array([hashes[i] for i in maybe], dtype=np.uint32)
            # array methods, not numpy's module functions: those are Python-level wrappers,
            # whose calls cost more than the work on these few values (also below)
            lo = data.delete_hash.searchsorted(wanted, side="left").tolist()
            hi = data.delete_hash.searchsorted(wanted, side="right").tolist()
            tokens, owners = data.tokens, data.delete_token
            for a, b in zip(lo, hi, strict=True):
                if a < b:
                    found.update(tokens[i] for i in owners[a:b].tolist())
            # the token with a letter too many
            found.update(variants[i - 1] for i in maybe if i and variants[i - 1] in data.vocab)
        found.discard(token)
        out = {t: fuzz.ratio(token, t) / 100.0 for t in found}
        if long and len(token) >= params.long_token_len:
            size = len(token)
            for length in range(size - params.length_window, size + params.length_window + 1):
                bucket = data.buckets.get((token[0], length))
                if bucket is None:
                    continue
                for other, score, _ in process.extract(
                    token, bucket[0], scorer=fuzz.ratio,
                    score_cutoff=params.fuzzy_cutoff, limit=params.fuzzy_limit,
                ):  # fmt: skip
                    out[other] = max(out.get(other, 0.0), score / 100.0)
        return [(t, sim) for t, sim in out.items() if sim * 100 >= params.fuzzy_cutoff]

    def _token_matches(self, token: str, mode: str = "plain") -> list[tuple[int, float]]:
        """``_key_matches``, remembered: tokens recur across queries, and finding similar
        tokens is the costly step (the cache holds key ids only, so its memory stays small).
        Adjacent tokens written together are not remembered: they are one name's ("johnsmith"),
        and 16,753 of 16,753 met in 8,000 generated rows came once, while they filled two
        thirds of the cache and had it cleared of the tokens that do recur."""
        if mode == "joined":
            return self._key_matches(token, mode)
        key = f"{mode}:{token}"
        matches = self._cache.get(key)
        if matches is None:
            if len(self._cache) >= self.params.cache_size:
                self._cache.clear()
            matches = self._cache[key] = self._key_matches(token, mode)
        return matches

    def _gather(
        self, kids: list[int], sims: list[float], groups: list[int]
    ) -> tuple[IntArray, LongArray, FloatArray, LongArray]:
        """The name rows of every matched key, each with the key's weight (idf times the
        similarity), and per group (one query token) only the best weight of each row: the
        distinct rows (sorted), then for each (row, group) pair in row and group order the
        position of its row, its weight and its group. One pass of array operations for the
        whole query (``groups`` never decreases)."""
        data = self.data
        kid_arr = np.array(kids, dtype=np.int64)
        starts, ends = data.offsets[kid_arr], data.offsets[kid_arr + 1]
        lengths = ends - starts
        # positions of every posting of every key, without a Python loop over the keys (array
        # methods and ufuncs only: numpy's module functions are Python-level wrappers, whose
        # calls cost more than the work on a query's thousand postings)
        ends_at = lengths.cumsum()
        positions = (starts - (ends_at - lengths)).repeat(lengths) + np.arange(int(ends_at[-1]))
        idf = data.idf[kid_arr].astype(np.float64)
        weights = (idf * np.array(sims, dtype=np.float64)).repeat(lengths)
        size = groups[-1] + 1
        pair = data.postings[positions].astype(np.int64) * size + np.array(
            groups, dtype=np.int64
        ).repeat(lengths)
        order = pair.argsort()
        pair, weights = pair[order], weights[order]
        new = np.empty(len(pair), dtype=bool)
        new[0] = True
        np.not_equal(pair[1:], pair[:-1], out=new[1:])
        bounds = new.nonzero()[0]
        best = np.maximum.reduceat(weights, bounds)
        pair = pair[bounds]
        rows, group = np.divmod(pair, size)
        new_row = np.empty(len(rows), dtype=bool)
        new_row[0] = True
        np.not_equal(rows[1:], rows[:-1], out=new_row[1:])
        inverse = new_row.cumsum() - 1
        return rows[new_row].astype(np.int32), inverse, best, group

    def _form_weight(self, toks: tuple[str, ...], mode: str = "plain") -> float:
        """The weight a row must gain to cover a query form: its tokens and the joined pairs
        the index knows, except unknown tokens that such a pair explains ("blue star" is
        covered by a name with "bluestar" alone). A name in an abjad is covered by rows that
        share its consonant skeletons: its tokens weigh what their skeletons do (a Latin row
        has "saddam", never the transliteration "sdm" that only Arabic-script rows share)."""
        vocab = self.data.vocab
        if mode == "abjad":
            return sum((self._skeleton_weight(t) for t in sorted(set(toks))), 0.0)
        known_pairs = [(a, b) for a, b in pairwise(toks) if a + b in vocab]
        explained = {t for pair in known_pairs for t in pair if t not in vocab}
        parts = {t for t in toks if t not in explained} | {a + b for a, b in known_pairs}
        # in a fixed order: a float sum in set order differs in its last bit between runs
        return sum((self._query_weight(t) for t in sorted(parts)), 0.0)

    def _generic(
        self,
        name_forms: list[tuple[tuple[str, ...], str]],
        lookups: list[tuple[int, str, str]],
        schema: str,
    ) -> GenericWords | None:
        """For an organisation's name with generic words (:func:`generic_positions`: the
        business-term tables' words, in English or romanised) beside its own: which groups of
        ``lookups`` look up generic words only (a word, or words written together, that is
        generic wherever the form has it), what a group's gain counts for the form's own
        words (two own words written together: both), the form of each group, and the weight
        of each form's own words (0 for a form with no generic word, or nothing else). None
        when no form has both."""
        if name_kind(schema) != "org":
            return None
        generic_tokens: list[set[str]] = []
        own: list[float] = []
        credits: list[dict[str, float]] = []
        for toks, mode in name_forms:
            positions = generic_positions(toks)
            plain = {t for t, g in zip(toks, positions, strict=True) if not g}
            tokens = {t for t in toks if t not in plain}
            tokens.update(a + b for a, b in pairwise(toks) if a in tokens and b in tokens)
            if tokens and len(toks) > 2 and all(positions):
                tokens.add("".join(toks))
            generic_tokens.append(tokens)
            weigh = self._skeleton_weight if mode == "abjad" else self._query_weight
            own.append(sum((weigh(t) for t in sorted(plain)), 0.0) if plain and tokens else 0.0)
            # two own words written together stand for both ("northstar" for "north star")
            credits.append(
                {
                    a + b: (weigh(a) + weigh(b)) / max(weigh(a + b), 1e-9)
                    for a, b in pairwise(toks)
                    if a in plain and b in plain
                }
            )
        if not any(own):
            return None
        flags = [token in generic_tokens[form] for form, token, _ in lookups]
        credit = [credits[form].get(token, 1.0) for form, token, _ in lookups]
        return flags, credit, [form for form, _, _ in lookups], own

    def _skeleton_weight(self, token: str) -> float:
        for derived in derived_keys(token):
            if derived.kind == "skeleton" and (kid := self.data.vocab.get(derived.key)) is not None:
                return float(self.data.idf[kid])
        return self._query_weight(token)

    def _query_weight(self, token: str) -> float:
        kid = self.data.vocab.get(token)
        return float(self.data.idf[kid]) if kid is not None else self._unknown

    def rank_rows(
        self, names: Iterable[str], schema: str = "LegalEntity"
    ) -> tuple[IntArray, FloatArray]:
        """Name rows sharing keys with any query name, with their rank (higher is better)."""
        name_forms, lookups = query_lookups(names, schema)
        generic = self._generic(name_forms, lookups, schema)
        return self._rank(name_forms, lookups, self._form_weights(name_forms), generic)

    def _rank(
        self,
        name_forms: list[tuple[tuple[str, ...], str]],
        lookups: list[tuple[int, str, str]],
        form_weights: list[float],
        generic: GenericWords | None = None,
    ) -> tuple[IntArray, FloatArray]:
        """:meth:`rank_rows` of the query's :func:`query_lookups` (``form_weights``: the
        weight of each form, :meth:`_form_weights`; ``generic``: :meth:`_generic`)."""
        kids: list[int] = []
        sims: list[float] = []
        #: one group per looked-up token of each form: a row gains once per group
        groups: list[int] = []
        #: the form of each group
        group_forms: list[int] = []
        for group, (form, token, token_mode) in enumerate(lookups):
            for kid, sim in self._token_matches(token, token_mode):
                kids.append(kid)
                sims.append(sim)
                groups.append(group)
            group_forms.append(form)
        if not kids:
            return np.empty(0, dtype=np.int32), np.empty(0)
        unique, inverse, weights, row_groups = self._gather(kids, sims, groups)
        if generic is not None:
            weights = _scale_generic(generic, inverse, weights, row_groups, len(unique))
        gained = np.bincount(inverse, weights=weights)
        power = self.params.name_norm_power
        qw = max(max(form_weights), 1e-6)
        norm = self.data.name_norm[unique].astype(np.float64)
        rank = np.minimum(gained / qw, 1.0) * (qw / np.maximum(norm, qw)) ** power
        for weight, members in self.syllable_readings(name_forms, lookups):
            # a Hangul name read by its syllables joined: a row ranks by the share of that
            # reading's weight it covers (the groups of the words and the syllables it keeps)
            inside = np.zeros(len(lookups), dtype=bool)
            inside[members] = True
            read = inside[row_groups]
            share = np.bincount(inverse[read], weights=weights[read], minlength=len(unique))
            by_reading = (
                np.minimum(share / weight, 1.0) * (weight / np.maximum(norm, weight)) ** power
            )
            np.maximum(rank, by_reading, out=rank)
        if len(set(form_weights)) > 1:
            # the forms weigh differently ("X.Y.E. Corp" is "xye" as a company, four parts as
            # a person): a row covering a lighter form is ranked by that form too
            fw = np.maximum(np.array(form_weights, dtype=np.float64), 1e-6)
            forms = np.array(group_forms, dtype=np.int64)[row_groups]
            pair = forms * len(unique) + inverse
            pairs, pair_inverse = _unique_inverse(pair)
            share = np.bincount(pair_inverse, weights=weights / fw[forms])
            pair_rows, pair_fw = pairs % len(unique), fw[pairs // len(unique)]
            by_form = (
                np.minimum(share, 1.0) * (pair_fw / np.maximum(norm[pair_rows], pair_fw)) ** power
            )
            np.maximum.at(rank, pair_rows, by_form)
        return unique, rank

    def candidates(
        self,
        names: Iterable[str],
        identifiers: Iterable[str] = (),
        sources: Collection[str] | None = None,
        limit: int | None = None,
        schema: str = "LegalEntity",
        allowed: npt.NDArray[np.bool_] | None = None,
        trace: RetrievalTrace | None = None,
    ) -> list[Candidate]:
        """The entities most likely to match, best first (identifier matches lead). Only
        entities of ``sources`` and, when given, those ``allowed`` (a mask over the entities)
        are candidates: filters are applied before the ranking is cut. ``trace`` receives
        what the search saw."""
        data, params = self.data, self.params
        names = list(names)
        limit = params.max_candidates if limit is None else limit
        source_mask = self._source_mask(sources)
        if source_mask is not None:
            by_source = source_mask[data.entity_source]
            allowed = by_source if allowed is None else allowed & by_source
        out: dict[int, float] = {}
        for value in identifiers:
            for idx in data.identifiers.get(identifier_key(value), ()):
                if allowed is None or allowed[idx]:
                    out[idx] = float("inf")
        name_forms, lookups = query_lookups(names, schema)
        form_weights = self._form_weights(name_forms)
        generic = self._generic(name_forms, lookups, schema)
        rows, rank = self._rank(name_forms, lookups, form_weights, generic)
        if trace is not None:
            trace.rows, trace.rank, trace.allowed = rows, rank, allowed
            # the lightest weight a row's rank is divided by: the forms' and the readings'
            weights = form_weights + self._reading_weights(name_forms, lookups)
            trace.weight = min(weights, default=0.0)
        if len(rows):
            keep = rank >= params.min_coverage
            if allowed is not None:
                keep &= allowed[data.name_entity[rows]]
            rows, rank = rows[keep], rank[keep]
            order = (-rank).argsort(kind="stable")
            texts = QueryTexts(names, schema, [toks for toks, _ in name_forms])
            if trace is not None:
                trace.texts = texts
            self._take_ranked(texts, rows[order], rank[order], limit, out)
        if trace is not None:
            trace.capped = len(out) >= limit
        return [Candidate(i, data.entity_ids[i], r) for i, r in out.items()]

    def band(
        self, trace: RetrievalTrace, low: float, high: float, exclude: set[int]
    ) -> dict[int, float]:
        """The entities (not in ``exclude``) whose rows ranked in ``[low, high)`` in a traced
        search pass the text check (with the query's names as that search read them), each
        with its best such rank: what a small move of the ranks could make candidates."""
        data = self.data
        rows, rank, texts = trace.rows, trace.rank, trace.texts
        if not len(rows) or texts is None:
            return {}
        keep = (rank >= low) & (rank < high)
        if trace.allowed is not None:
            keep &= trace.allowed[data.name_entity[rows]]
        rows, rank = rows[keep], rank[keep]
        entities = data.name_entity[rows]
        if exclude and len(rows):
            keep = np.array([int(e) not in exclude for e in entities.tolist()], dtype=bool)
            rows, rank, entities = rows[keep], rank[keep], entities[keep]
        if not len(rows):
            return {}
        passed = self._text_similar(texts, rows)
        out: dict[int, float] = {}
        for entity, value in zip(entities[passed].tolist(), rank[passed].tolist(), strict=True):
            if value > out.get(entity, -1.0):
                out[entity] = value
        return out

    def passes_text(self, names: list[str], schema: str, rows: IntArray) -> npt.NDArray[np.bool_]:
        """Which of ``rows`` pass the text check for the query names (as in a search)."""
        return self._text_similar(QueryTexts(names, schema), rows)

    def passes_texts(self, texts: QueryTexts, rows: IntArray) -> npt.NDArray[np.bool_]:
        """:meth:`passes_text` for query names already read (:class:`QueryTexts`)."""
        return self._text_similar(texts, rows)

    def form_weights(self, names: list[str], schema: str) -> list[float]:
        """The weight of each form of each query name, and of each syllable reading, as
        :meth:`rank_rows` divides by."""
        forms, lookups = query_lookups(names, schema)
        return self._form_weights(forms) + self._reading_weights(forms, lookups)

    def _form_weights(self, name_forms: list[tuple[tuple[str, ...], str]]) -> list[float]:
        return [self._form_weight(toks, mode) for toks, mode in name_forms]

    def _reading_weights(
        self, name_forms: list[tuple[tuple[str, ...], str]], lookups: list[tuple[int, str, str]]
    ) -> list[float]:
        return [weight for weight, _ in self.syllable_readings(name_forms, lookups)]

    def syllable_readings(
        self,
        name_forms: list[tuple[tuple[str, ...], str]],
        lookups: list[tuple[int, str, str]],
    ) -> list[tuple[float, list[int]]]:
        """Each form of a name in Hangul read with its adjacent syllables joined where the
        joined syllables are a word of the index ("da hi ya sin ah mad" -> "dahi yasin ahmad":
        a foreign name written syllable by syllable), when any are: the weight of that reading
        (its words and the syllables left apart) and the groups of ``lookups`` that look them
        up. A row with those words covers the reading, where the syllables and their pairs
        together weigh about twice what it gains. Syllables are joined left to right."""
        out: list[tuple[float, list[int]]] = []
        if all(mode != SYLLABLES for _, mode in name_forms):
            return out
        group_of: dict[tuple[int, str], int] = {}
        for group, (form, token, _) in enumerate(lookups):
            group_of.setdefault((form, token), group)
        for form, (toks, mode) in enumerate(name_forms):
            if mode != SYLLABLES or len(toks) < 2:
                continue
            parts: list[str] = []
            pos, joined = 0, False
            while pos < len(toks):
                pair = toks[pos] + toks[pos + 1] if pos + 1 < len(toks) else ""
                if pair and self._is_token(pair):
                    parts.append(pair)
                    pos, joined = pos + 2, True
                else:
                    parts.append(toks[pos])
                    pos += 1
            members = [group_of[(form, part)] for part in dict.fromkeys(parts)]
            if joined:
                weight = sum((self._query_weight(part) for part in sorted(set(parts))), 0.0)
                out.append((max(weight, 1e-6), members))
        return out

    def _is_token(self, value: str) -> bool:
        """Whether ``value`` is a word of some name of the index (not a key of another kind)."""
        tokens = self.data.tokens
        pos = bisect_right(tokens, value) - 1
        return pos >= 0 and tokens[pos] == value

    def _take_ranked(
        self,
        texts: QueryTexts,
        rows: IntArray,
        rank: FloatArray,
        limit: int,
        out: dict[int, float],
    ) -> None:
        """Add the entities of ``rows`` (best rank first) that pass the text check to ``out``,
        until ``limit`` entities or a rank below the relative cutoff of the best passing row.

        Rows are text-checked a slice at a time: most queries fill their candidates from the
        first rows, and the rest need no check."""
        # plain lists: the loop reads single values, which numpy would box one by one
        entities: list[int] = self.data.name_entity[rows].tolist()
        ranks: list[float] = rank.tolist()
        lowered = [-value for value in ranks]
        cutoff = self.params.relative_cutoff
        best = -1.0
        start, step = 0, TEXT_CHECK_SLICE
        while start < len(ranks) and len(out) < limit:
            end = min(start + step, len(ranks))
            if best >= 0:
                # rows ranked below the cutoff are never taken: they need no check
                end = min(end, bisect_right(lowered, -best * cutoff))
                if end <= start:
                    return
            # nor do the other names of an entity already taken
            positions = [p for p in range(start, end) if entities[p] not in out]
            passed = self._text_similar(texts, rows[np.array(positions, dtype=np.int64)])
            for pos, ok in zip(positions, passed.tolist(), strict=True):
                if not ok:
                    continue
                value = ranks[pos]
                if best < 0:
                    best = value
                if len(out) >= limit or value < best * cutoff:
                    return
                out.setdefault(entities[pos], value)
            start, step = end, step * 2

    def _text_similar(self, query: QueryTexts, rows: IntArray) -> npt.NDArray[np.bool_]:
        """Rows whose normalised text, the phonetic keys of their tokens, or their text without
        spaces are close enough to a query name's (rapidfuzz, in C): spares the scorer most
        rows that share a word or two only. Where either side is in a syllabic script (one
        token per syllable), the text without spaces may also be contained in the other.

        A row passes on any one reading: each reading is computed only for the rows no
        earlier one passed, the most permissive (sound) first."""
        data, cutoff = self.data, self.params.min_text_similarity
        if not len(rows) or cutoff <= 0:
            return np.ones(len(rows), dtype=bool)
        # plain lists: a few dozen rows, where numpy's per-call cost would dominate. Scores
        # are compared after rounding to whole numbers, so only containment has a rapidfuzz
        # score cutoff of its own
        ids: list[int] = rows.tolist()
        passed = [False] * len(ids)
        sounds = [data.name_sound[r] for r in ids]
        still = _reading(
            query.sounds, range(len(ids)), sounds, fuzz.token_set_ratio, 0, cutoff, passed
        )
        texts = [data.name_text[ids[i]] for i in still]
        still = _reading(query.texts, still, texts, fuzz.token_set_ratio, 0, cutoff, passed)
        # text without spaces ("bluestar" / "blue star trading")
        joined = {i: data.name_text[ids[i]].replace(" ", "") for i in still}
        still = _reading(query.joined, still, list(joined.values()), fuzz.ratio, 0, cutoff, passed)
        if still and query.skeletons:
            # a name in an abjad: the same consonant skeletons, word for word
            bare = [skeleton_text(tuple(data.name_text[ids[i]].split())) for i in still]
            similar = SKELETON_SIMILARITY
            still = _reading(
                query.skeletons, still, bare, fuzz.token_sort_ratio, 0, similar, passed
            )
        if not still:
            return np.array(passed, dtype=bool)
        syllabic: list[bool] = (
            [True] * len(still)
            if query.syllabic
            else data.name_syllabic[np.array([ids[i] for i in still], dtype=np.int64)].tolist()
        )
        if max(map(len, query.joined), default=0) >= MIN_CONTAINED_LEN:
            # a query written together that a longer name contains ("blue star" in "shenzhen
            # bluestar digital technology"): near-containment counts. Not for syllabic rows:
            # their own, looser containment check below passes whatever this one passes
            others = [i for i, y in zip(still, syllabic, strict=True) if not y]
            contained = [joined[i] for i in others]
            similar = CONTAINED_SIMILARITY
            _reading(query.joined, others, contained, fuzz.partial_ratio, similar, cutoff, passed)
        written = [i for i, y in zip(still, syllabic, strict=True) if y]
        contained = [joined[i] for i in written]
        _reading(query.joined, written, contained, fuzz.partial_ratio, 0, cutoff, passed)
        return np.array(passed, dtype=bool)

    def _source_mask(self, sources: Collection[str] | None) -> npt.NDArray[np.bool_] | None:
        if sources is None:
            return None
        wanted = set(sources)
        return np.array([s in wanted for s in self.data.sources] or [False], dtype=bool)


def _scale_generic(
    generic: GenericWords,
    inverse: LongArray,
    weights: FloatArray,
    row_groups: LongArray,
    rows: int,
) -> FloatArray:
    """``weights`` with what a row gains from the generic words of a form
    (:meth:`IndexSearcher._generic`) scaled by the share of that form's own words the row
    gains: a row sharing only "technology" or the syllables of 科技 gains nothing from them,
    one sharing the brand gains them in full, and in between by the square of the share
    (:data:`GENERIC_SHARE_POWER`)."""
    flags, credit, group_forms, own = generic
    is_generic = np.array(flags, dtype=bool)[row_groups]
    if not is_generic.any():
        return weights
    forms = np.array(group_forms, dtype=np.int64)[row_groups]
    own_weight = np.array(own, dtype=np.float64)
    pair = inverse * len(own) + forms
    mine = np.bincount(
        pair,
        weights=np.where(is_generic, 0.0, weights * np.array(credit)[row_groups]),
        minlength=rows * len(own),
    )
    form_own = own_weight[forms]
    share = np.where(form_own > 0, np.minimum(mine[pair] / np.maximum(form_own, 1e-9), 1.0), 1.0)
    return np.where(is_generic, weights * share**GENERIC_SHARE_POWER, weights)


def skeleton_text(toks: tuple[str, ...]) -> str:
    """The consonant skeletons of a name's tokens, joined by spaces."""
    return " ".join(skeleton(t) for t in toks)


def _reading(
    texts: list[str],
    rows: Iterable[int],
    choices: list[str],
    scorer: TextScorer,
    score_cutoff: float,
    cutoff: float,
    passed: list[bool],
) -> list[int]:
    """One reading of the text check: ``choices`` (the texts of ``rows``, positions into
    ``passed``) scored against the query's ``texts`` (rapidfuzz, in C; ``score_cutoff`` 0 for
    none); the rows whose best score reaches ``cutoff`` are marked passed, the others are
    returned."""
    if not choices:
        return []
    found = process.cdist(
        texts, choices, scorer=scorer, score_cutoff=score_cutoff or None, dtype=np.uint8
    )
    # the ufunc, not the array's ``max``: that one is a Python-level wrapper
    best: list[int] = (found[0] if len(found) == 1 else np.maximum.reduce(found)).tolist()
    still: list[int] = []
    for i, value in zip(rows, best, strict=True):
        if value >= cutoff:
            passed[i] = True
        else:
            still.append(i)
    return still


def _unique_inverse(values: LongArray) -> tuple[LongArray, LongArray]:
    """``np.unique(values, return_inverse=True)`` (the distinct values, sorted, and the
    position of each value among them) with array methods: numpy's function is Python-level,
    and costs more than the sort on a query's few hundred values."""
    order = values.argsort()
    ordered = values[order]
    new = np.empty(len(ordered), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = new.cumsum() - 1
    return ordered[new], inverse


def known_hashes(data: IndexData) -> bytes:
    """A filter of the hashes of the one-edit lookup (``data.delete_hash``) and of every key
    of the vocabulary: bit ``h >> 8`` is set for each such hash ``h`` (one bit per 256
    hashes, 2 MB). A variant whose bit is clear is neither a token's variant nor a key."""
    keys = np.array([variant_hash(k) for k in data.vocab], dtype=np.uint32)
    slots = np.concatenate([data.delete_hash.astype(np.uint32), keys]) >> _SLOT
    bits = np.zeros(1 << (HASH_FILTER_BITS - 3), dtype=np.uint8)
    np.bitwise_or.at(bits, slots >> 3, np.left_shift(1, slots & 7).astype(np.uint8))
    return bits.tobytes()
