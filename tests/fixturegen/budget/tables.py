"""Target tables (and the tables around them) as render.Grid objects, from project specs and options.

Every grid sits on `U` equal unit columns. The indicator grid fixes the column edges; the header block above it
keeps the label column on a grid edge (as Excel-made tables do) and cuts the rest of the width freely (as Word
tables do). Nothing here is random except the filler tables (`budget_table`), which take an RNG: the truth
of a target table is decided in `generate.py`, and these builders only print it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.fixturegen.budget import vocab
from tests.fixturegen.budget.model import Indicator, Project
from tests.fixturegen.budget.options import Options
from tests.fixturegen.budget.render import Cell, Grid, Row, Text

U = 120  # unit columns of every grid
LEAD_COLUMNS = ("merged", "repeated", "annual")  # lead_col values that add a column left of 一级指标

TITLES = {
    "plain": "项目支出绩效目标表",
    "numbered": "预算表{no} 项目支出绩效目标表",
    "policy": "政策和项目预算绩效目标表",
    "special": "部门专项业务经费绩效目标表",
    "transfer": "转移支付绩效目标表",
    "name": "{name}绩效目标表",
    "name_only": "{name}项目绩效目标表",
}
WIDE_TITLES = {
    "code_name": "预算表{no} 项目支出绩效目标表",
    "unit_rows": "{year}年部门项目支出绩效目标表",
    "unit_col": "{year}年度项目支出绩效目标表",
}
DEPT_TITLES = (
    "部门整体支出绩效目标表",
    "{publisher}{year}年部门整体预算绩效目标申报表",
    "部门整体绩效目标表",
    "{year}年度部门整体绩效目标申报表",
)


@dataclass
class Ctx:
    """What a table prints besides its project: year, money unit, the table number of its kind."""

    year: int
    money_unit: str
    no: int = 12  # 预算表12
    index: int = 1  # 表14-1, 表14-2 …
    publisher: str = ""
    title_variant: int = 0


def spans(weights: list[float], units: int = U) -> list[int]:
    """Integer unit spans proportional to the weights, each at least 1, summing to `units`."""
    total = sum(weights)
    edges = [round(units * sum(weights[: i + 1]) / total) for i in range(len(weights))]
    out, prev = [], 0
    for i, e in enumerate(edges):
        e = max(e, prev + 1)
        e = min(e, units - (len(weights) - 1 - i))
        out.append(e - prev)
        prev = e
    return out


def cut(start: int, end: int, fractions: list[float]) -> list[tuple[int, int]]:
    """(col, span) parts of [start, end) in the given proportions."""
    sp = spans(fractions, end - start)
    out, col = [], start
    for s in sp:
        out.append((col, s))
        col += s
    return out


def unit_label(ctx: Ctx) -> str:
    return f"（{ctx.money_unit}）"


def unit_caption(ctx: Ctx, word: str = "金额单位：") -> Text:
    return Text(f"{word}{ctx.money_unit}", size=9, align="right", keep=True)


# ------------------------------------------------------------------------------------------ indicator grids


def _level_cells(inds: list[Indicator], k: int, mode1: str, mode2: str, col1, col2) -> list[Cell]:
    """The 一级/二级 cells of row k: merged over runs, repeated, or blank below a run's first row."""
    cells = []
    ind = inds[k]
    for level, mode, (col, span) in ((1, mode1, col1), (2, mode2, col2)):
        text = ind.level1 if level == 1 else ind.level2

        def key(i: int, level=level, mode=mode) -> tuple:
            x = inds[i]
            if level == 1 and mode != "group":
                return (x.level1,)
            return (x.level1, x.level2)

        first = k == 0 or key(k - 1) != key(k)
        if mode == "repeat":
            cells.append(Cell(text, col, span))
        elif mode == "blank":
            cells.append(Cell("" if level == 1 and ind.blank1 else text, col, span))
        elif first:
            n = 1
            while k + n < len(inds) and key(k + n) == key(k):
                n += 1
            cells.append(Cell(text, col, span, rowspan=n))
    return cells


def grid_columns(o: Options, style: str) -> list[tuple[str, str, float]]:
    """(header, role, weight) of a block table's indicator grid, lead column first."""
    cols: list[tuple[str, str, float]] = []
    if o.lead_col in LEAD_COLUMNS:
        cols.append(("", "lead", 0.55))
    cols += [("一级指标", "level1", 0.95), ("二级指标", "level2", 1.1), ("三级指标", "level3", 2.2)]
    if o.period_value_col:
        cols.append(("实施期指标值", "period", 1.2))
    if style == "nature":
        cols += [("指标性质", "nature", 0.65), (o.value_label, "value", 1.1), ("度量单位", "unit", 0.65)]
    elif style == "unit":
        cols += [(o.value_label, "value", 1.2), ("计量单位", "unit", 0.65)]
    else:
        cols.append((o.value_label, "value", 1.6))
    if o.weight_col != "none":
        cols.append((o.weight_col, "weight", 0.65))
    if o.remark_col:
        cols.append(("备注", "remark", 1.0))
    return cols


