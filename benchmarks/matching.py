"""Matching benchmark: trgraph's resolver against a plain rapidfuzz WRatio baseline.

(a) The labelled name pairs of ../shared/data/matching/name_pairs_labelled.csv
    (nomenklatura's name_bench): precision, recall and F1 on the organisation pairs
    (Company, Organization, LegalEntity; people and vessels are reported apart). A
    pair is a match for trgraph when it would be proposed (score >= review, 0.7) and
    when it would be linked unseen (score >= auto, 0.9); the baseline is
    ``fuzz.WRatio >= 90`` and, for reference, WRatio at the threshold that happens to be
    best on this very set (an oracle no real run has).
(b) The Crossref affiliation strings of crossref_affiliation_strings_to_ror.csv whose
    gold ROR id is in the ROR subset, each distinct string once: top-1 accuracy (the
    answer, a hit >= review, is a gold record: the file labels some strings with several)
    and, with the gold records held out of the index, the share correctly left unmatched
    (no hit >= review). trgraph runs on every string; the
    baseline (``process.extract(…, scorer=WRatio)`` over all ROR names, >= 90) costs
    ~0.4 s a string, so both are also compared on the same seeded sample.

Token weights come from the ROR subset's names, as in a screening run.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from trgraph.ingest.ror import load_ror  # noqa: E402
from trgraph.model import Entity, Link, LinkKind  # noqa: E402
from trgraph.resolve import CandidateIndex, TokenWeights, name_forms, score_names  # noqa: E402
from trgraph.resolve.affiliation import best_hits  # noqa: E402
from trgraph.resolve.index import Hit  # noqa: E402
from trgraph.resolve.normalise import tokenize  # noqa: E402
from trgraph.resolve.vocab import TYPE_WORDS  # noqa: E402

REVIEW, AUTO, BASELINE_CUTOFF = 0.7, 0.9, 90.0
ORGANISATIONS = ("Company", "Organization", "LegalEntity")


@dataclass
class Counts:
    """A confusion matrix."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, gold: bool) -> None:
        """Count one decision."""
        if predicted and gold:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    def line(self) -> str:
        """P, R, F1 and the counts."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return f"P {p:.3f}  R {r:.3f}  F1 {f1:.3f}   (tp {self.tp}, fp {self.fp}, fn {self.fn}, tn {self.tn})"


def load_registry() -> tuple[list[Entity], list[tuple[str, str]]]:
    """The ROR subset's organisations, and its (part, whole) pairs."""
    path = SHARED / "registries" / "ror-data-subset-2026-06-23.zip"
    entities: list[Entity] = []
    part_of: list[tuple[str, str]] = []
    for record in load_ror(path, "ror"):
        if isinstance(record, Entity) and not record.attrs.get("unresolved"):
            entities.append(record)
        elif isinstance(record, Link) and record.kind is LinkKind.PART_OF:
            part_of.append((record.source, record.target))
    return entities, part_of


def pairs_benchmark(weights: TokenWeights, verbose: bool) -> None:
    """Part (a)."""
    with (SHARED / "matching" / "name_pairs_labelled.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    groups = {"organisations": [r for r in rows if r["schema"] in ORGANISATIONS],
              "people": [r for r in rows if r["schema"] == "Person"]}
    print("(a) labelled name pairs (name_pairs_labelled.csv)")
    for group, subset in groups.items():
        person = group == "people"
        ours_review, ours_auto, base = Counts(), Counts(), Counts()
        scored: list[tuple[float, bool]] = []
        misses: list[str] = []
        for r in subset:
            gold = r["is_match"].strip().lower() == "true"
            a = name_forms(r["name1"], organisation=not person)
            b = name_forms(r["name2"], organisation=not person)
            best = score_names(a, b, weights)
            s = best.score if best else 0.0
            ours_review.add(s >= REVIEW, gold)
            ours_auto.add(s >= AUTO, gold)
            w = fuzz.WRatio(r["name1"], r["name2"], processor=utils.default_process)
            base.add(w >= BASELINE_CUTOFF, gold)
            scored.append((w, gold))
            if (s >= REVIEW) != gold:
                misses.append(f"    {'FP' if gold is False else 'FN'} {s:.2f}  {r['name1']} | {r['name2']}")
        oracle, cut = _best_threshold(scored)
        print(f"  {group} ({len(subset)} pairs, {sum(r['is_match'] == 'true' for r in subset)} matches)")
        print(f"    trgraph, proposed (>= {REVIEW}):   {ours_review.line()}")
        print(f"    trgraph, auto-linked (>= {AUTO}):  {ours_auto.line()}")
        print(f"    baseline WRatio >= {BASELINE_CUTOFF:.0f}:        {base.line()}")
        print(f"    baseline WRatio, oracle cut {cut:.0f}:  {oracle.line()}")
        if verbose:
            print("\n".join(misses))


