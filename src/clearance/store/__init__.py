"""The versioned store: every version of every list, one active per source, and what the
service keeps beside them (keys, users, the book, alerts, the audit chain).

``Store.open(settings)`` opens (or creates) the store ``settings`` name: a SQLite file in
``settings.home``, or a PostgreSQL database (``CLEARANCE_DATABASE_URL``). The two backends
implement one contract (``base.py``); the store's SQL is written once over it. The bundled
lists are synced by the catalog (``catalog.open_store``), not by the store.
"""

from clearance.store.base import Connection
from clearance.store.info import HistoryEvent, Origin, VersionInfo
from clearance.store.schema import open_database
from clearance.store.versions import Store

__all__ = ["Connection", "HistoryEvent", "Origin", "Store", "VersionInfo", "open_database"]
