//! Sign-in for people (contract: `SESSIONS-API.md`): users with argon2id password hashes,
//! sessions kept in the database, failed attempts limited per account, an audit row for each
//! attempt. Bearer tokens (`auth.rs`) stay for programs; both give the same [`Caller`].

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, NaiveDateTime};
use diesel::Connection;
use serde_json::json;

use crate::auth::{Caller, Role, SessionAuth, hash_token, random_hex};
use crate::db::{AnyConnection, Database};
use crate::error::{ApiError, FieldError};
use crate::store;
use crate::store::users::{SessionRow, UserRow};
use crate::text;

type Result<T> = std::result::Result<T, ApiError>;

/// How long a session lasts from sign-in.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins allowed per account and window.
pub const ACCOUNT_FAILURES: i32 = 5;
/// The window of failed sign-ins per account.
pub const ACCOUNT_WINDOW_MINUTES: i64 = 15;
/// A password's minimum length (characters).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A user as the use cases return it, with the department's name.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// The stored row.
    pub row: UserRow,
    /// The role, parsed.
    pub role: Role,
    /// The name of the user's department, when it is known.
    pub department_name: Option<String>,
}

/// What a new user is given.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Sign-in name (letters, digits, `.`, `_`, `-`; 2–50; stored in lower case).
    pub username: &'a str,
    /// Name shown (default: the user name).
    pub display_name: Option<&'a str>,
    /// The password in clear (hashed here, never stored).
    pub password: &'a str,
    /// The role.
    pub role: Role,
    /// Department code (department users only).
    pub department: Option<&'a str>,
    /// Organisation (assessors only).
    pub org: Option<&'a str>,
}

/// A signed-in session: the cookie's secret (sent once, never stored) and what it grants.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The cookie's value.
    pub secret: String,
    /// The caller it makes.
    pub caller: Caller,
    /// The user.
    pub user: User,
}

fn field(path: &str, keyword: &str, message: crate::error::Text) -> ApiError {
    ApiError::InvalidBody(vec![FieldError::new(path, keyword, message)])
}

fn parse_role(row: &UserRow) -> Result<Role> {
    Role::parse(&row.role).ok_or_else(|| ApiError::internal(std::io::Error::other(format!("stored role {}", row.role))))
}

fn user_of(conn: &mut AnyConnection, row: UserRow) -> Result<User> {
    let role = parse_role(&row)?;
    let department_name = match &row.department_code {
        Some(code) => store::departments::get(conn, code)?.map(|d| d.name),
        None => None,
    };
    Ok(User { row, role, department_name })
}

/// The caller a user is, with the session it came through.
pub fn caller_of(row: &UserRow, session: Option<SessionAuth>) -> Result<Caller> {
    Ok(Caller {
        token_id: row.id.clone(),
        name: row.display_name.clone(),
        role: parse_role(row)?,
        department: row.department_code.clone(),
        org: row.org.clone(),
        session,
    })
}

/// A user name as stored: trimmed, lower case, 2–50 of `[a-z0-9._-]`.
pub fn username(s: &str) -> Result<String> {
    let u = s.trim().to_lowercase();
    let ok = (2..=50).contains(&u.chars().count())
        && u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(u)
    } else {
        Err(field(
            "/username",
            "pattern",
            text!("用户名须为 2–50 个字母、数字或 . _ - 字符", "a user name has 2–50 letters, digits, '.', '_' or '-'"),
        ))
    }
}

/// The password policy: at least [`MIN_PASSWORD_CHARS`] characters, not the user name, at
/// most 200 characters.
pub fn check_password(path: &str, password: &str, username: &str) -> Result<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(field(
            path,
            "minLength",
            text!(
                "密码至少需要 {MIN_PASSWORD_CHARS} 个字符",
                "a password needs at least {MIN_PASSWORD_CHARS} characters"
            ),
        ));
    }
    if n > 200 {
        return Err(field(path, "maxLength", text!("密码最多 200 个字符", "a password has at most 200 characters")));
    }
    if password.trim().to_lowercase() == username {
        return Err(field(path, "not", text!("密码不能与用户名相同", "the password must not be the user name")));
    }
    Ok(())
}

/// argon2id (the crate's defaults: m = 19 MiB, t = 2, p = 1) with a random 16-byte salt, as
/// a PHC string.
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))
}

