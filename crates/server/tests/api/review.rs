//! HTTP tests of the review cycle, against the real server on port 0 and a fresh database
//! per test (`helpers::spawn_app`: SQLite, and PostgreSQL when `JIXIAO_TEST_POSTGRES` is set).
//!
//! - the full cycle: draft → submit refused (422) → fix → submit → return with opinion →
//!   fix → resubmit → third-party opinion → approve → public listing, then an adjustment
//!   that is graded 差 while the approved version stays in force and public;
//! - the authorization matrix: every review route × {department A, department B,
//!   finance, assigned assessor, unassigned assessor, anonymous}, each outcome asserted,
//!   and list responses checked for leaks;
//! - the append-only tables refuse UPDATE and DELETE;
//! - two concurrent decisions on one submission record exactly one.

use awc::http::Method;
use diesel::connection::SimpleConnection;
use jixiao_server::auth::{Role, generate_token};
use jixiao_server::db::Database;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const FIXTURE: &str = include_str!("../../../../tests/fixtures/targets/orphan-clothing-valid.json");
const ORG_X: &str = "新疆甲会计师事务所";
const ORG_Y: &str = "乙评估公司";

crate::both_backends!(full_review_cycle, authorization_matrix, concurrent_decisions_record_one);

/// The server of one test with the callers of the review: two departments, finance and two
/// assessor organisations (named tokens, so the audit rows name them).
struct ReviewApp {
    base: String,
    db: Database,
    client: awc::Client,
    dept_a: String,
    dept_b: String,
    finance: String,
    assessor_x: String,
    assessor_y: String,
}

fn review_app(app: &TestApp) -> ReviewApp {
    let db = app.db.clone();
    let mut conn = db.conn().expect("connection");
    let mut token = |name: &str, role: Role, dept: Option<&str>, org: Option<&str>| {
        let t = generate_token(name, role, dept, org).expect("token");
        jixiao_server::store::tokens::insert(&mut conn, &t.row).expect("store token");
        t.secret
    };
    let dept_a = token("民政局填报员", Role::Department, Some("101"), None);
    let dept_b = token("教育局填报员", Role::Department, Some("102"), None);
    let finance = token("财政局绩效科", Role::Finance, None, None);
    let assessor_x = token("甲所评审员", Role::Assessor, None, Some(ORG_X));
    let assessor_y = token("乙公司评审员", Role::Assessor, None, Some(ORG_Y));
    drop(conn);
    let client = awc::Client::builder().timeout(std::time::Duration::from_secs(60)).finish();
    ReviewApp { base: app.url("/api/v1"), db, client, dept_a, dept_b, finance, assessor_x, assessor_y }
}

struct Reply {
    status: u16,
    etag: Option<String>,
    body: Value,
}

impl ReviewApp {
    async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        self.call_with(method, path, token, body, None).await
    }

    async fn call_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Reply {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.insert_header(("Authorization", format!("Bearer {t}")));
        }
        if let Some(m) = if_match {
            req = req.insert_header(("If-Match", m.to_owned()));
        }
        let mut res = match body {
            Some(b) => req.send_json(&b).await,
            None => req.send().await,
        }
        .expect("request sent");
        let status = res.status().as_u16();
        let etag = res.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = res.body().limit(64 * 1024 * 1024).await.expect("body");
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Reply { status, etag, body }
    }

    async fn create(&self, doc: &Value) -> (String, String) {
        let r = self.call(Method::POST, "/targets", Some(&self.dept_a), Some(doc.clone())).await;
        assert_eq!(r.status, 201, "create: {}", r.body);
        (r.body["id"].as_str().expect("id").to_owned(), r.etag.expect("ETag"))
    }

    async fn etag(&self, id: &str) -> String {
        let r = self.call(Method::GET, &format!("/targets/{id}"), Some(&self.dept_a), None).await;
        assert_eq!(r.status, 200, "get: {}", r.body);
        r.etag.expect("ETag")
    }

    async fn put(&self, id: &str, doc: &Value) -> Reply {
        let etag = self.etag(id).await;
        self.call_with(Method::PUT, &format!("/targets/{id}"), Some(&self.dept_a), Some(doc.clone()), Some(&etag)).await
    }

    async fn submit(&self, id: &str) -> Reply {
        self.call(Method::POST, &format!("/targets/{id}/submit"), Some(&self.dept_a), None).await
    }

    async fn decide(&self, id: &str, body: Value) -> Reply {
        self.call(Method::POST, &format!("/targets/{id}/review"), Some(&self.finance), Some(body)).await
    }

    async fn assign(&self, ids: &[&str], org: &str) -> Reply {
        let body = json!({ "target_ids": ids, "organisation": org, "due": "2018-11-30" });
        self.call(Method::POST, "/assignments", Some(&self.finance), Some(body)).await
    }

    async fn public(&self, query: &str) -> Vec<Value> {
        let r = self.call(Method::GET, &format!("/public/targets{query}"), None, None).await;
        assert_eq!(r.status, 200, "public: {}", r.body);
        r.body["items"].as_array().cloned().unwrap_or_default()
    }
}

