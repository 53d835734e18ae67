"""Ingest benchmark: a synthetic 1M-entity / 2M-relationship FtM file, and the real ROR subset.

Each ingest runs as a child process (`trgraph ingest …`, a fresh embedded store) so
that its wall time and peak memory (resident memory summed over the child and the
worker processes it forks) are measured as a user would see them. Targets (issue 2):
FtM file < 180 s and < 4 GiB; ROR subset < 30 s.
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
    """Run one ingest in a child process; return (seconds, peak memory in MiB, its stdout).

    The peak is the largest sum of resident memory over the child and its own worker
    processes, sampled from /proc every 0.2 s (pages a forked worker shares with its
    parent count twice: an upper bound); without /proc, the largest single process.
    """
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "trgraph.cli.__main__", "--store", str(store), "ingest", kind, str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    tree_peak = 0.0
    while proc.poll() is None:
        tree_peak = max(tree_peak, _tree_rss_mib(proc.pid))
        time.sleep(0.2)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    if proc.returncode != 0:
        raise SystemExit(f"ingest {kind} failed: {err.strip()}")
    return elapsed, max(tree_peak, peak), out.strip()


def _tree_rss_mib(root: int) -> float:
    """Resident memory (MiB) of a process and all its descendants, from /proc (0 without it)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total / 1024


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
        print(f"ROR subset (35,990 records): {secs:.1f} s, peak memory {mib:.0f} MiB  [target < 30 s]")
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
        f"{args.entities / secs:,.0f} entities/s, {total / secs:,.0f} records/s, peak memory {mib:.0f} MiB "
        "[target < 180 s, < 4096 MiB]"
    )
    print(f"  {out}")


if __name__ == "__main__":
    main()
