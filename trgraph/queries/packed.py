"""The whole-store index from the embedded store's numbered links, without a Python object per link.

The embedded store numbers every id that ends a link and hands over all current
links as a few strings (:meth:`trgraph.store.EmbeddedStore.numbered_links`): the two
end numbers in decimal, one byte per kind and per end flag. numpy turns those
into arrays directly; only the numbers in use are kept (in number order) and only
their ids become index entries.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from trgraph.queries.index import GraphIndex, finish_index, flag_bits
from trgraph.store.embedded_bulk import NumberedLinks


class UnpackableError(ValueError):
    """Links the packed read cannot number (a column that does not parse, an unnumbered
    link): read rows instead."""


def decode_numbers(packed: bytes, rows: int) -> NDArray[np.int64]:
    """The ``rows`` numbers written in decimal, separated by commas, in ``packed``."""
    if not rows:
        return np.empty(0, dtype=np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy only warns when a string does not parse to its end
        try:
            numbers = np.fromstring(packed, dtype=np.int64, sep=",")
        except (DeprecationWarning, ValueError) as err:
            raise UnpackableError(f"numbers that do not parse: {err}") from err
    if numbers.shape[0] != rows:
        raise UnpackableError(f"expected {rows} numbers, got {numbers.shape[0]}")
    return numbers


def index_from_numbered(
    links: NumberedLinks,
    flagged: Iterable[tuple[str, str]],
    aspi: Iterable[tuple[str, str]] = (),
    *,
    scope: str = "store",
) -> GraphIndex:
    """The index of :func:`trgraph.queries.index.index_from_rows` from numbered links read with
    the index's kind order (``ended`` was already judged against the day by the store).

    Entities are numbered in the store's order (the order their ids first ended a link),
    then flagged and ASPI entities that end no current link, in the order given.
    """
    kinds = np.frombuffer(links.kinds, dtype=np.uint8).astype(np.int8) - np.int8(65)
    ended = np.frombuffer(links.ended, dtype=np.uint8) == ord("1")
    if kinds.shape[0] != links.rows or ended.shape[0] != links.rows:
        raise UnpackableError("a packed column does not have one byte per link")
    keep = kinds >= 0
    src = decode_numbers(links.sources, links.rows)[keep]
    tgt = decode_numbers(links.targets, links.rows)[keep]
    used = np.zeros(len(links.ids), dtype=bool)
    if src.shape[0]:
        if min(int(src.min()), int(tgt.min())) < 1 or max(int(src.max()), int(tgt.max())) >= len(links.ids):
            raise UnpackableError("a link end has no number")
        used[src] = True
        used[tgt] = True
    renumber = np.cumsum(used, dtype=np.int64) - 1
    ids = [links.ids[i] for i in np.flatnonzero(used).tolist()]
    pos = dict(zip(ids, range(len(ids)), strict=True))
    flag_pairs = [(i, flag_bits(f.split(","))) for i, f in flagged]
    aspi_pairs = list(aspi)
    extra = np.empty(len(flag_pairs) + len(aspi_pairs), dtype=np.int64)
    for k, entity_id in enumerate([i for i, _ in flag_pairs] + [i for i, _ in aspi_pairs]):
        code = pos.get(entity_id)
        if code is None:
            code = pos[entity_id] = len(ids)
            ids.append(entity_id)
        extra[k] = code
    codes_all = np.concatenate([renumber[src], renumber[tgt], extra])
    return finish_index(ids, codes_all, [kinds[keep]], [ended[keep]], flag_pairs, aspi_pairs, None, scope, pos=pos)
