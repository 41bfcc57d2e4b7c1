//! `GET /profiles`, `GET /profiles/{id}`.

use crate::helpers::{TestApp, assert_problem, get};

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

crate::both_backends!(lists_and_reads_profiles);
