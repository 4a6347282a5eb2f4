"""The statutory US lists that have no machine-readable feed, bundled as curated YAML.

NDAA FY2019 section 889, the FCC Covered List, the DoD section 1260H list and DHS's UFLPA
Entity List are published as statute text, web pages, PDFs and Federal Register notices.
clearance ships its own data files for them, written from those publications, under
``clearance/data/statutory/<source id>.yaml`` (the header of each file documents its fields).
They are bundled sources: every store activates them and re-imports a file when its hash
changes, so no download is needed.

read -> map as for every source: :func:`load_file` (``listfile.py``) parses and strictly
validates a file into typed records (:class:`ListFile`, :class:`Party`); :func:`to_entity`
maps a party to the common model. Each edition may state how many entries the publication
counts (``count``): :func:`edition_counts` counts what the file holds in force on that date, so
a test holds the data to the documents it cites, and an edition the file does not hold
completely (``complete: false``) says how many entries are missing in the version's stats.
An edition may also state how many entries it added (``added``): :func:`edition_additions`
says how many of those the file holds, so what is missing is known notice by notice. A
file that breaks the structure raises :class:`ParseError` naming the file and the entry, so a
bad edit never reaches a store.
"""

from __future__ import annotations

import datetime
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from clearance.errors import ParseError
from clearance.model import Entity, Listing
from clearance.sources.base import Dataset, Gates, Source, unique_ids
from clearance.sources.common import find_file, hash_files
from clearance.sources.statutory.listfile import (
    DATA_FOLDER,
    FORMAT,
    ListFile,
    Party,
    edition_additions,
    edition_counts,
    load_file,
)

__all__ = ["StatutorySource", "edition_additions", "edition_counts", "load_file", "to_entity"]

# -- map ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """The raw YAML value with dates as ISO text, for the entity's audit record."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def to_entity(party: Party, header: ListFile) -> Entity:
    """Map a validated party to the common model, one Listing per listing period."""
    entity = Entity(source=header.source, source_id=party.id, schema=party.schema)
    for value, kind, lang in party.names:
        entity.add_name(value, kind, lang)
    entity.add("country", party.countries)
    entity.add("topics", header.topics)
    entity.add("sourceUrl", party.source_url)
    notes = [party.notes] if party.notes else []
    if party.parent:
        notes.append(f"Parent named by the list: {party.parent}.")
    entity.add("notes", " ".join(notes) or None)
    programs = ((header.program,) if header.program else ()) + party.categories
    entity.listings = [
        Listing(
            list=header.list_code,
            effect=header.effect,
            programs=programs,
            start=period.start,
            end=period.end,
            authority=header.authority,
            reason=party.reason,
            url=party.source_url,
        )
        for period in party.periods
    ]
    record = _plain(dict(party.raw))
    record["active"] = party.active
    record.setdefault("source_document", header.source_document)
    entity.record = record
    return entity


# -- sources --------------------------------------------------------------------------------


class StatutorySource(Source):
    """A list bundled with clearance as a curated YAML file (no download)."""

    bundled: ClassVar[bool] = True
    base_url: ClassVar[str] = ""
    remote_files: ClassVar[tuple[str, ...]] = ()
    formats: ClassVar[tuple[str, ...]] = (FORMAT,)

    @property
    def file_name(self) -> str:
        return f"{self.id}.yaml"

    def default_files(self) -> tuple[Path, ...]:
        """The package data file of this list, as a real filesystem path."""
        traversable = resources.files("clearance").joinpath(*DATA_FOLDER, self.file_name)
        return (Path(str(traversable)),)

    def read(self, path: Path) -> Dataset:
        """Read this list's YAML file, or the folder holding ``<source id>.yaml``."""
        path = Path(path)
        if path.is_dir():
            found = find_file(path, self.file_name, f"{self.id}.yml")
            if found is None:
                raise ParseError(str(path), None, f"the folder has no {self.file_name}")
            path = found
        if not path.is_file():
            raise ParseError(str(path), None, "no such file")
        header = load_file(path, self.id)
        entities = [to_entity(party, header) for party in header.parties]
        unique_ids(self.id, str(path), entities)
        active = sum(1 for party in header.parties if party.active)
        stats = {"entities": len(entities), "active": active, "inactive": len(entities) - active}
        for entity in entities:
            stats[entity.schema] = stats.get(entity.schema, 0) + 1
        if header.equipment_classes:
            stats["equipment_classes"] = len(header.equipment_classes)
        counted = edition_counts(header)
        if counted:  # what the latest publication states, and what this file lacks of it
            edition, held = counted[-1]
            stats["stated"] = edition.count or 0
            if not edition.complete:
                stats["missing"] = max(0, (edition.count or 0) - held)
        return Dataset(
            source=self.id,
            entities=entities,
            format=FORMAT,
            published=header.published,
            files=(path,),
            content_hash=hash_files([path]),
            stats=stats,
        )


class Ndaa889Source(StatutorySource):
    id = "us-ndaa-889"
    title = "NDAA FY2019 section 889 covered companies"
    gates = Gates(min_entities=5, max_shrink=0.0)


class FccCoveredSource(StatutorySource):
    id = "us-fcc-covered"
    title = "FCC Covered List"
    gates = Gates(min_entities=10)


class Dod1260hSource(StatutorySource):
    id = "us-dod-1260h"
    title = "DoD section 1260H Chinese military companies"
    gates = Gates(min_entities=150)


class UflpaSource(StatutorySource):
    id = "us-dhs-uflpa"
    title = "DHS UFLPA Entity List (Uyghur Forced Labor Prevention Act)"
    gates = Gates(min_entities=20)
