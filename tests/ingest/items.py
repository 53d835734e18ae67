"""Shared helpers for the loader tests."""

from __future__ import annotations

from trgraph.ingest.base import Item
from trgraph.model import Entity, Rejected


def entities_and_rejections(items: list[Item]) -> tuple[dict[str, Entity], list[Rejected]]:
    """A list loader's entities by id (each yielded once) and its rejected rows."""
    entities = {i.id: i for i in items if isinstance(i, Entity)}
    assert len(entities) == sum(isinstance(i, Entity) for i in items), "an entity was yielded twice"
    return entities, [i for i in items if isinstance(i, Rejected)]
