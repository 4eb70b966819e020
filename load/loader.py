"""Write one notice to the warehouse in one transaction, and record what became of every file (DESIGN §6)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from extract.model import PARSER_VERSION
from load.db import lock_for_load, write_transaction
from load.models import (
    DimDepartment,
    DimIndicator,
    DimProject,
    DimSourceDocument,
    DimUnit,
    DimYear,
    FactIndicatorTarget,
    FactProjectBudget,
    OpsFileEvent,
    OpsQualityResult,
    OpsQuarantine,
    OpsRun,
)
from transform.normalize import NoticeFrames

DONE_STATUSES = ("loaded", "superseded", "no_targets", "rejected", "quarantined")


@dataclass(frozen=True)
class FileMeta:
    """A file as the source handed it over: identity and provenance."""

    sha256: str
    file_name: str
    source_uri: str
    size_bytes: int


@dataclass
class NoticeMeta:
    """What extraction learned about the file as a whole."""

    pages: int | None = None
    producer: str | None = None
    title: str | None = None
    budget_year: int | None = None
    department_code: str | None = None
    published_on: str | None = None


@dataclass
class CheckResult:
    """One data-quality expectation's outcome on one notice."""

    suite: str
    expectation: str
    severity: str  # error | warning
    success: bool
    observed: str | None = None
    unexpected_sample: list = field(default_factory=list)


@dataclass
class LoadOutcome:
    status: str
    projects: int = 0
    indicators: int = 0
    reason: str | None = None
    superseded: list[str] = field(default_factory=list)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _insert(conn: Connection, table: Table):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


# ---------------------------------------------------------------- runs and file log


def start_run(engine: Engine, sources: Sequence[str], flow_run_id: str | None) -> int:
    with write_transaction(engine) as conn:
        return conn.execute(
            insert(OpsRun.__table__).returning(OpsRun.run_id),
            {
                "sources": json.dumps(list(sources), ensure_ascii=False),
                "started_at": now(),
                "status": "running",
                "flow_run_id": flow_run_id,
                "files_seen": 0,
                "files_skipped": 0,
            },
        ).scalar_one()


def finish_run(
    engine: Engine, run_id: int, status: str, counts: dict, seen: int, skipped: int, error: str | None = None
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
    with write_transaction(engine) as conn:
        _log(conn, run_id, source_uri, sha256, status, reason, seconds)


def _log(conn, run_id, source_uri, sha256, status, reason=None, seconds=None) -> None:
    conn.execute(
        insert(OpsFileEvent.__table__),
        {
            "run_id": run_id,
            "sha256": sha256,
            "source_uri": source_uri,
            "status": status,
            "reason": reason,
            "seconds": seconds,
            "at": now(),
        },
    )


def known_statuses(engine: Engine, sha256s: Iterable[str]) -> dict[str, str]:
    """Status of files already in the warehouse, by sha256 (failed files are retried by callers)."""
    shas = list(sha256s)
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for i in range(0, len(shas), 500):
            chunk = shas[i : i + 500]
            rows = conn.execute(
                select(DimSourceDocument.sha256, DimSourceDocument.status).where(
                    DimSourceDocument.sha256.in_(chunk)
                )
            )
            out.update({sha: status for sha, status in rows})
    return out


# ---------------------------------------------------------------- documents


def _upsert_document(
    conn: Connection,
    f: FileMeta,
    meta: NoticeMeta,
    status: str,
    reason: str | None,
    run_id: int | None,
    projects: int = 0,
    indicators: int = 0,
    warnings: int = 0,
) -> int:
    values = {
        "file_name": f.file_name,
        "source_uri": f.source_uri,
        "size_bytes": f.size_bytes,
        "status": status,
        "reason": reason,
        "title": meta.title,
        "budget_year": meta.budget_year,
        "department_code": meta.department_code,
        "published_on": dt.date.fromisoformat(meta.published_on) if meta.published_on else None,
        "pages": meta.pages,
        "producer": (meta.producer or "")[:200] or None,
        "parser_version": PARSER_VERSION,
        "projects": projects,
        "indicators": indicators,
        "warnings": warnings,
        "ingested_at": now(),
        "run_id": run_id,
        "superseded_by": None,
    }
    stmt = _insert(conn, DimSourceDocument.__table__).values(sha256=f.sha256, **values)
    stmt = stmt.on_conflict_do_update(index_elements=["sha256"], set_=values)
    conn.execute(stmt)
    return conn.execute(
        select(DimSourceDocument.document_id).where(DimSourceDocument.sha256 == f.sha256)
    ).scalar_one()


def record_outcome(
    engine: Engine,
    f: FileMeta,
    meta: NoticeMeta,
    status: str,
    reason: str | None,
    run_id: int | None,
    checks: Sequence[CheckResult] = (),
    quarantine: NoticeFrames | None = None,
    seconds: float | None = None,
) -> None:
    """Record a file that loads no rows (no_targets, rejected, quarantined, failed) in one transaction."""
    with write_transaction(engine) as conn:
        lock_for_load(conn)
        existing = conn.execute(
            select(DimSourceDocument.status).where(DimSourceDocument.sha256 == f.sha256)
        ).scalar_one_or_none()
        if existing in ("loaded", "superseded") and status == "failed":
            return  # another run loaded it meanwhile; a late failure must not hide that
        _upsert_document(
            conn,
            f,
            meta,
            status,
            reason,
            run_id,
            warnings=sum(1 for c in checks if not c.success and c.severity == "warning"),
        )
        _store_checks(conn, f.sha256, run_id, checks)
        if quarantine is not None:
            _store_quarantine(conn, f.sha256, reason or "", quarantine)
        _log(conn, run_id, f.source_uri, f.sha256, status, reason, seconds)


def _store_checks(conn: Connection, sha256: str, run_id: int | None, checks: Sequence[CheckResult]) -> None:
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
                "severity": c.severity,
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
    stmt = _insert(conn, OpsQuarantine.__table__).values(sha256=sha256, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["sha256"], set_=values))


