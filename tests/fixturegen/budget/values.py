"""Indicator rows of a target table: level names, level-3 texts and target values, printed the way budgets do.

Level-3 texts and the kind of value each takes come from the notice vocabulary (`INDICATOR_TEMPLATES`) plus
`budget.vocab.EXTRA_TEMPLATES`. A value is drawn once as a figure (comparator, number, unit) or a phrase, then
printed in one of the column styles budgets use:

  inline       ≥95%  |  ≤2134.87万元  |  6月底前              (one 指标值 column)
  nature       ≥ | 95 | %   ·   定性 | 按计划完成 |          (指标性质 | 指标值 | 度量单位)
  unit         ≥95 | %                                      (指标值 | 度量单位)
  level3_unit  保障考试正常运行率（%） | 100                 (the unit moves into the level-3 text)
  typed        ≥95 | % | 定量                                (指标值 | 度量单位 | 指标值类型)

The truth keeps each printed cell as it is: `value` is the 指标值 cell, `nature` / `unit` the columns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.fixturegen import vocab as notice_vocab
from tests.fixturegen.budget import vocab
from tests.fixturegen.budget.model import Indicator
from tests.fixturegen.budget.options import Options
from tests.fixturegen.model import fmt_number, fullwidth

SYMBOLS = {
    "symbols": {">=": ("≥",), "<=": ("≤",), "=": ("=", "＝", ""), ">": ("＞",), "<": ("＜",)},
    "ascii": {">=": (">=",), "<=": ("<=",), "=": ("=", ""), ">": (">",), "<": ("<",)},
    "mixed": {
        ">=": ("≥", "≥", ">=", "＞＝", "不低于", "不少于"),
        "<=": ("≤", "≤", "<=", "不高于", "不超过"),
        "=": ("=", "＝", ""),
        ">": ("＞", ">"),
        "<": ("＜", "<"),
    },
}
NATURE = {
    "symbols": {">=": ("≥",), "<=": ("≤",), "=": ("＝", "="), ">": ("＞",), "<": ("＜",)},
    "ascii": {">=": (">=",), "<=": ("<=",), "=": ("=",), ">": (">",), "<": ("<",)},
}
RULES = ("完成得满分，未完成按比例扣分", "达到目标值得满分，每降低1%扣1分", "按完成情况计分", "未完成不得分")
ACTIVITIES = ("专项业务", "履职保障", "机关运行", "信息化建设", "专项统计", "监督检查")


@dataclass
class Figure:
    """A drawn target: a figure (cmp, number, unit) or a phrase (text)."""

    cmp: str | None = None
    number: float | None = None
    unit: str = ""
    text: str | None = None

    @property
    def numeric(self) -> bool:
        return self.text is None


class ValueMaker:
    """Draws values for one project's indicators and prints them in the document's style."""

    def __init__(self, rng: random.Random, o: Options, style: str, year: int, total_wan: float, theme):
        self.rng, self.o, self.style, self.year = rng, o, style, year
        self.total_wan = total_wan
        self.obj, self.obj_unit = theme[1], theme[2]

    # drawing ---------------------------------------------------------------------------------------
    def draw(self, spec: tuple) -> Figure:
        rng, kind = self.rng, spec[0]
        if kind in ("pct", "satpct", "exec"):
            lo, hi = spec[1:3] if len(spec) >= 3 else (90, 100)
            v = rng.randint(lo, hi)
            cmp = rng.choices((">=", "="), weights=(8, 3 if v == 100 else 1))[0]
            return Figure(cmp, v + (0.5 if rng.random() < 0.08 and v < hi else 0), "%")
        if kind == "lowpct":
            return Figure(rng.choice(("<=", "<=", "<")), rng.randint(spec[1], spec[2]), "%")
        if kind == "lowcount":
            return Figure("<=", rng.randint(1, 10), spec[1])
        if kind == "count":
            unit = spec[1] if len(spec) > 1 else self.obj_unit
            big = unit in ("份", "人次", "人", "亩", "条", "平方米", "篇")
            n = rng.randint(100, 9000) if big else rng.randint(1, 120)
            if n > 1000:
                n = round(n, -2)
            return Figure(
                rng.choice((">=", ">=", ">=", "=", "=", "<=")) if kind == "count" else ">=", n, unit
            )
        if kind in ("money", "cost"):
            return Figure(rng.choice(("<=", "<=", "=")), round(self.total_wan, 2), "万元")
        if kind == "wan_money":
            n = rng.randint(spec[1], spec[2])
            if n >= 10_000:
                return Figure(">=", round(n / 10_000, 1), "亿元")
            return Figure(rng.choice((">=", ">=", "=")), n, "万元")
        if kind == "per":
            return Figure(rng.choice(("<=", "<=", "=")), rng.randint(spec[2], spec[3]), spec[1])
        if kind == "growth":
            return Figure(">=", rng.randint(3, 20), "%")
        if kind == "years":
            return Figure(">=", rng.randint(3, 10), "年")
        if kind in ("deadline", "period_md"):
            word = rng.choice(vocab.DEADLINE_WORDS)
            m = rng.randint(3, 12)
            return Figure(
                text=word.format(y=self.year, m=m, d=rng.choice((10, 15, 20, 30)), n=rng.randint(2, 6))
            )
        if kind in ("qual", "plan"):
            pool = (
                notice_vocab.QUALITATIVE_WORDS if kind == "qual" and rng.random() < 0.5 else vocab.PLAN_WORDS
            )
            return Figure(text=rng.choice(pool))
        if kind == "qualneg":
            return Figure(text=rng.choice(notice_vocab.NEGATIVE_QUALITATIVE))
        if kind == "text":
            return Figure(text=rng.choice(notice_vocab.PROSE_NO_FIGURE).format(short=self.obj))
        if kind == "none":
            return Figure(text="无")
        raise ValueError(spec)

    # printing --------------------------------------------------------------------------------------
    def _num(self, f: Figure) -> str:
        s = fmt_number(float(f.number))
        if self.o.fullwidth and self.rng.random() < 0.3:
            s = fullwidth(s)
        return s

    def _sym(self, cmp: str) -> str:
        return self.rng.choice(SYMBOLS[self.o.comparators][cmp])

    def _inline(self, f: Figure) -> str:
        sym = self._sym(f.cmp)
        sp = " " if self.o.unit_space and f.unit and self.rng.random() < 0.5 else ""
        unit = fullwidth(f.unit) if f.unit == "%" and self.o.fullwidth and self.rng.random() < 0.3 else f.unit
        if sym in ("不低于", "不少于") and self.rng.random() < 0.3:
            return f"{self._num(f)}{sp}{unit}以上"
        return f"{sym}{self._num(f)}{sp}{unit}"

    def printed(self, f: Figure, level3: str) -> dict:
        """The printed cells of one value: value, nature, unit (None = column absent or empty), level3."""
        style = self.style
        if not f.numeric:
            nature = "定性" if style in ("nature", "typed") else None
            return {"value": f.text, "nature": nature, "unit": None, "level3": level3}
        if style == "inline":
            return {"value": self._inline(f), "nature": None, "unit": None, "level3": level3}
        if style == "nature":
            table = NATURE["ascii" if self.o.comparators == "ascii" else "symbols"]
            return {"value": self._num(f), "nature": self.rng.choice(table[f.cmp]), "unit": f.unit or None,
                    "level3": level3}  # fmt: skip
        sym = self._sym(f.cmp)
        sym = "" if sym in ("不低于", "不少于", "不高于", "不超过") else sym
        value = f"{sym}{self._num(f)}"
        if style == "unit":
            return {"value": value, "nature": None, "unit": f.unit or None, "level3": level3}
        if style == "typed":
            return {"value": value, "nature": "定量", "unit": f.unit or None, "level3": level3}
        # level3_unit: 考试机位单价(元/小时) | 19.75
        brackets = "({})" if self.rng.random() < 0.5 else "（{}）"
        return {"value": value, "nature": None, "unit": None, "level3": level3 + brackets.format(f.unit)}


def level_plan(rng: random.Random, o: Options, n_min: int, n_max: int) -> list[tuple[str, str, int]]:
    """(level1, level2, rows) groups in print order for one table (2021 template: 成本指标 a level-1 group)."""
    output = [
        ("数量指标", rng.randint(1, 4)),
        ("质量指标", rng.randint(1, 3)),
        ("时效指标", rng.randint(0, 2)),
    ]
    benefit = [
        ("经济效益指标", rng.choice((0, 0, 1))),
        ("社会效益指标", rng.randint(1, 2)),
        ("生态效益指标", rng.choice((0, 0, 1))),
        ("可持续影响指标", rng.choice((0, 0, 1))),
    ]
    cost = [("经济成本指标", rng.randint(1, 2)), ("社会成本指标", rng.choice((0, 0, 0, 1)))]
    groups = [
        ("产出指标", output),
        ("效益指标", benefit),
        ("满意度指标", [("服务对象满意度指标", rng.randint(1, 2))]),
    ]
    if o.row_order == "cost_first":
        groups.insert(0, ("成本指标", cost))
    else:
        groups.insert(rng.choice((1, 3)), ("成本指标", cost))
    plan = [(l1, l2, n) for l1, l2s in groups for l2, n in l2s if n]
    total = sum(n for _, _, n in plan)
    while total < n_min:  # grow the 数量/质量 groups
        i = rng.choice(
            [k for k, (_, l2, _) in enumerate(plan) if l2 in ("数量指标", "质量指标", "社会效益指标")]
        )
        l1, l2, n = plan[i]
        plan[i] = (l1, l2, n + 1)
        total += 1
    while total > n_max:
        i = max(range(len(plan)), key=lambda k: plan[k][2])
        l1, l2, n = plan[i]
        if n == 1:
            break
        plan[i] = (l1, l2, n - 1)
        total -= 1
    return plan


def _templates(level2: str) -> list[tuple[str, tuple]]:
    return list(notice_vocab.INDICATOR_TEMPLATES.get(level2, ())) + list(
        vocab.EXTRA_TEMPLATES.get(level2, ())
    )


def make_indicators(
    rng: random.Random,
    o: Options,
    style: str,
    year: int,
    total_wan: float,
    theme: tuple[str, str, str],
    n_min: int = 5,
    n_max: int = 16,
    weights: bool = False,
    period_values: bool = False,
    aliases: dict[str, str] | None = None,
) -> list[Indicator]:
    """The indicator rows of one target table, every cell as printed."""
    maker = ValueMaker(rng, o, style, year, total_wan, theme)
    aliases = aliases or {}
    rows: list[Indicator] = []
    seen: set[tuple[str, str, str]] = set()
    for level1, level2, n in level_plan(rng, o, n_min, n_max):
        pool = _templates(level2) or _templates("社会效益指标")
        rng.shuffle(pool)
        for k in range(n):
            pattern, specs = pool[k % len(pool)]
            level3 = pattern.format(obj=theme[1])
            if k >= len(pool):
                level3 += f"（{k // len(pool) + 1}）"
            fig = maker.draw(rng.choice(specs))
            cells = maker.printed(fig, level3)
            p1, p2 = aliases.get(level1, level1), aliases.get(level2, level2)
            key = (p1, p2, cells["level3"])
            if key in seen:
                continue
            seen.add(key)
            ind = Indicator(p1, p2, cells["level3"], cells["value"], cells["nature"], cells["unit"])
            if period_values:
                ind.period_value = ind.value
                if (
                    fig.numeric
                    and fig.cmp == ">="
                    and fig.unit not in ("%", "万元", "亿元")
                    and rng.random() < 0.5
                ):
                    bigger = Figure(fig.cmp, fig.number * rng.choice((2, 3)), fig.unit)
                    ind.period_value = maker.printed(bigger, level3)["value"]
            rows.append(ind)
    if o.row_order == "shuffled":
        rng.shuffle(rows)
    if weights:
        assign_weights(rng, rows, 90 if "90" in o.weight_col else 100)
    return rows


def assign_weights(rng: random.Random, rows: list[Indicator], total: int) -> None:
    """Integer (sometimes x.5) weights that add up to the printed total."""
    n = len(rows)
    halves = rng.random() < 0.25
    unit = 0.5 if halves else 1.0
    slots = int(total / unit)
    base = [1] * n
    for _ in range(slots - n):
        base[rng.randrange(n)] += 1
    for r, b in zip(rows, base, strict=True):
        w = b * unit
        r.weight = float(w)
        r.p_weight = fmt_number(w)


def level_aliases(rng: random.Random, o: Options) -> dict[str, str]:
    """Printed level names that differ from the standard ones, fixed for a document."""
    if not o.aliases:
        return {}
    out = {}
    for table in (vocab.LEVEL1_ALIASES, vocab.LEVEL2_ALIASES):
        for name, alts in table.items():
            if rng.random() < 0.5:
                out[name] = rng.choice(alts)
    return out


def blank_repeats(rows: list[Indicator]) -> None:
    """Level-1 cells printed only on the first row of a run (blank below, not merged): the truth records ""."""
    for k in range(1, len(rows)):
        if rows[k].level1 == rows[k - 1].level1:
            rows[k].blank1 = True


def remarks(rng: random.Random, rows: list[Indicator], kind: str) -> None:
    """Text for 备注 / 指标解释 / 指标值内容 / 评（扣）分标准 / 活动 cells (printed, not in the truth)."""
    for r in rows:
        if kind == "explain":
            r.remark = rng.choice(("反映{l3}情况", "考核{l3}是否达到预期", "{l3}达到目标值")).format(
                l3=r.level3
            )
        elif kind == "content":
            r.remark = f"{r.level3}{r.value}{r.unit or ''}"
            r.rule = rng.choice(RULES)
        elif kind == "activity":
            r.remark = rng.choice(ACTIVITIES)
        elif rng.random() < 0.5:
            r.remark = rng.choice(notice_vocab.SCORE_NOTES).format(l3=r.level3)


def actuals(rng: random.Random, rows: list[Indicator]) -> None:
    """实际完成值 of self-evaluation rows: the target reached, or a figure near it."""
    for r in rows:
        r.actual = r.value if rng.random() < 0.6 else rng.choice(("已完成", "完成", "100%", "达到预期"))
