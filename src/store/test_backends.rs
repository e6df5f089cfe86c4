//! The store's unit tests on both backends: SQLite always, PostgreSQL when
//! `STOCKROUTE_TEST_POSTGRES_URL` names a database.
//!
//! [`on_both_backends!`] turns test bodies (functions of `&Store`) into a `sqlite` and a
//! `postgres` test each. A PostgreSQL test gets a fresh schema of its own (dropped after
//! it), named through the URL's `search_path` option, so the tests run in parallel on one
//! database. Without the variable the PostgreSQL tests return at once, and the first says
//! so on stderr in one line (written past the test harness's capture, so a plain `cargo
//! test` shows it).

use super::{PgStore, SqliteStore, Store};
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable that names the test database.
pub(crate) const URL_VAR: &str = "STOCKROUTE_TEST_POSTGRES_URL";

/// A store for one test, with what must outlive it (the SQLite file's folder, the schema).
pub(crate) struct TestStore {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    _schema: Option<Schema>,
}

impl std::ops::Deref for TestStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

/// A fresh SQLite store in a temporary folder.
pub(crate) fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = SqliteStore::open(&dir.path().join("test.sqlite")).expect("an SQLite store");
    TestStore { store: Store::Sqlite(store), _dir: Some(dir), _schema: None }
}

/// A fresh PostgreSQL store in a schema of its own, or `None` (said once) without a URL.
pub(crate) fn postgres() -> Option<TestStore> {
    let schema = Schema::new()?;
    let store = PgStore::open(&schema.url).expect("a PostgreSQL store");
    Some(TestStore { store: Store::Postgres(store), _dir: None, _schema: Some(schema) })
}

/// A schema created for one test and dropped after it.
pub(crate) struct Schema {
    base: String,
    name: String,
    /// The base URL with `search_path` set to the schema.
    pub url: String,
}

impl Schema {
    /// A new schema in the test database, or `None` when no URL is given.
    pub(crate) fn new() -> Option<Self> {
        let Ok(base) = std::env::var(URL_VAR) else {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "store tests on PostgreSQL skipped: {URL_VAR} is not set \
                     (scripts/pg_test_cluster.sh starts a server)"
                );
            });
            return None;
        };
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name =
            format!("t_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let mut client = postgres::Client::connect(&base, postgres::NoTls)
            .unwrap_or_else(|e| panic!("{URL_VAR}: {e}"));
        client.batch_execute(&format!("CREATE SCHEMA {name}")).expect("a test schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{name}");
        Some(Self { base, name, url })
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
        }
    }
}

/// `on_both_backends!(a, b, ...)`: for each function `fn a(store: &Store)` in scope, a test
/// `sqlite::a` and a test `postgres::a`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&$crate::store::test_backends::sqlite());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(store) = $crate::store::test_backends::postgres() {
                        super::$name(&store);
                    }
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;
