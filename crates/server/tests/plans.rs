//! Query plans of every list (issue 9): each list route is called on PostgreSQL while
//! diesel's instrumentation records the SQL the server runs; every SELECT is then prepared
//! and explained as a generic plan (`plan_cache_mode = force_generic_plan`, parameters
//! unknown, as for any page of any size) with sequential scans priced out
//! (`enable_seqscan = off`). A plan that still reads a table whole — a `Seq Scan`, or an
//! index scanned end to end with a `Filter` and no `Index Cond` (how the department lists
//! used to page the primary key backwards) — means no index serves that query, and at
//! 1,000,000 targets it reads them all. The one known exception is the substring search
//! (`?q=`, `LIKE '%…%'`), which no B-tree index serves, and the sort by department name (a
//! lookup per row); both run over the other filters.
//!
//! Runs when `JIXIAO_TEST_POSTGRES` is set (CI sets it), like the `postgres_*` API tests.

#[allow(dead_code, unused_imports, unused_macros)]
#[path = "api/helpers.rs"]
mod helpers;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use awc::http::Method;
use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use jixiao_server::auth::Role;
use jixiao_server::db::AnyConnection;
use serde_json::{Value, json};

use helpers::{Backend, call, fixture};

static RECORDING: AtomicBool = AtomicBool::new(false);
static QUERIES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Recorder;

impl Instrumentation for Recorder {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event
            && RECORDING.load(Ordering::SeqCst)
        {
            QUERIES.lock().unwrap().push(query.to_string());
        }
    }
}

fn recorder() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(Recorder))
}

#[derive(QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    plan: String,
}

/// The SQL of a recorded query (diesel prints `SQL -- binds: [...]`).
fn sql_of(recorded: &str) -> &str {
    recorded.split(" -- binds: ").next().unwrap_or(recorded).trim()
}

fn params_in(sql: &str) -> usize {
    let b = sql.as_bytes();
    let mut max = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let digits: String = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).map(|&c| c as char).collect();
            if let Ok(n) = digits.parse::<usize>() {
                max = max.max(n);
            }
        }
        i += 1;
    }
    max
}

/// The nodes of a plan that read a relation whole: (node type, relation, index).
fn whole_reads(node: &Value, out: &mut Vec<String>) {
    let kind = node["Node Type"].as_str().unwrap_or("");
    let rel = node["Relation Name"].as_str().unwrap_or("?");
    match kind {
        "Seq Scan" => out.push(format!("Seq Scan on {rel}")),
        "Index Scan" | "Index Only Scan" if node.get("Index Cond").is_none() && node.get("Filter").is_some() => {
            out.push(format!("{kind} on {rel} using {} with only a Filter", node["Index Name"].as_str().unwrap_or("?")))
        }
        _ => {}
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        whole_reads(child, out);
    }
}

/// Plans every SELECT recorded for one request; returns the plans that read a table whole
/// and the number of statements planned.
/// (A connection of its own: the pool's connections keep diesel's prepared statements.)
fn check_plans(pg: &mut PgConnection, recorded: Vec<String>) -> (Vec<String>, usize) {
    let mut seen = std::collections::BTreeSet::new();
    let (mut found, mut planned) = (Vec::new(), 0);
    for q in recorded {
        let sql = sql_of(&q).to_owned();
        let head = sql.trim_start().to_ascii_uppercase();
        if !(head.starts_with("SELECT") || head.starts_with("WITH"))
            || !head.contains(" FROM ")
            || !seen.insert(sql.clone())
        {
            continue;
        }
        let n = params_in(&sql);
        let args = vec!["NULL"; n].join(", ");
        diesel::sql_query(format!("PREPARE jixiao_plan_q AS {sql}"))
            .execute(pg)
            .unwrap_or_else(|e| panic!("cannot prepare {sql}: {e}"));
        let execute =
            if n == 0 { "EXECUTE jixiao_plan_q".to_owned() } else { format!("EXECUTE jixiao_plan_q({args})") };
        let rows: Vec<PlanRow> = diesel::sql_query(format!("SELECT jixiao_explain('{execute}')::text AS plan"))
            .load(pg)
            .unwrap_or_else(|e| panic!("cannot explain {sql}: {e}"));
        diesel::sql_query("DEALLOCATE jixiao_plan_q").execute(pg).unwrap();
        let plan: Value = serde_json::from_str(&rows[0].plan).unwrap();
        let mut whole = Vec::new();
        whole_reads(&plan[0]["Plan"], &mut whole);
        planned += 1;
        for w in whole {
            found.push(format!("{w}\n    in: {sql}"));
        }
    }
    (found, planned)
}

