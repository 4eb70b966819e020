"""One file through the stages: extract → transform → quality gate → load. No orchestration here.

The CPU-bound stages (extract, transform, gate) run in reader processes (`prepare_file`); this process only
loads. Every outcome is recorded in the warehouse before this returns; database faults propagate so that the
caller can retry the file, and a file is never half-loaded (`load_notice` is one transaction).
"""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from expectations.gate import QualityGate, failed_errors, quarantine_reason
from extract.errors import ExtractError
from extract.isolated import Extractor, read_guarded
from flows.sources import SourceFile
from load.loader import (
    DONE_STATUSES,
    CheckResult,
    NoticeMeta,
    finish_run,
    known_statuses,
    load_notice,
    log_file,
    record_outcome,
    start_run,
)
from transform.normalize import MoneyError, NoticeFrames, normalize


@dataclass
class FileResult:
    """What happened to one file in this run; also the row of the run's table artifact."""

    file: str
    sha256: str
    status: str
    reason: str | None = None
    projects: int = 0
    indicators: int = 0
    warnings: int = 0
    failed_checks: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(
        default_factory=dict
    )  # seconds per stage: extract, transform, gate, load
    pages: int = 0
    seconds: float = 0.0

    def as_row(self) -> dict:
        return asdict(self)


@dataclass
class RunSummary:
    run_id: int
    files: int
    skipped: int
    by_status: dict[str, int]
    results: list[dict] = field(default_factory=list)


def split_known(engine: Engine, files: list[SourceFile]) -> tuple[list[SourceFile], dict[str, str]]:
    """The files still to ingest, and the final status of those already in the warehouse (by sha256).

    A file with a final status is never extracted again; failed files are retried."""
    known = {
        sha: status
        for sha, status in known_statuses(engine, [f.sha256 for f in files if f.sha256]).items()
        if status in DONE_STATUSES
    }
    return [f for f in files if f.sha256 not in known], known


def log_skipped(engine: Engine, run_id: int, files: list[SourceFile], known: dict[str, str]) -> int:
    skipped = [f for f in files if f.sha256 in known]
    for f in skipped:
        log_file(engine, run_id, f.uri, f.sha256, "skipped", f"unchanged ({known[f.sha256]})")
    return len(skipped)


def record_unchanged_run(
    engine: Engine, sources: list[str], files: list[SourceFile], known: dict[str, str]
) -> RunSummary:
    """A run that found nothing new: recorded in the warehouse like any other, with no file to process."""
    run_id = start_run(engine, sources, None)
    skipped = log_skipped(engine, run_id, files, known)
    finish_run(engine, run_id, "completed", {}, len(files), skipped)
    return RunSummary(run_id=run_id, files=len(files), skipped=skipped, by_status={})


class _Clock:
    """Seconds spent per stage of one file, for the run's report and the benchmark."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stages: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = round(self.stages.get(name, 0.0) + time.perf_counter() - t0, 4)

    def total(self) -> float:
        return round(time.perf_counter() - self.started, 4)


@dataclass
class Prepared:
    """One file read, normalized and checked in a reader process: everything the loader needs from it."""

    pages: int
    producer: str | None
    stages: dict[str, float]  # seconds per stage, measured in the reader process
    frames: NoticeFrames | None = None
    checks: list[CheckResult] = field(default_factory=list)
    rejected: str | None = None  # why the notice cannot be loaded at all (e.g. unreadable money)


_gates: dict[str | None, QualityGate] = {}  # per reader process, by Data Docs folder


def _gate(docs_dir: str | None) -> QualityGate:
    if docs_dir not in _gates:
        _gates[docs_dir] = QualityGate(docs_dir=Path(docs_dir) if docs_dir else None)
    return _gates[docs_dir]


def warm_worker(docs_dir: str | None = None) -> None:
    """Run in each new reader process: import GX and build the gate before the first file arrives."""
    _gate(docs_dir).prepare()


def prepare_file(
    path: str, max_pages: int, label: str | None = None, docs_dir: str | None = None
) -> Prepared | ExtractError:
    """The CPU-bound part of one file, run in a reader process (`Extractor(work=prepare_file)`): extract,
    transform and the quality gate (one GX context per process). A notice that fails an error-level check
    gets Data Docs in `docs_dir`, under the name `label` (the file's name)."""
    raw = read_guarded(path, max_pages)
    if isinstance(raw, ExtractError):
        return raw
    clock = _Clock()
    clock.stages["extract"] = round(raw.seconds, 4)
    prep = Prepared(pages=raw.pages, producer=raw.producer, stages=clock.stages)
    try:
        with clock.stage("transform"):
            prep.frames = normalize(raw)
    except MoneyError as exc:
        prep.rejected = f"unreadable money value: {exc}"
        return prep
    if not prep.frames.projects.empty:
        gate = _gate(docs_dir)
        prep.checks = gate.run(prep.frames, timings=clock.stages)
        if docs_dir and failed_errors(prep.checks):
            # reader processes share one docs site (and its index.html)
            with clock.stage("gate"), _docs_lock(Path(docs_dir)):
                gate.write_docs(prep.frames, label or Path(path).name, prep.checks)
    return prep


@contextmanager
def _docs_lock(docs_dir: Path):
    docs_dir.mkdir(parents=True, exist_ok=True)
    with (docs_dir / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def process_file(src: SourceFile, engine: Engine, extractor: Extractor, run_id: int | None) -> FileResult:
    """One file through the stages. `extractor` runs `prepare_file` (in reader processes); this process
    records the outcome or loads the notice."""
    clock = _Clock()
    f = src.meta
    meta = NoticeMeta()

    def finish(status: str, reason: str | None = None, checks=(), frames=None, **kw) -> FileResult:
        """Record a file that loads nothing; return its result."""
        with clock.stage("load"):
            record_outcome(
                engine,
                f,
                meta,
                status,
                reason,
                run_id,
                checks=checks,
                quarantine=frames,
                seconds=clock.total(),
            )
        return result(status, reason, **kw)

    def result(status: str, reason: str | None = None, **kw) -> FileResult:
        return FileResult(
            file=src.name,
            sha256=src.sha256,
            status=status,
            reason=reason,
            seconds=clock.total(),
            stages=clock.stages,
            pages=meta.pages or 0,
            **kw,
        )

    try:
        prep = extractor.read(src.path, label=src.name)
    except ExtractError as exc:
        return finish(exc.status, exc.reason)
    # stage times as measured in the reader process (time queued for a free reader is not work)
    clock.stages.update(prep.stages)
    meta.pages, meta.producer = prep.pages, prep.producer
    if prep.rejected:
        return finish("rejected", prep.rejected)
    frames = prep.frames
    codes = frames.projects["department_code"].dropna()
    meta.title, meta.budget_year, meta.published_on = frames.title, frames.budget_year, frames.published_on
    meta.department_code = str(codes.mode().iloc[0]) if len(codes) else None
    if frames.projects.empty:
        return finish("no_targets", "readable PDF without target tables")

    checks = prep.checks
    failed = [f"{c.severity}: {c.expectation}" for c in checks if not c.success]
    warnings = sum(1 for c in checks if not c.success and c.severity == "warning")
    if failed_errors(checks):
        return finish(
            "quarantined", quarantine_reason(checks), checks, frames, warnings=warnings, failed_checks=failed
        )
    with clock.stage("load"):
        outcome = load_notice(engine, f, meta, frames, run_id, checks, seconds=clock.total())
    return result(
        outcome.status,
        outcome.reason,
        projects=outcome.projects,
        indicators=outcome.indicators,
        warnings=warnings,
        failed_checks=failed,
    )
