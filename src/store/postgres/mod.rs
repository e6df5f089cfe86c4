//! The shared backend: one PostgreSQL database that several processes use at once.
//!
//! SQLite is the embedded default (one file, one owning process); this backend is for
//! several `serve` instances and workers on one store. It implements the same traits with
//! the same behaviour, and the same test suite runs against both (`test_backends`):
//! immutable runs (triggers), atomic writes (one transaction per write, rolled back when
//! dropped), idempotency keys (a UNIQUE column decides), the same [`StoreError`] variants,
//! the same orders (text columns use the `"C"` collation, so `ORDER BY` is byte order, as
//! in SQLite, whatever the database's locale) and the same keyset pages.
//!
//! # Driver
//! The synchronous `postgres` crate with the `r2d2_postgres` pool. The store traits are
//! synchronous and the service already calls them from `spawn_blocking` (the CLI calls
//! them directly), so an async driver would only be wrapped back into blocking calls; the
//! `postgres` crate is tokio-postgres (tokio is already in the tree) plus a small blocking
//! shell, and r2d2 is a small pool. sqlx would bring its macros, its own pool and its
//! runtime glue for one backend, for a longer cold build. TLS is left out (`NoTls`): the
//! store talks to a database on its own network; adding `postgres-native-tls` later is a
//! change in [`PgStore::open`] alone.
//!
//! # Schema and migrations
//! The tables mirror SQLite's (`migrations/postgres/`; TEXT for ids, times and JSON, so the
//! row parsing is shared with the SQLite backend) except where PostgreSQL has the better
//! type: `DOUBLE PRECISION[]` for quantiles. The version is the one row of
//! `stockroute_schema`; pending migrations are applied at open in one transaction that
//! first takes a transaction-level advisory lock keyed by the schema, so two processes
//! opening a new database at once apply them once (the second waits, then finds them
//! applied). The schema is the connection's `search_path`: a URL can name one
//! (`?options=-csearch_path%3Dname`), which is how the tests get a fresh schema each.
//!
//! # Jobs, leases and owners
//! Jobs are claimed by any process on the database (`serve` job workers, `stockroute
//! worker`s) with `FOR UPDATE SKIP LOCKED` and held under leases their holders renew
//! (`store::queue`, `queue.rs` here): a dead worker's job is retried once its lease has
//! run out, so no process fails queued jobs at start-up, and a restart touches no other
//! process's work. What is left of owners: every store has an owner name, written on the
//! jobs and experiments it creates; [`PgStore::open_owned`] (the service) holds a session
//! advisory lock on that name for the store's lifetime on a connection of its own.
//! [`JobStore::fail_unfinished`](super::JobStore::fail_unfinished) fails only the running
//! jobs started without a lease ([`JobStore::start_job`](super::JobStore::start_job)) whose
//! owner's lock nobody holds, and `abort_unfinished` the experiments of such owners: the
//! server releases a session's locks when the session ends, so a crashed process's records
//! are found and a live one's are left alone. The liveness test is in one place
//! ([`OWNER_IS_DEAD`]).

mod forecast;
mod jobs;
mod queue;
mod url;

pub(crate) use url::redact;

use super::StoreError;
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Schema migrations, in order; the version is how many are applied. One file per SQLite
/// migration, with its number, so both backends count versions alike: an area that adds
/// a SQLite migration adds the PostgreSQL one of the same number.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/postgres/0001_init.sql"),
    include_str!("../migrations/postgres/0002_jobs.sql"),
    include_str!("../migrations/postgres/0003_experiments.sql"),
    include_str!("../migrations/postgres/0004_lists_and_reports.sql"),
    include_str!("../migrations/postgres/0005_lead_time_quantiles.sql"),
    include_str!("../migrations/postgres/0006_plan_states.sql"),
    include_str!("../migrations/postgres/0007_job_leases.sql"),
];

/// Connections the pool keeps at most (the service's job workers, readers and the CLI).
const POOL_SIZE: u32 = 8;

