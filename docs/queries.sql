-- Analyst questions over the budget performance-target warehouse.
--
-- Each query starts with a `-- name: short_name` line and the question in plain words. Every query runs
-- unchanged on SQLite and on PostgreSQL: tests/test_docs.py runs each one on both databases against the
-- sample notices and compares the answers. Tables, views and columns are described in docs/warehouse.md
-- (see its last section for the portability rules these queries follow).
--
--   sqlite3 warehouse.db < docs/queries.sql            (all of them)
--   psql "$NOTICES_WAREHOUSE_URL" -f docs/queries.sql
--
-- Money is in 万元. Codes are text. The contract views (v_projects, v_indicator_targets, v_source_files) show
-- only current files: superseded, rejected and quarantined files are already left out.


-- name: money_by_department_year
-- How much money does each department plan per budget year — total, fiscal appropriation and other funds
-- (万元) — over how many projects, and what share of it is fiscal money?
SELECT budget_year,
       department_code,
       department_name,
       COUNT(*) AS projects,
       SUM(total_funds_wan) AS total_funds_wan,
       SUM(fiscal_funds_wan) AS fiscal_funds_wan,
       COALESCE(SUM(other_funds_wan), 0) AS other_funds_wan,
       ROUND(100.0 * SUM(fiscal_funds_wan) / NULLIF(SUM(total_funds_wan), 0), 1) AS fiscal_share_pct
FROM v_projects
GROUP BY budget_year, department_code, department_name
ORDER BY budget_year, department_code;


-- name: largest_projects
-- Which ten project-years have the largest total funds, and who runs them?
SELECT budget_year,
       department_name,
       unit_name,
       project_name,
       period_start_year,
       period_end_year,
       total_funds_wan,
       fiscal_funds_wan,
       other_funds_wan
FROM v_projects
WHERE total_funds_wan IS NOT NULL
ORDER BY total_funds_wan DESC, budget_year, department_code, unit_code, project_name
LIMIT 10;


-- name: satisfaction_below_95
-- Which projects promise a service-recipient satisfaction (服务对象满意度指标, in %) below 95 %?
SELECT t.budget_year,
       t.department_code,
       d.name AS department_name,
       t.unit_code,
       t.project_name,
       t.level3,
       t.target_text,
       t.comparator,
       t.target_value,
       t.source_file,
       t.source_page
FROM v_indicator_targets t
JOIN dim_department d ON d.code = t.department_code AND d.is_current
WHERE t.level2 = '服务对象满意度指标'
  AND t.target_unit = '%'
  AND t.target_value < 95
ORDER BY t.target_value, t.budget_year, t.department_code, t.project_name;


-- name: cost_target_differs_from_total
-- Which projects state a cost target (成本指标) in 万元 that differs from the project's total funds?
-- (The same comparison as the data-quality warning cost_target_matches_total; tolerance 0.01 万元.)
SELECT p.budget_year,
       p.department_code,
       p.department_name,
       p.unit_code,
       p.project_name,
       p.total_funds_wan,
       t.level1,
       t.level2,
       t.level3,
       t.target_text,
       t.target_value AS cost_target_wan,
       t.target_value - p.total_funds_wan AS difference_wan,
       p.source_file
FROM v_projects p
JOIN v_indicator_targets t
  ON t.source_file = p.source_file
 AND t.budget_year = p.budget_year
 AND t.department_code = p.department_code
 AND t.unit_code = p.unit_code
 AND t.project_name = p.project_name
WHERE (t.level1 = '成本指标' OR t.level2 IN ('成本指标', '经济成本指标', '社会成本指标', '生态环境成本指标'))
  AND t.target_unit = '万元'
  AND t.target_value IS NOT NULL
  AND p.total_funds_wan IS NOT NULL
  AND ABS(t.target_value - p.total_funds_wan) > 0.01
ORDER BY p.budget_year, p.department_code, p.unit_code, p.project_name, t.level3;


-- name: multi_year_target_changes
-- For projects disclosed in several budget years (same department, unit and project name), how did each
-- indicator's target change from one year to the next? change is first, same or changed.
WITH multi_year AS (
    SELECT department_code, unit_code, project_name
    FROM v_projects
    GROUP BY department_code, unit_code, project_name
    HAVING COUNT(DISTINCT budget_year) > 1
),
targets AS (
    SELECT t.department_code,
           t.unit_code,
           t.project_name,
           t.level1,
           t.level2,
           t.level3,
           t.budget_year,
           t.target_text,
           LAG(t.budget_year) OVER (
               PARTITION BY t.department_code, t.unit_code, t.project_name, t.level1, t.level2, t.level3
               ORDER BY t.budget_year, COALESCE(t.target_text, '')
           ) AS previous_year,
           LAG(t.target_text) OVER (
               PARTITION BY t.department_code, t.unit_code, t.project_name, t.level1, t.level2, t.level3
               ORDER BY t.budget_year, COALESCE(t.target_text, '')
           ) AS previous_target_text
    FROM v_indicator_targets t
    JOIN multi_year m
      ON m.department_code = t.department_code
     AND m.unit_code = t.unit_code
     AND m.project_name = t.project_name
)
SELECT department_code,
       unit_code,
       project_name,
       level1,
       level2,
       level3,
       budget_year,
       target_text,
       previous_year,
       previous_target_text,
       CASE
           WHEN previous_year IS NULL THEN 'first'
           WHEN COALESCE(previous_target_text, '') = COALESCE(target_text, '') THEN 'same'
           ELSE 'changed'
       END AS change
