"""One file through the stages: extract → transform → quality gate → load. No orchestration here.

Every outcome is recorded in the warehouse before this returns; database faults propagate so that the
caller can retry the file, and a file is never half-loaded (`load_notice` is one transaction).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from sqlalchemy import Engine

from expectations.gate import QualityGate, failed_errors, quarantine_reason
from extract.errors import ExtractError
from extract.isolated import Extractor
from flows.sources import SourceFile
from load.loader import NoticeMeta, load_notice, record_outcome
from transform.normalize import MoneyError, normalize


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
    seconds: float = 0.0

    def as_row(self) -> dict:
        return asdict(self)


def process_file(
    src: SourceFile, engine: Engine, extractor: Extractor, gate: QualityGate, run_id: int | None
) -> FileResult:
    started = time.perf_counter()

    def done(status: str, reason: str | None = None, **kw) -> FileResult:
        return FileResult(
            file=src.name,
            sha256=src.sha256,
            status=status,
            reason=reason,
            seconds=round(time.perf_counter() - started, 3),
            **kw,
        )

    f = src.meta
    try:
        raw = extractor.read(src.path)
    except ExtractError as exc:
        record_outcome(engine, f, NoticeMeta(), exc.status, exc.reason, run_id)
        return done(exc.status, exc.reason)
    try:
        frames = normalize(raw)
    except MoneyError as exc:
        reason = f"unreadable money value: {exc}"
        record_outcome(
            engine, f, NoticeMeta(pages=raw.pages, producer=raw.producer), "rejected", reason, run_id
        )
        return done("rejected", reason)
    codes = frames.projects["department_code"].dropna()
    meta = NoticeMeta(
        pages=raw.pages,
        producer=raw.producer,
        title=frames.title,
        budget_year=frames.budget_year,
        department_code=str(codes.mode().iloc[0]) if len(codes) else None,
        published_on=frames.published_on,
    )
    if frames.projects.empty:
        reason = "readable PDF without target tables"
        record_outcome(engine, f, meta, "no_targets", reason, run_id, seconds=time.perf_counter() - started)
        return done("no_targets", reason)
    checks = gate.run(frames, label=src.name)
    failed = [f"{c.severity}: {c.expectation}" for c in checks if not c.success]
    warnings = sum(1 for c in checks if not c.success and c.severity == "warning")
    if failed_errors(checks):
        reason = quarantine_reason(checks)
        record_outcome(
            engine,
            f,
            meta,
            "quarantined",
            reason,
            run_id,
            checks=checks,
            quarantine=frames,
            seconds=time.perf_counter() - started,
        )
        return done("quarantined", reason, warnings=warnings, failed_checks=failed)
    outcome = load_notice(engine, f, meta, frames, run_id, checks, seconds=time.perf_counter() - started)
    return done(
        outcome.status,
        outcome.reason,
        projects=outcome.projects,
        indicators=outcome.indicators,
        warnings=warnings,
        failed_checks=failed,
    )
