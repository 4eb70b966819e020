"""Mutation fuzzing of the table reader: byte flips, deletions and insertions in real notices."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from extract.errors import ExtractError, ReaderBug
from extract.isolated import Extractor


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        pos = rng.randrange(len(out))
        op = rng.random()
        if op < 0.6:
            out[pos] = rng.randrange(256)
        elif op < 0.8:
            del out[pos : pos + rng.randint(1, 64)]
        else:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return bytes(out)


def fuzz_reader(
    seeds: list[Path], n: int, work_dir: Path, seed: int = 0, workers: int = 2, timeout_s: float = 20
) -> Counter:
    """Read `n` mutated files; every one must be read or rejected with a reason. Returns outcome counts,
    keyed 'read', the rejecting error's class name, or 'ReaderBug' (this program's own code raised: its
    tracebacks are in `bugs`); anything else propagates (a crash)."""
    rng = random.Random(seed)
    originals = [p.read_bytes() for p in seeds]
    outcomes: Counter = Counter()
    with Extractor(workers=workers, timeout_s=timeout_s) as ex:
        for i in range(n):
            path = work_dir / f"fuzz_{i % 50}.pdf"
            path.write_bytes(mutate(rng.choice(originals), rng))
            try:
                ex.read(path)
                outcomes["read"] += 1
            except ExtractError as exc:
                if not exc.reason:
                    raise AssertionError(f"rejection without a reason for input {i}") from exc
                outcomes[type(exc).__name__] += 1
            except ReaderBug as exc:
                outcomes["ReaderBug"] += 1
                bugs.append(exc.traceback)
    return outcomes


bugs: list[str] = []  # tracebacks of the ReaderBugs `fuzz_reader` met, for the failure message
