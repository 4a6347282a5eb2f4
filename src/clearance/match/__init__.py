"""Name matching: features that each return a score and a reason, and the scorer.

Public API (implemented in ``match/scorer.py``)::

    matcher = Matcher(profile="balanced")          # profiles from data/profiles.yaml
    compiled = matcher.prepare(entity)              # entity-side work, once per entity
    result = matcher.score(query, compiled)         # Query x Entity -> MatchResult
    result = matcher.compare("a", "b", "Person")    # name x name -> MatchResult

Layers, each pure:

- ``tokens``: similarity of two name parts (exact, nickname, romanisation, initial,
  transposition, vowel spelling, edit distance, phonetic key) with the reason;
- ``names``: one-to-one alignment of the parts of two compiled names (identical parts first),
  merged spellings ("sea lion" / "sealion"), acronyms, whole-name transliteration and native
  script comparison; numbers and legal forms adjust;
- ``qualifiers``: schema, birth date, country, gender, identifiers (profile weights), each a
  reading a profile declares by name in ``data/profiles.yaml``;
- ``readings``: the name readings a profile picks (``name_algorithm``): names aligned part
  by part (weights in ``data/name_weights.yaml``), or ``ofac``, the OFAC Sanctions List
  Search emulation of ``ofac``;
- ``explain``: the readable reasons; ``compiled``: listed entities compiled once;
- ``scorer``: the one scoring path: the profile's name reading, then its qualifiers.
"""
