"""The reader on real PDFs: exact rows from the reference notice, every sample layout, and bad files."""

from __future__ import annotations

import zipfile

import pytest

from extract import layout
from extract.errors import CorruptPdf, EmptyFile, NotAPdf
from extract.reader import read_notice
from tests.conftest import NOTICES, REAL, SEED


@pytest.fixture(scope="module")
def seed():
    return read_notice(SEED)


def test_seed_projects_and_pages(seed):
    assert [len(p.rows) for p in seed.projects] == [9, 15, 8, 7, 7, 14]
    assert [p.page for p in seed.projects] == [2, 3, 5, 6, 7, 8]
    assert [p.label for p in seed.projects][:2] == ["附件1", "附件2"]


def test_seed_header_block(seed):
    h = seed.projects[0].header
    assert h["name"] == "中小企业转型\n升级项目"
    assert h["unit"].startswith("【607002】")
    assert h["department"].startswith("[607]")
    assert (h["period"], h["total"], h["fiscal"], h["other"]) == ("2019-2021", "6030", "6030", "")
    assert h["goal"].startswith("1.2019 年进一步开展")


def test_seed_grid_rows_exact(seed):
    rows = [r.cells for r in seed.projects[0].rows]
    assert rows[0] == {"level1": "产出指标", "level2": "成本指标", "level3": "成本指标", "value": "6030 万元"}
    assert rows[4] == {
        "level1": "满意度指\n标",
        "level2": "服务对象满意\n度指标",
        "level3": "服务对象\n满意度",
        "value": "服务对象满意度 95%以上",
    }


def test_grid_continues_on_next_page_without_header(seed):
    second = seed.projects[1]
    assert {r.page for r in second.rows} == {3, 4}
    assert second.rows[-1].cells["value"] == "10%"
    assert second.rows[-1].page == 4


def test_split_value_columns():
    raw = read_notice(NOTICES / "notice_002.pdf")
    assert raw.projects[0].grid_columns == ["level1", "level2", "level3", "nature", "value", "unit"]
    assert raw.projects[0].rows[1].cells == {
        "level1": "产出指标",
        "level2": "数量指标",
        "level3": "完成文物保护项目数\n量",
        "nature": "≈",
        "value": "12",
        "unit": "个",
    }


def test_merged_level_cells_and_money_as_columns():
    raw = read_notice(NOTICES / "notice_004.pdf")
    (p,) = raw.projects
    assert (p.header["total"], p.header["fiscal"], p.header["other"]) == ("150.8", "150.8", "")
    assert p.rows[1].cells.get("level1") is None and p.rows[1].cells["level2"] == "数量指标"
    assert "level2" not in p.rows[4].cells and p.rows[4].cells["level3"] == "资金支付率"


def test_several_projects_on_one_page():
    raw = read_notice(NOTICES / "notice_007.pdf")
    assert [p.page for p in raw.projects] == [1, 1, 2]
    assert [len(p.rows) for p in raw.projects] == [10, 11, 9]


@pytest.mark.parametrize("path", sorted(REAL.glob("*.pdf")), ids=lambda p: p.name[:20])
def test_real_budget_pdfs_have_no_projects(path):
    raw = read_notice(path)
    assert raw.projects == []
    assert len(raw.pages_read) <= 4 < raw.pages  # pages without grid words are never table-parsed


def test_bad_files_get_typed_reasons(tmp_path):
    with pytest.raises(EmptyFile):
        read_notice(b"")
    with pytest.raises(NotAPdf, match="HTML"):
        read_notice(b"<html><body>404</body></html>")
    zpath = tmp_path / "x.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(NotAPdf, match="ZIP"):
        read_notice(zpath.read_bytes())
    with pytest.raises(CorruptPdf):
        read_notice(SEED.read_bytes()[:3000])


@pytest.mark.parametrize(
    ("header", "roles"),
    [
        # a 绩效指标 column beside the three level columns only labels the grid
        (
            ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
            [None, "level1", "level2", "level3", "value"],
        ),
        # … and so does one left of another 绩效指标 column that holds the three levels run together
        (
            ["绩效指标", "活动", "绩效指标", None, "指标性质", "指标值", None, "度量单位"],
            [None, "activity", "levels", "levels", "nature", "value", "value", "unit"],
        ),
    ],
)
def test_grid_roles_leave_a_labelling_column_out(header, roles):
    assert layout.column_roles(header) == roles