fn valid_doc() -> Value {
    let f: Value = serde_json::from_str(FIXTURE).expect("fixture");
    f["document"].clone()
}

fn opinion_body(rec: &str) -> Value {
    let c = |s: &str, r: &str| json!({ "score": s, "remarks": r });
    json!({
        "criteria": {
            "completeness": c("90", "内容完整"),
            "relevance": c("85", "与职能相符"),
            "appropriateness": c("70", "单位成本测算偏高"),
            "feasibility": c("88", "措施可行"),
        },
        "findings": ["人均被装购置成本高于同类地区"],
        "recommendation": rec,
    })
}

fn ids_in(items: &Value) -> Vec<String> {
    items.as_array().map(|a| a.iter().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

async fn full_review_cycle(t: &TestApp) {
    let backend = t.backend();
    let app = review_app(t);
    let ctx = format!("[{backend:?}]");

    // A draft with an error: stored, but submission is refused with the violations.
    let mut doc = valid_doc();
    doc["indicators"][0].as_object_mut().expect("indicator").remove("unit");
    let (id, _) = app.create(&doc).await;
    let r = app.submit(&id).await;
    assert_eq!(r.status, 422, "{ctx} submit with errors: {}", r.body);
    assert_eq!(r.body["type"], "urn:jixiao:problem:violations");
    let codes: Vec<&str> =
        r.body["violations"].as_array().expect("violations").iter().filter_map(|v| v["code"].as_str()).collect();
    assert!(codes.contains(&"IND_UNIT_REQUIRED"), "{ctx} {codes:?}");
    assert_eq!(r.body["violations"][0]["path"], "/indicators/0/unit");

    // Fixed, then submitted (a stale If-Match is refused first).
    let doc = valid_doc();
    assert_eq!(app.put(&id, &doc).await.status, 200);
    let stale =
        app.call_with(Method::POST, &format!("/targets/{id}/submit"), Some(&app.dept_a), None, Some("\"stale\"")).await;
    assert_eq!(stale.status, 412, "{ctx} {}", stale.body);
    let r = app.submit(&id).await;
    assert_eq!(r.status, 200, "{ctx} submit: {}", r.body);
    assert_eq!(r.body["status"], "submitted");
    assert_eq!(r.body["revision"], 1);
    // Read-only for the department until returned; a second submit conflicts.
    assert_eq!(app.put(&id, &doc).await.status, 409);
    assert_eq!(app.submit(&id).await.status, 409);
    assert_eq!(app.call(Method::DELETE, &format!("/targets/{id}"), Some(&app.dept_a), None).await.status, 409);

    // The 88号 rules refuse bad decisions with 422 and a pointer into the body.
    let r = app.decide(&id, json!({ "decision": "return", "grade": "fair" })).await;
    assert_eq!((r.status, r.body["type"].as_str()), (422, Some("urn:jixiao:problem:review-opinion-required")));
    assert_eq!(r.body["errors"][0]["path"], "/opinion");
    let r = app.decide(&id, json!({ "decision": "approve", "grade": "fair", "approved_amount": "80.00" })).await;
    assert_eq!((r.status, r.body["type"].as_str()), (422, Some("urn:jixiao:problem:review-grade-requires-return")));
    let r = app.decide(&id, json!({ "decision": "approve", "grade": "good", "approved_amount": "86.41" })).await;
    assert_eq!(r.body["type"], "urn:jixiao:problem:review-approved-amount-exceeds-request", "{ctx} {}", r.body);
    let r = app.decide(&id, json!({ "decision": "approve", "grade": "good" })).await;
    assert_eq!(r.body["type"], "urn:jixiao:problem:review-approved-amount-required");
    // Shape errors are 400 with the instance path (JSON Schema).
    let r = app.decide(&id, json!({ "decision": "maybe", "grade": "good", "extra": 1 })).await;
    assert_eq!(r.status, 400, "{ctx} {}", r.body);
    assert_eq!(r.body["type"], "urn:jixiao:problem:invalid-body");
    let paths: Vec<&str> =
        r.body["errors"].as_array().expect("errors").iter().filter_map(|e| e["path"].as_str()).collect();
    assert!(paths.contains(&"/decision"), "{paths:?}");
    let r = app.decide(&id, json!({ "decision": "approve", "grade": "good", "approved_amount": "1e3" })).await;
    assert_eq!(r.body["type"], "urn:jixiao:problem:review-approved-amount-invalid");

    // Returned with an opinion (中): the department sees it in its list.
    let r = app
        .decide(
            &id,
            json!({ "decision": "return", "grade": "fair", "opinion": "成本指标测算依据不足，请补充。",
                    "criteria": { "appropriateness": "单位成本偏高" } }),
        )
        .await;
    assert_eq!(r.status, 200, "{ctx} return: {}", r.body);
    assert_eq!(r.body["target"]["status"], "returned");
    assert_eq!(r.body["review"]["outcome"], "resubmit");
    let r = app.call(Method::GET, "/review/targets?status=returned", Some(&app.dept_a), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["counts"]["returned"], 1);
    assert_eq!(r.body["items"][0]["id"], id.as_str());
    assert_eq!(r.body["items"][0]["last_review"]["opinion"], "成本指标测算依据不足，请补充。");
    // Another department asking for department 101 explicitly still sees nothing.
    let r = app.call(Method::GET, "/review/targets?department=101", Some(&app.dept_b), None).await;
    assert_eq!((r.status, r.body["items"].clone(), r.body["counts"]["returned"].as_u64()), (200, json!([]), Some(0)));

    // Fixed and resubmitted; the reviewer sees what changed since the return.
    let mut fixed = valid_doc();
    fixed["indicators"][5]["value"] = json!("0.23");
    fixed["indicators"][5]["explanation"] = json!("按2018年同类采购均价测算");
    assert_eq!(app.put(&id, &fixed).await.status, 200);
    let r = app.submit(&id).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("submitted")), "{ctx} {}", r.body);
    let r = app.call(Method::GET, &format!("/targets/{id}/changes"), Some(&app.finance), None).await;
    assert_eq!(r.status, 200);
    let changes = r.body["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 2, "{ctx} {changes:?}");
    assert_eq!(changes[0]["path"], "/indicators/5/explanation");
    assert_eq!(changes[0]["old"], Value::Null);
    assert_eq!(changes[1], json!({ "path": "/indicators/5/value", "old": "0.24", "new": "0.23" }));

    // Third-party review: only the assigned organisation sees and answers.
    let r = app.assign(&[&id], ORG_X).await;
    assert_eq!(r.status, 201, "{ctx} assign: {}", r.body);
    let asg = r.body[0]["id"].as_str().expect("assignment id").to_owned();
    assert_eq!(app.assign(&["00000000-0000-0000-0000-000000000000"], ORG_X).await.status, 404);
    let bad_date = app
        .call(
            Method::POST,
            "/assignments",
            Some(&app.finance),
            Some(json!({ "target_ids": [id], "organisation": ORG_X, "due": "2018-02-30" })),
        )
        .await;
    assert_eq!(bad_date.status, 400);
    let r = app.call(Method::GET, "/assignments", Some(&app.assessor_x), None).await;
    assert_eq!(ids_in(&r.body["items"]), vec![asg.clone()]);
    assert_eq!(r.body["items"][0]["target"]["id"], id.as_str());
    assert_eq!(r.body["next_cursor"], Value::Null);
    let r = app.call(Method::GET, "/assignments", Some(&app.assessor_y), None).await;
    assert_eq!(r.body, json!({ "items": [], "next_cursor": null }));
    let r = app.call(Method::GET, &format!("/assignments/{asg}"), Some(&app.assessor_x), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["document"]["project"]["name"], "2019年孤儿被装购置费");
    let r = app
        .call(
            Method::POST,
            &format!("/targets/{id}/opinions"),
            Some(&app.assessor_x),
            Some(json!({
        "criteria": opinion_body("revise")["criteria"], "findings": [], "recommendation": "revise" })),
        )
        .await;
    assert_eq!(r.body["type"], "urn:jixiao:problem:review-findings-required", "{ctx} {}", r.body);
    let r = app
        .call(Method::POST, &format!("/targets/{id}/opinions"), Some(&app.assessor_x), Some(opinion_body("approve")))
        .await;
    assert_eq!(r.status, 201, "{ctx} opinion: {}", r.body);
    assert_eq!(r.body["average"], "83.25");
    let r = app.call(Method::GET, &format!("/targets/{id}/dossier"), Some(&app.finance), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["opinions"][0]["organisation"], ORG_X);
    assert_eq!(r.body["opinions"][0]["criteria"][2]["remarks"], "单位成本测算偏高");
    assert_eq!(r.body["changes"]["since_revision"], 1);
    assert_eq!(r.body["violations"], json!([]));

    // Not public before approval; approved together with the budget, then public.
    assert!(app.public("").await.is_empty());
    let r = app.decide(&id, json!({ "decision": "approve", "grade": "excellent", "approved_amount": "80.00" })).await;
    assert_eq!(r.status, 200, "{ctx} approve: {}", r.body);
    assert_eq!(r.body["target"]["status"], "approved");
    assert_eq!(r.body["review"]["outcome"], "included");
    assert_eq!(r.body["review"]["approved_amount"], "80.00");
    let public = app.public("?fiscal_year=2019&department=101").await;
    assert_eq!(public.len(), 1, "{ctx}");
    assert_eq!(public[0]["id"], id.as_str());
    assert_eq!(public[0]["approved_amount"], "80.00");
    assert_eq!(public[0]["document"]["indicators"][5]["value"], "0.23");
    assert!(app.public("?fiscal_year=2018").await.is_empty());
    assert!(app.public("?department=102").await.is_empty());
    // An opinion after the decision is too late.
    let r = app
        .call(Method::POST, &format!("/targets/{id}/opinions"), Some(&app.assessor_x), Some(opinion_body("approve")))
        .await;
    assert_eq!(r.status, 409);

    // The audit trail has every step, in order (finance).
    let r = app.call(Method::GET, &format!("/targets/{id}/history"), Some(&app.finance), None).await;
    assert_eq!(r.status, 200);
    let actions: Vec<&str> = r.body.as_array().expect("history").iter().filter_map(|e| e["action"].as_str()).collect();
    let mine: Vec<&str> =
        actions.iter().copied().filter(|a| ["submit", "review", "assign", "opinion"].contains(a)).collect();
    assert_eq!(mine, ["submit", "review", "submit", "assign", "opinion", "review"], "{ctx} {actions:?}");
    assert_eq!(actions.first(), Some(&"create"));
    assert!(r.body.as_array().expect("history").iter().all(|e| e["at"].is_string() && e["actor"].is_string()));
    // The department's trail follows the policy of the data it describes: its opinions
    // route is 403, so neither its history nor its dossier shows the assessor's events.
    let r = app.call(Method::GET, &format!("/targets/{id}/opinions"), Some(&app.dept_a), None).await;
    assert_eq!(r.status, 403, "{ctx}");
    for path in [format!("/targets/{id}/history"), format!("/targets/{id}/dossier")] {
        let r = app.call(Method::GET, &path, Some(&app.dept_a), None).await;
        assert_eq!(r.status, 200, "{ctx} {path}");
        let history = if path.ends_with("history") { r.body.clone() } else { r.body["history"].clone() };
        let actions: Vec<&str> =
            history.as_array().expect("history").iter().filter_map(|e| e["action"].as_str()).collect();
        let mine: Vec<&str> = actions.iter().copied().filter(|a| ["submit", "review"].contains(a)).collect();
        assert_eq!(mine, ["submit", "review", "submit", "review"], "{ctx} {path} {actions:?}");
        assert!(!actions.contains(&"assign") && !actions.contains(&"opinion"), "{ctx} {path} {actions:?}");
        assert!(!history.to_string().contains(ORG_X), "{ctx} {path}: {history}");
    }

    // Adjustment (调整): version 2 is reviewed while version 1 stays in force and public.
    let r = app.call(Method::POST, &format!("/targets/{id}/adjust"), Some(&app.dept_a), None).await;
    assert_eq!(r.status, 200, "{ctx} adjust: {}", r.body);
    assert_eq!(
        (r.body["status"].as_str(), r.body["revision"].as_i64(), r.body["in_force_revision"].as_i64()),
        (Some("draft"), Some(2), Some(1))
    );
    // An adjustment draft cannot be deleted: the approved version must survive.
    let del = app.call(Method::DELETE, &format!("/targets/{id}"), Some(&app.dept_a), None).await;
    assert_eq!(del.status, 409, "{ctx} {}", del.body);
    assert_eq!(app.call(Method::GET, &format!("/targets/{id}"), Some(&app.dept_a), None).await.status, 200);
    let mut adjusted = fixed.clone();
    adjusted["funds"]["annual_total"] = json!("96.40");
    adjusted["funds"]["sources"][1]["amount"] = json!("36.40");
    assert_eq!(app.put(&id, &adjusted).await.status, 200);
    assert_eq!(app.submit(&id).await.status, 200);
    let r = app.decide(&id, json!({ "decision": "return", "grade": "poor", "opinion": "调整理由不充分" })).await;
    assert_eq!(r.body["target"]["budget_excluded"], true, "{ctx} {}", r.body);
    assert_eq!(r.body["review"]["outcome"], "excluded");
    let public = app.public("").await;
    assert_eq!(public.len(), 1);
    assert_eq!(
        (public[0]["revision"].as_i64(), public[0]["document"]["funds"]["annual_total"].as_str()),
        (Some(1), Some("86.40"))
    );
    assert_eq!(app.submit(&id).await.status, 200);
    let r = app.decide(&id, json!({ "decision": "approve", "grade": "good", "approved_amount": "90.00" })).await;
    assert_eq!((r.status, r.body["target"]["budget_excluded"].as_bool()), (200, Some(false)));
    let public = app.public("").await;
    assert_eq!((public.len(), public[0]["revision"].as_i64()), (1, Some(2)));
    let r = app.call(Method::GET, &format!("/targets/{id}/versions"), Some(&app.finance), None).await;
    let kinds: Vec<(&str, i64)> = r
        .body
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| (v["kind"].as_str().unwrap_or(""), v["revision"].as_i64().unwrap_or(0)))
        .collect();
    assert_eq!(
        kinds,
        [("submitted", 1), ("submitted", 1), ("approved", 1), ("submitted", 2), ("submitted", 2), ("approved", 2)]
    );

    // A classified target is approved but never published.
    let mut secret = valid_doc();
    secret["classified"] = json!(true);
    secret["project"]["code"] = json!("P2019-099");
    let (sid, _) = app.create(&secret).await;
    assert_eq!(app.submit(&sid).await.status, 200);
    assert_eq!(
        app.decide(&sid, json!({ "decision": "approve", "grade": "excellent", "approved_amount": "86.40" }))
            .await
            .status,
        200
    );
    assert!(!ids_in(&json!(app.public("").await)).contains(&sid));

    // Append-only: the database refuses changes to the audit trail and the review record.
    let mut conn = app.db.conn().expect("connection");
    for sql in [
        "UPDATE audit_events SET actor = 'x'",
        "DELETE FROM audit_events",
        "UPDATE reviews SET opinion = 'x'",
        "DELETE FROM reviews",
        "UPDATE opinions SET author = 'x'",
        "DELETE FROM assignments",
        "DELETE FROM target_versions",
    ] {
        assert!(conn.batch_execute(sql).is_err(), "{ctx} `{sql}` was allowed");
    }
}

