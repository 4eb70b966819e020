"""The fixture generator itself: valid PDFs, truth in the truth-file schema, deterministic for a seed."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.vocabulary import LEVEL1, LEVEL2
from tests.fixturegen import (
    Indicator,
    Layout,
    Notice,
    Project,
    fonts,
    generate_corpus,
    generate_notice,
    make_notice,
    truth,
)
from tests.fixturegen.model import random_notice
from transform.values import join_split_columns, parse_target

NOTICE_KEYS = [
    "file",
    "title",
    "budget_year",
    "department_code",
    "department_name",
    "former_name",
    "published",
]
PROJECT_KEYS = {
    "name",
    "unit_code",
    "unit_name",
    "department_code",
    "department_name",
    "former_name",
    "period_start",
    "period_end",
    "total",
    "fiscal",
    "other",
    "goal",
    "indicators",
}
INDICATOR_KEYS = {"level1", "level2", "level3", "kind", "comparator", "value", "unit", "deadline", "text"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_truth(notice: dict) -> None:
    """Assert one truth object has the truth-file schema and is internally consistent."""
    assert set(NOTICE_KEYS) | {"layout", "projects"} == set(notice)
    assert isinstance(notice["budget_year"], int) and re.fullmatch(r"\d{3}", notice["department_code"])
    assert notice["published"] is None or ISO_DATE.match(notice["published"])
    assert isinstance(notice["layout"], dict) and notice["projects"]
    for p in notice["projects"]:
        assert set(p) == PROJECT_KEYS
        assert p["unit_code"].startswith(p["department_code"]) and "（" not in p["unit_name"]
        assert p["period_start"] <= notice["budget_year"] <= p["period_end"]
        assert abs(p["total"] - p["fiscal"] - (p["other"] or 0)) < 0.005
        assert 5 <= len(p["indicators"]) <= 15
        levels = {i["level1"] for i in p["indicators"]}
        assert "产出指标" in levels and levels & {"效益指标", "满意度指标"}
        for i in p["indicators"]:
            assert set(i) == INDICATOR_KEYS
            assert i["level1"] in LEVEL1 and i["level2"] in LEVEL2 and not i["level3"].startswith("★")
            kind = i["kind"]
            if kind == "numeric":
                assert i["comparator"] in {">=", "<=", ">", "<", "=", "~"} and isinstance(i["value"], float)
                assert i["unit"] and i["deadline"] is None
            elif kind == "deadline":
                assert i["comparator"] == "<=" and i["value"] is None and ISO_DATE.match(i["deadline"])
            else:
                assert kind in {"qualitative", "text", "none"}
                assert i["comparator"] is None and i["value"] is None and i["deadline"] is None
                assert (i["text"] in ("", "无")) == (kind == "none")


def test_corpus_writes_readable_pdfs_and_truth(tmp_path: Path) -> None:
    truth_path = generate_corpus(tmp_path, 4, seed=7, renderer="rl")
    notices = json.loads(truth_path.read_text(encoding="utf-8"))
    assert truth_path == tmp_path / "truth.json" and len(notices) == 4
    for notice in notices:
        check_truth(notice)
        pdf_path = tmp_path / notice["file"]
        assert pdf_path.read_bytes().startswith(b"%PDF-")
        with pdfplumber.open(pdf_path) as pdf:
            assert len(pdf.pages) == notice["layout"]["pages"]
            text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))
        assert "一级指标" in text and all(p["name"] in text for p in notice["projects"])


def test_same_seed_same_corpus(tmp_path: Path) -> None:
    a = generate_corpus(tmp_path / "a", 3, seed=11, renderer="rl")
    b = generate_corpus(tmp_path / "b", 3, seed=11, renderer="rl")
    c = generate_corpus(tmp_path / "c", 3, seed=12, renderer="rl")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    for notice in json.loads(a.read_text(encoding="utf-8")):
        assert (a.parent / notice["file"]).read_bytes() == (b.parent / notice["file"]).read_bytes()


@pytest.mark.parametrize(
    ("ruling", "lines", "rects"), [("lines", True, False), ("thinrects", False, True), ("none", False, False)]
)
def test_ruling_styles(tmp_path: Path, ruling: str, lines: bool, rects: bool) -> None:
    spec = make_notice(seed=3, renderer="rl", ruling=ruling, shade_header=False, cover=False)
    generate_notice(spec, tmp_path / "n.pdf")
    with pdfplumber.open(tmp_path / "n.pdf") as pdf:
        page = pdf.pages[0]
        assert bool(page.lines) == lines and bool(page.rects) == rects
        assert "三级指标" in (page.extract_text() or "").replace(" ", "")


def test_split_columns_and_continuation(tmp_path: Path) -> None:
    spec = make_notice(
        seed=5,
        renderer="rl",
        cols="direction",
        score_col="权重",
        split_row=True,
        repeat_header=False,
        projects=1,
    )
    t = generate_notice(spec, tmp_path / "中文名.pdf")
    assert t["file"] == "中文名.pdf" and t["layout"]["split_rows"] == 1 and t["layout"]["pages"] >= 2
    with pdfplumber.open(tmp_path / "中文名.pdf") as pdf:
        header = "".join(page.extract_text() or "" for page in pdf.pages).replace(" ", "")
    for word in ("指标性质", "指标方向", "目标值", "计量单位", "权重"):
        assert word in header


def test_hand_written_spec(tmp_path: Path) -> None:
    def ind(l1, l2, l3, kind, cell, **kw):
        return Indicator(level1=l1, level2=l2, level3=l3, kind=kind, cell=cell, **kw)

    indicators = [
        ind(
            "产出指标",
            "数量指标",
            "开展培训",
            "numeric",
            "不少于 3 期",
            comparator=">=",
            value=3.0,
            unit="期",
        ),
        ind(
            "产出指标",
            "数量指标",
            "服务人次",
            "numeric",
            "2万人次以上",
            comparator=">=",
            value=20000.0,
            unit="人次",
            number="2",  # printed pieces of a split-column grid, when they differ from value and unit
            p_unit="万人次",
        ),
        ind(
            "产出指标",
            "时效指标",
            "完成时间",
            "deadline",
            "2024年底前",
            comparator="<=",
            deadline="2024-12-31",
        ),
        ind("效益指标", "社会效益指标", "群众获得感", "qualitative", "明显提升"),
        ind(
            "满意度指标",
            "服务对象满意度指标",
            "满意度",
            "numeric",
            "≥95%",
            comparator=">=",
            value=95.0,
            unit="%",
        ),
    ]
    project = Project(
        name="测试项目",
        unit_code="601006",
        unit_name="自治区价格认证中心",
        department_code="601",
        department_name="自治区发展和改革委员会",
        former_name=None,
        period_start=2024,
        period_end=2024,
        total=100.0,
        fiscal=100.0,
        other=None,
        goal="完成培训3期。",
        indicators=indicators,
    )
    spec = Notice(
        file="x.pdf",
        title="2024 年自治区发展和改革委员会项目支出预算绩效目标公开",
        budget_year=2024,
        department_code="601",
        department_name="自治区发展和改革委员会",
        former_name=None,
        published=None,
        projects=[project],
        layout=Layout(cover=False, cols="nature"),
    )
    t = generate_notice(spec, tmp_path / "hand.pdf")
    check_truth(t)
    texts = [i["text"] for i in t["projects"][0]["indicators"]]
    assert texts == ["≥3期", "≥2万人次", "≤2024-12-31", "明显提升", "≥95%"]
    with pdfplumber.open(tmp_path / "hand.pdf") as pdf:
        rows = [r for table in pdf.pages[0].extract_tables() for r in table]
    assert ["产出指标", "数量指标", "服务人次", "≥", "2", "万人次"] in rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
def test_random_specs_truth_matches_value_grammar(seed: int) -> None:
    """Truth is what the DESIGN grammar (transform.values) reads from the printed text, for any seed."""
    notice = random_notice(random.Random(seed), soffice=True)
    t = truth(notice)
    check_truth(t)
    cols = notice.layout.cols
    for project in notice.projects:
        for ind in project.indicators:
            if cols in ("four", "annual"):
                printed = ind.cell
            else:
                c = ind.split_cells(cols)
                printed = join_split_columns(c.get("nature"), c.get("direction"), c["value"], c["unit"])
            got = parse_target(printed)
            assert got.kind == ind.kind, printed
            if ind.kind == "numeric":
                assert (got.comparator, got.value, got.unit) == (ind.comparator, ind.value, ind.unit), printed
            if ind.kind == "deadline":
                assert got.deadline.isoformat() == ind.deadline, printed


def test_layout_overrides_are_checked() -> None:
    with pytest.raises(TypeError, match="unknown layout option"):
        make_notice(seed=1, rulings="none")
    spec = make_notice(seed=1, renderer="rl", cols=["nature", "direction"], extra_cols=["备注"])
    assert spec.layout.cols in ("nature", "direction") and spec.layout.extra_cols in ((), ("备注",))


@pytest.fixture
def font_lookup(monkeypatch: pytest.MonkeyPatch):
    """The font lookup with no font on the machine (monkeypatch `_fc_list` to give it some); cache cleared."""
    monkeypatch.setattr(fonts, "_fc_list", lambda: [])
    monkeypatch.setattr(fonts, "KNOWN_FILES", ())
    monkeypatch.delenv(fonts.ENV, raising=False)
    fonts.cjk_fonts.cache_clear()
    yield fonts
    fonts.cjk_fonts.cache_clear()


def test_missing_fonts_name_the_packages(font_lookup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "PACKAGED", ())
    with pytest.raises(
        fonts.FontsMissing, match="paperang-p2-fonts-cjk .*fonts-wqy-zenhei fonts-arphic-uming"
    ):
        fonts.reportlab_fonts()


def test_packaged_font_where_the_machine_has_none(font_lookup, tmp_path: Path) -> None:
    """A fresh machine draws with the dev group's WenQuanYi Micro Hei, and its PDFs carry the text."""
    (font,) = fonts.cjk_fonts()
    assert (font.key, font.family, font.truetype) == ("wqy-microhei", "WenQuanYi Micro Hei", True)
    assert "paperang_p2_fonts_cjk" in font.path
    notices = json.loads(generate_corpus(tmp_path, 2, seed=5, renderer="rl").read_text(encoding="utf-8"))
    for notice in notices:
        assert notice["layout"]["font"] == "wqy-microhei"
        with pdfplumber.open(tmp_path / notice["file"]) as pdf:
            assert {c["fontname"].split("+")[-1] for c in pdf.pages[0].chars} == {"WenQuanYiMicroHei-0"}
            text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))
        assert all(p["name"] in text for p in notice["projects"])


