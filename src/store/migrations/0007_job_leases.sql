-- Jobs any process can run (issue 17, item 2): a worker claims a queued job and holds it
-- under a lease it renews (heartbeats). A job whose lease ran out (its worker died) is
-- claimed again, up to max_attempts claims, then failed with its reason. Only the holder
-- of the current lease (lease_token) may write the job's end, so a worker whose lease was
-- taken over cannot write a result. A cancel of a running job is a flag the holder reads
-- with its heartbeat.
ALTER TABLE job ADD COLUMN lease_token TEXT;           -- '<worker>/<attempt>' of the holder
ALTER TABLE job ADD COLUMN lease_until_ms INTEGER;     -- Unix time, milliseconds
ALTER TABLE job ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 3;
ALTER TABLE job ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;  -- 0 | 1
-- The claim's scan: oldest queued job first, and running jobs by lease end.
CREATE INDEX job_queue ON job (state, created_at, id) WHERE state IN ('queued', 'running');
