//! The demo data set loads on both databases, exactly, once, and walks a deterministic
//! part of its targets through the review cycle exactly as the API would: state counts,
//! the audit trail of a demo approval, the public list (never classified, never
//! unapproved) and the assessor token's view (exactly its organisation's assignments).

use std::collections::{BTreeSet, HashMap};

use jixiao_demo::dataset::DemoDataset;
use jixiao_demo::{self as seed, dataset as demo};
use jixiao_demo::{DemoReview, DemoTokens, SeedReport};
use jixiao_rules::Registry;
use jixiao_rules::review::{Recommendation, ReviewGrade, Status};
use jixiao_server::auth::Role;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, get, post_json};

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

/// The demo, loaded once, with its plan and the stored id of every target (by index).
struct Loaded {
    data: DemoDataset,
    report: SeedReport,
    tokens: DemoTokens,
    plan: Vec<DemoReview>,
    ids: Vec<String>,
}

async fn load(app: &TestApp) -> Loaded {
    let data = demo::demo_dataset();
    let db = app.db.clone();
    let data2 = data.clone();
    let (report, tokens, rows) = actix_web::web::block(move || {
        let report = seed::load(&db, &data2).expect("load");
        let tokens = seed::demo_tokens(&db, &data2).expect("tokens");
        let mut c = db.conn().expect("conn");
        let filter = jixiao_server::store::targets::TargetFilter::default();
        let rows = jixiao_server::store::targets::list(&mut c, &filter, None, 10_000).expect("list");
        (report, tokens, rows)
    })
    .await
    .expect("block");
    let by_code: HashMap<String, String> =
        rows.into_iter().filter_map(|r| r.project_code.map(|code| (code, r.id))).collect();
    let ids: Vec<String> =
        data.targets.iter().map(|t| by_code[t["project"]["code"].as_str().expect("project code")].clone()).collect();
    let profile = Registry::builtin().default_profile().expect("default");
    let valid: Vec<bool> = data
        .targets
        .iter()
        .map(|t| jixiao_rules::check(t.as_object().expect("obj"), profile, jixiao_rules::Locale::ZhCn).valid)
        .collect();
    let classified: Vec<bool> = data.targets.iter().map(|t| t["classified"] == true).collect();
    let plan = seed::review_plan(&valid, &classified);
    Loaded { data, report, tokens, plan, ids }
}

fn planned(l: &Loaded, status: Status) -> usize {
    l.plan.iter().filter(|p| p.status == status).count()
}

/// Every item of a paged list (`limit=200`, following `next_cursor`), and the first page.
async fn all_pages(app: &TestApp, path: &str, token: Option<&str>) -> (Value, Value) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let (status, _, first) = get(app, &format!("{path}{sep}limit=200"), token).await;
    assert_eq!(status, 200, "{first}");
    let mut items = first["items"].as_array().expect("items").clone();
    let mut next = first["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = next {
        let (status, _, page) = get(app, &format!("{path}{sep}limit=200&cursor={c}"), token).await;
        assert_eq!(status, 200, "{page}");
        assert!(page["items"].as_array().is_some_and(|i| !i.is_empty() && i.len() <= 200));
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        next = page["next_cursor"].as_str().map(str::to_owned);
    }
    let mut all = first.clone();
    all["items"] = Value::Array(items);
    (first, all)
}

