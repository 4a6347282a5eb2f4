"""Name matching: features that each return a score and a reason, and the scorer.

Public API (implemented in ``match/scorer.py``)::

    matcher = Matcher(profile="balanced")          # profiles from data/profiles.yaml
    result = matcher.score(query, entity)           # Query x Entity -> MatchResult
    result = matcher.compare("a", "b", "Person")    # name x name -> MatchResult
"""
