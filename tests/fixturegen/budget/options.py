"""Layout options of one budget document, drawn at random, each fixable from the CLI (`--set name=value`).

Options are per document: a real publisher prints all its tables from one template, and a reader that learnt one
template per publisher is what the acceptance corpus (unseen publishers) punishes. Every option is drawn on its
own, so templates that no sample shows (a 国家信访局 header over a Beijing grid, 元 over a wide table) come up too.
The draws happen in field order and do not depend on the overrides, so fixing one option leaves the others of a
seed unchanged.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any

from tests.fixturegen.fonts import reportlab_fonts
from tests.fixturegen.model import UnknownOption

__all__ = ["CHOICES", "Options", "UnknownOption", "draw_options"]


@dataclass
class Options:
    """Every layout option of one document; the comment after a field lists its values."""

    # ---- the document
    # department_budget | unit_budget | department_overall | final_accounts (决算) | self_eval (绩效自评)
    kind: str = "department_budget"
    level: str = "city"  # government: central (中央) | province | city | district
    year: int = 2026
    targets: int = 0  # target tables (projects); 0 = drawn from the kind and family
    family: str = "block"  # project tables: block (one per project) | wide (stacked projects)
    # wide family: code_name (预算表12) | unit_rows (单位编码 …) | unit_col (单位名称 | 项目名称 …)
    wide_header: str = "code_name"
    dept_table: bool = False  # a 部门整体 table among the targets (always in department_overall)
    selfeval: bool = False  # 绩效自评表 distractors (always in final_accounts and self_eval)
    money_unit: str = "万元"  # 万元 | 元 (truth money is always 万元)
    # plain2 2134.87 | comma2 2,134.87 | plain6 2134.870000 | bare 2134.87 / 6600
    money_format: str = "comma2"
    money_suffix: bool = False  # block funding cells print the unit: 2,134.87万元
    title_page: str = "own"  # own (a title page) | top (over page 1's text) | none (file name only)
    toc: bool = True  # a 目录 page
    prose: int = 2  # amount of narrative text, 0–3
    budget_tables: int = 6  # ordinary budget tables (收支总表 …), 0–11
    placement: str = "own_page"  # target tables: own_page | flow (several a page) | after_prose
    orientation: str = "portrait"  # portrait | landscape | mixed (tables landscape, text portrait)
    page_size: str = "A4"  # A4 | A3 (landscape pages on A3, text pages stay A4)
    running_header: bool = False  # the document title over every page
    font: str = ""  # font key; "" = first installed
    font_size: float = 9.0  # table text; wide tables print smaller
    line_width: float = 0.5
    ruling: str = "lines"  # lines | cellrects (a box per cell) | thinrects (thin filled rectangles)
    shade_header: bool = False
    page_numbers: str = "plain"  # none | plain (12) | dash (— 12 —) | di (第 12 页)
    # a merged cell over a page break: first (text once) | repeat (on each page) | clip (WPS/Excel)
    carry: str = "first"
    row_split: bool = False  # rows break across pages (Word) instead of moving whole (Excel)
    continuation: str = "grid"  # a continuation page repeats: none | grid (grid header) | block (all)
    repeat_title: bool = False  # the table title printed again atop each continuation page
    # ---- block tables
    # plain | numbered (预算表12) | policy (政策和项目) | special (部门专项业务经费) | transfer (转移支付)
    # | name (XX绩效目标表) | name_only (XX项目绩效目标表, no 项目名称 row)
    title_style: str = "plain"
    title_in_table: bool = False  # the title is the table's first row (Word)
    subtitle: str = "none"  # none | ascii (2026年度) | full （2026年度）
    dept_label: str = "主管部门"  # 主管部门 | 主管部门及代码
    code_style: str = "none"  # none | bracket [292]X | underscore 228_X | dash 228-X | fullbracket 【292】X
    unit_row: str = "plain"  # 实施单位: none | plain | code
    pairs: bool = True  # 主管部门 | X | 实施单位 | Y on one row
    # 年度资金总额 | 项目总额 | 年度预算资金总额 | 资金总额 | 实施期资金总额 | both (实施期 and 年度)
    total_label: str = "年度资金总额"
    fiscal_label: str = "其中：财政拨款"  # 其中：财政拨款 | 其中：财政资金 | 财政拨款
    carryover: bool = False  # a 上年结转 row
    other_style: str = "zero"  # 其他资金 when there is none: zero (0.00) | dash (-) | blank | absent
    exec_rate: bool = False  # a 执行率 分值（10） label cell right of the funding block
    money_heading: str = "项目资金"  # over the funding rows: none | 项目资金 | 专项资金情况 | 资金金额
    money_layout: str = "rows"  # rows | columns (labels over values)
    # 年度绩效目标 | 总体目标 | 年度目标 | 项目实施期目标 | 年度总体目标 | 绩效目标
    goal_label: str = "年度绩效目标"
    goal_cols: int = 1  # 1 | 2 (实施期总目标 | 年度总目标)
    period_row: str = "none"  # none | range (2026-2028) | duration (3年)
    # inline ≥95% | nature (性质|值|单位) | unit (值|单位) | level3_unit (单价(元/小时) | 19.75)
    value_cols: str = "inline"
    value_label: str = "指标值"  # 指标值 | 目标值 | 年度指标值 | 指标值（年度）
    period_value_col: bool = False  # 实施期指标值 beside the annual value
    weight_col: str = "none"  # none | 分值 | 权重 | 分值权重（90分） | 分值（90）
    remark_col: bool = False
    # none | merged (绩效指标) | repeated (绩效指标 on every row) | annual (年度绩效指标 merged)
    # | band (a 绩效指标 row over the grid header)
    lead_col: str = "none"
    level1_cells: str = "merge"  # merge | repeat | group (merged per 二级 group) | blank (first row only)
    level2_cells: str = "merge"  # merge | repeat
    row_order: str = "canonical"  # canonical | cost_first | shuffled
    remark_row: bool = False  # a 备注 row under the grid
    table_number: bool = False  # 表14-1 printed over the title
    # ---- text quirks
    comparators: str = "symbols"  # symbols ≥ ≤ | ascii >= <= | mixed (≥ ＝ = >= 不低于)
    unit_space: bool = False  # ≤2134.87 万元
    fullwidth: bool = False  # full-width digits in some values
    aliases: bool = False  # 经济成本 / 满意度 instead of 经济成本指标 / 满意度指标
    # ---- department-wide tables
    # split (财政拨款/其他资金 × 合计/基本/项目) | basic_project (no total) | tasks (金额合计) | rows
    dept_money: str = "split"
    dept_levels: str = "columns"  # columns | joined (产出指标数量指标开展监测工作 in one cell)
    dept_tasks: bool = False  # a 年度重点工作任务 sub-table (its rows are not indicators)
    dept_period_col: bool = False  # 实施周期指标值 beside 年度指标值
    file_name: str = "title"  # title (001_<publisher>_<year>部门预算.pdf) | plain (budget_0001.pdf)


# Weighted choices (a value repeated weighs more).
CHOICES: dict[str, tuple[Any, ...]] = {
    "kind": ("department_budget",) * 10
    + ("unit_budget",) * 3
    + ("department_overall",) * 2
    + ("final_accounts", "self_eval"),
    "level": ("central", "province", "province", "city", "city", "city", "city", "district"),
    "year": (2026, 2026, 2026, 2025),
    "family": ("block", "block", "block", "wide"),
    "wide_header": ("code_name", "code_name", "unit_rows", "unit_col"),
    "dept_table": (False, False, True),
    "selfeval": (False, False, False, True),
    "money_unit": ("万元",) * 5 + ("元",),
    "money_format": ("plain2", "comma2", "comma2", "plain6", "bare"),
    "money_suffix": (False, False, False, False, True),
    "title_page": ("own", "own", "own", "top", "none"),
    "toc": (True, False),
    "prose": (0, 1, 2, 2, 3),
    "budget_tables": (0, 2, 4, 6, 8, 11),
    "placement": ("own_page", "own_page", "flow", "after_prose"),
    "orientation": ("portrait", "portrait", "landscape", "mixed"),
    "page_size": ("A4", "A4", "A4", "A4", "A3"),
    "running_header": (False, False, False, True),
    "font_size": (7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5),
    "line_width": (0.3, 0.5, 0.5, 0.75, 1.0),
    "ruling": ("lines", "lines", "cellrects", "thinrects"),
    "shade_header": (False, False, True),
    "page_numbers": ("none", "plain", "plain", "dash", "di"),
    "carry": ("first", "first", "repeat", "clip"),
    "row_split": (False, False, True),
    "continuation": ("none", "grid", "grid", "block"),
    "repeat_title": (False, False, True),
    "title_style": ("plain", "plain", "numbered", "policy", "special", "transfer", "name", "name_only"),
    "title_in_table": (False, False, False, True),
    "subtitle": ("none", "ascii", "full"),
    "dept_label": ("主管部门", "主管部门及代码"),
    "code_style": ("none", "none", "bracket", "underscore", "dash", "fullbracket"),
    "unit_row": ("none", "plain", "plain", "code"),
    "pairs": (True, False),
    "total_label": ("年度资金总额", "项目总额", "年度预算资金总额", "资金总额", "实施期资金总额", "both"),
    "fiscal_label": ("其中：财政拨款", "其中：财政拨款", "其中：财政资金", "财政拨款"),
    "carryover": (False, False, True),
    "other_style": ("zero", "zero", "dash", "blank", "absent"),
    "exec_rate": (False, False, True),
    "money_heading": ("none", "项目资金", "项目资金", "专项资金情况", "资金金额"),
    "money_layout": ("rows", "rows", "rows", "columns"),
    "goal_label": ("年度绩效目标", "总体目标", "年度目标", "项目实施期目标", "年度总体目标", "绩效目标"),
    "goal_cols": (1, 1, 1, 2),
    "period_row": ("none", "none", "range", "duration"),
    "value_cols": ("inline", "inline", "nature", "unit", "level3_unit"),
    "value_label": ("指标值", "指标值", "目标值", "年度指标值", "指标值（年度）"),
    "period_value_col": (False, False, False, True),
    "weight_col": ("none", "none", "分值", "权重", "分值权重（90分）", "分值（90）"),
    "remark_col": (False, False, True),
    "lead_col": ("none", "none", "merged", "repeated", "annual", "band"),
    "level1_cells": ("merge", "merge", "repeat", "group", "blank"),
    "level2_cells": ("merge", "merge", "repeat"),
    "row_order": ("canonical", "cost_first", "cost_first", "shuffled"),
    "remark_row": (False, False, True),
    "table_number": (False, False, True),
    "comparators": ("symbols", "symbols", "ascii", "mixed"),
    "unit_space": (False, False, True),
    "fullwidth": (False, False, False, True),
    "aliases": (False, False, True),
    "dept_money": ("split", "basic_project", "tasks", "rows"),
    "dept_levels": ("columns", "columns", "joined"),
    "dept_tasks": (False, True),
    "dept_period_col": (False, True),
    "file_name": ("title", "title", "plain"),
}


def draw_options(rng: random.Random, **overrides: Any) -> Options:
    """Draw every option in field order; an override is a fixed value or a list of values to choose from."""
    names = [f.name for f in dataclasses.fields(Options)]
    unknown = set(overrides) - set(names)
    if unknown:
        raise UnknownOption(f"unknown option(s): {', '.join(sorted(unknown))}; known: {sorted(names)}")
    choices = dict(CHOICES)
    choices["font"] = tuple(f.key for f in reportlab_fonts())
    values: dict[str, Any] = {}
    defaults = Options()
    for name in names:
        options = choices.get(name)
        drawn = rng.choice(options) if options else getattr(defaults, name)
        if name in overrides:
            o = overrides[name]
            drawn = rng.choice(o) if isinstance(o, list) else o
        values[name] = drawn
    opts = Options(**values)
    _reconcile(opts, set(overrides))
    return opts


def _reconcile(o: Options, fixed: set[str]) -> None:
    """Make combinations consistent (an option fixed by the caller wins over the one it constrains)."""
    if o.kind == "department_overall":
        o.dept_table = True
    if o.kind in ("final_accounts", "self_eval"):
        o.selfeval = True
        if "year" not in fixed:
            o.year -= 1  # 2025年度部门决算 / 自评 are published the year after
    if o.title_page == "none":
        o.file_name = "title"
    if o.level == "central" and o.kind == "unit_budget" and "level" not in fixed:
        o.level = "province"
    if o.title_style == "name_only" and o.title_in_table and "title_in_table" not in fixed:
        o.title_in_table = False
    if o.goal_cols == 2 and o.total_label != "both" and "total_label" not in fixed:
        o.total_label = "both"
    if o.money_layout == "columns" and o.total_label == "both":
        o.money_layout = "rows"