/// State counts: the review listing shows exactly the plan, in the proportions of a review
/// season; targets with mistakes are drafts that submission refuses; a reload changes nothing.
async fn demo_review_state_counts(app: &TestApp) {
    let l = load(app).await;
    let finance = &l.tokens.finance.secret;
    let (first, listing) = all_pages(app, "/api/v1/review/targets", Some(finance)).await;
    assert_eq!(first["items"].as_array().map(Vec::len), Some(200), "one page at a time");
    let counts = &listing["counts"];
    for (name, s) in [
        ("draft", Status::Draft),
        ("submitted", Status::Submitted),
        ("returned", Status::Returned),
        ("approved", Status::Approved),
    ] {
        assert_eq!(counts[name], planned(&l, s), "{name}: {counts}");
    }
    let valid = l.report.targets_valid;
    let share = |s: Status| planned(&l, s) * 100 / valid;
    assert!((57..=64).contains(&share(Status::Approved)), "approved {}%", share(Status::Approved));
    assert!((13..=17).contains(&share(Status::Submitted)), "submitted {}%", share(Status::Submitted));
    assert!((6..=9).contains(&share(Status::Returned)), "returned {}%", share(Status::Returned));
    let r = &l.report.review;
    assert_eq!(
        (r.draft, r.submitted, r.returned, r.approved),
        (
            planned(&l, Status::Draft),
            planned(&l, Status::Submitted),
            planned(&l, Status::Returned),
            planned(&l, Status::Approved)
        )
    );
    let by_id: HashMap<&str, &Value> =
        listing["items"].as_array().expect("items").iter().map(|i| (i["id"].as_str().expect("id"), i)).collect();
    // Every target is where the plan put it; graded as planned; 差 does not enter the budget.
    for (i, p) in l.plan.iter().enumerate() {
        let item = by_id[l.ids[i].as_str()];
        assert_eq!(item["status"], p.status.as_str(), "target {i}");
        match p.grade {
            Some(g) => {
                assert_eq!(item["last_review"]["grade"], g.as_str(), "target {i}");
                assert_eq!(item["budget_excluded"], g == ReviewGrade::Poor, "target {i}");
            }
            None => assert!(item["last_review"].is_null(), "target {i}"),
        }
        if p.status == Status::Returned {
            assert!(item["last_review"]["opinion"].as_str().is_some_and(|o| !o.is_empty()), "target {i}");
        }
    }
    // Targets with mistakes stay drafts, and their department cannot submit them.
    assert!(!l.data.mistakes.is_empty());
    for m in &l.data.mistakes {
        assert_eq!(by_id[l.ids[m.target].as_str()]["status"], "draft", "mistake target {}", m.target);
    }
    let m = &l.data.mistakes[0];
    let code = l.data.targets[m.target]["department"]["code"].as_str().expect("code");
    let dept = app.token(Role::Department, Some(code), None).await;
    let (status, headers, body) =
        post_json(app, &format!("/api/v1/targets/{}/submit", l.ids[m.target]), Some(&dept), &json!({})).await;
    assert_problem(status, &headers, &body, 422, "violations");
    assert!(body["violations"].as_array().is_some_and(|v| v.iter().any(|v| v["code"] == m.kind.code().as_str())));
    // Loading again adds nothing: no new target, no new audit row, the same counts.
    let db = app.db.clone();
    let data = l.data.clone();
    let again = actix_web::web::block(move || seed::load(&db, &data).expect("reload")).await.expect("block");
    assert_eq!(again.targets_inserted, 0);
    assert_eq!(again.review, l.report.review);
    // The second department token sees only its department, in every status.
    let second = l.tokens.second_department.as_ref().expect("second department token");
    let (_, own) = all_pages(app, "/api/v1/review/targets", Some(&second.secret)).await;
    let code = second.row.department_code.as_deref().expect("code");
    let items = own["items"].as_array().expect("items");
    assert!(items.iter().all(|i| i["department_code"] == code));
    let statuses: BTreeSet<&str> = items.iter().filter_map(|i| i["status"].as_str()).collect();
    assert_eq!(statuses.len(), 4, "{statuses:?}");
}

fn audit_actions(history: &Value) -> Vec<(String, String, String)> {
    history
        .as_array()
        .expect("history")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (s("action"), s("role"), s("actor"))
        })
        .collect()
}

