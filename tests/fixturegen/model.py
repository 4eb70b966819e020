"""Notice specs with known ground truth, and the seeded generator that fills them.

A `Notice` holds the semantic truth (canonical names, parsed values) *and* the exact strings to print
(aliases, ★, full-width digits, stray spaces, comparator words). Renderers only lay the printed strings out;
`truth()` only reads the semantic fields. A hand-written spec may leave the printed fields empty: they
default to the canonical text.

Value grammar of the truth (what `kind`, `comparator`, `value`, `unit`, `deadline` mean) is DESIGN §4.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from typing import Any

from tests.fixturegen import vocab
from tests.fixturegen.fonts import cjk_fonts, reportlab_fonts

# --------------------------------------------------------------------------------------------- layout

CELL_MODES = ("merge", "repeat", "blank")


@dataclass
class Layout:
    """Every layout option of one notice. `truth()` writes it out as the notice's `layout` description."""

    renderer: str = "rl"  # rl (reportlab canvas) | lo (LibreOffice from HTML)
    font: str = ""  # font key (file stem); "" → first installed
    title_font: str = ""
    font_size: float = 9.5
    landscape: bool = False
    # lines | cellrects (stroked cell boxes) | thinrects (filled thin rectangles) | none
    ruling: str = "lines"
    line_width: float = 0.6
    shade_header: bool = False  # grey background behind the grid header row
    cols: str = "four"  # four (指标值) | annual (年度指标值) | nature (指标性质+指标值+度量单位) | direction
    score_col: str = "分值"  # direction layout's last column: 分值 | 权重
    extra_cols: tuple[str, ...] = ()  # from 分值, 权重, 指标解释, 备注
    level1_cells: str = "repeat"  # merge (one cell spanning its rows) | repeat | blank (below the first row)
    level2_cells: str = "repeat"
    valign: str = "middle"  # middle | top
    repeat_header: bool = True  # grid header repeated on a continuation page
    force_break: bool = False  # the first long grid continues on the next page
    split_row: bool = False  # one row split across the page break (its level3 continues on the next page)
    header: str = "rows"  # rows (label | value) | pairs (项目名称 X 实施单位 Y)
    # rows | group (项目资金 spanning three label rows) | columns (3 labels over 3 values)
    money: str = "rows"
    money_unit_label: bool = True  # （万元） printed in the money labels
    goal_label: str = "绩效目标"  # 绩效目标 | 年度绩效目标 | 总体绩效目标
    cover: bool = True
    cover_own_page: bool = True
    flow: bool = True  # the next attachment follows on the same page when it fits
    annex_word: str = "附件"  # 附件 | 附加 | mixed | none
    annex_space: bool = True  # 附件 1 / 附件1
    table_title: int = 0  # index into TABLE_TITLES
    fullwidth: bool = False  # full-width digits and brackets in codes, money and value cells
    cjk_spaces: bool = False  # stray spaces between CJK characters
    aliases: bool = False  # print level aliases (预期产出指标, 效果指标, 服务对象满意度, 其它, 环境效益指标)
    star: bool = False  # leading ★ on some level3 names
    template: int = 2019  # 2019: 成本指标 under 产出指标; 2021: 成本指标 as a level1 group
    numbered_level3: bool = False  # 1、… 2、… before level3 names
    cn_filename: bool = False


TABLE_TITLES = (
    "自治区本级部门 {y} 年项目支出预算绩效目标表",
    "自治区本级部门{y}年项目支出预算绩效目标表",
    "{y} 年度项目支出预算绩效目标表",
    "{y}年项目支出绩效目标表",
)

# Weighted choices for each random layout option (a value repeated weighs more).
LAYOUT_CHOICES: dict[str, tuple[Any, ...]] = {
    "renderer": ("rl", "rl", "rl", "lo"),
    "font_size": (9.0, 9.5, 10.0, 10.5),
    "landscape": (False, False, False, True),
    "ruling": ("lines", "lines", "lines", "cellrects", "thinrects", "none"),
    "line_width": (0.5, 0.6, 0.75, 1.0),
    "shade_header": (False, False, False, True),
    "cols": ("four", "four", "annual", "nature", "direction"),
    "score_col": ("分值", "权重"),
    "extra_cols": ((), (), (), ("分值",), ("权重",), ("指标解释",), ("备注",), ("分值", "备注")),
    "level1_cells": CELL_MODES,
    "level2_cells": ("merge", "repeat", "repeat", "blank"),
    "valign": ("middle", "middle", "top"),
    "repeat_header": (True, False),
    "force_break": (False, False, True),
    "split_row": (False, False, True),
    "header": ("rows", "rows", "pairs"),
    "money": ("rows", "group", "columns"),
    "money_unit_label": (True, True, False),
    "goal_label": ("绩效目标", "绩效目标", "年度绩效目标", "总体绩效目标"),
    "cover": (True, True, False),
    "cover_own_page": (True, True, False),
    "flow": (True, False),
    "annex_word": ("附件", "附件", "附件", "附加", "mixed", "none"),
    "annex_space": (True, False),
    "table_title": (0, 0, 1, 2, 3),
    "fullwidth": (False, False, False, True),
    "cjk_spaces": (False, False, False, True),
    "aliases": (False, False, True),
    "star": (False, False, False, True),
    "template": (2019, 2019, 2021),
    "numbered_level3": (False, False, False, True),
    "cn_filename": (False, False, True),
}


