//! Monitoring over HTTP (绩效运行监控): every monitoring fixture through `POST /monitor`;
//! the workflow round → draft → 422 → fix → submit → return → resubmit → accept → flag →
//! result, with the board, deviations and coverage; ETag discipline; and the
//! authorization matrix of every monitoring route.

use awc::http::Method;
use jixiao_server::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, call, fixture};

struct World {
    dept_a: String,
    dept_b: String,
    finance: String,
    assessor: String,
    target_id: String,
    round_id: String,
}

/// An approved 2019 target of department 101 and an open round 2019 1–9月.
async fn world(app: &TestApp) -> World {
    let dept_a = app.token(Role::Department, Some("101"), None).await;
    let dept_b = app.token(Role::Department, Some("102"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let assessor = app.token(Role::Assessor, None, Some("甲会计师事务所")).await;
    let doc = fixture("monitoring/missing-rows.json")["target"].clone();
    let target_id = crate::helpers::approved(app, &dept_a, &finance, &doc).await;
    let round = json!({ "fiscal_year": 2019, "through_month": 9, "deadline": "2019-10-10" });
    let r = call(app, Method::POST, "/monitoring/rounds", Some(&finance), Some(&round), None).await;
    assert_eq!(r.status, 201, "open round: {}", r.body);
    assert_eq!(r.body["counts"]["due"], 1, "{}", r.body);
    let round_id = r.body["id"].as_str().unwrap().to_owned();
    World { dept_a, dept_b, finance, assessor, target_id, round_id }
}

/// Every monitoring fixture through `POST /monitor` gives its `expect` (figures exactly,
/// violations as a multiset of code, severity, path, params).
pub async fn monitor_route_matches_every_fixture(app: &TestApp) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/monitoring");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let fx = fixture(&format!("monitoring/{name}"));
        let mut body = json!({ "target": fx["target"], "report": fx["report"] });
        if let Some(p) = fx.get("previous") {
            body["previous"] = p.clone();
        }
        let r = call(
            app,
            Method::POST,
            &format!("/monitor?profile={}", fx["profile"].as_str().unwrap()),
            None,
            Some(&body),
            None,
        )
        .await;
        assert_eq!(r.status, 200, "{name}: {}", r.body);
        let quads = |v: &Value| {
            let mut q: Vec<String> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| format!("{} {} {} {}", x["code"], x["severity"], x["path"], x["params"]))
                .collect();
            q.sort();
            q
        };
        assert_eq!(quads(&r.body["violations"]), quads(&fx["expect"]["violations"]), "{name}");
        let (mut got, mut want) = (r.body.clone(), fx["expect"].clone());
        got.as_object_mut().unwrap().remove("violations");
        want.as_object_mut().unwrap().remove("violations");
        assert_eq!(got, want, "{name}");
        n += 1;
    }
    assert!(n >= 6);
    // The envelope is checked against its schema; an unknown locale is 400.
    let r = call(app, Method::POST, "/monitor", None, Some(&json!({ "target": {}, "report": [] })), None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    let r =
        call(app, Method::POST, "/monitor?locale=fr", None, Some(&json!({ "target": {}, "report": {} })), None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-parameter");
}

fn fixed_report() -> Value {
    // 1–9月 with 完全不可能 rows explained: valid, red.
    let mut report = fixture("monitoring/impossible-likelihood.json")["report"].clone();
    report["indicators"][8]["causes"] = json!(["institutional"]);
    report["indicators"][8]["measures"] = json!("制定长效机制实施办法，报政府常务会审议");
    report
}

/// The whole cycle, with ETags, the board, deviations, rectifications and coverage.
pub async fn monitoring_workflow_end_to_end(app: &TestApp) {
    let w = world(app).await;
    let body = json!({ "round_id": w.round_id, "target_id": w.target_id });
    let r = call(app, Method::POST, "/monitoring/reports", Some(&w.dept_a), Some(&body), None).await;
    assert_eq!(r.status, 201, "create report: {}", r.body);
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["document"]["execution"]["budget_full_year"], "86.40", "prefilled from the approved amount");
    assert_eq!(r.body["document"]["indicators"].as_array().unwrap().len(), 10, "a row per indicator");
    assert_eq!(r.body["target"]["project"]["name"], "2019年孤儿被装购置费");
    assert_eq!(r.body["result"]["time_progress"], "0.7500");
    let id = r.body["id"].as_str().unwrap().to_owned();
    let mut etag = r.etag.clone().expect("ETag");
    let again = call(app, Method::POST, "/monitoring/reports", Some(&w.dept_a), Some(&body), None).await;
    assert_problem(again.status, &again.headers, &again.body, 409, "conflict");

    // An incomplete report is stored as a draft, and cannot be submitted (422, the form's list).
    let incomplete = fixture("monitoring/missing-rows.json")["report"].clone();
    let path = format!("/monitoring/reports/{id}");
    let r = call(app, Method::PUT, &path, Some(&w.dept_a), Some(&incomplete), None).await;
    assert_problem(r.status, &r.headers, &r.body, 428, "precondition-required");
    let r = call(app, Method::PUT, &path, Some(&w.dept_a), Some(&incomplete), Some("\"stale\"")).await;
    assert_problem(r.status, &r.headers, &r.body, 412, "precondition-failed");
    let r = call(app, Method::PUT, &path, Some(&w.dept_a), Some(&incomplete), Some(&etag)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["error_count"], 8);
    assert_eq!(r.body["result"]["execution"]["light"], "yellow");
    etag = r.etag.unwrap();
    let r = call(app, Method::POST, &format!("{path}/submit"), Some(&w.dept_a), None, Some(&etag)).await;
    assert_problem(r.status, &r.headers, &r.body, 422, "violations");
    assert_eq!(r.body["violations"].as_array().unwrap().len(), 8);
    assert!(r.body["violations"][0]["message"].as_str().unwrap().contains("未填写监控情况"));
    let r = call(app, Method::POST, &format!("{path}/submit?locale=en"), Some(&w.dept_a), None, Some(&etag)).await;
    assert!(r.body["violations"][0]["message"].as_str().unwrap().starts_with("No progress reported"), "{}", r.body);

    // Fixed, submitted: immutable, and a snapshot is kept.
    let r = call(app, Method::PUT, &path, Some(&w.dept_a), Some(&fixed_report()), Some(&etag)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["light"], "red");
    etag = r.etag.unwrap();
    let r = call(app, Method::POST, &format!("{path}/submit"), Some(&w.dept_a), None, Some(&etag)).await;
    assert_eq!(r.status, 200, "submit: {}", r.body);
    assert_eq!(r.body["status"], "submitted");
    etag = r.etag.unwrap();
    let r = call(app, Method::PUT, &path, Some(&w.dept_a), Some(&fixed_report()), Some(&etag)).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");

    // Finance returns it with an opinion (400 without one); the department fixes and resubmits.
    let dec = format!("{path}/decision");
    let r = call(app, Method::POST, &dec, Some(&w.finance), Some(&json!({ "decision": "return" })), Some(&etag)).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    let ret = json!({ "decision": "return", "opinion": "请补充冬装采购进度说明" });
    let r = call(app, Method::POST, &dec, Some(&w.finance), Some(&ret), Some(&etag)).await;
    assert_eq!(r.status, 200, "return: {}", r.body);
    assert_eq!(
        (r.body["status"].as_str(), r.body["opinion"].as_str()),
        (Some("returned"), Some("请补充冬装采购进度说明"))
    );
    etag = r.etag.unwrap();
    let mut report = fixed_report();
    report["execution"]["reason"] = json!("冬装集中在10月采购，已签订合同");
    let r = call(app, Method::PUT, &path, Some(&w.dept_a), Some(&report), Some(&etag)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    etag = r.etag.unwrap();
    let r = call(app, Method::POST, &format!("{path}/submit"), Some(&w.dept_a), None, Some(&etag)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    etag = r.etag.unwrap();

    // Board and deviations before acceptance: the submitted red report counts.
    let r =
        call(app, Method::GET, &format!("/monitoring/rounds/{}/board", w.round_id), Some(&w.finance), None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["lights"], json!({ "red": 1, "yellow": 0, "green": 0 }));
    assert_eq!(r.body["time_progress"], "0.7500");
    let d = &r.body["departments"][0];
    assert_eq!(
        (d["department_code"].as_str(), d["due"].as_i64(), d["reported"].as_i64()),
        (Some("101"), Some(1), Some(1))
    );
    assert_eq!(
        (d["budget"].as_str(), d["executed"].as_str(), d["execution_rate"].as_str()),
        (Some("86.40"), Some("60.00"), Some("0.6944"))
    );
    assert_eq!(r.body["overdue_departments"], json!([]));
    let r =
        call(app, Method::GET, &format!("/monitoring/rounds/{}/deviations", w.round_id), Some(&w.finance), None, None)
            .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rows: Vec<&str> =
        r.body["items"][0]["rows"].as_array().unwrap().iter().map(|x| x["indicator_id"].as_str().unwrap()).collect();
    assert_eq!(rows, ["i2", "i9"]);
    assert_eq!(r.body["items"][0]["rows"][1]["causes"], json!(["institutional"]));
    assert_eq!(r.body["items"][0]["rows"][0]["name"], "配发四季被装套数");

    // Coverage counts accepted reports only.
    let cov = |q: &str| format!("/monitoring/coverage?fiscal_year=2019{q}");
    let r = call(app, Method::GET, &cov(""), Some(&w.finance), None, None).await;
    assert_eq!(
        (r.body["units_monitored"].as_i64(), r.body["coverage"].as_str()),
        (Some(0), Some("0.0000")),
        "{}",
        r.body
    );
    let r = call(app, Method::POST, &dec, Some(&w.finance), Some(&json!({ "decision": "accept" })), Some(&etag)).await;
    assert_eq!(r.status, 200, "accept: {}", r.body);
    assert_eq!(r.body["status"], "accepted");
    let r = call(app, Method::GET, &cov(""), Some(&w.finance), None, None).await;
    assert_eq!(
        r.body,
        json!({ "fiscal_year": 2019, "through_month": null, "units_with_project_spending": 1, "units_monitored": 1,
                "project_spending": "86.40", "monitored_spending": "86.40", "coverage": "1.0000" })
    );
    let r = call(app, Method::GET, &cov("&through_month=6"), Some(&w.finance), None, None).await;
    assert_eq!(r.body["units_monitored"], 0, "a 1–9月 report does not count through June");

    // Rectification: raised by finance, seen by the department, resolved once.
    let flag = json!({ "requirement": "10月31日前完成冬装采购并报送进度", "due": "2019-10-31" });
    let r = call(app, Method::POST, &format!("{path}/rectifications"), Some(&w.finance), Some(&flag), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let flag_id = r.body["id"].as_str().unwrap().to_owned();
    let r = call(app, Method::GET, "/monitoring/rectifications?status=open", Some(&w.dept_a), None, None).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "{}", r.body);
    let r = call(app, Method::GET, "/monitoring/rectifications", Some(&w.dept_b), None, None).await;
    assert_eq!(r.body["items"], json!([]), "department B sees none");
    let res = json!({ "result": "已于10月28日完成采购" });
    let rpath = format!("/monitoring/rectifications/{flag_id}/result");
    let r = call(app, Method::POST, &rpath, Some(&w.dept_a), Some(&res), None).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    let r = call(app, Method::POST, &rpath, Some(&w.finance), Some(&res), None).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("done")), "{}", r.body);
    let r = call(app, Method::POST, &rpath, Some(&w.finance), Some(&res), None).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");
    let r = call(app, Method::GET, &path, Some(&w.dept_a), None, None).await;
    assert_eq!(r.body["rectifications"][0]["status"], "done");

    // The list counts per state in SQL, and a department sees its own only.
    let r =
        call(app, Method::GET, &format!("/monitoring/reports?round_id={}", w.round_id), Some(&w.finance), None, None)
            .await;
    assert_eq!(r.body["counts"], json!({ "draft": 0, "submitted": 0, "returned": 0, "accepted": 1 }));
    assert_eq!(r.body["items"][0]["project_name"], "2019年孤儿被装购置费");
    let r = call(app, Method::GET, "/monitoring/reports", Some(&w.dept_b), None, None).await;
    assert_eq!((r.body["items"].as_array().unwrap().len(), r.body["counts"]["accepted"].as_i64()), (0, Some(0)));

    // Two snapshots (submitted twice) + one accepted, and the audit trail of every action.
    let db = app.db.clone();
    let rid = id.clone();
    let (snapshots, actions) = actix_web::web::block(move || {
        let mut c = db.conn().unwrap();
        let n = jixiao_server::store::monitoring::snapshot_count(&mut c, &rid).unwrap();
        let a: Vec<String> =
            jixiao_server::store::audit::list_for_target(&mut c, &rid).unwrap().into_iter().map(|e| e.action).collect();
        (n, a)
    })
    .await
    .unwrap();
    assert_eq!(snapshots, 3);
    assert_eq!(
        actions,
        [
            "monitoring.create",
            "monitoring.update",
            "monitoring.update",
            "monitoring.submit",
            "monitoring.return",
            "monitoring.update",
            "monitoring.submit",
            "monitoring.accept",
            "rectification.raise",
            "rectification.resolve"
        ]
    );
}

