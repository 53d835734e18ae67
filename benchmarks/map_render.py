"""Benchmark: a 500-partner portfolio map in headless Chromium, time until the layout stabilises.

Builds a synthetic portfolio (500 partners, a quarter with risk paths through shared
intermediate bodies to 60 flagged entities), renders the map, opens it from a file://
URL with the network blocked and reads, from the page itself, how long vis-network
took from the map script's start until ``stabilizationIterationsDone`` (after which
physics is switched off). Prints the figures; the issue's target is under 10 s.

    .venv/bin/python benchmarks/map_render.py [--partners 500] [--runs 3]

Needs the Debian packages chromium and chromium-driver, and selenium (dev extra).
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from trgraph.model import Entity, EntityKind, Link, LinkKind, Provenance, link_id
from trgraph.render.map import portfolio_map

COUNTRIES = ("CN", "DE", "GB", "US", "FR", "IN", "JP", "CH", "RU", "IR")
DEPARTMENTS = ("Physics", "Chemistry", "Aeronautics", "Computer Science", "Medicine", "Engineering")
FLAGS = ("military", "export_control", "sanction", "state", "security", "defence_industry")
TIERS = ("very_high", "high", "medium", "low")


def synthetic(n_partners: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[Entity], list[Link]]:
    """Risk objects, entities and agreements of a made-up portfolio."""
    rnd = random.Random(seed)
    prov = Provenance("bench", "x", "synthetic")
    home = Entity("register:home", EntityKind.HOME, "Benchmark University", prov, country="GB")
    entities: list[Entity] = [home]
    links: list[Link] = []
    mids = [{"id": f"ror:mid{i}", "name": f"Intermediate body {i}", "kind": "organisation", "flags": []}
            for i in range(80)]
    targets = [{"id": f"list:t{i}", "name": f"Flagged entity {i}", "kind": "organisation",
                "flags": [rnd.choice(FLAGS)]} for i in range(60)]
    partners: list[dict[str, Any]] = []
    for i in range(n_partners):
        pid = f"register:partner:p{i}"
        entities.append(Entity(pid, EntityKind.ORGANISATION, f"Partner organisation {i}", prov,
                               country=rnd.choice(COUNTRIES)))
        for a in range(rnd.randint(1, 3)):
            links.append(Link(link_id(LinkKind.COLLABORATES_WITH, home.id, pid, f"{i}-{a}"),
                              LinkKind.COLLABORATES_WITH, home.id, pid, prov,
                              {"amount_gbp": rnd.randint(5, 500) * 1000, "department": rnd.choice(DEPARTMENTS)}))
        if rnd.random() < 0.25:
            paths = []
            for _ in range(rnd.randint(1, 3)):
                chain = [rnd.choice(mids) for _ in range(rnd.randint(0, 2))]
                target = rnd.choice(targets)
                nodes = [{"id": pid, "name": f"Partner organisation {i}", "kind": "organisation", "flags": []},
                         *chain, target]
                plinks = [{"kind": "part_of", "source": a["id"], "target": b["id"], "provenance": None}
                          for a, b in itertools.pairwise(nodes)]
                paths.append({"hops": len(plinks), "score": 0.5, "nodes": nodes, "links": plinks,
                              "target": {**target, "lists": ["Synthetic list"]}})
            partners.append({"id": pid, "name": f"Partner organisation {i}", "tier": rnd.choice(TIERS),
                             "score": rnd.random(), "flags": sorted({p["target"]["flags"][0] for p in paths}),
                             "min_hops": min(p["hops"] for p in paths), "paths": paths})
    return partners, entities, links


def measure(path: Path, runs: int) -> list[tuple[float, float]]:
    """(stabilisation ms from the map script's start, ms since navigation start) per run."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        sys.exit("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1400,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    out = []
    try:
        for _ in range(runs):
            driver.get(path.resolve().as_uri())
            deadline = time.monotonic() + 120
            while not driver.execute_script("return !!(window.trgraph && window.trgraph.stable)"):
                if time.monotonic() > deadline:
                    sys.exit("the layout did not stabilise within 120 s")
                time.sleep(0.05)
            stable, since_nav = driver.execute_script(
                "return [window.trgraph.stableMs, window.trgraph.startedMs + window.trgraph.stableMs]")
            out.append((float(stable), float(since_nav)))
    finally:
        driver.quit()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    partners, entities, links = synthetic(args.partners)
    clock = time.perf_counter()
    doc = portfolio_map(partners, entities, links)
    page = doc.render()
    build_s = time.perf_counter() - clock
    with tempfile.TemporaryDirectory() as folder:
        path = page.write(Path(folder) / "map.html")
        size = path.stat().st_size
        results = measure(path, args.runs)
    stable = [r[0] for r in results]
    print(f"map_render: {args.partners} partners ({len(partners)} with paths) -> {len(doc.nodes)} nodes, "
          f"{len(doc.edges)} edges, {size / 1e6:.2f} MB HTML; built in {build_s:.2f} s")
    print(f"map_render: layout stabilised in {statistics.median(stable) / 1000:.2f} s median "
          f"(runs: {', '.join(f'{s / 1000:.2f}' for s in stable)} s; from navigation start "
          f"{statistics.median(r[1] for r in results) / 1000:.2f} s); target < 10 s")


if __name__ == "__main__":
    main()
