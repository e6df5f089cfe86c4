-- Keyset-paged lists and plan reports (as SQLite's 0004_lists_and_reports.sql).
CREATE INDEX job_created ON job (created_at, id);
CREATE INDEX job_kind_created ON job (kind, created_at, id);
CREATE INDEX job_state_created ON job (state, created_at, id);

CREATE INDEX forecast_run_created_id ON forecast_run (created_at, id);
CREATE INDEX experiment_created ON experiment (created_at, id);

CREATE TABLE plan_report (
    job_id     TEXT COLLATE "C" PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    html       TEXT NOT NULL
);
CREATE TRIGGER plan_report_immutable BEFORE UPDATE ON plan_report
    FOR EACH ROW EXECUTE FUNCTION stockroute_refuse_update();