def _records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))


def _jsonable(values: list) -> list:
    return json.loads(json.dumps(values, default=str, ensure_ascii=False))


# ---------------------------------------------------------------- loading a notice


def load_notice(
    engine: Engine,
    f: FileMeta,
    meta: NoticeMeta,
    frames: NoticeFrames,
    run_id: int | None,
    checks: Sequence[CheckResult] = (),
    seconds: float | None = None,
) -> LoadOutcome:
    """Load one notice's projects and indicators, atomically; supersede older files it corrects."""
    projects, indicators = frames.projects, frames.indicators
    with write_transaction(engine) as conn:
        lock_for_load(conn)
        existing = conn.execute(
            select(DimSourceDocument.status).where(DimSourceDocument.sha256 == f.sha256)
        ).scalar_one_or_none()
        if existing in ("loaded", "superseded"):
            return LoadOutcome(status=existing, reason="already loaded by another run")
        warnings = sum(1 for c in checks if not c.success and c.severity == "warning")
        doc_id = _upsert_document(
            conn, f, meta, "loaded", None, run_id, len(projects), len(indicators), warnings
        )
        _ensure_years(conn, projects)
        dept_ids = _ensure_departments(conn, projects)
        unit_ids = _ensure_units(conn, projects)
        project_ids = _ensure_projects(conn, projects)
        indicator_ids = _ensure_indicators(conn, indicators)

        facts = []
        for p in projects.itertuples(index=False):
            facts.append(
                {
                    "project_id": project_ids[_project_key(p)],
                    "budget_year": int(p.budget_year),
                    "document_id": doc_id,
                    "department_id": dept_ids[(p.department_code, p.department_name, int(p.budget_year))],
                    "unit_id": unit_ids[p.unit_code],
                    "project_seq": int(p.project_seq),
                    "total_funds_wan": _num(p.total_funds_wan),
                    "fiscal_funds_wan": _num(p.fiscal_funds_wan),
                    "other_funds_wan": _num(p.other_funds_wan),
                    "performance_goal": _opt(p.performance_goal),
                    "period_text": _opt(p.period_text),
                    "annex_label": _opt(p.annex_label),
                    "source_page": int(p.source_page),
                }
            )
        if facts:
            conn.execute(insert(FactProjectBudget.__table__), facts)

        by_seq = {int(p.project_seq): p for p in projects.itertuples(index=False)}
        targets = []
        for r in indicators.itertuples(index=False):
            p = by_seq[int(r.project_seq)]
            targets.append(
                {
                    "document_id": doc_id,
                    "project_id": project_ids[_project_key(p)],
                    "budget_year": int(p.budget_year),
                    "indicator_id": indicator_ids[(r.level1, r.level2, r.level3)],
                    "row_seq": int(r.row_seq),
                    "target_text": _opt(r.target_text),
                    "comparator": _opt(r.comparator),
                    "target_value": _num(r.target_value),
                    "target_unit": _opt(r.target_unit),
                    "target_deadline": _opt(r.target_deadline),
                    "value_kind": r.value_kind,
                    "is_core": bool(r.is_core),
                    "score_text": _opt(r.score_text),
                    "note_text": _opt(r.note_text),
                    "source_page": int(r.source_page),
                }
            )
        if targets:
            conn.execute(insert(FactIndicatorTarget.__table__), targets)

        superseded = _supersede(conn, doc_id, meta, set(project_ids.values()))
        _store_checks(conn, f.sha256, run_id, checks)
        status = "superseded" if f.sha256 in superseded else "loaded"
        _log(conn, run_id, f.source_uri, f.sha256, status, None, seconds)
    return LoadOutcome(
        status=status,
        projects=len(projects),
        indicators=len(indicators),
        superseded=[sha for sha, by in superseded.items() if by == doc_id],
    )


