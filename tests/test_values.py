"""The target-value grammar, case by case (DESIGN §4) and as a round-trip property."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import NOTICES
from tests.truth import load_truth
from transform.values import join_split_columns, parse_target

D = dt.date


@pytest.mark.parametrize(
    ("text", "kind", "comparator", "value", "unit", "deadline"),
    [
        ("95%以上", "numeric", ">=", 95, "%", None),
        ("95%及以上", "numeric", ">=", 95, "%", None),
        ("不少于 3 期", "numeric", ">=", 3, "期", None),
        ("不低于90%", "numeric", ">=", 90, "%", None),
        ("至少5家", "numeric", ">=", 5, "家", None),
        ("达到100%", "numeric", ">=", 100, "%", None),
        ("≥95%", "numeric", ">=", 95, "%", None),
        ("＞＝95％", "numeric", ">=", 95, "%", None),
        ("150 万元以下", "numeric", "<=", 150, "万元", None),
        ("控制在150.8万元以内", "numeric", "<=", 150.8, "万元", None),
        ("不超过 1500 万元/个", "numeric", "<=", 1500, "万元/个", None),
        ("不高于5%", "numeric", "<=", 5, "%", None),
        ("≤300万元", "numeric", "<=", 300, "万元", None),
        ("超过 8 万元", "numeric", ">", 8, "万元", None),
        ("大于 15 万元", "numeric", ">", 15, "万元", None),
        ("高于3%", "numeric", ">", 3, "%", None),
        (">5 万元", "numeric", ">", 5, "万元", None),
        ("低于2%", "numeric", "<", 2, "%", None),
        ("少于3次", "numeric", "<", 3, "次", None),
        ("30000 个左右", "numeric", "~", 30000, "个", None),
        ("约2万头", "numeric", "~", 20000, "头", None),
        ("≈12个", "numeric", "~", 12, "个", None),
        ("8 家", "numeric", "=", 8, "家", None),
        ("=98%", "numeric", "=", 98, "%", None),
        ("2 万家次以上", "numeric", ">=", 20000, "家次", None),
        ("5万亩", "numeric", "=", 50000, "亩", None),
        ("3亿元", "numeric", "=", 30000, "万元", None),
        ("12元/人", "numeric", "=", 12, "元/人", None),
        ("200元/亩", "numeric", "=", 200, "元/亩", None),
        ("1,200 人次", "numeric", "=", 1200, "人次", None),
        ("服务对象满意度 95%以上", "numeric", ">=", 95, "%", None),
        ("95%以上企业满意", "numeric", ">=", 95, "%", None),
        # units of more than one word, and bracketed or per-part qualifiers, are kept whole
        ("≤10分钟", "numeric", "<=", 10, "分钟", None),
        ("≥330台（套）", "numeric", ">=", 330, "台（套）", None),
        ("≤450元/人天", "numeric", "<=", 450, "元/人天", None),
        ("2100元/人/年", "numeric", "=", 2100, "元/人/年", None),
        ("2100/人/年", "numeric", "=", 2100, "/人/年", None),
        ("8 台件及以上", "numeric", ">=", 8, "台件", None),
        ("不低于20台套", "numeric", ">=", 20, "台套", None),
        ("3000户次以上", "numeric", ">=", 3000, "户次", None),
        ("2 万户次", "numeric", "=", 20000, "户次", None),
        ("不少于120家次", "numeric", ">=", 120, "家次", None),
        ("≥1.5万人次", "numeric", ">=", 15000, "人次", None),
        ("≥12平方公里", "numeric", ">=", 12, "平方公里", None),
        ("1.2平方公里左右", "numeric", "~", 1.2, "平方公里", None),
        ("5000立方米以上", "numeric", ">=", 5000, "立方米", None),
        ("约3.5万立方米", "numeric", "~", 35000, "立方米", None),
        ("5个工作日", "numeric", "=", 5, "个工作日", None),
        ("8家企业", "numeric", "=", 8, "家", None),
        ("2019 年 6 月 30 日前", "deadline", "<=", None, None, D(2019, 6, 30)),
        ("2019年6月30日之前完成", "deadline", "<=", None, None, D(2019, 6, 30)),
        ("2019.06.30前", "deadline", "<=", None, None, D(2019, 6, 30)),
        ("2019年底前", "deadline", "<=", 2019.0, "年底前", D(2019, 12, 31)),
        ("2019年9月底前", "deadline", "<=", None, None, D(2019, 9, 30)),
        ("2020年2月底前", "deadline", "<=", None, None, D(2020, 2, 29)),
        ("明显提升", "qualitative", None, None, None, None),
        ("中长期", "qualitative", None, None, None, None),
        ("逐步发挥", "qualitative", None, None, None, None),
        ("每年 6 月 30 日前完成 100%", "text", None, None, None, None),
        ("90%-95%", "text", None, None, None, None),
        (
            "带动全区中小企业健康快速发展，打造行业“隐形冠军”，提升经济发展层次",
            "text",
            None,
            None,
            None,
            None,
        ),
        (
            "企业连续两年内主营业务收入平均增长超过 8%，研发投入高于全社会平均水平",
            "text",
            None,
            None,
            None,
            None,
        ),
        ("无", "none", None, None, None, None),
        ("", "none", None, None, None, None),
    ],
)
def test_parse_target(text, kind, comparator, value, unit, deadline):
    t = parse_target(text)
    assert (t.kind, t.comparator, t.value, t.unit, t.deadline) == (kind, comparator, value, unit, deadline)


@pytest.mark.parametrize(
    ("columns", "comparator", "value", "unit", "deadline", "kind"),
    [
        (("≥", None, "12", "万人"), ">=", 120000, "人", None, "numeric"),
        (("≤", None, "2024-10-31", "日期"), "<=", None, None, D(2024, 10, 31), "deadline"),
        (("定性", None, "明显提升", ""), None, None, None, None, "qualitative"),
        (("正向", "≥", "95", "%"), ">=", 95, "%", None, "numeric"),
        (("反向", "≤", "5", "%"), "<=", 5, "%", None, "numeric"),
        (("正向", None, "90", "%"), ">=", 90, "%", None, "numeric"),
        (("=", None, "1512.36", "万元"), "=", 1512.36, "万元", None, "numeric"),
        (("＞", None, "15", "%"), ">", 15, "%", None, "numeric"),
    ],
)
def test_split_columns(columns, comparator, value, unit, deadline, kind):
    t = parse_target(join_split_columns(*columns))
    assert (t.kind, t.comparator, t.value, t.unit, t.deadline) == (kind, comparator, value, unit, deadline)


def test_every_fixture_value_parses_as_its_truth_says():
    notices = load_truth(NOTICES / "seed_2019_607.truth.json", NOTICES / "notices.truth.json")
    for n in notices:
        for p in n["projects"]:
            for i in p["indicators"]:
                t = parse_target(i["text"])
                if i["kind"] == "numeric":
                    assert (t.value, t.unit) == (i["value"], i["unit"]), i["text"]
                    assert i["comparator"] is None or t.comparator == i["comparator"], i["text"]
                elif i["kind"] == "deadline":
                    assert str(t.deadline) == i["deadline"], i["text"]
                else:
                    assert t.value is None, i["text"]


# ---- property: render a structured target in any accepted form, parse it back
PREFIX = {
    ">=": ["≥", ">=", "不少于", "不低于", "至少"],
    "<=": ["≤", "<=", "不超过", "不高于"],
    ">": ["超过", "大于", "高于", ">"],
    "<": ["低于", "小于", "<"],
    "~": ["约", "大约", "≈"],
    "=": ["", "="],
}
POSTFIX = {">=": ["以上", "及以上"], "<=": ["以下", "以内"], "~": ["左右"]}
UNITS = ["%", "万元", "家", "人次", "个", "元/人", "万元/个", "场次", "期", "亩"]


@st.composite
def rendered_numeric(draw):
    comparator = draw(st.sampled_from(list(PREFIX)))
    value = draw(
        st.one_of(
            st.integers(0, 99999).map(float), st.decimals(0, 9999, places=2, allow_nan=False).map(float)
        )
    )
    unit = draw(st.sampled_from(UNITS))
    space = draw(st.sampled_from(["", " "]))
    number = f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")
    if comparator in POSTFIX and draw(st.booleans()):
        text = f"{number}{space}{unit}{draw(st.sampled_from(POSTFIX[comparator]))}"
    else:
        text = f"{draw(st.sampled_from(PREFIX[comparator]))}{space}{number}{space}{unit}"
    return text, comparator, float(number), unit


@given(rendered_numeric())
def test_numeric_round_trip(case):
    text, comparator, value, unit = case
    t = parse_target(text)
    assert (t.kind, t.comparator, t.value, t.unit) == ("numeric", comparator, value, unit), text


@st.composite
def rendered_deadline(draw):
    date = draw(st.dates(D(2000, 1, 1), D(2099, 12, 31)))
    form = draw(
        st.sampled_from(
            [
                "{y}年{m}月{d}日前",
                "{y} 年 {m} 月 {d} 日前",
                "{y}年{m}月{d}日之前完成",
                "{y}.{m:02d}.{d:02d}前",
                "{y}-{m:02d}-{d:02d}前",
            ]
        )
    )
    return form.format(y=date.year, m=date.month, d=date.day), date


@given(rendered_deadline())
def test_deadline_round_trip(case):
    text, date = case
    t = parse_target(text)
    assert (t.kind, t.comparator, t.deadline, t.value) == ("deadline", "<=", date, None), text


@given(st.text(max_size=60))
def test_any_text_parses_without_error(text):
    t = parse_target(text)
    assert t.kind in {"numeric", "deadline", "qualitative", "text", "none"}
    assert (t.value is None) or t.kind == "numeric"


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit", "deadline"),
    [
        ("6月底前", "deadline", 6.0, "月底前", D(2026, 6, 30)),
        ("10月底", "deadline", 10.0, "月底", D(2026, 10, 31)),
        ("12月31日前完成", "deadline", None, None, D(2026, 12, 31)),
        ("12月", "numeric", 12.0, "月", None),  # a count of months, not a date
        ("2个月内", "numeric", 2.0, "个月内", None),
    ],
)
def test_deadlines_without_a_year_fall_in_the_budget_year(text, kind, value, unit, deadline):
    t = parse_target(text, budget_year=2026)
    assert (t.kind, t.value, t.unit, t.deadline) == (kind, value, unit, deadline)
    assert parse_target(text).deadline is None  # no budget year known: no date made up


def test_a_unit_printed_in_its_own_column_is_kept_as_printed():
    """Budget documents print 20 | 万人 in two columns: 20 万人, not 200000 人 (notices keep DESIGN's ×10000)."""
    t = parse_target(join_split_columns("≥", None, "20", "万人"), 2026, unit_column="万人")
    assert (t.comparator, t.value, t.unit) == (">=", 20, "万人")
    assert parse_target(join_split_columns("≥", None, "20", "万人")).value == 200_000
