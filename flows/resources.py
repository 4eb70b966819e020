"""Per-process resources of a run, built once and shared by its tasks: database engines, the pool of reader
processes, and the gate that writes Data Docs. No Prefect here: the CLI starts the readers before it
imports the flow."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine

from expectations.gate import QualityGate
from extract.isolated import Extractor
from flows.pipeline import prepare_file, warm_worker
from load.db import make_engine

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_extractors: dict[tuple, Extractor] = {}
_gates: dict[str, QualityGate] = {}


def engine_for(url: str) -> Engine:
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


def extractor_for(workers: int, timeout_s: float, max_pages: int) -> Extractor:
    """Reader processes that extract, transform and check each file (`pipeline.prepare_file`)."""
    with _lock:
        key = (workers, timeout_s, max_pages)
        if key not in _extractors:
            _extractors[key] = Extractor(
                workers=workers, timeout_s=timeout_s, max_pages=max_pages, work=prepare_file, warm=warm_worker
            )
        return _extractors[key]


def docs_gate(output_dir: str) -> QualityGate:
    """The gate that writes Data Docs of quarantined notices (the checks themselves run in reader processes)."""
    with _lock:
        if output_dir not in _gates:
            _gates[output_dir] = QualityGate(docs_dir=Path(output_dir) / "data-docs")
        return _gates[output_dir]


def close_resources() -> None:
    with _lock:
        for ex in _extractors.values():
            ex.close()
        _extractors.clear()
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()