/// Who the matrix calls as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    DeptA,
    DeptB,
    Finance,
    Assigned,
    Unassigned,
    Anonymous,
}

const WHO: [Who; 6] = [Who::DeptA, Who::DeptB, Who::Finance, Who::Assigned, Who::Unassigned, Who::Anonymous];

impl ReviewApp {
    fn token_of(&self, w: Who) -> Option<&str> {
        match w {
            Who::DeptA => Some(&self.dept_a),
            Who::DeptB => Some(&self.dept_b),
            Who::Finance => Some(&self.finance),
            Who::Assigned => Some(&self.assessor_x),
            Who::Unassigned => Some(&self.assessor_y),
            Who::Anonymous => None,
        }
    }

    /// A target of department A, submitted and assigned to ORG_X, then brought to `state`
    /// (a `draft` is never submitted, so no assessor is assigned to it).
    async fn target_in(&self, state: &str) -> (String, String) {
        let (id, _) = self.create(&valid_doc()).await;
        if state == "draft" {
            return (id, String::new());
        }
        assert_eq!(self.submit(&id).await.status, 200);
        let r = self.assign(&[&id], ORG_X).await;
        assert_eq!(r.status, 201);
        let asg = r.body[0]["id"].as_str().expect("assignment").to_owned();
        match state {
            "submitted" => {}
            "returned" => {
                let r = self.decide(&id, json!({ "decision": "return", "grade": "good", "opinion": "补充说明" })).await;
                assert_eq!(r.status, 200);
            }
            "approved" => {
                let r = self
                    .decide(&id, json!({ "decision": "approve", "grade": "excellent", "approved_amount": "86.40" }))
                    .await;
                assert_eq!(r.status, 200);
            }
            other => panic!("unknown state {other}"),
        }
        (id, asg)
    }
}

