"""The dimensions: years, department versions, units, projects and indicators, upserted as notices load."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, bindparam, func, insert, select, tuple_, update

from load.db import insert_for
from load.models import DimDepartment, DimIndicator, DimProject, DimUnit, DimYear, FactProjectBudget


def opt(v):
    """A frame cell as a database value: NaN/NA → None."""
    return None if v is None or (not isinstance(v, str | dt.date) and pd.isna(v)) else v


def num(v) -> float | None:
    v = opt(v)
    return None if v is None else float(v)


def records(frame: pd.DataFrame) -> list:
    """A frame's rows as named tuples, built in one pass (`DataFrame.itertuples` goes through the frame
    column by column on every call, which cost a load more than its SQL)."""
    row = namedtuple("Row", frame.columns, rename=True)
    return [row(*values) for values in zip(*(frame[c].tolist() for c in frame.columns), strict=True)]


def department_key(region: str | None, code: str | None, name: str | None) -> str:
    """A department is its region and code where a code is printed, else its region and name."""
    return f"{region or ''}|{code}" if code else f"{region or ''}|name:{name or ''}"


def unit_key(department: str, code: str | None, name: str | None) -> str:
    """A unit is its department and code where a code is printed, else its name (or no name printed)."""
    return f"{department}|{code}" if code else f"{department}|name:{name or ''}"


def with_keys(projects: pd.DataFrame, region: str | None) -> pd.DataFrame:
    """The projects frame with the document's region and the department and unit keys of each row."""
    out = projects.assign(region=region)
    out["department_key"] = [
        department_key(region, opt(c), opt(n))
        for c, n in zip(out["department_code"], out["department_name"], strict=True)
    ]
    out["unit_key"] = [
        unit_key(d, opt(c), opt(n))
        for d, c, n in zip(out["department_key"], out["unit_code"], out["unit_name"], strict=True)
    ]
    return out


def project_key(p) -> tuple:
    """The natural key of `dim_project` for a row of the projects frame (see `with_keys`)."""
    return (p.department_key, p.unit_key, p.project_name, int(p.period_start_year), int(p.period_end_year))


def ensure_years(conn: Connection, projects: Sequence) -> None:
    budget = {int(p.budget_year) for p in projects}
    years = set(budget)
    for p in projects:
        years.update(range(int(p.period_start_year), int(p.period_end_year) + 1))
    conn.execute(
        insert_for(conn, DimYear.__table__).on_conflict_do_nothing(index_elements=["year"]),
        [{"year": y, "is_budget_year": y in budget} for y in sorted(years)],
    )
    if budget:
        conn.execute(update(DimYear.__table__).where(DimYear.year.in_(budget)).values(is_budget_year=True))


def ensure_departments(conn: Connection, projects: Sequence) -> dict[tuple[str, str, int], int]:
    """Department versions (SCD type 2) of every department the document prints; returns the version id of
    each (department key, name, budget year) it prints.

    A version is a run of budget years in which one name is printed for the department, recomputed on every
    load from all names ever loaded for it (the facts) plus this document: A→B→A gives three versions, a
    second name printed in the same year overlaps by that year, and loading an older notice later re-orders
    them. Facts keep pointing at the version of the name their document printed. A department known by its
    name alone (no code printed) has one name, so one version.
    """
    t = DimDepartment.__table__
    f = FactProjectBudget.__table__
    printed: dict[str, set[tuple[int, str]]] = {}
    formers: dict[tuple[str, str], set[str]] = {}
    codes: dict[str, tuple[str | None, str | None]] = {}
    for p in projects:
        name = opt(p.department_name) or ""
        printed.setdefault(p.department_key, set()).add((int(p.budget_year), name))
        codes[p.department_key] = (opt(p.region), opt(p.department_code))
        if former := opt(p.department_former_name):
            formers.setdefault((p.department_key, name), set()).add(former)
    ids: dict[tuple[str, str, int], int] = {}
    for key, new in printed.items():
        rows = conn.execute(select(t).where(t.c.department_key == key)).mappings().all()
        facts = conn.execute(
            select(f.c.project_budget_id, f.c.budget_year, t.c.name, f.c.department_id)
            .join(t, t.c.department_id == f.c.department_id)
            .where(t.c.department_key == key)
        ).all()
        for r in rows:
            formers.setdefault((key, r["name"]), set()).update(
                x for x in (r["former_names"] or "").split("；") if x
            )
        current = next((r["name"] for r in rows if r["is_current"]), None)
        versions = department_versions({(y, n) for _, y, n, _ in facts} | new, {n for _, n in new}, current)
        version_ids = _save_versions(conn, key, codes[key], rows, versions, formers)
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
            ids[(key, name, year)] = version_ids[_version_of(versions, name, year)]
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


