"""The seeded random generator: a whole budget document (spec + printed body) from an RNG and options.

Order of a document, as real budgets print it: a title (own page, top of page 1, or only in the file name),
a 目录, 部门概况 prose, the ordinary budget tables (收支总表 …), 情况说明 prose, the target tables (anywhere among
the budget tables or after them), self-evaluation distractors, 名词解释. Negative documents (决算, 自评) print
no target table and their truth has no project.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from tests.fixturegen.budget import tables, values, vocab
from tests.fixturegen.budget.model import Document, Project, Task
from tests.fixturegen.budget.options import Options, draw_options
from tests.fixturegen.budget.render import PageBreak, Text
from tests.fixturegen.budget.tables import Ctx, fmt_money


@dataclass
class Gov:
    region: str  # truth region: 中央, 湖南省, 烟台市, 北京市海淀区
    area: str  # prefix of department names ("" for central ministries)
    naming: str  # central | province | municipality | city


def _government(rng: random.Random, level: str) -> Gov:
    if level == "central":
        return Gov("中央", "", "central")
    if level == "province":
        if rng.random() < 0.25:
            m = rng.choice(vocab.MUNICIPALITIES)
            return Gov(m, m, "municipality")
        p = rng.choice(vocab.PROVINCES)
        return Gov(p, p, "province")
    if level == "district":
        d = rng.choice(vocab.DISTRICTS)
        return Gov(d, d, "city")
    if rng.random() < 0.15:
        m = rng.choice(vocab.MUNICIPALITIES)
        return Gov(m, m, "municipality")
    c = rng.choice(vocab.CITIES)
    return Gov(c, c, "city")


def _department(rng: random.Random, gov: Gov) -> tuple[vocab.DeptType, str]:
    types = [t for t in vocab.DEPT_TYPES if getattr(t, gov.naming) is not None]
    t = rng.choice(types)
    suffix = getattr(t, gov.naming)
    return t, suffix if gov.naming == "central" else gov.area + suffix


def quantum(o: Options) -> int:
    """The smallest amount (fen) the document's number style prints exactly: 0.01 万元, or 0.01 元."""
    return 10_000 if o.money_unit == "万元" and o.money_format in ("plain2", "comma2") else 1


def share(o: Options, fen: int, fraction: float) -> int:
    """A part of an amount, rounded down to what prints exactly (so the truth equals the print)."""
    q = quantum(o)
    return int(fen * fraction) // q * q


def _money_total(rng: random.Random, o: Options, lo: float, hi: float) -> int:
    """A project total in fen: whole 0.01 万元 unless the document prints 元 precision (plain6 or 元)."""
    band = rng.random()
    wan = rng.uniform(lo, hi) if band < 0.8 else rng.uniform(hi, hi * 8)
    if rng.random() < 0.35:
        wan = round(wan, -1 if wan > 100 else 0)
    fen = int(round(wan, 2) * 100) * 10_000
    if quantum(o) == 1 and rng.random() < 0.7:
        fen += rng.randrange(0, 10_000)
    return max(fen, 10_000)


class _Names:
    """Project names unique within a document after the scorer's normalisation (a trailing 项目 dropped)."""

    def __init__(self, rng: random.Random, dtype: vocab.DeptType, year: int):
        self.rng, self.year = rng, year
        self.pool = list(dtype.projects) + list(vocab.COMMON_PROJECTS)
        rng.shuffle(self.pool)
        self.used: set[str] = set()

    def take(self) -> tuple[str, tuple[str, str, str]]:
        rng = self.rng
        for attempt in range(400):
            theme = self.pool[attempt % len(self.pool)]
            name = theme[0]
            if attempt >= len(self.pool):
                name = rng.choice(("{y}年", "", "")).format(y=self.year) + name
                name += rng.choice(
                    ("（二期）", "专项经费", "补助资金", "能力提升", "（续建）", "工作经费", "")
                )
            key = name[:-2] if name.endswith("项目") else name
            if key not in self.used:
                self.used.add(key)
                return name, theme
        raise RuntimeError("project names exhausted")


