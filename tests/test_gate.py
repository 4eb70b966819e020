"""The data-quality gate: every error check quarantines, every warning check records (DESIGN §5)."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from expectations.gate import (
    CHECKS,
    ERROR,
    UNIQUE_PROJECT,
    WARNING,
    QualityGate,
    failed_errors,
    quarantine_reason,
)
from extract.reader import read_notice
from tests.conftest import NOTICES
from transform.normalize import normalize


@pytest.fixture(scope="module")
def gate():
    return QualityGate()


@pytest.fixture(scope="module")
def clean_frames():
    # 3 projects, all checks pass once the region is known (the notice names none: the run's would do)
    return normalize(read_notice(NOTICES / "notice_003.pdf"), default_region="宁夏回族自治区")


def _failing(gate, frames):
    return {(r.expectation, r.severity): r for r in gate.run(frames) if not r.success}


def test_clean_notice_passes_every_check(gate, clean_frames):
    results = gate.run(clean_frames)
    assert {r.expectation for r in results} == {c.name for c in CHECKS}
    assert [r for r in results if not r.success] == []


def _mutate(frames, fn):
    f = copy.deepcopy(frames)
    fn(f)
    return f


ERROR_CASES = {
    "money_adds_up": lambda f: f.projects.__setitem__(
        "total_funds_wan", f.projects["total_funds_wan"] + 12.5
    ),
    "money_not_negative": lambda f: f.projects.loc.__setitem__((0, "other_funds_wan"), -5.0),
    "project_has_name": lambda f: f.projects.loc.__setitem__((1, "project_name"), None),
    "unit_code_read_where_printed": lambda f: f.projects.loc.__setitem__(
        (1, "unit_code_missed"), "625003x单位"
    ),
    "department_code_read_where_printed": lambda f: f.projects.loc.__setitem__(
        (2, "department_code_missed"), "625 农业农村厅"
    ),
    "project_has_budget_year": lambda f: f.projects.__setitem__("budget_year", None),
    "unit_code_starts_with_department_code": lambda f: f.projects.loc.__setitem__((0, "unit_code"), "999001"),
    "period_start_not_after_end": lambda f: f.projects.loc.__setitem__((0, "period_start_year"), 2030),
    "project_unique_in_notice": lambda f: f.projects.loc.__setitem__(
        (1, UNIQUE_PROJECT), f.projects.loc[0, UNIQUE_PROJECT].tolist()
    ),
    "project_has_indicator_rows": lambda f: setattr(
        f, "indicators", f.indicators[f.indicators.project_seq != 2]
    ),
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_error_checks_quarantine(gate, clean_frames, name):
    results = gate.run(_mutate(clean_frames, ERROR_CASES[name]))
    errors = {r.expectation for r in failed_errors(results)}
    assert name in errors
    assert name in quarantine_reason(results)


def test_money_reason_names_the_check_and_observed_gap(gate, clean_frames):
    results = gate.run(_mutate(clean_frames, ERROR_CASES["money_adds_up"]))
    reason = quarantine_reason(results)
    assert "money_adds_up" in reason and "12.5" in reason
    # failing rows come from a second, detailed pass over the failed check only
    failed = next(r for r in results if r.expectation == "money_adds_up")
    assert failed.unexpected_sample and all("project_seq" in row for row in failed.unexpected_sample)
    assert all(not r.unexpected_sample and r.observed is None for r in results if r.success)


def _set_indicator(col, value, row=0):
    return lambda f: f.indicators.loc.__setitem__((row, col), value)


WARNING_CASES = {
    "level1_in_vocabulary": _set_indicator("level1", "绩效指标"),
    "level2_in_vocabulary": _set_indicator("level2", "指标"),
    "percent_target_within_0_100": lambda f: (
        f.indicators.loc.__setitem__((3, "target_value"), 250.0),
        f.indicators.loc.__setitem__((3, "target_unit"), "%"),
    ),
    "project_has_output_group": lambda f: f.indicators.__setitem__(
        "level1", f.indicators["level1"].replace({"产出指标": "效益指标"})
    ),
    "project_has_outcome_or_satisfaction_group": lambda f: f.indicators.__setitem__(
        "level1", f.indicators["level1"].replace({"效益指标": "产出指标", "满意度指标": "产出指标"})
    ),
    "cost_target_matches_total": lambda f: f.indicators.loc.__setitem__((0, "target_value"), 1.0),
    "deadline_within_budget_year_1": _set_indicator("target_deadline", dt.date(2031, 1, 1), 4),
    "period_printed": lambda f: f.projects.loc.__setitem__((0, "period_text"), None),
    "region_known": lambda f: setattr(f, "region", None),
    "budget_year_not_before_period": lambda f: (
        f.projects.loc.__setitem__((0, "period_start_year"), 2024)
        or f.projects.loc.__setitem__((0, "period_end_year"), 2026)
    ),
    "budget_year_not_after_period": lambda f: (
        f.projects.loc.__setitem__((0, "period_start_year"), 2010)
        or f.projects.loc.__setitem__((0, "period_end_year"), 2012)
    ),
}


@pytest.mark.parametrize("name", sorted(WARNING_CASES))
def test_warning_checks_record_without_quarantine(gate, clean_frames, name):
    failing = _failing(gate, _mutate(clean_frames, WARNING_CASES[name]))
    assert (name, WARNING) in failing
    assert not [k for k in failing if k[1] == ERROR]


def test_growth_rate_percent_may_exceed_100(gate, clean_frames):
    def grow(f):
        f.indicators.loc[3, ["level3", "target_value", "target_unit"]] = ["营业收入增长率", 150.0, "%"]

    assert ("percent_target_within_0_100", WARNING) not in _failing(gate, _mutate(clean_frames, grow))


def test_every_check_has_a_case():
    assert {c.name for c in CHECKS} == set(ERROR_CASES) | set(WARNING_CASES)


def test_gate_defers_what_no_check_uses():
    """GX's KL-divergence expectation imports scipy.stats and altair (a second of start-up in every reader
    process); the gate imports GX without them, and they are imported if that expectation is ever used."""
    code = textwrap.dedent(
        """
        import sys
        from expectations.gate import DEFERRED_BY_GX, QualityGate
        QualityGate().prepare()
        assert not [name for name in DEFERRED_BY_GX if name in sys.modules]
        from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
        assert kl.stats.entropy([0.5, 0.5], [0.5, 0.5]) == 0.0
        import altair, scipy.stats
        assert kl.stats.norm is scipy.stats.norm and kl.alt.Chart is altair.Chart
        """
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=300)
    assert done.returncode == 0, done.stderr


def test_gate_leaves_no_semaphore_to_a_process_that_is_killed():
    """GX opens a tqdm bar on every validation, and tqdm's default lock is a named semaphore registered with
    multiprocessing's resource tracker in a process started by spawn (reader processes, Dask workers). Such
    a process killed at a pool's stop never unregisters it: the tracker warned of a leaked semaphore when the
    run ended. The gate gives tqdm a thread lock instead."""
    code = textwrap.dedent(
        """
        import multiprocessing, os
        multiprocessing.set_start_method("spawn", force=True)  # as in a reader process
        from multiprocessing import resource_tracker
        registered = []
        register = resource_tracker.register
        resource_tracker.register = lambda name, rtype: (registered.append(rtype), register(name, rtype))
        from expectations.gate import QualityGate
        from extract.reader import read_notice
        from tests.conftest import SEED
        from transform.normalize import normalize
        QualityGate().run(normalize(read_notice(SEED)))
        print("registered:", registered, flush=True)
        os._exit(0)  # as a killed process does: no exit handlers
        """
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "registered: []" in done.stdout and "leaked semaphore" not in done.stderr, done.stderr


def test_codes_are_optional_where_none_is_printed(gate, clean_frames):
    """Budgets often print no codes: a missing code alone is no failure."""

    def no_codes(f):
        f.projects[["unit_code", "department_code"]] = None

    assert not failed_errors(gate.run(_mutate(clean_frames, no_codes)))


def test_money_adds_up_with_carryover_and_is_skipped_where_only_a_total_is_printed(gate, clean_frames):
    def carryover(f):
        f.projects["carryover_funds_wan"] = 10.0
        f.projects["total_funds_wan"] = f.projects["total_funds_wan"] + 10.0

    assert not failed_errors(gate.run(_mutate(clean_frames, carryover)))

    def only_total(f):
        f.projects[["fiscal_funds_wan", "other_funds_wan", "carryover_funds_wan"]] = None

    results = gate.run(_mutate(clean_frames, only_total))
    money = next(r for r in results if r.expectation == "money_adds_up")
    assert money.success and money.observed == "3 of 3 projects print only a total: not checked"


def test_the_same_name_under_another_unit_is_another_project(gate, clean_frames):
    def same_name(f):
        f.projects.loc[1, "project_name"] = f.projects.loc[0, "project_name"]
        f.projects.loc[1, "unit_name"] = "另一个实施单位"

    assert "project_unique_in_notice" not in {
        r.expectation for r in failed_errors(gate.run(_mutate(clean_frames, same_name)))
    }
