//! The demo data set loads on both databases, exactly, once.

use jixiao_rules::Registry;
use jixiao_server::{demo, seed};
use rust_decimal::Decimal;

use crate::helpers::{TestApp, get};

async fn demo_loads_exactly_once(app: &TestApp) {
    let data = demo::demo_dataset();
    let db = app.db.clone();
    let data2 = data.clone();
    let (first, second, tokens) = actix_web::web::block(move || {
        let first = seed::load(&db, &data2).expect("load");
        let second = seed::load(&db, &data2).expect("reload");
        let earlier = seed::demo_tokens(&db, &data2).expect("tokens");
        let tokens = seed::demo_tokens(&db, &data2).expect("tokens");
        (first, second, (earlier, tokens))
    })
    .await
    .expect("block");
    let (earlier, tokens) = tokens;
    let (status, _, _) = get(app, "/api/v1/targets?limit=1", Some(&earlier.finance.secret)).await;
    assert_eq!(status, 200, "a restart does not invalidate the tokens printed before");
    assert_eq!(first.targets_inserted, data.targets.len());
    assert_eq!(second.targets_inserted, 0, "loading twice adds nothing");
    // Every stored row has the rules' verdict, and the stored money adds up exactly.
    let db = app.db.clone();
    let (count, valid, total) = actix_web::web::block(move || {
        let mut c = db.conn().expect("conn");
        let filter = jixiao_server::store::targets::TargetFilter::default();
        let rows = jixiao_server::store::targets::list(&mut c, &filter, None, 10_000).expect("list");
        let valid = rows.iter().filter(|r| r.valid).count();
        let total: Decimal = rows.iter().filter_map(|r| r.annual_total.map(|m| m.0)).sum();
        (rows.len(), valid, total)
    })
    .await
    .expect("block");
    assert_eq!(count, data.targets.len());
    assert_eq!(valid, first.targets_valid);
    let profile = Registry::builtin().default_profile().expect("default");
    let expected_valid = data
        .targets
        .iter()
        .filter(|t| jixiao_rules::check(t.as_object().expect("obj"), profile, jixiao_rules::Locale::ZhCn).valid)
        .count();
    assert_eq!(valid, expected_valid);
    let expected_total: Decimal = data
        .targets
        .iter()
        .filter_map(|t| t.pointer("/funds/annual_total").and_then(|v| v.as_str()))
        .filter_map(|s| s.parse::<Decimal>().ok())
        .sum();
    assert_eq!(total, expected_total, "NUMERIC / TEXT round-trip is exact");
    assert_eq!(total.to_string(), "230047.41", "the source report's total (万元)");
    // The printed tokens work: finance sees every target, the department only its own.
    let (status, _, page) = get(app, "/api/v1/targets?limit=200", Some(&tokens.finance.secret)).await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(200.min(count)));
    let (status, _, deps) = get(app, "/api/v1/departments", Some(&tokens.finance.secret)).await;
    assert_eq!(status, 200);
    assert_eq!(deps.as_array().map(Vec::len), Some(data.departments.len()));
    let (status, _, _) = get(app, "/api/v1/departments", None).await;
    assert_eq!(status, 401);
    let dept = tokens.department.expect("department token");
    let code = dept.row.department_code.clone().expect("code");
    let (_, _, page) = get(app, "/api/v1/targets?limit=200", Some(&dept.secret)).await;
    let items = page["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["department_code"] == code.as_str()));
}

crate::both_backends!(demo_loads_exactly_once);
