"""What a document is, from its own words: title, budget year, publisher, region and kind. No I/O.

A notice's title ends with 公开; a budget's cover says `2026年烟台市财政局部门预算`, `XX中心2026年单位预算` or
`XX局2026年部门整体预算绩效目标申报表`, sometimes over several lines, sometimes nowhere (budgets that open
with their first table): then the department-wide target table names the department, and the tables' own
titles (`（2026年度）`) give the year. The region is the administrative area that leads the publisher's name
(北京市统计局 → 北京市), or one the document's departments name; national ministries (国家信访局) are 中央.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from contracts.text import clean, compact
from contracts.vocabulary import DocumentKind

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# A budget document's kind, by the words its title ends with (longest first).
_KINDS = [
    (re.compile(r"部门整体(?:支出|预算)?绩效目标(?:申报|公开)?表"), DocumentKind.DEPARTMENT_OVERALL),
    (re.compile(r"单位预算"), DocumentKind.UNIT_BUDGET),
    (re.compile(r"部门预算|预算公开|预算报表|预算表"), DocumentKind.DEPARTMENT_BUDGET),
    (re.compile(r"绩效目标公开|绩效目标表"), DocumentKind.NOTICE),
]
FINAL_ACCOUNTS = re.compile(r"决算")
SELF_EVALUATION_OR_ACCOUNTS = re.compile(r"自评|决算|评价")
_CONTENTS = re.compile(r"\.{4,}|…{2,}|^\s*第[一二三四五六七八九十]+部分|^\s*目\s*录")
# a section's heading inside a document (（二）绩效目标表及说明, 三、项目支出绩效目标表, 1.项目支出绩效目标表): not the
# document's title
_SECTION = re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?!\d))"
)
_TITLE_NOISE = re.compile(
    r"[(（]?汇总[)）]?|附件\d*[:：]?|^(?:预算|部门)?表\d+(?:[-－]\d+)?|^预算\d+表|[(（]?(?:公开|说明)[)）]?|二〇.*$|[一二三四五六七八九十〇]{4}年.*$|[(（]原[^)）]*[)）]?"
)
_KIND_TAIL = re.compile(
    r"(?:部门整体(?:支出|预算)?绩效目标(?:申报|公开)?表|(?:部门|单位)(?:预算|决算).*$|预算(?:公开|报表|表).*$|"
    r"项目支出.*绩效目标.*$|.*绩效目标公开.*$)"
)
# National bodies: 国家信访局, 中国地震局, 财政部, 审计署, 国务院…
_NATIONAL = re.compile(
    r"^(?:国家|中国|中华|全国|国务院)|^[\u4e00-\u9fff]{1,10}(?:部|总局|总署)$|^[\u4e00-\u9fff]{2,4}署$"
)
_PROVINCIAL = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:省|自治区|特别行政区|市))")
_COUNTY = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:自治州|地区|盟|县|自治县|旗|区))")
# A county or district after the city (西安市雁塔区体育局 → 西安市雁塔区); not a development zone, and not a
# word that only ends in 区 (城区管理局, 社区).
_DISTRICT = re.compile(r"^([\u4e00-\u9fff]{1,4}?(?:自治县|县|旗|区))(?=[\u4e00-\u9fff]{2,})")
_NOT_DISTRICT = re.compile(r"开发|高新|园区|城区|市区|社区|辖区|景区|片区|保护区|示范区|试验区")


@dataclass(frozen=True)
class DocumentFacts:
    title: str | None
    budget_year: int | None
    publisher: str | None
    region: str | None
    kind: DocumentKind | None
    final_accounts: bool = False  # a 决算: what it reports is done, not targets


def budget_title(cover_text: str) -> str | None:
    """The budget document's title from the first lines of page 1, wrapped lines joined: the lines up to
    the one that says what the document is (部门预算, 单位预算, …申报表)."""
    # a table of contents (第一部分 部门概况 ......2) names no document
    lines = [
        compact(ln)
        for ln in cover_text.splitlines()
        if compact(ln) and not _CONTENTS.search(ln) and not _SECTION.match(ln)
    ][:8]
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not _says_what(line) and _says_what(line + following[:4]):
            line, following = line + following, lines[i + 2] if i + 2 < len(lines) else ""  # 部门 | 预算
        if _says_what(line):
            start = max(0, i - 3)
            # keep the lines above that belong to the title: a year, a name (no table words)
            head = [ln for ln in lines[start:i] if not re.search(r"表|单位[:：]|目录", ln)]
            return "".join([*head, line, following if _BARE_YEAR.fullmatch(following) else ""])
    return None


def _says_what(line: str) -> bool:
    return any(p.search(line) for p, _ in _KINDS) or bool(FINAL_ACCOUNTS.search(line))


def publisher_of(title: str | None) -> str | None:
    """烟台市财政局 from 2026年烟台市财政局部门预算; None when the title names no one."""
    if not title:
        return None
    text = _TITLE_NOISE.sub("", compact(title))
    text = _YEAR.sub("", text)
    text = _BARE_YEAR.sub("", text)
    text = _KIND_TAIL.sub("", text)
    text = re.sub(r"^[\d\W_]+|(?:年度|年)?[\W_]*$", "", text)
    return text if len(text) >= 3 else None


# a body's name: Chinese, ending as a government body's or unit's name does
_NAME = re.compile(
    r"[\u4e00-\u9fff（）()]{2,40}(?:局|厅|委|委员会|部|署|院|中心|办公室|办|会|所|站|队|馆|处|室|社|校|园|场|团|府|台|库|监狱)"
)


def named_by_file(file_name: str | None) -> str | None:
    """The publisher a file's name gives (008_甘肃省生态环境厅_2025部门预算.pdf → 甘肃省生态环境厅), for a document
    that names its publisher nowhere in its pages; None for a name that is no department's (budget_0001.pdf)."""
    stem = re.sub(r"\.pdf$", "", file_name or "", flags=re.IGNORECASE)
    parts = [part for part in re.split(r"[_\s]+", stem) if part]
    names = [(_says_what(part), len(name), name) for part in parts if (name := publisher_of(part))]
    names = [n for n in names if _NAME.fullmatch(n[2])]
    return max(names)[2] if names else None  # the part that says what the document is, else the longest


