"""Text cleaning, codes, periods, money and level names (DESIGN §4)."""

from __future__ import annotations

import pytest

from contracts.text import clean
from contracts.vocabulary import canonical_level, fits_under
from transform.document import (
    budget_title,
    document_facts,
    named_by_file,
    publisher_of,
    region_of,
    year_spoken_of,
)
from transform.normalize import (
    MoneyError,
    _missed_code,
    notice_title,
    parse_money,
    parse_period,
    publish_date,
    split_code,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("形成 中小企业 经 济发展 新动能\n， 力推", "形成中小企业经济发展新动能，力推"),
        ("认定企业\n数量", "认定企业数量"),
        ("培育链,着力", "培育链，着力"),
        ("ABC\ndef", "ABC def"),
        ("１２３４５", "12345"),
        ("（原非公\n局）", "（原非公局）"),
        (None, ""),
    ],
)
def test_clean(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "name", "former"),
    [
        ("[607]自治区\n工业和信息化\n厅（原非公\n局）", "607", "自治区工业和信息化厅", "非公局"),
        (
            "【607002】自治区工业和信息化厅（原自治区非公有\n制经济服务局）",
            "607002",
            "自治区工业和信息化厅",
            "自治区非公有制经济服务局",
        ),
        ("（640）自治区文化和旅游厅", "640", "自治区文化和旅游厅", None),
        ("自治区博物馆【640007】", "640007", "自治区博物馆", None),
        ("(619001) 自治区人力资源和社会保障厅机关", "619001", "自治区人力资源和社会保障厅机关", None),
        ("自治区博物馆", None, "自治区博物馆", None),
    ],
)
def test_split_code(raw, code, name, former):
    assert split_code(raw) == (code, name, former)


@pytest.mark.parametrize(
    ("raw", "year", "expected"),
    [
        ("2019-2021", 2019, (2019, 2021)),
        ("2019年-2021年", 2019, (2019, 2021)),
        ("2019.01-2021.12", 2019, (2019, 2021)),
        ("2024年", 2024, (2024, 2024)),
        ("1年", 2018, (2018, 2018)),
        ("一年", 2018, (2018, 2018)),
        ("3年", 2020, (2020, 2022)),
        # a duration from the budget year on, in Chinese numerals as well as digits
        ("三年", 2020, (2020, 2022)),
        ("两年", 2019, (2019, 2020)),
        ("二年", 2019, (2019, 2020)),
        ("十年", 2019, (2019, 2028)),
        ("十二年", 2019, (2019, 2030)),
        ("12年", 2019, (2019, 2030)),
        ("三 年", 2020, (2020, 2022)),
        ("3个年度", 2020, (2020, 2022)),
        ("三年期", 2020, (2020, 2022)),
        ("为期三年", 2020, (2020, 2022)),
        ("三年", None, (None, None)),
        # spans between two years, however joined
        ("2019年至2021年", 2019, (2019, 2021)),
        ("2019—2021年", 2019, (2019, 2021)),
        ("2019～2021", 2019, (2019, 2021)),
        ("2019年1月1日-2021年12月31日", 2019, (2019, 2021)),
        # a duration from a printed first year
        ("2019年起三年", 2020, (2019, 2021)),
        ("三年（2019-2021）", 2020, (2019, 2021)),
        ("长期", 2020, (None, None)),
        ("", 2020, (None, None)),
    ],
)
def test_parse_period(raw, year, expected):
    assert parse_period(raw, year) == expected


def test_parse_money():
    assert parse_money("6030") == 6030.0
    assert parse_money(" 1,512.36 ") == 1512.36
    assert parse_money("") is None
    assert parse_money(None) is None
    assert parse_money("1,512,360.00", unit="元") == 151.236
    # a unit printed in the cell says what the figure is, whatever the table's unit
    assert parse_money("7,265,491.75元", unit="万元") == 726.549175
    assert parse_money("726.55万元", unit="元") == 726.55
    with pytest.raises(MoneyError):
        parse_money("六千")


@pytest.mark.parametrize(
    ("raw", "level", "expected"),
    [
        ("预期产出指标", 1, ("产出指标", True, False)),
        ("效果指标", 1, ("效益指标", True, False)),
        ("服务对象满意度", 1, ("满意度指标", True, False)),
        ("满意度指\n标", 1, ("满意度指标", True, False)),
        ("服务对象满意度", 2, ("服务对象满意度指标", True, False)),
        ("环境效益指标", 2, ("生态效益指标", True, False)),
        ("其它", 2, ("其他", True, False)),
        ("★数量指标", 2, ("数量指标", True, True)),
        ("创新指标", 2, ("创新指标", False, False)),
        ("服务对象满意度指", 2, ("服务对象满意度指标", True, False)),  # cut short by a page break
        ("服务对象满意", 2, ("服务对象满意度指标", True, False)),  # its second line clipped by the cell
        ("可持续影响", 2, ("可持续影响指标", True, False)),
        ("效益", 2, ("效益", False, False)),  # too short to complete
    ],
)
def test_canonical_level(raw, level, expected):
    assert canonical_level(raw, level) == expected


