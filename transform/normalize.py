"""RawNotice → typed pandas frames of the notice, its projects and its indicators (DESIGN §4). No I/O."""

from __future__ import annotations

import re

import cn2an

from contracts.frames import INDICATOR_COLUMNS, PROJECT_COLUMNS, NoticeFrames, frame
from contracts.raw import RawNotice, RawProject
from contracts.text import clean, compact, strip_star
from contracts.vocabulary import DocumentKind, Scope, canonical_level, is_level_name, split_levels
from extract.layout import TABLE_TITLE
from transform.document import document_facts, year_spoken_of
from transform.values import join_split_columns, parse_target

_CODE = re.compile(r"[\[【(（〔]\s*(\d{3,9})\s*[\]】)）〕]")
_BARE_CODE = re.compile(r"^(\d{3,9})(?=\D)")
_PROJECT_CODE = re.compile(r"^([0-9A-Z]{8,32})\s*[-－—–_]\s*(?=\S)")
# digits where a code is printed (leading, trailing, bracketed); not those inside a name (鞍山市12315投诉举报中心)
_CODE_DIGITS = re.compile(r"^\d{3,9}|\d{3,9}$|[\[【(（〔]\s*\d{3,9}")
_FORMER = re.compile(r"[（(]\s*原([^（()）]*)[）)]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# a duration: 3年, 三年, 两年, 十二年, 3个年度, 三年期, 为期三年 (a figure of one or two digits, never a year)
_DURATION = re.compile(r"(?<![\d.])(\d{1,2}|[零〇一二两三四五六七八九十百]+)\s*个?\s*年(?:度)?(?:期)?")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONEY = re.compile(r"^-?\d+(?:\.\d+)?$")


class MoneyError(ValueError):
    """A money cell that is not a number."""


def split_code(text: str | None) -> tuple[str | None, str, str | None]:
    """'[607]自治区工业和信息化厅（原非公局）' → ('607', '自治区工业和信息化厅', '非公局')."""
    s = clean(text)
    code = None
    m = _CODE.search(s)
    if m:
        code = m.group(1)
        s = (s[: m.start()] + s[m.end() :]).strip()
    else:
        m = _BARE_CODE.match(s)
        if m:
            code, s = m.group(1), s[m.end() :].strip().lstrip("-_－—–").strip()
    former = None
    fm = _FORMER.search(s)
    if fm:
        former = fm.group(1).strip() or None
        s = (s[: fm.start()] + s[fm.end() :]).strip()
    return code, compact(s), former


def parse_period(text: str | None, budget_year: int | None) -> tuple[int | None, int | None]:
    """项目期 → (start, end). Two years are the span (2019-2021, 2019年至2021年, 2019.01-2021.12); one year
    alone is that year (2019年); a duration (1年/一年, 3年, 两年, 十二年) runs from the budget year, or from the
    one year printed beside it (2019年起三年)."""
    s = compact(text)
    years = [int(y) for y in _YEAR.findall(s)]
    if len(years) >= 2:
        return years[0], years[-1]
    n = _duration(_YEAR.sub(" ", s))
    start = years[0] if years else budget_year
    if start is None:
        return None, None
    if n is None:
        return (start, start) if years else (None, None)
    return start, start + n - 1


def _duration(text: str) -> int | None:
    """The number of years a period text gives as a duration (三年 → 3), None without one."""
    m = _DURATION.search(text)
    if not m:
        return None
    try:
        n = int(cn2an.cn2an(m.group(1), "smart"))
    except (ValueError, KeyError):  # not a numeral cn2an reads (百, 十百)
        return None
    return n if n >= 1 else None


def parse_money(text: str | None, unit: str | None = None) -> float | None:
    """A money cell → float in 万元 (`unit` 元: the table prints yuan; a unit in the cell itself, 12.5万元 or
    125000元, says what it is); blank → None. Raises MoneyError for anything else."""
    s = compact(text).replace(",", "")
    for printed in ("万元", "元"):
        if s.endswith(printed):
            s, unit = s.removesuffix(printed), printed
            break
    if s in ("", "-", "—", "－", "/", "无"):
        return None
    if not _MONEY.match(s):
        raise MoneyError(f"money cell is not a number: {clean(text)!r}")
    return round(float(s) / 10_000, 6) if unit == "元" else float(s)


def split_project_code(name: str | None) -> tuple[str | None, str]:
    """'11000024T000002830551-统计监测分析…' → ('11000024T000002830551', '统计监测分析…')."""
    s = compact(name)
    m = _PROJECT_CODE.match(s)
    if m and re.search(r"\d{6}", m.group(1)):
        return m.group(1), s[m.end() :]
    return None, s


def notice_title(cover_text: str) -> str | None:
    """The notice's title: the opening lines of page 1 up to the one ending in 公开."""
    lines = [ln.strip() for ln in cover_text.splitlines() if ln.strip()]
    for i in range(min(4, len(lines))):
        if re.match(r"^附\s*[件加]", lines[0]):
            return None
        candidate = clean("\n".join(lines[: i + 1]))
        if candidate.endswith("公开") or "绩效目标公开" in candidate:
            return candidate
    return None


def publish_date(cover_text: str) -> str | None:
    """The signature date of the cover letter (the last full date line before the first attachment)."""
    found = None
    for line in cover_text.splitlines():
        if re.match(r"^\s*附\s*[件加]\s*\d", line):
            break
        m = _DATE.fullmatch(line.strip())
        if m:
            found = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return found


def _year_of(text: str | None) -> int | None:
    if not text:
        return None
    m = TABLE_TITLE.search(compact(text))
    return int(m.group(1)) if m else None


def normalize(
    raw: RawNotice, default_region: str | None = None, file_name: str | None = None
) -> NoticeFrames:
    """The document's facts, and its projects and indicators as frames. `default_region`: the region of a
    source whose documents do not name theirs; `file_name`: the file's name, for a publisher its pages do not
    name."""
    title = notice_title(raw.cover_text)
    heads = [_header_parts(rp) for rp in raw.projects]
    facts = document_facts(
        raw.cover_text,
        raw.titles,
        department_names=[d for h in heads if (d := h["department"][1])],
        overall_names=[h["overall"] for h in heads if h["overall"]],
        notice_title=title,
        default_region=default_region,
        opening_text=raw.opening_text,
        file_name=file_name,
    )
    year = facts.budget_year or _year_of(title) or year_spoken_of(_target_texts(raw))
    projects, indicators = [], []
    if not facts.final_accounts:  # a 决算 reports what was done: nothing of it is a target
        for seq, (rp, head) in enumerate(zip(raw.projects, heads, strict=True), start=1):
            projects.append(_project_row(seq, rp, head, year, facts.publisher))
            as_printed = facts.kind not in (None, DocumentKind.NOTICE)
            indicators.extend(_indicator_rows(seq, rp, projects[-1]["budget_year"], as_printed))
    budget_years = [p["budget_year"] for p in projects if p["budget_year"] is not None]
    return NoticeFrames(
        title=facts.title,
        budget_year=year or (budget_years[0] if budget_years else None),
        published_on=publish_date(raw.cover_text),
        projects=frame(projects, PROJECT_COLUMNS),
        indicators=frame(indicators, INDICATOR_COLUMNS),
        region=facts.region,
        publisher=facts.publisher,
        document_kind=facts.kind,
    )


def _target_texts(raw: RawNotice) -> list[str]:
    """The goals and target values the document's tables print."""
    texts = [rp.header.get(k) or "" for rp in raw.projects for k in ("goal", "goal_period")]
    return texts + [row.cells.get("value") or "" for rp in raw.projects for row in rp.rows]


def _header_parts(rp: RawProject) -> dict:
    """The codes and names a project's header prints, split: unit, department, and for a department-wide
    table the department it covers."""
    h = rp.header
    overall = compact(h.get("department_name")) or None
    return {
        "unit": split_code(h.get("unit")),
        "department": split_code(h.get("department")) if h.get("department") else (None, overall or "", None),
        "overall": overall,
    }


def _project_row(seq: int, rp: RawProject, head: dict, doc_year: int | None, publisher: str | None) -> dict:
    h = rp.header
    budget_year = _year_of(rp.table_title) or doc_year
    unit_code, unit_name, _ = head["unit"]
    if unit_code is None and re.fullmatch(r"\d{3,12}", compact(h.get("unit_code"))):
        unit_code = compact(h.get("unit_code"))  # printed in a column of its own (单位编码)
    dept_code, dept_name, dept_former = head["department"]
    dept_name = dept_name or publisher
    code, name = split_project_code(h.get("name"))
    scope = (
        Scope.DEPARTMENT if rp.scope == Scope.DEPARTMENT or (head["overall"] and not name) else Scope.PROJECT
    )
    if scope == Scope.DEPARTMENT and not name:
        name = head["overall"] or dept_name or ""
    start, end = parse_period(h.get("period"), budget_year)
    if start is None:  # no 项目期 printed: a one-year project of the budget year (flagged by the gate)
        start = end = budget_year
    money = rp.money_unit
    fiscal = parse_money(h.get("fiscal"), money)
    if fiscal is None:  # printed by level of government only (中央财政资金 | 市级财政资金)
        parts = [parse_money(h.get(k), money) for k in ("fiscal_central", "fiscal_local")]
        fiscal = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
    total = parse_money(h.get("total"), money)
    if total is None:
        total = parse_money(h.get("total_period"), money)
    return {
        "project_seq": seq,
        "budget_year": budget_year,
        "project_name": name or None,
        "project_code": code,
        "scope": str(scope),
        "unit_code": unit_code,
        "unit_name": unit_name or None,
        "unit_code_missed": _missed_code(h.get("unit"), unit_code),
        "department_code": dept_code,
        "department_name": dept_name or None,
        "department_former_name": dept_former,
        "department_code_missed": _missed_code(h.get("department"), dept_code),
        "period_start_year": start,
        "period_end_year": end,
        "period_text": clean(h.get("period")) or None,
        "total_funds_wan": total,
        "fiscal_funds_wan": fiscal,
        "other_funds_wan": parse_money(h.get("other"), money),
        "carryover_funds_wan": parse_money(h.get("carryover"), money),
        "performance_goal": clean(h.get("goal") or h.get("goal_period")) or None,
        "annex_label": rp.label,
        "source_page": rp.page,
    }


def _missed_code(printed: str | None, code: str | None) -> str | None:
    """A run of digits printed where a code goes in a unit or department cell that no code was read from: the
    printed text (the gate fails on it), else None."""
    if code is not None or not printed:
        return None
    return clean(printed) if _CODE_DIGITS.search(compact(printed)) else None


def _join_broken_level_names(cells: list[dict[str, str]]) -> list[dict[str, str]]:
    """A merged level cell broken by a page break prints '服务对象满意度指' on one page and '标' on the next:
    join them into the first and leave the second blank (it continues the group). Where the first page
    has the whole name (its text drawn past the page's foot), the second's tail of it is left blank too."""
    cells = [dict(c) for c in cells]
    for role, level in (("level1", 1), ("level2", 2)):
        filled = [i for i, c in enumerate(cells) if compact(c.get(role))]
        for i, j in zip(filled, filled[1:], strict=False):
            head, tail = compact(cells[i][role]), compact(cells[j][role])
            if (
                not is_level_name(head, level)
                and not is_level_name(tail, level)
                and is_level_name(head + tail, level)
            ):
                cells[i][role], cells[j][role] = head + tail, ""
            elif j == i + 1 and head.endswith(tail) and head != tail and not is_level_name(tail, level):
                cells[j][role] = ""
    return cells


def _level2_from_below(cells: list[dict[str, str]]) -> list[dict[str, str]]:
    """A 一级指标 group whose first row has no 二级指标 takes the first one printed below it in the group: a
    merged 二级指标 cell cut by a page break may print its text on the next page only."""
    cells = [dict(c) for c in cells]
    prev_l1 = ""
    for i, c in enumerate(cells):
        l1 = strip_star(compact(c.get("level1")))[0]
        if l1 and l1 != prev_l1 and not compact(c.get("level2")):
            for below in cells[i + 1 :]:
                if strip_star(compact(below.get("level1")))[0] not in ("", l1):
                    break
                if compact(below.get("level2")):
                    c["level2"] = below["level2"]
                    break
        prev_l1 = l1 or prev_l1
    return cells


def _split_level_cells(cells: list[dict[str, str]]) -> list[dict[str, str]]:
    """A 绩效指标 cell holding all three levels run together becomes the three level cells."""
    out = []
    for c in cells:
        if "levels" in c and not c.get("level3"):
            c = dict(c)
            c["level1"], c["level2"], c["level3"] = split_levels(c.pop("levels"))
        out.append(c)
    return out


def _levels_from_first_printed(cells: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows at the top of a grid with a blank level take the first level printed below them: a merged cell
    whose first rows the reader saw as blank cells of their own."""
    cells = [dict(c) for c in cells]
    for role in ("level1", "level2"):
        first = next((i for i, c in enumerate(cells) if compact(c.get(role))), None)
        if first:
            for c in cells[:first]:
                c[role] = cells[first][role]
    return cells


def _weight(text: str | None) -> float | None:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:分|%)?", compact(text))
    return float(m.group(1)) if m else None


def _indicator_rows(seq: int, rp: RawProject, budget_year: int | None, units_as_printed: bool) -> list[dict]:
    """The project's indicator rows. With `units_as_printed` (budget documents), a figure keeps the unit
    printed after it or in its own column (20 万人, 10 亿元); notices read 万 as ×10000 (DESIGN §4)."""
    rows = []
    prev_l1 = prev_l2 = ""
    cells = _split_level_cells([r.cells for r in rp.rows])
    cells = _level2_from_below(_join_broken_level_names(_levels_from_first_printed(cells)))
    for n, (raw_row, c) in enumerate(zip(rp.rows, cells, strict=True), start=1):
        l1_text, l2_text = compact(c.get("level1")), compact(c.get("level2"))
        # merged or blank-below level cells continue the group above
        if not l1_text:
            l1_text = prev_l1
            l2_text = l2_text or prev_l2
        elif not l2_text and strip_star(l1_text)[0] == strip_star(prev_l1)[0]:
            l2_text = prev_l2
        prev_l1, prev_l2 = l1_text, l2_text
        level1, known1, core1 = canonical_level(l1_text, 1)
        level2, known2, core2 = canonical_level(l2_text, 2)
        level3, core3 = strip_star(clean(c.get("level3")))
        if {"nature", "direction", "unit"} & c.keys():
            printed = join_split_columns(c.get("nature"), c.get("direction"), c.get("value"), c.get("unit"))
        else:
            printed = c.get("value")
        t = parse_target(
            printed,
            budget_year,
            unit_column=c.get("unit") if units_as_printed else None,
            as_printed=units_as_printed,
        )
        rows.append(
            {
                "project_seq": seq,
                "row_seq": n,
                "level1": level1,
                "level2": level2,
                "level3": level3,
                "level1_known": known1,
                "level2_known": known2,
                "is_core": core1 or core2 or core3,
                "target_text": t.text or None,
                "comparator": t.comparator,
                "target_value": t.value,
                "target_unit": t.unit,
                "target_deadline": t.deadline,
                "value_kind": t.kind,
                "indicator_nature": clean(c.get("nature") or c.get("direction")) or None,
                "weight": _weight(c.get("score")),
                "period_target_text": clean(c.get("period_value")) or None,
                "score_text": clean(c.get("score")) or None,
                "note_text": clean(c.get("note")) or None,
                "source_page": raw_row.page,
            }
        )
    return rows
