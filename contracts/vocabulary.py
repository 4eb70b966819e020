"""The vocabularies of the warehouse (DESIGN §4, contracts): level names and their aliases, comparators,
value kinds. Every stage and the data-quality gate take them from here; the docs are rendered from them."""

from __future__ import annotations

from enum import StrEnum

from contracts.text import compact, strip_star

# In the order the national framework lists them (the docs print them so).
LEVEL1_ORDER = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_ORDER = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "其他",
)
LEVEL1 = frozenset(LEVEL1_ORDER)
LEVEL2 = frozenset(LEVEL2_ORDER)
LEVEL1_ALIASES = {
    "预期产出指标": "产出指标",
    "产出": "产出指标",
    "效果指标": "效益指标",
    "效益": "效益指标",
    "服务对象满意度": "满意度指标",
    "满意度": "满意度指标",
    "服务对象满意度指标": "满意度指标",
    "成本": "成本指标",
}
LEVEL2_ALIASES = {
    "服务对象满意度": "服务对象满意度指标",
    "环境效益指标": "生态效益指标",
    "其它": "其他",
    "其他指标": "其他",
    "其它指标": "其他",
    "生态环境效益指标": "生态效益指标",
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
    "经济效益": "经济效益指标",
    "社会效益": "社会效益指标",
    "生态效益": "生态效益指标",
    "可持续影响": "可持续影响指标",
}


# The 一级指标 each 二级指标 sits under in the national framework of common indicators; 成本指标 was a 二级指标
# of 产出指标 before it became a 一级指标 of its own, and 其他 may sit anywhere.
LEVEL1_OF_LEVEL2 = {
    "数量指标": {"产出指标"},
    "质量指标": {"产出指标"},
    "时效指标": {"产出指标"},
    "成本指标": {"产出指标", "成本指标"},
    "经济成本指标": {"成本指标"},
    "社会成本指标": {"成本指标"},
    "生态环境成本指标": {"成本指标"},
    "经济效益指标": {"效益指标"},
    "社会效益指标": {"效益指标"},
    "生态效益指标": {"效益指标"},
    "可持续影响指标": {"效益指标"},
    "服务对象满意度指标": {"满意度指标"},
}


def fits_under(level2_text: str | None, level1_text: str | None) -> bool:
    """Whether a printed 二级指标 may sit under a printed 一级指标 (True when either is unknown)."""
    level1, known1, _ = canonical_level(level1_text, 1)
    level2, known2, _ = canonical_level(level2_text, 2)
    return not (known1 and known2) or level1 in LEVEL1_OF_LEVEL2.get(level2, {level1})


def is_level_name(text: str | None, level: int) -> bool:
    """Whether the text, as printed, is a whole level name or alias (no completion of cut names)."""
    name = strip_star(compact(text))[0]
    vocabulary, aliases = (LEVEL1, LEVEL1_ALIASES) if level == 1 else (LEVEL2, LEVEL2_ALIASES)
    return aliases.get(name, name) in vocabulary


def canonical_level(text: str | None, level: int) -> tuple[str, bool, bool]:
    """Return (name, known, core): the canonical name, whether it is in the vocabulary, and a ★ flag.
    A name cut short by a page break or by its cell ('服务对象满意度指', '服务对象满意' whose second line the cell
    clips) is completed when exactly one name fits."""
    name, core = strip_star(compact(text))
    vocabulary, aliases = (LEVEL1, LEVEL1_ALIASES) if level == 1 else (LEVEL2, LEVEL2_ALIASES)
    name = aliases.get(name, name)
    if name not in vocabulary and len(name) >= 4:
        fits = [v for v in vocabulary if v.startswith(name)]
        if len(fits) == 1:
            name = fits[0]
    return name, name in vocabulary, core


class Comparator(StrEnum):
    """`comparator` of a target: how the target relates to `target_value` (or, for deadlines, the date)."""

    AT_LEAST = ">="
    AT_MOST = "<="
    MORE_THAN = ">"
    LESS_THAN = "<"
    EQUAL = "="
    ABOUT = "~"


class ValueKind(StrEnum):
    """`value_kind` of a target (DESIGN §4, "Target values")."""

    NUMERIC = "numeric"  # one figure, with an optional comparator, unit and short label
    DEADLINE = "deadline"  # a date to finish by: target_deadline, comparator <=
    QUALITATIVE = "qualitative"  # a short phrase without figures (明显提升)
    TEXT = "text"  # prose or more than one figure: no parsed value
    NONE = "none"  # 无, blank


COMPARATORS = tuple(c.value for c in Comparator)
VALUE_KINDS = tuple(k.value for k in ValueKind)


class DocumentKind(StrEnum):
    """`document_kind`: what a source document is (DESIGN §3, contract v2)."""

    NOTICE = "notice"  # a stand-alone disclosure of project targets (…绩效目标公开)
    DEPARTMENT_BUDGET = "department_budget"  # 部门预算: the department with all its units
    UNIT_BUDGET = "unit_budget"  # 单位预算: one unit
    DEPARTMENT_OVERALL = "department_overall"  # 部门整体绩效目标申报表: a department-wide declaration


class Scope(StrEnum):
    """`scope` of a project row: one project, or a department as a whole (部门整体绩效目标)."""

    PROJECT = "project"
    DEPARTMENT = "department"


DOCUMENT_KINDS = tuple(k.value for k in DocumentKind)
SCOPES = tuple(s.value for s in Scope)


def split_levels(text: str | None) -> tuple[str, str, str]:
    """Three levels printed run together in one cell ('产出指标数量指标开展监测工作') → (level1, level2,
    level3), cut at the longest level names (or aliases) it starts with; what is left is level3."""
    rest = strip_star(compact(text))[0]
    out = []
    for names in (LEVEL1 | LEVEL1_ALIASES.keys(), LEVEL2 | LEVEL2_ALIASES.keys()):
        head = max((n for n in names if rest.startswith(n) and len(n) >= 4), key=len, default="")
        out.append(head)
        rest = rest[len(head) :]
    return out[0], out[1], rest
