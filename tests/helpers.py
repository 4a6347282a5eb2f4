"""Assertions shared by the tests."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from clearance.model import NAME_KINDS, Entity
from clearance.reference import effects


@cache
def _ftm_model() -> Any:
    from followthemoney import model

    return model


def assert_ftm_valid(entities: Iterable[Entity]) -> None:
    """Every entity uses a real FtM schema and only properties of that schema; every listing
    names a known legal effect; ids are SOURCE:SOURCE_ID."""
    model = _ftm_model()
    known_effects = effects()
    for entity in entities:
        schema = model.get(entity.schema)
        assert schema is not None, f"{entity.id}: unknown schema {entity.schema}"
        assert entity.id == f"{entity.source}:{entity.source_id}"
        assert entity.source_id, entity
        for prop in entity.properties:
            assert prop in schema.properties, f"{entity.id}: {prop} is not a {entity.schema} prop"
            assert prop not in NAME_KINDS, f"{entity.id}: names belong in Entity.names"
        for name in entity.names:
            assert name.kind in NAME_KINDS
            assert name.value == " ".join(name.value.split()), name
        for listing in entity.listings:
            assert listing.effect in known_effects, f"{entity.id}: effect {listing.effect}"