def _ind_cell(ind: Indicator, role: str) -> tuple[str, str]:
    """(text, align) of a value-side cell."""
    if role == "level3":
        return ind.level3, "left" if len(ind.level3) > 10 else "center"
    if role == "value":
        return ind.value, "left" if len(ind.value) > 14 else "center"
    if role == "nature":
        return ind.nature or "", "center"
    if role == "unit":
        return ind.unit or "", "center"
    if role == "weight":
        return ind.p_weight, "center"
    if role == "period":
        return ind.period_value or "", "center"
    if role in ("remark", "explain"):
        return ind.remark, "left"
    if role == "rule":
        return ind.rule, "left"
    raise ValueError(role)


# ------------------------------------------------------------------------------------------ block tables


def block_title(p: Project, o: Options, ctx: Ctx) -> str:
    style = o.title_style
    if style == "special" and ctx.title_variant % 2:
        return "项目支出绩效目标表（专项业务经费）"
    if style == "name_only" and p.name.endswith("项目"):
        return f"{p.name}绩效目标表"
    return TITLES[style].format(name=p.name, no=ctx.no)


def block_table(p: Project, o: Options, ctx: Ctx, value_style: str) -> Grid:
    """One project's 绩效目标表: header block (name, departments, funding, goal) over an indicator grid."""
    cols = grid_columns(o, value_style)
    sp = spans([w for _, _, w in cols])
    ed = [0]
    for s in sp:
        ed.append(ed[-1] + s)
    lead = o.lead_col in LEAD_COLUMNS
    a = 2 if lead else 1  # label area: the first a grid columns
    if not lead and ed[1] < 0.12 * U:
        a = 2
    if ctx.title_variant % 3 == 2 and len(cols) - a >= 5 and ed[a + 1] <= 0.36 * U:
        a += 1  # a wide label column (烟台: 项目名称 over 绩效指标 | 一级 | 二级)
    L = ed[a]  # label width in units
    rows: list[Row] = []
    tag = p.key
    title = block_title(p, o, ctx)
    sub = {"ascii": f"({ctx.year}年度)", "full": f"（{ctx.year}年度）"}.get(o.subtitle, "")

    def row(cells: list[Cell], **kw) -> None:
        rows.append(Row(cells, tag=tag, keep=kw.pop("keep", True), **kw))

    def pair(label: str, value: str, align: str = "left") -> None:
        row([Cell(label, 0, L), Cell(value, L, U - L, align=align)])

    if o.title_in_table:
        text = title + (f"\n{sub}" if sub else "")
        row([Cell(text, 0, U, size=o.font_size + 3)], split=False)
    if o.title_style != "name_only":
        label = "转移支付名称" if o.title_style == "transfer" and ctx.title_variant % 2 else "项目名称"
        pair(label, p.p_name, "center" if ctx.title_variant % 3 == 0 else "left")
    dept_label = o.dept_label
    if o.unit_row != "none" and o.pairs:
        v1, l2, v2 = cut(L, U, [0.38, 0.2, 0.42])
        row([Cell(dept_label, 0, L), Cell(p.p_department, *v1), Cell("实施单位", *l2), Cell(p.p_unit, *v2)])
    else:
        pair(dept_label, p.p_department)
        if o.unit_row != "none":
            pair("实施单位", p.p_unit)
    if o.period_row != "none":
        pair("项目期" if ctx.title_variant % 2 else "实施期限", p.p_period)
    rows.extend(_funding(p, o, ctx, L, tag))
    if o.goal_cols == 2:
        h1, h2 = cut(L, U, [0.5, 0.5])
        row([Cell(o.goal_label, 0, L, rowspan=2), Cell("实施期总目标", *h1), Cell("年度总目标", *h2)])
        row([Cell(p.period_goal, *h1, align="left"), Cell(p.goal, *h2, align="left")])
    else:
        pair(o.goal_label, p.goal)

    # the indicator grid
    inds = p.indicators
    lead_text = "年度绩效指标" if o.lead_col == "annual" or ctx.title_variant % 4 == 3 else "绩效指标"
    if o.lead_col == "band":  # a row naming the grid over its header
        row([Cell(lead_text, 0, U)], split=False)
    grid_start = len(rows)
    repeat_grid = o.continuation in ("grid", "block")
    head = []
    for i, (h, role, _) in enumerate(cols):
        if role == "lead":
            if o.lead_col == "repeated" or repeat_grid:
                head.append(Cell("", ed[i], sp[i]))
            else:
                head.append(Cell(lead_text, ed[i], sp[i], rowspan=len(inds) + 1))
        else:
            head.append(Cell(h, ed[i], sp[i]))
    rows.append(Row(head, tag=tag, keep=True, head=True, split=False))
    c1 = cols.index(next(c for c in cols if c[1] == "level1"))
    for k, ind in enumerate(inds):
        cells: list[Cell] = []
        for i, (_, role, _) in enumerate(cols):
            if role == "lead":
                if o.lead_col == "repeated":
                    cells.append(Cell("绩效指标", ed[i], sp[i]))
                elif repeat_grid and k == 0:
                    cells.append(Cell(lead_text, ed[i], sp[i], rowspan=len(inds)))
            elif role == "level1":
                cells += _level_cells(
                    inds, k, o.level1_cells, o.level2_cells, (ed[c1], sp[c1]), (ed[c1 + 1], sp[c1 + 1])
                )
            elif role == "level2":
                continue
            else:
                text, align = _ind_cell(ind, role)
                cells.append(Cell(text, ed[i], sp[i], align=align))
        rows.append(Row(cells, tag=tag))
    if o.remark_row:
        rows.append(Row([Cell("备注", 0, L), Cell("", L, U - L)], tag=tag))
    captions = []
    if not o.title_in_table:
        if o.table_number:
            no = f"表{ctx.no}-{ctx.index}" if o.title_style == "special" else f"表{ctx.no}"
            captions.append(Text(no, size=10, align="left", keep=True))
        captions.append(Text(title, size=o.font_size + 6, align="center", keep=True, after=2))
        if sub:
            captions.append(Text(sub, size=o.font_size + 1, align="center", keep=True))
    if ctx.money_unit == "元" or o.money_heading == "none":
        captions.append(unit_caption(ctx, "单位：" if ctx.title_variant % 2 else "金额单位："))
    repeat = {"none": (), "grid": (grid_start,), "block": tuple(range(grid_start + 1))}[o.continuation]
    return Grid(
        U,
        rows,
        captions=captions,
        repeat_rows=repeat,
        repeat_captions=o.repeat_title,
        carry=o.carry,
        row_split=o.row_split,
        size=o.font_size,
    )


