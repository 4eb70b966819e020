"""What extract hands to transform: raw cell text with page numbers, no interpretation of values."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawIndicatorRow:
    """One grid row: raw text per column role (level1, level2, level3, value, nature, direction, unit, …)."""

    cells: dict[str, str]
    page: int


@dataclass
class RawProject:
    """One attachment's table: header fields by canonical label, the indicator grid, and where it was printed."""

    label: str | None  # 附件 3 / 附加 3, when printed
    table_title: str | None  # 自治区本级部门 2019 年项目支出预算绩效目标表
    header: dict[str, str]  # name, unit, department, period, total, fiscal, other, goal … (extract.layout)
    grid_columns: list[str]  # roles of the grid's columns, in print order
    rows: list[RawIndicatorRow] = field(default_factory=list)
    page: int = 0
    last_page: int = 0
    scope: str = "project"  # project | department (a department-wide table, 部门整体绩效目标表)
    money_unit: str | None = None  # 万元 | 元, as the latest 金额单位 line before the table said


@dataclass
class RawNotice:
    """Everything read from one PDF."""

    pages: int
    cover_text: str  # text of page 1 outside tables (title, letter, signature, date)
    projects: list[RawProject]
    titles: list[str] = field(default_factory=list)  # target-table titles and year lines, in print order
    # plain text of the first pages (contents, 部门概况): where a budget without a cover title names itself
    opening_text: str = ""
    producer: str | None = None
    pages_read: list[int] = field(default_factory=list)
    seconds: float = 0.0  # time spent reading, measured where the reading ran
