"""Facts: one notice's projects and indicators in one transaction, and the correction (supersede) rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, insert, select, update

from contracts.frames import NoticeFrames
from contracts.records import CheckResult, FileMeta, NoticeMeta
from contracts.statuses import SKIPPED, FileStatus
from contracts.vocabulary import DocumentKind
from load.db import lock_for_load, write_transaction
from load.dimensions import (
    ensure_departments,
    ensure_indicators,
    ensure_projects,
    ensure_units,
    ensure_years,
    num,
    opt,
    project_key,
    records,
    with_keys,
)
from load.documents import recorded_meanwhile, upsert_document
from load.models import DimSourceDocument, FactIndicatorTarget, FactProjectBudget
from load.ops import log_event, store_checks


@dataclass
class LoadOutcome:
    status: FileStatus
    projects: int = 0
    indicators: int = 0
    reason: str | None = None
    superseded: list[str] = field(default_factory=list)
    skipped: bool = False  # another run loaded the file meanwhile: this run logged it `skipped`


def load_notice(
    engine: Engine,
    f: FileMeta,
    meta: NoticeMeta,
    frames: NoticeFrames,
    run_id: int | None,
    checks: Sequence[CheckResult] = (),
    seconds: float | None = None,
) -> LoadOutcome:
    """Load one document's projects and indicators, atomically; supersede older files it corrects."""
    projects = records(with_keys(frames.projects, frames.region))
    indicators = records(frames.indicators)
    with write_transaction(engine) as conn:
        lock_for_load(conn)
        taken = recorded_meanwhile(conn, f.sha256, run_id)
        if taken is not None and taken[0] in (FileStatus.LOADED, FileStatus.SUPERSEDED):
            # counted in the run that loaded it; here it is an unchanged file
            log_event(conn, run_id, f.source_uri, f.sha256, SKIPPED, taken[1], seconds)
            return LoadOutcome(status=taken[0], reason=taken[1], skipped=True)
        warnings = sum(c.failed_warning for c in checks)
        doc_id = upsert_document(
            conn, f, meta, FileStatus.LOADED, None, run_id, len(projects), len(indicators), warnings
        )
        ensure_years(conn, projects)
        dept_ids = ensure_departments(conn, projects)
        unit_ids = ensure_units(conn, projects)
        project_ids = ensure_projects(conn, projects)
        indicator_ids = ensure_indicators(conn, indicators)

        facts = []
        for p in projects:
            facts.append(
                {
                    "project_id": project_ids[project_key(p)],
                    "budget_year": int(p.budget_year),
                    "document_id": doc_id,
                    "department_id": dept_ids[
                        (p.department_key, opt(p.department_name) or "", int(p.budget_year))
                    ],
                    "unit_id": unit_ids[p.unit_key],
                    "project_seq": int(p.project_seq),
                    "scope": p.scope,
                    "project_code": opt(p.project_code),
                    "total_funds_wan": num(p.total_funds_wan),
                    "fiscal_funds_wan": num(p.fiscal_funds_wan),
                    "other_funds_wan": num(p.other_funds_wan),
                    "carryover_funds_wan": num(p.carryover_funds_wan),
                    "performance_goal": opt(p.performance_goal),
                    "period_text": opt(p.period_text),
                    "annex_label": opt(p.annex_label),
                    "source_page": int(p.source_page),
                }
            )
        if facts:
            conn.execute(insert(FactProjectBudget.__table__), facts)

        by_seq = {int(p.project_seq): p for p in projects}
        targets = []
        for r in indicators:
            p = by_seq[int(r.project_seq)]
            targets.append(
                {
                    "document_id": doc_id,
                    "project_id": project_ids[project_key(p)],
                    "budget_year": int(p.budget_year),
                    "indicator_id": indicator_ids[(r.level1, r.level2, r.level3)],
                    "project_seq": int(r.project_seq),
                    "row_seq": int(r.row_seq),
                    "target_text": opt(r.target_text),
                    "comparator": opt(r.comparator),
                    "target_value": num(r.target_value),
                    "target_unit": opt(r.target_unit),
                    "target_deadline": opt(r.target_deadline),
                    "value_kind": r.value_kind,
                    "is_core": bool(r.is_core),
                    "score_text": opt(r.score_text),
                    "note_text": opt(r.note_text),
                    "indicator_nature": opt(r.indicator_nature),
                    "weight": num(r.weight),
                    "period_target_text": opt(r.period_target_text),
                    "source_page": int(r.source_page),
                }
            )
        if targets:
            conn.execute(insert(FactIndicatorTarget.__table__), targets)

        superseded = _supersede(conn, doc_id, meta, set(project_ids.values()))
        store_checks(conn, f.sha256, run_id, checks)
        status = FileStatus.SUPERSEDED if f.sha256 in superseded else FileStatus.LOADED
        log_event(conn, run_id, f.source_uri, f.sha256, status, None, seconds)
    return LoadOutcome(
        status=status,
        projects=len(projects),
        indicators=len(indicators),
        superseded=[sha for sha, by in superseded.items() if by == doc_id],
    )


def _supersede(conn: Connection, doc_id: int, meta: NoticeMeta, project_ids: set[int]) -> dict[str, int]:
    """Correction rule: a newer version of the same document supersedes it entirely. For budget documents
    that is the same publisher, kind and budget year (a unit budget never supersedes its department's); for
    notices, a file sharing a project with a current file of the same department and budget year. The
    newer is the later publication date, else the file loaded now. Returns {superseded sha256: id of the
    document that replaced it}."""
    d, f = DimSourceDocument.__table__, FactProjectBudget.__table__
    if meta.budget_year is None:
        return {}
    if meta.document_kind not in (None, DocumentKind.NOTICE):
        if not meta.publisher:
            return {}
        query = select(d.c.document_id, d.c.sha256, d.c.published_on).where(
            d.c.status == FileStatus.LOADED,
            d.c.document_id != doc_id,
            d.c.publisher == meta.publisher,
            d.c.document_kind == meta.document_kind,
            d.c.budget_year == meta.budget_year,
        )
        if meta.region is not None:
            query = query.where(d.c.region == meta.region)
    else:
        if not project_ids or meta.department_code is None:
            return {}
        query = (
            select(d.c.document_id, d.c.sha256, d.c.published_on)
            .distinct()
            .join(f, f.c.document_id == d.c.document_id)
            .where(
                d.c.status == FileStatus.LOADED,
                d.c.document_id != doc_id,
                d.c.department_code == meta.department_code,
                d.c.budget_year == meta.budget_year,
                f.c.project_id.in_(project_ids),
            )
        )
    rivals = conn.execute(query).all()
    mine = dt.date.fromisoformat(meta.published_on) if meta.published_on else None
    my_sha = conn.execute(select(d.c.sha256).where(d.c.document_id == doc_id)).scalar_one()
    out: dict[str, int] = {}
    for rival_id, rival_sha, rival_published in rivals:
        if mine is not None and rival_published is not None and rival_published > mine:
            out[my_sha] = rival_id  # this file is the older issue: the current one stays
        else:
            out[rival_sha] = doc_id
    for sha, by in out.items():
        conn.execute(
            update(d)
            .where(d.c.sha256 == sha)
            .values(status=FileStatus.SUPERSEDED, superseded_by=by, reason=f"superseded by document {by}")
        )
    return out