/// Whether `password` matches the PHC string (constant time in the hash).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of a password nobody has, verified when the user name is unknown so that the
/// answer takes as long as for a known user.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password of no user").unwrap_or_default())
}

fn audit(
    conn: &mut AnyConnection,
    subject: &str,
    actor: &str,
    role: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    crate::service::stage::audit_as(conn, subject, (actor, role), action, store::now(), None, None, detail)
}

/// Checks a new user and hashes its password: the row to store (blocking: the hash takes
/// tens of milliseconds).
pub fn prepare(new: &NewUser<'_>) -> Result<UserRow> {
    let username = username(new.username)?;
    check_password("/password", new.password, &username)?;
    let department = new.department.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let org = new.org.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    match new.role {
        Role::Department if department.is_none() => {
            return Err(field(
                "/department",
                "required",
                text!("部门用户须填写部门编码", "a department user needs a department code"),
            ));
        }
        Role::Assessor if org.is_none() => {
            return Err(field(
                "/org",
                "required",
                text!("第三方评价用户须填写所属机构", "an assessor needs an organisation"),
            ));
        }
        _ => {}
    }
    if department.is_some() && new.role != Role::Department {
        return Err(field(
            "/department",
            "not",
            text!("只有部门用户才填写部门", "only department users have a department"),
        ));
    }
    if org.is_some() && new.role != Role::Assessor {
        return Err(field("/org", "not", text!("只有第三方评价用户才填写机构", "only assessors have an organisation")));
    }
    let display_name = new.display_name.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(&username).to_owned();
    if display_name.chars().count() > 100 {
        return Err(field(
            "/display_name",
            "maxLength",
            text!("显示名称最多 100 个字符", "a display name has at most 100 characters"),
        ));
    }
    let now = store::now();
    Ok(UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        username,
        display_name,
        password_hash: hash_password(new.password)?,
        role: new.role.as_str().to_owned(),
        department_code: department,
        org,
        created_at: now,
        password_changed_at: now,
        disabled_at: None,
        failed_count: 0,
        failed_since: None,
    })
}

/// Stores a prepared user with its audit row (409 when the name is taken).
pub fn insert(conn: &mut AnyConnection, row: UserRow, actor: &str, role: &str) -> Result<User> {
    conn.transaction(|conn| {
        if store::users::by_username(conn, &row.username)?.is_some() {
            return Err({
                let name = &row.username;
                ApiError::Conflict(text!("用户名“{name}”已被占用", "the user name `{name}` is taken"))
            });
        }
        store::users::insert(conn, &row)?;
        audit(conn, &row.id, actor, role, "user.create", json!({"username": row.username, "role": row.role}))?;
        user_of(conn, row)
    })
}

/// Stores a prepared user, or, when the name exists, gives the existing user the prepared
/// password (the demo prints fresh passwords on every start).
pub fn upsert(conn: &mut AnyConnection, row: UserRow, actor: &str) -> Result<User> {
    conn.transaction(|conn| match store::users::by_username(conn, &row.username)? {
        None => insert(conn, row, actor, "admin"),
        Some(existing) => {
            store::users::set_password(conn, &existing.id, &row.password_hash, store::now())?;
            store::users::delete_other_sessions(conn, &existing.id, None)?;
            audit(conn, &existing.id, actor, "admin", "user.password", json!({"reset": true}))?;
            user_of(conn, existing)
        }
    })
}

/// Creates a user (admin; the CLI with `by = None`).
pub async fn create(db: &Database, by: Option<&Caller>, new: NewUser<'_>) -> Result<User> {
    if let Some(c) = by {
        c.require(&[Role::Admin])?;
    }
    let owned = (
        new.username.to_owned(),
        new.display_name.map(str::to_owned),
        new.password.to_owned(),
        new.role,
        new.department.map(str::to_owned),
        new.org.map(str::to_owned),
    );
    let row = actix_web::web::block(move || {
        let (u, d, p, role, dep, org) = &owned;
        prepare(&NewUser {
            username: u,
            display_name: d.as_deref(),
            password: p,
            role: *role,
            department: dep.as_deref(),
            org: org.as_deref(),
        })
    })
    .await??;
    let (actor, role) = by.map_or(("jixiao user create".to_owned(), "admin"), |c| (c.name.clone(), c.role.as_str()));
    db.run(move |conn| insert(conn, row, &actor, role)).await
}

