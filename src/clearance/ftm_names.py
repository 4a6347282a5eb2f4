"""FollowTheMoney datasets as sources: ``ftm:<dataset name>``, one source per dataset.

OpenSanctions publishes each of its sources as a dataset with a short name (``ch_seco_sanctions``,
``au_dfat_sanctions``, ``us_sam_exclusions``...), and users combine several. Each dataset is a
source of its own, with its own versions, diffs and gates. Its name is the ``--dataset`` a user
gives, else the one dataset every entity of the file names in its ``datasets`` field, else the
file's own name (``zala.ftm.json`` -> ``zala``; a generic export name such as
``entities.ftm.json`` -> the folder it sits in, as OpenSanctions lays out its downloads).

Pure functions: the reader and the store's migration share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from clearance.errors import InputError

#: the generic source id: ``clearance load ftm FILE`` names the dataset from the data
FTM = "ftm"
PREFIX = FTM + ":"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_SUFFIXES = (".targets.simple.csv", ".delta.json", ".ftm.json", ".jsonl", ".json", ".csv")
#: file names OpenSanctions gives every dataset's export: they name no dataset
_GENERIC = frozenset({"", "entities", "targets", "targets.simple", "statements", "senzing", "ftm"})


def is_ftm(source_id: str) -> bool:
    """``ftm`` or ``ftm:<dataset>``."""
    return source_id == FTM or source_id.startswith(PREFIX)


def valid_name(name: str) -> bool:
    return bool(_NAME.match(name))


def source_id(dataset: str) -> str:
    """``ftm:<dataset>``; InputError for a name that is not a dataset name."""
    name = dataset.strip()
    if not valid_name(name):
        raise InputError(
            f"{dataset!r} is not a dataset name: use lower-case letters, digits, '_' and '-' "
            "(for example ch_seco_sanctions), at most 64 characters."
        )
    return PREFIX + name


def dataset_of(source: str) -> str:
    """The dataset name of ``ftm:<dataset>`` ("" for the generic ``ftm``)."""
    return source[len(PREFIX) :] if source.startswith(PREFIX) else ""


def common_dataset(datasets: Iterable[Sequence[str]]) -> str:
    """The one dataset every entity names ("" if entities name several, or none)."""
    common: set[str] | None = None
    for names in datasets:
        if not names:
            continue
        common = set(names) if common is None else common & set(names)
        if not common:
            return ""
    if common is None or len(common) != 1:
        return ""
    (name,) = common
    return name if valid_name(name) else ""


def name_from_file(path: Path) -> str:
    """A dataset name from a file's name, or from its folder's for a generic export name."""
    name = path.name.lower()
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    for candidate in (name, path.parent.name.lower()):
        if candidate in _GENERIC:
            continue
        slug = re.sub(r"[^a-z0-9_-]+", "_", candidate).strip("_-")
        if valid_name(slug):
            return slug
    return ""


def dataset_name(datasets: Iterable[Sequence[str]], files: Sequence[Path]) -> str:
    """The dataset an export holds: the entities' one dataset, else the first file's name."""
    return common_dataset(datasets) or (name_from_file(files[0]) if files else "")
