"""Pausing Python's cyclic garbage collector around bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block.

    Bulk reads and ingests make millions of short-lived, acyclic objects (row tuples,
    records): every so often the collector walks all the objects still alive, again and
    again, which measured up to half the time of an ingest. Nothing they make is
    cyclic, so reference counting frees it all the same.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