def _funding(p: Project, o: Options, ctx: Ctx, L: int, tag: str) -> list[Row]:
    """The funding block: a heading cell (or none), label/value rows or labels over values, 执行率 cell."""
    colon = "：" if o.money_heading != "none" else ""
    fiscal = [(o.fiscal_label, p.p_fiscal)]
    rest = []
    if p.p_carryover is not None:
        rest.append(("上年结转", p.p_carryover))
    if p.p_other is not None:
        rest.append(("其他资金", p.p_other))
    heading = "" if o.money_heading == "none" else o.money_heading + unit_label(ctx)
    exec_text = "执行率\n分值（10）" if ctx.title_variant % 2 else "执行率分值（10分）"
    end = U - (round(0.13 * U) if o.exec_rate else 0)
    left = L if heading else 0
    rows: list[Row] = []
    if o.total_label == "both":
        items = [
            [("实施期资金总额" + colon, p.p_period_total or ""), ("年度资金总额" + colon, p.p_total or "")],
            [(o.fiscal_label, p.p_fiscal or ""), (o.fiscal_label, p.p_fiscal or "")],
        ] + [[(lbl, v or ""), (lbl, v or "")] for lbl, v in rest]
        parts = cut(left, end, [0.3, 0.2, 0.3, 0.2])
        for i, pairs in enumerate(items):
            cells = []
            if i == 0:
                if heading:
                    cells.append(Cell(heading, 0, L, rowspan=len(items)))
                if o.exec_rate:
                    cells.append(Cell(exec_text, end, U - end, rowspan=len(items)))
            for j, (lbl, v) in enumerate(pairs):
                cells.append(Cell(lbl, *parts[2 * j], align="right" if "其中" in lbl else "center"))
                cells.append(Cell(v, *parts[2 * j + 1]))
            rows.append(Row(cells, tag=tag, keep=True))
        return rows
    items = [(o.total_label + colon, p.p_total or "")] + [(lbl, v or "") for lbl, v in fiscal + rest]
    if o.money_layout == "columns":
        parts = cut(left, end, [1.0] * len(items))
        labels, values = [], []
        if heading:
            labels.append(Cell(heading, 0, L, rowspan=2))
        if o.exec_rate:
            labels.append(Cell(exec_text, end, U - end, rowspan=2))
        for (lbl, v), part in zip(items, parts, strict=True):
            labels.append(Cell(lbl, *part))
            values.append(Cell(v, *part))
        return [Row(labels, tag=tag, keep=True), Row(values, tag=tag, keep=True)]
    lab, val = cut(left, end, [0.42, 0.58])
    for i, (lbl, v) in enumerate(items):
        cells = []
        if i == 0:
            if heading:
                cells.append(Cell(heading, 0, L, rowspan=len(items)))
            if o.exec_rate:
                cells.append(Cell(exec_text, end, U - end, rowspan=len(items)))
        if heading:
            cells.append(Cell(lbl, *lab, align="right" if lbl.startswith("其中") else "center"))
            cells.append(Cell(v, *val))
        else:
            cells.append(Cell(lbl, 0, L))
            cells.append(Cell(v, L, end - L))
        rows.append(Row(cells, tag=tag, keep=True))
    return rows


