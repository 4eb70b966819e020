"""The analyst views' columns (DESIGN §3, a contract): analysts' SQL and the acceptance checks rely on them.

The views themselves are created by migrations; tests compare the live views with these lists, which only grow.
"""

from __future__ import annotations

CONTRACT_COLUMNS: dict[str, list[str]] = {
    "v_projects": [
        "source_file",
        "source_sha256",
        "budget_year",
        "department_code",
        "department_name",
        "unit_code",
        "unit_name",
        "project_name",
        "period_start_year",
        "period_end_year",
        "total_funds_wan",
        "fiscal_funds_wan",
        "other_funds_wan",
        "performance_goal",
    ],
    "v_indicator_targets": [
        "source_file",
        "budget_year",
        "department_code",
        "unit_code",
        "project_name",
        "level1",
        "level2",
        "level3",
        "target_text",
        "comparator",
        "target_value",
        "target_unit",
        "target_deadline",
        "value_kind",
        "source_page",
        "source_sha256",
    ],
    "v_source_files": [
        "source_file",
        "source_sha256",
        "status",
        "reason",
        "projects",
        "indicators",
        "ingested_at",
    ],
}