def region_of(*names: str | None) -> str | None:
    """The region the first of `names` that names one leads with: 北京市统计局 → 北京市, 国家信访局 → 中央;
    a province or city before a county or district."""
    names = tuple(compact(n) for n in names if n)
    found = _region_in(names)
    return None if found in _NOT_A_REGION else found


_NOT_A_REGION = {"自治区", "特别行政区", "地区"}  # a level alone (自治区工业和信息化厅) names no area


# a level word alone where a name begins (自治区市场监督管理局, 省财政厅): the body of a region its name leaves out
_LEVEL_ONLY = re.compile(r"^(?:自治区|特别行政区|省|市|县)")


def _region_in(names: tuple[str, ...]) -> str | None:
    names = tuple(n for n in names if not _LEVEL_ONLY.match(n))
    for name in names:
        if _NATIONAL.search(name):
            return "中央"
        if m := _PROVINCIAL.match(name):
            district = _DISTRICT.match(name[m.end() :])
            if district and not _NOT_DISTRICT.search(district.group(1)):
                return m.group(1) + district.group(1)
            return m.group(1)
    for name in names:
        if m := _COUNTY.match(name):
            return m.group(1)
    return None


def document_facts(
    cover_text: str,
    titles: list[str],
    department_names: list[str],
    overall_names: list[str],
    notice_title: str | None,
    default_region: str | None = None,
    opening_text: str = "",
    file_name: str | None = None,
) -> DocumentFacts:
    """`department_names`: the 主管部门 the target tables print; `overall_names`: the departments their
    department-wide tables name (部门名称); `notice_title`: a notice's title (…公开) when it has one;
    `opening_text`: the first pages' text, for a budget with no cover title (its contents name the year, its
    部门概况 the department); `file_name`: the file's name, the last word on a publisher its pages name nowhere."""
    title = notice_title or budget_title(cover_text)
    year = _year(title) or _contents_year(opening_text) or _common_year(titles)
    kind = _kind(title, titles)
    publisher = publisher_of(title) or _named_in_overview(opening_text)
    if kind == DocumentKind.NOTICE and department_names:  # a notice's title may name a group of them
        publisher = Counter(department_names).most_common(1)[0][0]
    if publisher is None and overall_names:
        publisher = Counter(overall_names).most_common(1)[0][0]
    if publisher is None and department_names:
        publisher = Counter(department_names).most_common(1)[0][0]
    if publisher is None and titles:
        publisher = named_by_file(file_name)
    region = region_of(publisher, *Counter(department_names).keys(), *overall_names) or default_region
    return DocumentFacts(
        title=clean(title) or None,
        budget_year=year,
        publisher=publisher,
        region=region,
        kind=kind,
        final_accounts=bool(title and FINAL_ACCOUNTS.search(title)),
    )