# ------------------------------------------------------------------------------------------ wide tables

WIDE_COLUMNS = {
    "code_name": [
        ("项目名称", "name", 1.35), ("项目总额", "total", 0.85), ("财政资金", "fiscal", 0.85),
        ("其他资金", "other", 0.8), ("绩效目标", "goal", 1.9), ("一级指标", "level1", 0.75),
        ("二级指标", "level2", 0.85), ("三级指标", "level3", 1.25), ("绩效指标性质", "nature", 0.65),
        ("本年绩效指标值", "value", 0.95), ("绩效度量单位", "unit", 0.65),
    ],
    "unit_rows": [
        ("单位编码", "code", 0.75), ("单位（项目）名称", "name", 1.3), ("资金总额", "total", 0.8),
        ("绩效目标", "goal", 1.8), ("一级指标", "level1", 0.65), ("二级指标", "level2", 0.75),
        ("三级指标", "level3", 1.15), ("指标值", "value", 0.65), ("指标值内容", "remark", 1.1),
        ("评（扣）分标准", "rule", 1.1), ("度量单位", "unit", 0.55), ("指标值类型", "nature", 0.6),
        ("备注", "blank", 0.5),
    ],
    "unit_col": [
        ("单位名称", "unitname", 1.05), ("项目名称", "name", 1.25), ("年度资金总额", "total", 0.85),
        ("年度绩效目标", "goal", 1.9), ("一级指标", "level1", 0.7), ("二级指标", "level2", 0.8),
        ("三级指标", "level3", 1.2), ("指标解释", "explain", 1.3), ("指标值", "value", 0.9),
        ("权重", "weight", 0.5),
    ],
}  # fmt: skip


def wide_table(projects: list[Project], o: Options, ctx: Ctx) -> Grid:
    """Several projects stacked in one table, one indicator per row, project cells merged down their rows."""
    family = o.wide_header
    cols = WIDE_COLUMNS[family]
    sp = spans([w for _, _, w in cols])
    ed = [0]
    for s in sp:
        ed.append(ed[-1] + s)
    at = {role: (ed[i], sp[i]) for i, (_, role, _) in enumerate(cols)}
    rows: list[Row] = []
    if family == "code_name":
        top, second = [], []
        for i, (h, role, _) in enumerate(cols):
            if role == "fiscal":
                top.append(Cell("其中：", ed[i], sp[i] + sp[i + 1]))
                second += [Cell("财政资金", ed[i], sp[i]), Cell("其他资金", ed[i + 1], sp[i + 1])]
            elif role != "other":
                top.append(Cell(h, ed[i], sp[i], rowspan=2))
        rows += [Row(top, keep=True, head=True, split=False), Row(second, keep=True, head=True, split=False)]
    else:
        rows.append(Row([Cell(h, ed[i], sp[i]) for i, (h, _, _) in enumerate(cols)], keep=True, head=True))
    head_rows = tuple(range(len(rows)))
    size = max(6.5, o.font_size - 1.5)

    # units of family unit_col: one merged cell over all rows of the unit's projects
    group_rows: dict[str, int] = {}
    for p in projects:
        group_rows[p.group] = group_rows.get(p.group, 0) + len(p.indicators)
    seen_group: set[str] = set()
    for pi, p in enumerate(projects):
        if family == "unit_rows" and (pi == 0 or projects[pi - 1].group != p.group):
            total = sum(q.total or 0 for q in projects if q.group == p.group)
            cells = [Cell(p.unit_code or "", *at["code"]), Cell(p.group, *at["name"], align="left")]
            cells.append(Cell(fmt_money(total, ctx.money_unit, o.money_format), *at["total"], align="right"))
            cells += [Cell("", ed[i], sp[i]) for i, (_, role, _) in enumerate(cols) if i >= 3]
            rows.append(Row(cells, keep=True))
        n = len(p.indicators)
        for k, ind in enumerate(p.indicators):
            cells = []
            for i, (_, role, _) in enumerate(cols):
                col = (ed[i], sp[i])
                if role in ("name", "total", "fiscal", "other", "goal", "code"):
                    if k == 0:
                        text = {
                            "name": p.p_name,
                            "total": p.p_total or "",
                            "fiscal": p.p_fiscal or "",
                            "other": p.p_other or "",
                            "goal": p.goal,
                            "code": p.unit_code if o.code_style != "none" else "",
                        }[role]
                        align = (
                            "left" if role in ("name", "goal") else ("right" if role != "code" else "center")
                        )
                        cells.append(Cell(text, *col, rowspan=n, align=align))
                elif role == "unitname":
                    if o.level1_cells == "repeat":  # the unit printed again for every project
                        if k == 0:
                            cells.append(Cell(p.group, *col, rowspan=n))
                    elif p.group not in seen_group:
                        seen_group.add(p.group)
                        cells.append(Cell(p.group, *col, rowspan=group_rows[p.group]))
                elif role == "level1":
                    cells += _level_cells(p.indicators, k, o.level1_cells, o.level2_cells, col, at["level2"])
                elif role == "level2":
                    continue
                elif role == "blank":
                    cells.append(Cell("", *col))
                else:
                    text, align = _ind_cell(ind, role)
                    cells.append(Cell(text, *col, align=align))
            rows.append(Row(cells, tag=p.key))
    title = WIDE_TITLES[family].format(no=ctx.no, year=ctx.year)
    captions = [
        Text(title, size=o.font_size + 5, align="center", keep=True, after=2),
        unit_caption(ctx, "金额单位：" if ctx.title_variant % 2 == 0 else "单位："),
    ]
    return Grid(
        U,
        rows,
        captions=captions,
        repeat_rows=head_rows if o.continuation != "none" else (),
        repeat_captions=o.repeat_title,
        carry=o.carry,
        row_split=o.row_split,
        size=size,
    )


