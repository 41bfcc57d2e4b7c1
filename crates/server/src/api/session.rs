//! `/session` and `/users`: sign-in for people (contract: `SESSIONS-API.md`). Thin handlers
//! over `service::users`; the cookie is set and cleared here.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::PROBLEM;
use crate::auth::{Caller, Role, SESSION_COOKIE};
use crate::body::Valid;
use crate::error::{ApiError, Problem};
use crate::service::users::{self, NewUser, User};
use crate::state::AppState;

/// A user as the API shows it (never the password or its hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    /// Id (a UUID for a user; the token id when the caller is a token).
    pub id: String,
    /// Sign-in name.
    #[schema(example = "mzj.wang")]
    pub username: String,
    /// Name shown, recorded as the actor of what the user does.
    #[schema(example = "民政局 王会计")]
    pub display_name: String,
    /// Role.
    #[schema(inline)]
    pub role: Role,
    /// Department code (department users).
    #[schema(example = "101")]
    pub department: Option<String>,
    /// The department's name, when the department is known.
    #[schema(example = "阿图什市民政局")]
    pub department_name: Option<String>,
    /// Organisation (assessors).
    pub org: Option<String>,
}

impl From<User> for UserView {
    fn from(u: User) -> UserView {
        UserView {
            id: u.row.id,
            username: u.row.username,
            display_name: u.row.display_name,
            role: u.role,
            department: u.row.department_code,
            department_name: u.department_name,
            org: u.row.org,
        }
    }
}

/// Who is signed in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    /// The user (or the token holder).
    pub user: UserView,
    /// Send as `X-CSRF-Token` on every write made with the session cookie; null for a token.
    pub csrf_token: Option<String>,
    /// When the session ends (UTC); null for a token.
    pub expires_at: Option<DateTime<Utc>>,
}

fn view(user: User, caller: &Caller) -> SessionView {
    SessionView {
        user: user.into(),
        csrf_token: caller.session.as_ref().map(|s| s.csrf_token.clone()),
        expires_at: caller.session.as_ref().map(|s| s.expires_at.and_utc()),
    }
}

/// Body of `POST /session`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// User name.
    #[schema(min_length = 1, max_length = 50, example = "czj")]
    pub username: String,
    /// Password.
    pub password: String,
}

/// The cookie: HttpOnly, SameSite=Strict, the whole site, `Secure` when the request came
/// over TLS (directly, or through a proxy that says so with `Forwarded`/`X-Forwarded-Proto`).
fn session_cookie(req: &HttpRequest, value: String, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, value)
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(req.connection_info().scheme() == "https")
        .max_age(max_age)
        .finish()
}

/// Sign in with a user name and password.
#[utoipa::path(
    tag = "session",
    operation_id = "sign_in",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in; the `jx_session` cookie (HttpOnly, SameSite=Strict) is set.", body = SessionView),
        (status = 400, description = "Body does not match its schema.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Wrong user name or password (one answer for both).", body = Problem, content_type = PROBLEM),
        (status = 429, description = "Too many failed attempts for the account (5 in 15 minutes) or from the address; see `Retry-After`.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/session")]
pub async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Valid<SignInRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = req.peer_addr().map(|a| a.ip());
    state.failed_auth.check(ip)?;
    let b = body.0;
    match users::sign_in(&state.db, &b.username, &b.password, ip.map(|i| i.to_string())).await {
        Ok(signed) => {
            let cookie = session_cookie(&req, signed.secret.clone(), time::Duration::hours(users::SESSION_HOURS));
            Ok(HttpResponse::Ok()
                .cookie(cookie)
                .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
                .json(view(signed.user, &signed.caller)))
        }
        Err(e @ ApiError::Unauthorized(_)) => {
            state.failed_auth.fail(ip);
            // Slows guessing beyond the hash's own cost.
            actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Who is signed in (a session cookie, or a bearer token).
#[utoipa::path(
    tag = "session",
    operation_id = "get_session",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user and the session's CSRF token.", body = SessionView),
        (status = 401, description = "Not signed in, or the session has ended.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/session")]
pub async fn get_session(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let user = users::me(&state.db, &caller).await?;
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(view(user, &caller)))
}

