"""Statuses (DESIGN §3 `v_source_files`, §6 — a contract): what became of a file, a run, a check.

Ops scripts, `notices status`, the views and the warehouse's CHECK constraints all use these values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FileStatus(StrEnum):
    """`v_source_files.status`: what became of one file version (identified by its sha256)."""

    LOADED = "loaded"
    SUPERSEDED = "superseded"
    NO_TARGETS = "no_targets"
    REJECTED = "rejected"
    QUARANTINED = "quarantined"
    FAILED = "failed"


@dataclass(frozen=True)
class StatusMeaning:
    meaning: str
    in_views: bool  # whether the file's rows show in v_projects / v_indicator_targets
    next_run: str  # what the next run does with the unchanged file


STATUS_MEANINGS: dict[FileStatus, StatusMeaning] = {
    FileStatus.LOADED: StatusMeaning(
        "its projects and indicators were loaded and it is the current issue", True, "skipped as unchanged"
    ),
    FileStatus.SUPERSEDED: StatusMeaning(
        "it was loaded, then replaced by a correction (or it arrived after the newer issue); "
        "`superseded_by` names the replacing document",
        False,
        "skipped as unchanged",
    ),
    FileStatus.NO_TARGETS: StatusMeaning(
        "a readable PDF without target tables (a cover letter, an unrelated notice)",
        False,
        "skipped as unchanged",
    ),
    FileStatus.REJECTED: StatusMeaning(
        "unreadable: empty, not a PDF, corrupt, encrypted, image-only, unreadable money value, or reading it "
        "ran out of time or memory — `reason` says which",
        False,
        "skipped as unchanged (`notices ingest --retry-rejected` reads it again)",
    ),
    FileStatus.QUARANTINED: StatusMeaning(
        "it failed an error-level data-quality check; `reason` names the checks, `ops_quarantine` keeps the "
        "extracted rows as JSON and `ops_quality_result` every check's outcome; nothing of it is loaded",
        False,
        "skipped as unchanged",
    ),
    FileStatus.FAILED: StatusMeaning(
        "a fault while processing it (a lost database connection, a crash of the worker, an error in this "
        "program's own code); `reason` is the error, the run's log has the traceback",
        False,
        "retried",
    ),
}

# A file with one of these statuses is final: an unchanged copy is skipped. `failed` files are retried.
FINAL_STATUSES = frozenset(FileStatus) - {FileStatus.FAILED}
# What an operator should look at.
ATTENTION_STATUSES = (FileStatus.REJECTED, FileStatus.QUARANTINED, FileStatus.FAILED)

# `ops_file_event.status`: a file status, or `skipped` for an unchanged file a run did not process again.
SKIPPED = "skipped"
EVENT_STATUSES = (*(s.value for s in FileStatus), SKIPPED)


class RunStatus(StrEnum):
    """`ops_run.status`."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class Severity(StrEnum):
    """A data-quality check's severity: an `error` quarantines the notice, a `warning` is recorded."""

    ERROR = "error"
    WARNING = "warning"
