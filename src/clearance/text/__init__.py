"""Pure text functions: script detection, normalisation, transliteration, legal forms.

``normalize`` (``text/normalize.py``) is the one entry point for list data and queries alike;
``name_forms`` / ``name_keys`` (``text/keys.py``) compile a name for matching and indexing on
top of it: tokens without titles or legal forms, weights, numbers, legal-form classes,
phonetic keys, loose spellings and consonant skeletons (``text/spelling.py``).
"""