# ------------------------------------------------------------------------------------------ department-wide


def dept_table(p: Project, o: Options, ctx: Ctx) -> Grid:
    """部门整体支出绩效目标表: name, money, overall goal, optional task rows, indicator grid."""
    L = round(0.15 * U)
    rows: list[Row] = []
    tag = p.key
    wu = unit_label(ctx)

    def row(cells, **kw):
        rows.append(Row(cells, tag=tag, keep=kw.pop("keep", True), **kw))

    label = "部门（单位）名称" if ctx.title_variant % 2 else "部门名称"
    row([Cell(label, 0, L), Cell(p.p_name, L, U - L, align="left")])
    m = o.dept_money
    if m == "split":
        parts = cut(L, U, [1.3, 1, 1, 1, 1, 1, 1])
        row([Cell(f"总体资金情况{wu}", 0, L, rowspan=3), Cell("预算支出总额", *parts[0], rowspan=2),
             Cell("财政拨款", parts[1][0], parts[1][1] * 3), Cell("其他资金", parts[4][0], U - parts[4][0])])  # fmt: skip
        row([Cell(t, *parts[i + 1]) for i, t in enumerate(("合计", "基本支出", "项目支出") * 2)])
        vals = [p.p_total or "", p.p_fiscal or "", _m(p.basic, ctx, o), _m((p.fiscal or 0) - p.basic, ctx, o)]
        vals += [p.p_other or "", "", p.p_other or ""]
        row([Cell(v, *parts[i], align="right") for i, v in enumerate(vals)])
    elif m == "basic_project":
        parts = cut(L, U, [1, 1, 1, 1])
        row([Cell("预算整体情况", 0, L, rowspan=3), Cell("部门预算支出", *parts[0]), Cell(f"预算金额{wu}", *parts[1]),
             Cell("收入来源", *parts[2]), Cell(f"预算金额{wu}", *parts[3])])  # fmt: skip
        project_part = (p.fiscal or 0) + (p.other or 0) - p.basic
        row([Cell("基本支出", *parts[0]), Cell(_m(p.basic, ctx, o), *parts[1]), Cell("财政拨款", *parts[2]),
             Cell(p.p_fiscal or "", *parts[3])])  # fmt: skip
        row([Cell("项目支出", *parts[0]), Cell(_m(project_part, ctx, o), *parts[1]), Cell("其他资金", *parts[2]),
             Cell(p.p_other or "", *parts[3])])  # fmt: skip
    elif m == "tasks":
        parts = cut(L, U, [1.2, 1.8, 0.8, 0.8, 0.8])
        n = len(p.tasks) + 3
        row([Cell("年度主要任务", 0, L, rowspan=n), Cell("任务名称", *parts[0], rowspan=2),
             Cell("主要内容", *parts[1], rowspan=2), Cell(f"预算金额{wu}", parts[2][0], U - parts[2][0])])  # fmt: skip
        row([Cell("总额", *parts[2]), Cell("财政拨款", *parts[3]), Cell("其他资金", *parts[4])])
        for t in p.tasks:
            amount = _m(t.amount, ctx, o)
            row([Cell(t.name, *parts[0]), Cell(t.content, *parts[1], align="left"), Cell(amount, *parts[2]),
                 Cell(amount, *parts[3]), Cell("", *parts[4])])  # fmt: skip
        row([Cell("金额合计", parts[0][0], parts[0][1] + parts[1][1]), Cell(p.p_total or "", *parts[2]),
             Cell(p.p_fiscal or "", *parts[3]), Cell(p.p_other or "", *parts[4])])  # fmt: skip
    else:
        lab, val = cut(L, U, [0.4, 0.6])
        items = [("年度预算资金总额", p.p_total), ("其中：财政拨款", p.p_fiscal), ("其他资金", p.p_other)]
        for i, (lbl, v) in enumerate(items):
            head = [Cell(f"资金情况{wu}", 0, L, rowspan=3)] if i == 0 else []
            row(head + [Cell(lbl, *lab), Cell(v or "", *val)])
    goal_label = ("整体绩效目标", "总体绩效目标", "年度总体目标", "部门整体绩效目标")[ctx.title_variant % 4]
    row([Cell(goal_label, 0, L), Cell(p.goal, L, U - L, align="left")])
    if o.dept_tasks and m != "tasks":
        parts = cut(L, U, [1, 1.8, 0.7, 1.8])
        row([Cell("年度重点工作任务", 0, L, rowspan=len(p.tasks) + 1), Cell("名称", *parts[0]),
             Cell("主要实施内容", *parts[1]), Cell(f"拟投入的资金{wu}", *parts[2]),
             Cell("期望达到的目标（概述）", *parts[3])])  # fmt: skip
        for t in p.tasks:
            row([Cell(t.name, *parts[0]), Cell(t.content, *parts[1], align="left"),
                 Cell(_m(t.amount, ctx, o), *parts[2]), Cell(t.target, *parts[3], align="left")])  # fmt: skip
    # the grid
    inds = p.indicators
    lead = "年度绩效指标" if ctx.title_variant % 2 else "绩效指标"
    if o.dept_levels == "joined":
        cols = [("活动", "activity", 0.9), ("绩效指标", "joined", 2.6), ("指标性质", "nature", 0.6),
                ("指标值", "value", 1.3), ("度量单位", "unit", 0.6)]  # fmt: skip
    else:
        cols = [("一级指标", "level1", 0.8), ("二级指标", "level2", 0.9), ("三级指标", "level3", 2.0)]
        if o.dept_period_col:
            cols.append(("实施周期指标值", "period", 1.2))
        cols.append(("年度指标值", "value", 1.2))
        if o.weight_col != "none":
            cols.append((o.weight_col, "weight", 0.6))
    sp = spans([w for _, _, w in cols], U - L)
    ed = [L]
    for s in sp:
        ed.append(ed[-1] + s)
    grid_start = len(rows)
    head = [Cell(lead, 0, L, rowspan=len(inds) + 1)] + [
        Cell(h, ed[i], sp[i]) for i, (h, _, _) in enumerate(cols)
    ]
    rows.append(Row(head, tag=tag, keep=True, head=True, split=False))
    for k, ind in enumerate(inds):
        cells = []
        for i, (_, role, _) in enumerate(cols):
            col = (ed[i], sp[i])
            if role == "activity":
                cells.append(Cell(ind.remark, *col, align="left"))
            elif role == "joined":
                cells.append(Cell(ind.level1 + ind.level2 + ind.level3, *col, align="left"))
            elif role == "level1":
                cells += _level_cells(inds, k, o.level1_cells, o.level2_cells, col, (ed[i + 1], sp[i + 1]))
            elif role == "level2":
                continue
            else:
                text, align = _ind_cell(ind, role)
                cells.append(Cell(text, *col, align=align))
        rows.append(Row(cells, tag=tag))
    title = DEPT_TITLES[ctx.title_variant % len(DEPT_TITLES)].format(publisher=ctx.publisher, year=ctx.year)
    if o.table_number:
        title = f"预算{ctx.no}表 {title}" if ctx.title_variant % 2 else title
    captions = [Text(title, size=o.font_size + 6, align="center", keep=True, after=2)]
    if o.subtitle != "none":
        captions.append(Text(f"（{ctx.year}年度）", size=o.font_size + 1, align="center", keep=True))
    if ctx.money_unit == "元":
        captions.append(unit_caption(ctx))
    return Grid(
        U,
        rows,
        captions=captions,
        repeat_rows=(grid_start,) if o.continuation != "none" else (),
        repeat_captions=o.repeat_title,
        carry=o.carry,
        row_split=o.row_split,
        size=o.font_size,
    )


