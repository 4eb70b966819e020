"""The analyst views (DESIGN §3, a contract): their grain, key, columns and what each column means.

Analysts' SQL and the acceptance checks rely on these columns, which only ever grow. The views themselves are
created by migrations; tests compare the live views with `CONTRACT_COLUMNS`, and `docs/gen_warehouse_doc.py`
renders this module into docs/warehouse.md. Each column names the table column it shows (`table.column`).
"""

from __future__ import annotations

# contract v2 (real budget documents): v_projects and v_project_disclosures end with these
V2_PROJECT_COLUMNS = {
    "region": ("dim_source_document.region", "Region of the document (北京市, 烟台市, 中央 …)."),
    "publisher": ("dim_source_document.publisher", "The department or unit whose document it is."),
    "document_kind": (
        "dim_source_document.document_kind",
        "notice, department_budget, unit_budget or department_overall.",
    ),
    "scope": ("fact_project_budget.scope", "project, or department for a department-wide table (部门整体)."),
    "project_code": ("fact_project_budget.project_code", "Project code printed before the name, else NULL."),
    "carryover_funds_wan": ("fact_project_budget.carryover_funds_wan", "上年结转, 万元."),
    "source_page": ("fact_project_budget.source_page", "Page the project's table starts on."),
}

VIEWS: dict[str, dict] = {
    "v_projects": {
        "grain": "One row per current project-year (per budget line where a document prints a project over "
        "several money blocks). When several current documents disclose a project-year (a department budget "
        "and the budget of the unit that implements it), the row comes from one of them: a department budget, "
        "else a notice, a unit budget, a department-wide declaration; the last loaded among equals. No double "
        "counting: sum money over this view.",
        "key": "`source_sha256`, `budget_year`, `department_code`, `unit_code`, `project_name`, "
        "`period_start_year`, `period_end_year` (the fact's project × budget year × document), and the budget "
        "line. Because a correction supersedes the whole earlier file, a project-year normally appears once.",
        "columns": {
            "source_file": ("dim_source_document.file_name", "File the row comes from."),
            "source_sha256": ("dim_source_document.sha256", "That file's sha256 (joins `v_source_files`)."),
            "budget_year": ("fact_project_budget.budget_year", "Budget year."),
            "department_code": ("dim_project.department_code", "Department code."),
            "department_name": (
                "dim_department.name",
                "The department's **current** name (the `is_current` version of the code), whatever the "
                "file printed.",
            ),
            "unit_code": ("dim_project.unit_code", "Implementing unit code."),
            "unit_name": ("dim_unit.name", "Unit name (latest printed)."),
            "project_name": ("dim_project.name", "Project name."),
            "period_start_year": ("dim_project.period_start_year", "First year of the project period."),
            "period_end_year": ("dim_project.period_end_year", "Last year of the project period."),
            "total_funds_wan": ("fact_project_budget.total_funds_wan", "项目总金额, 万元."),
            "fiscal_funds_wan": ("fact_project_budget.fiscal_funds_wan", "财政拨款, 万元."),
            "other_funds_wan": ("fact_project_budget.other_funds_wan", "其他资金, 万元."),
            "performance_goal": ("fact_project_budget.performance_goal", "Performance goal text."),
            **V2_PROJECT_COLUMNS,
        },
    },
    "v_project_disclosures": {
        "grain": "One row per current project-year per current document that discloses it: the same project "
        "in a department budget and in its unit's budget is two rows here, one in `v_projects`.",
        "key": "As `v_projects`; `source_sha256` tells the documents apart.",
        "columns": "v_projects",
    },
    "v_indicator_targets": {
        "grain": "One row per current indicator row: an indicator row × project × budget year of a file whose "
        "status is `loaded`.",
        "key": "None exposed: the fact's key (document, project, `row_seq`) is not in the view. To relate a row "
        "to its project in `v_projects`, join on `source_file`, `budget_year`, `department_code`, `unit_code` "
        "and `project_name`.",
        "columns": {
            "source_file": ("dim_source_document.file_name", "File the row comes from."),
            "budget_year": ("fact_indicator_target.budget_year", "Budget year."),
            "department_code": (
                "dim_project.department_code",
                "Department code (join `dim_department` on `code` with `is_current` for the name).",
            ),
            "unit_code": ("dim_project.unit_code", "Implementing unit code."),
            "project_name": ("dim_project.name", "Project name."),
            "level1": ("dim_indicator.level1", "一级指标."),
            "level2": ("dim_indicator.level2", "二级指标."),
            "level3": ("dim_indicator.level3", "三级指标."),
            "target_text": ("fact_indicator_target.target_text", "Target as printed."),
            "comparator": ("fact_indicator_target.comparator", "`>=`, `<=`, `>`, `<`, `=`, `~` or `NULL`."),
            "target_value": ("fact_indicator_target.target_value", "Parsed number (numeric targets)."),
            "target_unit": ("fact_indicator_target.target_unit", "Unit of `target_value`."),
            "target_deadline": ("fact_indicator_target.target_deadline", "Deadline (deadline targets)."),
            "value_kind": (
                "fact_indicator_target.value_kind",
                "numeric, deadline, qualitative, text or none.",
            ),
            "source_page": ("fact_indicator_target.source_page", "Page the row was printed on."),
            "source_sha256": (
                "dim_source_document.sha256",
                "That file's sha256: the reliable key to join `v_projects` (file names need not be unique).",
            ),
            "region": ("dim_source_document.region", "Region of the document (北京市, 烟台市, 中央 …)."),
            "unit_name": ("dim_unit.name", "Implementing unit name (latest printed)."),
            "project_code": ("fact_project_budget.project_code", "Project code printed before the name."),
            "indicator_nature": (
                "fact_indicator_target.indicator_nature",
                "指标性质 / 指标方向 as printed (≥, ≤, ＝, 定性, 正向 …).",
            ),
            "weight": ("fact_indicator_target.weight", "分值 / 权重 as a number."),
            "period_target_text": (
                "fact_indicator_target.period_target_text",
                "The 实施期 (period) target printed beside the annual one.",
            ),
        },
    },
    "v_source_files": {
        "grain": "One row per ingested file version (sha256), whatever its status.",
        "key": "`source_sha256`.",
        "columns": {
            "source_file": ("dim_source_document.file_name", "File name."),
            "source_sha256": ("dim_source_document.sha256", "The file's sha256."),
            "status": ("dim_source_document.status", "See *File statuses*."),
            "reason": ("dim_source_document.reason", "Why the file has its status; `NULL` when loaded."),
            "projects": ("dim_source_document.projects", "Projects loaded from the file."),
            "indicators": ("dim_source_document.indicators", "Indicator rows loaded from the file."),
            "ingested_at": ("dim_source_document.ingested_at", "When its status was last recorded."),
            "region": (
                "dim_source_document.region",
                "Region the document names (北京市, 中央 …), or the run's.",
            ),
            "publisher": ("dim_source_document.publisher", "The department or unit whose document it is."),
            "document_kind": (
                "dim_source_document.document_kind",
                "notice, department_budget, unit_budget or department_overall.",
            ),
            "budget_year": ("dim_source_document.budget_year", "Budget year of the document."),
        },
    },
}

# a view whose "columns" names another view has that view's columns
for _spec in VIEWS.values():
    if isinstance(_spec["columns"], str):
        _spec["columns"] = VIEWS[_spec["columns"]]["columns"]

CONTRACT_COLUMNS: dict[str, list[str]] = {name: list(spec["columns"]) for name, spec in VIEWS.items()}
