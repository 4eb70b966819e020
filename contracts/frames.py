"""The typed frames transform hands to the gate and the loader: one row per project, one per indicator row.

Columns are listed once here, with what each holds; `transform.normalize` builds frames with exactly these
columns, the gate's checks read them and the loader writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

PROJECT_COLUMNS: dict[str, str] = {
    "project_seq": "1-based position of the project's table in the document",
    "budget_year": "budget year from the table's or the document's title",
    "project_name": "项目名称, cleaned, a printed project code taken off",
    "project_code": "the project code printed before the name (11000024T000002830551-…), or None",
    "scope": "a `contracts.vocabulary.Scope` value: project, or department (a department-wide table)",
    "unit_code": "implementing unit code as printed (【607002】), or None",
    "unit_name": "implementing unit name without code or former name",
    "unit_code_missed": "the unit cell as printed when it holds digits no code was read from, else None",
    "department_code": "department code as printed ([607]), or None",
    "department_name": "department name without code or former name",
    "department_former_name": "the 原… name printed in parentheses, or None",
    "department_code_missed": "the department cell as printed when it holds digits no code was read from",
    "period_start_year": "first year of the project period (the budget year when none is printed)",
    "period_end_year": "last year of the project period",
    "period_text": "项目期 as printed, or None",
    "total_funds_wan": "项目总金额 (年度资金总额 …) in 万元, None when blank",
    "fiscal_funds_wan": "财政拨款 in 万元",
    "other_funds_wan": "其他资金 in 万元",
    "carryover_funds_wan": "上年结转 in 万元",
    "performance_goal": "绩效目标 paragraph",
    "annex_label": "附件 N label, when printed",
    "source_page": "page the project's table starts on",
}
INDICATOR_COLUMNS: dict[str, str] = {
    "project_seq": "the project the row belongs to",
    "row_seq": "1-based position of the row in its project's grid",
    "level1": "canonical 一级指标 (or as printed when unknown)",
    "level2": "canonical 二级指标 (or as printed when unknown)",
    "level3": "三级指标, cleaned, ★ stripped",
    "level1_known": "level1 is in the vocabulary",
    "level2_known": "level2 is in the vocabulary",
    "is_core": "a ★ marked the row as a core indicator",
    "target_text": "the value as printed (split columns joined), cleaned",
    "comparator": "a `contracts.vocabulary.Comparator` value, or None",
    "target_value": "the parsed number",
    "target_unit": "the unit after the number",
    "target_deadline": "the date of a deadline target",
    "value_kind": "a `contracts.vocabulary.ValueKind` value",
    "indicator_nature": "指标性质 / 指标方向 as printed (≥, ≤, 定性, 正向 …)",
    "weight": "分值 / 权重 as a number",
    "period_target_text": "the 实施期 (period) target printed beside the annual one",
    "score_text": "分值 / 权重 cell as printed",
    "note_text": "备注 / 指标解释 cell as printed",
    "source_page": "page the row was printed on",
}


@dataclass
class NoticeFrames:
    """A document normalised: one-row facts about it, and its project and indicator frames."""

    title: str | None
    budget_year: int | None
    published_on: str | None  # ISO date
    projects: pd.DataFrame
    indicators: pd.DataFrame
    region: str | None = None
    publisher: str | None = None
    document_kind: str | None = None  # a `contracts.vocabulary.DocumentKind` value


def frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """A frame with exactly the contract's columns, in their order."""
    return pd.DataFrame(rows, columns=list(columns))
