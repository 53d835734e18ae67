"""Backends for the store contract suite: every backend passes the same tests.

The embedded store always runs. The Neo4j store runs whenever ``NEO4J_URI`` points
at a reachable server; otherwise its cases skip and say why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from trgraph.store import Store
from trgraph.store.embedded import EmbeddedStore

BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def make_store(backend: str, tmp_path: Path) -> Store:
    """A fresh, empty store of the given backend."""
    if backend == "embedded":
        return EmbeddedStore(tmp_path / "contract.db")
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("Neo4j suite skipped: NEO4J_URI is not set (no Neo4j server on this machine)")
    from trgraph.store.neo4j_store import Neo4jStore

    store = Neo4jStore.from_env(uri)
    store.wipe()
    return store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each backend in turn, empty."""
    s = make_store(request.param, tmp_path)
    yield s
    s.close()
