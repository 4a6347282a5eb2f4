"""FollowTheMoney (FtM) data: JSON lines entity exports, delta files, ``targets.simple.csv``.

read -> map: :func:`read_entities` parses JSON lines into :class:`FtmRecord`, :func:`fold`
maps them to :class:`~clearance.model.Entity` with id ``ftm:<dataset>:<FtM id>``.

Each dataset is a source of its own, ``ftm:<dataset>`` (``ftm_names.py`` says how a file's
dataset is named): several datasets are active side by side, each with its own versions.
``clearance load ftm FILE`` names the dataset from the data; ``ftm:<dataset>`` (or
``--dataset``) names it outright.

Only screenable "things" become entities (``data/ftm.yaml``: Person, Company, Organization,
LegalEntity, PublicBody as Organization, Vessel, Airplane). The other schemata are folded into
the things they point at:

* ``Sanction`` -> a :class:`~clearance.model.Listing` on its ``entity`` (list code from the
  sanction's dataset where it is an official list clearance knows, else ``OPENSANCTIONS``).
  A target without any Sanction record gets one listing from its datasets.
* ``Address`` -> an ``address`` string (and ``country``) on every thing whose ``addressEntity``
  names it.
* ``Identification`` / ``Passport`` -> ``idNumber`` / ``passportNumber`` on the holder.
* Edges (``Ownership``, ``Directorship``, ``Family``...) -> ``record["relations"]`` on both
  ends: ``{"id", "schema", "source", "target", <source prop>, <target prop>, "percentage",
  "role", "start", "end"}`` with entity ids (``ftm:<dataset>:...``): the 50% ownership rule
  needs them.

Every raw FtM entity folded into a thing is kept in ``record["adjuncts"]``, the thing itself in
``record["ftm"]``: that makes the mapping reversible, which :func:`apply_delta` relies on.

Deltas (``{"op": "ADD"|"MOD"|"DEL", "entity": {...}}`` per line) need the version they apply
to. :func:`apply_delta` is a pure function from the previous version's entities and a delta
file to the new entity list (:meth:`FtmSource.read_delta` wraps it into a complete Dataset for
the store); :meth:`FtmSource.read` applies deltas itself when given a folder
holding one base export and ``*.delta.json`` files (applied in file name order), and refuses a
lone delta file with a message saying so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

import orjson

from clearance.errors import InputError, ParseError
from clearance.ftm_names import FTM, dataset_name, is_ftm, source_id
from clearance.model import Entity, Listing, NameKind
from clearance.reference import list_info, resolve_country
from clearance.sources.base import Dataset, Gates, Source, unique_ids
from clearance.sources.common import hash_files, read_text
from clearance.sources.csl import list_code as csl_list_code
from clearance.sources.ftm_targets import is_targets_header, map_target, read_targets
from clearance.sources.ftmdata import (
    dataset_list,
    documents,
    edges,
    schema_props,
    thing_schema,
)

SOURCE_ID = FTM
NAME_PROPS: tuple[NameKind, ...] = ("name", "alias", "weakAlias", "previousName")
DeltaKind = Literal["ADD", "MOD", "DEL"]
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_PROGRAM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9/_.-]{0,39}$")


@dataclass(frozen=True, slots=True)
class FtmRecord:
    """One FtM entity as read: the parsed fields plus the whole JSON object."""

    location: str
    id: str
    schema: str
    properties: dict[str, tuple[str, ...]]
    raw: dict[str, Any]

    def first(self, prop: str) -> str:
        values = self.properties.get(prop, ())
        return values[0] if values else ""


@dataclass(frozen=True, slots=True)
class DeltaOp:
    location: str
    op: DeltaKind
    entity_id: str
    #: the new entity for ADD and MOD, None for DEL
    record: FtmRecord | None


# -- read ---------------------------------------------------------------------------------


def parse_entity(obj: Any, path: str, location: str) -> FtmRecord:
    """Check one decoded FtM entity object and type it. ParseError if it is not one."""
    if not isinstance(obj, dict):
        raise ParseError(path, location, "expected an FtM entity object")
    entity_id, schema = obj.get("id"), obj.get("schema")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise ParseError(path, location, 'the entity has no "id"')
    if not isinstance(schema, str) or not schema.strip():
        raise ParseError(path, location, f'entity {entity_id} has no "schema"')
    raw_props = obj.get("properties", {})
    if not isinstance(raw_props, dict):
        raise ParseError(path, location, f'entity {entity_id}: "properties" is not an object')
    props: dict[str, tuple[str, ...]] = {}
    for prop, values in raw_props.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ParseError(path, location, f"entity {entity_id}: {prop} is not a list of text")
        props[str(prop)] = tuple(values)
    return FtmRecord(location, entity_id.strip(), schema.strip(), props, obj)


def _json_lines(path: Path) -> Iterable[tuple[str, Any]]:
    name = str(path)
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise ParseError(name, f"line {number}", f"not a JSON object ({exc})") from None


def read_entities(path: Path) -> list[FtmRecord]:
    """Read a JSON lines export of FtM entities."""
    name = str(path)
    records: list[FtmRecord] = []
    seen: set[str] = set()
    for location, obj in _json_lines(path):
        if isinstance(obj, dict) and "op" in obj:
            raise ParseError(name, location, "a delta line in an entity export")
        record = parse_entity(obj, name, location)
        if record.id in seen:
            raise ParseError(name, location, f"entity id {record.id} occurs twice")
        seen.add(record.id)
        records.append(record)
    return records


def read_delta(path: Path) -> list[DeltaOp]:
    """Read a delta file: one ``{"op": "ADD"|"MOD"|"DEL", "entity": {...}}`` per line."""
    name = str(path)
    ops: list[DeltaOp] = []
    for location, obj in _json_lines(path):
        if not isinstance(obj, dict) or obj.get("op") not in ("ADD", "MOD", "DEL"):
            raise ParseError(name, location, 'expected {"op": "ADD"|"MOD"|"DEL", "entity": ...}')
        op: DeltaKind = obj["op"]
        entity = obj.get("entity")
        if op == "DEL":
            entity_id = entity.get("id") if isinstance(entity, dict) else None
            if not isinstance(entity_id, str) or not entity_id:
                raise ParseError(name, location, "a DEL line without an entity id")
            ops.append(DeltaOp(location, op, entity_id, None))
        else:
            record = parse_entity(entity, name, location)
            ops.append(DeltaOp(location, op, record.id, record))
    return ops


def is_delta(path: Path) -> bool:
    """Whether ``path`` is a delta file (its first line is a JSON object with an ``op``)."""
    try:
        obj = orjson.loads(_first_line(path))
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and "op" in obj


# -- map ----------------------------------------------------------------------------------


@dataclass
class _Thing:
    entity: Entity
    adjuncts: dict[str, dict[str, Any]] = field(default_factory=dict)
    relations: list[dict[str, Any]] = field(default_factory=list)


def _map_thing(record: FtmRecord, schema: str, source: str) -> Entity:
    entity = Entity(source=source, source_id=record.id, schema=schema)
    for kind in NAME_PROPS:
        for value in record.properties.get(kind, ()):
            entity.add_name(value, kind)
    if not entity.names:
        caption = record.raw.get("caption")
        entity.add_name(caption if isinstance(caption, str) else None)
    allowed = schema_props(schema)
    for prop, values in record.properties.items():
        if prop in allowed:
            entity.add(prop, values)
    return entity


def _sanction_list(sanction: FtmRecord, datasets: Sequence[str]) -> str:
    for dataset in datasets:
        if dataset == "us_trade_csl":
            code = csl_list_code(sanction.first("program") or sanction.first("authority"))
            if code != "CSL":
                return code
        code = dataset_list(dataset) or ""
        if code:
            return code
    return "OPENSANCTIONS"


def _datasets(raw: dict[str, Any]) -> list[str]:
    datasets = raw.get("datasets")
    if not isinstance(datasets, list):
        return []
    return [d for d in datasets if isinstance(d, str)]


def sanction_listing(sanction: FtmRecord) -> Listing:
    props = sanction.properties
    code = _sanction_list(sanction, _datasets(sanction.raw))
    info = list_info(code)
    # the list's own program codes (``program`` also holds long titles: those stay in the
    # record) first, then OpenSanctions' program ids
    codes = [p for p in props.get("program", ()) if _PROGRAM_CODE.match(p)]
    programs = (*codes, *props.get("programId", ()))
    return Listing(
        list=code,
        effect=info.effect,
        programs=tuple(dict.fromkeys(p for p in programs if csl_list_code(p) != code)),
        start=(sanction.first("startDate") or sanction.first("listingDate"))[:10],
        end=sanction.first("endDate")[:10],
        authority="; ".join(props.get("authority", ())) or info.authority,
        reason="; ".join(props.get("reason", ()) or props.get("summary", ())),
        url=sanction.first("sourceUrl") or sanction.first("programUrl"),
    )


def _dataset_listings(record: FtmRecord, listed: set[str]) -> list[Listing]:
    """Listings from the datasets of a target: one per official list we know that no Sanction
    record already gave; the generic OPENSANCTIONS one if the target has no listing at all.
    The entity's programId mixes all its datasets, so it is used only for a single dataset."""
    datasets = _datasets(record.raw)
    codes = [c for c in dict.fromkeys(dataset_list(d) for d in datasets) if c and c not in listed]
    programs = record.properties.get("programId", ()) if len(datasets) == 1 else ()
    if not codes and not listed:
        authority = "OpenSanctions: " + ", ".join(datasets) if datasets else ""
        info = list_info("OPENSANCTIONS")
        return [Listing("OPENSANCTIONS", info.effect, programs, authority=authority)]
    return [
        Listing(code, list_info(code).effect, programs, authority=list_info(code).authority)
        for code in codes
    ]


