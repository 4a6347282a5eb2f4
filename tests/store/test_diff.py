"""Pure diff logic, checked by reconstructing the new version from the old one and the diff."""

from __future__ import annotations

from hypothesis import given, settings

from clearance.diff import Diff, diff_entities, entity_change
from clearance.model import Entity
from tests.store.fakesource import FAKE_ID
from tests.store.test_roundtrip import datasets, entities


@settings(deadline=None)  # a shared, loaded machine: no per-example deadline
@given(old=datasets(), new=datasets())
def test_added_removed_changed_partition_the_ids(
    old: dict[str, Entity], new: dict[str, Entity]
) -> None:
    added, removed, changed = diff_entities(old, new)
    assert {e.id for e in added} == new.keys() - old.keys()
    assert {e.id for e in removed} == old.keys() - new.keys()
    expected_changed = {k for k in old.keys() & new.keys() if old[k].to_dict() != new[k].to_dict()}
    assert {c.entity_id for c in changed} == expected_changed
    assert [e.id for e in added] == sorted(e.id for e in added)


@settings(deadline=None)  # a shared, loaded machine: no per-example deadline
@given(old=datasets())
def test_a_version_against_itself_is_empty(old: dict[str, Entity]) -> None:
    assert diff_entities(old, old) == ([], [], [])


@settings(deadline=None)  # a shared, loaded machine: no per-example deadline
@given(old=entities("X1"), new=entities("X1"))
def test_change_reconstructs_the_new_entity(old: Entity, new: Entity) -> None:
    change = entity_change(old, new)
    if change is None:
        assert old.to_dict() == new.to_dict()
        return
    assert change.fields
    props = dict(old.properties)
    for prop in change.properties:
        assert prop.old == old.properties.get(prop.field)
        if prop.new is None:
            del props[prop.field]
        else:
            props[prop.field] = prop.new
    assert props == new.properties
    names = {(n.value, n.kind, n.lang) for n in old.names}
    names -= {(n.value, n.kind, n.lang) for n in change.names_removed}
    names |= {(n.value, n.kind, n.lang) for n in change.names_added}
    assert names == {(n.value, n.kind, n.lang) for n in new.names}
    listings = (set(old.listings) - set(change.listings_removed)) | set(change.listings_added)
    assert listings == set(new.listings)
    record = dict(old.record)
    for item in change.record:
        if item.field in new.record:
            record[item.field] = item.new
        else:
            del record[item.field]
    assert record == new.record
    assert (change.schema is None) == (old.schema == new.schema)


def test_diff_to_dict_shape() -> None:
    old = Entity(FAKE_ID, "A", "Company")
    old.add_name("Alpha Trading")
    old.add("country", "ir")
    new = Entity(FAKE_ID, "A", "Company")
    new.add_name("Alpha Trading")
    new.add_name("Alpha Co", "alias")
    gone = Entity(FAKE_ID, "B", "Person")
    gone.add_name("Beta Person")
    added, removed, changed = diff_entities({"a": old, "b": gone}, {"a": new})
    diff = Diff(FAKE_ID, 1, 2, added, removed, changed, "2024-01-01", "2024-02-01")
    data = diff.to_dict()
    assert data["summary"] == {"added": 0, "removed": 1, "changed": 1}
    assert data["removed"] == [{"id": f"{FAKE_ID}:B", "caption": "Beta Person", "schema": "Person"}]
    (item,) = data["changed"]
    assert item["fields"] == ["names", "country"]
    assert item["names_added"] == [{"value": "Alpha Co", "kind": "alias", "script": "Latn"}]
    assert item["properties"] == [{"field": "country", "old": ["ir"], "new": None}]
    assert data["from"] == {"version": 1, "published": "2024-01-01"}
