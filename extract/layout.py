"""Recognise the parts of a target table from its rows: header labels, the grid header, column roles.

Everything here works on the words printed in the table, never on column positions or sample files: a label
is recognised by its text, a value column by its header word, merged cells (None) by their neighbours.
"""

from __future__ import annotations

import re

from contracts.text import compact

# Header labels → canonical field. Keys are compared after `label_key` (spaces, 其中, （万元）, a trailing
# colon removed). The same words head the project columns of a wide table.
HEADER_LABELS: dict[str, str] = {
    **dict.fromkeys(
        ("项目名称", "转移支付名称", "专项名称", "政策名称", "专项资金名称", "项目(政策)名称"), "name"
    ),
    **dict.fromkeys(("部门名称", "部门(单位)名称", "单位(部门)名称", "部门整体名称"), "department_name"),
    "单位(项目)名称": "unit_or_name",
    **dict.fromkeys(
        ("实施单位", "项目实施单位", "执行单位", "项目单位", "实施单位及代码", "单位名称", "预算单位"), "unit"
    ),
    **dict.fromkeys(("单位编码", "单位代码", "预算单位编码", "单位编号"), "unit_code"),
    **dict.fromkeys(("项目编码", "项目代码", "项目编号"), "code"),
    **dict.fromkeys(
        (
            "主管部门",
            "主管单位",
            "预算部门",
            "主管部门及代码",
            "市级主管部门",
            "省级主管部门",
            "主管部门名称",
        ),
        "department",
    ),
    **dict.fromkeys(
        ("项目期", "项目周期", "项目期限", "实施期限", "项目实施期", "实施期", "实施周期", "项目实施周期"),
        "period",
    ),
    **dict.fromkeys(
        (
            "项目总金额",
            "项目资金总额",
            "资金总额",
            "年度资金总额",
            "总金额",
            "项目总额",
            "年度预算资金总额",
            "年度金额",
            "预算支出总额",
            "金额合计",
            "总额",
            "年度预算金额",
            "本年预算资金总额",
        ),
        "total",
    ),
    **dict.fromkeys(
        ("实施期资金总额", "项目实施期资金总额", "实施期预算资金总额", "实施期总额"), "total_period"
    ),
    **dict.fromkeys(("财政拨款", "财政资金", "财政拨款资金", "财政性资金", "一般公共预算"), "fiscal"),
    **dict.fromkeys(("中央财政资金", "中央资金", "中央补助资金"), "fiscal_central"),
    **dict.fromkeys(
        ("本级财政资金", "市级财政资金", "省级财政资金", "区级财政资金", "县级财政资金", "地方财政资金"),
        "fiscal_local",
    ),
    **dict.fromkeys(("其他资金", "其它资金"), "other"),
    **dict.fromkeys(("上年结转", "上年结转资金", "结转资金"), "carryover"),
    **dict.fromkeys(
        (
            "绩效目标",
            "年度绩效目标",
            "总体绩效目标",
            "年度目标",
            "项目绩效目标",
            "总体目标",
            "年度总体目标",
            "年度总目标",
            "整体绩效目标",
            "部门整体绩效目标",
            "年度整体绩效目标",
        ),
        "goal",
    ),
    **dict.fromkeys(
        ("项目实施期目标", "实施期总目标", "实施期目标", "实施期绩效目标", "中长期目标"), "goal_period"
    ),
    **dict.fromkeys(
        (
            "项目资金",
            "资金情况",
            "项目资金情况",
            "资金",
            "资金金额",
            "专项资金情况",
            "总体资金情况",
            "预算整体情况",
            "预算资金情况",
            "年度资金情况",
        ),
        "_group",
    ),
}
# Fields only a project's header (block or wide) has: a wide table's header row names some of them beside
# its grid words; two of them make a block of labels a target table's header.
PROJECT_FIELDS = frozenset(HEADER_LABELS.values()) - {"_group"}
TARGET_HEADER_FIELDS = {"unit", "department", "period", "goal"}

