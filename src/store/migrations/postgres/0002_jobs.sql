-- Jobs of the HTTP service (as SQLite's 0002_jobs.sql), with their owner.
CREATE TABLE job (
    id              TEXT COLLATE "C" PRIMARY KEY,
    kind            TEXT COLLATE "C" NOT NULL,
    state           TEXT COLLATE "C" NOT NULL,
    idempotency_key TEXT UNIQUE,
    request_digest  TEXT NOT NULL,
    request         TEXT NOT NULL,               -- JSON
    created_at      TEXT COLLATE "C" NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    progress_done   BIGINT NOT NULL DEFAULT 0,
    progress_total  BIGINT NOT NULL DEFAULT 0,
    phase           TEXT,
    result          TEXT,                        -- JSON
    error_code      TEXT,
    error_message   TEXT,
    owner           TEXT
);
CREATE INDEX job_state ON job (state);
