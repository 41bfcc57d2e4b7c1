//! Database access: the URL grammar, the r2d2 pool of [`AnyConnection`]s (SQLite or
//! PostgreSQL), the embedded per-backend migrations and the `Money` column type.
//! Queries do not live here but in `crate::store`.

pub mod connection;
pub mod money;
pub mod schema;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use connection::AnyConnection;
pub use money::Money;

/// Migrations of the SQLite schema (`migrations/sqlite`).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
/// Migrations of the PostgreSQL schema (`migrations/postgres`).
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// A pool of connections to one database.
pub type Pool = r2d2::Pool<Manager>;
/// A connection checked out of the [`Pool`].
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// Why the database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is neither `sqlite://PATH` nor `postgres://…`.
    #[error("unsupported database URL `{0}` (use sqlite://PATH or postgres://USER@HOST:PORT/DB)")]
    UnsupportedUrl(String),
    /// The SQLite file or its directory could not be created.
    #[error("cannot create {path} for the SQLite database")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The first connection failed (the real cause, not the pool's summary).
    #[error("cannot connect to {backend} database")]
    Connect {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// The cause.
        #[source]
        source: diesel::ConnectionError,
    },
    /// Running the embedded migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(String),
    /// The pool could not be built or no connection was available in time.
    #[error("database pool error")]
    Pool(#[from] r2d2::PoolError),
    /// A query failed.
    #[error("database query failed")]
    Query(#[from] diesel::result::Error),
    /// The read replica cannot be used with this database.
    #[error("{0}")]
    Replica(&'static str),
}

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file (created on first use).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, passed to libpq unchanged.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `sqlite://PATH` (also `sqlite:PATH`) or `postgres://…` / `postgresql://…`.
    pub fn parse(url: &str) -> Result<DatabaseUrl, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"));
        match path {
            Some(p) if !p.is_empty() => Ok(DatabaseUrl::Sqlite(PathBuf::from(p))),
            _ => Err(DbError::UnsupportedUrl(url.to_owned())),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }

    /// The URL without any password, safe to log.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => redact_password(u),
        }
    }
}