# Grid header words → column role. Keys are compared after `role_key` (spaces and a parenthesised score
# such as （90分） removed).
GRID_ROLES: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "绩效指标": "levels",  # the three levels run together in one cell, or a label column beside them
    **dict.fromkeys(
        (
            "指标值",
            "年度指标值",
            "目标值",
            "指标目标值",
            "年度目标值",
            "绩效指标值",
            "本年绩效指标值",
            "本年度指标值",
            "年度绩效指标值",
            "当年指标值",
            "预期目标值",
            "指标值(目标值)",
            "年度指标值(目标值)",
        ),
        "value",
    ),
    **dict.fromkeys(
        ("实施周期指标值", "实施期指标值", "中期指标值", "实施期目标值", "中长期指标值", "项目实施期指标值"),
        "period_value",
    ),
    **dict.fromkeys(("指标性质", "绩效指标性质", "指标类型", "指标值类型", "指标属性"), "nature"),
    "指标方向": "direction",
    **dict.fromkeys(("度量单位", "计量单位", "绩效度量单位", "单位", "指标单位"), "unit"),
    **dict.fromkeys(("分值", "权重", "分值权重", "指标权重", "权重(%)"), "score"),
    **dict.fromkeys(
        ("指标解释", "备注", "指标说明", "评分标准", "评(扣)分标准", "评分规则", "指标值内容", "计分方法"),
        "note",
    ),
    "序号": "seq",
    "活动": "activity",
    # a self-evaluation (绩效自评表) reports what was achieved: such a grid is not a target table
    **dict.fromkeys(
        (
            "实际完成值",
            "全年实际值",
            "实际值",
            "完成值",
            "实际完成情况",
            "偏差原因分析及改进措施",
            "偏差原因",
            "得分",
        ),
        "actual",
    ),
}

# In a level cell of the rows read from a page: this row's level is the first one printed below it (a merged
# cell whose text is printed on the next page). The cutter resolves it; it never leaves extract/.
LEVEL_BELOW = "\u2193"

_LABEL_NOISE = re.compile(r"^其中[:：]?|[(（]万元[)）]$|[(（]万元[)）]|[(（]元[)）]|[:：]$")
_SCORE_NOTE = re.compile(r"[(（][^()（）]*[\d%％分][^()（）]*[)）]")
ANNEX = re.compile(r"^\s*附\s*[件加表]\s*(\d+)?\s*[:：]?\s*$")
TABLE_TITLE = re.compile(r"(\d{4})\s*年.*?绩效目标.*表")
# A target table's title in a budget document (it need not carry a year): …绩效目标表, …绩效目标申报表.
TARGET_TITLE = re.compile(r"绩效目标(申报|公开)?表$")
SELF_EVALUATION = re.compile(r"自评|评价表|完成情况表")
MONEY_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")


_LABEL_UNIT = re.compile(r"[(（]\s*(万元|元)\s*[)）]")


def label_money_unit(cells) -> str | None:
    """The money unit the labels of a table state (项目资金（万元）, 资金总额（元）), or None."""
    for cell in cells:
        if cell and (header_field(cell) or "资金" in cell or "金额" in cell):
            m = _LABEL_UNIT.search(compact(cell))
            if m:
                return m.group(1)
    return None


def is_table_title(line: str) -> bool:
    """自治区本级部门 2019 年项目支出预算绩效目标表 — a table's title, not the notice's title (…公开)."""
    return bool(TABLE_TITLE.search(compact(line))) and "公开" not in line


_OTHER_TABLE = re.compile(
    r"(收支|收入|支出|预算|经费|采购|资产|基金|三公|拨款|结转|决算).*表(?:[(（]续[)）])?$"
)


def other_table_title(line: str) -> bool:
    """The title of a budget table that holds no targets (收支总表, 一般公共预算支出表 …). A running page
    header naming the whole document (2026年度XX局部门预算报表) names no table."""
    text = compact(line)
    return len(text) <= 40 and bool(_OTHER_TABLE.search(text)) and "绩效" not in text and "报表" not in text


def target_title(line: str) -> bool:
    """A budget document's target-table title: 预算表12 项目支出绩效目标表, XX项目绩效目标表 …"""
    text = compact(line)
    return bool(TARGET_TITLE.search(text)) and len(text) <= 60 and not SELF_EVALUATION.search(text)


