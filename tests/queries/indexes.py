"""Comparing two graph indexes by what they say, not by how their entities are numbered."""

from __future__ import annotations

from typing import Any

import numpy as np

from trgraph.queries.index import GraphIndex


def facts_of(index: GraphIndex) -> dict[str, Any]:
    """What an index says, by entity id: independent of how its entities happen to be numbered."""
    ids = index.ids

    def cluster(node: int) -> tuple[str, ...]:
        return tuple(sorted(ids[int(m)] for m in index.members(node)))

    sources = np.repeat(np.arange(index.n_nodes), np.diff(index.ptr))
    edges = sorted(
        (cluster(int(u)), cluster(int(v)), int(k), int(m), bool(e), ids[int(a)], ids[int(b)], bool(r))
        for u, v, k, m, e, a, b, r in zip(sources, index.dst, index.kind, index.mode, index.ended, index.esrc,
                                          index.edst, index.reverse, strict=True)
    )
    return {
        "ids": sorted(ids), "pos": all(ids[i] == key for key, i in index.pos.items()) and len(index.pos) == len(ids),
        "clusters": sorted(cluster(n) for n in range(index.n_nodes)), "edges": edges,
        "in_degree": sorted((cluster(n), int(d)) for n, d in enumerate(index.in_degree)),
        "flags": sorted((ids[i], int(b)) for i, b in enumerate(index.ent_flags) if b),
        "aspi": sorted((ids[i], index.categories[c]) for i, c in enumerate(index.ent_aspi) if c >= 0),
        "same": sorted((ids[int(a)], ids[int(b)]) for a, b in zip(index.same_src, index.same_dst, strict=True)),
        "categories": index.categories, "scope": index.scope, "cut": index.cut,
    }


def assert_same(a: GraphIndex, b: GraphIndex) -> None:
    fa, fb = facts_of(a), facts_of(b)
    for key in fa:
        assert fa[key] == fb[key], key
    assert fa["pos"] is True
