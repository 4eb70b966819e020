"""Recognise the parts of a target table from its rows: header labels, the grid header, column roles.

Everything here works on the words printed in the table, never on column positions or sample files: a label
is recognised by its text, a value column by its header word, merged cells (None) by their neighbours.
"""

from __future__ import annotations

import re

from contracts.text import compact

# Header labels → canonical field. Keys are compared after `label_key` (spaces, 其中, （万元） removed).
HEADER_LABELS: dict[str, str] = {
    "项目名称": "name",
    "实施单位": "unit",
    "项目实施单位": "unit",
    "执行单位": "unit",
    "项目单位": "unit",
    "主管部门": "department",
    "主管单位": "department",
    "预算部门": "department",
    "主管部门及代码": "department",
    "实施单位及代码": "unit",
    "项目期": "period",
    "项目周期": "period",
    "项目期限": "period",
    "实施期限": "period",
    "项目实施期": "period",
    "项目总金额": "total",
    "项目资金总额": "total",
    "资金总额": "total",
    "年度资金总额": "total",
    "总金额": "total",
    "项目总额": "total",
    "财政拨款": "fiscal",
    "财政资金": "fiscal",
    "财政拨款资金": "fiscal",
    "其他资金": "other",
    "其它资金": "other",
    "绩效目标": "goal",
    "年度绩效目标": "goal",
    "总体绩效目标": "goal",
    "年度目标": "goal",
    "项目绩效目标": "goal",
    "总体目标": "goal",
    "项目资金": "_group",
    "资金情况": "_group",
    "项目资金情况": "_group",
    "资金": "_group",
}

# Grid header words → column role.
GRID_ROLES: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "指标值": "value",
    "年度指标值": "value",
    "目标值": "value",
    "指标目标值": "value",
    "年度目标值": "value",
    "绩效指标值": "value",
    "预期目标值": "value",
    "指标值(目标值)": "value",
    "年度指标值(目标值)": "value",
    "指标性质": "nature",
    "指标方向": "direction",
    "指标类型": "nature",
    "度量单位": "unit",
    "计量单位": "unit",
    "单位": "unit",
    "分值": "score",
    "权重": "score",
    "权重(%)": "score",
    "分值(分)": "score",
    "指标解释": "note",
    "备注": "note",
    "指标说明": "note",
    "评分标准": "note",
    "序号": "seq",
}

# In a level cell of the rows read from a page: this row's level is the first one printed below it (a merged
# cell whose text is printed on the next page). The cutter resolves it; it never leaves extract/.
LEVEL_BELOW = "\u2193"

_LABEL_NOISE = re.compile(r"^其中[:：]?|[(（]万元[)）]$|[(（]万元[)）]|[:：]$")
ANNEX = re.compile(r"^\s*附\s*[件加表]\s*(\d+)?\s*[:：]?\s*$")
TABLE_TITLE = re.compile(r"(\d{4})\s*年.*?绩效目标.*表")


def is_table_title(line: str) -> bool:
    """自治区本级部门 2019 年项目支出预算绩效目标表 — a table's title, not the notice's title (…公开)."""
    return bool(TABLE_TITLE.search(compact(line))) and "公开" not in line


def label_key(text: str | None) -> str:
    """The comparable form of a printed label: '其中：财政\\n拨款' → '财政拨款'."""
    return _LABEL_NOISE.sub("", compact(text))


def header_field(text: str | None) -> str | None:
    """The canonical field a header cell names, or None when the cell is not a label."""
    if text is None:
        return None
    return HEADER_LABELS.get(label_key(text))


def grid_role(text: str | None) -> str | None:
    return GRID_ROLES.get(compact(text).replace("（", "(").replace("）", ")")) if text else None


def is_project_start(row: list[str | None]) -> bool:
    return any(header_field(c) == "name" for c in row)


def is_grid_header(row: list[str | None]) -> bool:
    roles = {grid_role(c) for c in row}
    return "level3" in roles and ("value" in roles or "level1" in roles)


def column_roles(row: list[str | None]) -> list[str | None]:
    """Roles of a grid header's columns; a merged (None) header cell takes the role of its left neighbour."""
    roles: list[str | None] = []
    for cell in row:
        if cell is None and roles:
            roles.append(roles[-1])
        else:
            roles.append(grid_role(cell))
    return roles


def read_header_rows(rows: list[list[str | None]]) -> dict[str, str]:
    """Label/value pairs of a header block, as rows, side by side, or money as columns over a value row."""
    fields: dict[str, str] = {}
    pending: dict[int, str] = {}  # column → field, labels printed over a row of values
    for row in rows:
        tokens = [(i, c) for i, c in enumerate(row) if c is not None]
        if pending and not any(header_field(c) for _, c in tokens):
            for i, c in tokens:
                if i in pending:
                    fields.setdefault(pending[i], c)
            pending = {}
            continue
        pending = {}
        k = 0
        while k < len(tokens):
            col, cell = tokens[k]
            field = header_field(cell)
            if field is None or field == "_group":
                k += 1
                continue
            nxt = tokens[k + 1][1] if k + 1 < len(tokens) else None
            if nxt is not None and header_field(nxt) is None:
                fields.setdefault(field, nxt)
                k += 2
            else:
                pending[col] = field
                k += 1
    return fields