def _m(fen: int, ctx: Ctx, o: Options) -> str:
    return fmt_money(fen, ctx.money_unit, o.money_format)


# ------------------------------------------------------------------------------------------ self-evaluation


def selfeval_table(p: Project, o: Options, ctx: Ctx) -> Grid:
    """项目支出绩效自评表: a grid with 年度指标值 and 实际完成值 (a report on last year, never a target)."""
    L = round(0.16 * U)
    rows: list[Row] = []

    def row(cells, **kw):
        rows.append(Row(cells, keep=kw.pop("keep", True), **kw))

    row([Cell("项目名称", 0, L), Cell(p.p_name, L, U - L, align="left")])
    v1, l2, v2 = cut(L, U, [0.38, 0.2, 0.42])
    row([Cell("主管部门", 0, L), Cell(p.p_department, *v1), Cell("实施单位", *l2), Cell(p.p_unit, *v2)])
    parts = cut(L, U, [1.2, 1, 1, 1, 0.6, 0.6, 0.6])
    heads = ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    row(
        [Cell(f"项目资金{unit_label(ctx)}", 0, L, rowspan=4)]
        + [Cell(h, *parts[i]) for i, h in enumerate(heads)]
    )
    for lbl, budget in (("年度资金总额", p.total or 0), ("其中：财政拨款", p.fiscal or 0), ("其他资金", 0)):
        spent = int(budget * 0.93)
        rate = f"{spent / budget * 100:.2f}%" if budget else ""
        vals = [lbl, _m(budget, ctx, o), _m(budget, ctx, o), _m(spent, ctx, o), "10" if "总额" in lbl else "",
                rate if budget else "", f"{9.3:.1f}" if "总额" in lbl else ""]  # fmt: skip
        row([Cell(v, *parts[i]) for i, v in enumerate(vals)])
    g1, g2 = cut(L, U, [0.5, 0.5])
    row([Cell("年度总体目标", 0, L, rowspan=2), Cell("预期目标", *g1), Cell("实际完成情况", *g2)])
    row([Cell(p.goal, *g1, align="left"), Cell("已按计划完成年度目标，" + p.goal[:30], *g2, align="left")])
    cols = [("一级指标", 0.8), ("二级指标", 0.9), ("三级指标", 1.6), ("年度指标值", 1.0), ("实际完成值", 1.0),
            ("分值", 0.5), ("得分", 0.5), ("偏差原因分析及改进措施", 1.5)]  # fmt: skip
    sp = spans([w for _, w in cols], U - L)
    ed = [L]
    for s in sp:
        ed.append(ed[-1] + s)
    inds = p.indicators
    row(
        [Cell("绩效指标", 0, L, rowspan=len(inds) + 1)]
        + [Cell(h, ed[i], sp[i]) for i, (h, _) in enumerate(cols)]
    )
    for k, ind in enumerate(inds):
        cells = _level_cells(inds, k, "merge", "merge", (ed[0], sp[0]), (ed[1], sp[1]))
        vals = [ind.level3, ind.value, ind.actual, ind.p_weight or "10", ind.p_weight or "10", ""]
        cells += [Cell(v, ed[i + 2], sp[i + 2]) for i, v in enumerate(vals)]
        rows.append(Row(cells, keep=False))
    rows.append(Row([Cell("总分", 0, ed[-2]), Cell("", ed[-2], U - ed[-2])]))
    title = ("项目支出绩效自评表", f"{ctx.year}年度项目支出绩效自评表")[ctx.title_variant % 2]
    captions = [
        Text(title, size=o.font_size + 6, align="center", keep=True, after=2),
        Text(f"（{ctx.year}年度）", size=o.font_size + 1, align="center", keep=True),
    ]
    return Grid(
        U, rows, captions=captions, repeat_rows=(), carry=o.carry, row_split=o.row_split, size=o.font_size
    )


