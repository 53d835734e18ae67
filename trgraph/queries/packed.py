"""Numbering millions of ids held in byte buffers, without a Python object per id.

The embedded store hands over each column of a chunk of links as one string of ids
joined by ``\\x1f`` (:meth:`trgraph.store.EmbeddedStore.packed_links`). This module
finds the ids in such buffers and hashes them with numpy, 8-byte words at a time, one
chunk at a time in a worker thread while SQLite packs the next chunk (both release the
GIL). The ids are then numbered in order of first appearance by their 64-bit hash; an
independent 64-bit hash and the length of every id are checked against those of the
first id with its number, and only the distinct ids are decoded to ``str``.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from trgraph.queries.index import GraphIndex, finish_index, flag_bits
from trgraph.store.embedded import PackedLinks

SEP = 0x1F
_WORD = 8
_MASKS = np.array([(1 << (8 * r)) - 1 for r in range(_WORD + 1)], dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_CHECK = np.uint64(0xC2B2AE3D27D4EB4F)


class UnpackableError(ValueError):
    """Ids that cannot be numbered from the buffers (an id holds the separator, or two ids
    share both hashes): read rows instead."""


@dataclass(slots=True)
class HashedIds:
    """The ids of one ``\\x1f``-joined buffer: where each starts, its length and its two hashes."""

    blob: bytes
    starts: NDArray[np.int64]
    lengths: NDArray[np.int64]
    hash: NDArray[np.uint64]
    check: NDArray[np.uint64]


def hash_ids(blob: bytes, count: int, keep: NDArray[np.bool_] | None = None) -> HashedIds:
    """Split ``blob`` into its ``count`` ids (those where ``keep``) and hash each one twice."""
    buf = np.frombuffer(blob + bytes(_WORD), dtype=np.uint8)
    starts, lengths = split_ids(buf[: len(blob)], count)
    if keep is not None:
        starts, lengths = starts[keep], lengths[keep]
    # a little-endian 8-byte word at every byte offset (unaligned: numpy gathers them fine)
    every = np.ndarray(shape=(buf.shape[0] - _WORD + 1,), dtype="<u8", buffer=buf, strides=(1,))
    h = lengths.astype(np.uint64) * _MIX
    check = lengths.astype(np.uint64) * _CHECK
    longest = int(lengths.max()) if lengths.shape[0] else 0
    for k in range(-(-longest // _WORD)):
        rows = np.flatnonzero(lengths > _WORD * k) if k else None
        at = starts if rows is None else starts[rows]
        rest = lengths if rows is None else lengths[rows]
        word = every[at + _WORD * k] & _MASKS[np.minimum(rest - _WORD * k, _WORD)]
        for acc, mult in ((h, _MIX), (check, _CHECK)):
            mixed = (acc if rows is None else acc[rows]) ^ word
            mixed *= mult
            mixed ^= mixed >> np.uint64(31)
            if rows is None:
                acc[:] = mixed
            else:
                acc[rows] = mixed
    return HashedIds(blob, starts, lengths, h, check)


def number_ids(parts: list[HashedIds]) -> tuple[NDArray[np.int64], list[str]]:
    """Number the ids of ``parts`` (in order) by first appearance: (codes, distinct ids)."""
    h = np.concatenate([p.hash for p in parts])
    n = h.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), []
    codes = np.asarray(pd.factorize(h.view(np.int64))[0], dtype=np.int64)
    is_first = np.empty(n, dtype=bool)
    is_first[0] = True
    is_first[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    first = np.flatnonzero(is_first)
    check = np.concatenate([p.check for p in parts])
    lengths = np.concatenate([p.lengths for p in parts])
    # gathers from the small per-number tables, not from the whole arrays
    if not (np.array_equal(check, check[first][codes]) and np.array_equal(lengths, lengths[first][codes])):
        raise UnpackableError("two different ids share a hash")
    # parts joined with a separator after each, so that every id is followed by one
    offsets = np.cumsum([0] + [len(p.blob) + 1 for p in parts[:-1]])
    starts = np.concatenate([p.starts + off for p, off in zip(parts, offsets, strict=True)])
    blob = b"\x1f".join(p.blob for p in parts) + b"\x1f"
    return codes, _decode(blob, starts[first], lengths[first])


def _decode(blob: bytes, starts: NDArray[np.int64], lengths: NDArray[np.int64]) -> list[str]:
    """The ids at ``starts`` (increasing, each followed by a separator in ``blob``) as ``str``:
    their bytes and separators picked out in one pass, then one decode and one split."""
    if starts.shape[0] == 0:
        return []
    size = len(blob)
    enter = np.zeros(size + 1, dtype=np.int8)
    leave = np.zeros(size + 1, dtype=np.int8)
    enter[starts] = 1
    leave[starts + lengths + 1] = 1  # just after the separator
    inside = np.cumsum(enter - leave, dtype=np.int8)[:size].view(bool)
    text: str = np.frombuffer(blob, dtype=np.uint8)[inside].tobytes().decode("utf-8")
    return text.split("\x1f")[:-1]


def index_from_packed(
    chunks: Iterable[PackedLinks],
    flagged: Iterable[tuple[str, str]],
    aspi: Iterable[tuple[str, str]] = (),
    *,
    scope: str = "store",
) -> GraphIndex:
    """The same index as :func:`trgraph.queries.index.index_from_rows` (ids numbered in the
    same order), from the chunks of :meth:`trgraph.store.EmbeddedStore.packed_links` read
    with the index's kind order (``ended`` was already judged against the day by the store)."""
    sources: list[Future[HashedIds]] = []
    targets: list[Future[HashedIds]] = []
    kind_parts: list[NDArray[np.int8]] = []
    ended_parts: list[NDArray[np.bool_]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="trgraph-ids") as pool:
        for chunk in chunks:
            codes = np.frombuffer(chunk.kinds, dtype=np.uint8).astype(np.int8) - np.int8(65)
            ended = np.frombuffer(chunk.ended, dtype=np.uint8) == ord("1")
            if codes.shape[0] != chunk.rows or ended.shape[0] != chunk.rows:
                raise UnpackableError("a packed column does not have one byte per link")
            keep = codes >= 0
            sources.append(pool.submit(hash_ids, chunk.sources, chunk.rows, keep))
            targets.append(pool.submit(hash_ids, chunk.targets, chunk.rows, keep))
            kind_parts.append(codes[keep])
            ended_parts.append(ended[keep])
        flag_pairs = [(i, flag_bits(f.split(","))) for i, f in flagged]
        aspi_pairs = list(aspi)
        extra = [i for i, _ in flag_pairs] + [i for i, _ in aspi_pairs]
        parts = [f.result() for f in [*sources, *targets]]
    parts.append(hash_ids("\x1f".join(extra).encode("utf-8"), len(extra)))
    codes_all, ids = number_ids(parts)
    return finish_index(ids, codes_all, kind_parts, ended_parts, flag_pairs, aspi_pairs, None, scope)


def split_ids(buf: NDArray[np.uint8], count: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(starts, lengths) of the ``count`` ids joined by ``\\x1f`` in ``buf``."""
    if count == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    seps = np.flatnonzero(buf == SEP)
    if seps.shape[0] != count - 1:
        raise UnpackableError(f"expected {count} ids, found {seps.shape[0] + 1}")
    starts = np.empty(count, dtype=np.int64)
    starts[0] = 0
    starts[1:] = seps + 1
    ends = np.empty(count, dtype=np.int64)
    ends[:-1] = seps
    ends[-1] = buf.shape[0]
    return starts, ends - starts