fn redact_password(url: &str) -> String {
    // postgres://user:password@host/db -> postgres://user:***@host/db
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((userinfo, host)) = rest.split_once('@') else { return url.to_owned() };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Creates the SQLite file readable by its owner only (0600; its -wal and -shm files take
/// the same mode), unless it exists. Targets, opinions and tokens' hashes live in it.
fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// r2d2 manager that opens the concrete backend chosen from the URL (diesel's generic
/// manager would try every backend in turn and hide the real error, STACK.md §7.7).
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl Manager {
    fn open(&self) -> Result<AnyConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut c =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout first: wait for a lock instead of failing with SQLITE_BUSY
                // under concurrent requests (WAL is set once, in `Database::open`).
                // synchronous = FULL: in WAL mode NORMAL may lose the last acknowledged
                // commits on power loss; a bureau's approvals must not vanish, and the cost
                // (one fsync per commit) is small next to a request.
                c.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
                    .map_err(r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(c))
            }
            DatabaseUrl::Postgres(url) => {
                let c = PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                Ok(AnyConnection::Postgresql(c))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        self.open()
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// An open, migrated database: the pool plus what it points at.
#[derive(Debug, Clone)]
pub struct Database {
    pool: Pool,
    url: DatabaseUrl,
    /// SQLite only: one request's database work at a time. SQLite has one writer; a
    /// deferred transaction that read before writing fails with "database is locked"
    /// (SQLITE_BUSY_SNAPSHOT, which the busy timeout does not cover) when another writer
    /// committed in between. Serializing the work removes that failure and keeps the p99
    /// near the p50 instead of writers queueing on the file lock.
    serial: Option<std::sync::Arc<std::sync::Mutex<()>>>,
    /// A read replica (PostgreSQL streaming standby) for the lists and public reads, when
    /// configured (`--read-database`); never migrated, never written.
    replica: Option<Pool>,
}

impl Database {
    /// Opens the database (creating an SQLite file and its directory if needed), runs the
    /// pending migrations and builds a pool of `pool_size` connections. Blocking.
    pub fn open(url: &str, pool_size: u32) -> Result<Database, DbError> {
        let url = DatabaseUrl::parse(url)?;
        if let DatabaseUrl::Sqlite(path) = &url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir { path: dir.to_owned(), source })?;
            }
            create_private(path).map_err(|source| DbError::CreateDir { path: path.clone(), source })?;
        }
        let manager = Manager { url: url.clone() };
        // Establish once with the concrete type so the caller sees the real error.
        let mut first = manager.open().map_err(|e| match e {
            r2d2::Error::ConnectionError(source) => DbError::Connect { backend: url.backend_name(), source },
            r2d2::Error::QueryError(q) => DbError::Query(q),
        })?;
        if let AnyConnection::Sqlite(c) = &mut first {
            // WAL lets readers work while one writer commits; it persists in the file.
            c.batch_execute("PRAGMA journal_mode = WAL;")?;
        }
        run_migrations(&mut first)?;
        // This year's and next year's partitions (PostgreSQL), so the year's rows do not
        // land in the default partition; two servers starting at once are serialized by
        // the function's advisory lock.
        let year = chrono::Datelike::year(&crate::store::now());
        for y in [year, year + 1] {
            year_partitions(&mut first, y)?;
        }
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            // No `SELECT 1` on every checkout (it was two of a write's eight round trips): a
            // connection that failed is dropped by `has_broken`, and the next request opens
            // a new one.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        let serial = matches!(url, DatabaseUrl::Sqlite(_)).then(Default::default);
        Ok(Database { pool, url, serial, replica: None })
    }

    /// Adds a read replica (a PostgreSQL standby of this database): [`Database::read`] runs
    /// on it. Connecting once up front shows a wrong URL at start, not at the first read.
    /// Blocking.
    pub fn with_replica(mut self, url: &str, pool_size: u32) -> Result<Database, DbError> {
        let url = DatabaseUrl::parse(url)?;
        if !matches!((&url, &self.url), (DatabaseUrl::Postgres(_), DatabaseUrl::Postgres(_))) {
            return Err(DbError::Replica("a read replica needs PostgreSQL for both the database and the replica"));
        }
        let manager = Manager { url: url.clone() };
        drop(manager.open().map_err(|e| match e {
            r2d2::Error::ConnectionError(source) => DbError::Connect { backend: url.backend_name(), source },
            r2d2::Error::QueryError(q) => DbError::Query(q),
        })?);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        self.replica = Some(pool);
        Ok(self)
    }

    /// Whether reads go to a replica.
    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// Runs the read-only `f` on the replica when there is one (it may lag the primary by a
    /// moment: lists and public pages only), else like [`Database::run`].
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut PooledConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<actix_web::error::BlockingError> + Send + 'static,
    {
        let Some(replica) = self.replica.clone() else { return self.run(f).await };
        actix_web::web::block(move || f(&mut replica.get().map_err(DbError::from)?)).await?
    }

    /// Checks a connection out of the pool (blocking; handlers use [`Database::run`]).
    pub fn conn(&self) -> Result<PooledConnection, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` with a pooled connection on actix's blocking thread pool: the one way
    /// handlers reach the database (checkout, blocking call and both error conversions).
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut PooledConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<actix_web::error::BlockingError> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let _turn = db.serial.as_ref().map(|m| m.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            f(&mut db.conn()?)
        })
        .await?
    }

    /// What this database is (for logs: the password is redacted).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }
}

/// Runs the pending migrations of the connection's backend.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<(), DbError> {
    let applied = match conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    }
    .map_err(|e| DbError::Migrate(e.to_string()))?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(())
}

/// Makes the partitions of fiscal year `year` — `targets`, `monitoring_reports`,
/// `evaluations`, `budget_decisions` — unless they exist or the year's rows already went to the
/// default partition (PostgreSQL, migration `2026-12-03-000003_partition_by_year`); returns how
/// many were made. SQLite has no partitions: 0. Years outside `FISCAL_YEARS` (FORMATS §1) are
/// left to the default partition.
pub fn year_partitions(conn: &mut AnyConnection, year: i32) -> Result<usize, DbError> {
    #[derive(diesel::QueryableByName)]
    struct Made {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        made: i32,
    }
    match conn {
        AnyConnection::Postgresql(c) if crate::domain::in_fiscal_years(year) => {
            use diesel::RunQueryDsl;
            let made: Made = diesel::sql_query("SELECT jixiao_year_partitions($1) AS made")
                .bind::<diesel::sql_types::Integer, _>(year)
                .get_result(c)?;
            Ok(usize::try_from(made.made).unwrap_or(0))
        }
        _ => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_database_urls() {
        assert_eq!(DatabaseUrl::parse("sqlite://data/j.db").ok(), Some(DatabaseUrl::Sqlite("data/j.db".into())));
        assert_eq!(DatabaseUrl::parse("sqlite:///tmp/j.db").ok(), Some(DatabaseUrl::Sqlite("/tmp/j.db".into())));
        assert_eq!(DatabaseUrl::parse("sqlite:j.db").ok(), Some(DatabaseUrl::Sqlite("j.db".into())));
        assert!(matches!(DatabaseUrl::parse("postgresql://u@h/db"), Ok(DatabaseUrl::Postgres(_))));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn redacts_passwords() {
        let u = DatabaseUrl::parse("postgres://app:s3cret@db:5432/j").map(|u| u.redacted()).ok();
        assert_eq!(u.as_deref(), Some("postgres://app:***@db:5432/j"));
    }
}
