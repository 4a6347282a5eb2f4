"""Pure text functions: script detection, normalisation, transliteration, legal forms."""