/// Sign out: the session ends and the cookie is cleared.
#[utoipa::path(
    tag = "session",
    operation_id = "sign_out",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Signed out."),
        (status = 401, description = "Not signed in.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Without the session's `X-CSRF-Token`.", body = Problem, content_type = PROBLEM),
    )
)]
#[delete("/session")]
pub async fn sign_out(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    users::sign_out(&state.db, &caller).await?;
    Ok(HttpResponse::NoContent().cookie(session_cookie(&req, String::new(), time::Duration::ZERO)).finish())
}

/// Body of `PUT /session/password`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password now.
    pub current_password: String,
    /// The new password: at least 10 characters, at most 200, not the user name (checked by
    /// the policy, whose message never repeats the password).
    pub new_password: String,
}

/// Change the signed-in user's password; every other session of the user ends.
#[utoipa::path(
    tag = "session",
    operation_id = "change_password",
    request_body = ChangePasswordRequest,
    security(("session" = [])),
    responses(
        (status = 204, description = "Changed."),
        (status = 400, description = "The new password breaks the policy.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Not signed in.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "The current password is wrong, the caller is a token, or no `X-CSRF-Token`.", body = Problem, content_type = PROBLEM),
    )
)]
#[put("/session/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: Valid<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    users::change_password(&state.db, &caller, &body.0.current_password, &body.0.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Body of `POST /users`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Sign-in name: 2–50 letters, digits, `.`, `_`, `-` (stored in lower case).
    #[schema(min_length = 2, max_length = 50, pattern = "^[A-Za-z0-9._-]+$", example = "mzj.wang")]
    pub username: String,
    /// Name shown (default: the user name).
    #[schema(min_length = 1, max_length = 100, example = "民政局 王会计")]
    pub display_name: Option<String>,
    /// Initial password: at least 10 characters, at most 200, not the user name (checked by
    /// the policy, whose message never repeats the password).
    pub password: String,
    /// Role.
    #[schema(inline)]
    pub role: Role,
    /// Department code; required for (and only for) `department`.
    #[schema(min_length = 1, max_length = 50, example = "101")]
    pub department: Option<String>,
    /// Organisation; required for (and only for) `assessor`.
    #[schema(min_length = 1, max_length = 200)]
    pub org: Option<String>,
}

/// Create a user who signs in with a password (admin only).
#[utoipa::path(
    tag = "admin",
    operation_id = "create_user",
    request_body = CreateUserRequest,
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = UserView),
        (status = 400, description = "Body does not match its schema, the scope does not fit the role, or the password breaks the policy.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Not signed in.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The user name is taken.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: Valid<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let user = users::create(
        &state.db,
        Some(&caller),
        NewUser {
            username: &b.username,
            display_name: b.display_name.as_deref(),
            password: &b.password,
            role: b.role,
            department: b.department.as_deref(),
            org: b.org.as_deref(),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(UserView::from(user)))
}

/// `?cursor=&limit=` of `GET /users`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// The `next_cursor` of the previous page (a user name).
    #[param(max_length = 50)]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// One page of users.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserPage {
    /// Users by user name.
    pub items: Vec<UserView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// List users by user name (admin only).
#[utoipa::path(
    tag = "admin",
    operation_id = "list_users",
    params(UsersQuery),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of users.", body = UserPage),
        (status = 400, description = "Bad limit.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Not signed in.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<UsersQuery>,
) -> Result<web::Json<UserPage>, ApiError> {
    let q = q.into_inner();
    // Users page by user name, not by an issued id: only the page size is the shared check.
    let limit = crate::api::page_size(q.limit)?;
    let after = q.cursor.filter(|c| !c.is_empty());
    let (items, next_cursor) = users::list(&state.db, &caller, after, limit).await?;
    Ok(web::Json(UserPage { items: items.into_iter().map(UserView::from).collect(), next_cursor }))
}

/// Registers the routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(sign_in)
        .service(get_session)
        .service(sign_out)
        .service(change_password)
        .service(create_user)
        .service(list_users);
}
