"""`dim_source_document`: one row per file version, whatever became of it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from contracts.records import FileMeta, NoticeMeta
from contracts.statuses import FINAL_STATUSES, FileStatus
from load.db import insert_for, now
from load.models import DimSourceDocument, OpsRun


def upsert_document(
    conn: Connection,
    f: FileMeta,
    meta: NoticeMeta,
    status: FileStatus,
    reason: str | None,
    run_id: int | None,
    projects: int = 0,
    indicators: int = 0,
    warnings: int = 0,
) -> int:
    """Insert or update the file's row (keyed by sha256); returns its document id."""
    values = {
        "file_name": f.file_name,
        "source_uri": f.source_uri,
        "size_bytes": f.size_bytes,
        "status": str(status),
        "reason": reason,
        "title": meta.title,
        "budget_year": meta.budget_year,
        "department_code": meta.department_code,
        "region": meta.region,
        "publisher": meta.publisher,
        "document_kind": meta.document_kind,
        "published_on": dt.date.fromisoformat(meta.published_on) if meta.published_on else None,
        "pages": meta.pages,
        "producer": (meta.producer or "")[:200] or None,
        "parser_version": meta.parser_version,
        "projects": projects,
        "indicators": indicators,
        "warnings": warnings,
        "ingested_at": now(),
        "run_id": run_id,
        "superseded_by": None,
    }
    stmt = insert_for(conn, DimSourceDocument.__table__).values(sha256=f.sha256, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["sha256"], set_=values))
    return conn.execute(
        select(DimSourceDocument.document_id).where(DimSourceDocument.sha256 == f.sha256)
    ).scalar_one()


def recorded_meanwhile(conn: Connection, sha256: str, run_id: int | None) -> tuple[FileStatus, str] | None:
    """The status another run recorded for this file while this run was reading it, and the reason to log
    for skipping it; None when this run records the file itself. Call it under the load lock.

    A file loaded (or superseded) is never read again, so finding it loaded means another run (or an
    earlier copy in this one) got there first. Any other final status counts when another run recorded it
    after this run started (a run reading a rejected file again on purpose is not stopped by it)."""
    d = DimSourceDocument
    row = conn.execute(select(d.status, d.run_id, d.ingested_at).where(d.sha256 == sha256)).one_or_none()
    if row is None:
        return None
    status, by_run, at = FileStatus(row.status), row.run_id, row.ingested_at
    if status not in FINAL_STATUSES:
        return None
    if status not in (FileStatus.LOADED, FileStatus.SUPERSEDED):
        if run_id is None or by_run == run_id:
            return None
        started = conn.execute(select(OpsRun.started_at).where(OpsRun.run_id == run_id)).scalar_one_or_none()
        if started is None or at is None or at < started:
            return None
    by = (
        "earlier in this run"
        if by_run is not None and by_run == run_id
        else (f"by run {by_run}" if by_run is not None else "by another run")
    )
    return status, f"unchanged ({status}, recorded {by} meanwhile)"
