//! Authentication and roles. Callers send `Authorization: Bearer <token>`; tokens are
//! random, shown once at creation, and stored only as their SHA-256. The [`Caller`]
//! extractor requires a valid token; [`MaybeCaller`] allows anonymous callers but still
//! rejects a bad token. Who may see or change what is decided by the `may_*` methods
//! here, never inline in handlers.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use sha2::{Digest, Sha256};

use crate::db::Database;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::store::tokens::TokenRow;
use crate::text;

/// What a token holder is: the rules' one role type (`jixiao_rules::review::Role`), used by
/// the tokens, the callers and every stage's life cycle alike.
pub use jixiao_rules::review::Role;

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Token id.
    pub token_id: String,
    /// Token holder's name (recorded as the actor in the audit trail).
    pub name: String,
    /// Role.
    pub role: Role,
    /// Department code, for `department` tokens.
    pub department: Option<String>,
    /// Organisation, for `assessor` tokens.
    pub org: Option<String>,
    /// The session a signed-in person came through (`None` for a bearer token).
    pub session: Option<SessionAuth>,
}

/// A cookie session's identity: what sign-out ends and what a write must echo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAuth {
    /// The session's id (SHA-256 of the cookie's secret).
    pub id: String,
    /// The CSRF token every cookie-authenticated write sends as `X-CSRF-Token`.
    pub csrf_token: String,
    /// When the session ends (UTC).
    pub expires_at: chrono::NaiveDateTime,
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "jx_session";
/// The header that carries the session's CSRF token on writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

impl Caller {
    /// Departments whose targets the caller may list: `None` = all, `Some(v)` = only `v`.
    pub fn readable_departments(&self) -> Option<Vec<String>> {
        match self.role {
            Role::Finance | Role::Admin => None,
            Role::Department => Some(self.department.iter().cloned().collect()),
            Role::Assessor => Some(Vec::new()),
        }
    }

    /// Requires one of `roles`, else 403.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let (who, role) = (self.role.label_zh(), self.role);
            Err(ApiError::Forbidden(text!("{who}角色无权执行此操作", "the {role} role may not do this")))
        }
    }

    fn from_row(row: TokenRow) -> Result<Caller, ApiError> {
        let role = Role::parse(&row.role)
            .ok_or(ApiError::Unauthorized(text!("令牌的角色无法识别", "the token has an unknown role")))?;
        Ok(Caller {
            token_id: row.id,
            name: row.name,
            role,
            department: row.department_code,
            org: row.org,
            session: None,
        })
    }
}

/// A newly generated token: the secret (show once) and what is stored.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// `jx_` + 64 hex digits. Never stored, never logged.
    pub secret: String,
    /// The row to store (hash only).
    pub row: TokenRow,
}

/// The token could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The operating system's random source failed.
    #[error("no randomness available: {0}")]
    Random(String),
    /// Missing or contradictory scope for the role.
    #[error("{0}")]
    Scope(&'static str),
}

/// Hex SHA-256 of a token.
pub fn hash_token(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `n` random bytes as hex.
pub fn random_hex(n: usize) -> Result<String, TokenError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| TokenError::Random(e.to_string()))?;
    Ok(hex(&buf))
}

/// Generates a token for `role` with its scope: `department` needs a department code,
/// `assessor` an organisation; the others take neither.
pub fn generate_token(
    name: &str,
    role: Role,
    department: Option<&str>,
    org: Option<&str>,
) -> Result<NewToken, TokenError> {
    let department = department.map(str::trim).filter(|s| !s.is_empty());
    let org = org.map(str::trim).filter(|s| !s.is_empty());
    match role {
        Role::Department if department.is_none() => {
            return Err(TokenError::Scope("a department token needs --department CODE"));
        }
        Role::Assessor if org.is_none() => return Err(TokenError::Scope("an assessor token needs --org NAME")),
        Role::Department if org.is_some() => return Err(TokenError::Scope("--org applies to assessor tokens only")),
        Role::Assessor if department.is_some() => {
            return Err(TokenError::Scope("--department applies to department tokens only"));
        }
        Role::Finance | Role::Admin if department.is_some() || org.is_some() => {
            return Err(TokenError::Scope("finance and admin tokens take neither --department nor --org"));
        }
        _ => {}
    }
    if name.trim().is_empty() {
        return Err(TokenError::Scope("a token needs a non-empty --name"));
    }
    let secret = format!("jx_{}", random_hex(32)?);
    let row = TokenRow {
        id: format!("tok_{}", random_hex(6)?),
        token_hash: hash_token(&secret),
        name: name.trim().to_owned(),
        role: role.as_str().to_owned(),
        department_code: department.map(str::to_owned),
        org: org.map(str::to_owned),
        created_at: store::now(),
        revoked_at: None,
    };
    Ok(NewToken { secret, row })
}

