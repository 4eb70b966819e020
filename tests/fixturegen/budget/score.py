"""Score a warehouse against ground truth of budget documents (SCHEMA.md), through the views.

usage: python -m tests.fixturegen.budget.score WAREHOUSE_URL TRUTH.json|TRUTH_DIR [...] [--json] [-v]
   or: score(url, [truth_dir], verbose=False) -> the measures dict (with the mismatch lines under "fails")

A copy of the shared tool score_real.py with its measuring logic unchanged, so that figures on generated
corpora and on the real samples agree; only the entry point is split into `score()` (for tests) and `main()`.

Projects are matched by (file, project name), with the implementing unit breaking ties where one document
holds several projects of the same name. Measures:
  project_recall / project_extra   tables found, and projects loaded from these files that no table explains
  field_accuracy                   budget year, department, unit, money (total/fiscal/other), goal
  indicator_recall / indicator_extra   (level1, level2, level3) rows, as a multiset per project
  value_accuracy                   the printed value is in target_text, and simple figures parse to the same
                                   comparator / number / unit (nature and unit columns included)
  extended_accuracy                columns the v2 contract adds: region, project_code, carryover, nature, weight
A missing view column counts as wrong, so the gap to the contract shows.
"""

# ruff: noqa: B007, SIM910  (the shared tool's code, kept as it is)
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import sqlalchemy as sa

L1_CANON = {"预期产出指标": "产出指标", "效果指标": "效益指标", "服务对象满意度": "满意度指标"}
L2_CANON = {"其它": "其他", "环境效益指标": "生态效益指标", "服务对象满意度": "服务对象满意度指标"}
CMP = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<", "=": "=", "≈": "~"}


def norm(s) -> str:
    if s is None:
        return ""
    s = unicodedata.normalize("NFKC", str(s))
    s = re.sub(r"\s+", "", s)
    return s.lstrip("★")


def lname(s) -> str:
    """A level name for matching: `经济成本` and `经济成本指标` are the same level."""
    n = norm(s)
    return n[:-2] if n.endswith("指标") and len(n) > 2 else n


def pname(s) -> str:
    """A project name for matching: a trailing 项目 is not significant (titles print `XX项目绩效目标表`)."""
    n = norm(s)
    return n[:-2] if n.endswith("项目") and len(n) > 2 else n


def num_eq(a, b, tol=1e-4):
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


def simple_value(ind):
    """(comparator, number, unit) when the printed value is a plain figure, else None."""
    v = norm(ind.get("value"))
    m = re.fullmatch(r"(>=|<=|≥|≤|>|<|=|≈)?(\d+(?:\.\d+)?)(%|[^\d.]{0,4})", v)
    if not m:
        return None
    cmp_ = CMP.get(m.group(1) or "", None)
    nat = norm(ind.get("nature"))
    if nat in CMP:
        cmp_ = CMP[nat]
    unit = m.group(3) or norm(ind.get("unit")) or None
    if (
        m.group(3)
        and "万" in m.group(3)
        and m.group(3) not in ("万元",)
        and not m.group(3).startswith("万元")
    ):
        return None  # 万 multipliers: left to the word-level checks
    return cmp_, float(m.group(2)), unit


def load_truth(paths):
    docs = []
    for p in paths:
        p = Path(p)
        for f in sorted(p.glob("*.json")) if p.is_dir() else [p]:
            docs.append(json.loads(f.read_text(encoding="utf-8")))
    return docs


def rows(conn, view):
    return [dict(r._mapping) for r in conn.execute(sa.text(f"select * from {view}"))]