/// One page of users by user name (admin).
pub async fn list(
    db: &Database,
    caller: &Caller,
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<User>, Option<String>)> {
    caller.require(&[Role::Admin])?;
    db.run(move |conn| -> Result<(Vec<User>, Option<String>)> {
        let rows = store::users::list(conn, after.as_deref(), limit + 1)?;
        let (rows, next) = crate::service::stage::page(rows, limit, |r| r.username.clone());
        let users = rows.into_iter().map(|r| user_of(conn, r)).collect::<Result<Vec<_>>>()?;
        Ok((users, next))
    })
    .await
}

/// The user a caller is (for `GET /session`): a signed-in user, or a token holder described
/// as one.
pub async fn me(db: &Database, caller: &Caller) -> Result<User> {
    let c = caller.clone();
    db.run(move |conn| -> Result<User> {
        if c.session.is_some()
            && let Some(row) = store::users::get(conn, &c.token_id)?
        {
            return user_of(conn, row);
        }
        let now = store::now();
        let row = UserRow {
            id: c.token_id.clone(),
            username: c.token_id.clone(),
            display_name: c.name.clone(),
            password_hash: String::new(),
            role: c.role.as_str().to_owned(),
            department_code: c.department.clone(),
            org: c.org.clone(),
            created_at: now,
            password_changed_at: now,
            disabled_at: None,
            failed_count: 0,
            failed_since: None,
        };
        user_of(conn, row)
    })
    .await
}

fn window_end(since: NaiveDateTime) -> NaiveDateTime {
    since + Duration::minutes(ACCOUNT_WINDOW_MINUTES)
}

/// Signs a person in: 401 for a wrong name or password (one answer for both), 429 once the
/// account has used up its failures in the window (even with the right password), an audit
/// row either way; on success a new session whose secret goes into the cookie.
pub async fn sign_in(db: &Database, username_in: &str, password: &str, address: Option<String>) -> Result<SignedIn> {
    let name = username_in.trim().to_lowercase();
    if password.chars().count() > 200 || name.chars().count() > 50 {
        // Longer than any stored password or name: wrong, without hashing megabytes.
        return Err(ApiError::Unauthorized(text!("用户名或密码错误", "wrong user name or password")));
    }
    let lookup = name.clone();
    let found =
        db.run(move |conn| -> Result<Option<UserRow>> { Ok(store::users::by_username(conn, &lookup)?) }).await?;
    let now = store::now();
    if let Some(u) = &found
        && let Some(since) = u.failed_since
        && u.failed_count >= ACCOUNT_FAILURES
        && now < window_end(since)
    {
        let retry_after = u64::try_from((window_end(since) - now).num_seconds()).unwrap_or(1).max(1);
        let (id, name) = (u.id.clone(), u.username.clone());
        db.run(move |conn| {
            audit(
                conn,
                &id,
                &name,
                "anonymous",
                "session.sign_in_refused",
                json!({"reason": "locked", "address": address}),
            )
        })
        .await?;
        return Err(ApiError::TooManyRequests { retry_after });
    }
    let phc = found.as_ref().map_or_else(|| decoy_hash().to_owned(), |u| u.password_hash.clone());
    let pw = password.to_owned();
    let matches = actix_web::web::block(move || verify_password(&pw, &phc)).await?;
    let ok = matches && found.as_ref().is_some_and(|u| u.disabled_at.is_none());
    let Some(user) = found.filter(|_| ok) else {
        let found_again = name.clone();
        db.run(move |conn| -> Result<()> {
            conn.transaction(|conn| {
                let subject = match store::users::by_username(conn, &found_again)? {
                    Some(u) => {
                        let (count, since) = match u.failed_since {
                            Some(s) if now < window_end(s) => (u.failed_count + 1, s),
                            _ => (1, now),
                        };
                        store::users::record_failure(conn, &u.id, count, since)?;
                        u.id
                    }
                    None => format!("unknown-user:{found_again}"),
                };
                audit(conn, &subject, &found_again, "anonymous", "session.sign_in_failed", json!({"address": address}))
            })
        })
        .await?;
        return Err(ApiError::Unauthorized(text!("用户名或密码错误", "wrong user name or password")));
    };
    let secret = format!("jxs_{}", random_hex(32).map_err(ApiError::internal)?);
    let session = SessionRow {
        id: hash_token(&secret),
        user_id: user.id.clone(),
        csrf_token: random_hex(16).map_err(ApiError::internal)?,
        created_at: now,
        expires_at: now + Duration::hours(SESSION_HOURS),
    };
    let auth =
        SessionAuth { id: session.id.clone(), csrf_token: session.csrf_token.clone(), expires_at: session.expires_at };
    let caller = caller_of(&user, Some(auth))?;
    let user = db
        .run(move |conn| -> Result<User> {
            conn.transaction(|conn| {
                store::users::delete_expired(conn, now)?;
                store::users::insert_session(conn, &session)?;
                store::users::clear_failures(conn, &user.id)?;
                audit(conn, &user.id, &user.display_name, &user.role, "session.sign_in", json!({"address": address}))?;
                user_of(conn, user)
            })
        })
        .await?;
    Ok(SignedIn { secret, caller, user })
}

