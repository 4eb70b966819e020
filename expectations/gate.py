"""The data-quality gate between transform and load, written with Great Expectations (DESIGN §5).

Severity: an **error** expectation that fails quarantines the whole notice; a **warning** loads it and is
recorded. GX is imported and its context built once per process (the import alone costs seconds).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import threading
import time
import types
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from contracts.frames import NoticeFrames
from contracts.records import CheckResult
from contracts.statuses import Severity
from contracts.vocabulary import LEVEL1_ORDER, LEVEL2_ORDER
from expectations.checks import indicator_checks, project_checks


@dataclass(frozen=True)
class Check:
    """One expectation: which frame it reads, its GX class and arguments, and its severity."""

    name: str
    frame: str  # projects | indicators
    kind: str  # GX expectation class name
    kwargs: dict[str, Any]
    severity: Severity


ERROR, WARNING = Severity.ERROR, Severity.WARNING
UNIQUE_PROJECT = [
    "project_name",
    "project_code",
    "unit_name",
    "unit_code",
    "period_start_year",
    "period_end_year",
    "total_funds_wan",
]
_PAIR = {"ignore_row_if": "either_value_is_missing"}


def _between(column: str, lo: float | None = None, hi: float | None = None) -> dict[str, Any]:
    return {"column": column, "min_value": lo, "max_value": hi}


CHECKS: list[Check] = [
    Check(
        "money_adds_up",
        "projects",
        "ExpectColumnValuesToBeBetween",
        _between("money_gap", -0.01, 0.01),
        ERROR,
    ),
    Check("money_not_negative", "projects", "ExpectColumnValuesToBeBetween", _between("min_money", 0), ERROR),
    Check("project_has_name", "projects", "ExpectColumnValuesToNotBeNull", {"column": "project_name"}, ERROR),
    # codes are optional (many budgets print none); a code printed but not read is an error
    Check(
        "unit_code_read_where_printed",
        "projects",
        "ExpectColumnValuesToBeNull",
        {"column": "unit_code_missed"},
        ERROR,
    ),
    Check(
        "department_code_read_where_printed",
        "projects",
        "ExpectColumnValuesToBeNull",
        {"column": "department_code_missed"},
        ERROR,
    ),
    Check(
        "project_has_budget_year",
        "projects",
        "ExpectColumnValuesToNotBeNull",
        {"column": "budget_year"},
        ERROR,
    ),
    Check(
        "unit_code_starts_with_department_code",
        "projects",
        "ExpectColumnPairValuesToBeEqual",
        {"column_A": "unit_code_prefix", "column_B": "department_code", **_PAIR},
        ERROR,
    ),
    Check(
        "period_start_not_after_end",
        "projects",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {"column_A": "period_end_year", "column_B": "period_start_year", "or_equal": True, **_PAIR},
        ERROR,
    ),
    Check(
        "project_unique_in_notice",
        "projects",
        "ExpectCompoundColumnsToBeUnique",
        # a name merged over several money blocks prints several budget lines of one project: the money
        # tells them apart; the same name under another unit is another project
        {"column_list": UNIQUE_PROJECT},
        ERROR,
    ),
    Check(
        "project_has_indicator_rows",
        "projects",
        "ExpectColumnValuesToBeBetween",
        _between("indicator_rows", 1),
        ERROR,
    ),
    Check("period_printed", "projects", "ExpectColumnValuesToNotBeNull", {"column": "period_text"}, WARNING),
    # neither the document nor the run's configuration (--region) names the region
    Check("region_known", "projects", "ExpectColumnValuesToNotBeNull", {"column": "region"}, WARNING),
    Check(
        "budget_year_not_before_period",
        "projects",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {"column_A": "budget_year", "column_B": "period_start_year", "or_equal": True, **_PAIR},
        WARNING,
    ),
    Check(
        "budget_year_not_after_period",
        "projects",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {"column_A": "period_end_year", "column_B": "budget_year", "or_equal": True, **_PAIR},
        WARNING,
    ),
    Check(
        "project_has_output_group",
        "projects",
        "ExpectColumnValuesToBeBetween",
        _between("output_rows", 1),
        WARNING,
    ),
    Check(
        "project_has_outcome_or_satisfaction_group",
        "projects",
        "ExpectColumnValuesToBeBetween",
        _between("outcome_rows", 1),
        WARNING,
    ),
    Check(
        "cost_target_matches_total",
        "projects",
        "ExpectColumnValuesToBeBetween",
        _between("cost_target_gap", hi=0.01),
        WARNING,
    ),
    Check(
        "level1_in_vocabulary",
        "indicators",
        "ExpectColumnValuesToBeInSet",
        {"column": "level1", "value_set": list(LEVEL1_ORDER)},
        WARNING,
    ),
    Check(
        "level2_in_vocabulary",
        "indicators",
        "ExpectColumnValuesToBeInSet",
        {"column": "level2", "value_set": list(LEVEL2_ORDER)},
        WARNING,
    ),
    Check(
        "percent_target_within_0_100",
        "indicators",
        "ExpectColumnValuesToBeBetween",
        _between("percent_target", 0, 100),
        WARNING,
    ),
    Check(
        "deadline_within_budget_year_1",
        "indicators",
        "ExpectColumnValuesToBeBetween",
        _between("deadline_year_offset", -1, 1),
        WARNING,
    ),
]
SUITES = {"projects": "notice_projects", "indicators": "notice_indicators"}


class QualityGate:
    """Runs the suites on one notice's frames; one GX context per process, suites registered once.

    `run` validates and returns the results (recorded in the warehouse). With `docs_dir`, `write_docs`
    runs a quarantined notice through a GX checkpoint whose action renders Data Docs (HTML) into that folder
    (`index.html` lists them); only quarantined notices get them, which keeps the gate's cost flat.
    """

    def __init__(self, docs_dir: Path | None = None) -> None:
        self.docs_dir = docs_dir
        self._lock = threading.Lock()
        self._ready = False

    def _setup(self) -> None:
        gx = _import_gx()
        from great_expectations.checkpoint import UpdateDataDocsAction
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.expectations.metadata_types import FailureSeverity

        # this module pins its own logger at INFO and announces a temporary docs folder on every context
        logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
        _thread_lock_for_progress_bars()

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        if self.docs_dir is not None:
            self.docs_dir.mkdir(parents=True, exist_ok=True)
            context.add_data_docs_site(
                site_name=DOCS_SITE,
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(self.docs_dir.resolve()),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
        source = context.data_sources.add_or_update_pandas("notices")
        self._batches = {}
        self._suites = {}
        self._checkpoints = {}
        self._expectations = {}
        for frame, suite_name in SUITES.items():
            asset = source.add_dataframe_asset(frame)
            self._batches[frame] = asset.add_batch_definition_whole_dataframe(f"{frame}_whole")
            suite = context.suites.add_or_update(gx.ExpectationSuite(name=suite_name))
            for check in (c for c in CHECKS if c.frame == frame):
                severity = FailureSeverity.CRITICAL if check.severity == ERROR else FailureSeverity.WARNING
                exp = getattr(gx.expectations, check.kind)(
                    **check.kwargs, severity=severity, meta={"check": check.name}
                )
                self._expectations[check.name] = suite.add_expectation(exp)
            suite.save()
            self._suites[frame] = suite
            if self.docs_dir is not None:
                definition = context.validation_definitions.add(
                    gx.ValidationDefinition(name=f"{frame}_gate", data=self._batches[frame], suite=suite)
                )
                self._checkpoints[frame] = context.checkpoints.add(
                    gx.Checkpoint(
                        name=f"{frame}_gate",
                        validation_definitions=[definition],
                        actions=[UpdateDataDocsAction(name="data_docs", site_names=[DOCS_SITE])],
                        result_format=_result_format(frame),
                    )
                )
        self._ready = True

    def prepare(self) -> None:
        """Import GX and build the context now (seconds, once per process) rather than in the first run."""
        with self._lock:
            if not self._ready:
                self._setup()

    def run(self, frames: NoticeFrames, timings: dict | None = None) -> list[CheckResult]:
        """Validate one notice. The time spent validating (not waiting for another notice's validation) is
        added to `timings["gate"]`."""
        with self._lock, _timed(timings, "gate"):
            if not self._ready:
                self._setup()
            out: list[CheckResult] = []
            for frame, df in _check_frames(frames).items():
                for r in self._validate(frame, _plain(df)):
                    check = _check_named(r.expectation_config.meta["check"])
                    out.append(
                        CheckResult(
                            suite=SUITES[frame],
                            expectation=check.name,
                            severity=check.severity,
                            success=bool(r.success),
                            observed=_observed(check, r.result, df),
                            unexpected_sample=_sample(r.result),
                        )
                    )
            return out

    def _validate(self, frame: str, df: pd.DataFrame) -> list:
        """The suite's results; a failed expectation's result carries its failing rows and values.

        Collecting failing rows costs more than the check itself (COMPLETE is 2.4× BOOLEAN_ONLY per notice),
        and most notices pass: so the suite runs with BOOLEAN_ONLY, and only what failed runs again, alone,
        with COMPLETE."""
        batch = self._batches[frame].get_batch(batch_parameters={"dataframe": df})
        results = batch.validate(self._suites[frame], result_format="BOOLEAN_ONLY").results
        return [
            r
            if r.success
            else batch.validate(
                self._expectations[r.expectation_config.meta["check"]], result_format=_result_format(frame)
            )
            for r in results
        ]

    def write_docs(self, frames: NoticeFrames, label: str, results: list[CheckResult]) -> None:
        """Data Docs for a quarantined notice: each suite with a failed error-level check is run through its
        checkpoint; `label` (the file name) names the run in the docs."""
        if self.docs_dir is None:
            return
        failing = {r.suite for r in failed_errors(results)}
        with self._lock:
            if not self._ready:
                self._setup()
            from great_expectations.core.run_identifier import RunIdentifier

            for frame, df in _check_frames(frames).items():
                if SUITES[frame] in failing:
                    self._checkpoints[frame].run(
                        batch_parameters={"dataframe": _plain(df)}, run_id=RunIdentifier(run_name=label)
                    )


DOCS_SITE = "notices"


def _thread_lock_for_progress_bars() -> None:
    """GX opens a tqdm progress bar on every validation, shown or not, and tqdm's first bar creates a lock
    shared between processes: a named POSIX semaphore, registered with multiprocessing's resource tracker
    when the process was started by spawn (the reader processes, Dask's workers). A process that ends
    without running its exit handlers (killed at a pool's or a cluster's stop, or by its memory cap) leaves
    it registered, and the tracker warns `There appear to be 1 leaked semaphore objects` when the run ends.
    Bars are never shared between processes here (they are off): a thread lock is all they need."""
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())


# Importing GX imports every expectation class it ships, and one of them (the KL-divergence expectation)
# imports scipy.stats and altair at module level: ~40 % of the GX import, ~1 s of CPU and ~75 MB of memory
# in every reader process (217 → 142 MB after `import great_expectations`). No check here uses them: GX is
# imported with stand-ins for them (`_import_gx`), which import the real module if that expectation is ever
# used. (importlib's LazyLoader cannot do this on Python 3.11: the import statement reads `__spec__` of the
# module it finds in sys.modules, and that read loads it.)
DEFERRED_BY_GX = ("scipy.stats", "altair")


class _DeferredModule(types.ModuleType):
    """Bound where a module was imported while it was deferred; imports the real module when one of its
    attributes is first used, and forwards to it."""

    def __getattr__(self, attr: str):
        real = self.__dict__.get("_deferred_real")
        if real is None:
            with _deferred_lock:
                real = self.__dict__.get("_deferred_real")
                if real is None:
                    if sys.modules.get(self.__name__) is self:  # used while GX is still being imported
                        del sys.modules[self.__name__]
                    real = importlib.import_module(self.__name__)
                    self.__dict__["_deferred_real"] = real
        return getattr(real, attr)


_deferred_lock = threading.RLock()


def _import_gx():
    """`import great_expectations` with `DEFERRED_BY_GX` deferred. The stand-ins are in `sys.modules` only
    during this import, so every later import of those modules anywhere gets the real thing."""
    with _deferred_lock:
        if "great_expectations" in sys.modules:
            return importlib.import_module("great_expectations")
        installed = {}
        for name in DEFERRED_BY_GX:
            if name not in sys.modules and importlib.util.find_spec(name.partition(".")[0]) is not None:
                installed[name] = sys.modules[name] = _DeferredModule(name)
                parent, _, child = name.rpartition(".")
                if parent:  # `from scipy import stats` reads the package's attribute
                    setattr(importlib.import_module(parent), child, installed[name])
        try:
            return importlib.import_module("great_expectations")
        finally:
            for name, stand_in in installed.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]
                parent, _, child = name.rpartition(".")
                if parent and getattr(sys.modules.get(parent), child, None) is stand_in:
                    delattr(sys.modules[parent], child)


def _check_frames(frames: NoticeFrames) -> dict[str, pd.DataFrame]:
    """The frames the suites read (derived columns added); a notice without indicators skips that suite."""
    data = {"projects": project_checks(frames), "indicators": indicator_checks(frames)}
    return {frame: df for frame, df in data.items() if not (frame == "indicators" and df.empty)}


@contextmanager
def _timed(timings: dict | None, key: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[key] = round(timings.get(key, 0.0) + time.perf_counter() - started, 4)


def _result_format(frame: str) -> dict:
    return {
        "result_format": "COMPLETE",
        "unexpected_index_column_names": ["project_seq"] + (["row_seq"] if frame == "indicators" else []),
    }


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """GX's pandas engine wants plain object/float columns, not pandas' nullable extension dtypes."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.api.extensions.ExtensionDtype) and out[col].dtype.kind in "fiub":
            out[col] = out[col].astype("float64") if out[col].dtype.kind == "f" else out[col].astype(object)
    return out.astype({c: object for c in out.columns if out[c].dtype == bool})


@cache
def _check_named(name: str) -> Check:
    return next(c for c in CHECKS if c.name == name)


def _sample(result: dict) -> list:
    rows = result.get("unexpected_index_list") or result.get("partial_unexpected_list") or []
    return list(rows)[:20]


def _observed(check: Check, result: dict, df: pd.DataFrame) -> str | None:
    """The observed values beside the rule, e.g. 'money_gap=[12.5] (allowed -0.01..0.01)' or
    'period_end_year >= period_start_year: [(2019, 2030)]'."""
    values = result.get("partial_unexpected_list")
    kw = check.kwargs
    if check.kind == "ExpectColumnValuesToNotBeNull":
        count = result.get("unexpected_count", 0)
        return f"{count} of {len(df)} rows without {kw['column']}" if count else None
    if check.name == "money_adds_up" and df["money_gap"].isna().any():
        note = f"{int(df['money_gap'].isna().sum())} of {len(df)} projects print only a total: not checked"
        return note if not values else f"money_gap={[_plain_value(v) for v in values[:10]]}; {note}"
    if not values:
        return None
    shown = [_plain_value(v) for v in values[:10]]
    if check.kind == "ExpectColumnValuesToBeBetween":
        lo, hi = kw.get("min_value"), kw.get("max_value")
        return f"{kw['column']}={shown} (allowed {_bound(lo, '-inf')}..{_bound(hi, 'inf')})"
    if check.kind == "ExpectColumnPairValuesAToBeGreaterThanB":
        rule = ">=" if kw.get("or_equal") else ">"
        return f"{kw['column_A']} {rule} {kw['column_B']}: {shown}"
    if check.kind == "ExpectColumnPairValuesToBeEqual":
        return f"{kw['column_A']} = {kw['column_B']}: {shown}"
    if check.kind == "ExpectCompoundColumnsToBeUnique":
        return f"{', '.join(kw['column_list'])} repeated: {shown}"
    return f"{kw.get('column')}: {len(values)} unexpected of {len(df)}: {shown}"


def _plain_value(value):
    """numpy scalars (np.int64(2019)) as the Python values they hold, pairs as tuples: readable reasons."""
    if isinstance(value, list | tuple):
        return tuple(_plain_value(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain_value(v) for k, v in value.items()}
    return value.item() if hasattr(value, "item") else value


def _bound(value, none: str) -> str:
    return none if value is None else f"{value:g}"


def failed_errors(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.failed_error]


def quarantine_reason(results: list[CheckResult]) -> str:
    return "; ".join(f"{r.expectation}: {r.observed or 'failed'}" for r in failed_errors(results))