def _goal(rng: random.Random, name: str, theme, short: str, year: int, items: int | None = None) -> str:
    """A goal: one sentence, numbered items on their own lines, or 目标1：… inline."""
    fill = {"name": name, "obj": theme[1], "unit": theme[2], "short": short, "year": year,
            "n": rng.choice((2, 5, 12, 30, 100, 300)), "p": rng.choice((85, 90, 95))}  # fmt: skip
    form = rng.random() if items is None else 1.0
    if form < 0.5:
        return rng.choice(vocab.GOALS).format(**fill)
    k = items or rng.randint(2, 4)
    parts = [rng.choice(vocab.GOAL_ITEMS).format(**fill) for _ in range(k)]
    if form < 0.75:
        return "".join(f"目标{i + 1}：{t}。" for i, t in enumerate(parts))
    sep = "\n" if rng.random() < 0.7 else ""
    return sep.join(f"{i + 1}.{t}{'。' if i == k - 1 else '；'}" for i, t in enumerate(parts))


def _code(style: str, code: str, name: str) -> str:
    return name if style == "none" else vocab.CODE_STYLES[style].format(c=code, n=name)


def _period(rng: random.Random, o: Options, year: int) -> tuple[tuple[int, int] | None, str]:
    if o.period_row == "duration":
        return None, rng.choice(("1年", "1年", "3年", "2年", "长期"))
    start = year - rng.choice((0, 0, 0, 1, 2))
    end = max(year, start + rng.choice((0, 1, 2, 3)))
    if start == end:
        return (start, end), rng.choice((f"{start}年", f"{start}年1月-{start}年12月"))
    return (start, end), rng.choice((f"{start}-{end}", f"{start}年-{end}年", f"{start}年至{end}年"))


def _project(
    rng: random.Random, o: Options, ctx: Ctx, key: str, names: _Names, dept: dict, unit: tuple[str, str],
    style: str, aliases: dict[str, str], n_range: tuple[int, int] = (5, 16),
) -> Project:  # fmt: skip
    """One project: its money, goal and indicator rows, and the printed cells of its header block."""
    name, theme = names.take()
    total = _money_total(rng, o, 5, 1500)
    fiscal = total if rng.random() < 0.6 else share(o, total, rng.choice((0.5, 0.7, 0.8, 0.9)))
    carry = None
    if o.carryover:
        carry = 0 if rng.random() < 0.4 else share(o, total - fiscal, rng.choice((0.5, 1.0)))
    other = total - fiscal - (carry or 0)
    fmt = lambda fen: fmt_money(fen, ctx.money_unit, o.money_format)  # noqa: E731
    p = Project(key=key, name=name)
    p.total, p.fiscal, p.carryover = total, fiscal, carry
    p.p_total, p.p_fiscal = fmt(total), fmt(fiscal)
    p.p_carryover = None if carry is None else fmt(carry)
    if other:
        p.other, p.p_other = other, fmt(other)
    elif o.other_style == "zero":
        p.other, p.p_other = 0, fmt(0)
    else:
        p.other, p.p_other = None, {"dash": "-", "blank": "", "absent": None}[o.other_style]
    if o.total_label == "both":
        p.p_period_total = fmt(total * rng.choice((1, 1, 2, 3)))  # not in the truth
    p.p_name = name
    p.department_name = dept["name"]
    p.p_department = _code(o.code_style, dept["code"], dept["name"])
    p.department_code = dept["code"] if o.code_style != "none" else None
    p.unit_name, p.p_unit = unit[1], unit[1]
    if o.unit_row == "code":
        p.unit_code = unit[0]
        p.p_unit = _code(o.code_style if o.code_style != "none" else "bracket", unit[0], unit[1])
    elif o.unit_row == "none":  # no 实施单位 printed: the truth has none either (SCHEMA.md)
        p.unit_name = None
    if o.period_row != "none":
        p.period, p.p_period = _period(rng, o, ctx.year)
    p.goal = _goal(rng, name, theme, dept["short"], ctx.year)
    if o.goal_cols == 2:
        p.period_goal = p.goal if rng.random() < 0.5 else _goal(rng, name, theme, dept["short"], ctx.year)
    weights = o.weight_col != "none"
    p.indicators = values.make_indicators(
        rng, o, style, ctx.year, total / 1_000_000, theme, *n_range,
        weights=weights, period_values=o.period_value_col, aliases=aliases,
    )  # fmt: skip
    if o.level1_cells == "blank":
        values.blank_repeats(p.indicators)
    if o.remark_col:
        values.remarks(rng, p.indicators, "remark")
    return p