# ------------------------------------------------------------------------------------------ ordinary tables


def fmt_money(fen: int, unit: str, style: str) -> str:
    """A money amount as printed: 万元 or 元, in one of the documents' number styles."""
    if unit == "元":
        x = fen / 100
        if style == "bare":
            return f"{x:.2f}".rstrip("0").rstrip(".")
        return f"{x:,.2f}" if style in ("comma2", "plain6") else f"{x:.2f}"
    x = fen / 1_000_000
    if style == "plain6":
        return f"{x:.6f}"
    if style == "comma2":
        return f"{x:,.2f}"
    if style == "bare":
        s = f"{x:.6f}".rstrip("0").rstrip(".")
        return s
    return f"{x:.2f}"


def budget_table(
    rng: random.Random, title: str, kind: str, o: Options, ctx: Ctx, projects: list[Project], label: str
) -> Grid:
    """A filler table of the budget (收支总表, 三公经费 …): ruled, full of figures, no targets."""
    size = max(7.0, o.font_size - 0.5)

    def money(lo: float = 1.0, hi: float = 5000.0) -> str:
        fen = int(rng.uniform(lo, hi) * 1_000_000 / 100) * 100
        return fmt_money(fen, ctx.money_unit, o.money_format)

    rows: list[Row] = []
    if kind == "balance":
        parts = cut(0, U, [1.6, 0.8, 1.6, 0.8])
        rows.append(
            Row([Cell("收    入", 0, parts[2][0]), Cell("支    出", parts[2][0], U - parts[2][0])], keep=True)
        )
        rows.append(
            Row(
                [Cell(h, *parts[i]) for i, h in enumerate(("项    目", "预算数", "项    目", "预算数"))],
                keep=True,
            )
        )
        n = rng.randint(8, len(vocab.SPEND_ITEMS))
        for i in range(n):
            inc = vocab.INCOME_ITEMS[i] if i < len(vocab.INCOME_ITEMS) else ""
            vals = [inc, money() if inc and rng.random() < 0.5 else "", vocab.SPEND_ITEMS[i],
                    money() if rng.random() < 0.4 else ""]  # fmt: skip
            rows.append(
                Row([Cell(v, *parts[j], align="left" if j % 2 == 0 else "right") for j, v in enumerate(vals)])
            )
        for a, b in (
            ("本年收入合计", "本年支出合计"),
            ("上年结转结余", "年终结转结余"),
            ("收 入 总 计", "支 出 总 计"),
        ):
            rows.append(Row([Cell(a, *parts[0]), Cell(money(), *parts[1], align="right"), Cell(b, *parts[2]),
                             Cell(money(), *parts[3], align="right")]))  # fmt: skip
    elif kind in ("income", "sangong", "empty"):
        if kind == "income":
            heads = [
                "合计",
                "上年结转",
                "一般公共预算拨款收入",
                "政府性基金预算拨款收入",
                "事业收入",
                "其他收入",
            ]
        elif kind == "sangong":
            heads = ["合计", "因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行费"]
        else:
            heads = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
        parts = cut(0, U, [1.0] * len(heads))
        rows.append(Row([Cell(h, *parts[i]) for i, h in enumerate(heads)], keep=True, head=True))
        if kind == "empty":
            rows.append(Row([Cell("", *parts[i]) for i in range(len(heads))]))
        else:
            for _ in range(rng.randint(1, 3)):
                rows.append(Row([Cell(money() if rng.random() < 0.7 else "", *parts[i], align="right")
                                 for i in range(len(heads))]))  # fmt: skip
    elif kind in ("spend", "function", "econ"):
        items = vocab.ECON_ITEMS if kind == "econ" else vocab.FUNCTION_ITEMS
        heads = (
            ["科目名称", "合计", "人员经费", "公用经费"]
            if kind == "econ"
            else ["功能分类科目", "合计", "基本支出", "项目支出"]
        )
        parts = cut(0, U, [2.2, 1, 1, 1])
        rows.append(Row([Cell(h, *parts[i]) for i, h in enumerate(heads)], keep=True, head=True))
        chosen = sorted(rng.sample(range(len(items)), rng.randint(6, len(items))))
        for i in chosen:
            vals = [items[i], money(), money(), ""]
            rows.append(
                Row([Cell(v, *parts[j], align="left" if j == 0 else "right") for j, v in enumerate(vals)])
            )
        rows.append(
            Row([Cell("合    计", *parts[0])] + [Cell(money(), *parts[j], align="right") for j in (1, 2, 3)])
        )
    elif kind == "projects":
        heads = ["项目名称", "项目单位", "合计", "财政拨款", "其他资金"]
        parts = cut(0, U, [2.4, 1.6, 0.8, 0.8, 0.8])
        rows.append(Row([Cell(h, *parts[i]) for i, h in enumerate(heads)], keep=True, head=True))
        for p in projects[:40]:
            vals = [p.name, p.unit_name or ctx.publisher, p.p_total or "", p.p_fiscal or "", p.p_other or ""]
            rows.append(
                Row([Cell(v, *parts[j], align="left" if j < 2 else "right") for j, v in enumerate(vals)])
            )
        rows.append(Row([Cell("合    计", parts[0][0], parts[0][1] + parts[1][1])]
                        + [Cell(money(), *parts[j], align="right") for j in (2, 3, 4)]))  # fmt: skip
    else:  # procurement
        heads = ["采购项目", "采购品目", "采购数量", "预算金额"]
        parts = cut(0, U, [1.8, 1.6, 0.6, 1.0])
        rows.append(Row([Cell(h, *parts[i]) for i, h in enumerate(heads)], keep=True, head=True))
        for item in rng.sample(vocab.PROCUREMENT_ITEMS, rng.randint(2, len(vocab.PROCUREMENT_ITEMS))):
            vals = [item, item + "类", str(rng.randint(1, 30)), money(1, 300)]
            rows.append(
                Row([Cell(v, *parts[j], align="right" if j == 3 else "center") for j, v in enumerate(vals)])
            )
    captions = [Text(label, size=9, align="right", keep=True)] if label else []
    captions.append(Text(title, size=o.font_size + 6, align="center", keep=True, after=2))
    captions.append(unit_caption(ctx, "单位：" if ctx.title_variant % 2 else "金额单位："))
    return Grid(U, rows, captions=captions, repeat_rows=(0,), size=size, carry="repeat")
