"""python -m tests.fixturegen OUT_DIR [--n 60] [--seed 1] [--set option=value ...]"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from tests.fixturegen import generate_corpus
from tests.fixturegen.fonts import FontsMissing
from tests.fixturegen.model import UnknownOption


def _value(text: str):
    """A --set value: JSON when it parses (true, 10.5, ["none","lines"]), else the bare string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fixturegen", description=__doc__)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--n", type=int, default=60, help="number of notices (default 60)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--projects", type=int, default=None, help="projects per notice (default: random 1–6)")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help='fix a layout option, e.g. --set ruling=none --set cols=\'["nature","direction"]\' (a list = choices)',
    )
    args = ap.parse_args(argv)
    overrides = {}
    for item in args.set:
        key, _, val = item.partition("=")
        overrides[key.strip()] = _value(val)
    if args.projects:
        overrides["projects"] = args.projects
    t0 = time.perf_counter()
    try:
        truth_path = generate_corpus(args.out_dir, args.n, args.seed, **overrides)
    except (FontsMissing, UnknownOption) as exc:
        print(exc, file=sys.stderr)
        return 2
    dt = time.perf_counter() - t0
    notices = json.loads(truth_path.read_text(encoding="utf-8"))
    renderers = Counter(n["layout"]["renderer"] for n in notices)
    projects = sum(len(n["projects"]) for n in notices)
    indicators = sum(len(p["indicators"]) for n in notices for p in n["projects"])
    print(
        f"{len(notices)} notices ({', '.join(f'{k} {v}' for k, v in sorted(renderers.items()))}), "
        f"{projects} projects, {indicators} indicators in {dt:.1f} s ({dt / max(len(notices), 1):.2f} s/notice)"
    )
    print(f"truth: {truth_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