struct Case {
    method: Method,
    /// Path with `{id}` (target) and `{asg}` (assignment) placeholders.
    path: &'static str,
    /// The target's state before the call.
    state: &'static str,
    body: Option<fn() -> Value>,
    /// Expected status per caller, in `WHO` order.
    expect: [u16; 6],
    /// Whether a 2xx answer may mention the target (checked for list routes).
    sees_target: [bool; 6],
}

fn cases() -> Vec<Case> {
    let none = [false; 6];
    vec![
        Case {
            method: Method::GET,
            path: "/review/targets",
            state: "submitted",
            body: None,
            expect: [200, 200, 200, 403, 403, 401],
            sees_target: [true, false, true, false, false, false],
        },
        Case {
            method: Method::POST,
            path: "/targets/{id}/submit",
            state: "returned",
            body: None,
            expect: [200, 404, 403, 403, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::POST,
            path: "/targets/{id}/review",
            state: "submitted",
            body: Some(|| json!({ "decision": "approve", "grade": "excellent", "approved_amount": "86.40" })),
            expect: [403, 404, 200, 403, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::POST,
            path: "/targets/{id}/adjust",
            state: "approved",
            body: None,
            expect: [200, 404, 403, 403, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/targets/{id}/dossier",
            state: "submitted",
            body: None,
            expect: [200, 404, 200, 200, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/targets/{id}/history",
            state: "submitted",
            body: None,
            expect: [200, 404, 200, 403, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/targets/{id}/versions",
            state: "submitted",
            body: None,
            expect: [200, 404, 200, 403, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/targets/{id}/changes",
            state: "submitted",
            body: None,
            expect: [200, 404, 200, 403, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/targets/{id}/reviews",
            state: "submitted",
            body: None,
            expect: [200, 404, 200, 403, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::POST,
            path: "/assignments",
            state: "submitted",
            body: None, // filled in with the target id below
            expect: [403, 403, 201, 403, 403, 401],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/assignments",
            state: "submitted",
            body: None,
            expect: [403, 403, 200, 200, 200, 401],
            sees_target: [false, false, true, true, false, false],
        },
        Case {
            method: Method::GET,
            path: "/assignments/{asg}",
            state: "submitted",
            body: None,
            expect: [404, 404, 200, 200, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::POST,
            path: "/targets/{id}/opinions",
            state: "submitted",
            body: Some(|| opinion_body("approve")),
            expect: [403, 404, 403, 201, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/targets/{id}/opinions",
            state: "submitted",
            body: None,
            expect: [403, 404, 200, 200, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/public/targets",
            state: "submitted",
            body: None,
            expect: [200; 6],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/targets/{id}",
            state: "submitted",
            body: None,
            expect: [200, 404, 200, 200, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/targets",
            state: "submitted",
            body: None,
            expect: [200, 200, 200, 200, 200, 401],
            sees_target: [true, false, true, false, false, false],
        },
        Case {
            method: Method::POST,
            path: "/targets",
            state: "draft",
            body: Some(valid_doc),
            expect: [201, 403, 403, 403, 403, 401],
            sees_target: none,
        },
        Case {
            method: Method::PUT,
            path: "/targets/{id}",
            state: "returned",
            body: Some(valid_doc),
            expect: [200, 404, 403, 403, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::DELETE,
            path: "/targets/{id}",
            state: "draft",
            body: None,
            expect: [204, 404, 403, 404, 404, 401],
            sees_target: none,
        },
        Case {
            method: Method::POST,
            path: "/check",
            state: "draft",
            body: Some(valid_doc),
            expect: [200; 6],
            sees_target: none,
        },
        Case {
            method: Method::GET,
            path: "/profiles",
            state: "draft",
            body: None,
            expect: [200; 6],
            sees_target: none,
        },
    ]
}

async fn authorization_matrix(t: &TestApp) {
    let backend = t.backend();
    let app = review_app(t);
    let mut failures = Vec::new();
    for case in cases() {
        for (i, who) in WHO.into_iter().enumerate() {
            let (id, asg) = app.target_in(case.state).await;
            let path = case.path.replace("{id}", &id).replace("{asg}", &asg);
            let body = match (case.path, case.body) {
                ("/assignments", _) if case.method == Method::POST => {
                    Some(json!({ "target_ids": [id], "organisation": "丙评审中心", "due": "2018-12-01" }))
                }
                (_, Some(f)) => Some(f()),
                (_, None) => None,
            };
            let etag = if case.method == Method::PUT { Some(app.etag(&id).await) } else { None };
            let r = app.call_with(case.method.clone(), &path, app.token_of(who), body, etag.as_deref()).await;
            if r.status != case.expect[i] {
                failures.push(format!(
                    "{} {} as {who:?}: {} (expected {}) {}",
                    case.method, case.path, r.status, case.expect[i], r.body
                ));
                continue;
            }
            if r.status >= 400 {
                assert!(r.body["type"].as_str().is_some_and(|t| t.starts_with("urn:jixiao:problem:")), "{}", r.body);
                let text = r.body.to_string();
                assert!(!text.contains("document"), "an error body leaks a document: {text}");
            }
            // No leak: a list mentions the target only for callers allowed to see it.
            if r.status == 200
                && (case.path == "/review/targets" || (case.path == "/targets" && case.method == Method::GET))
            {
                assert_eq!(ids_in(&r.body["items"]).contains(&id), case.sees_target[i], "{who:?} /review/targets");
            }
            if r.status == 200 && case.path == "/assignments" && case.method == Method::GET {
                // Every page (the matrix makes more assignments than one page holds).
                let mut page = r.body.clone();
                let mut seen = false;
                for _ in 0..100 {
                    seen |= page["items"].as_array().is_some_and(|a| a.iter().any(|x| x["target_id"] == id.as_str()));
                    let Some(next) = page["next_cursor"].as_str() else { break };
                    let path = format!("/assignments?limit=200&cursor={next}");
                    page = app.call(Method::GET, &path, app.token_of(who), None).await.body;
                }
                assert_eq!(seen, case.sees_target[i], "{who:?} /assignments");
            }
            if case.path == "/public/targets" {
                assert!(!ids_in(&r.body["items"]).contains(&id), "a submitted target is public");
            }
            if case.path == "/targets/{id}/dossier" && who == Who::Assigned {
                assert_eq!(r.body["reviews"], json!([]));
                assert_eq!(r.body["history"], json!([]));
            }
        }
    }
    assert!(failures.is_empty(), "[{backend:?}] authorization matrix:\n{}", failures.join("\n"));
}

/// Two reviewers deciding the same submission at once: exactly one decision is recorded,
/// the other gets 409 (already decided) or 412 (lost the race on the ETag).
async fn concurrent_decisions_record_one(t: &TestApp) {
    let backend = t.backend();
    let app = review_app(t);
    for _ in 0..5 {
        let (id, _) = app.target_in("submitted").await;
        let approve = json!({ "decision": "approve", "grade": "good", "approved_amount": "86.40" });
        let ret = json!({ "decision": "return", "grade": "fair", "opinion": "请补充" });
        let (a, b) = futures_util::future::join(app.decide(&id, approve), app.decide(&id, ret)).await;
        let mut statuses = [a.status, b.status];
        statuses.sort_unstable();
        assert!(statuses == [200, 409] || statuses == [200, 412], "[{backend:?}] {statuses:?} {} {}", a.body, b.body);
        let reviews = app.call(Method::GET, &format!("/targets/{id}/reviews"), Some(&app.finance), None).await;
        assert_eq!(reviews.body.as_array().map(Vec::len), Some(1), "[{backend:?}] {}", reviews.body);
        let history = app.call(Method::GET, &format!("/targets/{id}/history"), Some(&app.finance), None).await;
        let decided = history.body.as_array().expect("history").iter().filter(|e| e["action"] == "review").count();
        assert_eq!(decided, 1);
    }
}
