"""Quality and speed benchmark of the skill matcher.

    python -m skills.extraction.bench [--data-dir DIR] [--taxonomy PATH] [--show N]

Quality follows the SkillSpan protocol of ``../shared/eval/skillspan.py`` exactly: postings are
rebuilt from the sentences sharing an ``idx`` (tokens joined by single spaces, sentences by a
newline); a prediction is correct when it overlaps any gold KNOWLEDGE or SKILL span;
precision = correct / predicted; recall = gold KNOWLEDGE spans overlapped by a prediction /
gold KNOWLEDGE spans.  Speed is the matcher alone (build excluded), one process, over the
postings text repeated to at least 20 MB.
"""

from __future__ import annotations

import argparse
import collections
import json
import time
from pathlib import Path

from .matcher import SkillMatcher
from .taxonomy import Taxonomy

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "skillspan_tech"


def bio_spans(tags: list[str]) -> list[tuple[int, int]]:
    """Token ranges [i, j) of BIO-tagged spans (same rules as the official scorer)."""
    out, start = [], None
    for i, tag in enumerate([*tags, "O"]):
        if tag.startswith("B") or tag == "O":
            if start is not None:
                out.append((start, i))
                start = None
            if tag.startswith("B"):
                start = i
        elif tag.startswith("I") and start is None:
            start = i
    return out


def build_postings(path: str | Path) -> dict[str, dict]:
    postings: dict[str, dict] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            p = postings.setdefault(str(row["idx"]), {"text": "", "knowledge": [], "skill": []})
            if p["text"]:
                p["text"] += "\n"
            offsets, pos = [], len(p["text"])
            for k, tok in enumerate(row["tokens"]):
                if k:
                    pos += 1
                offsets.append((pos, pos + len(tok)))
                pos += len(tok)
            p["text"] += " ".join(row["tokens"])
            for layer in ("knowledge", "skill"):
                for i, j in bio_spans(row[f"tags_{layer}"]):
                    p[layer].append((offsets[i][0], offsets[j - 1][1]))
    return postings


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(postings: dict[str, dict], matcher: SkillMatcher) -> dict:
    n_pred = n_correct = n_gold = n_found = 0
    misses: collections.Counter = collections.Counter()
    false_hits: collections.Counter = collections.Counter()
    for p in postings.values():
        preds = [(m.start, m.end) for m in matcher.find(p["text"])]
        gold_any = p["knowledge"] + p["skill"]
        for s in preds:
            n_pred += 1
            if any(_overlaps(s, g) for g in gold_any):
                n_correct += 1
            else:
                false_hits[p["text"][s[0] : s[1]].lower()] += 1
        for g in p["knowledge"]:
            n_gold += 1
            if any(_overlaps(s, g) for s in preds):
                n_found += 1
            else:
                misses[p["text"][g[0] : g[1]].lower()] += 1
    precision = n_correct / n_pred if n_pred else 0.0
    recall = n_found / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "postings": len(postings),
        "predicted": n_pred,
        "gold_knowledge": n_gold,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "misses": misses,
        "false_hits": false_hits,
    }


def speed(texts: list[str], matcher: SkillMatcher, target_bytes: int = 20_000_000) -> dict:
    """Matcher throughput in MB/s of UTF-8 text, one process, build excluded."""
    base = "\n\n".join(texts)
    reps = max(1, -(-target_bytes // max(1, len(base.encode("utf-8")))))
    chunks = [base] * reps
    total = sum(len(c.encode("utf-8")) for c in chunks)
    n = 0
    t0 = time.perf_counter()
    for c in chunks:
        n += len(matcher.find(c))
    elapsed = time.perf_counter() - t0
    return {
        "mb": round(total / 1e6, 1),
        "seconds": round(elapsed, 3),
        "matches": n,
        "mb_per_s": round(total / 1e6 / elapsed, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="skill matcher quality and speed")
    ap.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    ap.add_argument("--taxonomy", help="taxonomy YAML (default: the shipped one)")
    ap.add_argument("--splits", default="train,dev")
    ap.add_argument(
        "--show", type=int, default=0, help="list the N most frequent misses/false hits"
    )
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args(argv)

    taxonomy = Taxonomy.load(args.taxonomy)
    t0 = time.perf_counter()
    matcher = SkillMatcher.from_taxonomy(taxonomy)
    build_s = time.perf_counter() - t0

    data_dir = Path(args.data_dir)
    results: dict[str, dict] = {}
    all_texts: list[str] = []
    for split in [s for s in args.splits.split(",") if s]:
        postings = build_postings(data_dir / f"skillspan_tech_{split}.jsonl")
        all_texts.extend(p["text"] for p in postings.values())
        results[split] = score(postings, matcher)

    print(
        f"taxonomy: {len(taxonomy.skills)} skills, {taxonomy.alias_count()} aliases, "
        f"{matcher.size} matcher keys, built in {build_s:.2f}s"
    )
    print(f"{'split':<8}{'postings':>9}{'pred':>7}{'gold':>7}{'P':>8}{'R':>8}{'F1':>8}")
    for split, r in results.items():
        print(
            f"{split:<8}{r['postings']:>9}{r['predicted']:>7}{r['gold_knowledge']:>7}"
            f"{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}"
        )
        if args.show:
            print(f"  {split} misses:", r["misses"].most_common(args.show))
            print(f"  {split} false hits:", r["false_hits"].most_common(args.show))
    summary: dict = {
        "skills": len(taxonomy.skills),
        "aliases": taxonomy.alias_count(),
        **{
            split: {k: v for k, v in r.items() if k not in ("misses", "false_hits")}
            for split, r in results.items()
        },
    }
    if not args.no_speed and all_texts:
        sp = speed(all_texts, matcher)
        print(
            f"speed: {sp['mb']} MB in {sp['seconds']}s = {sp['mb_per_s']} MB/s "
            f"({sp['matches']} matches, single process)"
        )
        summary["speed_mb_per_s"] = sp["mb_per_s"]
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