/// Reads the bearer token of a request: `Ok(None)` without an Authorization header.
fn bearer_only() -> ApiError {
    ApiError::Unauthorized(text!("请使用 Authorization: Bearer <令牌>", "use Authorization: Bearer <token>"))
}

fn bearer(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(actix_web::http::header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| {
        ApiError::Unauthorized(text!("Authorization 请求头格式不正确", "malformed Authorization header"))
    })?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(bearer_only)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(bearer_only());
    }
    let token = token.trim();
    if token.is_empty() || token.len() > 200 {
        return Err(ApiError::Unauthorized(text!("令牌格式不正确", "malformed bearer token")));
    }
    Ok(Some(token.to_owned()))
}

/// Looks a token up (blocking work runs on the thread pool).
pub async fn authenticate(db: &Database, secret: String) -> Result<Caller, ApiError> {
    let row = db
        .run(move |conn| -> Result<Option<TokenRow>, ApiError> {
            Ok(store::tokens::find_active_by_hash(conn, &hash_token(&secret))?)
        })
        .await?;
    match row {
        Some(row) => Caller::from_row(row),
        None => Err(ApiError::Unauthorized(text!("令牌无效或已被吊销，请重新登录", "unknown or revoked token"))),
    }
}

/// Failed bearer-token attempts per client address: past the limit (`auth_failure_limit`, default [`FailedAuth::LIMIT`]) in a window
/// of [`FailedAuth::WINDOW`], the address gets 429 with `Retry-After` until the window ends,
/// so tokens cannot be guessed at network speed. Per process (each server counts its own).
#[derive(Debug)]
pub struct FailedAuth {
    by_address: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (std::time::Instant, u32)>>,
    limit: u32,
}

impl Default for FailedAuth {
    fn default() -> Self {
        FailedAuth::new(Self::LIMIT)
    }
}

impl FailedAuth {
    /// Failures allowed per address and window by default (`auth_failure_limit`).
    pub const LIMIT: u32 = 30;

    /// A limiter allowing `limit` failures per address and window.
    pub fn new(limit: u32) -> Self {
        FailedAuth { by_address: Default::default(), limit }
    }

    /// The window.
    pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

    fn map(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<std::net::IpAddr, (std::time::Instant, u32)>> {
        self.by_address.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// 429 when `ip` has used up its failures in the current window.
    pub fn check(&self, ip: Option<std::net::IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = ip else { return Ok(()) };
        match self.map().get(&ip) {
            Some((start, n)) if *n >= self.limit && start.elapsed() < Self::WINDOW => {
                Err(ApiError::TooManyRequests { retry_after: (Self::WINDOW - start.elapsed()).as_secs().max(1) })
            }
            _ => Ok(()),
        }
    }

    /// Records a failed attempt from `ip`.
    pub fn fail(&self, ip: Option<std::net::IpAddr>) {
        let Some(ip) = ip else { return };
        let mut map = self.map();
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| start.elapsed() < Self::WINDOW);
        }
        let entry = map.entry(ip).or_insert((std::time::Instant::now(), 0));
        if entry.0.elapsed() >= Self::WINDOW {
            *entry = (std::time::Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

/// Authenticates a sent token, counting and limiting the failures of the client's address.
async fn authenticate_limited(
    state: &AppState,
    ip: Option<std::net::IpAddr>,
    secret: String,
) -> Result<Caller, ApiError> {
    state.failed_auth.check(ip)?;
    let result = authenticate(&state.db, secret).await;
    if matches!(result, Err(ApiError::Unauthorized(_))) {
        state.failed_auth.fail(ip);
    }
    result
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(std::io::Error::other("application state missing")))
}

/// The session cookie's secret, if the request carries one.
fn session_cookie(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()).filter(|v| !v.is_empty() && v.len() <= 200)
}

/// Whether the method changes something (and so needs the CSRF token under a cookie).
fn is_write(req: &HttpRequest) -> bool {
    !matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD | actix_web::http::Method::OPTIONS
    )
}

/// Constant-time comparison of two tokens.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a request says about who sends it: a bearer token (wins), a session cookie (with the
/// CSRF header it sent), or nothing.
enum Credentials {
    Bearer(String),
    Cookie { secret: String, csrf: Option<String>, write: bool },
    None,
}

fn credentials(req: &HttpRequest) -> Result<Credentials, ApiError> {
    if let Some(t) = bearer(req)? {
        return Ok(Credentials::Bearer(t));
    }
    Ok(match session_cookie(req) {
        Some(secret) => Credentials::Cookie {
            secret,
            csrf: req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned),
            write: is_write(req),
        },
        None => Credentials::None,
    })
}

