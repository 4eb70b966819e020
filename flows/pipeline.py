"""One file through the stages: extract → transform → quality gate (`prepare`), then load. No orchestration.

The CPU-bound stages run in reader processes (`prepare_file`); `read_file` hands a file to them and turns
what comes back into a `Prepared`; `load_file` records the outcome or loads the notice in one transaction.
The flow runs the two as separate tasks, so that a database fault retries the load alone. Database faults
propagate; a file is never half-loaded.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from contracts.frames import NoticeFrames
from contracts.records import CheckResult, NoticeMeta
from contracts.statuses import SKIPPED, FileStatus
from expectations.gate import QualityGate, failed_errors, quarantine_reason
from extract import PARSER_VERSION
from extract.errors import ExtractError, ReaderBug
from extract.isolated import Extractor, read_guarded, reader_bug
from flows.locks import file_lock
from flows.sources import SourceFile
from load.facts import load_notice
from load.ops import log_file, record_outcome
from transform.normalize import MoneyError, normalize

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    """What happened to one file in this run; also the row of the run's table artifact."""

    file: str
    sha256: str
    status: FileStatus | str  # a FileStatus, or `skipped`: another run recorded the file meanwhile
    reason: str | None = None
    projects: int = 0
    indicators: int = 0
    warnings: int = 0
    failed_checks: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage: extract … load
    pages: int = 0
    seconds: float = 0.0
    document_kind: str | None = None
    region: str | None = None
    publisher: str | None = None

    def as_row(self) -> dict:
        return asdict(self)


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
    """One file read, normalized and checked: everything the loader needs from it.

    `status`/`reason` are set when the file cannot be loaded whatever the checks say: rejected (the file's
    fault), failed (a bug of ours, `traceback` attached)."""

    pages: int = 0
    producer: str | None = None
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, measured where they ran
    frames: NoticeFrames | None = None
    checks: list[CheckResult] = field(default_factory=list)
    status: FileStatus | None = None
    reason: str | None = None
    traceback: str | None = None


_gates: dict[str | None, QualityGate] = {}  # per reader process, by Data Docs folder


def _gate(docs_dir: str | None) -> QualityGate:
    if docs_dir not in _gates:
        _gates[docs_dir] = QualityGate(docs_dir=Path(docs_dir) if docs_dir else None)
    return _gates[docs_dir]


def warm_worker(docs_dir: str | None = None) -> None:
    """Run in each new reader process: import GX and build the gate before the first file arrives."""
    _gate(docs_dir).prepare()


def prepare_file(
    path: str,
    max_pages: int,
    label: str | None = None,
    docs_dir: str | None = None,
    region: str | None = None,
) -> Prepared | ExtractError | ReaderBug:
    """The CPU-bound part of one file, run in a reader process (`Extractor(work=prepare_file)`): extract,
    transform and the quality gate (one GX context per process). `region` is the source's region, for
    documents that name none. A notice that fails an error-level check gets Data Docs in `docs_dir`, under
    the name `label` (the file's name). An error raised by this program's code comes back as a `ReaderBug`
    value, the file's faults as `ExtractError` values."""
    raw = read_guarded(path, max_pages)
    if isinstance(raw, ExtractError | ReaderBug):
        return raw
    try:
        return _normalize_and_check(raw, path, label, docs_dir, region)
    except Exception as exc:
        return reader_bug(exc)


def _normalize_and_check(
    raw, path: str, label: str | None, docs_dir: str | None, region: str | None
) -> Prepared:
    clock = _Clock()
    clock.stages["extract"] = round(raw.seconds, 4)
    prep = Prepared(pages=raw.pages, producer=raw.producer, stages=clock.stages)
    try:
        with clock.stage("transform"):
            prep.frames = normalize(raw, default_region=region, file_name=label or Path(path).name)
    except MoneyError as exc:
        prep.status, prep.reason = FileStatus.REJECTED, f"unreadable money value: {exc}"
        return prep
    if not prep.frames.projects.empty:
        gate = _gate(docs_dir)
        prep.checks = gate.run(prep.frames, timings=clock.stages)
        if docs_dir and failed_errors(prep.checks):
            # reader processes share one docs site (and its index.html)
            with clock.stage("gate"), file_lock(Path(docs_dir) / ".lock"):
                gate.write_docs(prep.frames, label or Path(path).name, prep.checks)
    return prep


