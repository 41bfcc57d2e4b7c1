//! `spawn_app`: boots exactly what `jixiao serve` boots (`Application::build`) on port 0
//! with a fresh database, and offers a small HTTP client with token helpers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use awc::Client;
use diesel::{Connection, PgConnection, RunQueryDsl};
use jixiao_server::auth::{Role, generate_token};
use jixiao_server::db::Database;
use jixiao_server::{Application, Config, store};
use serde_json::{Value, json};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Defines `sqlite_<name>` and `postgres_<name>` tests running `async fn name(app: TestApp)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        pub mod sqlite {
            $(
                #[actix_web::test]
                async fn $name() {
                    let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await else { return };
                    super::$name(&app).await;
                    app.shutdown().await;
                }
            )*
        }
        pub mod postgres {
            $(
                #[actix_web::test]
                async fn $name() {
                    let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await else { return };
                    super::$name(&app).await;
                    app.shutdown().await;
                }
            )*
        }
    };
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub db: Database,
    pub client: Client,
    handle: ServerHandle,
    _dir: tempfile::TempDir,
    pg_db: Option<(String, String)>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The admin URL from `JIXIAO_TEST_POSTGRES`, or None when PostgreSQL tests are off.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("JIXIAO_TEST_POSTGRES").ok().filter(|s| !s.trim().is_empty())
}

fn replace_db_name(url: &str, db: &str) -> String {
    // postgres://user@host:port/name?params -> .../db?params
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

/// Boots the server on a fresh database; `None` only for PostgreSQL when it is not configured.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    if std::env::var_os("RUST_LOG").is_some() {
        jixiao_server::telemetry::init(jixiao_server::config::LogFormat::Text);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pg_db = None;
    let database_url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("test.db").display()),
        Backend::Postgres => {
            let admin = postgres_admin_url()?;
            let name = format!(
                "jixiao_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                uuid::Uuid::new_v4().simple()
            );
            let admin2 = admin.clone();
            let name2 = name.clone();
            actix_web::web::block(move || {
                let mut c = PgConnection::establish(&admin2)
                    .unwrap_or_else(|e| panic!("JIXIAO_TEST_POSTGRES is set but PostgreSQL is unreachable: {e}"));
                diesel::sql_query(format!("CREATE DATABASE \"{name2}\""))
                    .execute(&mut c)
                    .expect("create test database");
            })
            .await
            .expect("create database");
            pg_db = Some((admin.clone(), name.clone()));
            replace_db_name(&admin, &name)
        }
    };
    let config = Config {
        host: "127.0.0.1".into(),
        port: 0,
        database_url: Some(database_url),
        data_dir: dir.path().to_path_buf(),
        pool_size: 4,
        body_limit: 256 * 1024,
        web_dir: dir.path().join("web-dist"),
        workers: Some(1),
        ..Config::default()
    };
    let app = Application::build(config).await.expect("server builds");
    let address = app.base_url();
    let db = app.db().clone();
    let handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    let client = Client::builder().timeout(Duration::from_secs(30)).finish();
    Some(TestApp { address, db, client, handle, _dir: dir, pg_db })
}

impl TestApp {
    /// The database this test runs on.
    pub fn backend(&self) -> Backend {
        if self.pg_db.is_some() { Backend::Postgres } else { Backend::Sqlite }
    }

    /// Full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The directory the server serves the web form from (empty at start).
    pub fn web_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("web-dist")
    }

    /// Creates a token directly in the database and returns its secret.
    pub async fn token(&self, role: Role, department: Option<&str>, org: Option<&str>) -> String {
        let name = format!("test {role} {}", department.or(org).unwrap_or(""));
        let t = generate_token(&name, role, department, org).expect("token");
        let db = self.db.clone();
        let row = t.row.clone();
        actix_web::web::block(move || {
            let mut c = db.conn().expect("conn");
            store::tokens::insert(&mut c, &row).expect("insert token");
        })
        .await
        .expect("block");
        t.secret
    }

    /// Stops the server and drops the PostgreSQL database.
    pub async fn shutdown(self) {
        self.handle.stop(true).await;
        drop(self.db);
        if let Some((admin, name)) = self.pg_db {
            actix_web::web::block(move || {
                if let Ok(mut c) = PgConnection::establish(&admin) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut c);
                }
            })
            .await
            .ok();
        }
    }
}

/// Sends a request and returns (status, headers, JSON body or Null).
pub async fn send(req: awc::ClientRequest, body: Option<&[u8]>) -> (u16, awc::http::header::HeaderMap, Value) {
    let mut res = match body {
        Some(b) => req.send_body(b.to_vec()).await,
        None => req.send().await,
    }
    .expect("request sent");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = res.body().limit(16 * 1024 * 1024).await.expect("body read");
    let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    (status, headers, json)
}

/// POSTs JSON.
pub async fn post_json(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, awc::http::header::HeaderMap, Value) {
    let mut req = app.client.post(app.url(path)).insert_header(("content-type", "application/json"));
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    send(req, Some(body.to_string().as_bytes())).await
}

/// GETs a path.
pub async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, awc::http::header::HeaderMap, Value) {
    let mut req = app.client.get(app.url(path));
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    send(req, None).await
}

/// Asserts an RFC 9457 problem with this status and type slug.
pub fn assert_problem(status: u16, headers: &awc::http::header::HeaderMap, body: &Value, want: u16, slug: &str) {
    assert_eq!(status, want, "status; body: {body}");
    let ct = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert_eq!(ct, "application/problem+json", "content type; body: {body}");
    assert_eq!(body["type"], format!("urn:jixiao:problem:{slug}"), "type; body: {body}");
    assert_eq!(body["status"], want, "status member; body: {body}");
    assert!(body["title"].is_string(), "title; body: {body}");
}

/// Reads a fixture from tests/fixtures.
pub fn fixture(rel: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture JSON")
}

/// Every target fixture: (file name, fixture).
pub fn target_fixtures() -> Vec<(String, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/targets");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name.clone(), fixture(&format!("targets/{name}")))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 10, "expected the shared target fixtures");
    out
}

#[test]
fn replaces_the_database_name() {
    assert_eq!(
        replace_db_name("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(replace_db_name("postgres://u@h/db?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    assert_eq!(replace_db_name("postgres://u@h", "x"), "postgres://u@h/x");
}

/// A reply: status, `ETag`, JSON body (or Null) and headers.
pub struct Reply {
    pub status: u16,
    pub etag: Option<String>,
    pub body: Value,
    pub headers: awc::http::header::HeaderMap,
}

/// Sends `method path` under `/api/v1` with an optional token, JSON body and `If-Match`.
pub async fn call(
    app: &TestApp,
    method: awc::http::Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    if_match: Option<&str>,
) -> Reply {
    let mut req = app.client.request(method, app.url(&format!("/api/v1{path}")));
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    if let Some(m) = if_match {
        req = req.insert_header(("if-match", m.to_owned()));
    }
    if body.is_some() {
        req = req.insert_header(("content-type", "application/json"));
    }
    let bytes = body.map(|b| b.to_string().into_bytes());
    let (status, headers, body) = send(req, bytes.as_deref()).await;
    let etag = headers.get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
    Reply { status, etag, body, headers }
}

/// `doc` declared by `dept`, submitted, and approved by `finance` (良, 86.40 万元): the
/// approved target every later stage starts from. Its id.
pub async fn approved(app: &TestApp, dept: &str, finance: &str, doc: &Value) -> String {
    let r = call(app, awc::http::Method::POST, "/targets", Some(dept), Some(doc), None).await;
    assert_eq!(r.status, 201, "create target: {}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let r = call(app, awc::http::Method::POST, &format!("/targets/{id}/submit"), Some(dept), None, None).await;
    assert_eq!(r.status, 200, "submit target: {}", r.body);
    let d = json!({ "decision": "approve", "grade": "good", "approved_amount": "86.40" });
    let r = call(app, awc::http::Method::POST, &format!("/targets/{id}/review"), Some(finance), Some(&d), None).await;
    assert_eq!(r.status, 200, "approve target: {}", r.body);
    id
}