def _best_threshold(scored: list[tuple[float, bool]]) -> tuple[Counts, float]:
    best: tuple[float, Counts, float] = (-1.0, Counts(), 0.0)
    for cut in range(50, 101):
        c = Counts()
        for s, gold in scored:
            c.add(s >= cut, gold)
        p = c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0
        r = c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[0]:
            best = (f1, c, float(cut))
    return best[1], best[2]


def affiliations_benchmark(registry: list[Entity], part_of: list[tuple[str, str]], sample: int, seed: int,
                           verbose: bool) -> None:
    """Part (b)."""
    ids = {e.id for e in registry}
    with (SHARED / "matching" / "crossref_affiliation_strings_to_ror.csv").open(encoding="utf-8-sig") as fh:
        rows = [(r["affiliation"], "ror:" + r["ror_id"].rsplit("/", 1)[-1]) for r in csv.DictReader(fh)]
    total = len(rows)
    # The file labels some strings with several records ("Broad Institute of MIT and Harvard": the
    # institute and MIT): an answer naming any of them is right, and holding the string's gold out
    # holds them all out.
    gold_sets: dict[str, set[str]] = {}
    for text, gold in rows:
        if gold in ids:
            gold_sets.setdefault(text, set()).add(gold)
    kept = sum(len(g) for g in gold_sets.values())
    several = sum(1 for g in gold_sets.values() if len(g) > 1)
    print(f"\n(b) Crossref affiliation strings: {kept} of {total} rows have their gold ROR id in the subset: "
          f"{len(gold_sets)} distinct strings, {several} of them labelled with several records")
    start = time.perf_counter()
    index = CandidateIndex(registry, part_of=part_of)
    print(f"    trgraph index over {len(index)} ROR records ({len(index.forms)} names): "
          f"{time.perf_counter() - start:.1f} s")
    texts = list(gold_sets)
    golds = [frozenset(gold_sets[t]) for t in texts]
    start = time.perf_counter()
    hits = best_hits(index, texts, min_score=0.0)
    held = best_hits(index, texts, min_score=0.0, excludes=golds)
    took = time.perf_counter() - start
    ours = _affiliation_scores(hits, held, golds)
    print(f"    trgraph, all {len(texts)} strings ({took:.0f} s for both passes):")
    right = sum(1 for h, g in zip(hits, golds, strict=True) if _right(h, g))
    print(f"      top-1 accuracy {ours[0]:.4f} ({right:,} of {len(texts):,}; argmax regardless of threshold "
          f"{ours[1]:.3f}); "
          f"held out, correctly unmatched {ours[2]:.3f}")
    _misses(hits, golds, part_of)
    _unnamed(texts, hits, golds, index)

    rng = random.Random(seed)
    picked = sorted(rng.sample(range(len(texts)), min(sample, len(texts))))
    names: list[str] = []
    owners: list[str] = []
    for e in registry:
        for alias in e.all_names():
            names.append(utils.default_process(alias))
            owners.append(e.id)
    start = time.perf_counter()
    base_top, base_any, base_held = 0, 0, 0
    for i in picked:
        found = process.extract(utils.default_process(texts[i]), names, scorer=fuzz.WRatio, processor=None,
                                limit=25)
        ranked = [(owners[k], s) for _, s, k in found]
        if ranked and ranked[0][0] in golds[i]:
            base_any += 1
            base_top += ranked[0][1] >= BASELINE_CUTOFF
        others = [(o, s) for o, s in ranked if o not in golds[i]]
        base_held += not others or others[0][1] < BASELINE_CUTOFF
    took = time.perf_counter() - start
    ours_s = _affiliation_scores([hits[i] for i in picked], [held[i] for i in picked], [golds[i] for i in picked])
    n = len(picked)
    print(f"    same seeded sample of {n} strings (baseline {took:.0f} s):")
    print(f"      trgraph:                 top-1 {ours_s[0]:.3f} (argmax {ours_s[1]:.3f}); "
          f"held-out unmatched {ours_s[2]:.3f}")
    print(f"      baseline WRatio >= {BASELINE_CUTOFF:.0f}:   top-1 {base_top / n:.3f} (argmax {base_any / n:.3f}); "
          f"held-out unmatched {base_held / n:.3f}")
    if verbose:
        for text, labels, hit in list(zip(texts, golds, hits, strict=True))[:2000]:
            if hit is None or hit.entity.id not in labels:
                got = f"{hit.entity.id} {hit.entity.name} {hit.score:.2f}" if hit else "-"
                print(f"      MISS {text[:100]!r} gold {' '.join(sorted(labels))} got {got}")


