//! `/targets`: create, read, list, replace with If-Match, delete; departments only see
//! their own; every write is audited.

use jixiao_rules::{Locale, Registry};
use jixiao_server::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, fixture, get, post_json, send, target_fixtures};

fn valid_doc() -> Value {
    fixture("targets/orphan-clothing-valid.json")["document"].clone()
}

fn etag_of(headers: &awc::http::header::HeaderMap) -> String {
    headers.get("etag").and_then(|v| v.to_str().ok()).expect("ETag header").to_owned()
}

async fn put(
    app: &TestApp,
    id: &str,
    token: &str,
    if_match: Option<&str>,
    doc: &Value,
) -> (u16, awc::http::header::HeaderMap, Value) {
    let mut req = app
        .client
        .put(app.url(&format!("/api/v1/targets/{id}")))
        .insert_header(("content-type", "application/json"))
        .insert_header(("authorization", format!("Bearer {token}")));
    if let Some(m) = if_match {
        req = req.insert_header(("if-match", m));
    }
    send(req, Some(doc.to_string().as_bytes())).await
}

async fn delete(
    app: &TestApp,
    id: &str,
    token: &str,
    if_match: Option<&str>,
) -> (u16, awc::http::header::HeaderMap, Value) {
    let mut req = app
        .client
        .delete(app.url(&format!("/api/v1/targets/{id}")))
        .insert_header(("authorization", format!("Bearer {token}")));
    if let Some(m) = if_match {
        req = req.insert_header(("if-match", m));
    }
    send(req, None).await
}

async fn audit_actions(app: &TestApp, id: &str) -> Vec<String> {
    let db = app.db.clone();
    let id = id.to_owned();
    actix_web::web::block(move || {
        let mut c = db.conn().expect("conn");
        jixiao_server::store::audit::list_for_target(&mut c, &id)
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect()
    })
    .await
    .expect("block")
}

async fn create_read_update_delete(app: &TestApp) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    let (status, headers, body) = post_json(app, "/api/v1/targets", Some(&dept), &valid_doc()).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().expect("id").to_owned();
    assert_eq!(headers.get("location").and_then(|v| v.to_str().ok()), Some(format!("/api/v1/targets/{id}").as_str()));
    let etag = etag_of(&headers);
    assert_eq!(body["etag"], etag);
    assert_eq!(body["status"], "draft");
    assert_eq!(body["version"], 1);
    assert_eq!(body["valid"], true);
    assert_eq!(body["department_code"], "101");
    assert_eq!(body["annual_total"], "86.40", "money is exact");
    assert_eq!(body["document"], valid_doc());

    let (status, headers, got) = get(app, &format!("/api/v1/targets/{id}"), Some(&dept)).await;
    assert_eq!(status, 200);
    assert_eq!(etag_of(&headers), etag);
    assert_eq!(got["annual_total"], "86.40");

    // PUT needs If-Match: 428 without, 412 when stale, 200 with the current one.
    let mut changed = valid_doc();
    changed["funds"]["annual_total"] = json!("86.41");
    let (status, headers, b) = put(app, &id, &dept, None, &changed).await;
    assert_problem(status, &headers, &b, 428, "precondition-required");
    let (status, headers, b) = put(app, &id, &dept, Some("\"0000\""), &changed).await;
    assert_problem(status, &headers, &b, 412, "precondition-failed");
    assert_eq!(b["current_etag"], etag);
    let (status, headers, b) = put(app, &id, &dept, Some("*"), &changed).await;
    assert_problem(status, &headers, &b, 428, "precondition-required");
    let (status, headers, updated) = put(app, &id, &dept, Some(&etag), &changed).await;
    assert_eq!(status, 200, "{updated}");
    let etag2 = etag_of(&headers);
    assert_ne!(etag2, etag);
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["valid"], false, "sources no longer add up");
    let codes: Vec<&str> =
        updated["violations"].as_array().expect("v").iter().filter_map(|v| v["code"].as_str()).collect();
    assert_eq!(codes, ["FUNDS_SOURCES_SUM"]);
    // The old ETag is now stale: someone else's save is refused.
    let (status, headers, b) = put(app, &id, &dept, Some(&etag), &valid_doc()).await;
    assert_problem(status, &headers, &b, 412, "precondition-failed");
    // The department cannot move a target to another department.
    let mut moved = valid_doc();
    moved["department"]["code"] = json!("102");
    let (status, headers, b) = put(app, &id, &dept, Some(&etag2), &moved).await;
    assert_problem(status, &headers, &b, 409, "conflict");

    let (status, headers, b) = delete(app, &id, &dept, Some(&etag)).await;
    assert_problem(status, &headers, &b, 412, "precondition-failed");
    let (status, _, _) = delete(app, &id, &dept, Some(&etag2)).await;
    assert_eq!(status, 204);
    let (status, headers, b) = get(app, &format!("/api/v1/targets/{id}"), Some(&dept)).await;
    assert_problem(status, &headers, &b, 404, "not-found");
    assert_eq!(audit_actions(app, &id).await, ["create", "update", "delete"]);
}