/// A demo approval has the audit rows, snapshots and ETag chain the API writes.
async fn demo_approval_audit_trail(app: &TestApp) {
    let l = load(app).await;
    let finance = &l.tokens.finance.secret;
    let assessed = l
        .plan
        .iter()
        .position(|p| p.status == Status::Approved && p.assessment.is_some())
        .expect("an approval after a third-party opinion");
    let plain = l
        .plan
        .iter()
        .position(|p| p.status == Status::Approved && p.assessment.is_none())
        .expect("an approval without a third party");
    for (i, with_opinion) in [(assessed, true), (plain, false)] {
        let doc = &l.data.targets[i];
        let dept_name = l.data.departments.iter().find(|d| doc["department"]["code"] == d.code.as_str()).expect("dept");
        let id = &l.ids[i];
        let (status, _, history) = get(app, &format!("/api/v1/targets/{id}/history"), Some(finance)).await;
        assert_eq!(status, 200, "{history}");
        let dept_actor = format!("demo {}", dept_name.name);
        let org_actor = format!("demo {}", seed::DEMO_ASSESSOR_ORG);
        let mut want = vec![
            ("create", "admin", "demo"),
            ("submit", "department", dept_actor.as_str()),
            ("assign", "finance", seed::DEMO_FINANCE_NAME),
            ("opinion", "assessor", org_actor.as_str()),
            ("review", "finance", seed::DEMO_FINANCE_NAME),
        ];
        if !with_opinion {
            want.retain(|w| w.0 != "assign" && w.0 != "opinion");
        }
        let got = audit_actions(&history);
        let want: Vec<(String, String, String)> =
            want.iter().map(|(a, r, n)| (a.to_string(), r.to_string(), n.to_string())).collect();
        assert_eq!(got, want, "target {i}");
        // The ETag chain: each row starts where the previous ended; assign/opinion keep it.
        let rows = history.as_array().expect("rows");
        for pair in rows.windows(2) {
            assert_eq!(pair[1]["old_etag"], pair[0]["new_etag"], "{history}");
        }
        let review = rows.last().expect("review row");
        let total = doc["funds"]["annual_total"].as_str().expect("annual total");
        assert_eq!(review["detail"]["decision"], "approve");
        assert_eq!(review["detail"]["outcome"], "included");
        assert_eq!(
            review["detail"]["approved_amount"].as_str().map(|s| s.parse::<Decimal>().ok()),
            Some(total.parse().ok())
        );
        assert!(["excellent", "good"].contains(&review["detail"]["grade"].as_str().unwrap_or_default()));
        let (_, _, dossier) = get(app, &format!("/api/v1/targets/{id}/dossier"), Some(finance)).await;
        assert_eq!(dossier["target"]["status"], "approved");
        assert_eq!(dossier["target"]["in_force_revision"], 1);
        assert_eq!(dossier["target"]["etag"], format!("\"{}\"", review["new_etag"].as_str().unwrap_or_default()));
        assert_eq!(dossier["opinions"].as_array().map(Vec::len), Some(usize::from(with_opinion)));
        let (_, _, versions) = get(app, &format!("/api/v1/targets/{id}/versions"), Some(finance)).await;
        let kinds: Vec<&str> =
            versions.as_array().expect("versions").iter().filter_map(|v| v["kind"].as_str()).collect();
        assert_eq!(kinds, ["submitted", "approved"]);
        assert_eq!(
            versions[1]["approved_amount"].as_str().map(|s| s.parse::<Decimal>().ok()),
            Some(total.parse().ok())
        );
    }
}

