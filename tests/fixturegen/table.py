"""One attachment's table as an abstract grid of cells (column spans, row spans), shared by the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fixturegen.model import Indicator, Layout, Project

# (header word, role, relative width)
BASE_COLS = [("一级指标", "level1", 1.0), ("二级指标", "level2", 1.25), ("三级指标", "level3", 2.3)]
VALUE_COLS = {
    "four": [("指标值", "value", 2.0)],
    "annual": [("年度指标值", "value", 2.0)],
    "nature": [("指标性质", "nature", 0.8), ("指标值", "value", 1.3), ("度量单位", "unit", 0.8)],
    "direction": [
        ("指标性质", "nature", 0.8),
        ("指标方向", "direction", 0.75),
        ("目标值", "value", 1.2),
        ("计量单位", "unit", 0.8),
    ],
}
EXTRA_COLS = {"分值": 0.6, "权重": 0.6, "指标解释": 1.6, "备注": 1.2}


@dataclass
class Cell:
    text: str
    col: int
    span: int = 1
    rowspan: int = 1
    align: str = "left"  # left | center


@dataclass
class Row:
    cells: list[Cell]
    kind: str  # block (header block) | gridhead | ind
    ind: int | None = None  # indicator index for kind == "ind"


@dataclass
class Table:
    widths: list[float]  # relative column widths
    rows: list[Row] = field(default_factory=list)
    grid_start: int = 0  # index of the grid header row
    split_row: int | None = None  # row index to split across a page break
    break_row: int | None = None  # row index a forced page break precedes


def grid_columns(layout: Layout) -> list[tuple[str, str, float]]:
    cols = BASE_COLS + VALUE_COLS[layout.cols]
    if layout.cols == "direction":
        cols = cols + [(layout.score_col, "score", 0.6)]
    return cols + [(name, _extra_role(name), EXTRA_COLS[name]) for name in layout.extra_cols]


def _extra_role(name: str) -> str:
    return {"分值": "score", "权重": "weight", "指标解释": "explain", "备注": "remark"}[name]


def _value_cells(ind: Indicator, layout: Layout, role: str) -> str:
    if role == "value" and layout.cols in ("four", "annual"):
        return ind.cell
    if role in ("nature", "direction", "value", "unit"):
        return ind.split_cells(layout.cols)[role]
    if role == "score":
        return str(ind.score)
    if role == "weight":
        return f"{ind.score}%" if ind.score % 2 else str(ind.score)
    if role == "explain":
        return ind.note
    if role == "remark":
        return ind.note if ind.score == 10 else ""
    raise ValueError(role)


def build_table(project: Project, layout: Layout) -> Table:
    cols = grid_columns(layout)
    n = len(cols)
    t = Table(widths=[w for _, _, w in cols])
    rows = t.rows

    def pair(label: str, value: str) -> Row:
        return Row([Cell(label, 0, align="center"), Cell(value, 1, n - 1)], "block")

    if layout.header == "pairs":
        m = max(2, n // 2)
        rows.append(
            Row(
                [
                    Cell("项目名称", 0, align="center"),
                    Cell(project.p_name, 1, m - 1),
                    Cell("实施单位", m, align="center"),
                    Cell(project.p_unit, m + 1, n - m - 1),
                ],
                "block",
            )
        )
        rows.append(
            Row(
                [
                    Cell("主管部门", 0, align="center"),
                    Cell(project.p_department, 1, m - 1),
                    Cell("项目期", m, align="center"),
                    Cell(project.p_period, m + 1, n - m - 1),
                ],
                "block",
            )
        )
    else:
        rows.append(pair("项目名称", project.p_name))
        rows.append(pair("主管部门", project.p_department))
        rows.append(pair("实施单位", project.p_unit))
        rows.append(pair("项目期", project.p_period))

    wan = "（万元）" if layout.money_unit_label else ""
    money = [
        ("项目总金额", project.p_total),
        ("其中：财政拨款", project.p_fiscal),
        ("其他资金", project.p_other),
    ]
    if layout.money == "rows":
        rows.append(pair(f"项目总金额{wan}", project.p_total))
        rows.append(pair("其中：财政拨款", project.p_fiscal))
        rows.append(pair("其他资金", project.p_other))
    elif layout.money == "group":
        vspan = max(1, (n + 1) // 3)
        for k, (label, value) in enumerate(money):
            cells = [
                Cell(label, 1, n - 1 - vspan, align="center"),
                Cell(value, n - vspan, vspan, align="center"),
            ]
            if k == 0:
                cells.insert(0, Cell(f"项目资金{wan}", 0, rowspan=3, align="center"))
            rows.append(Row(cells, "block"))
    else:  # columns: three labels over three values
        spans = _thirds(n - 1)
        labels, values = [Cell(f"项目资金{wan}", 0, rowspan=2, align="center")], []
        col = 1
        for (label, value), span in zip(money, spans, strict=True):
            labels.append(Cell(label, col, span, align="center"))
            values.append(Cell(value, col, span, align="center"))
            col += span
        rows.append(Row(labels, "block"))
        rows.append(Row(values, "block"))
    rows.append(pair(layout.goal_label, project.p_goal))

    t.grid_start = len(rows)
    rows.append(Row([Cell(h, i, align="center") for i, (h, _, _) in enumerate(cols)], "gridhead"))

    inds = project.indicators
    first_ind_row = len(rows)
    for k, ind in enumerate(inds):
        cells = []
        for ci, (_, role, _) in enumerate(cols):
            if role == "level1":
                cell = _level_cell(inds, k, 1, layout.level1_cells, ci)
            elif role == "level2":
                cell = _level_cell(inds, k, 2, layout.level2_cells, ci)
            elif role == "level3":
                cell = Cell(ind.p_level3, ci)
            else:
                align = (
                    "left"
                    if role in ("explain", "remark") or len(_value_cells(ind, layout, role)) > 14
                    else "center"
                )
                cell = Cell(_value_cells(ind, layout, role), ci, align=align)
            if cell is not None:
                cells.append(cell)
        rows.append(Row(cells, "ind", k))
    if project.split_at is not None:
        t.split_row = first_ind_row + project.split_at
    if project.break_before is not None:
        t.break_row = first_ind_row + project.break_before
    return t


def _thirds(k: int) -> list[int]:
    base, extra = divmod(k, 3)
    return [base + (1 if i < extra else 0) for i in range(3)]


def _group_key(inds: list[Indicator], k: int, level: int) -> tuple[str, ...]:
    i = inds[k]
    return (i.p_level1,) if level == 1 else (i.p_level1, i.p_level2)


def _level_cell(inds: list[Indicator], k: int, level: int, mode: str, col: int) -> Cell | None:
    """A level cell in merge / repeat / blank mode; None when a merged cell above covers this row."""
    text = inds[k].p_level1 if level == 1 else inds[k].p_level2
    key = _group_key(inds, k, level)
    first = k == 0 or _group_key(inds, k - 1, level) != key
    if mode == "repeat":
        return Cell(text, col, align="center")
    if mode == "blank":
        return Cell(text if first else "", col, align="center")
    if not first:
        return None
    span = 1
    while k + span < len(inds) and _group_key(inds, k + span, level) == key:
        span += 1
    return Cell(text, col, rowspan=span, align="center")
