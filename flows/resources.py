"""Per-process resources of a run, built once and shared by its tasks: database engines and the pools of
reader processes. No Prefect here: the CLI starts the readers before it imports the flow."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from extract.isolated import Extractor
from flows.pipeline import prepare_file, warm_worker
from load.db import make_engine

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_extractors: dict[tuple, Extractor] = {}


def engine_for(url: str) -> Engine:
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


def extractor_for(
    workers: int, timeout_s: float, memory_mb: int, max_pages: int, output_dir: str
) -> Extractor:
    """Reader processes that extract, transform and check each file (`pipeline.prepare_file`), writing
    Data Docs of quarantined notices under `output_dir`/data-docs."""
    with _lock:
        key = (workers, timeout_s, memory_mb, max_pages, output_dir)
        if key not in _extractors:
            docs_dir = str(Path(output_dir) / "data-docs")
            _extractors[key] = Extractor(
                workers=workers,
                timeout_s=timeout_s,
                memory_mb=memory_mb,
                max_pages=max_pages,
                work=partial(prepare_file, docs_dir=docs_dir),
                warm=partial(warm_worker, docs_dir=docs_dir),
            )
        return _extractors[key]


def close_resources() -> None:
    with _lock:
        for ex in _extractors.values():
            ex.close()
        _extractors.clear()
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()
