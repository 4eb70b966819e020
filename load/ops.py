"""The operations tables: runs, the file log, data-quality results, quarantine, and files that load nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, insert, select, text, update

from contracts.records import CheckResult, FileMeta, NoticeMeta
from contracts.statuses import SKIPPED, FileStatus, RunStatus
from load.db import insert_for, lock_for_load, now, write_transaction
from load.documents import recorded_meanwhile, upsert_document
from load.models import DimSourceDocument, OpsFileEvent, OpsQualityResult, OpsQuarantine, OpsRun

if TYPE_CHECKING:  # pandas costs a run that finds nothing new more than the rest of this module
    import pandas as pd

    from contracts.frames import NoticeFrames

# ---------------------------------------------------------------- runs and the file log


def start_run(engine: Engine, sources: Sequence[str], flow_run_id: str | None) -> int:
    with write_transaction(engine) as conn:
        return conn.execute(
            insert(OpsRun.__table__).returning(OpsRun.run_id),
            {
                "sources": json.dumps(list(sources), ensure_ascii=False),
                "started_at": now(),
                "status": RunStatus.RUNNING,
                "flow_run_id": flow_run_id,
                "files_seen": 0,
                "files_skipped": 0,
            },
        ).scalar_one()


def record_failed_run(
    engine: Engine,
    sources: Sequence[str],
    started_at: dt.datetime,
    finished_at: dt.datetime,
    flow_run_id: str | None,
    error: str,
) -> int:
    """A run that failed before it could reach the warehouse, written afterwards (from the run journal):
    one `failed` row, written once however often it is given (same start and sources)."""
    values = {
        "sources": json.dumps(list(sources), ensure_ascii=False),
        "started_at": started_at,
        "status": RunStatus.FAILED,
    }
    with write_transaction(engine) as conn:
        lock_for_load(conn)
        same = select(OpsRun.run_id).where(*(getattr(OpsRun, k) == v for k, v in values.items()))
        if (run_id := conn.execute(same).scalar()) is not None:
            return run_id
        return conn.execute(
            insert(OpsRun.__table__).returning(OpsRun.run_id),
            {
                **values,
                "finished_at": finished_at,
                "flow_run_id": flow_run_id,
                "files_seen": 0,
                "files_skipped": 0,
                "counts": {},
                "error": error,
            },
        ).scalar_one()


def finish_run(
    engine: Engine,
    run_id: int,
    status: RunStatus,
    counts: dict,
    seen: int,
    skipped: int,
    error: str | None = None,
) -> None:
    with write_transaction(engine) as conn:
        conn.execute(
            update(OpsRun.__table__)
            .where(OpsRun.run_id == run_id)
            .values(
                finished_at=now(),
                status=status,
                counts=counts,
                files_seen=seen,
                files_skipped=skipped,
                error=error,
            )
        )


def log_file(
    engine: Engine,
    run_id: int | None,
    source_uri: str,
    sha256: str | None,
    status: str,
    reason: str | None = None,
    seconds: float | None = None,
) -> None:
    """One line of the file log (`ops_file_event`): a file status, or `skipped`."""
    with write_transaction(engine) as conn:
        log_event(conn, run_id, source_uri, sha256, status, reason, seconds)


def log_event(conn, run_id, source_uri, sha256, status, reason=None, seconds=None) -> None:
    conn.execute(
        insert(OpsFileEvent.__table__),
        {
            "run_id": run_id,
            "sha256": sha256,
            "source_uri": source_uri,
            "status": str(status),
            "reason": reason,
            "seconds": seconds,
            "at": now(),
        },
    )


def known_statuses(engine: Engine, sha256s: Iterable[str]) -> dict[str, tuple[FileStatus, str]]:
    """Status and parser version of files already in the warehouse, by sha256."""
    shas = list(sha256s)
    out: dict[str, tuple[FileStatus, str]] = {}
    d = DimSourceDocument
    with engine.connect() as conn:
        for i in range(0, len(shas), 500):
            chunk = shas[i : i + 500]
            rows = conn.execute(select(d.sha256, d.status, d.parser_version).where(d.sha256.in_(chunk)))
            out.update({sha: (FileStatus(status), version) for sha, status, version in rows})
    return out


def count_rows(engine: Engine) -> dict[str, int]:
    """Row counts of the contract views (projects once each, however many documents disclose them): the
    summary a run prints."""
    with engine.connect() as conn:
        return {
            "projects": conn.execute(text("SELECT count(*) FROM v_projects")).scalar_one(),
            "indicators": conn.execute(text("SELECT count(*) FROM v_indicator_targets")).scalar_one(),
        }


# ---------------------------------------------------------------- files that load no rows


def record_outcome(
    engine: Engine,
    f: FileMeta,
    meta: NoticeMeta,
    status: FileStatus,
    reason: str | None,
    run_id: int | None,
    checks: Sequence[CheckResult] = (),
    quarantine: NoticeFrames | None = None,
    seconds: float | None = None,
) -> str | None:
    """Record a file that loads no rows (no_targets, rejected, quarantined, failed) in one transaction.

    When another run recorded the file while this one read it (`recorded_meanwhile`), nothing of it is
    recorded again: the run logs it `skipped` and the reason is returned (the file counts in the run that
    recorded it, and a late failure never hides a load)."""
    with write_transaction(engine) as conn:
        lock_for_load(conn)
        if (taken := recorded_meanwhile(conn, f.sha256, run_id)) is not None:
            log_event(conn, run_id, f.source_uri, f.sha256, SKIPPED, taken[1], seconds)
            return taken[1]
        upsert_document(conn, f, meta, status, reason, run_id, warnings=sum(c.failed_warning for c in checks))
        store_checks(conn, f.sha256, run_id, checks)
        if quarantine is not None:
            _store_quarantine(conn, f.sha256, reason or "", quarantine)
        log_event(conn, run_id, f.source_uri, f.sha256, status, reason, seconds)
    return None


def store_checks(conn: Connection, sha256: str, run_id: int | None, checks: Sequence[CheckResult]) -> None:
    if not checks:
        return
    at = now()
    conn.execute(
        insert(OpsQualityResult.__table__),
        [
            {
                "run_id": run_id,
                "sha256": sha256,
                "suite": c.suite,
                "expectation": c.expectation,
                "severity": str(c.severity),
                "success": c.success,
                "observed": c.observed,
                "unexpected_sample": _jsonable(c.unexpected_sample[:20]),
                "checked_at": at,
            }
            for c in checks
        ],
    )


def _store_quarantine(conn: Connection, sha256: str, reason: str, frames: NoticeFrames) -> None:
    values = {
        "reason": reason,
        "projects": _records(frames.projects),
        "indicators": _records(frames.indicators),
        "created_at": now(),
    }
    stmt = insert_for(conn, OpsQuarantine.__table__).values(sha256=sha256, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["sha256"], set_=values))


def _records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))


def _jsonable(values: list) -> list:
    return json.loads(json.dumps(values, default=str, ensure_ascii=False))
