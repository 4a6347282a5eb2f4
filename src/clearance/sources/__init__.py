"""The registry of sources. Modules are imported only when a source is used."""

from __future__ import annotations

from importlib import import_module

from clearance.errors import InputError
from clearance.ftm_names import PREFIX as FTM_PREFIX
from clearance.ftm_names import source_id as ftm_source_id
from clearance.sources.base import Dataset, Gates, Source

__all__ = [
    "REFERENCE_SOURCE_IDS",
    "SOURCE_IDS",
    "Dataset",
    "Gates",
    "Source",
    "all_sources",
    "get_source",
    "source_module",
]

#: source id -> "module:Class"
_REGISTRY: dict[str, str] = {
    "us-ofac-sdn": "clearance.sources.ofac:SdnSource",
    "us-ofac-cons": "clearance.sources.ofac:ConsSource",
    "un-sc": "clearance.sources.un:UnSource",
    "eu-fsf": "clearance.sources.eu:EuSource",
    "gb-fcdo": "clearance.sources.uk:UkSource",
    "us-trade-csl": "clearance.sources.csl:CslSource",
    "us-bis-dpl": "clearance.sources.dpl:DplSource",
    "ftm": "clearance.sources.ftm:FtmSource",
    "us-ndaa-889": "clearance.sources.statutory:Ndaa889Source",
    "us-fcc-covered": "clearance.sources.statutory:FccCoveredSource",
    "us-dod-1260h": "clearance.sources.statutory:Dod1260hSource",
    "us-dhs-uflpa": "clearance.sources.statutory:UflpaSource",
    "us-bis-mieu": "clearance.sources.mieu:MieuSource",
    "cn-prc-countersanctions": "clearance.sources.cn_countersanctions:CnCounterSource",
    "ieee-oui": "clearance.sources.ieee:IeeeOuiSource",
}

#: sources of reference data, stored and versioned like lists but not screened as parties
#: (their Source classes say ``screened = False``; the index leaves their entities out)
REFERENCE_SOURCE_IDS: frozenset[str] = frozenset({"ieee-oui"})

SOURCE_IDS: tuple[str, ...] = tuple(_REGISTRY)


def get_source(source_id: str) -> Source:
    """The source ``source_id``: a registered id, or ``ftm:<dataset>`` for one FtM dataset."""
    if source_id.startswith(FTM_PREFIX):
        ftm_source_id(source_id[len(FTM_PREFIX) :])  # InputError for a bad dataset name
        module = import_module(_REGISTRY["ftm"].split(":")[0])
        dataset: Source = module.dataset_source(source_id[len(FTM_PREFIX) :])()
        return dataset
    try:
        target = _REGISTRY[source_id]
    except KeyError:
        known = ", ".join(SOURCE_IDS)
        raise InputError(
            f"Unknown source {source_id!r}. Known sources: {known}, and ftm:<dataset> for a "
            "FollowTheMoney dataset."
        ) from None
    module_name, class_name = target.split(":")
    cls = getattr(import_module(module_name), class_name)
    source: Source = cls()
    return source


def source_module(source_id: str) -> str:
    """The module that implements ``source_id`` (without importing it)."""
    if source_id.startswith(FTM_PREFIX):
        source_id = "ftm"
    if source_id not in _REGISTRY:
        raise InputError(f"Unknown source {source_id!r}. Known sources: {', '.join(SOURCE_IDS)}.")
    return _REGISTRY[source_id].split(":")[0]


def all_sources() -> list[Source]:
    return [get_source(source_id) for source_id in SOURCE_IDS]
