"""Screening benchmark: 5,000 register names against everything ingested from ../shared/data.

The store holds every real source (ROR subset, CSL Entity List/MEU and samples, OFAC,
UK and UN sanctions, DoD 1260H/1286, ZALA FtM, ASPI, GLEIF, OpenAlex: about 70,000
entities and their aliases). The register is synthesised, seeded: real ROR and list
names perturbed the way registers misspell them (Univ./Inst./Tech. abbreviations,
dropped or swapped letters, case, "X University" for "University of X", added legal
forms, Chinese-script names as they are) plus fictional organisations and people.
The measured time is one full `screen` run (index build, 5,000 subjects, list
entries linked to registry organisations, outcomes written). Target: < 60 s.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from trgraph.cli.data import ingest_source  # noqa: E402
from trgraph.errors import TrgraphError  # noqa: E402
from trgraph.model import Entity, EntityKind  # noqa: E402
from trgraph.resolve import ScreenConfig, screen  # noqa: E402
from trgraph.store import EmbeddedStore, Store  # noqa: E402

SOURCES = (
    ("ror", "registries/ror-data-subset-2026-06-23.zip", "ror"),
    ("csl", "lists/us_csl_el_meu_2026-07.csv", "csl_el_meu"),
    ("csl", "lists/us_csl_official_sample_2025.csv", "csl_2025"),
    ("csl", "lists/us_csl_official_sample_2019.csv", "csl_2019"),
    ("ofac", "lists/ofac_sdn_2023-01", "ofac"),
    ("uk-sanctions", "lists/uk_sanctions_list_2026-04", "uk_sanctions"),
    ("uk-sanctions", "lists/uk_sanctions_list_fcdo_summary_2025-08-11.csv", "uk_fcdo_summary"),
    ("un-sc", "lists/un_sc_consolidated_2026-02-27.xml", "un_sc"),
    ("ftm", "lists/us_dod_1260h_2026.ftm.json", "us_dod_1260h"),
    ("ftm", "lists/us_dod_1286_fy24.ftm.json", "us_dod_1286"),
    ("ftm", "ownership/zala_group.ftm.json", "zala"),
    ("aspi", "lists/aspi_china_defence_universities_misp_2020.json", "aspi"),
    ("gleif", "ownership/gleif_api_responses", "gleif"),
    ("openalex", "publications/openalex_api_responses", "openalex"),
)

_ABBREVIATE = (("University", "Univ."), ("Institute", "Inst."), ("Technology", "Tech."), ("Academy", "Acad."),
               ("Sciences", "Sci."), ("Science", "Sci."), (" and ", " & "), ("International", "Int'l"))
_FICTIONAL = ("Wessex", "Aldermoor", "Quantock", "Brightwater", "Kestrel", "Harrowgate", "Lindqvist", "Orrin",
              "Pellham", "Tamsworth", "Velloria", "Zentrix", "Corvane", "Dunmere", "Elsworth", "Fairhaven")
_KINDS = ("Quantum Systems", "Photonics", "Advanced Materials", "Bio Labs", "Robotics", "Analytics",
          "Research Institute", "Polytechnic", "Engineering Group", "Data Works")
_FORMS = ("Ltd", "Limited", "GmbH", "Inc.", "Co., Ltd.", "S.A.", "")
_GIVEN = ("Anna", "Wei", "Olga", "James", "Li", "Fatima", "Sergei", "Maria", "Hiroshi", "Amara", "Jun", "Pavel")
_FAMILY = ("Smith", "Zhang", "Ivanova", "Okafor", "Wang", "Petrov", "Garcia", "Tanaka", "Haddad", "Chen")


def build_store(path: Path) -> Store:
    """Ingest every source present in ../shared/data into a fresh store."""
    store = EmbeddedStore(path)
    for kind, rel, dataset in SOURCES:
        src = SHARED / rel
        if not src.exists():
            print(f"  skip {rel}: absent")
            continue
        try:
            res = ingest_source(store, kind, src, dataset=dataset)
        except (TrgraphError, KeyError) as exc:
            print(f"  skip {kind} {rel}: {exc}")
            continue
        print(f"  {kind:<13} {rel:<55} {res.entities:>7} entities")
    return store


def perturb(name: str, rng: random.Random) -> str:
    """One register-style variant of a real name."""
    roll = rng.random()
    if roll < 0.25:
        for long, short in _ABBREVIATE:
            if long in name:
                return name.replace(long, short, 1)
    if roll < 0.45 and len(name) > 8:
        i = rng.randrange(1, len(name) - 2)
        if name[i].isalpha() and name[i + 1].isalpha():
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swapped letters
        return name[:i] + name[i + 1 :]  # dropped letter
    if roll < 0.6 and name.startswith("University of "):
        return f"{name[len('University of '):]} University"
    if roll < 0.7:
        return name.upper()
    if roll < 0.8:
        return f"{name} {rng.choice(_FORMS)}".strip()
    return name


def synthesise(store: Store, count: int, seed: int) -> list[dict[str, str]]:
    """Register rows with distinct names: 60% perturbed registry names, 15% perturbed list names,
    20% fictional organisations, 5% fictional people."""
    rng = random.Random(seed)
    registry: list[Entity] = []
    listed: list[Entity] = []
    for e in store.iter_entities(kind=EntityKind.ORGANISATION.value):
        if e.flags or e.lists:
            listed.append(e)
        elif not e.attrs.get("unresolved"):
            registry.append(e)
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    while len(rows) < count:
        roll = rng.random()
        country, ptype = "", "university"
        if roll < 0.60 and registry:
            e = rng.choice(registry)
            name, country = perturb(rng.choice(e.all_names()), rng), e.country or ""
        elif roll < 0.75 and listed:
            e = rng.choice(listed)
            name, country, ptype = perturb(e.name, rng), e.country or "", "company"
        elif roll < 0.95:
            name = f"{rng.choice(_FICTIONAL)} {rng.choice(_FICTIONAL)} {rng.choice(_KINDS)} {rng.choice(_FORMS)}"
            name = name.strip()
            country, ptype = "GB", "company"
        else:
            name, ptype = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}", "person"
        if name.casefold() in seen:  # the register makes one entity per distinct name
            continue
        seen.add(name.casefold())
        rows.append({"agreement_id": f"B{len(rows):05d}", "partner_name": name, "partner_country": country,
                     "partner_type": ptype, "department": "Bench", "amount_gbp": "1000"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--names", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20260801)
    parser.add_argument("--no-lists", action="store_true", help="Skip linking list entries to registries.")
    parser.add_argument("--work", type=Path, help="Folder for the store (default: a temporary one).")
    args = parser.parse_args()
    if not SHARED.exists():
        raise SystemExit("../shared/data is absent: nothing to screen against")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        db = work / "screening-bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        print("building the store from ../shared/data:")
        store = build_store(db)
        rows = synthesise(store, args.names, args.seed)
        register = work / "register.csv"
        with register.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        res = ingest_source(store, "partners", register)
        stats = store.stats()
        print(f"register: {res.entities} entities from {len(rows)} rows; store: {stats['entities']} entities")
        marks: list[tuple[str, float]] = []
        start = time.perf_counter()
        result = screen(store, ScreenConfig(lists=not args.no_lists),
                        progress=lambda m: marks.append((m, time.perf_counter() - start)))
        elapsed = time.perf_counter() - start
        for message, at in marks:
            print(f"  {at:6.1f} s  {message}")
        counts = result.counts()
        print(f"screened {result.subjects} register subjects"
              + ("" if args.no_lists else f" and {result.list_entries} list entries")
              + f" against {result.candidates} entities: {elapsed:.1f} s  [target < 60 s]")
        print("  outcomes: " + ", ".join(f"{counts[k]} {k}" for k in counts))
        store.close()


if __name__ == "__main__":
    main()