def read_file(
    src: SourceFile, extractor: Extractor, logger: logging.Logger | None = None, region: str | None = None
) -> Prepared:
    """Hand one file to the reader processes; whatever becomes of it comes back as a `Prepared`. A bug of
    ours is logged with its traceback on `logger` (the flow passes its run logger). `region`: the source's
    region, for documents that name none."""
    if src.error:  # a download that failed: nothing to read
        return Prepared(status=FileStatus.FAILED, reason=src.error)
    started = time.perf_counter()
    try:
        return extractor.read(src.path, label=src.name, region=region)
    except ExtractError as exc:
        return Prepared(
            status=exc.status, reason=exc.reason, stages={"extract": round(time.perf_counter() - started, 4)}
        )
    except ReaderBug as exc:
        (logger or log).error("reading %s failed in this program's code:\n%s", src.name, exc.traceback)
        return Prepared(status=exc.status, reason=exc.reason, traceback=exc.traceback)


def notice_meta(
    frames: NoticeFrames | None, pages: int | None = None, producer: str | None = None
) -> NoticeMeta:
    """What the warehouse records of a document as a whole: its file's pages and producer, and what its
    frames say of it (none for a file that yielded no frames)."""
    meta = NoticeMeta(parser_version=PARSER_VERSION, pages=pages, producer=producer)
    if frames is not None:
        codes = frames.projects["department_code"].dropna()
        meta.title, meta.budget_year, meta.published_on = (
            frames.title,
            frames.budget_year,
            frames.published_on,
        )
        meta.department_code = str(codes.mode().iloc[0]) if len(codes) else None
        meta.region, meta.publisher, meta.document_kind = (
            frames.region,
            frames.publisher,
            frames.document_kind,
        )
    return meta


def load_file(src: SourceFile, prep: Prepared, engine: Engine, run_id: int | None) -> FileResult:
    """Record what became of one prepared file, or load its notice (one transaction either way)."""
    clock = _Clock()
    clock.stages.update(prep.stages)  # stage times as measured where they ran
    if src.error:
        log_file(engine, run_id, src.uri, None, FileStatus.FAILED, src.error)
        return FileResult(file=src.name, sha256="", status=FileStatus.FAILED, reason=src.error)
    f = src.meta
    frames = prep.frames
    meta = notice_meta(frames, prep.pages, prep.producer)

    def result(status: FileStatus, reason: str | None = None, **kw) -> FileResult:
        return FileResult(
            file=src.name,
            sha256=src.sha256,
            status=status,
            reason=reason,
            seconds=clock.total(),
            stages=clock.stages,
            pages=meta.pages or 0,
            document_kind=meta.document_kind,
            region=meta.region,
            publisher=meta.publisher,
            **kw,
        )

    def finish(status: FileStatus, reason: str | None, checks=(), quarantine=None, **kw) -> FileResult:
        """Record a file that loads nothing."""
        with clock.stage("load"):
            taken = record_outcome(
                engine, f, meta, status, reason, run_id, checks, quarantine=quarantine, seconds=clock.total()
            )
        return result(SKIPPED, taken) if taken is not None else result(status, reason, **kw)

    if prep.status is not None:
        return finish(prep.status, prep.reason)
    if frames is None or frames.projects.empty:
        return finish(FileStatus.NO_TARGETS, "readable PDF without target tables")
    checks = prep.checks
    failed = [f"{c.severity}: {c.expectation}" for c in checks if not c.success]
    warnings = sum(c.failed_warning for c in checks)
    if failed_errors(checks):
        reason = quarantine_reason(checks)
        return finish(FileStatus.QUARANTINED, reason, checks, frames, warnings=warnings, failed_checks=failed)
    with clock.stage("load"):
        outcome = load_notice(engine, f, meta, frames, run_id, checks, seconds=clock.total())
    if outcome.skipped:  # another run loaded it meanwhile: counted there, unchanged here
        return result(SKIPPED, outcome.reason)
    return result(
        outcome.status,
        outcome.reason,
        projects=outcome.projects,
        indicators=outcome.indicators,
        warnings=warnings,
        failed_checks=failed,
    )


def process_file(
    src: SourceFile, engine: Engine, extractor: Extractor, run_id: int | None, region: str | None = None
) -> FileResult:
    """One file through every stage, without Prefect (the flow runs the two halves as separate tasks)."""
    return load_file(src, read_file(src, extractor, region=region), engine, run_id)