# Titles that name a kind of table, not one project: 项目支出绩效目标表, 政策和项目预算绩效目标表 …
_GENERIC_TITLE = re.compile(
    r"^(项目支出|政策和项目|政策和项目预算|项目|部门专项业务经费|专项业务经费|转移支付|专项资金|专项资金总体|"
    r"部门整体|部门整体支出|部门整体预算|单位整体|单位整体支出|部门项目|部门预算项目|预算项目|本级项目|"
    r"项目支出预算|一般公共预算项目支出|政府性基金预算项目支出)?$"
)
_TITLE_PREFIX = re.compile(
    r"^(?:预算)?表\s*[\d\-—－一二三四五六七八九十]+|^预算\d+表|^[(（]?\d+[)）]|^[一二三四五六七八九十]+、"
)
_ORG_YEAR = re.compile(r"^.*?\d{4}年度?")


def title_name(title: str) -> str | None:
    """The project a title names (2026年城市照明设施维护项目绩效目标表 → 2026年城市照明设施维护项目), or None
    when the title names a kind of table (预算表12 项目支出绩效目标表, XX局2026年部门整体绩效目标表)."""
    text = compact(title)
    for _ in range(3):
        text = _TITLE_PREFIX.sub("", text)
    text = re.sub(r"[(（]\d{4}年度?[)）]", "", text)
    text = TARGET_TITLE.sub("", text)
    text = re.sub(r"预算$", "", text)
    kind = _ORG_YEAR.sub("", text)  # what the table is, after an owner and a year
    if len(text) < 2 or _GENERIC_TITLE.match(text) or _GENERIC_TITLE.match(kind):
        return None
    return text


def label_key(text: str | None) -> str:
    """The comparable form of a printed label: '其中：财政\\n拨款' → '财政拨款'."""
    return _LABEL_NOISE.sub("", compact(text).replace("（", "(").replace("）", ")"))


# Labels beside the money that carry no money of their own (执行率分值（10分）: a score for spending it).
_NO_VALUE_LABEL = re.compile(r"^(?:预算)?执行率(?:分值)?(?:\(\d+分?\))?$|^分值\(\d+分?\)$")


def header_field(text: str | None) -> str | None:
    """The canonical field a header cell names, or None when the cell is not a label ("_group" for a label
    that heads others or carries no value: 项目资金, 执行率分值)."""
    if text is None:
        return None
    key = label_key(text)
    return HEADER_LABELS.get(key) or ("_group" if _NO_VALUE_LABEL.match(key) else None)


def role_key(text: str) -> str:
    return _SCORE_NOTE.sub("", compact(text).replace("（", "(").replace("）", ")")) or compact(text)


_QUALIFIED = re.compile(r"^(.+?)\(([^()]*)\)$")
_PERIOD_WORDS = re.compile(r"实施期|周期|中期|中长期|全周期")


def _role_of(key: str) -> str | None:
    """A header word's role, with a bracketed qualifier read too: 指标值（年度） is the value, 指标值（实施期）
    the period value."""
    role = GRID_ROLES.get(key)
    if role is not None:
        return role
    m = _QUALIFIED.match(key)
    if not m:
        return None
    role = GRID_ROLES.get(m.group(1))
    if role in ("value", "period_value"):
        return "period_value" if _PERIOD_WORDS.search(m.group(2)) else "value"
    return role


def grid_role(text: str | None) -> str | None:
    """The role of a grid header cell. A cell holding other lines besides its header word (text of a merged
    cell continued from the previous page, drawn under the header and clipped in print) is recognised by
    the lines that form a header word."""
    if not text:
        return None
    role = _role_of(role_key(text)) or GRID_ROLES.get(compact(text).replace("（", "(").replace("）", ")"))
    if role is not None or "\n" not in text:
        return role
    return _in_lines(text, lambda t: _role_of(role_key(t)))


