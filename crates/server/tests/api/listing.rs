//! Lists people search and sort (`SESSIONS-API.md`): `q` over project names and codes and
//! department names and codes (escaped, so `%` is a character), `sort`/`order` by every key
//! with keyset paging that visits each row once, money sorted as numbers on both databases,
//! department names on the items, counts that follow the search.

use jixiao_server::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, fixture, get, post_json};

const DEPARTMENTS: [(&str, &str); 3] =
    [("101", "阿图什市民政局"), ("102", "阿图什市教育局"), ("103", "阿图什市卫生健康委员会")];
const AMOUNTS: [&str; 9] = ["9.50", "100.25", "1000.00", "85.00", "7.01", "250.00", "33.30", "1200.50", "64.00"];

fn doc(i: usize) -> Value {
    let (code, name) = DEPARTMENTS[i % 3];
    let mut d = fixture("targets/orphan-clothing-valid.json")["document"].clone();
    d["department"] = json!({ "code": code, "name": name });
    d["project"]["code"] = json!(format!("P2019-{i:03}"));
    d["project"]["name"] =
        json!(if i == 4 { "2019年100所学校营养餐补助".to_owned() } else { format!("2019年项目{i}") });
    d["funds"]["annual_total"] = json!(AMOUNTS[i]);
    d["funds"]["sources"] = json!([{ "source": "本级财政", "amount": AMOUNTS[i] }]);
    d
}

async fn seed(app: &TestApp) -> String {
    for (i, _) in AMOUNTS.iter().enumerate() {
        let token = app.token(Role::Department, Some(DEPARTMENTS[i % 3].0), None).await;
        let (status, _, out) = post_json(app, "/api/v1/targets", Some(&token), &doc(i)).await;
        assert_eq!(status, 201, "{out}");
    }
    app.token(Role::Finance, None, None).await
}

/// Every item of a list, following `next_cursor` pages of `limit`.
async fn all_pages(app: &TestApp, path: &str, token: &str, limit: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = String::new();
    for _ in 0..50 {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, _, page) = get(app, &format!("{path}{sep}limit={limit}&cursor={cursor}"), Some(token)).await;
        assert_eq!(status, 200, "{path}: {page}");
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return items,
        }
    }
    panic!("{path}: more than 50 pages");
}

fn amounts(items: &[Value]) -> Vec<f64> {
    items.iter().map(|t| t["annual_total"].as_str().and_then(|a| a.parse().ok()).unwrap_or(f64::NAN)).collect()
}

async fn lists_search_and_sort_in_sql(app: &TestApp) {
    let finance = seed(app).await;
    let mut numeric: Vec<f64> = AMOUNTS.iter().map(|a| a.parse().unwrap_or(0.0)).collect();
    numeric.sort_by(f64::total_cmp);

    for path in ["/api/v1/targets", "/api/v1/review/targets"] {
        // Money sorts as numbers (as text, "1000.00" < "9.50"), a page of 4 at a time.
        let up = all_pages(app, &format!("{path}?sort=amount&order=asc"), &finance, 4).await;
        assert_eq!(amounts(&up), numeric, "{path}");
        let down = all_pages(app, &format!("{path}?sort=amount&order=desc"), &finance, 2).await;
        assert_eq!(amounts(&down), numeric.iter().rev().copied().collect::<Vec<_>>(), "{path}");

        // By department name, each page continuing after the last row (ties broken by id).
        let by_dept = all_pages(app, &format!("{path}?sort=department"), &finance, 2).await;
        let names: Vec<&str> = by_dept.iter().map(|t| t["department_name"].as_str().unwrap_or("")).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted, "{path}");
        let mut ids: Vec<&str> = by_dept.iter().map(|t| t["id"].as_str().unwrap_or("")).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 9, "{path}: every target once");

        let by_name = all_pages(app, &format!("{path}?sort=name&order=desc"), &finance, 3).await;
        let names: Vec<&str> = by_name.iter().map(|t| t["project_name"].as_str().unwrap_or("")).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(names, sorted, "{path}");

        // Search: department name, department code, project code; `%` is a character.
        let found = all_pages(app, &format!("{path}?q={}", urlencode("教育")), &finance, 50).await;
        assert_eq!(found.len(), 3, "{path}");
        assert!(found.iter().all(|t| t["department_code"] == "102" && t["department_name"] == "阿图什市教育局"));
        assert_eq!(all_pages(app, &format!("{path}?q=103"), &finance, 50).await.len(), 3, "{path}");
        let by_code = all_pages(app, &format!("{path}?q=p2019-007"), &finance, 50).await;
        assert_eq!(by_code.len(), 1, "{path}: project codes, case-insensitively");
        assert_eq!(all_pages(app, &format!("{path}?q={}", urlencode("100所")), &finance, 50).await.len(), 1);
        assert_eq!(all_pages(app, &format!("{path}?q={}", urlencode("100%")), &finance, 50).await.len(), 0);
        // Search and sort together.
        let both = all_pages(app, &format!("{path}?q={}&sort=amount", urlencode("民政")), &finance, 1).await;
        assert_eq!(amounts(&both), vec![9.5, 33.3, 85.0], "{path}");
    }

    // The review queue counts what the search finds.
    let (_, _, queue) = get(app, &format!("/api/v1/review/targets?q={}", urlencode("卫生")), Some(&finance)).await;
    assert_eq!(queue["counts"]["draft"], 3, "{queue}");
    // A department sees only its own, searched and sorted.
    let dept = app.token(Role::Department, Some("101"), None).await;
    let own = all_pages(app, "/api/v1/targets?sort=amount&order=desc&q=2019", &dept, 2).await;
    assert_eq!(amounts(&own), vec![85.0, 33.3, 9.5]);

    // Bad parameters are 400s; the public list takes the same parameters.
    let long = "长".repeat(101);
    for bad in [
        format!("/api/v1/targets?q={}", urlencode(&long)),
        "/api/v1/targets?sort=size".into(),
        "/api/v1/review/targets?order=up".into(),
    ] {
        let (status, headers, body) = get(app, &bad, Some(&finance)).await;
        assert_problem(status, &headers, &body, 400, "invalid-parameter");
    }
    let (status, _, public) =
        get(app, &format!("/api/v1/public/targets?q={}&sort=amount&order=desc", urlencode("民政")), None).await;
    assert_eq!((status, public["items"].clone()), (200, json!([])), "drafts are not public: {public}");
}

