"""The whole-store index, saved beside the embedded store and reused while the store is unchanged.

Building the index of a large store takes seconds; loading a saved one takes a
fraction of that, which is what makes ``trgraph paths`` and ``trgraph risk`` on one
entity answer in well under a second on millions of links. A saved index is only
used when its key matches exactly: the store's random id and write generation (every
committed write increments it, see :mod:`trgraph.store.embedded_schema`), the day
(ended links are judged against it), the ASPI datasets and the index format. Anything
else (another store, one more ingest, screen or decision, the next day, a newer
trgraph) rebuilds it. The file holds a JSON header and raw arrays (no pickles), is
replaced atomically, mapped rather than read, and safe to delete at any time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import mmap
import os
import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from trgraph import __version__
from trgraph.queries.index import GraphIndex, LazyPositions, build_index, build_local_index
from trgraph.queries.weights import Weights
from trgraph.store import EmbeddedStore, Store

FORMAT = "trgraph-index-2"
MAGIC = b"TRGIDX2\n"
_ALIGN = 64
_ARRAYS = ("node_of", "member_ptr", "member_ent", "ptr", "dst", "kind", "mode", "ended", "esrc", "edst", "reverse",
           "in_degree", "ent_flags", "ent_aspi", "same_src", "same_dst")


def snapshot_path(store: EmbeddedStore) -> Path:
    """Where the saved index of ``store`` lives: beside it, named after it."""
    return store.path.with_name(store.path.name + ".index")


def snapshot_key(store: EmbeddedStore, aspi_datasets: Sequence[str], today: str) -> str | None:
    """What a saved index must have been built from to be used now (read before the facts);
    None for a store without an id (nothing would tell two such stores apart)."""
    store_id, generation = store.generation()
    if not store_id:
        return None
    return orjson.dumps([FORMAT, __version__, store_id, generation, today, sorted(aspi_datasets)]).decode()


def current_index(store: Store, *, aspi_datasets: Sequence[str] = ("aspi",), today: str | None = None) -> GraphIndex:
    """The index of the store's current facts: the saved one when its key matches, else built
    (and, for the embedded store, saved for the next command)."""
    today = today or dt.date.today().isoformat()
    if not isinstance(store, EmbeddedStore) or (key := snapshot_key(store, aspi_datasets, today)) is None:
        return build_index(store, aspi_datasets=aspi_datasets, today=today)
    path = snapshot_path(store)
    index = load_index(path, key)
    if index is None:
        index = build_index(store, aspi_datasets=aspi_datasets, today=today)
        with contextlib.suppress(OSError):  # a read-only folder: the next command builds it again
            save_index(path, key, index)
    return index


def entity_index(store: Store, entity_id: str, weights: Weights, *, max_hops: int) -> GraphIndex:
    """The index to answer for one entity: the embedded store's whole-store index (saved
    beside it, so loaded in a fraction of a second while the store is unchanged), or, in
    a server store, the neighbourhood the entity can inherit from, read link by link."""
    if isinstance(store, EmbeddedStore):
        return current_index(store, aspi_datasets=weights.aspi_datasets)
    return build_local_index(store, [entity_id], weights, max_hops=max_hops)


def _aligned(offset: int) -> int:
    """``offset`` rounded up to the next multiple of :data:`_ALIGN`."""
    return -(-offset // _ALIGN) * _ALIGN


def save_index(path: Path, key: str, index: GraphIndex) -> None:
    """Write ``index`` under ``key`` to ``path`` atomically (a temporary file, then a rename).

    Layout: :data:`MAGIC`, the header's length (8 bytes, little-endian), the header (JSON:
    the key, the small fields, where each array and the ids sit), then the arrays, each
    at a 64-byte boundary, and the ids as a JSON list.
    """
    blobs: list[tuple[str, bytes, str, list[int]]] = [
        (name, np.ascontiguousarray(arr).tobytes(), arr.dtype.str, list(arr.shape))
        for name in _ARRAYS for arr in [getattr(index, name)]
    ]
    blobs.append(("ids", orjson.dumps(index.ids), "", []))
    places: dict[str, list[Any]] = {}
    offset = 0
    for name, data, dtype, shape in blobs:
        offset = _aligned(offset)
        places[name] = [offset, len(data), dtype, shape]
        offset += len(data)
    head = orjson.dumps({"key": key, "n_nodes": index.n_nodes, "categories": index.categories, "scope": index.scope,
                         "cut": index.cut, "notes": index.notes, "places": places})
    start = _aligned(len(MAGIC) + 8 + len(head))
    handle, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + struct.pack("<Q", len(head)) + head)
            for name, data, _, _ in blobs:
                out.seek(start + places[name][0])
                out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_index(path: Path, key: str) -> GraphIndex | None:
    """The index saved at ``path`` if it was saved under ``key``; None when absent, stale or unreadable.

    The arrays are mapped, not read: a question about one entity touches only the pages it needs.
    """
    try:
        with path.open("rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                return None
            (size,) = struct.unpack("<Q", f.read(8))
            head = orjson.loads(f.read(size))
            if not isinstance(head, dict) or head.get("key") != key:
                return None
            start = _aligned(len(MAGIC) + 8 + size)
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
        places = head["places"]
        arrays = {}
        for name in _ARRAYS:
            offset, length, dtype, shape = places[name]
            arrays[name] = np.frombuffer(mapped, dtype=np.dtype(dtype), count=length // np.dtype(dtype).itemsize,
                                         offset=start + offset).reshape(shape)
        offset, length, _, _ = places["ids"]
        ids = orjson.loads(mapped[start + offset : start + offset + length])
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return None  # absent, half-written by a crashed process, or not ours: rebuild
    if not isinstance(ids, list):
        return None
    return GraphIndex(ids=ids, pos=LazyPositions(ids), n_nodes=int(head["n_nodes"]),
                      categories=list(head["categories"]), scope=str(head["scope"]), cut=bool(head["cut"]),
                      notes=list(head["notes"]), **arrays)