def _address_text(address: FtmRecord) -> str:
    full = address.first("full")
    if full:
        return full
    parts = ("street", "postOfficeBox", "postalCode", "city", "region")
    return ", ".join(address.first(p) for p in parts if address.first(p))


def _fold_address(thing: _Thing, record: FtmRecord, by_id: dict[str, FtmRecord]) -> None:
    for address_id in record.properties.get("addressEntity", ()):
        address = by_id.get(address_id)
        if address is None or address.schema != "Address":
            continue
        thing.entity.add("address", _address_text(address))
        thing.entity.add(
            "country", [resolve_country(c) for c in address.properties.get("country", ())]
        )
        thing.adjuncts[address.id] = address.raw


def _relation(record: FtmRecord, source_prop: str, target_prop: str, prefix: str) -> dict[str, Any]:
    source, target = record.first(source_prop), record.first(target_prop)
    return {
        "id": record.id,
        "schema": record.schema,
        "source": f"{prefix}:{source}" if source else "",
        "target": f"{prefix}:{target}" if target else "",
        source_prop: f"{prefix}:{source}" if source else "",
        target_prop: f"{prefix}:{target}" if target else "",
        "percentage": record.first("percentage"),
        "role": record.first("role") or record.first("relationship"),
        "start": record.first("startDate"),
        "end": record.first("endDate"),
    }