/// Resolves a session cookie's secret: the caller, or `None` when the session is unknown,
/// ended or its user disabled.
pub async fn resolve(db: &Database, secret: String) -> Result<Option<Caller>> {
    db.run(move |conn| -> Result<Option<Caller>> {
        match store::users::live_session(conn, &hash_token(&secret), store::now())? {
            Some((s, u)) => Ok(Some(caller_of(
                &u,
                Some(SessionAuth { id: s.id, csrf_token: s.csrf_token, expires_at: s.expires_at }),
            )?)),
            None => Ok(None),
        }
    })
    .await
}

/// Signs out the caller's session (a token holder has none: nothing to do).
pub async fn sign_out(db: &Database, caller: &Caller) -> Result<()> {
    let Some(s) = caller.session.clone() else { return Ok(()) };
    let c = caller.clone();
    db.run(move |conn| -> Result<()> {
        conn.transaction(|conn| {
            store::users::delete_session(conn, &s.id)?;
            audit(conn, &c.token_id, &c.name, c.role.as_str(), "session.sign_out", json!({}))
        })
    })
    .await
}

/// Changes the signed-in user's password: 403 when `current` is wrong; every other session
/// of the user ends.
pub async fn change_password(db: &Database, caller: &Caller, current: &str, new: &str) -> Result<()> {
    let Some(session) = caller.session.clone() else {
        return Err(ApiError::Forbidden(text!(
            "令牌没有密码；请以用户身份登录后修改密码",
            "a token has no password; sign in as a user to change it"
        )));
    };
    let id = caller.token_id.clone();
    let row = db
        .run(move |conn| -> Result<Option<UserRow>> { Ok(store::users::get(conn, &id)?) })
        .await?
        .ok_or(ApiError::Unauthorized(text!("该登录用户已不存在", "the session's user no longer exists")))?;
    check_password("/new_password", new, &row.username)?;
    let (cur, phc, pw) = (current.to_owned(), row.password_hash.clone(), new.to_owned());
    let hash = actix_web::web::block(move || -> Result<Option<String>> {
        if verify_password(&cur, &phc) { hash_password(&pw).map(Some) } else { Ok(None) }
    })
    .await??
    .ok_or_else(|| ApiError::Forbidden(text!("当前密码不正确", "the current password is wrong")))?;
    let c = caller.clone();
    db.run(move |conn| -> Result<()> {
        conn.transaction(|conn| {
            store::users::set_password(conn, &row.id, &hash, store::now())?;
            let ended = store::users::delete_other_sessions(conn, &row.id, Some(&session.id))?;
            audit(conn, &row.id, &c.name, c.role.as_str(), "user.password", json!({"sessions_ended": ended}))
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_with_argon2id_and_verified() {
        let h = hash_password("correct horse battery").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("correct horse"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a phc string"));
        assert_ne!(hash_password("correct horse battery").unwrap_or_default(), h, "salted");
    }

    #[test]
    fn the_password_policy_names_the_field() {
        assert!(check_password("/password", "short", "wang").is_err());
        assert!(check_password("/password", "wangwangwang", "wangwangwang").is_err());
        assert!(check_password("/password", "阿图什市民政局财务科", "wang").is_ok());
        assert_eq!(username(" Wang.Li ").ok().as_deref(), Some("wang.li"));
        assert!(username("王").is_err() && username("a b").is_err());
    }
}