async fn departments_see_only_their_own(app: &TestApp) {
    let a = app.token(Role::Department, Some("101"), None).await;
    let b = app.token(Role::Department, Some("102"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let assessor = app.token(Role::Assessor, None, Some("某会计师事务所")).await;
    let (status, _, created) = post_json(app, "/api/v1/targets", Some(&a), &valid_doc()).await;
    assert_eq!(status, 201);
    let id = created["id"].as_str().expect("id").to_owned();
    let etag = created["etag"].as_str().expect("etag").to_owned();
    let path = format!("/api/v1/targets/{id}");

    // B cannot see, edit or delete A's target, and cannot file one for A.
    let (status, headers, body) = get(app, &path, Some(&b)).await;
    assert_problem(status, &headers, &body, 404, "not-found");
    let (status, headers, body) = put(app, &id, &b, Some(&etag), &valid_doc()).await;
    assert_problem(status, &headers, &body, 404, "not-found");
    let (status, headers, body) = delete(app, &id, &b, None).await;
    assert_problem(status, &headers, &body, 404, "not-found");
    let (status, headers, body) = post_json(app, "/api/v1/targets", Some(&b), &valid_doc()).await;
    assert_problem(status, &headers, &body, 403, "forbidden");
    let (_, _, list) = get(app, "/api/v1/targets", Some(&b)).await;
    assert_eq!(list["items"], json!([]));
    let (_, _, list) = get(app, "/api/v1/targets?department=101", Some(&b)).await;
    assert_eq!(list["items"], json!([]));
    // An assessor sees nothing it was not assigned.
    let (status, headers, body) = get(app, &path, Some(&assessor)).await;
    assert_problem(status, &headers, &body, 404, "not-found");
    let (_, _, list) = get(app, "/api/v1/targets", Some(&assessor)).await;
    assert_eq!(list["items"], json!([]));

    // Finance sees it but cannot change it; anonymous callers get 401.
    let (status, _, _) = get(app, &path, Some(&finance)).await;
    assert_eq!(status, 200);
    let (status, headers, body) = put(app, &id, &finance, Some(&etag), &valid_doc()).await;
    assert_problem(status, &headers, &body, 403, "forbidden");
    let (status, headers, body) = get(app, &path, None).await;
    assert_problem(status, &headers, &body, 401, "unauthorized");
    let (_, _, list) = get(app, "/api/v1/targets", Some(&finance)).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
}

/// A new valid draft of department 101: its id and (quoted) ETag.
async fn new_draft(app: &TestApp, dept: &str) -> (String, String) {
    let (s, headers, created) = post_json(app, "/api/v1/targets", Some(dept), &valid_doc()).await;
    assert_eq!(s, 201, "{created}");
    (created["id"].as_str().expect("id").to_owned(), etag_of(&headers))
}

/// A review action that must succeed; the target's new (quoted) ETag.
async fn act(app: &TestApp, path: &str, token: &str, body: Value) -> String {
    let (s, headers, body) = post_json(app, path, Some(token), &body).await;
    assert_eq!(s, 200, "{path}: {body}");
    etag_of(&headers)
}

/// PUT then DELETE with the current ETag: each either succeeds or is a 409.
async fn edit_then_delete(
    app: &TestApp,
    dept: &str,
    id: &str,
    tag: String,
    put_ok: bool,
    delete_ok: bool,
    label: &str,
) {
    let (s, headers, body) = put(app, id, dept, Some(&tag), &valid_doc()).await;
    let tag = if put_ok {
        assert_eq!(s, 200, "{label}: {body}");
        etag_of(&headers)
    } else {
        assert_problem(s, &headers, &body, 409, "conflict");
        tag
    };
    let (s, headers, body) = delete(app, id, dept, Some(&tag)).await;
    if delete_ok {
        assert_eq!(s, 204, "{label}: {body}");
    } else {
        assert_problem(s, &headers, &body, 409, "conflict");
    }
}

/// The CRUD routes ask the review's lifecycle: through real submissions, decisions and an
/// adjustment, PUT is allowed only for drafts and returned targets and DELETE only for drafts
/// that were never approved (an adjustment keeps the approved version); the rest is 409.
async fn only_drafts_are_deleted_and_only_drafts_or_returned_edited(app: &TestApp) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let (id, _) = new_draft(app, &dept).await;
    let tag = act(app, &format!("/api/v1/targets/{id}/submit"), &dept, json!({})).await;
    edit_then_delete(app, &dept, &id, tag, false, false, "submitted").await;
    let approve = json!({ "decision": "approve", "grade": "good", "approved_amount": "86.40" });
    let tag = act(app, &format!("/api/v1/targets/{id}/review"), &finance, approve).await;
    edit_then_delete(app, &dept, &id, tag, false, false, "approved").await;
    // An adjustment is a draft again, editable, but the approved version in force keeps it.
    let tag = act(app, &format!("/api/v1/targets/{id}/adjust"), &dept, json!({})).await;
    edit_then_delete(app, &dept, &id, tag, true, false, "adjustment").await;

    let (id, _) = new_draft(app, &dept).await;
    act(app, &format!("/api/v1/targets/{id}/submit"), &dept, json!({})).await;
    let back = json!({ "decision": "return", "grade": "fair", "opinion": "请补充成本测算依据" });
    let tag = act(app, &format!("/api/v1/targets/{id}/review"), &finance, back).await;
    edit_then_delete(app, &dept, &id, tag, true, false, "returned").await;

    let (id, tag) = new_draft(app, &dept).await;
    edit_then_delete(app, &dept, &id, tag, true, true, "draft").await;
}

async fn fixtures_are_stored_with_the_cli_violations(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    for (name, fx) in target_fixtures() {
        let profile = fx["profile"].as_str().expect("profile");
        let doc = &fx["document"];
        let expected = jixiao_rules::check(
            doc.as_object().expect("object"),
            Registry::builtin().profile(profile).expect("profile"),
            Locale::En,
        );
        let (status, _, body) =
            post_json(app, &format!("/api/v1/targets?profile={profile}&locale=en"), Some(&admin), doc).await;
        if doc.pointer("/department/code").and_then(Value::as_str).is_none_or(|c| c.trim().is_empty()) {
            assert_eq!(status, 422, "{name}: no department: {body}");
            continue;
        }
        assert_eq!(status, 201, "{name}: {body}");
        assert_eq!(body["violations"], serde_json::to_value(&expected.violations).expect("json"), "{name}");
        assert_eq!(body["valid"], expected.valid, "{name}");
        let id = body["id"].as_str().expect("id");
        let (_, _, again) = get(app, &format!("/api/v1/targets/{id}?locale=en"), Some(&admin)).await;
        assert_eq!(again["violations"], body["violations"], "{name}: stored = returned");
    }
}

async fn lists_filter_and_page(app: &TestApp) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let mut ids = Vec::new();
    for year in [2018, 2019, 2019, 2019, 2019] {
        let mut doc = valid_doc();
        doc["fiscal_year"] = json!(year);
        let (status, _, body) = post_json(app, "/api/v1/targets", Some(&dept), &doc).await;
        assert_eq!(status, 201);
        ids.push(body["id"].as_str().expect("id").to_owned());
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/targets?fiscal_year=2019&limit=2".to_owned();
    loop {
        let (status, _, page) = get(app, &path, Some(&finance)).await;
        assert_eq!(status, 200, "{page}");
        for item in page["items"].as_array().expect("items") {
            assert_eq!(item["fiscal_year"], 2019);
            assert!(item.get("document").is_none());
            seen.push(item["id"].as_str().expect("id").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/targets?fiscal_year=2019&limit=2&cursor={c}"),
            None => break,
        }
    }
    let mut want: Vec<String> = ids[1..].to_vec();
    want.reverse();
    assert_eq!(seen, want, "newest first, each once");
    let (_, _, page) = get(app, "/api/v1/targets?status=submitted", Some(&finance)).await;
    assert_eq!(page["items"], json!([]));
    let (_, _, page) = get(app, "/api/v1/targets?department=101&status=draft", Some(&finance)).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(5));
}

async fn huge_amounts_and_odd_documents_are_drafts_not_crashes(app: &TestApp) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    let mut doc = valid_doc();
    doc["funds"]["annual_total"] = json!("99999999999999999999999.99");
    doc["funds"]["sources"] = json!(null);
    let (status, _, body) = post_json(app, "/api/v1/targets", Some(&dept), &doc).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["annual_total"], Value::Null, "too large for NUMERIC(18,2): kept only in the document");
    // A department posting a document without a department files it under its own.
    let (status, _, body) = post_json(app, "/api/v1/targets", Some(&dept), &json!({ "kind": "project" })).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["department_code"], "101");
    assert_eq!(body["valid"], false);
}

