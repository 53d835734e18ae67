"""Stores: the interface, the embedded SQLite backend and the Neo4j backend."""

from __future__ import annotations

import os
from pathlib import Path

from trgraph.store.base import Direction, Edge, RunSummary, Store, Writer
from trgraph.store.embedded import EmbeddedStore

DEFAULT_STORE = "trgraph.db"
_SERVER_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def open_store(uri: str | Path | None = None) -> Store:
    """Open the store named by ``uri``: a file path (embedded) or a ``neo4j://``/``bolt://`` URI.

    Without ``uri``: ``$TRGRAPH_STORE`` or ``./trgraph.db``. Neo4j credentials come only
    from the environment (``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``).
    """
    target = str(uri) if uri is not None else os.environ.get("TRGRAPH_STORE", DEFAULT_STORE)
    if target.startswith(_SERVER_SCHEMES):
        from trgraph.store.neo4j_store import Neo4jStore

        return Neo4jStore.from_env(target)
    return EmbeddedStore(target)


__all__ = ["DEFAULT_STORE", "Direction", "Edge", "EmbeddedStore", "RunSummary", "Store", "Writer", "open_store"]
