//! Sign-in for people (`SESSIONS-API.md`): users created by an admin, the session cookie and
//! its flags, CSRF on every cookie write, sign-out, the per-account limit with its audit rows,
//! password changes ending the other sessions.

use awc::http::Method;
use jixiao_server::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, fixture, post_json, send};

const PASSWORD: &str = "民政局财务科-2019-春";

fn valid_doc() -> Value {
    fixture("targets/orphan-clothing-valid.json")["document"].clone()
}

/// A cookie-authenticated request: `cookie` is the session's secret, `csrf` the header sent.
async fn with_cookie(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: Option<&Value>,
) -> (u16, awc::http::header::HeaderMap, Value) {
    let mut req = app
        .client
        .request(method, app.url(&format!("/api/v1{path}")))
        .insert_header(("cookie", format!("jx_session={cookie}")));
    if let Some(c) = csrf {
        req = req.insert_header(("x-csrf-token", c.to_owned()));
    }
    if body.is_some() {
        req = req.insert_header(("content-type", "application/json"));
    }
    let bytes = body.map(|b| b.to_string().into_bytes());
    send(req, bytes.as_deref()).await
}

/// Signs in: (status, the cookie's Set-Cookie line, body).
async fn sign_in(app: &TestApp, username: &str, password: &str) -> (u16, String, Value) {
    let (status, headers, body) =
        post_json(app, "/api/v1/session", None, &json!({ "username": username, "password": password })).await;
    let set_cookie = headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, set_cookie, body)
}

fn secret_of(set_cookie: &str) -> String {
    set_cookie.split(';').next().and_then(|kv| kv.strip_prefix("jx_session=")).unwrap_or("").to_owned()
}

async fn create_user(app: &TestApp, admin: &str, body: Value) -> (u16, Value) {
    let (status, _, out) = post_json(app, "/api/v1/users", Some(admin), &body).await;
    (status, out)
}