async fn concurrent_saves_with_one_etag_let_exactly_one_win(app: &TestApp) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    for round in 0..5 {
        let (_, headers, created) = post_json(app, "/api/v1/targets", Some(&dept), &valid_doc()).await;
        let id = created["id"].as_str().expect("id").to_owned();
        let etag = etag_of(&headers);
        let mut a = valid_doc();
        a["goals"]["annual"] = json!(format!("版本甲 {round}"));
        let mut b = valid_doc();
        b["goals"]["annual"] = json!(format!("版本乙 {round}"));
        let (ra, rb) =
            futures_util::future::join(put(app, &id, &dept, Some(&etag), &a), put(app, &id, &dept, Some(&etag), &b))
                .await;
        let mut statuses = [ra.0, rb.0];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 412], "{} / {}", ra.2, rb.2);
        let winner = if ra.0 == 200 { &ra.2 } else { &rb.2 };
        let (_, _, stored) = get(app, &format!("/api/v1/targets/{id}"), Some(&dept)).await;
        assert_eq!(stored["document"]["goals"]["annual"], winner["document"]["goals"]["annual"]);
        assert_eq!(stored["version"], 2);
        assert_eq!(audit_actions(app, &id).await, ["create", "update"]);
    }
}

async fn the_audit_trail_refuses_updates_and_deletes(app: &TestApp) {
    use diesel::RunQueryDsl;
    let dept = app.token(Role::Department, Some("101"), None).await;
    let (status, _, _) = post_json(app, "/api/v1/targets", Some(&dept), &valid_doc()).await;
    assert_eq!(status, 201);
    let db = app.db.clone();
    let (update, delete) = actix_web::web::block(move || {
        let mut c = db.conn().expect("conn");
        let u = diesel::sql_query("UPDATE audit_events SET actor = 'someone else'").execute(&mut *c);
        let d = diesel::sql_query("DELETE FROM audit_events").execute(&mut *c);
        (u.is_err(), d.is_err())
    })
    .await
    .expect("block");
    assert!(update && delete, "audit_events must be append-only");
}

crate::both_backends!(
    concurrent_saves_with_one_etag_let_exactly_one_win,
    the_audit_trail_refuses_updates_and_deletes,
    create_read_update_delete,
    departments_see_only_their_own,
    only_drafts_are_deleted_and_only_drafts_or_returned_edited,
    fixtures_are_stored_with_the_cli_violations,
    lists_filter_and_page,
    huge_amounts_and_odd_documents_are_drafts_not_crashes,
);
