"""Reading a big source file in a child process while this one writes the store.

An ingest job is two halves of similar cost: the loader (parsing, cleaning, building
entities and links) and the store writer (staging rows, then the set-based diff). For
a big file on a machine with more than one core, :func:`items` runs the loader in a
forked child that sends its items in batches through a bounded queue, so both halves
run at once. The transaction stays in this process, so the all-or-nothing promise is
unchanged: if the child fails or the job is interrupted, nothing is committed.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Iterator
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from trgraph.errors import InputError, TrgraphError
from trgraph.ingest.base import Item, LoaderFn

#: Files at least this big are read in a child process (when the machine has two cores).
PARALLEL_MIN_BYTES = 64 << 20
CHUNK = 5_000
QUEUE_CHUNKS = 16


def worth_it(path: Path) -> bool:
    """Whether a child process would pay off for this file (or folder) on this machine."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()] if path.is_dir() else []
    return sum(f.stat().st_size for f in files) >= PARALLEL_MIN_BYTES


def items(load: LoaderFn, path: Path, dataset: str) -> Iterator[Item]:
    """The loader's items, in the loader's order, produced by a forked child process."""
    ctx = multiprocessing.get_context("fork")
    queue: Queue[tuple[str, Any]] = ctx.Queue(maxsize=QUEUE_CHUNKS)
    child = ctx.Process(target=_produce, args=(load, path, dataset, queue), daemon=True, name="trgraph-loader")
    child.start()
    try:
        while True:
            what, payload = queue.get()
            if what == "items":
                yield from payload
            elif what == "done":
                return
            elif what == "input":
                raise InputError(payload)
            elif what == "trgraph":
                raise TrgraphError(payload)
            else:
                raise RuntimeError(f"the loader failed in its child process:\n{payload}")
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        queue.close()


def _produce(load: LoaderFn, path: Path, dataset: str, queue: Queue[tuple[str, Any]]) -> None:
    try:
        chunk: list[Item] = []
        for item in load(path, dataset):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                queue.put(("items", chunk))
                chunk = []
        queue.put(("items", chunk))
        queue.put(("done", None))
    except InputError as exc:  # a user's file problem: the parent reports it as usual
        queue.put(("input", str(exc)))
    except TrgraphError as exc:
        queue.put(("trgraph", str(exc)))
    except BaseException:  # a bug: hand its traceback to the parent
        queue.put(("crash", traceback.format_exc()))
    finally:
        queue.close()
        queue.join_thread()
