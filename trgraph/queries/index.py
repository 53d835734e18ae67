"""The in-memory graph index: entity ids → ints, ``same_as`` clusters collapsed, numpy arrays.

The index stores every link once more, as an *inheritance edge*: ``u → v`` means
"``u`` inherits ``v``'s risk", following the direction declared in the model
(:class:`trgraph.model.Propagation`):

* ``to_source`` links (``part_of``, ``owned_by``, ``affiliated_with``, ``funded_by``…)
  give ``source → target``: a child inherits from its parent, never the reverse, so a
  parent never reaches a child's other parents;
* ``possibly_same_as`` (``both``, not a hop) gives two zero-hop edges;
* ``related_to`` (``adjacent``) gives two edges marked *adjacent*: searches let them
  carry only the far end's own flags, as the last link of a path;
* ``same_as`` clusters are collapsed into one node (identity, not a hop); the
  entity-level ``same_as`` pairs are kept to show the links on a path.

Edges are grouped by source node (CSR: ``ptr``/``dst``). Weights are not stored:
they come from :class:`Weights` at query time, so one index serves any configuration.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from trgraph.gcpause import gc_paused
from trgraph.model import LINK_SPECS, Flag, LinkKind, Propagation
from trgraph.queries.source import CurrentFacts, EdgeRow, Facts, aspi_category
from trgraph.queries.walk import LocalWalk
from trgraph.queries.weights import ASPI_CHANNEL, CHANNELS, Weights
from trgraph.store import EmbeddedStore, Store

KINDS: tuple[LinkKind, ...] = tuple(LinkKind)
KIND_CODE: dict[str, int] = {k.value: i for i, k in enumerate(KINDS)}
FLAGS: tuple[Flag, ...] = tuple(Flag)
FLAG_BIT: dict[str, int] = {f.value: 1 << i for i, f in enumerate(FLAGS)}
MODE_HOP, MODE_ZERO, MODE_ADJ = 0, 1, 2
_SAME_AS = KIND_CODE[LinkKind.SAME_AS.value]
_CHUNK = 500_000


def _mode(kind: LinkKind) -> int:
    spec = LINK_SPECS[kind]
    if spec.propagation is Propagation.ADJACENT:
        return MODE_ADJ
    return MODE_HOP if spec.counts_as_hop else MODE_ZERO


_PROP = np.array([LINK_SPECS[k].propagation is Propagation.TO_SOURCE for k in KINDS])
_MODE = np.array([_mode(k) for k in KINDS], dtype=np.int8)


def flag_bits(flags: Iterable[str]) -> int:
    """The bitmask of flag names (unknown names are ignored)."""
    out = 0
    for f in flags:
        out |= FLAG_BIT.get(f.strip(), 0)
    return out


def bits_to_flags(bits: int) -> list[str]:
    """Flag names of a bitmask, in vocabulary order."""
    return [f.value for i, f in enumerate(FLAGS) if bits >> i & 1]


class LazyPositions(Mapping[str, int]):
    """Entity id → number for ``ids``, without hashing a million ids up front.

    A loaded index is often asked about a handful of entities (one partner's paths): those
    are found by scanning the list; only after :data:`SCANS` look-ups is the table built.
    """

    SCANS = 8

    def __init__(self, ids: list[str]) -> None:
        self._ids = ids
        self._table: dict[str, int] | None = None
        self._scans = 0

    def __getitem__(self, key: str) -> int:
        if self._table is None and self._scans < self.SCANS:
            self._scans += 1
            try:
                return self._ids.index(key)
            except ValueError:
                raise KeyError(key) from None
        if self._table is None:
            self._table = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return self._table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


@dataclass(slots=True, eq=False)
class GraphIndex:
    """Inheritance edges over ``same_as`` clusters, in CSR arrays (see the module docstring).

    Entity-level arrays are indexed by entity number (``ids``/``pos``); node-level ones by
    cluster (``node_of[entity]``). Edge ``i`` leaves node ``src`` where
    ``ptr[src] <= i < ptr[src + 1]``, enters ``dst[i]`` and was made from the link
    ``esrc[i] → edst[i]`` between two entities (read backwards when ``reverse[i]``).
    """

    ids: list[str]
    pos: Mapping[str, int]
    node_of: NDArray[np.int32]
    n_nodes: int
    member_ptr: NDArray[np.int64]
    member_ent: NDArray[np.int32]
    ptr: NDArray[np.int64]
    dst: NDArray[np.int32]
    kind: NDArray[np.int8]
    mode: NDArray[np.int8]
    ended: NDArray[np.bool_]
    esrc: NDArray[np.int32]
    edst: NDArray[np.int32]
    reverse: NDArray[np.bool_]
    in_degree: NDArray[np.int64]
    ent_flags: NDArray[np.uint8]
    ent_aspi: NDArray[np.int16]
    categories: list[str]
    same_src: NDArray[np.int32]
    same_dst: NDArray[np.int32]
    scope: str = "store"
    cut: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def n_edges(self) -> int:
        """Number of inheritance edges (after collapsing clusters)."""
        return int(self.dst.shape[0])

    def node(self, entity_id: str) -> int | None:
        """The node (cluster) of an entity, or None when the entity has no links and no flags."""
        i = self.pos.get(entity_id)
        return None if i is None else int(self.node_of[i])

    def members(self, node: int) -> NDArray[np.int32]:
        """Entity numbers of the cluster ``node``."""
        return self.member_ent[self.member_ptr[node] : self.member_ptr[node + 1]]

    def node_flags(self) -> NDArray[np.uint8]:
        """Flag bitmask per node (union over the cluster's members)."""
        out = np.zeros(self.n_nodes, dtype=np.uint8)
        flagged = np.flatnonzero(self.ent_flags)
        np.bitwise_or.at(out, self.node_of[flagged], self.ent_flags[flagged])
        return out

    def entity_weight(self, weights: Weights) -> NDArray[np.float32]:
        """Per entity: the largest weight among its flags and its ASPI category (0 when none)."""
        out = np.zeros(len(self.ids), dtype=np.float32)
        for i, f in enumerate(FLAGS):
            w = float(weights.flag.get(f, 0.0))
            hit = (self.ent_flags >> i & 1).astype(bool)
            out[hit] = np.maximum(out[hit], w)
        cat_w = self.category_weights(weights)
        has = self.ent_aspi >= 0
        out[has] = np.maximum(out[has], cat_w[self.ent_aspi[has]])
        return out

    def category_weights(self, weights: Weights) -> NDArray[np.float32]:
        """Weight of each known ASPI category code."""
        return np.array([float(weights.aspi.get(c, 0.0)) for c in self.categories] or [0.0], dtype=np.float32)

    def base(self, weights: Weights) -> NDArray[np.float32]:
        """Channel values of every node before any hop: shape ``(n_nodes, len(CHANNELS))``.

        Node-major, so that a search gathering a node's channels touches one cache line.
        """
        base = np.zeros((self.n_nodes, len(CHANNELS)), dtype=np.float32)
        flags = self.node_flags()
        for i, w in enumerate(weights.channel_weights()[:ASPI_CHANNEL]):
            base[(flags >> i & 1).astype(bool), i] = w
        has = np.flatnonzero(self.ent_aspi >= 0)
        if has.size:
            cat_w = self.category_weights(weights)[self.ent_aspi[has]]
            aspi = np.zeros(self.n_nodes, dtype=np.float32)
            np.maximum.at(aspi, self.node_of[has], cat_w)
            base[:, ASPI_CHANNEL] = aspi
        return base

    def homes(self) -> list[str]:
        """Entities with ``collaborates_with`` links (the home institution of the register)."""
        collab = self.kind == KIND_CODE[LinkKind.COLLABORATES_WITH.value]
        return sorted({self.ids[int(i)] for i in np.unique(self.esrc[collab & ~self.reverse])})

    def edge_weights(self, weights: Weights, edges: NDArray[np.int64] | None = None) -> NDArray[np.float32]:
        """Per edge (of ``edges``, or all): link weight × ended factor × hop decay (decay only on hops)."""
        table = np.array([weights.link_weight(k) for k in KINDS], dtype=np.float32)
        kind, ended, mode = (self.kind, self.ended, self.mode) if edges is None else \
            (self.kind[edges], self.ended[edges], self.mode[edges])
        w = table[kind]
        w = np.where(ended, w * np.float32(weights.ended_factor), w)
        return np.where(mode == MODE_ZERO, w, w * np.float32(weights.hop_decay)).astype(np.float32)

    def hubs(self, weights: Weights) -> NDArray[np.bool_]:
        """Nodes with more inheritors than the configured hub threshold."""
        return self.in_degree > weights.hub_min_in_degree

    def representative(self, node: int, entity_weight: NDArray[np.float32]) -> str:
        """The member of cluster ``node`` with the strongest flag (the entity to name as a target)."""
        members = self.members(node)
        return self.ids[int(members[int(np.argmax(entity_weight[members]))])]

    def same_as_neighbours(self, entity: int) -> NDArray[np.int32]:
        """Entities linked to ``entity`` by ``same_as`` (either direction)."""
        # a query of the array's own dtype: a Python-int query would cast the whole array on every call
        lo, hi = self.same_src.searchsorted(np.array([entity, entity + 1], dtype=self.same_src.dtype))
        return self.same_dst[lo:hi]


def build_index(source: Store | Facts, *, aspi_datasets: Sequence[str] = ("aspi",),
                today: str | None = None) -> GraphIndex:
    """Build the index of every current link (or of the facts as of a run, given :class:`Facts`)."""
    facts: Facts = CurrentFacts(source) if isinstance(source, Store) else source
    today = today or dt.date.today().isoformat()
    with gc_paused():
        if isinstance(facts, CurrentFacts) and isinstance(facts.store, EmbeddedStore):
            from trgraph.queries.packed import UnpackableError, index_from_numbered  # packed imports this module

            numbered = facts.store.numbered_links([k.value for k in KINDS], today)
            if numbered is not None:
                try:
                    return index_from_numbered(numbered, facts.flag_rows(), facts.aspi_rows(aspi_datasets))
                except UnpackableError:
                    pass  # numbers the packed read cannot decode: read rows
                finally:
                    del numbered  # its strings and ids are not needed by the rows read below
        return index_from_rows(
            facts.edge_rows(), facts.flag_rows(), facts.aspi_rows(aspi_datasets), today=today
        )


def index_from_rows(
    rows: Iterable[EdgeRow],
    flagged: Iterable[tuple[str, str]],
    aspi: Iterable[tuple[str, str]] = (),
    *,
    today: str | None = None,
    in_degree: dict[str, int] | None = None,
    scope: str = "store",
) -> GraphIndex:
    """Build an index from raw link rows, ``(id, "flag,flag")`` rows and ``(id, category)`` rows.

    ``in_degree`` (entity id → inheritor count) replaces the counts computed from
    ``rows``, for neighbourhood indexes that do not hold every inheritor.
    """
    today = today or dt.date.today().isoformat()
    src_parts: list[NDArray[np.object_]] = []
    tgt_parts: list[NDArray[np.object_]] = []
    kind_parts: list[NDArray[np.int8]] = []
    ended_parts: list[NDArray[np.bool_]] = []
    it = iter(rows)
    while chunk := list(itertools.islice(it, _CHUNK)):
        s, t, k, e = zip(*chunk, strict=True)
        del chunk
        kind_codes, kind_names = pd.factorize(np.array(k, dtype=object))
        table = np.array([KIND_CODE.get(str(name), -1) for name in kind_names] + [-1], dtype=np.int8)
        codes = table[kind_codes]
        ends = np.array(e, dtype=object)
        has_end = ends != None  # noqa: E711 -- elementwise test on an object array
        ended = np.zeros(len(ends), dtype=bool)
        if has_end.any():
            ended[has_end] = ends[has_end].astype(str) < today
        keep = codes >= 0
        src_parts.append(np.array(s, dtype=object)[keep])
        tgt_parts.append(np.array(t, dtype=object)[keep])
        kind_parts.append(codes[keep].astype(np.int8))
        ended_parts.append(ended[keep])
    flag_pairs = [(i, flag_bits(f.split(","))) for i, f in flagged]
    aspi_pairs = list(aspi)
    extra = np.array([i for i, _ in flag_pairs] + [i for i, _ in aspi_pairs], dtype=object)
    ends_all = np.concatenate([*src_parts, *tgt_parts, extra]) if src_parts else extra
    codes_all, ids = factorize_ids(ends_all)
    return finish_index(ids, codes_all, kind_parts, ended_parts, flag_pairs, aspi_pairs, in_degree, scope)


def finish_index(
    ids: list[str],
    codes_all: NDArray[np.int64],
    kind_parts: list[NDArray[np.int8]],
    ended_parts: list[NDArray[np.bool_]],
    flag_pairs: list[tuple[str, int]],
    aspi_pairs: list[tuple[str, str]],
    in_degree: dict[str, int] | None,
    scope: str,
    *,
    pos: dict[str, int] | None = None,
) -> GraphIndex:
    """The index from numbered ids: ``codes_all`` holds every link's source, then every
    target, then the flagged entities and the ASPI entities, numbered as ``ids`` (``pos``,
    the reverse of ``ids``, when the caller has it already)."""
    n_links = sum(len(p) for p in kind_parts)
    src = codes_all[:n_links].astype(np.int32)
    tgt = codes_all[n_links : 2 * n_links].astype(np.int32)
    extra_codes = codes_all[2 * n_links :]
    ent_flags = np.zeros(len(ids), dtype=np.uint8)
    for code, (_, bits) in zip(extra_codes[: len(flag_pairs)], flag_pairs, strict=True):
        ent_flags[code] |= bits
    categories = sorted({c for _, c in aspi_pairs})
    cat_code = {c: i for i, c in enumerate(categories)}
    ent_aspi = np.full(len(ids), -1, dtype=np.int16)
    for code, (_, cat) in zip(extra_codes[len(flag_pairs) :], aspi_pairs, strict=True):
        ent_aspi[code] = cat_code[cat]
    kind = np.concatenate(kind_parts) if kind_parts else np.zeros(0, dtype=np.int8)
    ended = np.concatenate(ended_parts) if ended_parts else np.zeros(0, dtype=bool)
    if pos is None:
        pos = dict(zip(ids, range(len(ids)), strict=True))
    degree_override = None
    if in_degree is not None:
        degree_override = np.zeros(len(ids), dtype=np.int64)
        for entity_id, n in in_degree.items():
            if entity_id in pos:
                degree_override[pos[entity_id]] = n
    return _assemble(ids, pos, src, tgt, kind, ended, ent_flags, ent_aspi, categories, degree_override, scope)


def factorize_ids(values: NDArray[np.object_]) -> tuple[NDArray[np.int64], list[str]]:
    """Number the distinct strings of ``values`` in order of first appearance: (codes, distinct strings).

    Factorising millions of fresh string objects is dominated by probing a hash table of
    strings; probing one of 64-bit integers (each string's own hash) is several times
    faster. The result is then checked with an independent CRC-32 of every string: if
    any two different strings shared a hash, the check fails and the exact (slower)
    string factorisation is used instead, so the numbering is always exact.
    """
    n = values.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), []
    hashes = np.fromiter(map(hash, values), dtype=np.int64, count=n)
    codes, _ = pd.factorize(hashes)
    is_first = np.empty(n, dtype=bool)
    is_first[0] = True
    is_first[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    first = np.flatnonzero(is_first)
    check = np.fromiter((zlib.crc32(v.encode("utf-8", "surrogatepass")) for v in values), dtype=np.uint32, count=n)
    if not np.array_equal(check, check[first][codes]):
        exact_codes, uniques = pd.factorize(values)
        return exact_codes.astype(np.int64), [str(u) for u in uniques]
    return codes.astype(np.int64), [str(v) for v in values[first].tolist()]


def _assemble(
    ids: list[str],
    pos: dict[str, int],
    src: NDArray[np.int32],
    tgt: NDArray[np.int32],
    kind: NDArray[np.int8],
    ended: NDArray[np.bool_],
    ent_flags: NDArray[np.uint8],
    ent_aspi: NDArray[np.int16],
    categories: list[str],
    degree_override: NDArray[np.int64] | None,
    scope: str,
) -> GraphIndex:
    n = len(ids)
    same = kind == _SAME_AS
    s_src, s_dst = src[same], tgt[same]
    if s_src.size:
        graph = coo_matrix((np.ones(s_src.size, dtype=np.int8), (s_src, s_dst)), shape=(n, n))
        n_nodes, labels = connected_components(graph, directed=False)
        node_of = labels.astype(np.int32)
    else:
        n_nodes, node_of = n, np.arange(n, dtype=np.int32)
    order = np.argsort(node_of, kind="stable").astype(np.int32)
    member_ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(node_of, minlength=n_nodes), out=member_ptr[1:])

    other = ~same
    src, tgt, kind, ended = src[other], tgt[other], kind[other], ended[other]
    forward = np.ones(kind.shape[0], dtype=bool)  # every kind: the source inherits from the target
    backward = ~_PROP[kind]  # identity and adjacency links also carry risk the other way
    esrc = np.concatenate([src[forward], tgt[backward]])
    edst = np.concatenate([tgt[forward], src[backward]])
    e_kind = np.concatenate([kind[forward], kind[backward]])
    e_ended = np.concatenate([ended[forward], ended[backward]])
    e_rev = np.concatenate([np.zeros(int(forward.sum()), dtype=bool), np.ones(int(backward.sum()), dtype=bool)])
    us, ud = node_of[esrc], node_of[edst]
    keep = us != ud
    us, ud = us[keep], ud[keep]
    by_src = np.argsort(us, kind="stable")
    ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(us, minlength=n_nodes), out=ptr[1:])
    e_mode = _MODE[e_kind[keep]][by_src]
    dst = ud[by_src].astype(np.int32)
    if degree_override is not None:
        in_degree = np.bincount(node_of, weights=degree_override, minlength=n_nodes).astype(np.int64)
    else:
        in_degree = np.bincount(dst[e_mode == MODE_HOP], minlength=n_nodes).astype(np.int64)
    pairs_src = np.concatenate([s_src, s_dst])
    pairs_dst = np.concatenate([s_dst, s_src])
    same_order = np.argsort(pairs_src, kind="stable")
    return GraphIndex(
        ids=ids,
        pos=pos,
        node_of=node_of,
        n_nodes=int(n_nodes),
        member_ptr=member_ptr,
        member_ent=order,
        ptr=ptr,
        dst=dst,
        kind=e_kind[keep][by_src],
        mode=e_mode,
        ended=e_ended[keep][by_src],
        esrc=esrc[keep][by_src].astype(np.int32),
        edst=edst[keep][by_src].astype(np.int32),
        reverse=e_rev[keep][by_src],
        in_degree=in_degree,
        ent_flags=ent_flags,
        ent_aspi=ent_aspi,
        categories=categories,
        same_src=pairs_src[same_order].astype(np.int32),
        same_dst=pairs_dst[same_order].astype(np.int32),
        scope=scope,
    )