def _fold_other(record: FtmRecord, things: dict[str, _Thing], source: str) -> None:
    """Fold one non-thing entity into the things it references."""
    edge = edges().get(record.schema)
    document = documents().get(record.schema)
    if record.schema == "Sanction":
        listing = sanction_listing(record)
        for target in record.properties.get("entity", ()):
            if target in things:
                thing = things[target]
                if listing not in thing.entity.listings:
                    thing.entity.listings.append(listing)
                thing.adjuncts[record.id] = record.raw
    elif document is not None:
        numbers = [n for prop in document.numbers for n in record.properties.get(prop, ())]
        for holder in record.properties.get(document.holder, ()):
            if holder in things:
                thing = things[holder]
                if document.prop in schema_props(thing.entity.schema):
                    thing.entity.add(document.prop, numbers)
                thing.adjuncts[record.id] = record.raw
    elif edge is not None:
        relation = _relation(record, *edge, source)
        for end in {record.first(edge[0]), record.first(edge[1])}:
            if end in things:
                things[end].relations.append(relation)
                things[end].adjuncts[record.id] = record.raw
    elif record.schema != "Address":
        linked = {v for values in record.properties.values() for v in values if v in things}
        for end in linked:
            things[end].adjuncts[record.id] = record.raw


def fold(records: Sequence[FtmRecord], source: str) -> list[Entity]:
    """Map FtM entities to entities of ``source`` (``ftm:<dataset>``), folding interstitial
    schemata in (see the module)."""
    by_id = {r.id: r for r in records}
    things: dict[str, _Thing] = {}
    for record in records:
        schema = thing_schema(record.schema)
        if schema is not None:
            things[record.id] = _Thing(_map_thing(record, schema, source))
    # folded records are taken in id order, so the result does not depend on the file order
    for record in sorted(records, key=lambda r: r.id):
        if record.id in things:
            _fold_address(things[record.id], record, by_id)
        else:
            _fold_other(record, things, source)
    entities: list[Entity] = []
    for entity_id, thing in things.items():
        record = by_id[entity_id]
        target = record.raw.get("target") is True
        if target:
            listed = {x.list for x in thing.entity.listings}
            thing.entity.listings.extend(_dataset_listings(record, listed))
        thing.entity.record = {
            "ftm": record.raw,
            "target": target,
            "datasets": _datasets(record.raw),
            "relations": thing.relations,
            "adjuncts": list(thing.adjuncts.values()),
        }
        if thing.entity.names:
            entities.append(thing.entity)
    return entities


