//! `GET /indicator-suggestions`: a department's own indicators from approved targets of
//! earlier years — never drafts, never another department's (the bureau sees all) —
//! matched to what is typed.

use awc::http::Method;
use jixiao_server::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, call, fixture, get};

/// Files the orphan-clothing target for `code` in `year`, with `rename` applied to its
/// first indicator, and approves it unless `approve` is false.
async fn filed(app: &TestApp, dept: &str, finance: &str, code: &str, year: i32, first: &str, approve: bool) -> String {
    let mut doc = fixture("evaluations/orphan-clothing-2019.json")["target"].clone();
    doc["fiscal_year"] = json!(year);
    doc["department"]["code"] = json!(code);
    doc["project"]["name"] = json!(format!("{year}年孤儿被装购置费"));
    doc["project"]["start"] = json!(format!("{year}-01-01"));
    doc["project"]["end"] = json!(format!("{year}-12-31"));
    doc["indicators"][4]["value"] = json!(format!("{year}-10-31"));
    doc["indicators"][0]["name"] = json!(first);
    doc["indicators"][0]["value"] = json!(format!("{}", year - 1659));
    if approve {
        return crate::helpers::approved(app, dept, finance, &doc).await;
    }
    let r = call(app, Method::POST, "/targets", Some(dept), Some(&doc), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

fn names(body: &Value) -> Vec<String> {
    body["items"].as_array().expect("items").iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect()
}

fn q(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

pub async fn indicator_suggestions_are_the_departments_own_approved_history(app: &TestApp) {
    let a = app.token(Role::Department, Some("101"), None).await;
    let b = app.token(Role::Department, Some("102"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let assessor = app.token(Role::Assessor, None, Some("甲所")).await;
    filed(app, &a, &finance, "101", 2017, "保障孤儿人数", true).await;
    filed(app, &a, &finance, "101", 2018, "保障孤儿人数", true).await;
    filed(app, &a, &finance, "101", 2019, "草稿里的孤儿指标", false).await;
    filed(app, &b, &finance, "102", 2018, "别的部门的孤儿指标", true).await;

    let (status, _, body) = get(app, &format!("/api/v1/indicator-suggestions?q={}", q("孤儿")), Some(&a)).await;
    assert_eq!(status, 200, "{body}");
    let got = names(&body);
    assert!(got.contains(&"保障孤儿人数".to_owned()) && got.contains(&"孤儿及监护人满意度".to_owned()), "{got:?}");
    assert!(!got.iter().any(|n| n.contains("草稿") || n.contains("别的部门")), "{got:?}");
    assert_eq!(got.iter().filter(|n| *n == "保障孤儿人数").count(), 1, "each name once");
    let first = body["items"].as_array().unwrap().iter().find(|i| i["name"] == "保障孤儿人数").unwrap();
    assert_eq!(
        (first["fiscal_year"].as_i64(), first["value"].as_str()),
        (Some(2018), Some("359")),
        "the most recent use"
    );
    assert_eq!((first["operator"].as_str(), first["unit"].as_str()), (Some("eq"), Some("人")));
    assert_eq!(first["project_name"], "2018年孤儿被装购置费");

    // Only years before the one being declared; filtered by level; the limit.
    let (_, _, body) = get(app, "/api/v1/indicator-suggestions?fiscal_year=2018&limit=50", Some(&a)).await;
    assert!(body["items"].as_array().unwrap().iter().all(|i| i["fiscal_year"] == 2017), "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 10);
    let (_, _, body) = get(app, "/api/v1/indicator-suggestions?level1=satisfaction", Some(&a)).await;
    assert_eq!(names(&body), ["孤儿及监护人满意度"]);
    let (_, _, body) = get(app, "/api/v1/indicator-suggestions?limit=3", Some(&a)).await;
    assert_eq!(names(&body).len(), 3);

    // Finance names the department; a department only its own; assessors none.
    let (_, _, body) = get(app, "/api/v1/indicator-suggestions?department=102", Some(&finance)).await;
    assert!(names(&body).contains(&"别的部门的孤儿指标".to_owned()));
    let (status, _, body) = get(app, "/api/v1/indicator-suggestions?limit=50&department=", Some(&finance)).await;
    assert_eq!(status, 200, "{body}");
    let every = names(&body);
    assert!(
        every.contains(&"别的部门的孤儿指标".to_owned()) && every.contains(&"保障孤儿人数".to_owned()),
        "{every:?}"
    );
    assert!(!every.iter().any(|n| n.contains("草稿")), "never a draft: {every:?}");
    let (status, headers, body) = get(app, "/api/v1/indicator-suggestions?department=102", Some(&a)).await;
    assert_problem(status, &headers, &body, 403, "forbidden");
    let (status, headers, body) = get(app, "/api/v1/indicator-suggestions", Some(&assessor)).await;
    assert_problem(status, &headers, &body, 403, "forbidden");
    let (status, _, _) = get(app, "/api/v1/indicator-suggestions", None).await;
    assert_eq!(status, 401);
    for bad in ["limit=0", "limit=51", "fiscal_year=1999"] {
        let (status, headers, body) = get(app, &format!("/api/v1/indicator-suggestions?{bad}"), Some(&a)).await;
        assert_problem(status, &headers, &body, 400, "invalid-parameter");
    }
    let long = "长".repeat(101);
    let (status, headers, body) = get(app, &format!("/api/v1/indicator-suggestions?q={}", q(&long)), Some(&a)).await;
    assert_problem(status, &headers, &body, 400, "invalid-parameter");
    // Department 102's own view.
    let (_, _, body) = get(app, "/api/v1/indicator-suggestions", Some(&b)).await;
    assert!(
        names(&body).contains(&"别的部门的孤儿指标".to_owned()) && !names(&body).contains(&"保障孤儿人数".to_owned())
    );
}

crate::both_backends!(indicator_suggestions_are_the_departments_own_approved_history);