class UnknownOption(TypeError):
    """A layout override that is not a `Layout` field."""


def random_layout(rng: random.Random, soffice: bool = False, **overrides: Any) -> Layout:
    """Draw every option; an override is a fixed value, or a list of values to choose from.

    The sequence of draws does not depend on whether LibreOffice is installed: a `renderer="lo"` pick falls
    back to reportlab when `soffice` is false, after all options are drawn (the font list is the machine's).
    """
    fields = {f.name for f in dataclasses.fields(Layout)}
    unknown = set(overrides) - fields
    if unknown:
        raise UnknownOption(
            f"unknown layout option(s): {', '.join(sorted(unknown))}; known: {sorted(fields)}"
        )
    choices = dict(LAYOUT_CHOICES)
    choices["font"] = tuple(f.key for f in reportlab_fonts())
    choices["title_font"] = choices["font"]
    values = {}
    for name in [f.name for f in dataclasses.fields(Layout)]:
        options = choices.get(name)
        drawn = rng.choice(options) if options else getattr(Layout(), name)
        if name in overrides:
            o = overrides[name]
            if name == "extra_cols":  # a list of column lists means choices; a plain list is the value
                is_choice = isinstance(o, list) and any(isinstance(x, (list, tuple)) for x in o)
                drawn = tuple(rng.choice(o) if is_choice else o)
            else:
                drawn = rng.choice(o) if isinstance(o, list) else o
        values[name] = drawn
    layout = Layout(**values)
    if layout.renderer == "lo" and not soffice:
        layout.renderer = "rl"
    if layout.renderer == "lo":
        # what HTML through LibreOffice can express: ruling as lines or none, no forced row split
        if layout.ruling in ("cellrects", "thinrects"):
            layout.ruling = "lines"
        layout.split_row = False
        lo_fonts = {f.key for f in cjk_fonts()}
        if layout.font not in lo_fonts:
            layout.font = sorted(lo_fonts)[0]
    if layout.cols == "direction":
        layout.extra_cols = tuple(c for c in layout.extra_cols if c not in ("分值", "权重"))
        if "landscape" not in overrides:
            layout.landscape = layout.landscape or len(layout.extra_cols) > 0
    if not layout.cover:
        layout.cover_own_page = False
    return layout


# --------------------------------------------------------------------------------------------- spec

SYMBOL = {">=": "≥", "<=": "≤", "=": "=", ">": "＞", "<": "＜", "~": "≈"}
DIRECTION = {">=": "正向", ">": "正向", "=": "正向", "~": "正向", "<=": "反向", "<": "反向"}


@dataclass
class Indicator:
    """One grid row. Semantic fields are the truth; `p_*` fields are what the PDF prints."""

    level1: str
    level2: str
    level3: str
    kind: str  # numeric | deadline | qualitative | text | none
    comparator: str | None = None
    value: float | None = None
    unit: str | None = None
    deadline: str | None = None  # ISO date
    cell: str = ""  # the printed value in a single 指标值 column
    number: str = ""  # split columns: the printed figure (before a 万/亿 multiplier) or date or phrase
    p_unit: str = ""  # split columns: the printed unit (万人次, 亿元, 日期)
    p_level1: str = ""
    p_level2: str = ""
    p_level3: str = ""
    score: int = 10
    note: str = ""

    def __post_init__(self) -> None:
        self.p_level1 = self.p_level1 or self.level1
        self.p_level2 = self.p_level2 or self.level2
        self.p_level3 = self.p_level3 or self.level3
        if not self.number:
            if self.kind == "numeric" and self.value is not None:
                self.number = fmt_number(self.value)
                self.p_unit = self.p_unit or (self.unit or "")
            elif self.kind == "deadline" and self.deadline:
                self.number, self.p_unit = self.deadline, self.p_unit or "日期"
            elif self.kind in ("qualitative", "text") or self.kind == "none":
                self.number = self.cell

    def split_cells(self, cols: str) -> dict[str, str]:
        """The printed nature / direction / value / unit cells of a split-column grid."""
        if self.kind == "numeric":
            sym, word = SYMBOL[self.comparator or "="], DIRECTION[self.comparator or "="]
            value, unit = self.number, self.p_unit
        elif self.kind == "deadline":
            sym, word, value, unit = "≤", "反向", self.number, self.p_unit
        elif self.kind in ("qualitative", "text"):
            sym, word, value, unit = "定性", "定性", self.number, ""
        else:
            sym, word, value, unit = "", "", self.number, ""
        if cols == "direction":
            return {"nature": word, "direction": "" if sym == "定性" else sym, "value": value, "unit": unit}
        return {"nature": sym, "value": value, "unit": unit}

    def printed_text(self, cols: str) -> str:
        """The value as printed: the 指标值 cell, or the split columns joined (symbol + value + unit)."""
        if cols in ("four", "annual"):
            return self.cell
        c = self.split_cells(cols)
        sym = c.get("direction", c["nature"]) if cols == "direction" else c["nature"]
        sym = "" if sym == "定性" else sym
        unit = "" if c["unit"] == "日期" else c["unit"]
        return f"{sym}{c['value']}{unit}"


