"""The target-value grammar (DESIGN §4, "Target values").

`parse_target` turns the printed value of one indicator (a single 指标值 cell, or split columns joined by
`join_split_columns`) into a comparator, a number, a unit, a deadline and a value kind.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from contracts.text import clean

NONE_WORDS = {"", "无", "/", "-", "—", "－", "——", "n/a", "N/A", "不适用"}

# Comparator words, longest first so that 及以上 wins over 以上.
PREFIX_COMPARATORS: list[tuple[str, str]] = [
    (">=", ">="),
    ("<=", "<="),
    ("≥", ">="),
    ("≤", "<="),
    ("≧", ">="),
    ("≦", "<="),
    ("不少于", ">="),
    ("不低于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("达到", ">="),
    ("大于等于", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不大于", "<="),
    ("小于等于", "<="),
    ("控制在", "<="),
    ("超过", ">"),
    ("大于", ">"),
    ("高于", ">"),
    ("低于", "<"),
    ("小于", "<"),
    ("少于", "<"),
    ("大约", "~"),
    ("约", "~"),
    ("≈", "~"),
    ("~", "~"),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
]
POSTFIX_COMPARATORS: list[tuple[str, str]] = [
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
    ("左右", "~"),
]
DIRECTION_WORDS = {"正向": ">=", "反向": "<="}
SYMBOLS = {"≥": ">=", "≤": "<=", ">=": ">=", "<=": "<=", "=": "=", ">": ">", "<": "<", "≈": "~", "~": "~"}

# Units that must be kept whole when a longer run of characters follows the number; a per-part
# (元/人, 万元/个) is read after them.
KNOWN_UNITS = sorted(
    [
        "%",
        "‰",
        "万元",
        "亿元",
        "元",
        "人次",
        "人天",
        "人日",
        "人月",
        "台套",
        "台件",
        "台次",
        "分钟",
        "秒",
        "个工作日",
        "工作日",
        "个月",
        "家次",
        "户次",
        "场次",
        "批次",
        "车次",
        "架次",
        "个",
        "家",
        "人",
        "户",
        "次",
        "场",
        "期",
        "条",
        "头",
        "只",
        "份",
        "件",
        "项",
        "套",
        "台",
        "辆",
        "所",
        "座",
        "处",
        "间",
        "篇",
        "本",
        "册",
        "部",
        "种",
        "类",
        "批",
        "名",
        "位",
        "张",
        "座",
        "棵",
        "株",
        "亩",
        "公顷",
        "平方米",
        "平方公里",
        "立方米",
        "公里",
        "千米",
        "米",
        "吨",
        "千克",
        "公斤",
        "小时",
        "天",
        "日",
        "周",
        "月",
        "年",
        "课时",
        "学时",
        "学分",
        "分",
        "所",
    ],
    key=len,
    reverse=True,
)
MONEY_UNITS = ("万元", "元")

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SENTENCE_PUNCT = re.compile(r"[，。；;！？、]")
_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), "ymd"),
    (re.compile(r"(\d{4})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末|份)?"), "ym"),
    (re.compile(r"(\d{4})\s*[.\-/]\s*(\d{1,2})(?![\d.])"), "ym"),
    (re.compile(r"(\d{4})\s*年\s*(?:底|末|内|年底|年末)"), "y"),
]
# Dates without a year (6月30日前, 6月底前), in the budget year; never a count of months (2个月内).
_YEARLESS_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![\d.年个])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), "md"),
    (re.compile(r"(?<![\d.年个])(\d{1,2})\s*月\s*(?:(?:底|末)|份?(?=前|之前|以前|完成|止))"), "m"),
]
_DEADLINE_TAIL = re.compile(r"^(?:之前|以前|前|为止|止|截止)?(?:完成|完工|结束|实施完毕|全部完成|办结)?$")
_DEADLINE_HEAD = re.compile(r"^(?:于|在|截至|截止|截止到|截止于)?$")

QUALITATIVE_MAX_CHARS = 8
LABEL_MAX_CHARS = 10


@dataclass(frozen=True)
class Target:
    """One parsed target value; `kind` is numeric, deadline, qualitative, text or none."""

    text: str
    kind: str
    comparator: str | None = None
    value: float | None = None
    unit: str | None = None
    deadline: dt.date | None = None


def join_split_columns(nature: str | None, direction: str | None, value: str | None, unit: str | None) -> str:
    """Join 指标性质 / 指标方向 / 指标值 / 度量单位 into one printed value, e.g. ('≥', '95', '%') → '≥95%'."""
    nature, direction, value, unit = (clean(x) for x in (nature, direction, value, unit))
    symbol = ""
    for word in (direction, nature):
        if word in SYMBOLS:
            symbol = word
            break
    if not symbol:
        for word in (direction, nature):
            if word in DIRECTION_WORDS and _NUMBER.search(value):
                symbol = "≥" if DIRECTION_WORDS[word] == ">=" else "≤"
                break
    if unit in {"日期", "时间", "年月日"} or (unit in {"日", "天"} and _find_date(value)):
        unit = ""
    if symbol and (_find_date(value) or not _NUMBER.search(value)):
        # a date or a phrase: the symbol adds nothing the value does not say ("≤ 2024-10-31" is a deadline)
        symbol = "" if not _find_date(value) else symbol
    if unit and value.endswith(unit):
        unit = ""
    return f"{symbol}{value}{unit}"


def parse_target(
    raw: str | None, budget_year: int | None = None, unit_column: str | None = None, as_printed: bool = False
) -> Target:
    """Parse one printed target value (already joined when the grid splits it over columns).

    `budget_year` dates deadlines printed without a year (6月底前). With `as_printed` (budget documents) a
    figure keeps the unit printed after it (20万人 is 20 万人, 10亿元 is 10 亿元); otherwise 万/亿 before a
    count unit multiply and 亿元 becomes 万元 (DESIGN §4, notices); `unit_column` is the grid's own 度量单位
    cell, read as printed."""
    text = clean(raw)
    if text in NONE_WORDS:
        return Target(text=text, kind="none")
    deadline = _parse_deadline(text, budget_year)
    if deadline is not None:
        value, unit = _lone_figure(text)
        return Target(text=text, kind="deadline", comparator="<=", value=value, unit=unit, deadline=deadline)
    numeric = _parse_numeric(text, clean(unit_column) or None, as_printed)
    if numeric is not None:
        return numeric
    if not _NUMBER.search(text) and len(text) <= QUALITATIVE_MAX_CHARS and not _SENTENCE_PUNCT.search(text):
        return Target(text=text, kind="qualitative")
    return Target(text=text, kind="text")


_LONE_FIGURE = re.compile(r"^(?:[<>≤≥=≈~]|<=|>=)?(\d+(?:\.\d+)?)([^\d.]{1,4})$")


def _lone_figure(text: str) -> tuple[float | None, str | None]:
    """A deadline printed as one figure and a few words (2026年底前, 6月底前): the figure and the words, kept
    as target_value and target_unit beside the date. None for fuller dates (2026年6月30日前)."""
    m = _LONE_FIGURE.match(text)
    return (float(m.group(1)), m.group(2)) if m else (None, None)


def _find_date(text: str, budget_year: int | None = None) -> tuple[re.Match[str], dt.date] | None:
    patterns = list(_DATE_PATTERNS) + (list(_YEARLESS_PATTERNS) if budget_year else [])
    for pattern, form in patterns:
        m = pattern.search(text)
        if not m:
            continue
        if form in ("md", "m"):
            year, month = budget_year, int(m.group(1))
        else:
            year, month = int(m.group(1)), int(m.group(2)) if form != "y" else 12
        if not (1900 <= year <= 2200 and 1 <= month <= 12):
            continue
        last = calendar.monthrange(year, month)[1]
        day = int(m.group(3)) if form == "ymd" else int(m.group(2)) if form == "md" else last
        if not 1 <= day <= last:
            continue
        return m, dt.date(year, month, day)
    return None


def _parse_deadline(text: str, budget_year: int | None = None) -> dt.date | None:
    found = _find_date(text, budget_year)
    if found is None:
        return None
    m, date = found
    head, tail = text[: m.start()].strip(), text[m.end() :].strip()
    for symbol in ("≤", "<=", "<"):
        head = head.removesuffix(symbol).strip()
    tail = tail.removeprefix("日").strip() if m.group(0).endswith("月") else tail
    tail = tail.removeprefix("底").removeprefix("末").strip()
    if _NUMBER.search(head + tail):
        return None  # another figure besides the date: prose, not a deadline
    if _DEADLINE_TAIL.match(tail) and (_DEADLINE_HEAD.match(head) or len(head) <= LABEL_MAX_CHARS):
        return date
    return None


def _parse_numeric(text: str, unit_column: str | None = None, as_printed: bool = False) -> Target | None:
    """One figure with an optional comparator, unit and short label; None when the text is not that."""
    body = _THOUSANDS.sub("", text)
    numbers = list(_NUMBER.finditer(body))
    if len(numbers) != 1:
        return None
    m = numbers[0]
    head, rest = body[: m.start()].rstrip(), body[m.end() :].lstrip()
    value = float(m.group(0))

    comparator = None
    for word, op in PREFIX_COMPARATORS:
        if head.endswith(word):
            comparator, head = op, head[: -len(word)].rstrip()
            break

    if unit_column and rest.startswith(unit_column):
        unit, rest = unit_column, rest[len(unit_column) :].lstrip()  # as printed in its own column
    else:
        unit, rest = _take_unit(rest)
        if not as_printed:
            unit, value = _apply_multiplier(unit, value)

    for word, op in POSTFIX_COMPARATORS:
        if rest.startswith(word):
            # 控制在 … 以内: the postfix states the direction the prefix only implied
            comparator = op if comparator in (None, "=", "<=") or op != "~" else comparator
            rest = rest[len(word) :].lstrip()
            break

    label = head + rest
    if len(label) > LABEL_MAX_CHARS or _SENTENCE_PUNCT.search(label):
        return None
    return Target(text=text, kind="numeric", comparator=comparator or "=", value=value, unit=unit or None)


_UNIT_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z%‰℃°]+")
_UNIT_NOTE = re.compile(r"^[(（][\u4e00-\u9fffA-Za-z]{1,3}[)）]")


def _take_unit(rest: str) -> tuple[str, str]:
    """Split the unit off the text that follows a number: '万条以上' → ('万条', '以上'), '分钟' → '分钟',
    '台（套）' → '台（套）', '元/人天' → '元/人天', '/人/年' → '/人/年'."""
    mult = rest[0] if rest[:1] in ("万", "亿") and not rest.startswith(("万元", "亿元")) else ""
    tail = rest[len(mult) :]
    unit = _unit_word(tail)
    while tail[len(unit) :].startswith("/"):  # 元/人/年, and /人/年 that leaves the money unit unsaid
        per = _unit_word(tail[len(unit) + 1 :])[:4]
        if not per:
            break
        unit += "/" + per
    return mult + unit, tail[len(unit) :].lstrip()


def _unit_word(text: str) -> str:
    """The unit a text starts with: a known unit, lengthened by one more character or a bracketed
    qualifier that runs on from it (分钟, 台（套）); else a short run of letters, up to a comparator word."""
    run = _UNIT_RUN.match(text)
    word = _before_comparator_word(run.group(0)) if run else ""
    known = next((u for u in KNOWN_UNITS if text.startswith(u)), None)
    unit = word[:3] if known is None else (word if len(word) - len(known) == 1 else known)
    note = _UNIT_NOTE.match(text[len(unit) :])
    return unit + note.group(0) if unit and note else unit


def _before_comparator_word(text: str) -> str:
    cut = min((i for w, _ in POSTFIX_COMPARATORS if (i := text.find(w)) >= 0), default=len(text))
    return text[:cut]


def _apply_multiplier(unit: str, value: float) -> tuple[str, float]:
    """万/亿 before a count unit multiply; 万元 stays a unit; 亿元 becomes 万元 (×10000)."""
    if unit.startswith("亿元"):
        return "万元" + unit[2:], value * 10_000
    if unit.startswith("万元") or unit[:1] not in ("万", "亿"):
        return unit, value
    factor = 10_000 if unit[0] == "万" else 100_000_000
    return unit[1:], _round(value * factor)


def _round(x: float) -> float:
    return round(x, 6)
