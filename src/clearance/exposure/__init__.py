"""Exposure beyond the name: ownership (OFAC 50% rule, BIS Affiliates Rule) and equipment.

The screening path calls one thing of this package: the :class:`Exposure` it is given as its
annotator (``Screener.annotator``), whose ``annotate(hits, as_of)`` adds to each hit what the
party takes through its owners. :func:`open_screener` opens a screener with it attached, and
:func:`refresh` brings the persisted index and ownership graph up to the store's state.
"""

from __future__ import annotations

from clearance.catalog import open_store
from clearance.exposure.service import Exposure, ensure_graph, parse_day
from clearance.index.search import SearchParams
from clearance.screen import Screener, refresh_index
from clearance.settings import Settings
from clearance.store import Store

__all__ = [
    "Exposure",
    "ensure_graph",
    "open_screener",
    "parse_day",
    "refresh",
    "screener_from_store",
]


def screener_from_store(
    store: Store,
    settings: Settings,
    profile: str | None = None,
    params: SearchParams | None = None,
) -> Screener:
    """A screener over an open store whose hits carry their findings through ownership
    (``params``: how wide retrieval casts its net; default: the index's)."""
    screener = Screener.from_store(store, settings, profile, params)
    screener.annotator = Exposure.from_store(store, settings)
    return screener


def open_screener(settings: Settings, profile: str | None = None) -> Screener:
    """Like ``Screener.open``, with findings through ownership."""
    with open_store(settings) as store:
        return screener_from_store(store, settings, profile)


def refresh(store: Store, settings: Settings) -> None:
    """Bring the persisted name index and ownership graph up to the store's state (after a
    load, an update or an ownership import), so the next screening starts at once."""
    refresh_index(store, settings)
    ensure_graph(store, settings.index_dir)
