"""A run's summary, which source files the warehouse already holds, and the record of a run that finds
nothing new. Light on purpose: the CLI decides whether there is anything to do with this module alone,
before it starts Prefect or the reader processes (no pandas, no PDF libraries, no Great Expectations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from contracts.statuses import FINAL_STATUSES, SKIPPED, FileStatus, RunStatus
from extract import PARSER_VERSION
from load.ops import finish_run, known_statuses, log_file, start_run

if TYPE_CHECKING:
    from flows.sources import SourceFile


@dataclass
class RunSummary:
    run_id: int
    files: int
    skipped: int
    by_status: dict[str, int]
    results: list[dict] = field(default_factory=list)


_LOADED = (FileStatus.LOADED, FileStatus.SUPERSEDED)


def split_known(
    engine: Engine, files: list[SourceFile], retry_rejected: bool = False
) -> tuple[list[SourceFile], dict[str, FileStatus]]:
    """The files still to ingest, and the final status of those already in the warehouse (by sha256).

    A file with a final status is not read again; failed files are retried, and rejected ones too when
    `retry_rejected` (a time-out or a memory kill may pass on a quieter machine). A file that did not load
    (no targets, rejected, quarantined) under an older version of the reader is read again by a newer one."""
    final = FINAL_STATUSES - ({FileStatus.REJECTED} if retry_rejected else set())
    known = {
        sha: status
        for sha, (status, version) in known_statuses(engine, [f.sha256 for f in files if f.sha256]).items()
        if status in final and (status in _LOADED or version == PARSER_VERSION)
    }
    return [f for f in files if f.sha256 not in known], known


def log_skipped(engine: Engine, run_id: int, files: list[SourceFile], known: dict[str, FileStatus]) -> int:
    skipped = [f for f in files if f.sha256 in known]
    for f in skipped:
        log_file(engine, run_id, f.uri, f.sha256, SKIPPED, f"unchanged ({known[f.sha256]})")
    return len(skipped)


def record_unchanged_run(
    engine: Engine, sources: list[str], files: list[SourceFile], known: dict[str, FileStatus]
) -> RunSummary:
    """A run that found nothing new: recorded in the warehouse like any other, with no file to process."""
    run_id = start_run(engine, sources, None)
    skipped = log_skipped(engine, run_id, files, known)
    finish_run(engine, run_id, RunStatus.COMPLETED, {}, len(files), skipped)
    return RunSummary(run_id=run_id, files=len(files), skipped=skipped, by_status={})