/// The caller of a session cookie: `None` when the session has ended; a write without the
/// session's CSRF token is refused before anything is done.
async fn from_cookie(
    state: &AppState,
    secret: String,
    csrf: Option<String>,
    write: bool,
) -> Result<Option<Caller>, ApiError> {
    let Some(caller) = crate::service::users::resolve(&state.db, secret).await? else { return Ok(None) };
    if write {
        let expected = caller.session.as_ref().map(|s| s.csrf_token.as_str()).unwrap_or_default();
        if !csrf.as_deref().is_some_and(|sent| same_token(sent, expected)) {
            return Err(ApiError::Csrf);
        }
    }
    Ok(Some(caller))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let creds = credentials(req);
        let state = state_of(req);
        let ip = req.peer_addr().map(|a| a.ip());
        Box::pin(async move {
            let state = state?;
            match creds? {
                Credentials::Bearer(token) => authenticate_limited(&state, ip, token).await,
                Credentials::Cookie { secret, csrf, write } => from_cookie(&state, secret, csrf, write).await?.ok_or(
                    ApiError::Unauthorized(text!("登录已过期，请重新登录", "the session has ended; sign in again")),
                ),
                Credentials::None => Err(ApiError::Unauthorized(text!(
                    "请先登录（程序调用请带 Authorization: Bearer <令牌>）",
                    "sign in, or send Authorization: Bearer <token>"
                ))),
            }
        })
    }
}

/// A caller who may be anonymous; a token that is sent must still be valid (an ended
/// session cookie is anonymous, so a stale cookie never breaks the public pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<MaybeCaller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let creds = credentials(req);
        let state = state_of(req);
        let ip = req.peer_addr().map(|a| a.ip());
        Box::pin(async move {
            let state = state?;
            match creds? {
                Credentials::None => Ok(MaybeCaller(None)),
                Credentials::Bearer(t) => Ok(MaybeCaller(Some(authenticate_limited(&state, ip, t).await?))),
                Credentials::Cookie { secret, csrf, write } => {
                    Ok(MaybeCaller(from_cookie(&state, secret, csrf, write).await?))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let a = generate_token("民政局", Role::Department, Some("101"), None).map_err(|e| e.to_string());
        let b = generate_token("民政局", Role::Department, Some("101"), None).map_err(|e| e.to_string());
        let (a, b) = (a.unwrap_or_else(|e| panic!("{e}")), b.unwrap_or_else(|e| panic!("{e}")));
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with("jx_") && a.secret.len() == 67);
        assert_eq!(a.row.token_hash, hash_token(&a.secret));
        assert!(!a.row.token_hash.contains(&a.secret[3..]));
        assert_eq!(a.row.department_code.as_deref(), Some("101"));
    }

    #[test]
    fn scope_must_fit_the_role() {
        assert!(generate_token("x", Role::Department, None, None).is_err());
        assert!(generate_token("x", Role::Assessor, None, None).is_err());
        assert!(generate_token("x", Role::Finance, Some("101"), None).is_err());
        assert!(generate_token("x", Role::Assessor, None, Some("某会计师事务所")).is_ok());
        assert!(generate_token(" ", Role::Admin, None, None).is_err());
    }

    #[test]
    fn departments_only_reach_their_own_targets() {
        let c = Caller {
            token_id: "t".into(),
            name: "n".into(),
            role: Role::Department,
            department: Some("101".into()),
            org: None,
            session: None,
        };
        // Who may act on one target is the rules' lifecycle (`service::review::actor_for`);
        // the caller only scopes lists.
        assert_eq!(c.readable_departments(), Some(vec!["101".to_owned()]));
        let f = Caller { role: Role::Finance, department: None, ..c };
        assert_eq!(f.readable_departments(), None);
    }
}