/// `GET /assignments` pages in SQL with the cursor contract of the other lists: every
/// assignment once, oldest first, an assessor only its organisation's, bad cursors refused.
async fn assignments_page_by_cursor(app: &TestApp) {
    let finance = seed(app).await;
    let (_, _, all) = get(app, "/api/v1/targets?limit=50", Some(&finance)).await;
    let mut ids = Vec::new();
    for t in all["items"].as_array().expect("items") {
        let id = t["id"].as_str().expect("id").to_owned();
        let dept = app.token(Role::Department, t["department_code"].as_str(), None).await;
        let (status, _, out) = post_json(app, &format!("/api/v1/targets/{id}/submit"), Some(&dept), &json!({})).await;
        assert_eq!(status, 200, "{out}");
        ids.push(id);
    }
    // Seven to one organisation (in three requests), two to another.
    for (chunk, org) in [(&ids[0..3], "甲所"), (&ids[3..6], "甲所"), (&ids[6..7], "甲所"), (&ids[7..9], "乙所")]
    {
        let body = json!({ "target_ids": chunk, "organisation": org, "due": "2019-03-30" });
        let (status, _, out) = post_json(app, "/api/v1/assignments", Some(&finance), &body).await;
        assert_eq!(status, 201, "{out}");
    }
    let every = all_pages(app, "/api/v1/assignments", &finance, 2).await;
    assert_eq!(every.len(), 9, "every assignment once");
    let keys: Vec<(String, String)> = every
        .iter()
        .map(|a| (a["at"].as_str().unwrap_or("").to_owned(), a["id"].as_str().unwrap_or("").to_owned()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "oldest first");
    assert!(every.iter().all(|a| a["target"]["id"] == a["target_id"]), "each with its target");

    let assessor = app.token(Role::Assessor, None, Some("甲所")).await;
    let own = all_pages(app, "/api/v1/assignments", &assessor, 3).await;
    assert_eq!(own.len(), 7);
    assert!(own.iter().all(|a| a["organisation"] == "甲所"));
    let (_, _, first) = get(app, "/api/v1/assignments?limit=7", Some(&assessor)).await;
    assert_eq!(first["next_cursor"], Value::Null, "an exact last page says so: {first}");

    for bad in ["/api/v1/assignments?limit=0", "/api/v1/assignments?limit=201", "/api/v1/assignments?cursor=tgt_1"] {
        let (status, headers, body) = get(app, bad, Some(&finance)).await;
        assert_problem(status, &headers, &body, 400, "invalid-parameter");
    }
    let dept = app.token(Role::Department, Some("101"), None).await;
    assert_eq!(get(app, "/api/v1/assignments", Some(&dept)).await.0, 403);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

crate::both_backends!(lists_search_and_sort_in_sql, assignments_page_by_cursor);