def score(url: str, truth_paths, verbose: bool = False) -> dict:
    """The measures of a warehouse against truth files or folders; `fails` lists every mismatch found."""
    docs = load_truth(truth_paths)
    files = {d["file"] for d in docs}
    eng = sa.create_engine(url)
    with eng.connect() as c:
        # every document's own disclosures, so that a project shown once in v_projects is still found in each file
        view = (
            "v_project_disclosures"
            if sa.inspect(c).has_table("v_project_disclosures")
            or "v_project_disclosures" in sa.inspect(c).get_view_names()
            else "v_projects"
        )
        vp = [r for r in rows(c, view) if (r.get("source_file") or "").split("/")[-1] in files]
        vi = [
            r for r in rows(c, "v_indicator_targets") if (r.get("source_file") or "").split("/")[-1] in files
        ]
    by_file = defaultdict(list)
    for r in vp:
        by_file[r["source_file"].split("/")[-1]].append(r)
    pools = defaultdict(list)  # indicator rows by (file, project name); matched rows are taken out
    for r in vi:
        pools[(r["source_file"].split("/")[-1], pname(r.get("project_name")))].append(r)
    m = Counter()
    fails = []
    for d in docs:
        f = d["file"]
        pool = list(by_file.get(f, []))
        for pr in d["projects"]:
            m["projects"] += 1
            name, unit = pname(pr["name"]), norm(pr.get("unit_name"))
            cand = [i for i, r in enumerate(pool) if pname(r.get("project_name")) == name]
            if len(cand) > 1 and unit:
                cand = [i for i in cand if norm(pool[i].get("unit_name")) == unit] or cand
            if not cand:
                fails.append(f"missing project {f}: {pr['name']}")
                m["indicators"] += len(
                    pr["indicators"]
                )  # every indicator of a missing project is missing too
                continue
            r = pool.pop(cand[0])
            m["projects_found"] += 1
            checks = {
                "budget_year": r.get("budget_year") is not None and int(r["budget_year"]) == d["budget_year"],
                "department_name": norm(r.get("department_name"))
                == norm(pr.get("department_name") or d["publisher"]),
                "total_funds_wan": num_eq(r.get("total_funds_wan"), pr.get("total")),
                "performance_goal": norm(r.get("performance_goal")) == norm(pr.get("goal")),
            }
            if pr.get("unit_name"):
                checks["unit_name"] = norm(r.get("unit_name")) == unit
            if pr.get("fiscal") is not None:
                checks["fiscal_funds_wan"] = num_eq(r.get("fiscal_funds_wan"), pr["fiscal"])
            if pr.get("other") is not None:
                checks["other_funds_wan"] = num_eq(r.get("other_funds_wan") or 0, pr["other"])
            if pr.get("period"):
                checks["period"] = (r.get("period_start_year"), r.get("period_end_year")) == tuple(
                    pr["period"]
                )
            ext = {"region": norm(r.get("region")) == norm(d.get("region"))}
            if pr.get("code"):
                ext["project_code"] = norm(r.get("project_code")) == norm(pr["code"])
            if pr.get("carryover") is not None:
                ext["carryover_funds_wan"] = num_eq(r.get("carryover_funds_wan"), pr["carryover"])
            for k, ok in checks.items():
                m["fields"] += 1
                m["fields_ok"] += ok
                if not ok:
                    fails.append(f"field {k} {f}/{pr['name']}: got {r.get(k)!r}")
            for k, ok in ext.items():
                m["ext"] += 1
                m["ext_ok"] += ok
                if not ok and verbose:
                    fails.append(f"extended {k} {f}/{pr['name']}: got {r.get(k)!r}")
            # indicators of this project
            got = pools[(f, name)]
            unit_got = norm(r.get("unit_name"))
            got.sort(key=lambda g: norm(g.get("unit_name")) != unit_got)  # this project's unit first
            for ind in pr["indicators"]:
                m["indicators"] += 1
                l1 = L1_CANON.get(ind["level1"], ind["level1"])
                l2 = L2_CANON.get(ind["level2"], ind["level2"])
                hit = None
                for j, g in enumerate(got):
                    # a level printed blank ("") in the document matches whatever the reader inferred for it
                    if (
                        norm(g["level3"]) == norm(ind["level3"])
                        and (not l2 or lname(g["level2"]) == lname(l2))
                        and (not l1 or lname(g["level1"]) == lname(l1))
                    ):
                        hit = got.pop(j)
                        break
                if hit is None:
                    fails.append(f"missing indicator {f}/{pr['name']}: {l1}/{l2}/{ind['level3']}")
                    continue
                m["indicators_found"] += 1
                m["values"] += 1
                ok = norm(ind.get("value")) in norm(hit.get("target_text"))
                sv = simple_value(ind)
                if ok and sv is not None:
                    cmp_, num, u = sv
                    ok = num_eq(hit.get("target_value"), num, 1e-6) and (
                        u is None or norm(hit.get("target_unit")) == norm(u)
                    )
                    if cmp_ is not None:
                        ok = ok and hit.get("comparator") == cmp_
                m["values_ok"] += ok
                if not ok:
                    fails.append(
                        f"value {f}/{pr['name']}/{ind['level3']} [{ind.get('nature') or ''}|{ind.get('value')}|{ind.get('unit') or ''}]: "
                        f"got text={hit.get('target_text')!r} cmp={hit.get('comparator')!r} v={hit.get('target_value')!r} u={hit.get('target_unit')!r}"
                    )
                iext = {}
                if ind.get("nature"):
                    iext["indicator_nature"] = norm(hit.get("indicator_nature")) == norm(ind["nature"])
                if ind.get("weight") is not None:
                    iext["weight"] = num_eq(hit.get("weight"), ind["weight"])
                if ind.get("period_value"):
                    iext["period_target_text"] = norm(ind["period_value"]) in norm(
                        hit.get("period_target_text")
                    )
                for k, okk in iext.items():
                    m["ext"] += 1
                    m["ext_ok"] += okk
        m["projects_extra"] += len(pool)
        for r in pool:
            fails.append(f"extra project {f}: {r.get('project_name')}")

    for (f, name), got in pools.items():
        m["indicators_extra"] += len(got)
        for g in got:
            fails.append(
                f"extra indicator {f}/{g.get('project_name')}: {g['level1']}/{g['level2']}/{g['level3']}"
            )

    def ratio(a, b):  # 0 when nothing could be compared although the truth has projects
        return round(m[a] / m[b], 4) if m[b] else (0.0 if m["projects"] else 1.0)

    res = {
        "project_recall": ratio("projects_found", "projects"),
        "project_extra": m["projects_extra"],
        "field_accuracy": ratio("fields_ok", "fields"),
        "indicator_recall": ratio("indicators_found", "indicators"),
        "indicator_extra": m["indicators_extra"],
        "value_accuracy": ratio("values_ok", "values"),
        "extended_accuracy": ratio("ext_ok", "ext"),
        "counts": dict(m),
    }
    res["documents"] = len(docs)
    res["fails"] = fails
    return res


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = [a for a in argv if not a.startswith("-")]
    url, truth_paths = args[0], args[1:]
    res = score(url, truth_paths, verbose="-v" in argv)
    fails, m, n_docs = res.pop("fails"), res["counts"], res.pop("documents")
    if "--json" in argv:
        print(json.dumps(res, ensure_ascii=False))
        return
    for x in fails[:80]:
        print("  " + x)
    if len(fails) > 80:
        print(f"  ... {len(fails) - 80} more")
    print(
        f"{n_docs} documents · projects {m['projects_found']}/{m['projects']} (+{m['projects_extra']} extra) · "
        f"fields {res['field_accuracy']:.3f} · indicators {m['indicators_found']}/{m['indicators']} "
        f"(+{m['indicators_extra']} extra) · values {res['value_accuracy']:.3f} · extended {res['extended_accuracy']:.3f}"
    )


if __name__ == "__main__":
    main()