/// How long a connection (or a free one from the pool) is waited for.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// SQL condition, over a table's `owner` column, true when no session holds the owner's
/// advisory lock (the owner process is gone, or never held one). `pg_locks` shows the
/// locks of every session; a bigint advisory key is split into `classid` (high 32 bits)
/// and `objid` (low 32 bits), with `objsubid = 1`.
pub(crate) const OWNER_IS_DEAD: &str = "(owner IS NULL OR NOT EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND (l.classid::bigint << 32) | l.objid::bigint = hashtextextended(owner, 0)))";

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
pub(crate) type Conn = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// The store in a PostgreSQL database (see the module docs).
pub struct PgStore {
    /// The URL with its password replaced, for messages.
    url: String,
    pool: Pool,
    /// Written on the jobs and experiments this store creates.
    owner: String,
    /// The session that holds the owner's advisory lock ([`PgStore::open_owned`]); never
    /// used again, only kept open (the mutex makes the store `Sync`).
    _owner_session: Option<Mutex<postgres::Client>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("url", &self.url).field("owner", &self.owner).finish()
    }
}

/// A new owner name: the process id plus 32 bits of the clock and a counter, so two stores
/// of one process (tests) and processes on two machines get different names.
fn new_owner() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let salt = [COUNTER.fetch_add(1, Ordering::Relaxed), nanos];
    for b in salt.iter().flat_map(|v| v.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("pid{}-{:08x}", std::process::id(), h as u32)
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://` or `postgresql://`), and applies any
    /// pending migrations.
    ///
    /// # Errors
    /// [`StoreError::BadUrl`], [`StoreError::Connect`] (both name the URL without its
    /// password), [`StoreError::SchemaTooNew`] for a database of a newer build,
    /// [`StoreError::Postgres`].
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let shown = redact(url);
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            StoreError::BadUrl { url: shown.clone(), reason: e.to_string() }
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("stockroute");
        }
        let connect_error = |message: String| StoreError::Connect { url: shown.clone(), message };
        // One direct connection first: an unreachable server is one clear error at once,
        // not a pool's timeout.
        let mut first = config.connect(NoTls).map_err(|e| connect_error(chain(&e)))?;
        migrate(&mut first)?;
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(CONNECT_TIMEOUT)
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(|e| connect_error(e.to_string()))?;
        Ok(Self { url: shown, pool, owner: new_owner(), _owner_session: None })
    }

    /// Opens the store as an owner of the jobs and experiments it creates (the service):
    /// as [`PgStore::open`], plus a connection that holds the owner's advisory lock until
    /// the store is dropped, so other processes see these records as live (module docs).
    /// Unlike SQLite's, any number of owners may share the database.
    ///
    /// # Errors
    /// Those of [`PgStore::open`].
    pub fn open_owned(url: &str) -> Result<Self, StoreError> {
        let mut store = Self::open(url)?;
        let config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            StoreError::BadUrl { url: store.url.clone(), reason: e.to_string() }
        })?;
        let mut session = config
            .connect(NoTls)
            .map_err(|e| StoreError::Connect { url: store.url.clone(), message: chain(&e) })?;
        session.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", &[&store.owner])?;
        store._owner_session = Some(Mutex::new(session));
        Ok(store)
    }

    /// The URL, its password replaced by `***`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The owner name written on the jobs and experiments this store creates.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The schema version of the database.
    ///
    /// # Errors
    /// [`StoreError::Connect`], [`StoreError::Postgres`].
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn()?.query_one("SELECT version FROM stockroute_schema", &[])?.try_get(0)?)
    }

    /// A pooled connection.
    ///
    /// # Errors
    /// [`StoreError::Connect`] when none is free or can be made in time.
    pub(crate) fn conn(&self) -> Result<Conn, StoreError> {
        self.pool
            .get()
            .map_err(|e| StoreError::Connect { url: self.url.clone(), message: e.to_string() })
    }
}

/// An error with its causes ("error connecting to server: Connection refused").
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

fn migrate(client: &mut postgres::Client) -> Result<(), StoreError> {
    let mut tx = client.transaction()?;
    // Serialises migrations of this schema across processes; released at commit.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('stockroute.migrate.' || current_schema(), 0))",
        &[],
    )?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS stockroute_schema (version BIGINT NOT NULL); \
         INSERT INTO stockroute_schema (version) \
         SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM stockroute_schema)",
    )?;
    let version: i64 = tx.query_one("SELECT version FROM stockroute_schema", &[])?.try_get(0)?;
    let supported = MIGRATIONS.len() as i64;
    if version > supported {
        return Err(StoreError::SchemaTooNew { found: version, supported });
    }
    for sql in MIGRATIONS.iter().skip(usize::try_from(version).unwrap_or(0)) {
        tx.batch_execute(sql)?;
    }
    tx.execute("UPDATE stockroute_schema SET version = $1", &[&supported])?;
    tx.commit()?;
    Ok(())
}