# -- deltas -------------------------------------------------------------------------------


def apply_delta_records(records: Sequence[FtmRecord], ops: Sequence[DeltaOp]) -> list[FtmRecord]:
    """The FtM entities after a delta: ADD and MOD put the entity, DEL removes it."""
    by_id = {r.id: r for r in records}
    for op in ops:
        if op.record is None:
            by_id.pop(op.entity_id, None)
        else:
            by_id[op.entity_id] = op.record
    return list(by_id.values())


def base_records(entities: Iterable[Entity]) -> list[FtmRecord]:
    """Recover the raw FtM entities behind mapped entities (their record and adjuncts)."""
    raws: dict[str, dict[str, Any]] = {}
    for entity in entities:
        raw = entity.record.get("ftm")
        if not is_ftm(entity.source) or not isinstance(raw, dict):
            raise InputError(
                f"Cannot apply an FtM delta to {entity.id}: it was not read from FtM entity data."
            )
        for item in (raw, *entity.record.get("adjuncts", ())):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                raws.setdefault(item["id"], item)
    return [parse_entity(raw, "previous version", f"entity {key}") for key, raw in raws.items()]


def apply_delta(base_entities: Sequence[Entity], delta_path: Path) -> list[Entity]:
    """The entities of the version that ``delta_path`` produces from ``base_entities``.

    Pure apart from reading the delta file. ``base_entities`` are entities this module mapped
    (the active version in the store); raw entities that were folded into nothing (an Address
    no thing refers to) are not kept by the mapping, so a later delta cannot revive them.
    """
    ops = read_delta(delta_path)
    sources = {entity.source for entity in base_entities}
    if len(sources) != 1:
        raise InputError("An FtM delta applies to the entities of one dataset at a time.")
    return fold(apply_delta_records(base_records(base_entities), ops), sources.pop())


# -- source -------------------------------------------------------------------------------