def _opt(v):
    return None if v is None or (not isinstance(v, str | dt.date) and pd.isna(v)) else v


def _num(v) -> float | None:
    v = _opt(v)
    return None if v is None else float(v)


def _project_key(p) -> tuple:
    return (p.department_code, p.unit_code, p.project_name, int(p.period_start_year), int(p.period_end_year))


def _ensure_years(conn: Connection, projects: pd.DataFrame) -> None:
    budget = {int(y) for y in projects["budget_year"]}
    years = set(budget)
    for s, e in zip(projects["period_start_year"], projects["period_end_year"], strict=True):
        years.update(range(int(s), int(e) + 1))
    conn.execute(
        _insert(conn, DimYear.__table__).on_conflict_do_nothing(index_elements=["year"]),
        [{"year": y, "is_budget_year": y in budget} for y in sorted(years)],
    )
    if budget:
        conn.execute(update(DimYear.__table__).where(DimYear.year.in_(budget)).values(is_budget_year=True))


def _ensure_departments(conn: Connection, projects: pd.DataFrame) -> dict[tuple[str, str, int], int]:
    """Department versions (SCD type 2) of every code the notice prints; returns the version id of each
    (code, name, budget year) it prints.

    A version is a run of budget years in which one name is printed for the code, recomputed on every load
    from all names ever loaded for it (the facts) plus this notice: A→B→A gives three versions, a second name
    printed in the same year overlaps by that year, and loading an older notice later re-orders them. Facts
    keep pointing at the version of the name their document printed.
    """
    t = DimDepartment.__table__
    f = FactProjectBudget.__table__
    printed: dict[str, set[tuple[int, str]]] = {}
    formers: dict[tuple[str, str], set[str]] = {}
    for p in projects.itertuples(index=False):
        printed.setdefault(p.department_code, set()).add((int(p.budget_year), p.department_name))
        if former := _opt(p.department_former_name):
            formers.setdefault((p.department_code, p.department_name), set()).add(former)
    ids: dict[tuple[str, str, int], int] = {}
    for code, new in printed.items():
        rows = conn.execute(select(t).where(t.c.code == code)).mappings().all()
        facts = conn.execute(
            select(f.c.project_budget_id, f.c.budget_year, t.c.name, f.c.department_id)
            .join(t, t.c.department_id == f.c.department_id)
            .where(t.c.code == code)
        ).all()
        for r in rows:
            formers.setdefault((code, r["name"]), set()).update(
                x for x in (r["former_names"] or "").split("；") if x
            )
        current = next((r["name"] for r in rows if r["is_current"]), None)
        versions = department_versions({(y, n) for _, y, n, _ in facts} | new, {n for _, n in new}, current)
        version_ids = _save_versions(conn, code, rows, versions, formers)
        # only facts whose version changed (a split or merged run) are re-pointed
        moved = [
            {"fid": fid, "did": did}
            for fid, year, name, old in facts
            if (did := version_ids[_version_of(versions, name, year)]) != old
        ]
        if moved:
            conn.execute(
                update(f)
                .where(f.c.project_budget_id == bindparam("fid"))
                .values(department_id=bindparam("did")),
                moved,
            )
        used = set(version_ids.values())
        stale = [r["department_id"] for r in rows if r["department_id"] not in used]
        if stale:
            conn.execute(t.delete().where(t.c.department_id.in_(stale)))
        for year, name in new:
            ids[(code, name, year)] = version_ids[_version_of(versions, name, year)]
    return ids


