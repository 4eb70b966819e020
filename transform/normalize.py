"""RawNotice → typed pandas frames of the notice, its projects and its indicators (DESIGN §4). No I/O."""

from __future__ import annotations

import re

from contracts.frames import INDICATOR_COLUMNS, PROJECT_COLUMNS, NoticeFrames, frame
from contracts.raw import RawNotice, RawProject
from contracts.text import clean, compact, strip_star
from contracts.vocabulary import canonical_level, is_level_name
from extract.layout import TABLE_TITLE
from transform.values import join_split_columns, parse_target

_CODE = re.compile(r"[\[【(（〔]\s*(\d{3,9})\s*[\]】)）〕]")
_BARE_CODE = re.compile(r"^(\d{3,9})(?=\D)")
_FORMER = re.compile(r"[（(]\s*原([^（()）]*)[）)]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEARS_SPAN = re.compile(r"^\s*([0-9一二三四五六七八九十]+)\s*年(?:度)?\s*$")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
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
            code, s = m.group(1), s[m.end() :].strip()
    former = None
    fm = _FORMER.search(s)
    if fm:
        former = fm.group(1).strip() or None
        s = (s[: fm.start()] + s[fm.end() :]).strip()
    return code, compact(s), former


def parse_period(text: str | None, budget_year: int | None) -> tuple[int | None, int | None]:
    """项目期 → (start, end). 2019-2021, 2019年-2021年, 2019.01-2021.12, 2019年, 1年/一年, 3年."""
    s = clean(text)
    years = [int(y) for y in _YEAR.findall(s)]
    if len(years) >= 2:
        return years[0], years[-1]
    if len(years) == 1:
        return years[0], years[0]
    m = _YEARS_SPAN.match(s)
    if m and budget_year is not None:
        n = m.group(1)
        count = int(n) if n.isdigit() else _CN_NUM.get(n, 1)
        return budget_year, budget_year + max(count, 1) - 1
    return None, None


def parse_money(text: str | None) -> float | None:
    """A money cell in 万元 → float; blank → None. Raises MoneyError for anything else."""
    s = compact(text).replace(",", "").removesuffix("万元")
    if s in ("", "-", "—", "/", "无"):
        return None
    if not _MONEY.match(s):
        raise MoneyError(f"money cell is not a number: {clean(text)!r}")
    return float(s)


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


def normalize(raw: RawNotice) -> NoticeFrames:
    title = notice_title(raw.cover_text)
    notice_year = _year_of(title) or (int(m.group(1)) if title and (m := _YEAR.search(title)) else None)
    projects, indicators = [], []
    for seq, rp in enumerate(raw.projects, start=1):
        project = _project_row(seq, rp, notice_year)
        projects.append(project)
        indicators.extend(_indicator_rows(seq, rp))
    budget_years = [p["budget_year"] for p in projects if p["budget_year"] is not None]
    return NoticeFrames(
        title=title,
        budget_year=notice_year or (budget_years[0] if budget_years else None),
        published_on=publish_date(raw.cover_text),
        projects=frame(projects, PROJECT_COLUMNS),
        indicators=frame(indicators, INDICATOR_COLUMNS),
    )


def _project_row(seq: int, rp: RawProject, notice_year: int | None) -> dict:
    h = rp.header
    budget_year = _year_of(rp.table_title) or notice_year
    unit_code, unit_name, _ = split_code(h.get("unit"))
    dept_code, dept_name, dept_former = split_code(h.get("department"))
    start, end = parse_period(h.get("period"), budget_year)
    if start is None:  # no 项目期 printed: a one-year project of the budget year (flagged by the gate)
        start = end = budget_year
    return {
        "project_seq": seq,
        "budget_year": budget_year,
        "project_name": compact(h.get("name")) or None,
        "unit_code": unit_code,
        "unit_name": unit_name or None,
        "department_code": dept_code,
        "department_name": dept_name or None,
        "department_former_name": dept_former,
        "period_start_year": start,
        "period_end_year": end,
        "period_text": clean(h.get("period")) or None,
        "total_funds_wan": parse_money(h.get("total")),
        "fiscal_funds_wan": parse_money(h.get("fiscal")),
        "other_funds_wan": parse_money(h.get("other")),
        "performance_goal": clean(h.get("goal")) or None,
        "annex_label": rp.label,
        "source_page": rp.page,
    }


def _join_broken_level_names(cells: list[dict[str, str]]) -> list[dict[str, str]]:
    """A merged level cell broken by a page break prints '服务对象满意度指' on one page and '标' on the next:
    join them into the first and leave the second blank (it continues the group)."""
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


def _indicator_rows(seq: int, rp: RawProject) -> list[dict]:
    rows = []
    prev_l1 = prev_l2 = ""
    cells = _level2_from_below(_join_broken_level_names([r.cells for r in rp.rows]))
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
        t = parse_target(printed)
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
                "score_text": clean(c.get("score")) or None,
                "note_text": clean(c.get("note")) or None,
                "source_page": raw_row.page,
            }
        )
    return rows