/// The public list holds exactly the approved, non-classified targets; classified ones are
/// approved in the demo but never published.
async fn demo_public_list_excludes_classified_and_unapproved(app: &TestApp) {
    let l = load(app).await;
    let (_, public) = all_pages(app, "/api/v1/public/targets", None).await;
    let items = public["items"].as_array().expect("items");
    let published: BTreeSet<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(published.len(), items.len());
    let expected: BTreeSet<&str> = l
        .plan
        .iter()
        .enumerate()
        .filter(|(i, p)| p.status == Status::Approved && l.data.targets[*i]["classified"] == false)
        .map(|(i, _)| l.ids[i].as_str())
        .collect();
    assert_eq!(published, expected);
    assert_eq!(l.report.review.public, expected.len());
    let classified_approved: Vec<&str> = l
        .plan
        .iter()
        .enumerate()
        .filter(|(i, p)| p.status == Status::Approved && l.data.targets[*i]["classified"] == true)
        .map(|(i, _)| l.ids[i].as_str())
        .collect();
    assert!(!classified_approved.is_empty(), "the demo approves classified targets");
    let finance = &l.tokens.finance.secret;
    for id in &classified_approved {
        assert!(!published.contains(id));
        let (_, _, d) = get(app, &format!("/api/v1/targets/{id}/dossier"), Some(finance)).await;
        assert_eq!(d["target"]["status"], "approved");
        assert_eq!(d["target"]["classified"], true);
    }
    assert!(items.iter().all(|i| i["document"].get("classified").is_none()));
    // The review walk is the year in progress (2019); the closed year is not loaded here.
    let (_, y2019) = all_pages(app, "/api/v1/public/targets?fiscal_year=2019", None).await;
    assert_eq!(y2019["items"].as_array().map(Vec::len), Some(items.len()));

    // Sorted by the approved amount (largest first) and by department, 25 a page: every
    // published target once, in order, with its department's name.
    for (sort, key) in [("sort=amount&order=desc", "approved_amount"), ("sort=department", "department_name")] {
        let mut seen: Vec<Value> = Vec::new();
        let mut cursor = String::new();
        loop {
            let (status, _, page) =
                get(app, &format!("/api/v1/public/targets?{sort}&limit=25&cursor={cursor}"), None).await;
            assert_eq!(status, 200, "{page}");
            seen.extend(page["items"].as_array().expect("items").iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
        }
        let ids: BTreeSet<&str> = seen.iter().filter_map(|i| i["id"].as_str()).collect();
        assert_eq!(ids, published, "{sort}");
        if key == "approved_amount" {
            let amounts: Vec<rust_decimal::Decimal> =
                seen.iter().map(|i| i[key].as_str().and_then(|a| a.parse().ok()).unwrap_or_default()).collect();
            assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
        } else {
            let names: Vec<&str> = seen.iter().map(|i| i[key].as_str().unwrap_or("")).collect();
            assert!(names.iter().all(|n| !n.is_empty()), "every department is named");
            assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
        }
    }
    let (_, _, found) = get(app, "/api/v1/public/targets?q=%E6%B0%91%E6%94%BF&limit=200", None).await;
    let found = found["items"].as_array().expect("items");
    assert!(!found.is_empty() && found.len() < items.len());
    assert!(found.iter().all(|i| {
        i["department_name"].as_str().is_some_and(|n| n.contains("民政"))
            || i["project_name"].as_str().is_some_and(|n| n.contains("民政"))
    }));
}

/// The printed assessor token sees exactly its organisation's assignments.
async fn demo_assessor_sees_exactly_its_assignments(app: &TestApp) {
    let l = load(app).await;
    let assessor = &l.tokens.assessor.secret;
    let of_org = |org: &str| -> BTreeSet<&str> {
        l.plan
            .iter()
            .enumerate()
            .filter(|(_, p)| p.assessment.is_some_and(|a| a.org == org))
            .map(|(i, _)| l.ids[i].as_str())
            .collect()
    };
    let mine = of_org(seed::DEMO_ASSESSOR_ORG);
    let others = of_org(seed::DEMO_OTHER_ORG);
    assert!(!mine.is_empty() && !others.is_empty());
    let (status, _, list) = get(app, "/api/v1/assignments?limit=200", Some(assessor)).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["next_cursor"], serde_json::Value::Null, "the demo's assignments fit one page");
    let list = list["items"].as_array().expect("assignments");
    let seen: BTreeSet<&str> = list.iter().filter_map(|a| a["target_id"].as_str()).collect();
    assert_eq!(seen, mine);
    assert_eq!(list.len(), mine.len());
    assert!(list.iter().all(|a| a["organisation"] == seed::DEMO_ASSESSOR_ORG && a["due"] == seed::DEMO_ASSESSOR_DUE));
    let opinions: usize = list.iter().filter_map(|a| a["opinion_count"].as_u64()).sum::<u64>() as usize;
    let planned_opinions = l
        .plan
        .iter()
        .filter(|p| p.assessment.is_some_and(|a| a.org == seed::DEMO_ASSESSOR_ORG && a.opinion.is_some()))
        .count();
    assert_eq!(opinions, planned_opinions);
    let waiting = l
        .plan
        .iter()
        .filter(|p| p.status == Status::Submitted && p.assessment.is_some_and(|a| a.org == seed::DEMO_ASSESSOR_ORG))
        .count();
    assert!(waiting > 0);
    assert!(
        l.plan.iter().any(|p| p.status == Status::Submitted
            && p.assessment.is_some_and(|a| a.opinion == Some(Recommendation::Approve)))
    );
    // Finance sees both organisations' assignments; the assessor reads only its own targets.
    let (_, _, all) = get(app, "/api/v1/assignments?limit=200", Some(&l.tokens.finance.secret)).await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(mine.len() + others.len()));
    let own = mine.iter().next().expect("one");
    let (status, _, _) = get(app, &format!("/api/v1/targets/{own}/dossier"), Some(assessor)).await;
    assert_eq!(status, 200);
    let other = others.iter().next().expect("one");
    let (status, headers, body) = get(app, &format!("/api/v1/targets/{other}/dossier"), Some(assessor)).await;
    assert_problem(status, &headers, &body, 404, "not-found");
    let unassigned = l.plan.iter().position(|p| p.assessment.is_none()).expect("unassigned");
    let (status, _, _) = get(app, &format!("/api/v1/targets/{}/dossier", l.ids[unassigned]), Some(assessor)).await;
    assert_eq!(status, 404);
}