def _year(text: str | None) -> int | None:
    m = _YEAR.search(compact(text)) or _BARE_YEAR.search(compact(text))
    return int(m.group(1)) if m else None


# 第二部分 2026年部门预算表 ……8: the year a budget's contents give its parts
_CONTENTS_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?\s*(?:部门|单位)预算")
# 部门概况: 人力资源社会保障部内设机构15个 / 纳入北京市统计局2026年部门预算编制范围的…
_OVERVIEW_NAME = (
    re.compile(r"^\s*([\u4e00-\u9fff（）()]{3,30}?)(?:机关)?内设(?:机构|处室|职能处室)"),
    re.compile(r"纳入([\u4e00-\u9fff（）()]{3,30}?)\s*(?:19|20)\d{2}\s*年度?\s*部门预算"),
)


# 2026年成都市武侯区人力资源和社会保障局收支总表: the year in the title of a budget's other tables
_TABLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?[\u4e00-\u9fff（）()]{2,40}表\s*$")


def _contents_year(text: str) -> int | None:
    """The year a budget's contents, or else the titles of its first tables, give it."""
    years = Counter(int(m.group(1)) for m in _CONTENTS_YEAR.finditer(text))
    if not years:
        years = Counter(
            int(m.group(1))
            for line in text.splitlines()
            if (m := _TABLE_YEAR.search(compact(line))) and not SELF_EVALUATION_OR_ACCOUNTS.search(line)
        )
    return years.most_common(1)[0][0] if years else None


def _named_in_overview(text: str) -> str | None:
    """The department a budget's overview names, for one with no cover title."""
    for line in text.splitlines():
        for pattern in _OVERVIEW_NAME:
            if m := pattern.search(line):
                return m.group(1)
    return None


def year_spoken_of(texts: list[str]) -> int | None:
    """The year a document's goals and targets speak of most (2025年完成…, 2025年6月底前), for a budget that
    prints its year nowhere else: no title, contents or table title says it."""
    years = Counter(int(m.group(1)) for text in texts for m in _YEAR.finditer(compact(text)))
    return years.most_common(1)[0][0] if years else None


def _common_year(titles: list[str]) -> int | None:
    years = [y for t in titles if (y := _year(t))]
    return Counter(years).most_common(1)[0][0] if years else None


def _kind(title: str | None, titles: list[str]) -> DocumentKind | None:
    text = compact(title)
    for pattern, kind in _KINDS:
        if text and pattern.search(text):
            return kind
    if titles:
        return DocumentKind.DEPARTMENT_BUDGET  # target tables without a cover title saying what they are in
    return None