def _first_line(path: Path) -> str:
    """The first non-blank line, read without loading the whole file."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            for line in fh:
                if line.strip():
                    return line
    except OSError as exc:
        raise ParseError(str(path), None, f"cannot open the file ({exc.strerror})") from None
    return ""


class FtmSource(Source):
    """FtM data; the generic ``ftm`` names each file's dataset, ``ftm:<dataset>`` is one."""

    id: ClassVar[str] = SOURCE_ID
    title: ClassVar[str] = "FollowTheMoney entities (OpenSanctions exports)"
    gates: ClassVar[Gates] = Gates(min_entities=1)
    formats: ClassVar[tuple[str, ...]] = ("ftm-json", "ftm-json+delta", "targets-simple-csv")
    #: the dataset this source holds ("" for the generic ``ftm``, which names it from the data)
    dataset: ClassVar[str] = ""

    def read(self, path: Path) -> Dataset:
        if path.is_dir():
            return self._read_folder(path)
        name = str(path)
        if not path.is_file():
            raise ParseError(name, None, "no such file")
        first = _first_line(path)
        if not first:
            raise ParseError(name, None, "the file is empty")
        if not first.lstrip().startswith("{"):
            if not is_targets_header(first):
                raise ParseError(name, "line 1", "neither FtM JSON lines nor targets.simple.csv")
            return self._read_targets(path)
        if is_delta(path):
            raise ParseError(
                name,
                None,
                "this is a delta file: it only changes a previous version. Put it in a folder "
                "together with the full export it applies to, and load the folder.",
            )
        records = read_entities(path)
        source = self._source_for(records, (path,))
        return self._dataset(fold(records, source), "ftm-json", (path,), source)

    def read_delta(self, base: Sequence[Entity], delta_path: Path) -> Dataset:
        """The complete version a delta file makes of ``base`` (the active version's entities).

        The content hash is the delta file's: applying the same delta again to its own result
        shows as an unchanged import.
        """
        entities = apply_delta(base, delta_path)
        source = entities[0].source if entities else self.id
        return self._dataset(entities, "ftm-delta", (delta_path,), source)

    def _source_for(self, records: Sequence[FtmRecord], files: Sequence[Path]) -> str:
        """``ftm:<dataset>`` of this source, or the one named by the data (see ftm_names)."""
        if self.dataset:
            return self.id
        name = dataset_name((_datasets(r.raw) for r in records if r.raw.get("target")), files)
        name = name or dataset_name((_datasets(r.raw) for r in records), files)
        if not name:
            seen = sorted({d for r in records for d in _datasets(r.raw)})
            several = f"its entities come from {len(seen)} datasets ({', '.join(seen[:5])})"
            several = several if seen else "its entities name none"
            raise InputError(
                f"Cannot tell which dataset {files[0]} holds: {several}"
                " and the file name names none. Name it: `clearance load ftm FILE --dataset NAME`"
                " or `clearance load ftm:NAME FILE`."
            )
        return source_id(name)

    def _read_folder(self, folder: Path) -> Dataset:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        deltas = [p for p in files if p.name.lower().endswith(".delta.json")]
        suffixes = (".json", ".jsonl", ".csv")
        bases = [p for p in files if p not in deltas and p.suffix.lower() in suffixes]
        if len(bases) != 1:
            raise ParseError(str(folder), None, "expected exactly one FtM export in the folder")
        if bases[0].suffix.lower() == ".csv" and not deltas:
            return self.read(bases[0])
        records = read_entities(bases[0])
        source = self._source_for(records, (bases[0],))
        for delta in deltas:
            records = apply_delta_records(records, read_delta(delta))
        fmt = "ftm-json+delta" if deltas else "ftm-json"
        return self._dataset(fold(records, source), fmt, (bases[0], *deltas), source)

    def _read_targets(self, path: Path) -> Dataset:
        records = read_targets(path)
        source = self.id if self.dataset else self._source_for((), (path,))
        mapped = [map_target(r, source) for r in records]
        entities = [e for e in mapped if e is not None]
        dataset = self._dataset(entities, "targets-simple-csv", (path,), source)
        dataset.stats["skipped"] = len(mapped) - len(entities)
        return dataset

    def _dataset(
        self, entities: list[Entity], fmt: str, files: tuple[Path, ...], source: str
    ) -> Dataset:
        name = ", ".join(str(p) for p in files)
        if not entities:
            raise ParseError(name, None, "no screenable entity (person, company, vessel...)")
        unique_ids(source, name, entities)
        stats = Counter(e.schema for e in entities)
        return Dataset(
            source=source,
            entities=entities,
            format=fmt,
            files=files,
            published=published_date(entities),
            content_hash=hash_files(files),
            stats=dict(stats),
        )


@cache
def dataset_source(dataset: str) -> type[FtmSource]:
    """The source class of one FtM dataset, ``ftm:<dataset>`` (InputError for a bad name)."""
    sid = source_id(dataset)
    attrs = {"id": sid, "dataset": dataset, "title": f"FollowTheMoney dataset {dataset}"}
    return cast(type[FtmSource], type(f"FtmDataset[{dataset}]", (FtmSource,), attrs))


def published_date(entities: Iterable[Entity]) -> str:
    """The export's date: the latest ``last_seen`` (when OpenSanctions last saw an entity)."""
    latest = ""
    for entity in entities:
        raw = entity.record.get("ftm", entity.record)
        seen = raw.get("last_seen") if isinstance(raw, dict) else None
        if isinstance(seen, str) and _ISO_DAY.match(seen):
            latest = max(latest, seen[:10])
    return latest
