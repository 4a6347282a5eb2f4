"""The versioned local store: every version of every list, one active per source.

``Store.open(settings)`` opens (or creates) the SQLite store in ``settings.home`` and makes
the bundled lists active. See ``sqlite.py`` for the design.
"""

from clearance.store.info import HistoryEvent, Origin, VersionInfo
from clearance.store.sqlite import Store

__all__ = ["HistoryEvent", "Origin", "Store", "VersionInfo"]
