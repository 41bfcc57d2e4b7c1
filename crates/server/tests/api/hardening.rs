//! The failures an outside test run found (issue 9), each as a class: NUL characters
//! anywhere in the input, amounts beyond what the stores hold, numbers with whitespace,
//! concurrent idempotent creation, guessing tokens, and the headers of pages and payloads.
//! Every case must answer the same on SQLite and PostgreSQL.

use awc::http::Method;
use jixiao_server::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, call, fixture};

fn doc() -> Value {
    fixture("targets/orphan-clothing-valid.json")["document"].clone()
}

async fn raw_get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, awc::http::header::HeaderMap, Value) {
    let mut req = app.client.get(app.url(path));
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    crate::helpers::send(req, None).await
}

/// NUL (U+0000) in a query, a path or any JSON string is a 400 naming the place, never a 500.
async fn nul_characters_are_refused_at_the_edge(app: &TestApp) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let admin = app.token(Role::Admin, None, None).await;
    for path in [
        "/api/v1/public/targets?department=%00",
        "/api/v1/targets?department=1%0001",
        "/api/v1/assignments/%00",
        "/api/v1/targets/%00/dossier",
    ] {
        let (status, headers, body) = raw_get(app, path, Some(&finance)).await;
        assert_problem(status, &headers, &body, 400, "invalid-parameter");
        assert!(body["detail"].as_str().unwrap().contains("NUL"), "{path}: {body}");
    }
    let (status, headers, body) = raw_get(app, "/api/v1/public/targets?department=%00", None).await;
    assert_problem(status, &headers, &body, 400, "invalid-parameter");

    let mut d = doc();
    d["project"]["name"] = json!("孤儿\u{0}被装");
    let r = call(app, Method::POST, "/targets", Some(&dept), Some(&d), None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    assert_eq!(r.body["errors"][0]["path"], "/project/name", "{}", r.body);
    let mut d = doc();
    d["department"]["code"] = json!("10\u{0}1");
    let r = call(app, Method::POST, "/check", Some(&dept), Some(&d), None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    assert_eq!(r.body["errors"][0]["path"], "/department/code");
    let r =
        call(app, Method::POST, "/tokens", Some(&admin), Some(&json!({ "name": "x\u{0}", "role": "finance" })), None)
            .await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    assert_eq!(r.body["errors"][0]["path"], "/name");
    let body = json!({ "target_ids": ["x"], "organisation": "甲\u{0}所", "due": "2019-03-30" });
    let r = call(app, Method::POST, "/assignments", Some(&finance), Some(&body), None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    assert_eq!(r.body["errors"][0]["path"], "/organisation");
    // Nothing was stored.
    let r = call(app, Method::GET, "/targets", Some(&finance), None, None).await;
    assert_eq!(r.body["items"], json!([]));
}

/// The largest amount is a rule (AMOUNT_INVALID at the field, in the form and on both
/// databases), and numbers in strings are matched whole (no surrounding whitespace).
async fn amounts_are_bounded_and_matched_whole(app: &TestApp) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let mut d = doc();
    d["funds"] = json!({ "annual_total": "99999999999999999.99", "mid_term_total": null, "sources": [] });
    let r = call(app, Method::POST, "/check", Some(&dept), Some(&d), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v: Vec<&Value> =
        r.body["violations"].as_array().unwrap().iter().filter(|v| v["code"] == "AMOUNT_INVALID").collect();
    assert_eq!(v.len(), 1, "{}", r.body);
    assert_eq!(v[0]["path"], "/funds/annual_total");
    let mut d = doc();
    d["funds"]["annual_total"] = json!("9999999999999999.99");
    d["funds"]["sources"] = json!([{ "source": "本级财政", "amount": "9999999999999999.99" }]);
    let r = call(app, Method::POST, "/check", Some(&dept), Some(&d), None).await;
    assert!(!r.body.to_string().contains("AMOUNT_INVALID"), "16 digits is the largest amount: {}", r.body);

    // The review: an approved amount with whitespace or beyond the limit is refused (422), never stored.
    let r = call(app, Method::POST, "/targets", Some(&dept), Some(&doc()), None).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let r = call(app, Method::POST, &format!("/targets/{id}/submit"), Some(&dept), None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for amount in [" 86.40", "86.40\n", "99999999999999999.99"] {
        let d = json!({ "decision": "approve", "grade": "good", "approved_amount": amount });
        let r = call(app, Method::POST, &format!("/targets/{id}/review"), Some(&finance), Some(&d), None).await;
        assert_eq!(r.status, 422, "{amount:?}: {}", r.body);
    }
    let r = call(app, Method::GET, &format!("/targets/{id}"), Some(&finance), None, None).await;
    assert_eq!(r.body["status"], "submitted", "nothing was decided");
}

/// Twenty identical assignments at once: every one answers the assignment, one is stored.
async fn concurrent_assignments_are_idempotent(app: &TestApp) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let r = call(app, Method::POST, "/targets", Some(&dept), Some(&doc()), None).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    call(app, Method::POST, &format!("/targets/{id}/submit"), Some(&dept), None, None).await;
    let body = json!({ "target_ids": [id], "organisation": "甲所", "due": "2019-03-30" });
    let replies = futures_util::future::join_all(
        (0..20).map(|_| call(app, Method::POST, "/assignments", Some(&finance), Some(&body), None)),
    )
    .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert!(statuses.iter().all(|s| *s == 200 || *s == 201), "{statuses:?} {}", replies[0].body);
    let ids: std::collections::BTreeSet<String> =
        replies.iter().map(|r| r.body[0]["id"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(ids.len(), 1, "one assignment, returned to everyone: {ids:?}");
    let r = call(app, Method::GET, "/assignments", Some(&finance), None, None).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(1), "{}", r.body);
}

/// Guessing tokens is slowed: past the limit of failures an address gets 429 with
/// Retry-After, even for a valid token, until the window ends.
async fn failed_authentication_is_limited(app: &TestApp) {
    let good = app.token(Role::Finance, None, None).await;
    let limit = jixiao_server::auth::FailedAuth::LIMIT;
    for i in 0..limit {
        let (status, ..) = raw_get(app, "/api/v1/targets", Some(&format!("jx_{i:064}"))).await;
        assert_eq!(status, 401, "attempt {i}");
    }
    let (status, headers, body) = raw_get(app, "/api/v1/targets", Some("jx_wrong")).await;
    assert_problem(status, &headers, &body, 429, "too-many-requests");
    assert!(headers.get("retry-after").is_some());
    let (status, ..) = raw_get(app, "/api/v1/targets", Some(&good)).await;
    assert_eq!(status, 429, "the address waits, whatever it sends");
    let (status, ..) = raw_get(app, "/api/v1/public/targets", None).await;
    assert_eq!(status, 200, "anonymous reads are not authentication");
}

/// What the OpenAPI document declares is what the server does: an empty `cursor=` is the
/// first page; a fiscal year outside 2000–2100 is a 400 on every list and route.
async fn parameters_follow_the_published_bounds(app: &TestApp) {
    let finance = app.token(Role::Finance, None, None).await;
    for path in [
        "/api/v1/targets?cursor=",
        "/api/v1/review/targets?cursor=&limit=1",
        "/api/v1/public/targets?cursor=",
        "/api/v1/evaluations?cursor=",
        "/api/v1/monitoring/rounds?cursor=",
        "/api/v1/public/results?cursor=",
    ] {
        let (status, _, body) = raw_get(app, path, Some(&finance)).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    for path in [
        "/api/v1/targets?fiscal_year=1999",
        "/api/v1/review/targets?fiscal_year=-2147483648",
        "/api/v1/public/targets?fiscal_year=2101",
        "/api/v1/evaluations?fiscal_year=0",
        "/api/v1/monitoring/rounds?fiscal_year=1999",
        "/api/v1/monitoring/coverage?fiscal_year=1999",
        "/api/v1/public/results?fiscal_year=1999",
        "/api/v1/evaluation-years/1999/summary",
    ] {
        let (status, headers, body) = raw_get(app, path, Some(&finance)).await;
        assert_problem(status, &headers, &body, 400, "invalid-parameter");
    }
}

/// Pages are never framed and run no inline code; JSON and wasm are compressed.
async fn pages_and_payloads_have_their_headers(app: &TestApp) {
    let dir = app.web_dir();
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    std::fs::write(dir.join("assets/rules.wasm"), vec![0u8; 64 * 1024]).unwrap();
    let (status, headers, _) = raw_get(app, "/", None).await;
    assert_eq!(status, 200);
    let csp = headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers.get("x-frame-options").unwrap(), "DENY");
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(headers.get("referrer-policy").is_some());
    for path in ["/assets/rules.wasm", "/api/v1/public/targets"] {
        let res = app.client.get(app.url(path)).insert_header(("accept-encoding", "gzip")).no_decompress().send().await;
        let res = res.expect("sent");
        assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"), "{path}");
    }
}

/// What the published schema admits, the server takes (schemathesis found these): a year
/// written `2019.0` is the integer JSON Schema says it is; an If-Match that is not a quoted
/// strong ETag matches nothing (412 with the current ETag), never a 400 the spec hides.
async fn what_the_schema_admits_is_taken(app: &TestApp) {
    let finance = app.token(Role::Finance, None, None).await;
    let dept = app.token(Role::Department, Some("101"), None).await;
    let body = json!({ "fiscal_year": 2019.0, "through_month": 6.0, "deadline": "2019-07-10" });
    let r = call(app, Method::POST, "/monitoring/rounds", Some(&finance), Some(&body), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!((r.body["fiscal_year"].clone(), r.body["through_month"].clone()), (json!(2019), json!(6)));
    let half = json!({ "fiscal_year": 2019.5, "through_month": 6, "deadline": "2019-07-10" });
    let r = call(app, Method::POST, "/monitoring/rounds", Some(&finance), Some(&half), None).await;
    assert_eq!(r.status, 400, "{}", r.body);

    let r = call(app, Method::POST, "/targets", Some(&dept), Some(&doc()), None).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let etag = r.body["etag"].as_str().unwrap().to_owned();
    for bad in ["W/\"x\"", "abc", "\"unterminated", "0"] {
        let r = call(app, Method::PUT, &format!("/targets/{id}"), Some(&dept), Some(&doc()), Some(bad)).await;
        assert_problem(r.status, &r.headers, &r.body, 412, "precondition-failed");
        assert_eq!(r.body["current_etag"], etag.as_str(), "{bad}");
    }
    for empty in ["*", " , "] {
        let r = call(app, Method::PUT, &format!("/targets/{id}"), Some(&dept), Some(&doc()), Some(empty)).await;
        assert_eq!(r.status, 428, "{empty}: {}", r.body);
    }
    let r = call(app, Method::PUT, &format!("/targets/{id}"), Some(&dept), Some(&doc()), Some(&etag)).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

crate::both_backends!(
    what_the_schema_admits_is_taken,
    nul_characters_are_refused_at_the_edge,
    amounts_are_bounded_and_matched_whole,
    concurrent_assignments_are_idempotent,
    failed_authentication_is_limited,
    parameters_follow_the_published_bounds,
    pages_and_payloads_have_their_headers
);