@dataclass(frozen=True)
class DepartmentVersion:
    name: str
    first: int  # first and last budget years that printed the name in this run
    last: int
    valid_to: int | None  # None: the current version


def department_versions(
    printed: set[tuple[int, str]], latest_names: set[str] = frozenset(), current: str | None = None
) -> list[DepartmentVersion]:
    """Versions of one department code from the (budget year, name) pairs printed for it.

    A name's run continues while it is printed in consecutive observed years (years with no notice do not
    break it). `valid_to` is the year before the next run starts, or the run's own last year when the next
    run starts earlier (two names in one year). The current version is the run reaching the latest year;
    if several do, the one named by the notice being loaded (`latest_names`), else the one already
    current, else the one that started last.
    """
    years = sorted({y for y, _ in printed})
    runs: list[list] = []  # [name, first, last]
    active: dict[str, int] = {}
    for y in years:
        now = {}
        for name in sorted(n for yy, n in printed if yy == y):
            if name in active:
                runs[active[name]][2] = y
                now[name] = active[name]
            else:
                runs.append([name, y, y])
                now[name] = len(runs) - 1
        active = now
    ending = [r for r in runs if r[2] == years[-1]]
    head = tuple(max(ending, key=lambda r: (r[0] in latest_names, r[0] == current, r[1], r[0])))
    out = []
    for name, first, last in sorted(runs, key=lambda r: (r[1], r[0])):
        if (name, first, last) == head:
            out.append(DepartmentVersion(name, first, last, None))
            continue
        later = [r[1] for r in runs if r[1] > first]
        out.append(DepartmentVersion(name, first, last, max(last, min(later) - 1) if later else last))
    return out


def _version_of(versions: list[DepartmentVersion], name: str, year: int) -> DepartmentVersion:
    return next(v for v in versions if v.name == name and v.first <= year <= v.last)


def _save_versions(conn, code, rows, versions, formers) -> dict[DepartmentVersion, int]:
    """Write the versions of one code, reusing its existing rows (same name and start, else same name)."""
    t = DimDepartment.__table__
    free = list(rows)
    ids: dict[DepartmentVersion, int] = {}
    for exact in (True, False):
        for v in versions:
            if v in ids:
                continue
            row = next(
                (r for r in free if r["name"] == v.name and (not exact or r["valid_from_year"] == v.first)),
                None,
            )
            if row is not None:
                free.remove(row)
                ids[v] = row["department_id"]
    for v in versions:
        values = {
            "valid_from_year": v.first,
            "valid_to_year": v.valid_to,
            "is_current": v.valid_to is None,
            "former_names": "；".join(sorted(formers.get((code, v.name), ()))) or None,
        }
        if v in ids:
            conn.execute(update(t).where(t.c.department_id == ids[v]).values(**values))
        else:
            ids[v] = conn.execute(
                insert(t).returning(t.c.department_id), {"code": code, "name": v.name, **values}
            ).scalar_one()
    return ids


