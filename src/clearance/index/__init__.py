"""Candidate retrieval: build, query and persist the name index."""

from clearance.index.build import IndexData, build_index
from clearance.index.persist import EntityStore, ensure_index, load_index, save_index
from clearance.index.search import Candidate, IndexSearcher, SearchParams

__all__ = [
    "Candidate",
    "EntityStore",
    "IndexData",
    "IndexSearcher",
    "SearchParams",
    "build_index",
    "ensure_index",
    "load_index",
    "save_index",
]