FROM targets
ORDER BY department_code, unit_code, project_name, level1, level2, level3, budget_year;


-- name: renamed_departments_and_projects
-- Which departments were renamed within the loaded years (more than one version in dim_department), what
-- was each name valid for, and which projects were disclosed under each name?
SELECT d.code AS department_code,
       d.name AS name_printed,
       d.valid_from_year,
       d.valid_to_year,
       CASE WHEN d.is_current THEN 'yes' ELSE 'no' END AS is_current,
       cur.name AS current_name,
       d.former_names,
       f.budget_year,
       p.unit_code,
       p.name AS project_name,
       f.total_funds_wan
FROM dim_department d
JOIN dim_department cur ON cur.code = d.code AND cur.is_current
LEFT JOIN fact_project_budget f
  ON f.department_id = d.department_id
 AND f.document_id IN (SELECT document_id FROM dim_source_document WHERE status = 'loaded')
LEFT JOIN dim_project p ON p.project_id = f.project_id
WHERE d.code IN (SELECT code FROM dim_department GROUP BY code HAVING COUNT(*) > 1)
ORDER BY d.code, d.valid_from_year, f.budget_year, p.unit_code, p.name;


-- name: deadlines_by_month
-- In which months do deadline targets fall (e.g. 2019年6月30日前), and for how many projects and departments?
SELECT substr(CAST(target_deadline AS TEXT), 1, 7) AS deadline_month,
       COUNT(*) AS deadline_targets,
       COUNT(DISTINCT department_code || '/' || unit_code || '/' || project_name) AS projects,
       COUNT(DISTINCT department_code) AS departments
FROM v_indicator_targets
WHERE target_deadline IS NOT NULL
GROUP BY substr(CAST(target_deadline AS TEXT), 1, 7)
ORDER BY deadline_month;


-- name: indicators_per_level
-- How many indicator rows are there per level1 / level2, over how many distinct level3 names and projects?
SELECT level1,
       level2,
       COUNT(*) AS indicator_rows,
       COUNT(DISTINCT level3) AS distinct_level3,
       COUNT(DISTINCT department_code || '/' || unit_code || '/' || project_name) AS projects
FROM v_indicator_targets
GROUP BY level1, level2
ORDER BY level1, level2;


-- name: value_kinds_by_department
-- Per department, how are its indicator targets expressed: numeric, deadline, qualitative, free text or none,
-- and what share is machine-comparable (numeric or deadline)?
SELECT t.department_code,
       d.name AS department_name,
       COUNT(*) AS indicator_rows,
       SUM(CASE WHEN t.value_kind = 'numeric' THEN 1 ELSE 0 END) AS numeric_rows,
       SUM(CASE WHEN t.value_kind = 'deadline' THEN 1 ELSE 0 END) AS deadline_rows,
       SUM(CASE WHEN t.value_kind = 'qualitative' THEN 1 ELSE 0 END) AS qualitative_rows,
       SUM(CASE WHEN t.value_kind = 'text' THEN 1 ELSE 0 END) AS text_rows,
       SUM(CASE WHEN t.value_kind = 'none' THEN 1 ELSE 0 END) AS none_rows,
       ROUND(100.0 * SUM(CASE WHEN t.value_kind IN ('numeric', 'deadline') THEN 1 ELSE 0 END) / COUNT(*), 1)
           AS comparable_pct
FROM v_indicator_targets t
JOIN dim_department d ON d.code = t.department_code AND d.is_current
GROUP BY t.department_code, d.name
ORDER BY t.department_code;


-- name: files_by_status
-- How many files ended in each status, and how many projects and indicator rows did they bring?
SELECT status,
       COUNT(*) AS files,
       SUM(projects) AS projects,
       SUM(indicators) AS indicators,
       MAX(ingested_at) AS last_recorded_at
FROM v_source_files
GROUP BY status
ORDER BY status;


-- name: quarantined_files
-- Which files were quarantined, why, which error-level checks failed, and are their extracted rows kept for
-- inspection? (One row per quarantined file and failed check.)
SELECT f.source_file,
       f.source_sha256,
       f.reason,
       f.ingested_at,
       r.expectation AS failed_check,
       r.severity,
       r.observed,
       CASE WHEN q.quarantine_id IS NULL THEN 'no' ELSE 'yes' END AS rows_kept