def test_machine_fonts_come_first(font_lookup, monkeypatch: pytest.MonkeyPatch) -> None:
    uming = ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "AR PL UMing CN", "TrueType")
    noto = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC", "CFF")
    monkeypatch.setattr(fonts, "_fc_list", lambda: [uming, noto])
    assert [f.key for f in fonts.cjk_fonts()] == ["NotoSansCJK-Regular", "uming"]
    # only CFF fonts, which reportlab cannot embed: the packaged TrueType font joins them
    monkeypatch.setattr(fonts, "_fc_list", lambda: [noto])
    fonts.cjk_fonts.cache_clear()
    assert [f.key for f in fonts.cjk_fonts()] == ["NotoSansCJK-Regular", "wqy-microhei"]
    assert [f.key for f in fonts.reportlab_fonts()] == ["wqy-microhei"]
    # FIXTUREGEN_FONTS=packaged: what a machine without fonts draws with, whatever this one has
    monkeypatch.setattr(fonts, "_fc_list", lambda: [uming, noto])
    monkeypatch.setenv(fonts.ENV, "packaged")
    fonts.cjk_fonts.cache_clear()
    assert [f.key for f in fonts.cjk_fonts()] == ["wqy-microhei"]


@pytest.mark.libreoffice
def test_libreoffice_route(tmp_path: Path) -> None:
    spec = make_notice(seed=9, renderer="lo", projects=2, force_break=True)
    t = generate_notice(spec, tmp_path / "lo.pdf")
    check_truth(t)
    with pdfplumber.open(tmp_path / "lo.pdf") as pdf:
        assert "LibreOffice" in pdf.metadata.get("Producer", "")
        text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pdf.pages))
    assert all(p["name"] in text for p in t["projects"])