def _dept_project(rng: random.Random, o: Options, ctx: Ctx, publisher: str, short: str, aliases) -> Project:
    """The department as a whole: its budget, overall goal, task rows and indicators."""
    p = Project(key="dept", name=publisher, scope="department", p_name=publisher)
    total = _money_total(rng, o, 800, 60000)
    other = 0 if rng.random() < 0.5 else share(o, total, rng.choice((0.002, 0.01, 0.05)))
    fiscal = total - other
    fmt = lambda fen: fmt_money(fen, ctx.money_unit, o.money_format)  # noqa: E731
    p.basic = share(o, fiscal, rng.uniform(0.3, 0.7))
    tasks = []
    n_tasks = rng.randint(3, 6)
    remaining = total
    for i in range(n_tasks):
        name, content = vocab.TASKS[i % len(vocab.TASKS)]
        amount = remaining if i == n_tasks - 1 else share(o, remaining, rng.uniform(0.1, 0.5))
        remaining -= amount
        tasks.append(Task(name.format(short=short), content.format(short=short), amount,
                          f"确保{content.format(short=short)[2:]}，完成年度目标任务。"))  # fmt: skip
    p.tasks = tasks
    m = o.dept_money
    p.p_fiscal, p.fiscal = fmt(fiscal), fiscal
    if other:
        p.p_other, p.other = fmt(other), other
    elif o.other_style == "zero":
        p.p_other, p.other = fmt(0), 0
    else:
        p.p_other, p.other = ("-" if o.other_style == "dash" else ""), None
    if m == "tasks" and other:
        # the task rows print 总额 = 财政拨款 and an empty 其他资金: the 金额合计 row follows them
        p.other, p.p_other = None, ""
        p.fiscal = p.total = total
        p.p_fiscal = fmt(total)
    if m == "basic_project":
        p.total, p.p_total = None, None
    else:
        p.total, p.p_total = total, fmt(total)
    theme = (publisher, "重点任务", "项")
    p.goal = _goal(rng, publisher, theme, short, ctx.year, items=rng.randint(3, 5))
    style = "nature" if o.dept_levels == "joined" else "inline"
    p.indicators = values.make_indicators(
        rng, o, style, ctx.year, total / 1_000_000, theme, 10, 30,
        weights=o.weight_col != "none" and o.dept_levels != "joined",
        period_values=o.dept_period_col and o.dept_levels != "joined",
        aliases=aliases if o.dept_levels != "joined" else {},
    )  # fmt: skip
    if o.dept_levels == "joined":
        values.remarks(rng, p.indicators, "activity")
        for ind in p.indicators:
            ind.weight, ind.p_weight = None, ""
    elif o.level1_cells == "blank":
        values.blank_repeats(p.indicators)
    return p


# ------------------------------------------------------------------------------------------ titles


def _titles(rng: random.Random, o: Options, publisher: str, year: int) -> list[str]:
    y = year
    if o.kind == "unit_budget":
        forms = (
            [f"{publisher}{y}年单位预算"],
            [f"{y} 年度", publisher, "单位预算"],
            [f"{y}年{publisher}单位预算"],
        )
    elif o.kind == "department_overall":
        forms = ([f"{publisher}{y}年部门整体预算绩效目标申报表"], [f"{publisher}{y}年部门整体支出绩效目标"])
    elif o.kind == "final_accounts":
        forms = (
            [f"{publisher}{y}年度部门决算"],
            [f"{y}年度{publisher}部门决算"],
            [f"{y}年度部门决算", publisher],
        )
    elif o.kind == "self_eval":
        forms = ([f"{publisher}{y}年度项目支出绩效自评报告"], [f"{y}年度{publisher}绩效自评结果"])
    else:
        forms = (
            [f"{y}年{publisher}部门预算"],
            [f"{publisher}{y}年部门预算"],
            [f"{publisher}{y}年度部门预算"],
            [f"{y}年度{publisher}部门预算报表"],
            [f"{publisher}（汇总）", f"{y}年部门预算公开说明"],
            [f"{y} 年度", publisher, "部门预算"],
            [f"{publisher} {y} 年度部门预算"],
        )
    return list(rng.choice(forms))


FILE_WORDS = {
    "department_budget": "部门预算",
    "unit_budget": "单位预算",
    "department_overall": "部门整体预算绩效目标申报表",
    "final_accounts": "部门决算",
    "self_eval": "绩效自评",
}
CN_NUM = "一二三四五六七八九十"


# ------------------------------------------------------------------------------------------ the document


