-- Newest-first lists paged by keyset on (created_at, id) (issue 19): each list's order has
-- an index, so a page reads its own rows and not the table. Jobs are also listed by kind
-- (`GET /v1/plans`, `GET /v1/jobs?kind=`) and by state (`GET /v1/jobs?state=`).
CREATE INDEX job_created ON job (created_at, id);
CREATE INDEX job_kind_created ON job (kind, created_at, id);
CREATE INDEX job_state_created ON job (state, created_at, id);
CREATE INDEX forecast_run_created_id ON forecast_run (created_at, id);
CREATE INDEX experiment_created ON experiment (created_at, id);

-- The HTML report of a plan job (the page `stockroute plan` writes as report.html),
-- rendered once when the job's plan is made and stored with it, so `GET
-- /v1/plans/{id}/report` reads one row instead of rendering on request. Written once.
CREATE TABLE plan_report (
    job_id     TEXT PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,  -- RFC 3339, UTC
    html       TEXT NOT NULL
);
CREATE TRIGGER plan_report_immutable BEFORE UPDATE ON plan_report
BEGIN
    SELECT RAISE(ABORT, 'plan reports are immutable');
END;
