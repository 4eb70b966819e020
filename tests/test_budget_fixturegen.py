"""The budget-document generator itself: deterministic, truth in the SCHEMA.md format, truth = what is printed.

Independent of the product's reader: the print is checked through pdfplumber's text layer
(`tests.fixturegen.budget.check`), the scorer against a warehouse written straight from the truth.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pdfplumber
import pytest
import sqlalchemy as sa

from tests.fixturegen.budget import (
    UnknownOption,
    generate_corpus,
    generate_document,
    make_document,
)
from tests.fixturegen.budget.__main__ import main as cli
from tests.fixturegen.budget.check import check_corpus, check_document
from tests.fixturegen.budget.options import draw_options
from tests.fixturegen.budget.score import score, simple_value

TOP_KEYS = {"file", "publisher", "region", "budget_year", "kind", "money_unit", "projects"}
PROJECT_KEYS = {
    "name", "code", "scope", "department_name", "department_code", "unit_name", "unit_code", "period",
    "total", "fiscal", "other", "carryover", "goal", "pages", "indicators",
}  # fmt: skip
INDICATOR_KEYS = {"level1", "level2", "level3", "value", "nature", "unit", "weight", "period_value"}
SMALL = {"targets": [1, 2, 3], "budget_tables": [0, 1], "prose": [0, 1]}  # quick documents


def check_schema(t: dict) -> None:
    """One truth object has exactly the keys and types of SCHEMA.md."""
    assert TOP_KEYS <= set(t) <= TOP_KEYS | {"notes"}
    assert t["kind"] in ("department_budget", "unit_budget", "notice", "department_overall")
    assert t["money_unit"] in ("万元", "元") and isinstance(t["budget_year"], int)
    assert t["publisher"] and t["region"] and t["file"].endswith(".pdf")
    last = 0
    for p in t["projects"]:
        assert set(p) == PROJECT_KEYS
        assert p["scope"] in ("project", "department") and p["name"] and p["department_name"]
        assert p["period"] is None or (len(p["period"]) == 2 and p["period"][0] <= p["period"][1])
        for k in ("total", "fiscal", "other", "carryover"):
            assert p[k] is None or isinstance(p[k], float)
        if None not in (p["total"], p["fiscal"]):
            parts = p["fiscal"] + (p["other"] or 0) + (p["carryover"] or 0)
            assert abs(parts - p["total"]) < 1e-6, p["name"]  # the funding block adds up
        assert len(p["pages"]) == 2 and last <= p["pages"][0] <= p["pages"][1]  # document order
        last = p["pages"][0]
        assert p["indicators"]
        for i in p["indicators"]:
            assert set(i) == INDICATOR_KEYS and i["level3"] and i["value"]
            assert "\n" not in i["value"] + i["level3"]
            assert i["weight"] is None or isinstance(i["weight"], float)
        if p["indicators"][0]["weight"] is not None:
            assert round(sum(i["weight"] for i in p["indicators"])) in (90, 100)


def test_same_seed_same_bytes_and_truth(tmp_path):
    a = make_document(seed=11, index=3, **SMALL)
    b = make_document(seed=11, index=3, **SMALL)
    ta = generate_document(a, tmp_path / "a" / a.file)
    tb = generate_document(b, tmp_path / "b" / b.file)
    assert ta == tb
    assert (tmp_path / "a" / a.file).read_bytes() == (tmp_path / "b" / b.file).read_bytes()
    other = generate_document(make_document(seed=12, index=3, **SMALL), tmp_path / "c" / "x.pdf")
    assert other != ta


def test_fixing_one_option_leaves_the_others_of_a_seed():
    free = draw_options(random.Random(5))
    fixed = draw_options(random.Random(5), ruling="cellrects")
    assert fixed.ruling == "cellrects"
    assert {k: v for k, v in vars(free).items() if k != "ruling"} == {
        k: v for k, v in vars(fixed).items() if k != "ruling"
    }
    with pytest.raises(UnknownOption, match="colour"):
        draw_options(random.Random(5), colour="red")


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "department_budget", "family": "block"},
        {"kind": "department_budget", "family": "wide", "wide_header": "code_name", "carry": "clip"},
        {"kind": "department_budget", "family": "wide", "wide_header": "unit_rows", "carry": "first"},
        {"kind": "unit_budget", "family": "wide", "wide_header": "unit_col", "carry": "repeat"},
        {"kind": "department_overall", "dept_levels": ["columns", "joined"]},
        {"kind": "department_budget", "row_split": True, "continuation": "none", "targets": 6},
        {"kind": "department_budget", "money_unit": "元", "dept_table": True, "title_in_table": True},
    ],
    ids=["block", "wide-code", "wide-unit-rows", "wide-unit-col", "overall", "row-split", "yuan"],
)
def test_truth_is_what_the_pdf_prints(tmp_path, overrides):
    """Names, goals, level-3 texts, values and totals of the truth are in the text layer of their pages."""
    summary = generate_corpus(tmp_path, 2, seed=len(json.dumps(overrides)), **{**SMALL, **overrides})
    assert summary["projects"] > 0
    for f in (tmp_path / "truth").glob("*.json"):
        check_schema(json.loads(f.read_text(encoding="utf-8")))
    assert check_corpus(tmp_path) == []


def test_money_in_yuan_is_truth_in_wan(tmp_path):
    doc = make_document(seed=4, money_unit="元", money_format="comma2", family="block", **SMALL)
    t = generate_document(doc, tmp_path / doc.file)
    p = t["projects"][0]
    with pdfplumber.open(tmp_path / doc.file) as pdf:
        text = "".join(pdf.pages[p["pages"][0] - 1].extract_text().split())
    assert "单位：元" in text
    assert f"{p['total'] * 10000:,.2f}" in text  # printed in 元, recorded in 万元


def test_negative_documents_have_no_projects(tmp_path):
    for kind in ("final_accounts", "self_eval"):
        doc = make_document(seed=2, kind=kind, budget_tables=0, prose=0, toc=False, title_page="top")
        t = generate_document(doc, tmp_path / doc.file)
        check_schema(t)
        assert t["projects"] == [] and "no_targets" in t["notes"][0]
        with pdfplumber.open(tmp_path / doc.file) as pdf:
            text = "".join(pdf.pages[1].extract_text().split())
        assert "绩效自评表" in text and "全年执行数" in text and "指标" in text  # grids, but no targets


def test_a_corrupted_truth_is_caught(tmp_path):
    doc = make_document(seed=8, family="block", **SMALL)
    t = generate_document(doc, tmp_path / doc.file)
    t["projects"][0]["indicators"][0]["level3"] += "（未印）"
    t["projects"][0]["indicators"][1]["value"] = "≥123456"
    problems = check_document(tmp_path / doc.file, t)
    assert len(problems) == 2 and "not printed" in problems[0]


def _warehouse(url: str, truth_dir: Path, drop_indicator: bool = False) -> None:
    """A warehouse that holds exactly the truth: the two views the scorer reads, as tables."""
    projects, indicators = [], []
    for f in sorted(truth_dir.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        for p in d["projects"]:
            projects.append({
                "source_file": f"/data/{d['file']}", "project_name": p["name"], "unit_name": p["unit_name"],
                "budget_year": d["budget_year"], "department_name": p["department_name"],
                "total_funds_wan": p["total"], "fiscal_funds_wan": p["fiscal"], "other_funds_wan": p["other"],
                "performance_goal": p["goal"], "period_start_year": (p["period"] or [None])[0],
                "period_end_year": (p["period"] or [None, None])[1], "region": d["region"],
                "project_code": p["code"], "carryover_funds_wan": p["carryover"],
            })  # fmt: skip
            for i in p["indicators"]:
                sv = simple_value(i) or (None, None, None)
                indicators.append({
                    "source_file": f"/data/{d['file']}", "project_name": p["name"], "unit_name": p["unit_name"],
                    "level1": i["level1"], "level2": i["level2"], "level3": i["level3"],
                    "target_text": f"{i['nature'] or ''}{i['value']}{i['unit'] or ''}", "comparator": sv[0],
                    "target_value": sv[1], "target_unit": sv[2], "indicator_nature": i["nature"],
                    "weight": i["weight"], "period_target_text": i["period_value"],
                })  # fmt: skip
    if drop_indicator:
        indicators.pop()
    eng = sa.create_engine(url)
    with eng.begin() as c:
        for name, rows in (("v_projects", projects), ("v_indicator_targets", indicators)):
            cols = list(rows[0])
            c.execute(sa.text(f"create table {name} ({', '.join(cols)})"))
            c.execute(sa.text(f"insert into {name} values ({', '.join(':' + k for k in cols)})"), rows)
    eng.dispose()


def test_scorer_gives_a_perfect_warehouse_full_marks(tmp_path):
    """Truth that names projects uniquely and that the scorer's value parser reads back: full marks."""
    generate_corpus(tmp_path / "gen", 4, seed=21, **SMALL)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    _warehouse(url, tmp_path / "gen" / "truth")
    res = score(url, [tmp_path / "gen" / "truth"])
    assert res["fails"] == []
    for k in ("project_recall", "field_accuracy", "indicator_recall", "value_accuracy", "extended_accuracy"):
        assert res[k] == 1.0, k
    assert res["project_extra"] == res["indicator_extra"] == 0
    url2 = f"sqlite:///{tmp_path / 'w2.db'}"
    _warehouse(url2, tmp_path / "gen" / "truth", drop_indicator=True)
    assert score(url2, [tmp_path / "gen" / "truth"])["indicator_recall"] < 1.0


def test_cli_writes_pdfs_truth_and_layouts(tmp_path, capsys):
    assert cli([str(tmp_path), "--n", "2", "--seed", "3", "--set", "family=wide", "--set", "targets=2"]) == 0
    out = capsys.readouterr().out
    assert "2 documents" in out and "projects" in out and "indicators" in out
    assert len(list(tmp_path.glob("*.pdf"))) == 2 and len(list((tmp_path / "truth").glob("*.json"))) == 2
    layouts = json.loads((tmp_path / "layouts.json").read_text(encoding="utf-8"))
    assert {v["family"] for v in layouts.values()} == {"wide"}
    assert cli([str(tmp_path), "--n", "1", "--set", "colour=red"]) == 2
    capsys.readouterr()
    assert cli(["--options"]) == 0 and "wide_header" in capsys.readouterr().out
