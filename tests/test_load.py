"""The warehouse on SQLite and PostgreSQL: schema, contract views, idempotency, corrections, versions."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa

from contracts.records import FileMeta, NoticeMeta
from contracts.statuses import FileStatus
from contracts.views import CONTRACT_COLUMNS
from extract import PARSER_VERSION
from extract.reader import read_notice
from load.db import ensure_schema, head_revision, make_engine, masked
from load.dimensions import department_versions
from load.facts import load_notice
from load.ops import record_outcome
from tests.conftest import NOTICES, SEED
from transform.normalize import normalize


@pytest.fixture(scope="module")
def seed_frames():
    return normalize(read_notice(SEED))


@pytest.fixture
def engine(warehouse_url):
    eng = make_engine(warehouse_url)
    ensure_schema(eng)
    yield eng
    eng.dispose()


def _meta(frames, **kw):
    base = dict(
        parser_version=PARSER_VERSION,
        pages=8,
        title=frames.title,
        budget_year=frames.budget_year,
        department_code=str(frames.projects["department_code"].iloc[0]),
        published_on=frames.published_on,
    )
    base.update(kw)
    return NoticeMeta(**base)


def _file(name="seed.pdf", sha="a" * 64):
    return FileMeta(sha256=sha, file_name=name, source_uri=f"/x/{name}", size_bytes=1)


def _count(engine, table):
    with engine.connect() as c:
        return c.execute(sa.text(f"select count(*) from {table}")).scalar_one()


def test_schema_at_head_with_contract_views(engine):
    with engine.connect() as c:
        assert c.execute(sa.text("select version_num from alembic_version")).scalar_one() == head_revision()
        for view, columns in CONTRACT_COLUMNS.items():
            result = c.execute(sa.text(f"select * from {view} where 1 = 0"))
            assert list(result.keys()) == columns


def test_load_notice_fills_the_views(engine, seed_frames):
    out = load_notice(engine, _file(), _meta(seed_frames), seed_frames, None)
    assert (out.status, out.projects, out.indicators) == ("loaded", 6, 60)
    with engine.connect() as c:
        row = (
            c.execute(sa.text("select * from v_projects where project_name = '中小企业转型升级项目'"))
            .mappings()
            .one()
        )
        assert row["department_code"] == "607" and row["unit_code"] == "607002"
        assert row["department_name"] == "自治区工业和信息化厅"
        assert (row["period_start_year"], row["period_end_year"]) == (2019, 2021)
        assert (float(row["total_funds_wan"]), row["other_funds_wan"]) == (6030.0, None)
        files = c.execute(sa.text("select status, projects, indicators from v_source_files")).all()
        assert [tuple(f) for f in files] == [("loaded", 6, 60)]
        years = [y for (y,) in c.execute(sa.text("select year from dim_year order by year"))]
        assert years == [2019, 2020, 2021]
        pages = {p for (p,) in c.execute(sa.text("select distinct source_page from v_indicator_targets"))}
        assert pages == {2, 3, 4, 5, 6, 7, 8}


def test_same_file_twice_changes_nothing(engine, seed_frames):
    load_notice(engine, _file(), _meta(seed_frames), seed_frames, None)
    before = {t: _count(engine, t) for t in ("fact_project_budget", "fact_indicator_target", "dim_project")}
    out = load_notice(engine, _file(), _meta(seed_frames), seed_frames, None)
    assert out.status == "loaded" and out.projects == 0
    assert {t: _count(engine, t) for t in before} == before


def test_corrected_reissue_supersedes_the_first_file(engine, seed_frames):
    load_notice(
        engine, _file("v1.pdf", "1" * 64), _meta(seed_frames, published_on="2019-03-06"), seed_frames, None
    )
    fixed = copy.deepcopy(seed_frames)
    fixed.projects.loc[0, ["total_funds_wan", "fiscal_funds_wan"]] = [7000.0, 7000.0]
    fixed.projects = fixed.projects[fixed.projects.project_seq != 6]
    fixed.indicators = fixed.indicators[fixed.indicators.project_seq != 6]
    out = load_notice(engine, _file("v2.pdf", "2" * 64), _meta(fixed, published_on="2019-04-01"), fixed, None)
    assert out.superseded == ["1" * 64]
    with engine.connect() as c:
        statuses = dict(c.execute(sa.text("select source_file, status from v_source_files")).all())
        assert statuses == {"v1.pdf": "superseded", "v2.pdf": "loaded"}
        rows = c.execute(sa.text("select source_file, total_funds_wan from v_projects")).all()
        assert len(rows) == 5 and {r[0] for r in rows} == {"v2.pdf"}
        assert 7000.0 in {float(r[1]) for r in rows}
        assert (
            c.execute(sa.text("select count(distinct source_file) from v_indicator_targets")).scalar_one()
            == 1
        )


def test_older_issue_arriving_late_is_superseded_itself(engine, seed_frames):
    load_notice(
        engine, _file("new.pdf", "2" * 64), _meta(seed_frames, published_on="2019-04-01"), seed_frames, None
    )
    out = load_notice(
        engine, _file("old.pdf", "1" * 64), _meta(seed_frames, published_on="2019-03-06"), seed_frames, None
    )
    assert out.status == "superseded"
    with engine.connect() as c:
        assert {r[0] for r in c.execute(sa.text("select source_file from v_projects"))} == {"new.pdf"}


def _budget(frames, kind: str, publisher: str):
    return _meta(frames, document_kind=kind, publisher=publisher, region="测试市", published_on=None)


def _by_file(engine, view: str) -> dict[str, int]:
    with engine.connect() as c:
        rows = c.execute(sa.text(f"select source_file, count(*) from {view} group by source_file")).all()
    return dict(rows)


def test_a_project_in_its_department_and_unit_budgets_counts_once(engine, seed_frames):
    """The unit budget loaded first, the department's after (or the other way round): both stay current,
    v_projects shows each project-year once from the department budget, v_project_disclosures both."""
    dept = _budget(seed_frames, "department_budget", "自治区工业和信息化厅")
    unit = _budget(seed_frames, "unit_budget", "自治区中小企业服务中心")
    assert load_notice(engine, _file("unit.pdf", "1" * 64), unit, seed_frames, None).status == "loaded"
    out = load_notice(engine, _file("dept.pdf", "2" * 64), dept, seed_frames, None)
    assert (out.status, out.superseded) == ("loaded", [])
    assert _by_file(engine, "v_projects") == {"dept.pdf": 6}
    assert _by_file(engine, "v_project_disclosures") == {"dept.pdf": 6, "unit.pdf": 6}
    with engine.connect() as c:
        kinds = c.execute(sa.text("select distinct document_kind, region, publisher from v_projects")).all()
        assert [tuple(k) for k in kinds] == [("department_budget", "测试市", "自治区工业和信息化厅")]
        assert c.execute(sa.text("select count(*) from dim_project")).scalar_one() == 6


def test_a_department_budget_with_no_unit_budget_beside_it_is_shown(engine, seed_frames):
    unit = _budget(seed_frames, "unit_budget", "自治区中小企业服务中心")
    load_notice(engine, _file("unit.pdf", "1" * 64), unit, seed_frames, None)
    assert _by_file(engine, "v_projects") == {"unit.pdf": 6}


def test_a_budget_reissued_supersedes_the_same_publishers_kind_and_year_only(engine, seed_frames):
    first = _budget(seed_frames, "department_budget", "自治区工业和信息化厅")
    load_notice(engine, _file("d1.pdf", "1" * 64), first, seed_frames, None)
    load_notice(
        engine, _file("u1.pdf", "2" * 64), _budget(seed_frames, "unit_budget", "某中心"), seed_frames, None
    )
    other_year = copy.deepcopy(seed_frames)
    other_year.budget_year = 2020
    out = load_notice(
        engine,
        _file("d0.pdf", "3" * 64),
        _budget(other_year, "department_budget", first.publisher),
        other_year,
        None,
    )
    assert out.superseded == []
    out = load_notice(engine, _file("d2.pdf", "4" * 64), first, seed_frames, None)
    assert (out.status, out.superseded) == ("loaded", ["1" * 64])
    with engine.connect() as c:
        statuses = dict(c.execute(sa.text("select source_file, status from v_source_files")).all())
    assert statuses == {"d1.pdf": "superseded", "u1.pdf": "loaded", "d0.pdf": "loaded", "d2.pdf": "loaded"}


def test_department_rename_opens_a_new_version(engine, seed_frames):
    old = copy.deepcopy(seed_frames)
    old.projects["budget_year"] = 2018
    old.projects["department_name"] = "自治区非公有制经济服务局"
    old.projects[["period_start_year", "period_end_year"]] = [2018, 2018]
    load_notice(engine, _file("2019.pdf", "9" * 64), _meta(seed_frames), seed_frames, None)
    load_notice(engine, _file("2018.pdf", "8" * 64), _meta(old, budget_year=2018), old, None)
    with engine.connect() as c:
        versions = c.execute(
            sa.text(
                "select name, valid_from_year, valid_to_year, is_current from dim_department order by valid_from_year"
            )
        ).all()
        assert [tuple(v) for v in versions] == [
            ("自治区非公有制经济服务局", 2018, 2018, False),
            ("自治区工业和信息化厅", 2019, None, True),
        ]
        names = {r[0] for r in c.execute(sa.text("select distinct department_name from v_projects"))}
        assert names == {"自治区工业和信息化厅"}
        assert c.execute(sa.text("select count(*) from v_projects")).scalar_one() == 12


def _as_year(frames, year: int, name: str):
    out = copy.deepcopy(frames)
    out.projects["budget_year"] = year
    out.projects["department_name"] = name
    out.projects[["period_start_year", "period_end_year"]] = [year, year]
    return out


def _versions(engine) -> list[tuple]:
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "select name, valid_from_year, valid_to_year, is_current from dim_department"
                " order by valid_from_year, name"
            )
        ).all()
    return [tuple(r) for r in rows]


def test_a_name_that_comes_back_is_a_new_version(engine, seed_frames):
    a, b = "自治区文化厅", "自治区文化和旅游厅"
    for i, (year, name) in enumerate([(2020, a), (2018, a), (2019, b)]):  # loaded out of order
        frames = _as_year(seed_frames, year, name)
        load_notice(engine, _file(f"{year}.pdf", str(i) * 64), _meta(frames, budget_year=year), frames, None)
    assert _versions(engine) == [(a, 2018, 2018, False), (b, 2019, 2019, False), (a, 2020, None, True)]
    with engine.connect() as c:
        printed = c.execute(
            sa.text(
                "select f.budget_year, d.name, d.valid_from_year from fact_project_budget f"
                " join dim_department d on d.department_id = f.department_id group by 1, 2, 3 order by 1"
            )
        ).all()
    # every fact points at the version of the name its own document printed
    assert [tuple(r) for r in printed] == [(2018, a, 2018), (2019, b, 2019), (2020, a, 2020)]


def test_two_names_in_one_year_overlap_and_the_latest_load_is_current(engine, seed_frames):
    first, second = _as_year(seed_frames, 2019, "甲厅"), _as_year(seed_frames, 2019, "乙厅")
    second.projects["project_name"] = second.projects["project_name"] + "（二）"  # not a correction of first
    load_notice(engine, _file("a.pdf", "a" * 64), _meta(first), first, None)
    load_notice(engine, _file("b.pdf", "b" * 64), _meta(second), second, None)
    assert _versions(engine) == [("乙厅", 2019, None, True), ("甲厅", 2019, 2019, False)]


def test_department_versions_from_printed_years():
    def runs(printed, **kw):
        return [(v.name, v.first, v.valid_to) for v in department_versions(printed, **kw)]

    assert runs({(2018, "A"), (2020, "A")}) == [("A", 2018, None)]  # a year without a notice is no break
    assert runs({(2018, "A"), (2021, "B")}) == [("A", 2018, 2020), ("B", 2021, None)]
    assert runs({(2018, "A"), (2019, "A"), (2019, "B"), (2020, "B")}) == [
        ("A", 2018, 2019),
        ("B", 2019, None),
    ]
    assert runs({(2019, "A"), (2019, "B")}, current="A") == [("A", 2019, None), ("B", 2019, 2019)]
    assert runs({(2019, "A"), (2019, "B")}, latest_names={"B"}, current="A")[1] == ("B", 2019, None)


def test_rejected_and_quarantined_files_are_listed(engine, seed_frames):
    record_outcome(
        engine, _file("bad.pdf", "b" * 64), NoticeMeta(PARSER_VERSION), FileStatus.REJECTED, "not a PDF", None
    )
    record_outcome(
        engine,
        _file("q.pdf", "c" * 64),
        _meta(seed_frames),
        "quarantined",
        "money_adds_up: x",
        None,
        quarantine=seed_frames,
    )
    with engine.connect() as c:
        rows = dict(c.execute(sa.text("select source_file, reason from v_source_files")).all())
        assert rows == {"bad.pdf": "not a PDF", "q.pdf": "money_adds_up: x"}
        kept = c.execute(sa.text("select projects from ops_quarantine")).scalar_one()
        assert kept is not None
        assert _count(engine, "fact_project_budget") == 0


def test_hostile_text_is_stored_verbatim(engine, seed_frames):
    nasty = "x'); DROP TABLE dim_project; --"
    frames = copy.deepcopy(seed_frames)
    frames.projects.loc[0, "project_name"] = nasty
    frames.projects.loc[0, "performance_goal"] = '\'; DELETE FROM v_projects; "quoted"'
    load_notice(engine, _file(), _meta(frames), frames, None)
    with engine.connect() as c:
        names = {r[0] for r in c.execute(sa.text("select project_name from v_projects"))}
    assert nasty in names and _count(engine, "dim_project") == 6


def test_masked_url_hides_password():
    assert "s3cret" not in masked("postgresql://user:s3cret@db.example/warehouse")


def test_notices_sample_loads_on_both(engine):
    frames = normalize(read_notice(NOTICES / "notice_004.pdf"))
    out = load_notice(engine, _file("notice_004.pdf"), _meta(frames), frames, None)
    assert (out.projects, out.indicators) == (1, 10)
