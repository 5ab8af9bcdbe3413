"""Extract skills from JSON Lines on stdin.

    python -m skills.extraction.cli [--taxonomy PATH] < postings.jsonl

Input lines are {"id": ..., "text": ...}; each produces one output line
{"id": ..., "skills": [{"slug", "name", "start", "end", "text", "preferred"}, ...]},
where "preferred" says the text marks the skill as optional ("Kafka is a plus").
A malformed line is reported on stderr with its line number and skipped.
"""

from __future__ import annotations

import argparse
import json
import sys

from .matcher import SkillMatcher
from .taxonomy import Taxonomy


def run(stdin, stdout, stderr, matcher: SkillMatcher) -> int:
    errors = 0
    for lineno, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("expected a JSON object")
            if "id" not in row:
                raise ValueError('missing "id"')
            text = row.get("text")
            if not isinstance(text, str):
                raise ValueError('"text" must be a string')
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            errors += 1
            stderr.write(f"line {lineno}: skipped malformed input: {exc}\n")
            continue
        skills = [m.as_dict() for m in matcher.find(text)]
        stdout.write(json.dumps({"id": row["id"], "skills": skills}, ensure_ascii=False) + "\n")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--taxonomy", help="taxonomy YAML (default: the shipped one)")
    args = ap.parse_args(argv)
    matcher = SkillMatcher.from_taxonomy(Taxonomy.load(args.taxonomy))
    run(sys.stdin, sys.stdout, sys.stderr, matcher)
    return 0


if __name__ == "__main__":
    sys.exit(main())
