"""Which layouts does the reader get wrong? Compares a warehouse with a fixturegen truth file per notice.

    python -m tests.fixturegen.analyze sqlite:////tmp/gen.db /tmp/gen/truth.json [-v]

Prints, for each layout option, how many notices with each value had a problem, then (-v) every problem.
Matching ignores whitespace and full-width punctuation and maps level aliases to their canonical names.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict

import sqlalchemy as sa

L1 = {"预期产出指标": "产出指标", "效果指标": "效益指标", "服务对象满意度": "满意度指标"}
L2 = {"其它": "其他", "环境效益指标": "生态效益指标", "服务对象满意度": "服务对象满意度指标"}
KEYS = [
    "renderer",
    "ruling",
    "cols",
    "extra_cols",
    "level1_cells",
    "level2_cells",
    "header",
    "money",
    "repeat_header",
    "grid_breaks",
    "split_rows",
    "cover",
    "flow",
    "shade_header",
    "fullwidth",
    "cjk_spaces",
    "aliases",
    "star",
    "landscape",
    "annex_word",
]


def norm(s: object) -> str:
    s = re.sub(r"\s+", "", "" if s is None else str(s))
    for a, b in (("（", "("), ("）", ")"), ("，", ","), ("；", ";"), ("：", ":")):
        s = s.replace(a, b)
    return s.lstrip("★")


def _value_ok(ind: dict, hit: dict) -> bool:
    kind = ind["kind"]
    if kind == "numeric":
        v = hit["target_value"]
        return (
            hit["comparator"] == ind["comparator"]
            and v is not None
            and abs(float(v) - ind["value"]) < 1e-6 * max(1.0, abs(ind["value"]))
            and norm(hit["target_unit"]) == norm(ind["unit"])
        )
    if kind == "deadline":
        return str(hit["target_deadline"])[:10] == ind["deadline"]
    if kind in ("qualitative", "text"):
        return norm(hit["target_text"]) == norm(ind["text"]) and hit["target_value"] is None
    return hit["target_value"] is None


def problems(url: str, truth: list[dict]) -> dict[str, list[str]]:
    engine = sa.create_engine(url)
    with engine.connect() as c:
        vp = [dict(r._mapping) for r in c.execute(sa.text("select * from v_projects"))]
        vi = [dict(r._mapping) for r in c.execute(sa.text("select * from v_indicator_targets"))]
        vs = {
            r.source_file.split("/")[-1]: (r.status, r.reason)
            for r in c.execute(sa.text("select source_file, status, reason from v_source_files"))
        }
    engine.dispose()
    projects, indicators = defaultdict(list), defaultdict(list)
    for r in vp:
        projects[r["source_file"].split("/")[-1]].append(r)
    for r in vi:
        indicators[r["source_file"].split("/")[-1]].append(r)
    out = {}
    for nt in truth:
        f, probs = nt["file"], []
        status = vs.get(f, ("missing", "not in the warehouse"))
        if status[0] != "loaded":
            probs.append(f"status {status[0]}: {status[1]}")
        got = {norm(r["project_name"]): r for r in projects[f]}
        for p in nt["projects"]:
            r = got.pop(norm(p["name"]), None)
            if r is None:
                if status[0] == "loaded":
                    probs.append(f"missing project {p['name']}")
                continue
            fields = (
                ("unit_code", p["unit_code"], r["unit_code"]),
                ("unit_name", norm(p["unit_name"]), norm(r["unit_name"])),
                ("department_name", norm(p["department_name"]), norm(r["department_name"])),
                (
                    "period",
                    (p["period_start"], p["period_end"]),
                    (r["period_start_year"], r["period_end_year"]),
                ),
                ("total", p["total"], r["total_funds_wan"]),
                ("fiscal", p["fiscal"], r["fiscal_funds_wan"]),
                ("other", p["other"] or None, r["other_funds_wan"] or None),
                ("goal", norm(p["goal"]), norm(r["performance_goal"])),
            )
            for name, want, have in fields:
                close = isinstance(want, float) and have is not None and abs(want - float(have)) < 1e-4
                if want != have and not close:
                    probs.append(f"field {name}: want {want!r} got {have!r}")
            rows = [x for x in indicators[f] if norm(x["project_name"]) == norm(p["name"])]
            for ind in p["indicators"]:
                key = (
                    L1.get(ind["level1"], ind["level1"]),
                    L2.get(ind["level2"], ind["level2"]),
                    norm(ind["level3"]),
                )
                hit = next((x for x in rows if (x["level1"], x["level2"], norm(x["level3"])) == key), None)
                if hit is None:
                    probs.append(f"missing indicator {'/'.join(key)} [{ind['text']}]")
                    continue
                rows.remove(hit)
                if not _value_ok(ind, hit):
                    probs.append(
                        f"value {key[2]} [{ind['text']}]: got {hit['comparator']} {hit['target_value']} "
                        f"{hit['target_unit']} {hit['target_deadline']} {hit['target_text']!r}"
                    )
            probs += [
                f"extra indicator {x['level1']}/{x['level2']}/{x['level3']} [{x['target_text']}]"
                for x in rows
            ]
        probs += [f"extra project {name}" for name in got]
        out[f] = probs
    return out


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("-")]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    url, truth_path = args
    with open(truth_path, encoding="utf-8") as fh:
        truth = json.load(fh)
    found = problems(url, truth)
    layouts = {nt["file"]: nt["layout"] for nt in truth}
    bad = [f for f, p in found.items() if p]
    print(f"{len(bad)}/{len(found)} notices with problems (bad/all per option value)")
    for key in KEYS:
        total = Counter(str(layouts[f].get(key)) for f in found)
        wrong = Counter(str(layouts[f].get(key)) for f in bad)
        print(f"  {key:14s} " + "  ".join(f"{v}: {wrong[v]}/{total[v]}" for v in sorted(total)))
    if "-v" in argv:
        for f in bad:
            print(f"== {f} " + json.dumps({k: layouts[f].get(k) for k in KEYS}, ensure_ascii=False))
            for line in found[f]:
                print(f"     {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