@dataclass
class Project:
    name: str
    unit_code: str
    unit_name: str
    department_code: str
    department_name: str
    former_name: str | None
    period_start: int
    period_end: int
    total: float
    fiscal: float
    other: float | None
    goal: str
    indicators: list[Indicator]
    label: str | None = "附件 1"  # printed annex label, None when absent
    p_name: str = ""
    p_unit: str = ""  # 【625003】自治区农业技术推广总站
    p_department: str = ""  # [625]自治区农业农村厅（原自治区农牧厅）
    p_period: str = ""
    p_total: str = ""
    p_fiscal: str = ""
    p_other: str = ""
    p_goal: str = ""
    split_at: int | None = None  # indicator index whose row is split across a page break
    break_before: int | None = None  # indicator index where the grid is forced onto the next page

    def __post_init__(self) -> None:
        self.p_name = self.p_name or self.name
        self.p_unit = self.p_unit or f"【{self.unit_code}】{self.unit_name}"
        if not self.p_department:
            former = f"（原{self.former_name}）" if self.former_name else ""
            self.p_department = f"[{self.department_code}]{self.department_name}{former}"
        if not self.p_period:
            s, e = self.period_start, self.period_end
            self.p_period = f"{s}-{e}" if s != e else f"{s}年"
        self.p_total = self.p_total or fmt_number(self.total)
        self.p_fiscal = self.p_fiscal or fmt_number(self.fiscal)
        if not self.p_other and self.other is not None:
            self.p_other = fmt_number(self.other)
        self.p_goal = self.p_goal or self.goal


@dataclass
class Notice:
    file: str
    title: str
    budget_year: int
    department_code: str
    department_name: str
    former_name: str | None
    published: str | None  # ISO date of the cover letter, None without a cover
    projects: list[Project]
    layout: Layout = field(default_factory=Layout)
    cover_paragraph: str = ""
    cover_annex: str = ""  # 附件：…
    issuer: str = ""
    p_title: str = ""
    p_date: str = ""  # the cover letter's date line
    render_info: dict[str, Any] = field(default_factory=dict)  # filled by the renderer (pages, breaks)

    def __post_init__(self) -> None:
        self.p_title = self.p_title or self.title
        self.issuer = self.issuer or self.department_name
        if not self.p_date and self.published:
            y, m, d = (int(x) for x in self.published.split("-"))
            self.p_date = f"{y} 年 {m} 月 {d} 日"


def truth(notice: Notice) -> dict[str, Any]:
    """The notice in the truth-file format (score.py / tests.truth)."""
    cols = notice.layout.cols
    layout = dataclasses.asdict(notice.layout)
    layout["extra_cols"] = list(layout["extra_cols"])
    layout.update(notice.render_info)
    return {
        "file": notice.file,
        "title": notice.title,
        "budget_year": notice.budget_year,
        "department_code": notice.department_code,
        "department_name": notice.department_name,
        "former_name": notice.former_name,
        "published": notice.published,
        "layout": layout,
        "projects": [
            {
                "name": p.name,
                "unit_code": p.unit_code,
                "unit_name": p.unit_name,
                "department_code": p.department_code,
                "department_name": p.department_name,
                "former_name": p.former_name,
                "period_start": p.period_start,
                "period_end": p.period_end,
                "total": p.total,
                "fiscal": p.fiscal,
                "other": p.other,
                "goal": p.goal,
                "indicators": [
                    {
                        "level1": i.level1,
                        "level2": i.level2,
                        "level3": i.level3,
                        "kind": i.kind,
                        "comparator": i.comparator,
                        "value": i.value,
                        "unit": i.unit,
                        "deadline": i.deadline,
                        "text": i.printed_text(cols),
                    }
                    for i in p.indicators
                ],
            }
            for p in notice.projects
        ],
    }


# --------------------------------------------------------------------------------------------- text helpers