#[actix_web::test]
async fn every_list_is_served_by_an_index() {
    if helpers::postgres_admin_url().is_none() {
        eprintln!("JIXIAO_TEST_POSTGRES is not set: query plans not checked");
        return;
    }
    set_default_instrumentation(recorder).unwrap();
    let app = helpers::spawn_app(Backend::Postgres).await.expect("PostgreSQL");
    let mut pg = {
        let mut conn = app.db.conn().expect("conn");
        let AnyConnection::Postgresql(c) = &mut *conn else { panic!("PostgreSQL only") };
        let rows: Vec<PlanRow> = diesel::sql_query("SELECT current_database()::text AS plan").load(c).unwrap();
        let admin = helpers::postgres_admin_url().unwrap();
        let base = admin.split('?').next().unwrap().rsplit_once('/').unwrap().0.to_owned();
        PgConnection::establish(&format!("{base}/{}", rows[0].plan)).expect("a connection of its own")
    };
    {
        let pg = &mut pg;
        diesel::sql_query(
            "CREATE FUNCTION jixiao_explain(q text) RETURNS SETOF json LANGUAGE plpgsql AS $$ \
             BEGIN SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_generic_plan; \
             RETURN QUERY EXECUTE 'EXPLAIN (FORMAT JSON) ' || q; END $$",
        )
        .execute(pg)
        .unwrap();
    }

    // A little of everything, so each list has rows to page past.
    let dept = app.token(Role::Department, Some("101"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let assessor = app.token(Role::Assessor, None, Some("甲所")).await;
    let doc = fixture("monitoring/missing-rows.json")["target"].clone();
    let mut ids = Vec::new();
    for n in 0..3 {
        let mut d = doc.clone();
        d["project"]["name"] = json!(format!("项目{n}"));
        let r = call(&app, Method::POST, "/targets", Some(&dept), Some(&d), None).await;
        assert_eq!(r.status, 201, "{}", r.body);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    for id in &ids[..2] {
        let r = call(&app, Method::POST, &format!("/targets/{id}/submit"), Some(&dept), None, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let approve = json!({ "decision": "approve", "grade": "good", "approved_amount": "86.40" });
    let r =
        call(&app, Method::POST, &format!("/targets/{}/review", ids[0]), Some(&finance), Some(&approve), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let assign = json!({ "target_ids": [ids[1]], "organisation": "甲所", "due": "2019-03-01" });
    let r = call(&app, Method::POST, "/assignments", Some(&finance), Some(&assign), None).await;
    assert!(r.status == 201 || r.status == 200, "{}", r.body);
    let round = json!({ "fiscal_year": 2019, "through_month": 9, "deadline": "2019-10-10" });
    let r = call(&app, Method::POST, "/monitoring/rounds", Some(&finance), Some(&round), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let round_id = r.body["id"].as_str().unwrap().to_owned();

    let first = &ids[2];
    let lists: Vec<(&str, String)> = vec![
        ("dept", "/targets".into()),
        ("dept", "/targets?status=draft".into()),
        ("dept", "/targets?fiscal_year=2019&limit=1".into()),
        ("dept", format!("/targets?cursor={first}&limit=1")),
        ("finance", "/targets?department=101".into()),
        ("finance", "/targets?sort=name&order=asc".into()),
        ("finance", format!("/targets?sort=name&order=asc&cursor={first}")),
        ("finance", "/targets?sort=amount&order=desc".into()),
        ("finance", "/targets?sort=department".into()),
        ("finance", "/targets?sort=status".into()),
        ("finance", "/targets?sort=fiscal_year".into()),
        ("finance", format!("/targets?sort=changed&cursor={first}")),
        ("finance", "/review/targets".into()),
        ("finance", "/review/targets?status=submitted&fiscal_year=2019".into()),
        ("finance", "/review/targets?department=101&sort=name".into()),
        ("finance", format!("/review/targets?cursor={first}")),
        ("anon", "/public/targets".into()),
        ("anon", "/public/targets?fiscal_year=2019&department=101".into()),
        ("anon", "/public/targets?sort=amount&order=desc".into()),
        ("anon", "/public/results?fiscal_year=2019".into()),
        ("finance", "/assignments".into()),
        ("assessor", "/assignments".into()),
        ("assessor", format!("/targets/{}/opinions", ids[1])),
        ("finance", "/evaluations?fiscal_year=2019".into()),
        ("dept", "/evaluations".into()),
        ("finance", "/monitoring/rounds?fiscal_year=2019".into()),
        ("finance", format!("/monitoring/reports?round_id={round_id}")),
        ("finance", "/monitoring/reports?department=101&status=submitted".into()),
        ("finance", format!("/monitoring/rounds/{round_id}/board")),
        ("finance", format!("/monitoring/rounds/{round_id}/deviations")),
        ("dept", format!("/monitoring/rounds/{round_id}/due")),
        ("finance", "/monitoring/rectifications?status=open".into()),
        ("finance", "/monitoring/coverage?fiscal_year=2019".into()),
        ("finance", "/evaluation-years/2019/summary".into()),
        ("finance", "/evaluation-years/2019/progress".into()),
        ("dept", "/indicator-suggestions?q=%E4%BA%BA".into()),
        ("finance", "/indicator-suggestions?department=101".into()),
        ("finance", "/targets?q=%E9%A1%B9%E7%9B%AE&department=101".into()),
    ];
    let mut problems = Vec::new();
    let mut planned = 0;
    for (who, path) in &lists {
        let token = match *who {
            "dept" => Some(dept.as_str()),
            "finance" => Some(finance.as_str()),
            "assessor" => Some(assessor.as_str()),
            _ => None,
        };
        QUERIES.lock().unwrap().clear();
        RECORDING.store(true, Ordering::SeqCst);
        let r = call(&app, Method::GET, path, token, None, None).await;
        RECORDING.store(false, Ordering::SeqCst);
        assert_eq!(r.status, 200, "GET {path} as {who}: {}", r.body);
        let recorded = std::mem::take(&mut *QUERIES.lock().unwrap());
        let (found, n) = check_plans(&mut pg, recorded);
        planned += n;
        // The substring search (`LIKE '%…%'`) has no index; it runs over the other filters.
        // Sorting by the department's name looks the name up in `departments` per row, which
        // no index of `targets` can order; it sorts the filtered set.
        let search = path.contains("q=");
        let by_department_name = path.contains("sort=department");
        for f in found {
            let excepted = (search && f.contains("LIKE"))
                || (by_department_name && f.contains("SELECT d.name FROM departments d"));
            if !excepted {
                problems.push(format!("GET {path} ({who}): {f}"));
            }
        }
    }
    assert!(planned >= lists.len(), "only {planned} statements planned for {} lists", lists.len());
    assert!(problems.is_empty(), "plans that read a table whole:\n{}", problems.join("\n"));
    app.shutdown().await;
}
