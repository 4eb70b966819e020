"""A real process that loads notices the way a run does, for the kill and concurrency tests.

usage: python -m tests.helpers.load_worker WAREHOUSE_URL READY_FILE MODE PDF...
MODE "pause" stops inside the load transaction (after the facts are written, before commit) and writes
READY_FILE, so the test can SIGKILL it there; MODE "load" just loads every PDF.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from extract.isolated import Extractor
from flows.pipeline import prepare_file, process_file
from flows.sources import iter_sources
from load import facts
from load.db import ensure_schema, make_engine


def main() -> None:
    url, ready, mode, *pdfs = sys.argv[1:]
    engine = make_engine(url)
    ensure_schema(engine)
    if mode == "pause":
        real = facts._supersede

        def pause_then_supersede(*args, **kwargs):
            Path(ready).write_text("in transaction")
            time.sleep(600)
            return real(*args, **kwargs)

        facts._supersede = pause_then_supersede
    else:
        Path(ready).write_text("started")
    with Extractor(workers=1, work=prepare_file) as extractor:
        for src in iter_sources(pdfs, Path(ready).parent / "cache"):
            result = process_file(src, engine, extractor, None)
            print(result.file, result.status, result.projects, flush=True)


if __name__ == "__main__":
    main()
