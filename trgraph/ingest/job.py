"""Run one ingest job: loader → batches → one all-or-nothing store transaction."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from trgraph.errors import InputError, RejectedRowsError
from trgraph.gcpause import gc_paused
from trgraph.ingest.base import Item, LoaderSpec, require_path
from trgraph.model import Entity, JsonDict, Link, Rejected
from trgraph.store import Store
from trgraph.store.base import Prepared

BATCH = 20_000
Progress = Callable[[int], None]


@dataclass(slots=True)
class IngestResult:
    """What an ingest job did, for the CLI and the tests."""

    kind: str
    dataset: str
    source: str
    run_id: int | None
    unchanged: bool
    entities: int = 0
    links: int = 0
    rejected: int = 0
    added: int = 0
    altered: int = 0
    removed: int = 0
    quarantine: str | None = None
    rejections: list[Rejected] = field(default_factory=list)

    def to_dict(self) -> JsonDict:
        """Plain-JSON form (first 20 rejections inline; all are in the quarantine file)."""
        return {
            "kind": self.kind,
            "dataset": self.dataset,
            "source": self.source,
            "run": self.run_id,
            "unchanged": self.unchanged,
            "accepted": {"entities": self.entities, "links": self.links},
            "rejected": self.rejected,
            "changes": {"added": self.added, "altered": self.altered, "removed": self.removed},
            "quarantine": self.quarantine,
            "rejections": [r.to_dict() for r in self.rejections[:20]],
        }


def file_hash(path: Path) -> str:
    """Content hash of a file, or of every file in a folder (names and bytes, sorted)."""
    h = hashlib.blake2b(digest_size=20)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(str(f.relative_to(path) if path.is_dir() else f.name).encode())
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def quarantine_path(store: Store, kind: str, dataset: str) -> Path:
    """Where rejected rows of a job go: beside an embedded store, else in the working folder."""
    base = Path(store.location)
    folder = base.parent if base.suffix and base.parent.exists() else Path.cwd()
    stem = base.stem if base.suffix else "trgraph"
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{stem}.{kind}.{dataset}")
    return folder / f"{safe}.quarantine.jsonl"


def run_ingest(
    store: Store,
    spec: LoaderSpec,
    path: Path,
    *,
    dataset: str | None = None,
    strict: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> IngestResult:
    """Load ``path`` with ``spec`` into ``store`` as one transaction.

    The same file content as the latest successful run of this kind and dataset is a
    no-op (unless ``force``). With ``strict``, any rejected row fails the job and
    nothing is written. Rejected rows are always written to the quarantine file.
    """
    require_path(path)
    ds = dataset or spec.dataset
    digest = file_hash(path)
    last = store.last_run(spec.kind, ds)
    if last is not None and last.file_hash == digest and not force:
        return IngestResult(spec.kind, ds, str(path), last.id, unchanged=True)
    result = IngestResult(spec.kind, ds, str(path), None, unchanged=False)
    begin = store.begin(kind=spec.kind, dataset=ds, source=str(path), file_hash=digest, replace=spec.replaces)
    with gc_paused(), begin as writer:
        entities: list[Entity] = []
        links: list[Link] = []
        prepare = writer.prepare
        items = spec.load_prepared(path, ds, prepare) if spec.load_prepared and prepare else spec.load(path, ds)
        for item in _counted(items, progress):
            if isinstance(item, Prepared):
                # staged in the order the loader gave them, so that the last version of an id wins
                if entities:
                    writer.put_entities(entities)
                if links:
                    writer.put_links(links)
                result.entities += len(entities) + len(item.entities)
                result.links += len(links) + len(item.links)
                entities, links = [], []
                writer.put_prepared(item)
            elif isinstance(item, Entity):
                entities.append(item)
                if len(entities) >= BATCH:
                    writer.put_entities(entities)
                    result.entities += len(entities)
                    entities = []
            elif isinstance(item, Link):
                links.append(item)
                if len(links) >= BATCH:
                    writer.put_links(links)
                    result.links += len(links)
                    links = []
            else:
                result.rejections.append(item)
        writer.put_entities(entities)
        writer.put_links(links)
        result.entities += len(entities)
        result.links += len(links)
        result.rejected = len(result.rejections)
        if result.rejections:
            qpath = quarantine_path(store, spec.kind, ds)
            _write_quarantine(qpath, result.rejections)
            result.quarantine = str(qpath)
        if strict and result.rejections:
            first = result.rejections[0]
            raise RejectedRowsError(
                f"{result.rejected} row(s) rejected under --strict; nothing was written. "
                f"First: {first.source}:{first.line}: {first.reason}. All rejected rows: {result.quarantine}"
            )
        if result.entities == 0 and result.links == 0 and not result.rejections:
            raise InputError("no records found", path=str(path))
        summary = writer.commit(accepted=result.entities + result.links, rejected=result.rejected)
    result.run_id = summary.run.id
    result.added, result.altered, result.removed = summary.run.added, summary.run.altered, summary.run.removed
    return result


def _counted(items: Iterator[Item | Prepared], progress: Progress | None) -> Iterator[Item | Prepared]:
    if progress is None:
        yield from items
        return
    told = 0
    for item in items:
        told += len(item.entities) + len(item.links) if isinstance(item, Prepared) else 1
        if told >= 10_000:
            progress(told)
            told = 0
        yield item
    progress(told)


def _write_quarantine(path: Path, rows: list[Rejected]) -> None:
    # Quarantine files are append-only logs of every job's rejections (with the row
    # itself), so nothing a user brought is ever lost, even when the job is refused.
    with path.open("ab") as fh:
        for row in rows:
            fh.write(orjson.dumps(row.to_dict()) + b"\n")
