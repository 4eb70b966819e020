"""`notices status`: recent runs, file statuses and the latest data-quality failures, as plain text."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import desc, func, select

from contracts.statuses import ATTENTION_STATUSES, FileStatus
from load.db import WarehouseError, check_openable, current_revision, make_engine, masked
from load.models import DimSourceDocument, OpsFileEvent, OpsQualityResult, OpsRun


def status_report(url: str, runs: int = 5, journal_path: Path | None = None) -> str:
    """Runs, files and checks as the warehouse records them; first, the runs of the run journal
    (`journal_path`) that failed before they could reach it and that no run has written into it yet. Raises a
    `WarehouseError` when there is no warehouse at `url` (a missing SQLite file is not created), saying those
    runs too."""
    from flows import journal

    early = journal.pending(journal_path, url) if journal_path is not None else []
    head = []
    if early:
        head = [f"runs that failed before reaching the warehouse, not yet in it ({journal_path}):"]
        head += [f"  {journal.describe(e)}" for e in early]
        head.append("")
    try:
        check_openable(url, create=False)
    except WarehouseError as exc:
        raise WarehouseError("\n".join([str(exc), *head]).rstrip()) from exc
    engine = make_engine(url)
    try:
        try:
            revision = current_revision(engine)
        except Exception as exc:
            raise WarehouseError(
                "\n".join(
                    [f"warehouse unreachable at {masked(url)}: {str(exc).splitlines()[0]}", *head]
                ).rstrip()
            ) from exc
        if revision is None:
            return "\n".join([*head, f"warehouse {masked(url)} is empty: run `notices ingest` first"])
        out = [*head, f"warehouse {masked(url)} (schema {revision})", "", "recent runs:"]
        with engine.connect() as conn:
            for r in conn.execute(
                select(OpsRun.__table__).order_by(desc(OpsRun.run_id)).limit(runs)
            ).mappings():
                took = (
                    f"{(r['finished_at'] - r['started_at']).total_seconds():.1f}s"
                    if r["finished_at"]
                    else "-"
                )
                counts = (
                    ", ".join(f"{k} {v}" for k, v in sorted((r["counts"] or {}).items())) or "nothing new"
                )
                out.append(
                    f"  #{r['run_id']} {r['started_at']:%Y-%m-%d %H:%M:%S} {r['status']:<9} {took:>8}  "
                    f"files {r['files_seen']}, skipped {r['files_skipped']}: {counts}"
                )
                if r["error"]:
                    out.append(f"      error: {r['error']}")
            out += ["", "files by status:"]
            rows = conn.execute(
                select(DimSourceDocument.status, func.count()).group_by(DimSourceDocument.status)
            )
            for status, n in sorted((s, n) for s, n in rows):
                out.append(f"  {status:<12} {n}")
            problems = conn.execute(
                select(DimSourceDocument.file_name, DimSourceDocument.status, DimSourceDocument.reason)
                .where(DimSourceDocument.status.in_(ATTENTION_STATUSES))
                .order_by(desc(DimSourceDocument.ingested_at))
                .limit(20)
            ).all()
            if problems:
                out += ["", "files needing attention (latest 20):"]
                out += [f"  {s:<11} {name}: {reason}" for name, s, reason in problems]
            failed_downloads = conn.execute(
                select(OpsFileEvent.source_uri, OpsFileEvent.reason)
                .where(OpsFileEvent.status == FileStatus.FAILED, OpsFileEvent.sha256.is_(None))
                .order_by(desc(OpsFileEvent.event_id))
                .limit(10)
            ).all()
            if failed_downloads:
                out += ["", "downloads that failed (retried next run):"]
                out += [f"  {uri}: {reason}" for uri, reason in failed_downloads]
            checks = conn.execute(
                select(
                    OpsQualityResult.expectation,
                    OpsQualityResult.severity,
                    func.count(),
                    func.max(OpsQualityResult.checked_at),
                )
                .where(OpsQualityResult.success.is_(False))
                .group_by(OpsQualityResult.expectation, OpsQualityResult.severity)
                .order_by(desc(func.max(OpsQualityResult.checked_at)))
            ).all()
            if checks:
                out += ["", "data-quality failures (all runs):"]
                out += [
                    f"  {sev:<8} {name:<45} {n} notice(s), last {last:%Y-%m-%d %H:%M}"
                    for name, sev, n, last in checks
                ]
        return "\n".join(out)
    finally:
        engine.dispose()