async fn people_sign_in_and_write_with_the_csrf_token(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    let finance = app.token(Role::Finance, None, None).await;
    // Departments are known once a target names them; the user's department shows its name.
    let (status, _) =
        create_user(app, &finance, json!({ "username": "x.y", "password": PASSWORD, "role": "finance" })).await;
    assert_eq!(status, 403, "only admins create users");
    let (status, user) = create_user(
        app,
        &admin,
        json!({ "username": "MZJ.Wang", "display_name": "民政局 王会计", "password": PASSWORD, "role": "department", "department": "101" }),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    assert_eq!(user["username"], "mzj.wang");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none(), "{user}");
    let (status, _) = create_user(
        app,
        &admin,
        json!({ "username": "mzj.wang", "password": PASSWORD, "role": "department", "department": "101" }),
    )
    .await;
    assert_eq!(status, 409, "the name is taken (case-insensitively)");

    // Wrong password and unknown user give one answer.
    let (status, cookie, wrong) = sign_in(app, "mzj.wang", "not the password").await;
    assert_eq!((status, cookie.as_str()), (401, ""), "{wrong}");
    let (status, _, unknown) = sign_in(app, "nobody", "not the password").await;
    assert_eq!(status, 401);
    assert_eq!(wrong["detail"], unknown["detail"]);

    let (status, set_cookie, session) = sign_in(app, "MZJ.wang", PASSWORD).await;
    assert_eq!(status, 200, "{session}");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(set_cookie.contains(flag), "{flag} in {set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "plain HTTP: no Secure flag ({set_cookie})");
    let cookie = secret_of(&set_cookie);
    assert!(cookie.starts_with("jxs_"), "{set_cookie}");
    let csrf = session["csrf_token"].as_str().expect("csrf token").to_owned();
    assert_eq!(session["user"]["role"], "department");
    assert_eq!(session["user"]["department"], "101");

    let (status, _, me) = with_cookie(app, Method::GET, "/session", &cookie, None, None).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["csrf_token"], csrf.as_str());
    assert_eq!(me["user"]["display_name"], "民政局 王会计");

    // A write with the cookie but without (or with another) CSRF token does nothing.
    let (status, headers, body) = with_cookie(app, Method::POST, "/targets", &cookie, None, Some(&valid_doc())).await;
    assert_problem(status, &headers, &body, 403, "csrf");
    let (status, headers, body) = with_cookie(
        app,
        Method::POST,
        "/targets",
        &cookie,
        Some("0123456789abcdef0123456789abcdef"),
        Some(&valid_doc()),
    )
    .await;
    assert_problem(status, &headers, &body, 403, "csrf");
    let (_, _, list) = with_cookie(app, Method::GET, "/targets", &cookie, None, None).await;
    assert_eq!(list["items"], json!([]), "nothing was stored");
    let (status, _, created) =
        with_cookie(app, Method::POST, "/targets", &cookie, Some(&csrf), Some(&valid_doc())).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["department_code"], "101");
    // The department's name is known now.
    let (_, _, me) = with_cookie(app, Method::GET, "/session", &cookie, None, None).await;
    assert_eq!(me["user"]["department_name"], "阿图什市民政局");
    // A department user cannot file for another department.
    let mut other = valid_doc();
    other["department"] = json!({ "code": "102", "name": "阿图什市教育局" });
    let (status, headers, body) = with_cookie(app, Method::POST, "/targets", &cookie, Some(&csrf), Some(&other)).await;
    assert_problem(status, &headers, &body, 403, "forbidden");

    // Sign-out ends the session; a stale cookie is anonymous on public reads.
    let (status, headers, body) = with_cookie(app, Method::DELETE, "/session", &cookie, None, None).await;
    assert_problem(status, &headers, &body, 403, "csrf");
    let (status, headers, _) = with_cookie(app, Method::DELETE, "/session", &cookie, Some(&csrf), None).await;
    assert_eq!(status, 204);
    let cleared = headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(cleared.starts_with("jx_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
    let (status, headers, body) = with_cookie(app, Method::GET, "/session", &cookie, None, None).await;
    assert_problem(status, &headers, &body, 401, "unauthorized");
    let (status, _, _) = with_cookie(app, Method::GET, "/public/targets", &cookie, None, None).await;
    assert_eq!(status, 200);
}

async fn failed_sign_ins_are_limited_per_account_and_audited(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    let (status, user) =
        create_user(app, &admin, json!({ "username": "czj", "password": PASSWORD, "role": "finance" })).await;
    assert_eq!(status, 201, "{user}");
    for _ in 0..5 {
        let (status, _, _) = sign_in(app, "czj", "guess guess guess").await;
        assert_eq!(status, 401);
    }
    // Locked for the window: even the right password waits.
    let (status, headers, body) =
        post_json(app, "/api/v1/session", None, &json!({ "username": "czj", "password": PASSWORD })).await;
    assert_problem(status, &headers, &body, 429, "too-many-requests");
    let retry: u64 = headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    // Another account is not locked by it.
    let (status, _) =
        create_user(app, &admin, json!({ "username": "czj2", "password": PASSWORD, "role": "finance" })).await;
    assert_eq!(status, 201);
    let (status, _, _) = sign_in(app, "czj2", PASSWORD).await;
    assert_eq!(status, 200);

    let id = user["id"].as_str().expect("id").to_owned();
    let db = app.db.clone();
    let actions: Vec<String> = actix_web::web::block(move || {
        let mut c = db.conn().expect("conn");
        jixiao_server::store::audit::list_for_target(&mut c, &id)
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect()
    })
    .await
    .expect("block");
    let failed = actions.iter().filter(|a| *a == "session.sign_in_failed").count();
    assert_eq!(failed, 5, "{actions:?}");
    assert!(
        actions.contains(&"user.create".to_owned()) && actions.contains(&"session.sign_in_refused".to_owned()),
        "{actions:?}"
    );
}

async fn a_new_password_ends_the_other_sessions(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    let (status, _) = create_user(
        app,
        &admin,
        json!({ "username": "pingshen", "password": PASSWORD, "role": "assessor", "org": "新疆某会计师事务所" }),
    )
    .await;
    assert_eq!(status, 201);
    let (_, first, _) = sign_in(app, "pingshen", PASSWORD).await;
    let (_, second, session) = sign_in(app, "pingshen", PASSWORD).await;
    let (first, second) = (secret_of(&first), secret_of(&second));
    let csrf = session["csrf_token"].as_str().expect("csrf").to_owned();
    let change = |current: &str, new: &str| json!({ "current_password": current, "new_password": new });
    let (status, headers, body) = with_cookie(
        app,
        Method::PUT,
        "/session/password",
        &second,
        Some(&csrf),
        Some(&change("wrong password!", "新的密码要足够长才行啊")),
    )
    .await;
    assert_problem(status, &headers, &body, 403, "forbidden");
    let (status, headers, body) =
        with_cookie(app, Method::PUT, "/session/password", &second, Some(&csrf), Some(&change(PASSWORD, "pingshen")))
            .await;
    assert_problem(status, &headers, &body, 400, "invalid-body");
    let (status, _, _) = with_cookie(
        app,
        Method::PUT,
        "/session/password",
        &second,
        Some(&csrf),
        Some(&change(PASSWORD, "新的密码要足够长才行啊")),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _, _) = with_cookie(app, Method::GET, "/session", &first, None, None).await;
    assert_eq!(status, 401, "the other session ended");
    let (status, _, _) = with_cookie(app, Method::GET, "/session", &second, None, None).await;
    assert_eq!(status, 200, "this session goes on");
    assert_eq!(sign_in(app, "pingshen", PASSWORD).await.0, 401);
    assert_eq!(sign_in(app, "pingshen", "新的密码要足够长才行啊").await.0, 200);
    // A token holder has no password to change, and a bearer write needs no CSRF token.
    let (status, _, me) = crate::helpers::get(app, "/api/v1/session", Some(&admin)).await;
    assert_eq!((status, me["csrf_token"].clone()), (200, Value::Null), "{me}");
}

async fn user_bodies_are_checked(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    let cases = [
        (json!({ "username": "a.b", "password": "short", "role": "finance" }), "/password", "minLength"),
        (json!({ "username": "a.b", "password": PASSWORD, "role": "department" }), "/department", "required"),
        (json!({ "username": "a.b", "password": PASSWORD, "role": "assessor" }), "/org", "required"),
        (json!({ "username": "a.b", "password": PASSWORD, "role": "finance", "org": "x" }), "/org", "not"),
        (json!({ "username": "王", "password": PASSWORD, "role": "finance" }), "/username", "minLength"),
        (json!({ "username": "a.b", "password": "a.b", "role": "finance" }), "/password", "minLength"),
    ];
    for (body, path, keyword) in cases {
        let (status, headers, out) = post_json(app, "/api/v1/users", Some(&admin), &body).await;
        assert_problem(status, &headers, &out, 400, "invalid-body");
        let errors = out["errors"].as_array().expect("errors");
        assert!(errors.iter().any(|e| e["path"] == path && e["keyword"] == keyword), "{body}: {out}");
    }
    let (status, _, page) = crate::helpers::get(app, "/api/v1/users?limit=1", Some(&admin)).await;
    assert_eq!((status, page["items"].as_array().map(Vec::len)), (200, Some(0)), "{page}");
}

/// The demo's printed people sign in, each with its role; a second start prints new
/// passwords and the old ones stop working.
async fn the_demo_users_sign_in_with_the_printed_passwords(app: &TestApp) {
    let users = |db: jixiao_server::db::Database| async move {
        actix_web::web::block(move || jixiao_demo::demo_users(&db, &jixiao_demo::dataset::demo_dataset()))
            .await
            .expect("block")
            .expect("demo users")
    };
    let first = users(app.db.clone()).await;
    let roles: Vec<&str> = first.iter().map(|u| u.role.as_str()).collect();
    assert_eq!(roles, ["admin", "finance", "department", "department", "assessor"]);
    for u in &first {
        let (status, _, session) = sign_in(app, &u.username, &u.password).await;
        assert_eq!(status, 200, "{}: {session}", u.username);
        assert_eq!(session["user"]["role"], u.role.as_str());
    }
    let again = users(app.db.clone()).await;
    assert_ne!(again[1].password, first[1].password);
    assert_eq!(sign_in(app, &first[1].username, &first[1].password).await.0, 401);
    assert_eq!(sign_in(app, &again[1].username, &again[1].password).await.0, 200);
}

crate::both_backends!(
    the_demo_users_sign_in_with_the_printed_passwords,
    people_sign_in_and_write_with_the_csrf_token,
    failed_sign_ins_are_limited_per_account_and_audited,
    a_new_password_ends_the_other_sessions,
    user_bodies_are_checked
);
