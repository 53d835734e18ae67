"""Ingest benchmark: a synthetic 1M-entity / 2M-relationship FtM file, and the real ROR subset.

Each ingest runs as a child process (`trgraph ingest …`, a fresh embedded store) so
that its wall time and peak memory (max RSS of the child) are measured as a user
would see them. Targets (issue 2): FtM file < 180 s and < 4 GiB; ROR subset < 30 s.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(HERE))


def timed_ingest(kind: str, path: Path, store: Path) -> tuple[float, float, str]:
    """Run one ingest in a child process; return (seconds, peak RSS in MiB, its stdout)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "trgraph.cli.__main__", "--store", str(store), "ingest", kind, str(path)],
        capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        raise SystemExit(f"ingest {kind} failed: {proc.stderr.strip()}")
    # ru_maxrss of children is the max over all children so far; each run is the largest yet
    # or we report the running max, which is an upper bound for this run.
    return elapsed, max(peak, before) / 1024, proc.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--relationships", type=int, default=2_000_000)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--skip-ftm", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    ror = SHARED / "registries" / "ror-data-subset-2026-06-23.zip"
    if ror.exists():
        secs, mib, out = timed_ingest("ror", ror, args.work / "ror.db")
        print(f"ROR subset (35,990 records): {secs:.1f} s, peak RSS {mib:.0f} MiB  [target < 30 s]")
        print(f"  {out}")
    else:
        print("ROR subset: skipped (../shared/data is absent)")

    if args.skip_ftm:
        return
    from synth_ftm import generate

    ftm = args.work / f"synth-{args.entities}-{args.relationships}.ftm.json"
    if not ftm.exists():
        start = time.perf_counter()
        generate(ftm, entities=args.entities, relationships=args.relationships)
        print(f"generated {ftm.name} in {time.perf_counter() - start:.1f} s ({ftm.stat().st_size / 2**20:.0f} MiB)")
    secs, mib, out = timed_ingest("ftm", ftm, args.work / "ftm.db")
    total = args.entities + args.relationships
    print(
        f"FtM synthetic ({args.entities:,} entities + {args.relationships:,} relationships): {secs:.1f} s, "
        f"{args.entities / secs:,.0f} entities/s, {total / secs:,.0f} records/s, peak RSS {mib:.0f} MiB "
        "[target < 180 s, < 4096 MiB]"
    )
    print(f"  {out}")


if __name__ == "__main__":
    main()
