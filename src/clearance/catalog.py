"""The list catalog service: open the store, load a local file, update from the network,
report status.

This is what the CLI and the API call; it wires sources (read), downloads (I/O) and the store
(gated, atomic import) together. Every import goes through :func:`import_dataset`, which hands
the store the source's gates as data, so a file that cannot be read, fails its gates or is cut
short never replaces the active version. :func:`open_store` opens the store and syncs the
bundled lists: the store itself runs no importer.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clearance import __version__
from clearance.errors import ClearanceError, GateError, InputError, ParseError
from clearance.ftm_names import dataset_of, is_ftm
from clearance.ftm_names import source_id as ftm_source_id
from clearance.settings import Settings
from clearance.sources import SOURCE_IDS, get_source, source_module
from clearance.sources.base import Dataset, Source
from clearance.sources.common import hash_files
from clearance.sources.download import FetchRequest, fetch, join_url
from clearance.store import Origin, Store, VersionInfo


@dataclass(frozen=True)
class Outcome:
    """What happened to one source in a load or update."""

    source: str
    #: ``imported``, ``unchanged`` or ``failed``
    status: str
    version: VersionInfo | None = None
    previous: VersionInfo | None = None
    #: added / removed / changed entity counts against the previous active version
    summary: dict[str, int] | None = None
    error: ClearanceError | None = None

    def to_dict(self) -> dict[str, Any]:
        version = self.version
        return {
            "source": self.source,
            "status": self.status,
            "version": version.id if version else None,
            "published": (version.published or None) if version else None,
            "entities": version.entities if version else None,
            "previous": self.previous.id if self.previous else None,
            "changes": self.summary,
            "error": self.error.message if self.error else None,
            "error_code": self.error.code if self.error else None,
        }


@dataclass(frozen=True)
class UpdateRequest:
    """Which sources to update and how. No sources: every downloadable, non-bundled one."""

    sources: tuple[str, ...] = ()
    force: bool = False
    #: base URL overriding the official one (a mirror); needs exactly one source
    base_url: str = ""


#: change counts of an unchanged list (copied, never shared)
NO_CHANGES: Mapping[str, int] = MappingProxyType({"added": 0, "removed": 0, "changed": 0})


def open_store(settings: Settings) -> Store:
    """The store of this installation, with the bundled lists active."""
    store = Store.open(settings)
    try:
        sync_bundled(store)
    except BaseException:
        store.close()
        raise
    return store


def import_dataset(
    store: Store,
    dataset: Dataset,
    *,
    source: Source | None = None,
    force: bool = False,
    origin: Origin = "load",
    files: Sequence[str] | None = None,
) -> VersionInfo:
    """Import ``dataset`` into ``store`` under its source's gates (``source`` defaults to the
    registered source of ``dataset.source``)."""
    source = source or get_source(dataset.source)
    if source.id != dataset.source:
        raise InputError(f"A dataset of {dataset.source} was given for {source.id}.")
    return store.import_dataset(dataset, source.gates, force=force, origin=origin, files=files)


# -- bundled lists ---------------------------------------------------------------------------
# Lists shipped as package data, active in every store from the start. On every open the
# catalog hashes each bundled source's ``default_files()`` (plus the clearance version, since
# a new release may map the same files differently) and re-reads the files only when that hash
# differs from the one recorded at the last bundled import: unchanged, one small hash and one
# meta lookup per source.

#: sources whose lists ship with the package (their Source classes say ``bundled = True``)
BUNDLED_SOURCE_IDS = ("us-ndaa-889", "us-fcc-covered", "us-dod-1260h", "us-dhs-uflpa")


def bundled_sources() -> list[Source]:
    """The bundled sources whose modules are installed (a missing module is skipped)."""
    out: list[Source] = []
    for source_id in BUNDLED_SOURCE_IDS:
        if find_spec(source_module(source_id)) is None:
            continue
        source = get_source(source_id)
        if source.bundled:
            out.append(source)
    return out


def bundled_hash(files: tuple[Path, ...]) -> str:
    return f"{hash_files(files)}+clearance-{__version__}"


def read_path(files: tuple[Path, ...]) -> Path:
    """What to give ``Source.read``: the file itself, or the folder holding several."""
    if len(files) == 1:
        return files[0]
    return files[0].parent


def sync_bundled(store: Store) -> list[VersionInfo]:
    """Import the bundled sources whose package files changed since their last import."""
    imported: list[VersionInfo] = []
    for source in bundled_sources():
        files = tuple(source.default_files())  # type: ignore[attr-defined]
        digest = bundled_hash(files)
        key = f"bundled:{source.id}"
        if store.get_meta(key) == digest:
            continue
        dataset = source.read(read_path(files))
        # package data is trusted: a release may legitimately shrink a list
        imported.append(import_dataset(store, dataset, source=source, force=True, origin="bundled"))
        store.set_meta(key, digest)
    return imported


def load(
    store: Store, source_id: str, path: Path, force: bool = False, dataset: str = ""
) -> Outcome:
    """Import a local file or folder of ``source_id`` as a new version.

    ``force`` overrides every quality gate. ``dataset`` names the FollowTheMoney dataset a
    file of ``ftm`` holds (``ftm:<dataset>``); without it the reader names it from the data.
    """
    source = get_source(_dataset_source(source_id, dataset))
    if not path.exists():
        raise InputError(f"No such file or folder: {path}.")
    data = source.read(path)
    if data.source != source.id:  # the generic ``ftm``: the dataset the file holds
        source = get_source(data.source)
    return _import(store, source, data, force, "load")


def _dataset_source(source_id: str, dataset: str) -> str:
    """The source a load goes to: ``ftm:<dataset>`` when a dataset is named."""
    if not dataset:
        return source_id
    if not is_ftm(source_id):
        raise InputError(
            "--dataset names a FollowTheMoney dataset: use it with the source ftm, "
            f"not {source_id}."
        )
    named = ftm_source_id(dataset)
    if dataset_of(source_id) and named != source_id:
        raise InputError(f"The source {source_id} and --dataset {dataset} name two datasets.")
    return named


def _import(
    store: Store,
    source: Source,
    dataset: Dataset,
    force: bool,
    origin: Origin,
    files: Sequence[str] | None = None,
) -> Outcome:
    previous = store.active_versions().get(source.id)
    version = import_dataset(store, dataset, source=source, force=force, origin=origin, files=files)
    if version.unchanged:
        return Outcome(source.id, "unchanged", version, previous, dict(NO_CHANGES))
    if previous is None:  # everything is new: no need to decode the records for a diff
        summary = {**NO_CHANGES, "added": version.entities}
    else:
        summary = store.diff(source.id, previous.id, version.id).summary()
    return Outcome(source.id, "imported", version, previous, summary)


def downloadable_sources() -> list[str]:
    """Sources ``update`` fetches by default: not bundled, with an official location."""
    out: list[str] = []
    for source_id in SOURCE_IDS:
        if find_spec(source_module(source_id)) is None:  # not in this build (yet)
            continue
        source = get_source(source_id)
        if not source.bundled and source.base_url and source.remote_files:
            out.append(source_id)
    return out


def update(store: Store, settings: Settings, request: UpdateRequest) -> list[Outcome]:
    """Download and import each requested source; a failure is reported, not raised."""
    if request.base_url and len(request.sources) != 1:
        raise InputError("--base-url needs exactly one SOURCE: each list has its own location.")
    source_ids = request.sources or tuple(downloadable_sources())
    for source_id in source_ids:
        get_source(source_id)  # unknown ids are a usage error before any download starts
    outcomes: list[Outcome] = []
    for source_id in source_ids:
        try:
            outcomes.append(update_source(store, settings, source_id, request))
        except ClearanceError as exc:
            outcomes.append(Outcome(source_id, "failed", error=exc))
    return outcomes


def source_urls(source: Source, settings: Settings, base_url: str = "") -> dict[str, str]:
    """Local file name -> URL, from the override or the official location."""
    base = base_url or settings.source_urls.get(source.id, "") or source.base_url
    if not base or not source.remote_files:
        raise InputError(
            f"{source.id} has no download location: load its files with "
            f"`clearance load {source.id} PATH`."
        )
    return {local_name(name): join_url(base, name) for name in source.remote_files}


def local_name(remote: str) -> str:
    """A safe local file name for a remote one (which may carry a query string)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", remote).strip("_") or "download"