FROM v_source_files f
LEFT JOIN ops_quality_result r
  ON r.sha256 = f.source_sha256
 AND NOT r.success
 AND r.severity = 'error'
LEFT JOIN ops_quarantine q ON q.sha256 = f.source_sha256
WHERE f.status = 'quarantined'
ORDER BY f.source_file, r.expectation;


-- name: quality_failures_by_check
-- Which data-quality checks fail most often, at which severity, and on how many files?
SELECT suite,
       expectation,
       severity,
       COUNT(*) AS failures,
       COUNT(DISTINCT sha256) AS files
FROM ops_quality_result
WHERE NOT success
GROUP BY suite, expectation, severity
ORDER BY COUNT(*) DESC, suite, expectation, severity;


-- name: latest_runs
-- What did the latest ingest runs do: when, with what outcome, how many files seen and skipped, files by
-- status, and how many projects and indicator rows they loaded?
SELECT r.run_id,
       r.started_at,
       r.finished_at,
       r.status,
       r.files_seen,
       r.files_skipped,
       CAST(r.counts AS TEXT) AS counts_by_status,
       COALESCE(e.events, 0) AS file_events,
       COALESCE(e.loaded, 0) AS loaded,
       COALESCE(e.superseded, 0) AS superseded,
       COALESCE(e.quarantined, 0) AS quarantined,
       COALESCE(e.rejected, 0) AS rejected,
       COALESCE(e.failed, 0) AS failed,
       COALESCE(e.skipped, 0) AS skipped,
       COALESCE(l.projects, 0) AS projects_loaded,
       COALESCE(l.indicators, 0) AS indicators_loaded,
       r.error
FROM ops_run r
LEFT JOIN (
    SELECT run_id,
           COUNT(*) AS events,
           SUM(CASE WHEN status = 'loaded' THEN 1 ELSE 0 END) AS loaded,
           SUM(CASE WHEN status = 'superseded' THEN 1 ELSE 0 END) AS superseded,
           SUM(CASE WHEN status = 'quarantined' THEN 1 ELSE 0 END) AS quarantined,
           SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END) AS rejected,
           SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
           SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END) AS skipped
    FROM ops_file_event
    GROUP BY run_id
) e ON e.run_id = r.run_id
LEFT JOIN (
    SELECT run_id, SUM(projects) AS projects, SUM(indicators) AS indicators
    FROM dim_source_document
    WHERE status IN ('loaded', 'superseded')
    GROUP BY run_id
) l ON l.run_id = r.run_id
ORDER BY r.started_at DESC, r.run_id DESC
LIMIT 20;


-- name: money_by_region_and_kind
-- How much project money do the documents of each region plan, by kind of document? v_projects shows a
-- project-year once even when a department budget and its unit's budget both disclose it.
SELECT COALESCE(region, '(not named)') AS region,
       document_kind,
       COUNT(DISTINCT source_sha256) AS documents,
       COUNT(*) AS projects,
       SUM(total_funds_wan) AS total_funds_wan,
       SUM(CASE WHEN scope = 'department' THEN 1 ELSE 0 END) AS department_wide_tables
FROM v_projects
GROUP BY COALESCE(region, '(not named)'), document_kind
ORDER BY region, document_kind;


-- name: satisfaction_targets_by_region
-- How demanding are satisfaction targets in each region: how many percentages, their average, the lowest?
SELECT COALESCE(region, '(not named)') AS region,
       COUNT(*) AS targets,
       ROUND(CAST(AVG(target_value) AS NUMERIC), 1) AS average_pct,
       MIN(target_value) AS lowest_pct
FROM v_indicator_targets
WHERE level1 = '满意度指标' AND target_unit = '%' AND target_value IS NOT NULL
GROUP BY COALESCE(region, '(not named)')
ORDER BY region;


-- name: numeric_share_by_publisher
-- Which publishers state their targets as measurable figures? The share of numeric targets per document
-- publisher, most measurable first.
SELECT COALESCE(s.region, '(not named)') AS region,
       COALESCE(s.publisher, '(not named)') AS publisher,
       s.document_kind,
       COUNT(*) AS targets,
       SUM(CASE WHEN t.value_kind = 'numeric' THEN 1 ELSE 0 END) AS numeric_targets,
       ROUND(100.0 * SUM(CASE WHEN t.value_kind = 'numeric' THEN 1 ELSE 0 END) / COUNT(*), 1) AS numeric_share_pct
FROM v_indicator_targets t
JOIN v_source_files s ON s.source_sha256 = t.source_sha256
GROUP BY COALESCE(s.region, '(not named)'), COALESCE(s.publisher, '(not named)'), s.document_kind
ORDER BY numeric_share_pct DESC, publisher;
