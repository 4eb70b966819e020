"""Columns the expectations read besides the frames' own: each one a value, never a verdict.

Where a property is a relation between plain columns (period start ≤ end, a level name in the vocabulary), the
suite checks those columns directly. Where it needs arithmetic or a look at other rows (the money gap, a
project's rows per 一级指标 group), it is computed here with pandas as a number, so that a failing check
reports the numbers that broke it (a money gap of 12.5, 0 output rows) rather than a bare `False`.
"""

from __future__ import annotations

import pandas as pd

from contracts.frames import NoticeFrames

OUTPUT_L1 = {"产出指标", "成本指标"}
OUTCOME_L1 = {"效益指标", "满意度指标"}
COST_L2 = {"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"}
GROWTH_WORDS = ("增长", "增幅", "增速", "提高", "提升", "上升", "变化率", "同比")


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(df[col], errors="coerce").astype("float64")


def project_checks(frames: NoticeFrames) -> pd.DataFrame:
    """The projects frame plus: the document's region, money_gap (NaN where only a total is printed),
    min_money, unit_code_prefix
    (the unit code cut to its department code's length), indicator_rows, output_rows, outcome_rows,
    cost_target_gap."""
    p = frames.projects.copy()
    p["region"] = frames.region
    ind = frames.indicators
    total, fiscal, other, carry = (
        _num(p, c) for c in ("total_funds_wan", "fiscal_funds_wan", "other_funds_wan", "carryover_funds_wan")
    )
    parts = pd.concat([fiscal, other, carry], axis=1)
    # 总额 = 财政拨款 + 上年结转 + 其他资金 where any part is printed; NaN (not checked) where only a total is
    p["money_gap"] = (total - parts.fillna(0).sum(axis=1)).where(parts.notna().any(axis=1)).round(4)
    p["min_money"] = pd.concat([total, fiscal, other, carry], axis=1).min(axis=1)
    p["unit_code_prefix"] = [
        u[: len(d)] if isinstance(u, str) and isinstance(d, str) else None
        for u, d in zip(p["unit_code"], p["department_code"], strict=True)
    ]
    rows = ind.groupby("project_seq")
    p["indicator_rows"] = p["project_seq"].map(rows.size()).fillna(0).astype(int)
    for column, groups in (("output_rows", OUTPUT_L1), ("outcome_rows", OUTCOME_L1)):
        counts = ind[ind["level1"].isin(groups)].groupby("project_seq").size()
        p[column] = p["project_seq"].map(counts).fillna(0).astype(int)
    # the largest difference between a 成本 target in 万元 and the project's total (NaN: no such target)
    cost = ind[(ind["level2"].isin(COST_L2) | (ind["level1"] == "成本指标")) & (ind["target_unit"] == "万元")]
    totals = dict(zip(p["project_seq"], total, strict=True))
    gap = (pd.to_numeric(cost["target_value"], errors="coerce") - cost["project_seq"].map(totals)).abs()
    p["cost_target_gap"] = p["project_seq"].map(gap.groupby(cost["project_seq"]).max()).round(4)
    return p


def indicator_checks(frames: NoticeFrames) -> pd.DataFrame:
    """The indicators frame plus: percent_target (a % target's value, except growth rates, which may pass
    100) and deadline_year_offset (a deadline's year minus the budget year)."""
    ind = frames.indicators.copy()
    years = frames.projects.set_index("project_seq")["budget_year"]
    is_growth = ind["level3"].fillna("").map(lambda s: any(w in s for w in GROWTH_WORDS))
    percent = (ind["target_unit"] == "%") & ~is_growth
    ind["percent_target"] = _num(ind, "target_value").where(percent)
    deadline_year = pd.to_datetime(ind["target_deadline"], errors="coerce").dt.year
    budget_year = pd.to_numeric(ind["project_seq"].map(years), errors="coerce")
    ind["deadline_year_offset"] = (deadline_year - budget_year).astype("float64")
    return ind