def random_document(rng: random.Random, index: int = 1, **overrides) -> Document:
    """One random document spec with its printed body (not rendered yet)."""
    o = draw_options(rng, **overrides)
    year = o.year
    gov = _government(rng, o.level)
    dtype, dept_name = _department(rng, gov)
    dept_code = f"{rng.randint(101, 899)}"
    suffixes = dtype.units if gov.area else vocab.CENTRAL_UNITS
    picked = rng.sample(suffixes, min(len(suffixes), rng.randint(1, 3)))
    subunits = [(f"{dept_code}{i + 2:03d}", (gov.area or dept_name) + s) for i, s in enumerate(picked)]
    self_unit = (f"{dept_code}001", rng.choice(vocab.UNIT_SELF).format(p=dept_name))
    publisher = dept_name
    units = [self_unit] + subunits
    if o.kind == "unit_budget":
        publisher = subunits[0][1]
        units = [subunits[0]]
    title_lines = _titles(rng, o, publisher, year)
    title = "".join(t.replace(" ", "") for t in title_lines).replace("（汇总）", "")
    kind = (
        o.kind
        if o.kind in ("department_budget", "unit_budget", "department_overall")
        else "department_budget"
    )
    ctx = Ctx(year=year, money_unit=o.money_unit, publisher=publisher, title_variant=rng.randrange(12))
    area_code = f"{rng.randint(11, 65)}{rng.choice(('0000', '0100', '0600', '1100'))}"  # project codes
    dept = {"name": dept_name, "code": dept_code, "short": dtype.short, "area_code": area_code}
    aliases = values.level_aliases(rng, o)
    doc = Document(
        file="", title=title, title_lines=title_lines, publisher=publisher, region=gov.region,
        budget_year=year, kind=kind, money_unit=o.money_unit, options=o,
    )  # fmt: skip

    # target projects
    names = _Names(rng, dtype, year)
    projects: list[Project] = []
    negative = o.kind in ("final_accounts", "self_eval")
    if not negative:
        if o.kind == "department_overall":
            n = o.targets - 1 if o.targets else rng.choice((0, 0, 0, 1, 2, 4))
        else:
            n = o.targets or rng.choice((1, 2, 3, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30))
        family = "block" if o.kind == "department_overall" else o.family
        style = {"code_name": "nature", "unit_rows": "typed", "unit_col": "inline"}[o.wide_header]
        style = o.value_cols if family == "block" else style
        for k in range(max(n, 0)):
            unit = units[0] if o.kind == "unit_budget" else rng.choice(units)
            wide = family == "wide"
            rows = (4, 12) if wide else ((12, 28) if rng.random() < 0.15 else (5, 16))  # some long tables
            p = _project(rng, o if not wide else _wide_options(o), ctx, f"p{k + 1}", names, dept, unit, style,
                         aliases if not wide else {}, rows)  # fmt: skip
            if wide:
                _wide_fields(rng, o, p, unit, area_code)
            elif o.money_suffix:
                for f in ("p_total", "p_fiscal", "p_other", "p_carryover", "p_period_total"):
                    if getattr(p, f) not in (None, "", "-"):
                        setattr(p, f, getattr(p, f) + o.money_unit)
            projects.append(p)
        if family == "wide" and o.wide_header != "code_name":
            projects.sort(key=lambda p: [u[1] for u in units].index(p.group))
    dept_project = None
    if o.dept_table and not negative:
        dept_project = _dept_project(rng, o, ctx, publisher, dtype.short, aliases)
    selfevals = []
    if o.selfeval:
        for k in range(rng.randint(2, 6) if negative else rng.randint(1, 2)):
            p = _project(rng, o, Ctx(year - (0 if negative else 1), o.money_unit), f"s{k + 1}", names, dept,
                         rng.choice(units), "inline", {}, (4, 10))  # fmt: skip
            values.actuals(rng, p.indicators)
            selfevals.append(p)
    doc.projects = list(projects)
    if dept_project is not None:
        at_end = o.kind != "department_overall" and rng.random() < 0.7
        doc.projects = doc.projects + [dept_project] if at_end else [dept_project] + doc.projects
    if negative:
        doc.notes.append(
            f"negative document ({'决算' if o.kind == 'final_accounts' else '绩效自评'}): it prints only "
            "self-evaluation tables (实际完成值), no target table; expected status no_targets"
        )
    doc.body = _body(rng, o, doc, ctx, dtype, dept, projects, dept_project, selfevals)
    word = FILE_WORDS[o.kind]
    if o.file_name == "plain":
        doc.file = f"budget_{index:04d}.pdf"
    else:
        doc.file = f"{index:03d}_{publisher}_{year}{word}.pdf"
    return doc