def _misses(hits: Sequence[Hit | None], golds: Sequence[frozenset[str]], part_of: list[tuple[str, str]]) -> None:
    """What the misses are: no proposal, or another body, which may be the gold record's registered
    parent or unit (ROR's hierarchy: the labeller chose another level) or a sibling under one parent.
    Only a breakdown: the top-1 figure counts every one of them as wrong."""
    parents: dict[str, set[str]] = {}
    for child, parent in part_of:
        parents.setdefault(child, set()).add(parent)

    def above(record: str) -> set[str]:
        out: set[str] = set()
        todo = [record]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in out:
                    out.add(parent)
                    todo.append(parent)
        return out

    unmatched = level = sibling = other = 0
    for hit, gold in zip(hits, golds, strict=True):
        if _right(hit, gold):
            continue
        if hit is None or hit.score < REVIEW:
            unmatched += 1
        elif any(hit.entity.id in above(g) or g in above(hit.entity.id) for g in gold):
            level += 1
        elif any(above(g) & above(hit.entity.id) for g in gold):
            sibling += 1
        else:
            other += 1
    print(f"      misses: nothing proposed {unmatched}; another body {level + sibling + other}, of which the gold "
          f"record's registered parent or unit {level}, a sibling under the same parent {sibling}")


def _unnamed(texts: Sequence[str], hits: Sequence[Hit | None], golds: Sequence[frozenset[str]],
             index: CandidateIndex) -> None:
    """How many strings share no word with any name of their gold records but organisation words,
    nor an acronym ("Crop Physiology", labelled Wageningen University & Research): no name
    matcher can find those. Context for the misses only: the top-1 figure counts them all."""
    labelled = frozenset().union(*golds)
    words: dict[str, set[str]] = {}
    for entity in index.entities:
        if entity.id in labelled:
            found = words.setdefault(entity.id, set())
            for name in entity.all_names():
                for form in name_forms(name):
                    found.update(t for t in form.tokens if t not in TYPE_WORDS)
                    if form.acronym:
                        found.add(form.acronym)
    unnamed = right = top = 0
    for text, hit, gold in zip(texts, hits, golds, strict=True):
        ok = _right(hit, gold)
        said = set(tokenize(text))
        if not any(said & words.get(g, set()) for g in gold):
            unnamed += 1
            right += ok
        else:
            top += ok
    named = max(1, len(texts) - unnamed)
    print(f"      {unnamed} strings share no word but organisation words, nor an acronym, with any name of their "
          f"gold record ({right} of them right); top-1 on the other {named}: {top / named:.3f} (context only)")


def _right(hit: Hit | None, gold: frozenset[str]) -> bool:
    """The string's answer is one of its gold records, proposed (at REVIEW or above)."""
    return hit is not None and hit.score >= REVIEW and hit.entity.id in gold


def _affiliation_scores(hits: Sequence[Hit | None], held: Sequence[Hit | None], golds: Sequence[frozenset[str]]
                        ) -> tuple[float, float, float]:
    top = sum(1 for h, g in zip(hits, golds, strict=True) if _right(h, g))
    any_ = sum(1 for h, g in zip(hits, golds, strict=True) if h is not None and h.entity.id in g)
    unmatched = sum(1 for h in held if h is None or h.score < REVIEW)
    n = max(1, len(golds))
    return top / n, any_ / n, unmatched / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=300, help="Affiliation strings for the baseline comparison.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verbose", action="store_true", help="List the errors.")
    args = parser.parse_args()
    if not SHARED.exists():
        raise SystemExit("../shared/data is absent: nothing to benchmark")
    start = time.perf_counter()
    registry, part_of = load_registry()
    weights = TokenWeights.from_forms(f.tokens for e in registry for n in e.all_names() for f in name_forms(n))
    print(f"ROR subset: {len(registry)} records, token weights from their names ({time.perf_counter() - start:.0f} s)")
    pairs_benchmark(weights, args.verbose)
    affiliations_benchmark(registry, part_of, args.sample, args.seed, args.verbose)


if __name__ == "__main__":
    main()
