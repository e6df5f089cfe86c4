-- Jobs of the HTTP service (forecast, placement, plan runs in the background).
-- A job moves queued -> running -> succeeded | failed | cancelled and never back; the
-- UPDATEs that move it name the states they start from, so a late writer cannot revive a
-- finished job. Results and errors stay readable after the process ends.
CREATE TABLE job (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,  -- 'forecast' | 'placement' | 'plan'
    state           TEXT NOT NULL,  -- 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
    idempotency_key TEXT UNIQUE,    -- the client's Idempotency-Key header, if any
    request_digest  TEXT NOT NULL,  -- digest of (kind, canonical request JSON)
    request         TEXT NOT NULL,  -- JSON, as accepted
    created_at      TEXT NOT NULL,  -- RFC 3339, UTC
    started_at      TEXT,
    finished_at     TEXT,
    progress_done   INTEGER NOT NULL DEFAULT 0,
    progress_total  INTEGER NOT NULL DEFAULT 0,
    phase           TEXT,
    result          TEXT,           -- JSON, when succeeded
    error_code      TEXT,           -- when failed or cancelled
    error_message   TEXT
);
CREATE INDEX job_state ON job (state);
