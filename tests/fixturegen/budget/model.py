"""Budget document specs and their ground truth (format: SCHEMA.md in this folder).

A spec holds two things side by side: the semantic project records that become the truth (`Project`,
`Indicator`), and the printed document (`Document.body`, a flow of text, page breaks and grids built by
`tables.py`). Every truth string is the printed string itself, line breaks aside, so the truth is what a careful
reader of the page writes down: the renderer never rewrites text, it only wraps it. Only `pages` comes from the
renderer, which reports where each project's rows landed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fixturegen.budget.options import Options

KINDS = ("department_budget", "unit_budget", "notice", "department_overall")


@dataclass
class Indicator:
    """One grid row, every field as printed (the truth copies them)."""

    level1: str
    level2: str
    level3: str
    value: str  # 指标值 / 目标值 / 年度指标值 cell
    nature: str | None = None  # 指标性质 / 绩效指标性质 / 指标值类型 column
    unit: str | None = None  # 度量单位 column
    weight: float | None = None
    period_value: str | None = None  # 实施期 / 实施周期 指标值 column
    p_weight: str = ""  # the printed weight
    remark: str = ""  # 备注 / 指标解释 / 指标值内容 cell (not in the truth)
    rule: str = ""  # 评（扣）分标准 cell (not in the truth)
    actual: str = ""  # 实际完成值 of a self-evaluation row (not a target)
    blank1: bool = False  # 一级 cell printed blank (not merged) below the first row of its run: truth ""


@dataclass
class Task:
    """A 年度主要任务 row of a department-wide table: printed, never an indicator."""

    name: str
    content: str
    amount: int  # fen (0.01 元)
    target: str


@dataclass
class Project:
    """One target table entry (a project, or a department as a whole)."""

    key: str  # tags the grid rows of this project, so the renderer can report its pages
    name: str
    scope: str = "project"  # project | department
    code: str | None = None
    department_name: str | None = None  # as printed in 主管部门 (code removed); None when not printed
    department_code: str | None = None
    unit_name: str | None = None
    unit_code: str | None = None
    period: tuple[int, int] | None = None
    total: int | None = None  # fen; None when not printed
    fiscal: int | None = None
    other: int | None = None
    carryover: int | None = None
    goal: str = ""  # as printed; "\n" marks forced line breaks (numbered goals), joined in the truth
    period_goal: str = ""  # 实施期总目标 beside the annual one
    indicators: list[Indicator] = field(default_factory=list)
    # printed cells of the funding block (None: row not printed)
    p_name: str = ""
    p_department: str = ""
    p_unit: str = ""
    p_period: str = ""
    p_total: str | None = None
    p_fiscal: str | None = None
    p_other: str | None = None
    p_carryover: str | None = None
    p_period_total: str | None = None  # 实施期资金总额 when printed beside 年度资金总额
    # department-wide extras
    basic: int = 0  # 基本支出 (fen)
    tasks: list[Task] = field(default_factory=list)
    # wide tables
    group: str = ""  # the unit a wide table stacks this project under


@dataclass
class Document:
    file: str
    title: str  # the title as one line (PDF metadata and file name)
    title_lines: list[str]
    publisher: str
    region: str
    budget_year: int
    kind: str  # truth kind (KINDS)
    money_unit: str
    options: Options
    projects: list[Project] = field(default_factory=list)
    body: list[Any] = field(default_factory=list)  # render.Text / render.PageBreak / render.Grid, in order
    notes: list[str] = field(default_factory=list)
    pages: dict[str, list[int]] = field(default_factory=dict)  # project key -> pages (filled by the renderer)
    page_count: int = 0
    front_pages: int = 0  # title and contents pages that carry no page number


def wan(fen: int | None) -> float | None:
    """Fen (0.01 元) as 万元, the truth's money unit."""
    return None if fen is None else round(fen / 1_000_000, 8)


def truth(doc: Document) -> dict[str, Any]:
    """The document's truth object, in the format of SCHEMA.md."""
    projects = []
    for p in doc.projects:
        pages = doc.pages.get(p.key) or []
        projects.append(
            {
                "name": p.name,
                "code": p.code,
                "scope": p.scope,
                "department_name": p.department_name if p.department_name else doc.publisher,
                "department_code": p.department_code,
                "unit_name": p.unit_name,
                "unit_code": p.unit_code,
                "period": list(p.period) if p.period else None,
                "total": wan(p.total),
                "fiscal": wan(p.fiscal),
                "other": wan(p.other),
                "carryover": wan(p.carryover),
                "goal": p.goal.replace("\n", ""),
                "pages": [min(pages), max(pages)] if pages else [],
                "indicators": [
                    {
                        "level1": "" if i.blank1 else i.level1,
                        "level2": i.level2,
                        "level3": i.level3,
                        "value": i.value,
                        "nature": i.nature,
                        "unit": i.unit,
                        "weight": i.weight,
                        "period_value": i.period_value,
                    }
                    for i in p.indicators
                ],
            }
        )
    out: dict[str, Any] = {
        "file": doc.file,
        "publisher": doc.publisher,
        "region": doc.region,
        "budget_year": doc.budget_year,
        "kind": doc.kind,
        "money_unit": doc.money_unit,
    }
    if doc.notes:
        out["notes"] = list(doc.notes)
    out["projects"] = projects
    return out
