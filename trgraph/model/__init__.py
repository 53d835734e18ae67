"""The domain model: vocabulary (declared once) and the records sources become."""

from trgraph.model.records import Entity, JsonDict, Link, Provenance, Rejected, link_id, make_id, slug
from trgraph.model.vocab import (
    LINK_SPECS,
    ORG_CATEGORIES,
    EntityKind,
    Flag,
    LinkKind,
    LinkSpec,
    Propagation,
    Tier,
)

__all__ = [
    "LINK_SPECS",
    "ORG_CATEGORIES",
    "Entity",
    "EntityKind",
    "Flag",
    "JsonDict",
    "Link",
    "LinkKind",
    "LinkSpec",
    "Propagation",
    "Provenance",
    "Rejected",
    "Tier",
    "link_id",
    "make_id",
    "slug",
]