# -- neighbourhood index -------------------------------------------------------------
def build_local_index(
    store: Store,
    seeds: Iterable[str],
    weights: Weights,
    *,
    max_hops: int,
    max_links: int = 200_000,
) -> GraphIndex:
    """An index of everything the seeds can inherit from within ``max_hops``, read link by link.

    Holds exactly what a search from the seeds needs (the nodes they inherit from, the
    identity links around them, the flagged far ends of ``related_to`` links), so a
    single entity's risk and paths cost a few hundred look-ups, whatever the store's size.
    Hub sizes come from the in-links of each visited entity.
    """
    walk = LocalWalk(store, weights, max_hops, max_links)
    seed_list = list(dict.fromkeys(seeds))
    for seed in seed_list:
        walk.push(seed, 0, terminal=False)
    walk.run()
    if isinstance(store, EmbeddedStore):  # ASPI categories sit in attrs "category"/"categories"
        entities = store.get_flagged_entities(walk.visited(), or_containing="categor")
    else:
        entities = store.get_entities(walk.visited())
    flagged = [(e.id, ",".join(f.value for f in e.flags)) for e in entities.values() if e.flags]
    flagged.extend((seed, "") for seed in seed_list)  # an isolated, unflagged seed still gets a node
    aspi = [
        (e.id, cat)
        for e in entities.values()
        if e.provenance.dataset in weights.aspi_datasets and (cat := aspi_category(e))
    ]
    index = index_from_rows(walk.rows, flagged, aspi, in_degree=walk.degree, scope="local")
    if walk.cut:
        index.cut = True
        index.notes.append(f"neighbourhood cut at {max_links:,} links: results may be incomplete")
    return index