def _save_versions(conn, key, region_code, rows, versions, formers) -> dict[DepartmentVersion, int]:
    """Write the versions of one department, reusing its rows (same name and start, else same name)."""
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
            "former_names": "；".join(sorted(formers.get((key, v.name), ()))) or None,
        }
        if v in ids:
            conn.execute(update(t).where(t.c.department_id == ids[v]).values(**values))
        else:
            region, code = region_code
            ids[v] = conn.execute(
                insert(t).returning(t.c.department_id),
                {"department_key": key, "region": region, "code": code, "name": v.name, **values},
            ).scalar_one()
    return ids


def ensure_units(conn: Connection, projects: Sequence) -> dict[str, int]:
    """Upsert the document's units (the latest printed name wins); returns unit id by unit key."""
    t = DimUnit.__table__
    latest = {}
    for p in projects:
        latest[p.unit_key] = {
            "unit_key": p.unit_key,
            "code": opt(p.unit_code),
            "name": opt(p.unit_name),
            "department_key": p.department_key,
            "department_code": opt(p.department_code),
        }
    stmt = insert_for(conn, t)
    stmt = stmt.on_conflict_do_update(
        index_elements=["unit_key"],
        set_={
            "name": func.coalesce(stmt.excluded.name, t.c.name),
            "department_code": stmt.excluded.department_code,
        },
    )
    conn.execute(stmt, list(latest.values()))
    rows = conn.execute(select(t.c.unit_key, t.c.unit_id).where(t.c.unit_key.in_(list(latest))))
    return {key: unit_id for key, unit_id in rows}


def ensure_projects(conn: Connection, projects: Sequence) -> dict[tuple, int]:
    t = DimProject.__table__
    rows = {
        project_key(p): {
            "department_key": p.department_key,
            "unit_key": p.unit_key,
            "region": opt(p.region),
            "department_code": opt(p.department_code),
            "unit_code": opt(p.unit_code),
            "name": p.project_name,
            "period_start_year": int(p.period_start_year),
            "period_end_year": int(p.period_end_year),
        }
        for p in projects
    }
    cols = ["department_key", "unit_key", "name", "period_start_year", "period_end_year"]
    conn.execute(insert_for(conn, t).on_conflict_do_nothing(index_elements=cols), list(rows.values()))
    out: dict[tuple, int] = {}
    keys = list(rows)
    for i in range(0, len(keys), 200):
        found = conn.execute(
            select(*(t.c[c] for c in cols), t.c.project_id).where(
                tuple_(*(t.c[c] for c in cols)).in_(keys[i : i + 200])
            )
        )
        out.update({tuple(r[:5]): r[5] for r in found})
    return out


def ensure_indicators(conn: Connection, indicators: Sequence) -> dict[tuple[str, str, str], int]:
    if not indicators:
        return {}
    t = DimIndicator.__table__
    rows = {}
    for r in indicators:
        rows[(r.level1, r.level2, r.level3)] = {
            "level1": r.level1,
            "level2": r.level2,
            "level3": r.level3,
            "level1_known": bool(r.level1_known),
            "level2_known": bool(r.level2_known),
        }
    cols = ["level1", "level2", "level3"]
    conn.execute(insert_for(conn, t).on_conflict_do_nothing(index_elements=cols), list(rows.values()))
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
