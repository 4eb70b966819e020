"""Derived columns the expectations look at: one column per property, computed with pandas (no GX here).

Each suite checks plain columns of these frames, so a failing check reports the observed values that broke
it (a money gap of 12.5, a unit code 608001 under department 607) rather than a bare "false".
"""

from __future__ import annotations

import pandas as pd

from transform.normalize import NoticeFrames

OUTPUT_L1 = {"产出指标", "成本指标"}
OUTCOME_L1 = {"效益指标", "满意度指标"}
COST_L2 = {"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"}
GROWTH_WORDS = ("增长", "增幅", "增速", "提高", "提升", "上升", "变化率", "同比")


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(df[col], errors="coerce").astype("float64")


def project_checks(frames: NoticeFrames) -> pd.DataFrame:
    p = frames.projects.copy()
    ind = frames.indicators
    total, fiscal, other = (_num(p, c) for c in ("total_funds_wan", "fiscal_funds_wan", "other_funds_wan"))
    p["money_gap"] = (total - fiscal.fillna(0) - other.fillna(0)).round(4)
    p["min_money"] = pd.concat([total, fiscal, other], axis=1).min(axis=1)
    p["unit_code_under_department"] = [
        (u.startswith(d) if isinstance(u, str) and isinstance(d, str) else None)
        for u, d in zip(p["unit_code"], p["department_code"], strict=True)
    ]
    start, end, year = (_num(p, c) for c in ("period_start_year", "period_end_year", "budget_year"))
    p["period_ordered"] = ~(start > end)
    p["period_printed"] = p["period_text"].notna()
    p["budget_year_in_period"] = ~((year < start) | (year > end))
    by_project = ind.groupby("project_seq")
    p["indicator_rows"] = p["project_seq"].map(by_project.size()).fillna(0).astype(int)
    l1_sets = by_project["level1"].agg(set)
    p["has_output_group"] = p["project_seq"].map(lambda s: bool(l1_sets.get(s, set()) & OUTPUT_L1))
    p["has_outcome_group"] = p["project_seq"].map(lambda s: bool(l1_sets.get(s, set()) & OUTCOME_L1))
    cost = ind[(ind["level2"].isin(COST_L2) | (ind["level1"] == "成本指标")) & (ind["target_unit"] == "万元")]
    cost = cost.assign(total=cost["project_seq"].map(dict(zip(p["project_seq"], total, strict=True))))
    gap = (pd.to_numeric(cost["target_value"], errors="coerce") - cost["total"]).abs()
    p["cost_target_matches_total"] = ~p["project_seq"].isin(set(cost.loc[gap > 0.01, "project_seq"]))
    return p


def indicator_checks(frames: NoticeFrames) -> pd.DataFrame:
    ind = frames.indicators.copy()
    years = frames.projects.set_index("project_seq")["budget_year"]
    is_pct = ind["target_unit"] == "%"
    is_growth = ind["level3"].fillna("").map(lambda s: any(w in s for w in GROWTH_WORDS))
    in_range = pd.to_numeric(ind["target_value"], errors="coerce").between(0, 100)
    ind["percent_in_range"] = ~is_pct | is_growth | in_range
    deadline_year = pd.to_datetime(ind["target_deadline"], errors="coerce").dt.year
    offset = (deadline_year - pd.to_numeric(ind["project_seq"].map(years), errors="coerce")).abs()
    ind["deadline_near_budget_year"] = offset.isna() | (offset <= 1)
    return ind
