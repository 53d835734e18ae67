"""Ingest jobs: one loader module per source kind, registered in :data:`LOADERS`."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

from trgraph.ingest.base import Item, LoaderFn, LoaderSpec, PreparedLoaderFn
from trgraph.ingest.job import IngestResult, run_ingest
from trgraph.store.base import Prepared, Preparer


def _lazy(module: str, function: str) -> LoaderFn:
    # Loaders import their parsers lazily so that `trgraph --help` stays fast.
    def load(path: Path, dataset: str) -> Iterator[Item]:
        fn: LoaderFn = getattr(importlib.import_module(module), function)
        return fn(path, dataset)

    load.__name__ = function
    return load


def _lazy_prepared(module: str, function: str) -> PreparedLoaderFn:
    def load(path: Path, dataset: str, prepare: Preparer) -> Iterator[Item | Prepared]:
        fn: PreparedLoaderFn = getattr(importlib.import_module(module), function)
        return fn(path, dataset, prepare)

    load.__name__ = function
    return load


LOADERS: dict[str, LoaderSpec] = {
    spec.kind: spec
    for spec in (
        LoaderSpec("partners", "register", _lazy("trgraph.ingest.register", "load_partners"),
                   "collaboration register (CSV or .xlsx)"),
        LoaderSpec("links", "links", _lazy("trgraph.ingest.register", "load_links"),
                   "known relationships CSV (source, relation, target, share_pct, dates, evidence)"),
        LoaderSpec("ror", "ror", _lazy("trgraph.ingest.ror", "load_ror"), "ROR registry dump (.zip or .json)"),
        LoaderSpec("csl", "csl", _lazy("trgraph.ingest.csl", "load_csl"), "US Consolidated Screening List CSV"),
        LoaderSpec("ofac", "ofac", _lazy("trgraph.ingest.ofac", "load_ofac"),
                   "OFAC SDN legacy CSV (folder with sdn.csv and add.csv)"),
        LoaderSpec("uk-sanctions", "uk_sanctions", _lazy("trgraph.ingest.uksanctions", "load_uk_sanctions"),
                   "UK Sanctions List (FCDO summary CSV or normalised tables folder)"),
        LoaderSpec("un-sc", "un_sc", _lazy("trgraph.ingest.unsc", "load_un_sc"), "UN SC consolidated list XML"),
        LoaderSpec("ftm", "ftm", _lazy("trgraph.ingest.ftm", "load_ftm"), "FollowTheMoney JSON lines",
                   load_prepared=_lazy_prepared("trgraph.ingest.ftm_parallel", "load_ftm_prepared")),
        LoaderSpec("aspi", "aspi", _lazy("trgraph.ingest.aspi", "load_aspi"),
                   "ASPI China Defence Universities Tracker (MISP galaxy JSON)"),
        LoaderSpec("gleif", "gleif", _lazy("trgraph.ingest.gleif", "load_gleif"),
                   "GLEIF API v1 JSON (LEI records and relationship records)"),
        LoaderSpec("openalex", "openalex", _lazy("trgraph.ingest.openalex", "load_openalex"),
                   "OpenAlex API JSON (works, authors, institutions)"),
    )
}

__all__ = ["LOADERS", "IngestResult", "Item", "LoaderSpec", "run_ingest"]
