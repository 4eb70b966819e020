"""Compare a warehouse's contract views with a ground-truth file: every field, every indicator, no extras."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from contracts.text import compact
from contracts.vocabulary import canonical_level


def load_truth(*paths: Path) -> list[dict]:
    notices = []
    for p in paths:
        data = json.loads(Path(p).read_text(encoding="utf-8"))
        notices.extend(data if isinstance(data, list) else [data])
    return notices


def _num_eq(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-4 * max(1.0, abs(float(b)))


def mismatches(url: str, notices: list[dict]) -> list[str]:
    """Every difference between the views and the truth, as readable lines (empty means identical)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    files = {n["file"] for n in notices}
    with engine.connect() as c:
        vp = [dict(r._mapping) for r in c.execute(sa.text("select * from v_projects"))]
        vi = [dict(r._mapping) for r in c.execute(sa.text("select * from v_indicator_targets"))]
    engine.dispose()
    vp = [r for r in vp if r["source_file"] in files]
    vi = [r for r in vi if r["source_file"] in files]
    out = []
    got = {(r["budget_year"], r["department_code"], compact(r["project_name"])): r for r in vp}
    want_keys = set()
    for n in notices:
        for p in n["projects"]:
            key = (n["budget_year"], p["department_code"], compact(p["name"]))
            want_keys.add(key)
            r = got.get(key)
            if r is None:
                out.append(f"missing project {key}")
                continue
            expected = {
                "unit_code": p["unit_code"],
                "unit_name": p["unit_name"],
                "department_name": p["department_name"],
                "period_start_year": p["period_start"],
                "period_end_year": p["period_end"],
                "performance_goal": compact(p["goal"]),
            }
            actual = {k: r[k] for k in expected}
            actual["performance_goal"] = compact(actual["performance_goal"])
            if actual != expected:
                out.append(f"project fields {key}: {actual} != {expected}")
            for col, k in (
                ("total_funds_wan", "total"),
                ("fiscal_funds_wan", "fiscal"),
                ("other_funds_wan", "other"),
            ):
                if not _num_eq(r[col] or None, p[k] or None):
                    out.append(f"money {col} {key}: {r[col]} != {p[k]}")
            rows = [
                i for i in vi if (i["budget_year"], i["department_code"], compact(i["project_name"])) == key
            ]
            out.extend(_indicator_mismatches(str(key), key, p["indicators"], rows))
    out.extend(f"extra project {k}" for k in got if k not in want_keys)
    return out


def _indicator_mismatches(label: str, key, wanted: list[dict], rows: list[dict]) -> list[str]:
    """Match truth indicators to rows by their (canonical) levels; report misses, wrong values and extras."""
    rows = list(rows)
    out = []
    for ind in wanted:
        want = (
            canonical_level(ind["level1"], 1)[0],
            canonical_level(ind["level2"], 2)[0],
            compact(ind["level3"]),
        )
        hit = next((i for i in rows if (i["level1"], i["level2"], compact(i["level3"])) == want), None)
        if hit is None:
            out.append(f"missing indicator {label} {want}")
            continue
        rows.remove(hit)
        out.extend(_value_mismatch(key, ind, hit))
    out.extend(f"extra indicator {label} {r['level1']}/{r['level2']}/{r['level3']}" for r in rows)
    return out


def _value_mismatch(key, ind: dict, hit: dict) -> list[str]:
    kind = ind["kind"]
    label = f"{key[2]}/{ind['level3']} [{ind['text']}]"
    if kind == "numeric":
        ok = (
            (ind["comparator"] is None or hit["comparator"] == ind["comparator"])
            and _num_eq(hit["target_value"], ind["value"])
            and (hit["target_unit"] or None) == ind["unit"]
        )
    elif kind == "deadline":
        ok = str(hit["target_deadline"])[:10] == ind["deadline"]
    elif kind in ("qualitative", "text"):
        ok = compact(hit["target_text"]) == compact(ind["text"]) and hit["target_value"] is None
    else:
        ok = hit["target_value"] is None
    if ok:
        return []
    return [
        f"value {label}: got {hit['comparator']} {hit['target_value']} {hit['target_unit']} "
        f"{hit['target_deadline']} ({hit['value_kind']})"
    ]


def frame_mismatches(frames, notice: dict) -> list[str]:
    """Differences between one notice's normalised frames and its truth (no database needed)."""
    out = []
    projects = {compact(p.project_name): p for p in frames.projects.itertuples()}
    for p in notice["projects"]:
        got = projects.pop(compact(p["name"]), None)
        if got is None:
            out.append(f"missing project {p['name']}")
            continue
        expected = (p["unit_code"], p["department_code"], p["period_start"], p["period_end"])
        actual = (got.unit_code, got.department_code, got.period_start_year, got.period_end_year)
        if actual != expected:
            out.append(f"project fields {p['name']}: {actual} != {expected}")
        for col, k in (
            ("total_funds_wan", "total"),
            ("fiscal_funds_wan", "fiscal"),
            ("other_funds_wan", "other"),
        ):
            value = getattr(got, col)
            if not _num_eq(None if pd.isna(value) else value or None, p[k] or None):
                out.append(f"money {col} {p['name']}: {getattr(got, col)} != {p[k]}")
        if compact(got.performance_goal) != compact(p["goal"]):
            out.append(f"goal {p['name']}")
        rows = [
            {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in r._asdict().items()}
            for r in frames.indicators.itertuples()
            if r.project_seq == got.project_seq
        ]
        out.extend(_indicator_mismatches(p["name"], (0, 0, p["name"]), p["indicators"], rows))
    out.extend(f"extra project {name}" for name in projects)
    return out