_FULLWIDTH = str.maketrans(
    {**{str(d): chr(0xFF10 + d) for d in range(10)}, "%": "％", ".": "．", "[": "［", "]": "］"}
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def fmt_number(x: float) -> str:
    """1020.0 → '1020', 150.8 → '150.8', 12.25 → '12.25'."""
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return s if s != "-0" else "0"


def fullwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def stray_space(rng: random.Random, text: str) -> str:
    """Insert one space between two CJK characters (what some PDF producers leave in the text layer)."""
    spots = [i for i in range(1, len(text)) if _CJK.match(text[i - 1]) and _CJK.match(text[i])]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + " " + text[i:]


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


# --------------------------------------------------------------------------------------------- values

COMPARATOR_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    # (prefix, postfix): a value is printed prefix + figure + unit + postfix
    ">=": (
        ("≥", ""),
        (">=", ""),
        ("＞＝", ""),
        ("不少于", ""),
        ("不低于", ""),
        ("至少", ""),
        ("达到", ""),
        ("", "以上"),
        ("", "及以上"),
    ),
    "<=": (
        ("≤", ""),
        ("<=", ""),
        ("＜＝", ""),
        ("不超过", ""),
        ("不高于", ""),
        ("", "以下"),
        ("", "以内"),
        ("控制在", "以内"),
    ),
    ">": (("超过", ""), ("大于", ""), ("高于", ""), (">", ""), ("＞", "")),
    "<": (("低于", ""), ("小于", ""), ("少于", ""), ("<", ""), ("＜", "")),
    "~": (("约", ""), ("大约", ""), ("≈", ""), ("", "左右")),
    "=": (("", ""), ("", ""), ("=", ""), ("＝", "")),
}