def _wide_options(o: Options) -> Options:
    """Wide tables print no 上年结转 row, no period row and no weight column of the block template."""
    w = dataclasses.replace(o, carryover=False, period_row="none", period_value_col=False, remark_col=False)
    w.weight_col = "权重" if o.wide_header == "unit_col" else "none"
    w.total_label = "项目总额"
    w.goal_cols = 1
    if w.other_style == "absent":
        w.other_style = "blank"
    return w


def _wide_fields(rng: random.Random, o: Options, p: Project, unit: tuple[str, str], area_code: str) -> None:
    """What a wide table prints differently: project code, unit grouping, no 主管部门 column."""
    family = o.wide_header
    p.department_name, p.department_code, p.p_department = None, None, ""
    p.group = unit[1]
    if family == "code_name":  # 11000024T000002830551-统计监测分析… (the truth splits code and name)
        year = rng.choice(("22", "23", "24", "25"))
        p.code = f"{area_code}{year}T{rng.randint(0, 99999999):08d}{rng.randint(0, 9999):04d}"
        p.p_name = f"{p.code}-{p.name}"
        p.unit_name = p.unit_code = None
    elif family == "unit_rows":
        p.unit_name, p.unit_code = unit[1], unit[0]
        p.fiscal, p.p_fiscal = None, None
        p.other, p.p_other = None, None
        p.carryover = p.p_carryover = None
        values.remarks(rng, p.indicators, "content")
    else:
        p.unit_name, p.unit_code = unit[1], None
        p.fiscal = p.other = p.carryover = None
        p.p_fiscal = p.p_other = p.p_carryover = None
        values.remarks(rng, p.indicators, "explain")


# ------------------------------------------------------------------------------------------ the body


