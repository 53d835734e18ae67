"""Commands that bring data in and describe it: ingest, stats."""

from __future__ import annotations

import dataclasses
import functools
import sys
from pathlib import Path

import click

from trgraph.ingest import LOADERS, IngestResult, run_ingest
from trgraph.ingest.register import DEFAULT_HOME, load_links, load_partners
from trgraph.model import JsonDict
from trgraph.store import Store

from .common import AppContext, emit, json_option, note, pass_app


def ingest_source(
    store: Store,
    kind: str,
    path: Path,
    *,
    dataset: str | None = None,
    strict: bool = False,
    force: bool = False,
    home: str = DEFAULT_HOME,
    show_progress: bool = False,
) -> IngestResult:
    """Ingest one source; wires the register and links loaders to their options and the store."""
    spec = LOADERS[kind]
    if kind == "partners":
        spec = dataclasses.replace(spec, load=functools.partial(load_partners, home=home))
    elif kind == "links":
        spec = dataclasses.replace(
            spec,
            dataset=f"links:{path.stem}",
            load=functools.partial(load_links, lookup=functools.partial(_lookup, store)),
        )
    progress = _Progress(kind) if show_progress else None
    try:
        return run_ingest(store, spec, path, dataset=dataset, strict=strict, force=force,
                          progress=progress.update if progress else None)
    finally:
        if progress:
            progress.done()


class _Progress:
    """A one-line record counter on stderr for interactive terminals."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.count = 0

    def update(self, n: int) -> None:
        self.count += n
        click.echo(f"\ringest {self.kind}: {self.count:,} records read", err=True, nl=False)

    def done(self) -> None:
        click.echo("", err=True)


def _lookup(store: Store, ref: str) -> list[str]:
    entity = store.get_entity(ref)
    if entity is not None:
        return [entity.id]
    return [e.id for e in store.find_by_name(ref)]


@click.command()
@click.argument("kind", type=click.Choice(sorted(LOADERS)))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dataset", help="Dataset name (replacement scope); defaults to the kind's own.")
@click.option("--strict", is_flag=True, help="Fail, writing nothing, if any row is rejected.")
@click.option("--force", is_flag=True, help="Re-read the file even if this exact file was ingested last.")
@click.option("--home", default=DEFAULT_HOME, show_default=True, help="partners: the home institution's name.")
@json_option
@pass_app
def ingest(
    app: AppContext, kind: str, path: Path, dataset: str | None, strict: bool, force: bool, home: str, as_json: bool
) -> None:
    """Load one source file (or folder) of KIND into the store, all or nothing.

    \b
    KIND   what it reads
    """
    store = app.store()
    interactive = sys.stderr.isatty() and not as_json
    result = ingest_source(
        store, kind, path, dataset=dataset, strict=strict, force=force, home=home, show_progress=interactive
    )

    def text() -> None:
        if result.unchanged:
            click.echo(f"{kind} {path}: unchanged since run {result.run_id}; nothing to do.")
            return
        click.echo(
            f"{kind} {path}: accepted {result.entities} entities and {result.links} links, "
            f"rejected {result.rejected} rows (run {result.run_id}, dataset {result.dataset}; "
            f"{result.added} added, {result.altered} altered, {result.removed} removed)."
        )
        for r in result.rejections[:10]:
            note(f"  rejected {r.source}:{r.line}: {r.reason}")
        if result.quarantine:
            note(f"  rejected rows written to {result.quarantine}")

    emit(result.to_dict(), as_json, text)


ingest.help = str(ingest.help or "") + "".join(
    f"\n   {k:<13}{s.summary}" for k, s in sorted(LOADERS.items())
)


@click.command()
@json_option
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Counts of entities and links by kind, link kind, flag and dataset."""
    data: JsonDict = app.store().stats()

    def text() -> None:
        click.echo(f"store {data['store']}: {data['entities']} entities, {data['links']} links, {data['runs']} runs")
        for section in ("by_kind", "by_link_kind", "by_flag"):
            click.echo(f"{section.replace('_', ' ')}:")
            for key, n in data[section].items():
                click.echo(f"  {key:<24}{n:>10}")
        click.echo("by dataset:")
        for key, counts in data["by_dataset"].items():
            click.echo(f"  {key:<24}{counts['entities']:>10} entities {counts['links']:>10} links")

    emit(data, as_json, text)


COMMANDS: list[click.Command] = [ingest, stats]


@click.command()
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("trgraph-demo"), show_default=True,
              help="Folder for the demo store, map and reports.")
def demo(out: Path) -> None:
    """Build a store from the bundled sample data and run the whole chain on it.

    A fictional UK university's register is screened against real extracts of the
    Entity List, the ASPI tracker, the DoD 1260H list and the ROR registry.
    """
    from trgraph.demo import run_demo

    result = run_demo(out, echo=click.echo)
    s = result.stats
    click.echo(f"\nstore {result.store}: {s['entities']} entities, {s['links']} links")
    for line in result.lines:
        click.echo(line)
    for label, path in result.outputs.items():
        click.echo(f"{label}: {path}")


COMMANDS.append(demo)
