"""What asset screening needs of a store, worked out once per store state and kept on disk.

The MAC registry (every assignment of the ``ieee-oui`` source) and, for every organisation it
names, the listed makers that organisation points at: the registry holds some 26,000
organisations, and matching each against the lists takes a minute on one core, so the table is
made once per state of the store (in worker processes) and saved beside the name index, like
it. A later screening loads it in a fraction of a second and matches no registered name again.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from clearance.errors import NotFoundError
from clearance.exposure.assets import AssetColumns, AssetScreener, identify_organisation
from clearance.exposure.equipment import equipment
from clearance.exposure.mac import Assignment, MacRegistry
from clearance.exposure.makers import Maker, MakerFinder, MakerLink
from clearance.exposure.parallel import ordered_map
from clearance.exposure.service import PACKAGE_ROOT, code_fingerprint, ensure_graph
from clearance.index import SearchParams
from clearance.index.persist import save_pickle
from clearance.match.scorer import Matcher
from clearance.model import Entity
from clearance.screen import Screener
from clearance.settings import Settings
from clearance.sources.ieee import SOURCE_ID as IEEE_SOURCE
from clearance.store import Store

TABLES_FORMAT = 1
PREFIX = "assets-"
SUFFIX = ".pkl"


@dataclass
class AssetTables:
    registry: MacRegistry
    #: organisation -> makers, only for the organisations that point at one
    orgs: dict[str, tuple[MakerLink, ...]]


def assignments_of(entities: Iterable[Entity]) -> Iterator[Assignment]:
    """The registry assignments of stored ``ieee-oui`` entities."""
    for entity in entities:
        record = entity.record
        countries = entity.get("country")
        yield Assignment(
            registry=str(record.get("registry", "")),
            prefix=str(record.get("assignment", "")),
            organization=str(record.get("organization", entity.caption)),
            address=str(record.get("address", "")),
            country=countries[0] if countries else "",
            entity_id=entity.id,
        )


def tables_path(directory: Path, state_key: str, profile: str) -> Path:
    key = f"{TABLES_FORMAT}:{code_fingerprint(PACKAGE_ROOT)}:{state_key}:{profile}"
    return directory / f"{PREFIX}{hashlib.sha256(key.encode()).hexdigest()[:24]}{SUFFIX}"


def identify_all(finder: MakerFinder, organisations: list[str], workers: int) -> AssetTables:
    """Every organisation's makers (in ``workers`` processes), keeping those with any."""

    def chunk_links(chunk: list[str]) -> list[tuple[str, tuple[MakerLink, ...]]]:
        return [(name, identify_organisation(finder, name)) for name in chunk]

    found = ordered_map(chunk_links, organisations, workers, chunk_size=250)
    return AssetTables(MacRegistry(), {name: links for name, links in found if links})


def ensure_tables(
    store: Store, settings: Settings, finder: MakerFinder, profile: str, workers: int
) -> AssetTables:
    """The tables of the store's current state: loaded if saved, else made and saved."""
    target = tables_path(settings.index_dir, store.state_key(), profile)
    try:
        with target.open("rb") as fh:
            data = pickle.load(fh)
        if isinstance(data, AssetTables):
            return data
    except FileNotFoundError:
        pass
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        target.unlink(missing_ok=True)
    registry = MacRegistry(assignments_of(store.iter_entities([IEEE_SOURCE])))
    names = sorted({a.organization for items in registry.by_prefix.values() for a in items})
    tables = identify_all(finder, names, workers)
    tables.registry = registry
    save_pickle(tables, target, f"{PREFIX}*{SUFFIX}")
    return tables


def open_assets(
    store: Store,
    settings: Settings,
    profile: str | None = None,
    columns: AssetColumns | None = None,
    workers: int = 1,
) -> AssetScreener:
    """An asset screener over the store's lists, registries and ownership graph."""
    name = profile or settings.profile
    screener = Screener.from_store(store, settings, name)
    matcher = Matcher(name)
    data = equipment()
    known: dict[str, Maker] = {}
    for maker_id in sorted(data.makers):
        try:
            known[maker_id] = Maker.of(store.get_entity(maker_id))
        except NotFoundError:
            continue  # a bundled list left out of this store: its entries give no evidence
    # each value of the data file cast to its field's type, read off a default instance (the
    # class's own attributes are descriptors, not defaults, in the compiled build)
    defaults = SearchParams()
    params = SearchParams(
        **{k: type(getattr(defaults, k))(v) for k, v in data.registry_search.items()}
    )
    finder = MakerFinder(
        search=screener,
        registry_search=Screener(screener.index, screener.scorer, params, name),
        graph=ensure_graph(store, settings.index_dir),
        data=data,
        known=known,
        compare=lambda left, company: matcher.compare(left, company, "Organization"),
    )
    tables = ensure_tables(store, settings, finder, name, workers)
    return AssetScreener(
        finder=finder,
        registry=tables.registry,
        data=data,
        name_threshold=screener.scorer.threshold,
        columns=columns or AssetColumns(),
        orgs=dict(tables.orgs),
        complete=True,
    )