@pytest.mark.parametrize(
    ("level2", "level1", "fits"),
    [
        ("社会效益指标", "效果指标", True),  # aliases count
        ("社会效益指标", "成本指标", False),
        ("服务对象满意度", "服务对象满意度", True),
        ("成本指标", "产出指标", True),  # a 二级指标 of 产出指标 before it became a 一级指标
        ("成本指标", "成本指标", True),
        ("数量指标", "满意度指标", False),
        ("其他", "满意度指标", True),
        ("创新指标", "产出指标", True),  # unknown names: no evidence either way
        ("", "效益指标", True),
    ],
)
def test_level2_fits_under_level1(level2, level1, fits):
    assert fits_under(level2, level1) is fits


def test_cover_title_and_date():
    cover = "2019 年自治区工业和信息化厅\n（原自治区非公有制经济服务局）项目支出\n预算绩效目标公开\n正文\n自治区工业和信息化厅\n2019 年 3 月 6 日"
    assert (
        notice_title(cover)
        == "2019年自治区工业和信息化厅（原自治区非公有制经济服务局）项目支出预算绩效目标公开"
    )
    assert publish_date(cover) == "2019-03-06"
    assert notice_title("附件 1\n自治区本级部门 2024 年项目支出预算绩效目标表") is None


def test_a_budget_that_opens_with_its_tables_takes_their_year():
    opening = (
        "2026年成都市武侯区人力资源和社会保障局收支总表\n单位：万元\n第 1 页\n2025年度项目支出绩效自评表"
    )
    facts = document_facts(
        opening,
        ["预算表3项目支出绩效目标表"],
        ["成都市武侯区人力资源和社会保障局"],
        [],
        None,
        opening_text=opening,
    )
    assert (facts.budget_year, facts.region) == (2026, "成都市武侯区")


def test_a_budget_that_prints_its_year_nowhere_takes_the_year_its_targets_speak_of():
    texts = ["2025年完成抽检3000批次以上", "2025年6月底前", "较2024年提升", "2025年底前完成"]
    assert year_spoken_of(texts) == 2025
    assert year_spoken_of(["持续提升", ""]) is None


def test_a_budget_without_a_cover_title_is_named_by_its_contents_and_overview():
    opening = (
        "目 录\n第一部分 部门概况 .......... 2\n第二部分 2026年部门预算表 .......... 8\n"
        "第一部分 部门概况 一、主要职责\n二、机构设置\n辽宁省住房和城乡建设厅内设机构12个，下属预算单位5个。"
    )
    # the self-evaluation appended reports on 2025: its year is not the budget's
    facts = document_facts(
        "目 录\n第一部分 部门概况 .......... 2",
        ["预算表1 项目支出绩效目标表"],
        [],
        [],
        None,
        opening_text=opening,
    )
    assert (facts.budget_year, facts.publisher, facts.region) == (2026, "辽宁省住房和城乡建设厅", "辽宁省")