/// Who may do what: every monitoring route for department A (owner), department B, an
/// assessor, finance and no token. Ids a caller may not see are 404.
pub async fn monitoring_authorization_matrix(app: &TestApp) {
    let w = world(app).await;
    let body = json!({ "round_id": w.round_id, "target_id": w.target_id });
    for (who, token, want) in [("finance", &w.finance, 403), ("B", &w.dept_b, 404), ("assessor", &w.assessor, 404)] {
        let r = call(app, Method::POST, "/monitoring/reports", Some(token), Some(&body), None).await;
        assert_eq!(r.status, want, "{who} creates: {}", r.body);
    }
    let r = call(app, Method::POST, "/monitoring/reports", None, Some(&body), None).await;
    assert_problem(r.status, &r.headers, &r.body, 401, "unauthorized");
    let r = call(app, Method::POST, "/monitoring/reports", Some(&w.dept_a), Some(&body), None).await;
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let etag = r.etag.unwrap();
    let path = format!("/monitoring/reports/{id}");
    let report = fixed_report();

    // Reads of the report.
    for (who, token, want) in
        [("A", &w.dept_a, 200), ("finance", &w.finance, 200), ("B", &w.dept_b, 404), ("assessor", &w.assessor, 404)]
    {
        let r = call(app, Method::GET, &path, Some(token), None, None).await;
        assert_eq!(r.status, want, "{who} reads");
    }
    // Writes of others.
    for (who, token, want) in [("finance", &w.finance, 403), ("B", &w.dept_b, 404), ("assessor", &w.assessor, 404)] {
        let r = call(app, Method::PUT, &path, Some(token), Some(&report), Some(&etag)).await;
        assert_eq!(r.status, want, "{who} edits: {}", r.body);
        let r = call(app, Method::POST, &format!("{path}/submit"), Some(token), None, Some(&etag)).await;
        assert_eq!(r.status, want, "{who} submits: {}", r.body);
    }
    let r = call(app, Method::PUT, &path, Some(&w.dept_a), Some(&report), Some(&etag)).await;
    let r = call(app, Method::POST, &format!("{path}/submit"), Some(&w.dept_a), None, r.etag.as_deref()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let etag = r.etag.unwrap();
    let accept = json!({ "decision": "accept" });
    for (who, token, want) in [("A", &w.dept_a, 403), ("B", &w.dept_b, 404), ("assessor", &w.assessor, 404)] {
        let r = call(app, Method::POST, &format!("{path}/decision"), Some(token), Some(&accept), Some(&etag)).await;
        assert_eq!(r.status, want, "{who} decides: {}", r.body);
        let flag = json!({ "requirement": "整改", "due": "2019-12-31" });
        let r = call(app, Method::POST, &format!("{path}/rectifications"), Some(token), Some(&flag), None).await;
        assert_eq!(r.status, want, "{who} flags: {}", r.body);
    }
    // The bureau's reads are finance's.
    let finance_only = [
        format!("/monitoring/rounds/{}/board", w.round_id),
        format!("/monitoring/rounds/{}/deviations", w.round_id),
        "/monitoring/coverage?fiscal_year=2019".to_owned(),
    ];
    for p in &finance_only {
        for (who, token, want) in [("A", &w.dept_a, 403), ("assessor", &w.assessor, 403), ("finance", &w.finance, 200)]
        {
            let r = call(app, Method::GET, p, Some(token), None, None).await;
            assert_eq!(r.status, want, "{who} GET {p}: {}", r.body);
        }
        let r = call(app, Method::GET, p, None, None, None).await;
        assert_eq!(r.status, 401, "anonymous GET {p}");
    }
    let round = json!({ "fiscal_year": 2019, "through_month": 12, "deadline": "2020-01-10" });
    for (who, token) in [("A", &w.dept_a), ("assessor", &w.assessor)] {
        let r = call(app, Method::POST, "/monitoring/rounds", Some(token), Some(&round), None).await;
        assert_eq!(r.status, 403, "{who} opens a round");
    }
    // Due targets: A sees its own, B none, assessors are refused.
    let due = format!("/monitoring/rounds/{}/due", w.round_id);
    let r = call(app, Method::GET, &due, Some(&w.dept_a), None, None).await;
    assert_eq!(
        (r.body["items"].as_array().unwrap().len(), r.body["items"][0]["status"].as_str()),
        (1, Some("submitted"))
    );
    let r = call(app, Method::GET, &due, Some(&w.dept_b), None, None).await;
    assert_eq!(r.body["items"], json!([]));
    let r = call(app, Method::GET, &due, Some(&w.assessor), None, None).await;
    assert_eq!(r.status, 403);
    // Round counts are the caller's own.
    let r = call(app, Method::GET, &format!("/monitoring/rounds/{}", w.round_id), Some(&w.dept_b), None, None).await;
    assert_eq!(r.body["counts"]["due"], 0);
    // Bad ids and paging.
    for p in ["/monitoring/reports/not-an-id", "/monitoring/rounds/x/board"] {
        let r = call(app, Method::GET, p, Some(&w.finance), None, None).await;
        assert_eq!(r.status, 404, "{p}");
    }
    let r = call(app, Method::GET, "/monitoring/reports/%00", Some(&w.finance), None, None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-parameter"); // NUL: refused at the edge
    let r = call(app, Method::GET, "/monitoring/reports?limit=0", Some(&w.finance), None, None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-parameter");
}

crate::both_backends!(
    monitor_route_matches_every_fixture,
    monitoring_workflow_end_to_end,
    monitoring_authorization_matrix
);