def _body(rng, o: Options, doc: Document, ctx: Ctx, dtype, dept, projects, dept_project, selfevals) -> list:
    """The printed flow: title, contents, prose, budget tables, target tables, distractors."""
    land_text = o.orientation == "landscape"
    land_tables = o.orientation in ("landscape", "mixed")
    year, pub = doc.budget_year, doc.publisher
    negative = o.kind in ("final_accounts", "self_eval")
    overall = o.kind == "department_overall"
    front: list = []
    if o.title_page == "own":
        front.append(Text("", size=20, after=150))
        for i, line in enumerate(doc.title_lines):
            front.append(
                Text(line, size=26 if i == len(doc.title_lines) - 1 else 22, align="center", after=12)
            )
        front.append(Text("", after=200))
        month = f"二〇{_cn_year(year + (1 if negative else 0))[2:]}年{rng.choice('一二三')}月"
        front += [Text(month, size=14, align="center"), PageBreak(land_text)]
        doc.front_pages += 1
    elif o.title_page == "top" and not overall:  # a 部门整体 declaration's table title is its title
        front += [Text(line, size=18, align="center", after=6, keep=True) for line in doc.title_lines]
    parts = [
        "第一部分 部门概况",
        f"第二部分 {year}年部门预算表",
        f"第三部分 {year}年部门预算情况说明",
        "第四部分 名词解释",
    ]
    if negative:
        parts[1:3] = [f"第二部分 {year}年度部门决算表", f"第三部分 {year}年度部门决算情况说明"]
    if o.toc and not overall:
        front.append(Text("目    录", size=18, align="center", after=14))
        page = 2
        for part in parts:
            front.append(Text(f"{part} {'.' * 20} {page}", size=12, after=6))
            page += rng.randint(2, 8)
        front.append(PageBreak(land_text))
        doc.front_pages += 1 if o.title_page == "own" else 0

    def prose(paragraphs: list[str], heading: str | None = None) -> list:
        out = [Text(heading, size=15, keep=True, after=6)] if heading else []
        return out + [Text(para, size=12, indent=2, after=3) for para in paragraphs]

    def fill(s: str) -> str:
        return s.format(
            year=year, prev=year - 1, p=pub, short=dept["short"], name=projects[0].name if projects else "",
            n=max(len(projects), 1), m=rng.randint(1, 9), a=f"{rng.uniform(100, 90000):,.2f}",
            b=f"{rng.uniform(10, 9000):.2f}", c=f"{rng.uniform(1, 900):.2f}",
        )  # fmt: skip

    overview: list = []
    if o.prose >= 1 and not overall:
        overview = prose(
            [f"（{CN_NUM[i]}）{d}。" for i, d in enumerate(dtype.duties)], f"{parts[0]}  一、主要职责"
        )
        overview += prose(
            [f"{pub}内设机构{rng.randint(6, 20)}个，下属预算单位{rng.randint(1, 6)}个。"], "二、机构设置"
        )
        overview.append(PageBreak(land_text))

    # ordinary budget tables, numbered the way the document numbers them
    table_list = vocab.FINAL_TABLES if negative else vocab.BUDGET_TABLES
    n_tables = 0 if overall else min(o.budget_tables, len(table_list))
    label_style = rng.choice(("beijing", "gongkai", "plain", "year"))
    budget_items: list[list] = []
    for i, (name, kind) in enumerate(table_list[:n_tables]):
        label = ""
        if label_style == "beijing":
            title = f"预算{i + 1:02d}表 {name}"
        elif label_style == "gongkai":
            title, label = ("部门" + name if not name.startswith("一般") else name), f"部门公开表{i + 1}"
        elif label_style == "year":
            title = f"{year}年{pub}{name}"
        else:
            title = f"表{i + 1} {name}"
        budget_items.append(
            [PageBreak(land_tables), tables.budget_table(rng, title, kind, o, ctx, projects, label)]
        )
    ctx.no = n_tables + 1

    # target tables
    targets: list = []
    if projects and o.family == "wide" and not overall:
        targets += [PageBreak(True), tables.wide_table(projects, _wide_options(o), ctx)]
    elif projects:
        for k, p in enumerate(projects):
            ctx.index = k + 1
            if o.placement == "own_page" or k == 0:
                targets.append(PageBreak(land_text))
            targets.append(tables.block_table(p, o, ctx, o.value_cols))
    if dept_project is not None:
        ctx.no += 1
        item = [
            PageBreak(land_text),
            tables.dept_table(dept_project, o, _overall_ctx(ctx) if overall else ctx),
        ]
        targets = item + targets if doc.projects[0] is dept_project else targets + item
    if targets and (o.placement == "after_prose" or rng.random() < 0.4):
        heading = rng.choice(
            (
                "（二）部门预算项目绩效目标表",
                "1.项目支出绩效目标表",
                "项目支出绩效目标表",
                "（二）绩效目标表及说明",
            )
        )
        targets.insert(1, Text(heading, size=13, keep=True, after=4))

    explain: list = []
    if o.prose >= 2 and not overall:
        explain = [PageBreak(land_text)]
        explain += prose([fill(t) for t in rng.sample(vocab.PROSE_BUDGET, rng.randint(3, len(vocab.PROSE_BUDGET)))],
                         parts[2])  # fmt: skip
        if not negative:
            explain += prose([fill(rng.choice(vocab.PROSE_PERF))], "七、预算绩效目标情况")
    distract: list = []
    for k, p in enumerate(selfevals):
        ctx_s = Ctx(year - (0 if negative else 1), o.money_unit, title_variant=ctx.title_variant + k)
        distract += [PageBreak(land_text), tables.selfeval_table(p, o, ctx_s)]
    terms: list = []
    if o.prose >= 3 and not overall:
        terms = [PageBreak(land_text), Text(parts[3], size=15, after=6)]
        terms += [
            Text(f"{i + 1}.{t}：{d}", size=12, indent=2, after=3) for i, (t, d) in enumerate(vocab.TERMS)
        ]

    body = front + overview
    if o.placement == "after_prose":  # the first target table follows the explanation on the same page (Word)
        for item in budget_items:
            body += item
        first = targets[0] if targets else None
        same_page = explain and isinstance(first, PageBreak) and first.landscape == land_text
        body += explain + (targets[1:] if same_page else targets)
    else:  # the targets after the budget tables, or among them (预算表12 between 预算11表 and 预算13表)
        at = len(budget_items) if rng.random() < 0.7 else rng.randint(0, len(budget_items))
        for item in budget_items[:at]:
            body += item
        body += targets
        for item in budget_items[at:]:
            body += item
        body += explain
    return body + distract + terms


def _overall_ctx(ctx: Ctx) -> Ctx:
    """A 部门整体 declaration document titles its one table like the document."""
    return dataclasses.replace(ctx, title_variant=1)


def _cn_year(y: int) -> str:
    digits = "〇一二三四五六七八九"
    return "".join(digits[int(c)] for c in str(y))
