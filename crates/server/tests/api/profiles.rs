//! `/profiles`: built-in profiles, and region profiles uploaded by an admin (checked
//! against the profile JSON Schema, then usable by `?profile=` everywhere).

use jixiao_server::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, fixture, get, post_json};

async fn health_reports_the_database(app: &TestApp) {
    let (status, _, body) = get(app, "/api/v1/health", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert!(body["database"] == "sqlite" || body["database"] == "postgres", "{body}");
}

async fn liveness_does_not_need_the_database(app: &TestApp) {
    let (status, headers, body) = get(app, "/api/v1/health/live", None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")), "{body}");
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    assert!(body.get("database").is_none(), "{body}");
}

async fn head_works_like_get(app: &TestApp) {
    let mut res = app.client.head(app.url("/api/v1/profiles")).send().await.expect("head");
    assert_eq!(res.status().as_u16(), 200);
    let len: usize =
        res.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
    assert!(len > 100, "Content-Length of the GET body");
    assert!(res.body().await.expect("body").is_empty());
    let res = app.client.head(app.url("/api/v1/check")).send().await.expect("head");
    assert_eq!(res.status().as_u16(), 405);
}

async fn lists_and_reads_profiles(app: &TestApp) {
    let (status, _, body) = get(app, "/api/v1/profiles", None).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = body.as_array().expect("array").iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(ids, ["artux-2018", "national-2015", "national-2021"]);
    assert_eq!(body[0]["default"], true);
    let (status, _, body) = get(app, "/api/v1/profiles/national-2021", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["framework"]["id"], "cn-2021");
    let (status, headers, body) = get(app, "/api/v1/profiles/nope", None).await;
    assert_problem(status, &headers, &body, 404, "not-found");
}

fn region_profile() -> Value {
    json!({
        "id": "kashgar-2019",
        "name": { "zh-CN": "喀什2019年审核规则", "en": "Kashgar 2019 review rules" },
        "framework": "cn-2015",
        "review": { "min_level1": 3, "min_level2": 6, "min_level3": 12, "min_quantitative_share": "0.80" }
    })
}

async fn admins_add_region_profiles(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let (status, headers, body) = post_json(app, "/api/v1/profiles", Some(&finance), &region_profile()).await;
    assert_problem(status, &headers, &body, 403, "forbidden");
    let (status, headers, body) = post_json(app, "/api/v1/profiles", Some(&admin), &region_profile()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(headers.get("location").and_then(|v| v.to_str().ok()), Some("/api/v1/profiles/kashgar-2019"));
    // The new profile is used by /check, exactly like the CLI's --profile-file.
    let doc = fixture("targets/orphan-clothing-valid.json")["document"].clone();
    let (status, _, out) = post_json(app, "/api/v1/check?profile=kashgar-2019", None, &doc).await;
    assert_eq!(status, 200);
    let profile = jixiao_rules::Registry::builtin().parse_profile_json(&region_profile().to_string()).expect("parse");
    let cli = jixiao_rules::check(doc.as_object().expect("obj"), &profile, jixiao_rules::Locale::ZhCn);
    assert_eq!(out, serde_json::to_value(&cli).expect("json"));
    assert_eq!(out["valid"], false, "12 indicators needed");
    let (_, _, list) = get(app, "/api/v1/profiles", None).await;
    assert_eq!(list[3]["id"], "kashgar-2019");
    assert_eq!(list[3]["builtin"], false);
    // Stored: a restarted server loads it again.
    let db = app.db.clone();
    let reloaded = actix_web::web::block(move || {
        let mut c = db.conn().expect("conn");
        jixiao_server::service::profiles::Profiles::load(&mut c).expect("load").resolve(Some("kashgar-2019")).is_ok()
    })
    .await
    .expect("block");
    assert!(reloaded);
    // Duplicates and built-in ids are conflicts.
    let (status, headers, body) = post_json(app, "/api/v1/profiles", Some(&admin), &region_profile()).await;
    assert_problem(status, &headers, &body, 409, "conflict");
    let mut builtin = region_profile();
    builtin["id"] = json!("artux-2018");
    let (status, headers, body) = post_json(app, "/api/v1/profiles", Some(&admin), &builtin).await;
    assert_problem(status, &headers, &body, 409, "conflict");
}

/// Two servers on one database (issue 9): a profile uploaded through one is listed by and
/// used by the other, which started before the upload (no per-process copy goes stale).
async fn every_server_sees_every_upload(app: &TestApp) {
    let config = jixiao_server::Config {
        host: "127.0.0.1".into(),
        port: 0,
        workers: Some(1),
        web_dir: app.web_dir(),
        ..jixiao_server::Config::default()
    };
    let other = jixiao_server::Application::build_with_database(config, app.db.clone()).expect("second server");
    let other_url = other.base_url();
    let handle = other.handle();
    actix_web::rt::spawn(other.run_until_stopped());
    let admin = app.token(Role::Admin, None, None).await;
    let (status, _, body) = post_json(app, "/api/v1/profiles", Some(&admin), &region_profile()).await;
    assert_eq!(status, 201, "{body}");
    let doc = fixture("targets/orphan-clothing-valid.json")["document"].clone();
    let req = app.client.post(format!("{other_url}/api/v1/check?profile=kashgar-2019"));
    let (status, _, out) =
        crate::helpers::send(req.insert_header(("content-type", "application/json")), Some(doc.to_string().as_bytes()))
            .await;
    assert_eq!(status, 200, "the other server knows the upload: {out}");
    assert_eq!(out["valid"], false, "checked against kashgar-2019 (12 indicators), not the default");
    let (status, _, list) = crate::helpers::send(app.client.get(format!("{other_url}/api/v1/profiles")), None).await;
    assert_eq!(status, 200);
    assert!(list.as_array().unwrap().iter().any(|p| p["id"] == "kashgar-2019"), "{list}");
    let req = app.client.post(format!("{other_url}/api/v1/check?profile=no-such-region"));
    let (status, headers, out) =
        crate::helpers::send(req.insert_header(("content-type", "application/json")), Some(doc.to_string().as_bytes()))
            .await;
    assert_problem(status, &headers, &out, 400, "unknown-profile");
    handle.stop(true).await;
}

async fn bad_profile_files_are_400_with_paths(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    let mut share = region_profile();
    share["review"]["min_quantitative_share"] = json!(0.8);
    let mut extra = region_profile();
    extra["review"]["max_level1"] = json!(3);
    let mut framework = region_profile();
    framework["framework"] = json!("cn-2099");
    let cases = [
        (json!({ "name": {} }), "", "required"),
        (share, "/review/min_quantitative_share", "oneOf"),
        (extra, "/review", "additionalProperties"),
        (framework, "", "profile"),
    ];
    for (body, path, keyword) in cases {
        let (status, headers, out) = post_json(app, "/api/v1/profiles", Some(&admin), &body).await;
        assert_problem(status, &headers, &out, 400, "invalid-body");
        let errors = out["errors"].as_array().expect("errors");
        assert!(errors.iter().any(|e| e["path"] == path && e["keyword"] == keyword), "{body}: {out}");
    }
}

/// A target declared under an uploaded region profile is checked against that profile on
/// submit and in the review dossier, not against the default (the defect of issue 8:
/// `artux-2018` would accept this 10-indicator target; `kashgar-2019` wants 12).
async fn a_region_profile_stays_in_force_after_creation(app: &TestApp) {
    let admin = app.token(Role::Admin, None, None).await;
    let dept = app.token(Role::Department, Some("101"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let (status, _, body) = post_json(app, "/api/v1/profiles", Some(&admin), &region_profile()).await;
    assert_eq!(status, 201, "{body}");
    let doc = fixture("targets/orphan-clothing-valid.json")["document"].clone();
    let (status, _, created) = post_json(app, "/api/v1/targets?profile=kashgar-2019", Some(&dept), &doc).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["profile"], "kashgar-2019");
    let codes = |v: &Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap().to_owned()).collect()
    };
    assert!(codes(&created["violations"]).contains(&"TREE_LEVEL3_MIN".to_owned()), "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, headers, body) =
        post_json(app, &format!("/api/v1/targets/{id}/submit"), Some(&dept), &json!({})).await;
    assert_problem(status, &headers, &body, 422, "violations");
    assert!(codes(&body["violations"]).contains(&"TREE_LEVEL3_MIN".to_owned()), "{body}");
    let (status, _, dossier) = get(app, &format!("/api/v1/targets/{id}/dossier"), Some(&finance)).await;
    assert_eq!(status, 200, "{dossier}");
    assert!(codes(&dossier["violations"]).contains(&"TREE_LEVEL3_MIN".to_owned()), "{dossier}");
}

crate::both_backends!(
    a_region_profile_stays_in_force_after_creation,
    head_works_like_get,
    liveness_does_not_need_the_database,
    every_server_sees_every_upload,
    health_reports_the_database,
    lists_and_reads_profiles,
    admins_add_region_profiles,
    bad_profile_files_are_400_with_paths
);
