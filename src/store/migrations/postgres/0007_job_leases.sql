-- Jobs any process can run: leases, attempts, cancel requests (see the SQLite migration of
-- the same number). Lease times are the database server's clock, so workers on machines
-- whose clocks differ still agree on when a lease ran out.
ALTER TABLE job ADD COLUMN lease_token TEXT;
ALTER TABLE job ADD COLUMN lease_until_ms BIGINT;
ALTER TABLE job ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 3;
ALTER TABLE job ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX job_queue ON job (state, created_at, id) WHERE state IN ('queued', 'running');
