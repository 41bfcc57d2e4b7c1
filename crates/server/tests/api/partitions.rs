//! Fiscal years (issue 9). On PostgreSQL `targets` and the stage tables are partitioned by fiscal
//! year (migration `2026-12-03-000003_partition_by_year`): each row lands in its year's
//! partition when the year's partitions exist (made at start for this year and the next, when a
//! monitoring round opens, by the demo) and in the default partition otherwise (a draft without
//! a year, a year whose rows came first); nothing fails for want of a partition. On both
//! backends an approved target keeps its year through an adjustment (调整).

use awc::http::Method;
use chrono::Datelike;
use diesel::{QueryableByName, RunQueryDsl};
use jixiao_server::auth::Role;
use jixiao_server::db::AnyConnection;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_problem, call, fixture};

/// A 2019 target of department 101, submitted and approved; returns (department token,
/// finance token, target id).
async fn approved_2019(app: &TestApp) -> (String, String, String) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let doc = fixture("monitoring/missing-rows.json")["target"].clone();
    assert_eq!(doc["fiscal_year"], 2019);
    let id = crate::helpers::approved(app, &dept, &finance, &doc).await;
    (dept, finance, id)
}

/// An adjustment may change the amounts, never the year: 409 naming both years, on both
/// backends, and the stored target is unchanged.
pub async fn an_adjustment_keeps_its_fiscal_year(app: &TestApp) {
    let (dept, _, id) = approved_2019(app).await;
    let r = call(app, Method::POST, &format!("/targets/{id}/adjust"), Some(&dept), None, None).await;
    assert_eq!(r.status, 200, "adjust: {}", r.body);
    let path = format!("/targets/{id}");
    let r = call(app, Method::GET, &path, Some(&dept), None, None).await;
    let (etag, mut doc) = (r.etag.clone().expect("ETag"), r.body["document"].clone());
    doc["fiscal_year"] = json!(2020);
    let r = call(app, Method::PUT, &path, Some(&dept), Some(&doc), Some(&etag)).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("2019") && detail.contains("2020"), "{detail}");
    let r = call(app, Method::GET, &path, Some(&dept), None, None).await;
    assert_eq!((r.etag.as_deref(), &r.body["fiscal_year"]), (Some(etag.as_str()), &json!(2019)), "unchanged");
    // The same year with a new amount is an ordinary adjustment.
    doc["fiscal_year"] = json!(2019);
    doc["funds"]["annual_total"] = json!("96.40");
    let r = call(app, Method::PUT, &path, Some(&dept), Some(&doc), Some(&etag)).await;
    assert_eq!(r.status, 200, "adjust the amount: {}", r.body);
}

crate::both_backends!(an_adjustment_keeps_its_fiscal_year);

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// Runs `sql` (one text column `name`) on the test's PostgreSQL database.
async fn names(app: &TestApp, sql: String) -> Vec<String> {
    let db = app.db.clone();
    actix_web::web::block(move || {
        let mut conn = db.conn().unwrap();
        let AnyConnection::Postgresql(c) = &mut *conn else { panic!("PostgreSQL only") };
        diesel::sql_query(sql).load::<Name>(c).unwrap().into_iter().map(|n| n.name).collect()
    })
    .await
    .unwrap()
}

/// The partition a row of `table` is stored in.
async fn partition_of(app: &TestApp, table: &str, id: &str) -> String {
    let rows = names(app, format!("SELECT tableoid::regclass::text AS name FROM {table} WHERE id = '{id}'")).await;
    assert_eq!(rows.len(), 1, "{table} {id}: {rows:?}");
    rows[0].clone()
}

async fn exists(app: &TestApp, relation: &str) -> bool {
    names(app, format!("SELECT relname::text AS name FROM pg_class WHERE relname = '{relation}'")).await.len() == 1
}

#[actix_web::test]
async fn postgres_rows_land_in_their_years_partition() {
    let Some(app) = crate::helpers::spawn_app(Backend::Postgres).await else { return };
    let partitioned = names(
        &app,
        "SELECT c.relname::text AS name FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid ORDER BY 1"
            .into(),
    )
    .await;
    assert_eq!(partitioned, ["budget_decisions", "evaluations", "monitoring_reports", "targets"]);
    // The server made this year's and next year's partitions at start.
    let year = chrono::Utc::now().year();
    for y in [year, year + 1] {
        for t in ["targets", "monitoring_reports", "evaluations", "budget_decisions"] {
            assert!(exists(&app, &format!("{t}_{y}")).await, "{t}_{y} made at start");
        }
    }

    // This year's target lands in its partition; a draft without a year in the default one.
    let dept = app.token(Role::Department, Some("101"), None).await;
    let mut doc: Value = fixture("monitoring/missing-rows.json")["target"].clone();
    doc["fiscal_year"] = json!(year);
    let r = call(&app, Method::POST, "/targets", Some(&dept), Some(&doc), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(partition_of(&app, "targets", r.body["id"].as_str().unwrap()).await, format!("targets_{year}"));
    doc.as_object_mut().unwrap().remove("fiscal_year");
    let r = call(&app, Method::POST, "/targets", Some(&dept), Some(&doc), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let undated = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(partition_of(&app, "targets", &undated).await, "targets_default");
    // Given a year, the draft moves to that year's partition.
    let path = format!("/targets/{undated}");
    doc["fiscal_year"] = json!(year + 1);
    let r = call(&app, Method::PUT, &path, Some(&dept), Some(&doc), r.etag.as_deref()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(partition_of(&app, "targets", &undated).await, format!("targets_{}", year + 1));

    // 2019 had no partitions: its targets went to the default partition and stay there; the
    // round of 2019 makes the year's stage partitions, and its reports land in them.
    let (dept, finance, target) = approved_2019(&app).await;
    assert_eq!(partition_of(&app, "targets", &target).await, "targets_default");
    let round = json!({ "fiscal_year": 2019, "through_month": 9, "deadline": "2019-10-10" });
    let r = call(&app, Method::POST, "/monitoring/rounds", Some(&finance), Some(&round), None).await;
    assert_eq!(r.status, 201, "open round: {}", r.body);
    let body = json!({ "round_id": r.body["id"], "target_id": target });
    let r = call(&app, Method::POST, "/monitoring/reports", Some(&dept), Some(&body), None).await;
    assert_eq!(r.status, 201, "create report: {}", r.body);
    assert_eq!(
        partition_of(&app, "monitoring_reports", r.body["id"].as_str().unwrap()).await,
        "monitoring_reports_2019"
    );
    assert!(!exists(&app, "targets_2019").await, "the default partition holds 2019 targets: none made");
    assert!(exists(&app, "evaluations_2019").await && exists(&app, "budget_decisions_2019").await);

    // Making a year's partitions is idempotent, and nothing is made outside 2000–2100.
    let db = app.db.clone();
    let made = actix_web::web::block(move || {
        let mut c = db.conn().unwrap();
        let once = jixiao_server::db::year_partitions(&mut c, 2031).unwrap();
        let twice = jixiao_server::db::year_partitions(&mut c, 2031).unwrap();
        let outside = jixiao_server::db::year_partitions(&mut c, 2101).unwrap();
        (once, twice, outside)
    })
    .await
    .unwrap();
    assert_eq!(made, (4, 0, 0));
    app.shutdown().await;
}
