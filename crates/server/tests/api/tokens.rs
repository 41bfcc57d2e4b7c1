//! `/tokens`: admin-only token administration; bodies checked against their schema.

use jixiao_server::auth::Role;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, get, post_json, send};

async fn admins_manage_tokens(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let body = json!({ "role": "department", "name": "民政局", "department": "101" });
    let (status, headers, out) = post_json(app, "/api/v1/tokens", Some(&finance), &body).await;
    assert_problem(status, &headers, &out, 403, "forbidden");
    let (status, _, out) = post_json(app, "/api/v1/tokens", Some(&admin), &body).await;
    assert_eq!(status, 201, "{out}");
    let secret = out["secret"].as_str().expect("secret").to_owned();
    let id = out["token"]["id"].as_str().expect("id").to_owned();
    let (status, _, _) = get(app, "/api/v1/targets", Some(&secret)).await;
    assert_eq!(status, 200, "the new token works");
    let (_, _, list) = get(app, "/api/v1/tokens", Some(&admin)).await;
    assert!(list.as_array().expect("list").iter().all(|t| t.get("secret").is_none() && t.get("token_hash").is_none()));
    let req = app
        .client
        .delete(app.url(&format!("/api/v1/tokens/{id}")))
        .insert_header(("authorization", format!("Bearer {admin}")));
    let (status, _, _) = send(req, None).await;
    assert_eq!(status, 204);
    let (status, headers, out) = get(app, "/api/v1/targets", Some(&secret)).await;
    assert_problem(status, &headers, &out, 401, "unauthorized");
}

async fn token_bodies_are_schema_checked(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    let cases = [
        (json!({ "name": "x" }), "", "required"),
        (json!({ "role": "root", "name": "x" }), "/role", "oneOf"),
        (json!({ "role": "finance", "name": 5 }), "/name", "type"),
        (json!({ "role": "finance", "name": "" }), "/name", "minLength"),
        (json!({ "role": "finance", "name": "x", "extra": true }), "", "additionalProperties"),
        (json!({ "role": "department", "name": "x" }), "", "scope"),
    ];
    for (body, path, keyword) in cases {
        let (status, headers, out) = post_json(app, "/api/v1/tokens", Some(&admin), &body).await;
        assert_problem(status, &headers, &out, 400, "invalid-body");
        let errors = out["errors"].as_array().expect("errors");
        assert!(errors.iter().any(|e| e["path"] == path && e["keyword"] == keyword), "{body}: {out}");
    }
}

crate::both_backends!(admins_manage_tokens, token_bodies_are_schema_checked);