crate::both_backends!(
    demo_loads_exactly_once,
    demo_review_state_counts,
    demo_approval_audit_trail,
    demo_public_list_excludes_classified_and_unapproved,
    demo_assessor_sees_exactly_its_assignments,
    demo_monitoring_two_years
);

/// Both demo years as `jixiao serve --demo` loads them: 2018 (the source report) approved and
/// monitored every quarter, so its coverage reads 56 / 56 units, 230047.41 / 230047.41 万元,
/// 100%; 2019 in progress, its June board with every light, returned reports, a
/// rectification flag and one department that has not reported. Loading again adds nothing.
async fn demo_monitoring_two_years(app: &TestApp) {
    let db = app.db.clone();
    let (closed, current, again) = actix_web::web::block(move || {
        let closed = demo::closed_year_dataset();
        assert_eq!(seed::load_closed_year(&db, &closed).expect("closed year"), 342);
        let m = seed::monitoring::load_closed_year(&db, &closed).expect("closed year monitoring");
        let e = seed::evaluation::load_closed_year(&db, &closed).expect("closed year evaluation");
        assert_eq!((e.filed, e.zero_scored), (339, 3));
        assert!(e.re_evaluated > 0);
        let data = demo::demo_dataset();
        seed::load(&db, &data).expect("year in progress");
        let c = seed::monitoring::load_current_year(&db, &data).expect("monitoring in progress");
        let again = (
            seed::load_closed_year(&db, &closed).expect("again"),
            seed::monitoring::load_closed_year(&db, &closed).expect("again"),
            seed::monitoring::load_current_year(&db, &data).expect("again"),
        );
        assert_eq!(seed::evaluation::load_closed_year(&db, &closed).expect("again").filed, 0);
        (m, c, again)
    })
    .await
    .expect("block");
    assert_eq!((closed.rounds, closed.reports), (4, 4 * 342));
    assert_eq!(current.rounds, 2);
    assert_eq!((again.0, again.1.reports, again.2.reports), (0, 0, 0), "loading twice adds nothing");
    let finance = app.token(Role::Finance, None, None).await;
    let f = Some(finance.as_str());
    let (status, _, cov) = get(app, "/api/v1/monitoring/coverage?fiscal_year=2018", f).await;
    assert_eq!(status, 200, "{cov}");
    assert_eq!(
        cov,
        json!({ "fiscal_year": 2018, "through_month": null, "units_with_project_spending": 56, "units_monitored": 56,
                "project_spending": "230047.41", "monitored_spending": "230047.41", "coverage": "1.0000" })
    );
    // 2018 evaluated: 342 with a final score, exactly the three of the report at 0 分.
    let (status, _, sum) = get(app, "/api/v1/evaluation-years/2018/summary", f).await;
    assert_eq!(status, 200, "{sum}");
    assert_eq!(
        (sum["approved_targets"].as_i64(), sum["evaluated"].as_i64(), sum["closed"].as_bool()),
        (Some(342), Some(342), Some(true))
    );
    let zero: Vec<&str> =
        sum["zero_scores"].as_array().unwrap().iter().map(|z| z["project_name"].as_str().unwrap()).collect();
    assert_eq!(zero.len(), 3, "{zero:?}");
    for name in ["乡镇管理及涉农资金整合经费", "新疆专项（第二批）中央基建投资", "孤儿被装购置费"]
    {
        assert!(zero.iter().any(|z| z.ends_with(name)), "{name} in {zero:?}");
    }
    let g = &sum["grades"];
    assert_eq!(g["poor"], 3, "{g}");
    assert!(g["excellent"].as_i64().unwrap() > g["good"].as_i64().unwrap() && g["fair"].as_i64().unwrap() > 0, "{g}");
    assert!(sum["recommendations"].as_array().unwrap().iter().any(|r| r["re_evaluated"] == true));
    assert_eq!(sum["monitoring"]["coverage"], "1.0000");
    let (_, _, cov3) = get(app, "/api/v1/monitoring/coverage?fiscal_year=2018&through_month=3", f).await;
    assert_eq!(cov3["coverage"], "1.0000", "every target was monitored from the first quarter");
    assert_eq!(sum["deadline"], "2018-12-20");

    // The dynamic assessment material of 2018, replayed from the trail: June and September.
    let (status, _, june) = get(app, "/api/v1/evaluation-years/2018/progress?as_of=2018-06-30", f).await;
    assert_eq!(status, 200, "{june}");
    assert_eq!((june["review"]["approved"].as_i64(), june["review"]["declared"].as_i64()), (Some(342), Some(342)));
    let m = &june["monitoring"];
    assert_eq!((m["rounds_opened"].as_i64(), m["accepted"].as_i64()), (Some(1), Some(342)), "{m}");
    assert_eq!((m["units_with_projects"].as_i64(), m["units_monitored"].as_i64()), (Some(56), Some(56)), "{m}");
    assert_eq!((m["project_spending"].as_str(), m["coverage"].as_str()), (Some("230047.41"), Some("1.0000")), "{m}");
    assert_eq!(june["evaluation"]["started"], 0, "no self-evaluation before December");
    let (_, _, sept) = get(app, "/api/v1/evaluation-years/2018/progress?as_of=2018-09-30", f).await;
    assert_eq!(sept["monitoring"]["rounds_opened"], 2, "{sept}");
    let (_, _, end) = get(app, "/api/v1/evaluation-years/2018/progress?as_of=2018-12-31", f).await;
    let e = &end["evaluation"];
    assert_eq!(
        (e["filed"].as_i64(), e["zero_scored"].as_i64(), e["year_closed"].as_bool()),
        (Some(339), Some(3), Some(true)),
        "{e}"
    );
    assert!(e["re_evaluated"].as_i64().unwrap() > 0, "{e}");
    let (_, _, before) = get(app, "/api/v1/evaluation-years/2018/progress?as_of=2017-11-01", f).await;
    assert_eq!(before["review"]["declared"], 0, "{before}");

    // 2019: the June round.
    let (_, _, rounds) = get(app, "/api/v1/monitoring/rounds?fiscal_year=2019", f).await;
    let june =
        rounds["items"].as_array().unwrap().iter().find(|r| r["through_month"] == 6).expect("June round").clone();
    let c = &june["counts"];
    assert!(c["accepted"].as_i64().unwrap() > 100, "{c}");
    assert!(c["submitted"].as_i64().unwrap() > 0 && c["draft"].as_i64().unwrap() > 0, "{c}");
    assert_eq!(c["returned"], 2, "{c}");
    assert!(c["not_started"].as_i64().unwrap() > 0, "{c}");
    let id = june["id"].as_str().unwrap();
    let (_, _, board) = get(app, &format!("/api/v1/monitoring/rounds/{id}/board"), f).await;
    let lights = &board["lights"];
    assert!(["red", "yellow", "green"].iter().all(|l| lights[l].as_i64().unwrap() > 0), "{lights}");
    assert_eq!(board["overdue_departments"].as_array().map(Vec::len), Some(1), "one department is late");
    let (_, _, dev) = get(app, &format!("/api/v1/monitoring/rounds/{id}/deviations?limit=200"), f).await;
    let rows: Vec<&Value> =
        dev["items"].as_array().unwrap().iter().flat_map(|d| d["rows"].as_array().unwrap()).collect();
    assert!(rows.iter().any(|r| r["light"] == "red" && r["causes"].as_array().is_some_and(|c| !c.is_empty())));
    let (_, _, flags) = get(app, "/api/v1/monitoring/rectifications", f).await;
    assert_eq!(flags["items"].as_array().map(Vec::len), Some(1));
    let (_, _, list) = get(app, &format!("/api/v1/monitoring/reports?round_id={id}&limit=200"), f).await;
    assert!(list["items"].as_array().unwrap().len() > 100);
}