@pytest.mark.parametrize(
    ("cover", "titles", "departments", "overall", "notice_title", "expected"),
    [
        # a cover title over several lines
        ("2026年\n烟台市财政局\n部门预算\n", [], [], [], None,
         ("2026年烟台市财政局部门预算", 2026, "烟台市财政局", "烟台市", "department_budget", False)),
        # the words that say what the document is wrapped over two lines
        ("唐山市人力资源和社会保障局2025年度部门\n预算\n二〇二五年一月", [], [], [], None,
         ("唐山市人力资源和社会保障局2025年度部门预算", 2025, "唐山市人力资源和社会保障局", "唐山市",
          "department_budget", False)),
        # a district after its city
        ("北京市海淀区教育委员会2026年部门预算", [], [], [], None,
         ("北京市海淀区教育委员会2026年部门预算", 2026, "北京市海淀区教育委员会", "北京市海淀区", "department_budget", False)),
        # national bodies
        ("财政部\n2026年部门预算", [], [], [], None,
         ("财政部2026年部门预算", 2026, "财政部", "中央", "department_budget", False)),
        ("2026 年度\n审计署\n部门预算", [], [], [], None,
         ("2026年度审计署部门预算", 2026, "审计署", "中央", "department_budget", False)),
        # a table of contents before the title; a department-wide declaration
        ("目  录\n第一部分 部门概况......2\n广州市生态环境局2026年部门整体预算绩效目标申报表", [], [], [], None,
         ("广州市生态环境局2026年部门整体预算绩效目标申报表", 2026, "广州市生态环境局", "广州市",
          "department_overall", False)),
        # a development zone's bureau: the region is the city its department names
        ("福州经济技术开发区生态环境局\n2026年单位预算", [], ["福州市生态环境局"], [], None,
         ("福州经济技术开发区生态环境局2026年单位预算", 2026, "福州经济技术开发区生态环境局", "福州市",
          "unit_budget", False)),
        # final accounts report what was done: no targets
        ("长沙市统计局2025年度部门决算", [], [], [], None,
         ("长沙市统计局2025年度部门决算", 2025, "长沙市统计局", "长沙市", None, True)),
        # no cover title: the department-wide table names the department, the tables' subtitles the year
        ("单位：万元\n部门收支总表", ["（2026年度）", "项目支出绩效目标表", "（2026年度）"], [], ["北京市统计局"], None,
         (None, 2026, "北京市统计局", "北京市", "department_budget", False)),
        # a notice names no region: the run's default; its publisher is the department its tables print
        ("", [], ["自治区工业和信息化厅"], [], "2019年自治区本级项目支出绩效目标公开",
         ("2019年自治区本级项目支出绩效目标公开", 2019, "自治区工业和信息化厅", "广西壮族自治区", "notice", False)),
    ],
)  # fmt: skip
def test_document_facts_from_the_documents_own_words(
    cover, titles, departments, overall, notice_title, expected
):
    facts = document_facts(cover, titles, departments, overall, notice_title, default_region="广西壮族自治区")
    kind = facts.kind.value if facts.kind else None
    got = (facts.title, facts.budget_year, facts.publisher, facts.region, kind, facts.final_accounts)
    assert got == expected


@pytest.mark.parametrize(
    ("printed", "missed"),
    [
        ("625003x单位", True),  # a code the reader could not split off
        ("鞍山市信访局 211003", True),
        ("（211003）鞍山市信访局", True),
        ("鞍山市12315投诉举报中心", False),  # digits of the name itself
        ("鞍山市信访局", False),
    ],
)
def test_a_code_is_missed_only_where_codes_are_printed(printed, missed):
    assert (_missed_code(printed, None) is not None) == missed


def test_a_section_heading_is_no_document_title():
    assert budget_title("（二）绩效目标表及说明\n金额单位：万元\n单位编码 单位（项目）名称 资金总额") is None
    cover = "1.项目支出绩效目标表\n预算2表 潍坊市应急管理局2025年部门整体预算绩效目标申报表\n（2025年度）"
    assert budget_title(cover) == "预算2表潍坊市应急管理局2025年部门整体预算绩效目标申报表"
    assert publisher_of(budget_title(cover)) == "潍坊市应急管理局"


@pytest.mark.parametrize(
    ("file_name", "publisher"),
    [
        ("008_甘肃省生态环境厅_2025部门预算.pdf", "甘肃省生态环境厅"),
        ("烟台_2026年烟台市信访局部门预算.pdf", "烟台市信访局"),
        ("北京_审计局_附件2：北京市审计局2026年度部门预算报表.pdf", "北京市审计局"),
        ("2026年部门预算.pdf", None),
        ("budget_0001.pdf", None),
        ("第三部分_其他说明.pdf", None),
    ],
)
def test_a_file_name_may_name_the_publisher(file_name, publisher):
    assert named_by_file(file_name) == publisher


def test_a_budget_that_names_itself_nowhere_takes_its_publisher_from_its_file_name():
    def facts(file_name):
        return document_facts(
            "2025年部门项目支出绩效目标表",
            ["2025年部门项目支出绩效目标表"],
            [],
            [],
            None,
            None,
            "",
            file_name,
        )

    assert (
        facts("008_甘肃省生态环境厅_2025部门预算.pdf").publisher,
        facts("008_甘肃省生态环境厅_2025部门预算.pdf").region,
    ) == (
        "甘肃省生态环境厅",
        "甘肃省",
    )
    assert facts("budget_0001.pdf").publisher is None


def test_a_name_that_begins_with_a_level_alone_names_no_region():
    assert region_of("自治区市场监督管理局") is None
    assert region_of("自治区市场监督管理局", "乌鲁木齐市财政局") == "乌鲁木齐市"
    assert region_of("自治区工业和信息化厅") is None
