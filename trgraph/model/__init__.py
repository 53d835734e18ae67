"""The domain model: vocabulary (declared once) and the records sources become."""

from trgraph.model.ledger import Action, Change, ChangeKind, Decision, Run
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
    "Action",
    "Change",
    "ChangeKind",
    "Decision",
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
    "Run",
    "Tier",
    "link_id",
    "make_id",
    "slug",
]