def column_field(text: str | None) -> str | None:
    """The project field a wide table's header cell names (项目名称, 项目总额, 绩效目标 …), by its lines too."""
    if not text:
        return None
    field = header_field(text)
    if field is not None or "\n" not in text:
        return field
    return _in_lines(text, header_field)


def _in_lines(text: str, match):
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for size in range(len(lines), 0, -1):
        for i in range(len(lines) - size + 1):
            found = match("".join(lines[i : i + size]))
            if found is not None:
                return found
    return None


def is_project_start(row: list[str | None]) -> bool:
    return any(header_field(c) == "name" for c in row)


def is_grid_header(row: list[str | None]) -> bool:
    roles = {grid_role(c) for c in row}
    return ("level3" in roles and ("value" in roles or "level1" in roles)) or (
        "levels" in roles and "value" in roles and "level1" not in roles
    )


def column_roles(row: list[str | None]) -> list[str | None]:
    """Roles of a grid header's columns; a merged (None) header cell takes the role of its left neighbour.
    A 绩效指标 column beside the 一级/二级/三级 columns, or left of another 绩效指标 column (the three levels run
    together), only labels the grid: it gets no role."""
    roles: list[str | None] = []
    for cell in row:
        if cell is None and roles:
            roles.append(roles[-1])
        else:
            roles.append(grid_role(cell))
    if "level1" in roles or "level3" in roles:
        roles = [None if r == "levels" else r for r in roles]
    runs = [i for i, r in enumerate(roles) if r == "levels" and (i == 0 or roles[i - 1] != "levels")]
    if len(runs) > 1:  # 绩效指标 | 活动 | 绩效指标: the first labels the grid, the last holds the levels
        roles = [None if r == "levels" and i < runs[-1] else r for i, r in enumerate(roles)]
    return roles


def wide_fields(row: list[str | None]) -> dict[int, str]:
    """The project columns of a grid header row (a wide table: every row an indicator, the project's cells
    merged down its rows): column → field, for cells that name a project field rather than a grid role."""
    out: dict[int, str] = {}
    for i, cell in enumerate(row):
        if cell is None or grid_role(cell) is not None:
            continue
        field = column_field(cell)
        if field is not None and field != "_group":
            out[i] = field
    return out


def is_wide_header(row: list[str | None]) -> bool:
    fields = set(wide_fields(row).values())
    # a block table's grid header may carry a label cell at its left (绩效目标): a goal alone is not enough
    return is_grid_header(row) and bool(fields & {"name", "unit_or_name", "total", "unit"})


_SUB_HEADING = re.compile(r"^[^\d]{1,6}$")


_TOTAL_ROW = frozenset({"合计", "金额合计", "总计", "资金合计"})


def read_header_rows(rows: list[list[str | None]]) -> dict[str, str]:
    """Label/value pairs of a header block, as rows, side by side, or labels over columns of values (money
    as columns). Under labels over columns, a 合计 row (the table lists items and their sum) gives the
    values; otherwise the first row of values does."""
    fields: dict[str, str] = {}
    pending: dict[int, str] = {}  # column → field, labels printed over a row of values
    first: list[tuple[int, str]] | None = None  # the first row of values under them

    def take(tokens: list[tuple[int, str]]) -> None:
        for i, c in tokens:
            if i in pending:
                fields.setdefault(pending[i], c)

    for row in rows:
        tokens = [(i, c) for i, c in enumerate(row) if c is not None]
        texts = [c for _, c in tokens if compact(c)]
        total_row = (
            bool(texts)
            and label_key(texts[0]) in _TOTAL_ROW
            and any(re.search(r"\d", c) for i, c in tokens if i in pending)
        )
        if pending and (total_row or not any(header_field(c) for _, c in tokens)):
            below = [c for i, c in tokens if i in pending]
            if not total_row and below and all(_SUB_HEADING.match(compact(c)) for c in below):
                continue  # a row of sub-headings (合计 | 基本支出 | 项目支出): the values come below it
            if total_row:
                take(tokens)
                pending, first = {}, None
            elif first is None:
                first = tokens
            continue
        if pending and first is not None:
            take(first)
        pending, first = {}, None
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
    if pending and first is not None:
        take(first)
    return fields
