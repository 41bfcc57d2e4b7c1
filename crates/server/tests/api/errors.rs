//! Table-driven bad input: every error is problem+json with a stable type.

use jixiao_server::auth::Role;

use crate::helpers::{TestApp, assert_problem, send};

struct Case {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    content_type: Option<&'static str>,
    auth: Option<&'static str>,
    body: Option<Vec<u8>>,
    status: u16,
    slug: &'static str,
}

fn case(name: &'static str, method: &'static str, path: &'static str, status: u16, slug: &'static str) -> Case {
    Case { name, method, path, content_type: Some("application/json"), auth: None, body: None, status, slug }
}

async fn bad_requests_are_problems(app: &TestApp) {
    let finance = app.token(Role::Finance, None, None).await;
    let finance_auth: &'static str = Box::leak(format!("Bearer {finance}").into_boxed_str());
    let huge = format!("{{\"goals\": {{\"annual\": \"{}\"}}}}", "x".repeat(300 * 1024)).into_bytes();
    let cases = vec![
        Case {
            body: Some(b"{\"kind\": ".to_vec()),
            ..case("truncated JSON", "POST", "/api/v1/check", 400, "malformed-json")
        },
        Case { body: Some(b"not json".to_vec()), ..case("not JSON", "POST", "/api/v1/check", 400, "malformed-json") },
        Case { body: Some(b"".to_vec()), ..case("empty body", "POST", "/api/v1/check", 400, "malformed-json") },
        Case { body: Some(b"[]".to_vec()), ..case("array", "POST", "/api/v1/check", 400, "not-an-object") },
        Case {
            body: Some(format!("{{\"a\": {}", "[".repeat(50_000)).into_bytes()),
            ..case("deeply nested", "POST", "/api/v1/check", 400, "malformed-json")
        },
        Case {
            body: Some(vec![b'{', 0xff, 0xfe, b'}']),
            ..case("not UTF-8", "POST", "/api/v1/check", 400, "malformed-json")
        },
        Case { body: Some(b"\"x\"".to_vec()), ..case("string", "POST", "/api/v1/check", 400, "not-an-object") },
        Case { body: Some(b"null".to_vec()), ..case("null", "POST", "/api/v1/check", 400, "not-an-object") },
        Case {
            content_type: Some("text/plain"),
            body: Some(b"{}".to_vec()),
            ..case("text/plain", "POST", "/api/v1/check", 400, "content-type")
        },
        Case {
            content_type: None,
            body: Some(b"{}".to_vec()),
            ..case("no content type", "POST", "/api/v1/check", 400, "content-type")
        },
        Case { body: Some(huge.clone()), ..case("huge body", "POST", "/api/v1/check", 413, "payload-too-large") },
        Case {
            body: Some(b"{}".to_vec()),
            ..case("unknown profile", "POST", "/api/v1/check?profile=nope", 400, "unknown-profile")
        },
        Case {
            body: Some(b"{}".to_vec()),
            ..case("unknown locale", "POST", "/api/v1/check?locale=fr", 400, "invalid-parameter")
        },
        case("unknown route", "GET", "/api/v1/nope", 404, "not-found"),
        case("unknown version", "GET", "/api/v2/profiles", 404, "not-found"),
        case("wrong method", "DELETE", "/api/v1/check", 405, "method-not-allowed"),
        case("wrong method on a literal path", "OPTIONS", "/api/v1/targets/import", 405, "method-not-allowed"),
        case(
            "wrong method on item",
            "POST",
            "/api/v1/targets/0190f1f0-0000-7000-8000-000000000000",
            405,
            "method-not-allowed",
        ),
        case("no token", "GET", "/api/v1/targets", 401, "unauthorized"),
        Case { auth: Some("Bearer jx_nope"), ..case("unknown token", "GET", "/api/v1/targets", 401, "unauthorized") },
        Case { auth: Some("Basic dXNlcjpwYXNz"), ..case("basic auth", "GET", "/api/v1/targets", 401, "unauthorized") },
        Case { auth: Some("Bearer"), ..case("empty bearer", "GET", "/api/v1/targets", 401, "unauthorized") },
        Case {
            auth: Some("Bearer jx_nope"),
            body: Some(b"{}".to_vec()),
            ..case("bad token on a public route", "POST", "/api/v1/check", 401, "unauthorized")
        },
        Case {
            auth: Some(finance_auth),
            ..case("bad limit", "GET", "/api/v1/targets?limit=0", 400, "invalid-parameter")
        },
        Case {
            auth: Some(finance_auth),
            ..case("bad year", "GET", "/api/v1/targets?fiscal_year=abc", 400, "invalid-parameter")
        },
        Case {
            auth: Some(finance_auth),
            ..case("bad status", "GET", "/api/v1/targets?status=open", 400, "invalid-parameter")
        },
        Case {
            auth: Some(finance_auth),
            ..case("bad cursor", "GET", "/api/v1/targets?cursor=abc", 400, "invalid-parameter")
        },
        Case {
            auth: Some(finance_auth),
            ..case("malformed id", "GET", "/api/v1/targets/..%2F..%2Fetc", 404, "not-found")
        },
        Case {
            auth: Some(finance_auth),
            ..case("unknown id", "GET", "/api/v1/targets/0190f1f0-0000-7000-8000-000000000000", 404, "not-found")
        },
        Case {
            body: Some(b"{}".to_vec()),
            auth: Some(finance_auth),
            ..case("finance cannot create", "POST", "/api/v1/targets", 403, "forbidden")
        },
        Case {
            body: Some(b"{\"target\": {}}".to_vec()),
            ..case("score envelope", "POST", "/api/v1/score", 400, "invalid-body")
        },
        case("non-API write", "POST", "/index.html", 405, "method-not-allowed"),
        case("missing static file", "GET", "/nope.js", 404, "not-found"),
    ];
    for c in cases {
        let mut req = app.client.request(c.method.parse().expect("method"), app.url(c.path));
        if let Some(ct) = c.content_type {
            req = req.insert_header(("content-type", ct));
        }
        if let Some(a) = c.auth {
            req = req.insert_header(("authorization", a));
        }
        let (status, headers, body) = send(req, c.body.as_deref()).await;
        assert_eq!(status, c.status, "{}: {body}", c.name);
        assert_problem(status, &headers, &body, c.status, c.slug);
        if c.status == 405 {
            assert!(headers.get("allow").is_some(), "{}: Allow header", c.name);
        }
        if c.name == "wrong method on a literal path" {
            // `/targets/import` is its own resource, not also `/targets/{id}`.
            assert_eq!(headers.get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
        }
        if c.name == "wrong method on item" {
            assert_eq!(headers.get("allow").and_then(|v| v.to_str().ok()), Some("GET, PUT, DELETE, HEAD"));
        }
        if c.status == 401 {
            assert!(headers.get("www-authenticate").is_some(), "{}: WWW-Authenticate", c.name);
        }
        assert!(headers.get("x-request-id").is_some(), "{}: request id", c.name);
    }
}

async fn revoked_tokens_stop_working(app: &TestApp) {
    let t = app.token(Role::Finance, None, None).await;
    let (status, _, _) = crate::helpers::get(app, "/api/v1/targets", Some(&t)).await;
    assert_eq!(status, 200);
    let db = app.db.clone();
    let hash = jixiao_server::auth::hash_token(&t);
    actix_web::web::block(move || {
        let mut c = db.conn().expect("conn");
        let row = jixiao_server::store::tokens::find_active_by_hash(&mut c, &hash).expect("query").expect("row");
        assert!(jixiao_server::store::tokens::revoke(&mut c, &row.id, jixiao_server::store::now()).expect("revoke"));
    })
    .await
    .expect("block");
    let (status, headers, body) = crate::helpers::get(app, "/api/v1/targets", Some(&t)).await;
    assert_problem(status, &headers, &body, 401, "unauthorized");
}

crate::both_backends!(bad_requests_are_problems, revoked_tokens_stop_working, serves_the_web_form);

/// The web form is served from `web_dir` with cache headers; paths cannot escape it.
async fn serves_the_web_form(app: &TestApp) {
    let (status, _, _) = crate::helpers::get(app, "/", None).await;
    assert_eq!(status, 200, "friendly page while the form is not built");
    let dir = app.web_dir();
    std::fs::create_dir_all(dir.join("assets")).expect("mkdir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>表单</title>").expect("write");
    std::fs::write(dir.join("assets/app-abc123.js"), "console.log(1)").expect("write");
    let mut res = app.client.get(app.url("/")).send().await.expect("get");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-cache"));
    let body = res.body().await.expect("body");
    assert!(String::from_utf8_lossy(&body).contains("表单"));
    let res = app.client.get(app.url("/assets/app-abc123.js")).send().await.expect("get");
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("javascript")));
    assert!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("immutable")));
    for bad in ["/..%2F..%2Fetc%2Fpasswd", "/assets/..%2F..%2FCargo.toml", "/.hidden"] {
        let (status, headers, body) = crate::helpers::get(app, bad, None).await;
        assert_problem(status, &headers, &body, 404, "not-found");
    }
}
