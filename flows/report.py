"""`notices status`: recent runs, file statuses, the latest data-quality failures and the freshness of each
source, as plain text.

Freshness, per source (a SOURCE of `notices ingest`, as the runs record it): the last run that completed and
the last new document it delivered. A source is stale when no run of it completed for `run_days`, or when it
has delivered documents before and none new for `document_days`. The `check-freshness` flow
(`flows/freshness.py`) ends Failed when a source is stale.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, desc, func, select

from contracts.statuses import ATTENTION_STATUSES, FileStatus, RunStatus
from load.db import WarehouseError, check_openable, current_revision, first_line, make_engine, masked, now
from load.models import DimSourceDocument, OpsFileEvent, OpsQualityResult, OpsRun

WINDOW_DAYS = 90  # without a list of sources: those run within this many days


@dataclass
class SourceFreshness:
    source: str
    last_document_at: dt.datetime | None = None  # the last document the warehouse had not seen before
    last_success_at: dt.datetime | None = None  # the end of the last run that completed
    documents: int = 0  # documents it delivered, all runs
    last_run_at: dt.datetime | None = None  # the start of its last run, whatever became of it
    stale: list[str] = field(default_factory=list)  # why it is stale; empty when fresh

    def line(self) -> str:
        def day(at: dt.datetime | None) -> str:
            return f"{at:%Y-%m-%d}" if at else "never"

        state = "stale" if self.stale else "fresh"
        why = f" ({'; '.join(self.stale)})" if self.stale else ""
        return (
            f"{state}  {self.source}: last new document {day(self.last_document_at)}, "
            f"last successful run {day(self.last_success_at)}{why}"
        )


def _utc(at: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives the stored UTC time stamps back without their zone."""
    return at.replace(tzinfo=dt.UTC) if at is not None and at.tzinfo is None else at


def freshness(
    engine: Engine,
    sources: list[str] | None = None,
    run_days: float = 2,
    document_days: float = 30,
    at: dt.datetime | None = None,
) -> list[SourceFreshness]:
    """Freshness of `sources` (default: every source run within `WINDOW_DAYS`), as of `at` (default now).

    A document counts for the source its run read it from: the run's only source, else the sources its
    address begins with, else every source of the run."""
    at = at or now()
    with engine.connect() as conn:
        runs = conn.execute(
            select(OpsRun.run_id, OpsRun.sources, OpsRun.status, OpsRun.started_at, OpsRun.finished_at)
        ).all()
        docs = conn.execute(
            select(DimSourceDocument.run_id, DimSourceDocument.source_uri, DimSourceDocument.ingested_at)
        ).all()
    by_source: dict[str, SourceFreshness] = {s: SourceFreshness(s) for s in sources or ()}
    run_sources: dict[int, list[str]] = {}
    for run_id, raw, status, started_at, finished_at in runs:
        names = [str(s) for s in json.loads(raw or "[]")]
        run_sources[run_id] = names
        for name in names:
            if sources is not None and name not in by_source:
                continue
            fr = by_source.setdefault(name, SourceFreshness(name))
            started_at, finished_at = _utc(started_at), _utc(finished_at)
            fr.last_run_at = max(fr.last_run_at or started_at, started_at)
            if (
                status == RunStatus.COMPLETED
                and finished_at
                and (not fr.last_success_at or finished_at > fr.last_success_at)
            ):
                fr.last_success_at = finished_at
    for run_id, uri, ingested_at in docs:
        names = run_sources.get(run_id, [])
        if len(names) > 1:
            names = [s for s in names if uri.startswith(s)] or names
        for name in names:
            if name in by_source:
                fr = by_source[name]
                fr.documents += 1
                ingested_at = _utc(ingested_at)
                if not fr.last_document_at or ingested_at > fr.last_document_at:
                    fr.last_document_at = ingested_at
    out = []
    for fr in by_source.values():
        if sources is None and fr.last_run_at < at - dt.timedelta(days=WINDOW_DAYS):
            continue  # a source nobody runs any more
        if fr.last_success_at is None:
            fr.stale.append("no successful run yet")
        elif at - fr.last_success_at > dt.timedelta(days=run_days):
            fr.stale.append(f"no successful run for {(at - fr.last_success_at).days} days")
        if fr.last_document_at and at - fr.last_document_at > dt.timedelta(days=document_days):
            fr.stale.append(f"no new document for {(at - fr.last_document_at).days} days")
        out.append(fr)
    return sorted(out, key=lambda fr: fr.source)


def status_report(
    url: str,
    runs: int = 5,
    journal_path: Path | None = None,
    run_days: float = 2,
    document_days: float = 30,
) -> str:
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
                "\n".join([f"warehouse unreachable at {masked(url)}: {first_line(exc)}", *head]).rstrip()
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
            out += [
                "",
                f"freshness (stale: no completed run for {run_days:g} days, or no new document for "
                f"{document_days:g} days):",
            ]
            fresh = freshness(engine, run_days=run_days, document_days=document_days)
            out += [f"  {fr.line()}" for fr in fresh] or [f"  no source run in the last {WINDOW_DAYS} days"]
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