def _ensure_units(conn: Connection, projects: pd.DataFrame) -> dict[str, int]:
    t = DimUnit.__table__
    latest = {}
    for p in projects.itertuples(index=False):
        latest[p.unit_code] = {
            "code": p.unit_code,
            "name": _opt(p.unit_name) or p.unit_code,
            "department_code": p.department_code,
        }
    stmt = _insert(conn, t)
    stmt = stmt.on_conflict_do_update(
        index_elements=["code"],
        set_={"name": stmt.excluded.name, "department_code": stmt.excluded.department_code},
    )
    conn.execute(stmt, list(latest.values()))
    rows = conn.execute(select(t.c.code, t.c.unit_id).where(t.c.code.in_(list(latest))))
    return {code: unit_id for code, unit_id in rows}


def _ensure_projects(conn: Connection, projects: pd.DataFrame) -> dict[tuple, int]:
    t = DimProject.__table__
    rows = {
        _project_key(p): {
            "department_code": p.department_code,
            "unit_code": p.unit_code,
            "name": p.project_name,
            "period_start_year": int(p.period_start_year),
            "period_end_year": int(p.period_end_year),
        }
        for p in projects.itertuples(index=False)
    }
    cols = ["department_code", "unit_code", "name", "period_start_year", "period_end_year"]
    conn.execute(_insert(conn, t).on_conflict_do_nothing(index_elements=cols), list(rows.values()))
    found = conn.execute(
        select(*(t.c[c] for c in cols), t.c.project_id).where(tuple_(*(t.c[c] for c in cols)).in_(list(rows)))
    )
    return {tuple(r[:5]): r[5] for r in found}


def _ensure_indicators(conn: Connection, indicators: pd.DataFrame) -> dict[tuple[str, str, str], int]:
    if indicators.empty:
        return {}
    t = DimIndicator.__table__
    rows = {}
    for r in indicators.itertuples(index=False):
        rows[(r.level1, r.level2, r.level3)] = {
            "level1": r.level1,
            "level2": r.level2,
            "level3": r.level3,
            "level1_known": bool(r.level1_known),
            "level2_known": bool(r.level2_known),
        }
    cols = ["level1", "level2", "level3"]
    conn.execute(_insert(conn, t).on_conflict_do_nothing(index_elements=cols), list(rows.values()))
    out = {}
    keys = list(rows)
    for i in range(0, len(keys), 300):
        chunk = keys[i : i + 300]
        found = conn.execute(
            select(t.c.level1, t.c.level2, t.c.level3, t.c.indicator_id).where(
                tuple_(t.c.level1, t.c.level2, t.c.level3).in_(chunk)
            )
        )
        out.update({(a, b, c): i for a, b, c, i in found})
    return out


def _supersede(conn: Connection, doc_id: int, meta: NoticeMeta, project_ids: set[int]) -> dict[str, int]:
    """Correction rule: a newer file sharing a project with a current file of the same department and budget
    year supersedes it entirely. Returns {superseded sha256: id of the document that replaced it}."""
    if not project_ids or meta.department_code is None or meta.budget_year is None:
        return {}
    d, f = DimSourceDocument.__table__, FactProjectBudget.__table__
    rivals = conn.execute(
        select(d.c.document_id, d.c.sha256, d.c.published_on)
        .distinct()
        .join(f, f.c.document_id == d.c.document_id)
        .where(
            d.c.status == "loaded",
            d.c.document_id != doc_id,
            d.c.department_code == meta.department_code,
            d.c.budget_year == meta.budget_year,
            f.c.project_id.in_(project_ids),
        )
    ).all()
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
            .values(status="superseded", superseded_by=by, reason=f"superseded by document {by}")
        )
    return out


def count_rows(engine: Engine) -> dict[str, int]:
    """Row counts of the contract views: the summary a run prints."""
    with engine.connect() as conn:
        return {
            "projects": conn.execute(
                select(func.count())
                .select_from(FactProjectBudget.__table__)
                .join(DimSourceDocument.__table__)
                .where(DimSourceDocument.status == "loaded")
            ).scalar_one(),
            "indicators": conn.execute(
                select(func.count())
                .select_from(FactIndicatorTarget.__table__)
                .join(DimSourceDocument.__table__)
                .where(DimSourceDocument.status == "loaded")
            ).scalar_one(),
        }
