"""Longer fuzz run of the table reader than the test suite's: `uv run python bench/fuzz.py --n 3000`."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.fuzzing import fuzz_reader  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    seeds = sorted((ROOT / "tests" / "fixtures" / "notices").glob("*.pdf"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = fuzz_reader(seeds, args.n, Path(tmp), seed=args.seed, workers=args.workers)
    took = time.perf_counter() - started
    print(
        f"{args.n} mutated inputs in {took:.0f} s, no crash: "
        + ", ".join(f"{k} {v}" for k, v in outcomes.most_common())
    )


if __name__ == "__main__":
    main()