class _ValueMaker:
    """Draws one indicator's value (truth + printed forms) from a template's value spec."""

    def __init__(
        self, rng: random.Random, layout: Layout, year: int, total: float, theme: tuple[str, str, str]
    ):
        self.rng, self.layout, self.year, self.total = rng, layout, year, total
        self.obj, self.obj_unit = theme[1], theme[2]

    def make(self, spec: tuple) -> dict[str, Any]:
        kind = spec[0]
        return getattr(self, "_" + kind)(*spec[1:])

    # numeric families -------------------------------------------------------------------------
    def _numeric(self, comparator: str, number: float, unit: str, mult: str = "", label: str = "") -> dict:
        """A figure printed with comparator words; `mult` is 万/亿 before the unit (亿元 means ×10000 万元)."""
        rng = self.rng
        num = fmt_number(number)
        if mult == "亿" and unit == "万元":
            p_unit, value = "亿元", float(round(number * 10_000, 6))
        else:
            p_unit = mult + unit
            value = float(round(number * {"": 1, "万": 10_000, "亿": 100_000_000}[mult], 6))
        words = COMPARATOR_WORDS[comparator]
        if label:  # a short label goes with a bare figure or a postfix word (95%以上企业满意)
            words = tuple(w for w in words if not w[0]) or (("", ""),)
        pre, post = rng.choice(words)
        sp1 = " " if rng.random() < 0.3 and pre and _CJK.match(pre[-1]) else ""
        sp2 = " " if rng.random() < 0.3 else ""
        printed_num = fullwidth(num) if self.layout.fullwidth and rng.random() < 0.5 else num
        cell = f"{pre}{sp1}{printed_num}{sp2}{p_unit}{post}"
        if label:
            cell = f"{label} {cell}" if rng.random() < 0.5 else f"{cell}{label}"
        return {
            "kind": "numeric",
            "comparator": comparator,
            "value": value,
            "unit": unit,
            "cell": cell,
            "number": printed_num,
            "p_unit": p_unit,
        }

    def _pick_cmp(self, weights: dict[str, int]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def _pct(self, lo: int, hi: int, labelled: bool = False) -> dict:
        rng = self.rng
        v = rng.randint(lo, hi)
        if rng.random() < 0.1 and v < hi:
            v += 0.5
        cmp = self._pick_cmp({">=": 8, "=": 3, ">": 1 if v < 100 else 0, "~": 1, "<=": 1 if v < 100 else 0})
        label = ""
        if labelled and self.layout.cols in ("four", "annual") and rng.random() < 0.1 and cmp == ">=":
            label = rng.choice(("企业满意", "服务对象满意度", "满意度"))
        return self._numeric(cmp, v, "%", label=label)

    def _satpct(self, lo: int, hi: int) -> dict:
        """A satisfaction percentage, sometimes with a short label (服务对象满意度 95%以上, 95%以上企业满意)."""
        return self._pct(lo, hi, labelled=True)

    def _lowpct(self, lo: int, hi: int) -> dict:
        return self._numeric(self._pick_cmp({"<": 3, "<=": 2}), self.rng.randint(lo, hi), "%")

    def _lowcount(self, unit: str) -> dict:
        return self._numeric(self._pick_cmp({"<": 3, "<=": 2}), self.rng.randint(1, 10), unit)

    def _growth(self) -> dict:
        return self._numeric(self._pick_cmp({">=": 4, ">": 2, "=": 1}), self.rng.randint(3, 20), "%")

    def _count(self, unit: str | None = None) -> dict:
        rng = self.rng
        unit = unit or self.obj_unit
        cmp = self._pick_cmp({">=": 6, "=": 4, "~": 2, ">": 1, "<=": 1})
        if unit in ("亩", "人", "人次", "头", "户", "条", "家次", "公顷") and rng.random() < 0.45:
            number = rng.choice((1, 1.2, 1.5, 2, 3, 5, 8, 10, 12, 20, 30, 50, 60))
            return self._numeric(cmp, number, unit, mult="万")
        magnitude = {"份": (1000, 50000), "人次": (100, 9000), "亩": (500, 9000), "条": (1000, 90000)}
        lo, hi = magnitude.get(unit, (2, 120))
        number = rng.randint(lo, hi)
        if number > 1000:
            number = round(number, -2)
        return self._numeric(cmp, number, unit)

    def _money(self) -> dict:
        cmp = self._pick_cmp({"=": 3, "<=": 4})
        total = self.total
        return self._numeric(cmp, total, "万元")

    def _wan_money(self, lo: int, hi: int) -> dict:
        rng = self.rng
        cmp = self._pick_cmp({">=": 5, ">": 2, "=": 2, "~": 1})
        number = rng.randint(lo, hi)
        if number >= 10_000 and rng.random() < 0.6:
            return self._numeric(cmp, round(number / 10_000, 1), "万元", mult="亿")
        return self._numeric(cmp, number, "万元")

    def _per(self, unit: str, lo: int, hi: int) -> dict:
        cmp = self._pick_cmp({"<=": 4, "=": 3, "~": 1})
        return self._numeric(cmp, self.rng.randint(lo, hi), unit)

    def _years(self) -> dict:
        return self._numeric(self._pick_cmp({">=": 3, "=": 1}), self.rng.randint(3, 10), "年")

    # other kinds ------------------------------------------------------------------------------
    def _deadline(self) -> dict:
        rng, y = self.rng, self.year
        month = rng.randint(3, 12)
        form = rng.randrange(7)
        day = last_day(y, month) if rng.random() < 0.5 else rng.choice((10, 15, 20, 25, 28))
        if form == 0:
            cell = f"{y} 年 {month} 月 {day} 日前"
        elif form == 1:
            cell = f"{y}年{month}月{day}日前"
        elif form == 2:
            cell = f"{y}年{month}月{day}日之前完成"
        elif form == 3:
            cell = f"{y}.{month:02d}.{day:02d}前"
        elif form == 4:
            month, day = 12, 31
            cell = f"{y}年底前"
        elif form == 5:
            day = last_day(y, month)
            cell = f"{y}年{month}月底前"
        else:
            cell = f"{y}年{month}月{day}日前完成"
        if self.layout.fullwidth and rng.random() < 0.4:
            cell = fullwidth(cell)
        iso = dt.date(y, month, day).isoformat()
        return {
            "kind": "deadline",
            "comparator": "<=",
            "deadline": iso,
            "cell": cell,
            "number": iso,
            "p_unit": "日期",
        }

    def _qual(self) -> dict:
        word = self.rng.choice(vocab.QUALITATIVE_WORDS)
        return {"kind": "qualitative", "cell": word, "number": word}

    def _qualneg(self) -> dict:
        word = self.rng.choice(vocab.NEGATIVE_QUALITATIVE)
        return {"kind": "qualitative", "cell": word, "number": word}

    def _text(self) -> dict:
        rng = self.rng
        if rng.random() < 0.5:
            text = rng.choice(vocab.PROSE_NO_FIGURE).format(short=self.obj)
        else:
            text = rng.choice(vocab.PROSE_FIGURES).format(
                obj=self.obj,
                unit=self.obj_unit,
                n1=rng.randint(2, 600),
                n2=rng.randint(2, 90),
                p1=rng.randint(50, 100),
                year=self.year,
                next=self.year + 1,
                m=rng.randint(3, 11),
                d=rng.choice((15, 20, 30)),
            )
        return {"kind": "text", "cell": text, "number": text}

    def _none(self) -> dict:
        word = self.rng.choice(("无", "无", ""))
        return {"kind": "none", "cell": word, "number": word}


def _groups(rng: random.Random, template: int) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Level1 groups with (level2, min, max) rows, in print order."""
    out_l2 = [("数量指标", 1, 4), ("质量指标", 1, 2), ("时效指标", 1, 2)]
    if template == 2019:
        out_l2.append(("成本指标", 1, 2))
    if rng.random() < 0.12:
        out_l2.append(("其他", 1, 1))
    groups = [("产出指标", out_l2)]
    benefit = [
        ("经济效益指标", 0, 2),
        ("社会效益指标", 1, 2),
        ("生态效益指标", 0, 1),
        ("可持续影响指标", 0, 1),
    ]
    rng.shuffle(benefit)
    groups.append(("效益指标", benefit))
    satisfaction = ("满意度指标", [("服务对象满意度指标", 1, 2)])
    if template == 2021:
        cost = ("成本指标", [("经济成本指标", 1, 2), ("社会成本指标", 0, 1), ("生态环境成本指标", 0, 1)])
        groups.insert(rng.choice((0, 1, 2)), cost)
    groups.insert(len(groups) if rng.random() < 0.8 else 1, satisfaction)
    return groups


def _indicators(
    rng: random.Random, layout: Layout, year: int, total: float, theme: tuple[str, str, str]
) -> list[Indicator]:
    maker = _ValueMaker(rng, layout, year, total, theme)
    rows: list[Indicator] = []
    for level1, l2s in _groups(rng, layout.template):
        for level2, lo, hi in l2s:
            templates = list(vocab.INDICATOR_TEMPLATES[level2])
            rng.shuffle(templates)
            for l3_pattern, specs in templates[: rng.randint(lo, hi)]:
                level3 = l3_pattern.format(obj=theme[1])
                v = maker.make(rng.choice(specs))
                rows.append(Indicator(level1=level1, level2=level2, level3=level3, **v))
    # 5–15 rows; keep at least one 产出 and one 效益/满意度 row
    while len(rows) > 15:
        candidates = [i for i, r in enumerate(rows) if sum(x.level2 == r.level2 for x in rows) > 1]
        rows.pop(rng.choice(candidates) if candidates else len(rows) - 1)
    while len(rows) < 5:
        extra = ("社会效益指标", "效益指标") if rng.random() < 0.5 else ("数量指标", "产出指标")
        taken = {r.level3 for r in rows}
        pattern, specs = next(
            (t for t in vocab.INDICATOR_TEMPLATES[extra[0]] if t[0].format(obj=theme[1]) not in taken),
            (f"{extra[0][:2]}{len(rows)}", (("qual",),)),
        )
        at = max(i for i, r in enumerate(rows) if r.level1 == extra[1]) + 1
        rows.insert(
            at,
            Indicator(
                level1=extra[1],
                level2=extra[0],
                level3=pattern.format(obj=theme[1]),
                **maker.make(rng.choice(specs)),
            ),
        )
    return rows


def _decorate(rng: random.Random, layout: Layout, rows: list[Indicator]) -> None:
    """Printed forms of the level names: aliases, ★, numbering, stray spaces; notes and scores."""
    l1_alias = {k: v for k, v in vocab.LEVEL1_PRINT_ALIASES.items() if layout.aliases and rng.random() < 0.6}
    l2_alias = {k: v for k, v in vocab.LEVEL2_PRINT_ALIASES.items() if layout.aliases and rng.random() < 0.6}
    counter: dict[str, int] = {}
    for r in rows:
        r.p_level1 = l1_alias.get(r.level1, r.level1)
        r.p_level2 = l2_alias.get(r.level2, r.level2)
        if layout.numbered_level3 and r.level2 == "数量指标":
            counter[r.level2] = counter.get(r.level2, 0) + 1
            r.level3 = f"{counter[r.level2]}、{r.level3}"
        p3 = r.level3
        if layout.cjk_spaces and rng.random() < 0.25:
            p3 = stray_space(rng, p3)
        if layout.star and rng.random() < 0.3:
            p3 = "★" + p3
        r.p_level3 = p3
        r.score = rng.choice((5, 5, 10, 10, 10, 15, 20))
        if rng.random() < 0.7:
            r.note = rng.choice(vocab.SCORE_NOTES).format(l3=r.level3)


def _unique_level3(rows: list[Indicator]) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for r in rows:
        key = (r.level1, r.level2, r.level3)
        if key in seen:
            seen[key] += 1
            r.level3 = f"{r.level3}（{seen[key]}）"
            r.p_level3 = r.level3
        else:
            seen[key] = 1


def _money(rng: random.Random) -> tuple[int, int]:
    """(total, fiscal) in hundredths of 万元."""
    band = rng.random()
    if band < 0.25:
        total = rng.randint(10, 300) * 100
    elif band < 0.8:
        total = rng.randint(100, 3000) * 100
    else:
        total = rng.randint(3000, 20000) * 100
    if rng.random() < 0.4:
        total += rng.choice((10, 20, 25, 50, 80)) if rng.random() < 0.6 else rng.randint(1, 99)
    if rng.random() < 0.55:
        return total, total
    fiscal = total * rng.choice((50, 60, 70, 80, 90)) // 100
    return total, fiscal


def _fmt_money(cents: int, style: int) -> str:
    x = cents / 100
    if style == 0:
        return fmt_number(x)
    if style == 1:
        return f"{x:.2f}"
    return f"{x:,.2f}"


def _period(rng: random.Random, year: int, name: str) -> tuple[int, int, str]:
    form = rng.choice(("span", "span_nian", "span_month", "single_nian", "single", "one_year", "one_year"))
    # the other printed forms (至 spans, durations in Chinese numerals) come from a stream of their own, seeded
    # by the project's name: every other draw of a seed stays as it was before they were added
    other = random.Random(f"period {name}")
    if form.startswith("span"):
        start = year - rng.choice((0, 0, 0, 1, 2))
        end = max(year, start + rng.choice((1, 2, 2, 4)))
        if form == "span":
            text = f"{start}-{end}"
        elif form == "span_nian":
            text = f"{start}年-{end}年"
        else:
            text = f"{start}.01-{end}.12"
        if other.random() < 0.3:
            text = other.choice((f"{start}年至{end}年", f"{start}—{end}年", f"{start}年～{end}年"))
        return start, end, text
    if form == "single_nian":
        return year, year, f"{year}年"
    if form == "single":
        return year, year, f"{year}"
    text = rng.choice(("1年", "1年", "一年"))
    if other.random() < 0.4:  # a duration from the budget year on
        years = other.choice((2, 2, 3, 3, 5, 10, 12))
        spelled = {2: ("两年", "二年"), 3: ("三年",), 5: ("五年",), 10: ("十年",), 12: ("十二年",)}[years]
        return year, year + years - 1, other.choice((*spelled, f"{years}年"))
    return year, year, text


GOALS = (
    "通过实施{name}，完成{obj}{n}{unit}以上的年度任务，提升{short}相关领域服务水平，确保资金使用规范、安全、高效，"
    "服务对象满意度达到{p}%以上。",
    "1.{year}年完成{obj}{n}{unit}；2.项目资金支付率达到{p2}%以上；3.进一步提升{short}公共服务能力，群众获得感明显增强。",
    "{year}年，{unit_name}将围绕{name}，重点做好组织实施、资金监管、绩效评价等工作，力争{obj}达到{n}{unit}，"
    "群众满意度不低于{p}%。",
    "按照自治区党委、政府决策部署，加快推进{name}，全年完成{obj}{n}{unit}，项目验收合格率100%，"
    "推动{short}事业高质量发展。",
)


def _unique_name(rng: random.Random, used: set, year: int, dept: vocab.Department) -> tuple[str, tuple]:
    themes = list(dept.themes)
    rng.shuffle(themes)
    for attempt in range(200):
        theme = themes[attempt % len(themes)]
        name = theme[0]
        if attempt >= len(themes):
            variant = rng.choice(vocab.NAME_VARIANTS[1:])
            prefix = rng.choice(vocab.REGION_PREFIXES) if attempt >= 3 * len(themes) else ""
            name = prefix + name + variant
        key = (year, dept.code, name)
        if key not in used:
            used.add(key)
            return name, theme
    name = f"{themes[0][0]}（{len(used)}）"
    used.add((year, dept.code, name))
    return name, themes[0]


def random_notice(
    rng: random.Random,
    index: int = 0,
    used: set | None = None,
    soffice: bool = False,
    projects: int | None = None,
    **overrides: Any,
) -> Notice:
    """A random notice; `used` collects (year, department, project name) so a corpus never repeats a project."""
    used = set() if used is None else used
    layout = random_layout(rng, soffice=soffice, **overrides)
    dept = rng.choice(vocab.DEPARTMENTS)
    year = rng.randint(2018, 2025)
    n_projects = projects or rng.choices((1, 2, 3, 4, 5, 6), weights=(25, 30, 22, 12, 7, 4))[0]
    show_former = dept.former is not None and rng.random() < 0.6
    former_in_title = show_former and rng.random() < 0.5
    money_style = rng.choice((0, 0, 0, 1, 2 if layout.fullwidth else 1))

    def code(text: str) -> str:
        return fullwidth(text) if layout.fullwidth and rng.random() < 0.5 else text

    label_word = {"附件": "附件", "附加": "附加"}.get(layout.annex_word)
    plist = []
    for k in range(n_projects):
        name, theme = _unique_name(rng, used, year, dept)
        suffix, unit = rng.choice(dept.units)
        unit_code = dept.code + suffix
        # the department's own office: one fixed spelling per code (the warehouse keeps one name per unit code)
        unit_name = (dept.name + ("机关" if int(dept.code) % 2 else "")) if unit == "机关" else unit
        p_unit_name = unit_name
        if unit_name == dept.name and show_former:
            p_unit_name = f"{unit_name}（原{dept.former}）"
        start, end, p_period = _period(rng, year, name)
        total_c, fiscal_c = _money(rng)
        other_c = total_c - fiscal_c
        p_other = _fmt_money(other_c, money_style) if other_c else rng.choice(("", "", "", "0", "0.00"))
        other = other_c / 100 if other_c else (0.0 if p_other else None)
        n, p = rng.choice((12, 30, 50, 100, 300, 1000, 5000)), rng.choice((85, 90, 95))
        goal = rng.choice(GOALS).format(
            name=name,
            obj=theme[1],
            n=n,
            unit=theme[2],
            short=dept.short,
            p=p,
            p2=rng.choice((90, 95, 100)),
            year=year,
            unit_name=unit_name,
        )
        rows = _indicators(rng, layout, year, total_c / 100, theme)
        _decorate(rng, layout, rows)
        _unique_level3(rows)
        if layout.annex_word == "none":
            label = None
        else:
            word = label_word or rng.choice(("附件", "附件", "附加"))
            label = f"{word} {k + 1}" if layout.annex_space else f"{word}{k + 1}"
        former = f"（原{dept.former}）" if show_former else ""
        prj = Project(
            name=name,
            unit_code=unit_code,
            unit_name=unit_name,
            department_code=dept.code,
            department_name=dept.name,
            former_name=dept.former if show_former else None,
            period_start=start,
            period_end=end,
            total=total_c / 100,
            fiscal=fiscal_c / 100,
            other=other,
            goal=goal,
            indicators=rows,
            label=label,
            p_name=stray_space(rng, name) if layout.cjk_spaces and rng.random() < 0.5 else name,
            p_unit=f"【{code(unit_code)}】{p_unit_name}",
            p_department=f"{code('[' + dept.code + ']')}{dept.name}{former}",
            p_period=code(p_period),
            p_total=code(_fmt_money(total_c, money_style)),
            p_fiscal=code(_fmt_money(fiscal_c, money_style)),
            p_other=code(p_other),
            p_goal=stray_space(rng, goal) if layout.cjk_spaces else goal,
        )
        plist.append(prj)
    _plan_breaks(rng, layout, plist)

    dept_title = dept.name + (f"（原{dept.former}）" if former_in_title else "")
    sp = " " if rng.random() < 0.6 else ""
    title = f"{year}{sp}年{dept_title}项目支出预算绩效目标公开"
    published = None
    cover_paragraph = cover_annex = ""
    if layout.cover:
        month = rng.randint(1, 4)
        published = dt.date(year, month, rng.randint(1, 28)).isoformat()
        basis = rng.choice(vocab.COVER_BASIS).format(year=year)
        cover_paragraph = (
            f"{basis}现将{dept_title}{year}年{plist[0].name}等{len(plist)}个项目支出预算绩效目标予以公开。"
        )
        cover_annex = f"附件：{dept_title}{year}年项目支出预算绩效目标表"
    if layout.cn_filename:
        file = f"{dept.name}{year}年项目支出预算绩效目标公开_{index:04d}.pdf"
    else:
        file = f"notice_{index:04d}.pdf"
    return Notice(
        file=file,
        title=title,
        budget_year=year,
        department_code=dept.code,
        department_name=dept.name,
        former_name=dept.former if former_in_title else None,
        published=published,
        projects=plist,
        layout=layout,
        cover_paragraph=cover_paragraph,
        cover_annex=cover_annex,
        issuer=dept_title,
        p_date=_date_line(rng, published) if published else "",
    )


def _date_line(rng: random.Random, iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y} 年 {m} 月 {d} 日" if rng.random() < 0.6 else f"{y}年{m}月{d}日"


def _plan_breaks(rng: random.Random, layout: Layout, projects: list[Project]) -> None:
    """Pick the row split across a page (with a long level3) and the row a forced page break precedes."""
    targets = [p for p in projects if len(p.indicators) >= 5]
    if not targets:
        return
    target = targets[0]
    n = len(target.indicators)
    if layout.force_break and (not layout.split_row or len(targets) > 1):
        other = targets[-1]
        other.break_before = rng.randrange(2, len(other.indicators) - 1)
    if layout.split_row:
        candidates = [i for i in range(2, n - 1) if target.indicators[i].level2 in vocab.LONG_LEVEL3]
        i = rng.choice(candidates) if candidates else rng.randrange(2, n - 1)
        ind = target.indicators[i]
        pool = vocab.LONG_LEVEL3.get(ind.level2) or vocab.LONG_LEVEL3["质量指标"]
        long = rng.choice(pool)
        if any(r.level3 == long and r.level2 == ind.level2 for r in target.indicators):
            long = long + "（续）"
        star = "★" if ind.p_level3.startswith("★") else ""
        ind.level3, ind.p_level3 = long, star + long
        target.split_at = i
