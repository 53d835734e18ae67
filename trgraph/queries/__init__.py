"""Queries over the graph: the in-memory index, bulk reach, explained paths, ownership rules, funding.

Queries find; :mod:`trgraph.risk` judges. Each query is a free function that takes the
store (or an index built from it) first.
"""

from trgraph.queries.funding import Funding, funding_concentration, hhi
from trgraph.queries.index import GraphIndex, build_index, build_local_index, index_from_rows
from trgraph.queries.ownership import ListedRule, OwnershipFinding, Regime, assess_ownership, blocked_fixpoint
from trgraph.queries.paths import GraphPath, PathSearch, PathStep, find_paths
from trgraph.queries.reach import Pairs, Reach, bulk_reach, reach_pairs
from trgraph.queries.source import AsOfFacts, CurrentFacts, Facts
from trgraph.queries.weights import CHANNELS, Weights

__all__ = [
    "CHANNELS",
    "AsOfFacts",
    "CurrentFacts",
    "Facts",
    "Funding",
    "GraphIndex",
    "GraphPath",
    "ListedRule",
    "OwnershipFinding",
    "Pairs",
    "PathSearch",
    "PathStep",
    "Reach",
    "Regime",
    "Weights",
    "assess_ownership",
    "blocked_fixpoint",
    "build_index",
    "build_local_index",
    "bulk_reach",
    "find_paths",
    "funding_concentration",
    "hhi",
    "index_from_rows",
    "reach_pairs",
]