def update_source(
    store: Store, settings: Settings, source_id: str, request: UpdateRequest
) -> Outcome:
    """Download one source (conditionally) and import it if it changed.

    Files are streamed into a fresh folder under ``settings.download_dir``, removed after the
    import; a download refused as unreadable or failing its gates is kept there (the error
    names it) for inspection, the latest few per source.
    """
    source = get_source(source_id)
    urls = source_urls(source, settings, request.base_url)
    active = store.active_versions().get(source.id)
    settings.download_dir.mkdir(parents=True, exist_ok=True)
    prune_refused(settings.download_dir, source.id)
    folder = Path(tempfile.mkdtemp(prefix=f"{source.id}-", dir=settings.download_dir))
    keep = False
    try:
        fetch_request = FetchRequest(
            urls=urls,
            dest=folder,
            validators=store.fetch_state(source.id),
            timeout=settings.http_timeout,
            retries=settings.http_retries,
            backoff=settings.http_backoff,
        )
        result = fetch(fetch_request)
        if result.not_modified:
            return Outcome(source.id, "unchanged", active, active, dict(NO_CHANGES))
        path = result.files[0] if len(result.files) == 1 else folder
        try:
            dataset = source.read(path)
            outcome = _import(store, source, dataset, request.force, "update", list(urls.values()))
        except (ParseError, GateError):
            keep = True
            raise
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    if outcome.version is not None:
        store.save_fetch_state(source.id, outcome.version.id, result.validators)
    return outcome


#: refused downloads kept per source, and how old one must be before it may be removed
KEEP_REFUSED = 3
_REFUSED_GRACE_SECONDS = 600


def prune_refused(download_dir: Path, source_id: str) -> None:
    """Remove old refused downloads of ``source_id`` beyond the newest ``KEEP_REFUSED``.

    Folders younger than a few minutes are never touched: they may belong to a running update.
    """
    folders = sorted(
        (p for p in download_dir.glob(f"{source_id}-*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    cutoff = time.time() - _REFUSED_GRACE_SECONDS
    for old in folders[KEEP_REFUSED:]:
        if old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)


def status(store: Store) -> list[VersionInfo]:
    """The active version of every source that has one, by source id."""
    return list(store.active_versions().values())


def resolve_sources(names: Iterable[str]) -> tuple[str, ...]:
    """Validate source ids given by a user (raises InputError naming the known ones)."""
    return tuple(get_source(name).id for name in names)


def parse_assignments(items: Sequence[str]) -> list[tuple[str, Path]]:
    """``SOURCE=PATH`` arguments -> (source id, path)."""
    out: list[tuple[str, Path]] = []
    for item in items:
        source_id, sep, path = item.partition("=")
        if not sep or not source_id or not path:
            raise InputError(f"Expected SOURCE=PATH, got {item!r}.")
        out.append((get_source(source_id.strip()).id, Path(path).expanduser()))
    return out
