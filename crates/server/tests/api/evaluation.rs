//! Evaluation and results over HTTP (绩效自评 → 复评 → 结果应用): the self-evaluation
//! workflow with ETags and 422, finance's filing and re-evaluation side by side, closing the
//! year (zero scores, idempotent), the summary with next year's budget, and who may do what.

use awc::http::Method;
use jixiao_server::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, call, fixture};

/// An approved copy of the orphan-clothing target for a department, with another project name.
async fn approved(app: &TestApp, dept_token: &str, finance: &str, code: &str, name: &str) -> String {
    let mut doc = fixture("evaluations/orphan-clothing-2019.json")["target"].clone();
    doc["department"]["code"] = json!(code);
    doc["project"]["name"] = json!(name);
    crate::helpers::approved(app, dept_token, finance, &doc).await
}

/// The whole cycle: draft → 422 → fixed → submitted → returned → resubmitted → filed →
/// re-evaluated; the year closed twice; the summary and the budget recommendations.
pub async fn evaluation_workflow_close_and_summary(app: &TestApp) {
    let a = app.token(Role::Department, Some("101"), None).await;
    let b = app.token(Role::Department, Some("102"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let assessor = app.token(Role::Assessor, None, Some("甲所")).await;
    let t1 = approved(app, &a, &finance, "101", "2019年孤儿被装购置费").await;
    let t2 = approved(app, &b, &finance, "102", "孤儿被装购置费").await;

    // Only the department of the target creates its evaluation.
    let body = json!({ "target_id": t1 });
    for (who, token, want) in [("finance", &finance, 403), ("B", &b, 404), ("assessor", &assessor, 404)] {
        let r = call(app, Method::POST, "/evaluations", Some(token), Some(&body), None).await;
        assert_eq!(r.status, want, "{who}: {}", r.body);
    }
    let r = call(app, Method::POST, "/evaluations", Some(&a), Some(&body), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["document"]["results"].as_array().unwrap().len(), 10, "a row per indicator");
    assert_eq!(r.body["document"]["execution"]["budget_initial"], "86.40");
    let id = r.body["id"].as_str().unwrap().to_owned();
    let path = format!("/evaluations/{id}");
    let mut etag = r.etag.unwrap();
    let again = call(app, Method::POST, "/evaluations", Some(&a), Some(&body), None).await;
    assert_problem(again.status, &again.headers, &again.body, 409, "conflict");

    // The prefilled draft cannot be submitted; the fixture's evaluation can.
    let r = call(app, Method::POST, &format!("{path}/submit"), Some(&a), None, Some(&etag)).await;
    assert_problem(r.status, &r.headers, &r.body, 422, "violations");
    let mut doc = fixture("evaluations/orphan-clothing-2019.json")["evaluation"].clone();
    doc["report"] = json!({ "basic": "项目按计划实施", "achievement": "年度目标基本完成", "deviation": "2名孤儿被收养", "improvement": "按实际人数动态调整" });
    let r = call(app, Method::PUT, &path, Some(&a), Some(&doc), Some("\"stale\"")).await;
    assert_problem(r.status, &r.headers, &r.body, 412, "precondition-failed");
    let r = call(app, Method::PUT, &path, Some(&a), Some(&doc), Some(&etag)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!((r.body["total"].as_str(), r.body["grade"].as_str()), (Some("98.19"), Some("excellent")));
    assert_eq!(r.body["result"]["indicators"][0]["score"], "14.92");
    etag = r.etag.unwrap();
    let r = call(app, Method::POST, &format!("{path}/submit"), Some(&a), None, Some(&etag)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    etag = r.etag.unwrap();
    let dec = format!("{path}/decision");
    let r = call(app, Method::POST, &dec, Some(&a), Some(&json!({ "decision": "file" })), Some(&etag)).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    let r = call(app, Method::POST, &dec, Some(&finance), Some(&json!({ "decision": "return" })), Some(&etag)).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    let ret = json!({ "decision": "return", "opinion": "请补充满意度调查方式" });
    let r = call(app, Method::POST, &dec, Some(&finance), Some(&ret), Some(&etag)).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("returned")), "{}", r.body);
    etag = r.etag.unwrap();
    let r = call(app, Method::POST, &format!("{path}/submit"), Some(&a), None, Some(&etag)).await;
    etag = r.etag.unwrap();
    let r = call(app, Method::POST, &dec, Some(&finance), Some(&json!({ "decision": "file" })), Some(&etag)).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("filed")), "{}", r.body);
    assert_eq!((r.body["final_total"].as_str(), r.body["final_grade"].as_str()), (Some("98.19"), Some("excellent")));
    let r = call(app, Method::PUT, &path, Some(&a), Some(&doc), r.etag.as_deref()).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");

    // Re-evaluation: finance judges 满意度 lower, with a reason; both scores stay visible.
    let mut re = fixture("evaluations/orphan-clothing-2019.json")["evaluation"].clone();
    re["results"][9]["override"] = json!({ "score": "6", "reason": "满意度调查样本不足，按复评抽样结果计分" });
    let rpath = format!("{path}/re-evaluations");
    let r = call(app, Method::POST, &rpath, Some(&a), Some(&json!({ "evaluation": re, "reason": "复评" })), None).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    let r = call(
        app,
        Method::POST,
        &rpath,
        Some(&finance),
        Some(&json!({ "evaluation": re, "reason": "第三方复评抽样" })),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["total"], "98.19", "the department's own score stays");
    assert_eq!(r.body["final_total"], "94.19", "the re-evaluation is final");
    let row = &r.body["re_evaluations"][0]["result"]["indicators"][9];
    assert_eq!(
        (row["score"].as_str(), row["formula_score"].as_str(), row["override"].as_bool()),
        (Some("6"), Some("10.00"), Some(true))
    );

    // B never sees A's evaluation; lists are scoped.
    let r = call(app, Method::GET, &path, Some(&b), None, None).await;
    assert_eq!(r.status, 404);
    let r = call(app, Method::GET, &path, Some(&assessor), None, None).await;
    assert_eq!(r.status, 404);
    let r = call(app, Method::GET, "/evaluations?fiscal_year=2019", Some(&b), None, None).await;
    assert_eq!(r.body["items"], json!([]));
    let r = call(app, Method::GET, "/evaluations?fiscal_year=2019", Some(&finance), None, None).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);

    // Closing the year: B's target (never self-evaluated) scores 0; the second close changes nothing.
    let r = call(app, Method::POST, "/evaluation-years/2019/close", Some(&a), None, None).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    let r = call(app, Method::POST, "/evaluation-years/2019/close", Some(&finance), None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["zero_scored"], json!([t2]));
    assert_eq!(r.body["already_closed"], false);
    let r = call(app, Method::POST, "/evaluation-years/2019/close", Some(&finance), None, None).await;
    assert_eq!((r.body["already_closed"].as_bool(), r.body["zero_scored"].clone()), (Some(true), json!([])));
    let r = call(app, Method::POST, "/evaluations", Some(&b), Some(&json!({ "target_id": t2 })), None).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");

    // The summary (FORMATS §7) and next year's money.
    let r = call(app, Method::GET, "/evaluation-years/2019/summary", Some(&b), None, None).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    let r = call(app, Method::GET, "/evaluation-years/2019/summary", Some(&finance), None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = &r.body;
    assert_eq!(
        (s["approved_targets"].as_i64(), s["evaluated"].as_i64(), s["closed"].as_bool()),
        (Some(2), Some(2), Some(true))
    );
    assert_eq!(s["grades"], json!({ "excellent": 1, "good": 0, "fair": 0, "poor": 1 }));
    assert_eq!(s["zero_scores"].as_array().unwrap().len(), 1);
    assert_eq!(
        (s["zero_scores"][0]["project_name"].as_str(), s["zero_scores"][0]["reason"].as_str()),
        (Some("孤儿被装购置费"), Some("未按要求开展绩效自评"))
    );
    assert_eq!(
        (s["evaluated_spending"].as_str(), s["recommended_total"].as_str(), s["recommended_change"].as_str()),
        (Some("172.80"), Some("86.40"), Some("-86.40"))
    );
    let lines = s["recommendations"].as_array().unwrap();
    let line = |id: &str| lines.iter().find(|l| l["target_id"] == id).unwrap().clone();
    assert_eq!(
        (line(&t1)["final_score"].as_str(), line(&t1)["re_evaluated"].as_bool(), line(&t1)["recommended"].as_str()),
        (Some("94.19"), Some(true), Some("86.40"))
    );
    assert_eq!((line(&t2)["zero_score"].as_bool(), line(&t2)["recommended"].as_str()), (Some(true), Some("0.00")));
    assert_eq!(s["next_year_total"], "86.40");

    // Finance sets its own amount with a reason; the recommendation stays beside it.
    let bpath = format!("/evaluation-years/2019/recommendations/{t2}");
    let decision = json!({ "amount": "40.00", "reason": "孤儿保障属民生底线支出，按实际保障人数核定" });
    let r = call(app, Method::PUT, &bpath, Some(&a), Some(&decision), None).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    for bad in [
        json!({ "amount": "-1", "reason": "x" }),
        json!({ "amount": "40.00", "reason": " " }),
        json!({ "amount": "40.001", "reason": "x" }),
    ] {
        let r = call(app, Method::PUT, &bpath, Some(&finance), Some(&bad), None).await;
        assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    }
    let r = call(app, Method::PUT, &bpath, Some(&finance), Some(&decision), None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = call(app, Method::GET, "/evaluation-years/2019/summary", Some(&finance), None, None).await;
    let lines = r.body["recommendations"].as_array().unwrap().clone();
    let l2 = lines.iter().find(|l| l["target_id"] == t2.as_str()).unwrap();
    assert_eq!(
        (l2["recommended"].as_str(), l2["decided"].as_str(), l2["next_year"].as_str()),
        (Some("0.00"), Some("40.00"), Some("40.00"))
    );
    assert_eq!(r.body["next_year_total"], "126.40");

    // A rectification task on the zero-scored evaluation: the department sees it, and it is overdue.
    let e2 =
        call(app, Method::GET, "/evaluations?fiscal_year=2019&status=zero_scored", Some(&finance), None, None).await;
    let e2 = e2.body["items"][0]["id"].as_str().unwrap().to_owned();
    let task = json!({ "problem": "未按要求开展绩效自评", "requirement": "补报2019年绩效自评报告并说明原因", "due": "2020-01-31" });
    let r = call(app, Method::POST, &format!("/evaluations/{e2}/rectifications"), Some(&b), Some(&task), None).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden"); // B reads its own evaluation but raises no tasks
    let r =
        call(app, Method::POST, &format!("/evaluations/{e2}/rectifications"), Some(&finance), Some(&task), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!((r.body["evaluation_id"].as_str(), r.body["report_id"].clone()), (Some(e2.as_str()), Value::Null));
    let r = call(app, Method::GET, "/monitoring/rectifications?overdue=true", Some(&b), None, None).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "{}", r.body);
    assert_eq!(
        (r.body["items"][0]["overdue"].as_bool(), r.body["items"][0]["problem"].as_str()),
        (Some(true), Some("未按要求开展绩效自评"))
    );
    let r = call(app, Method::GET, "/monitoring/rectifications?overdue=true", Some(&a), None, None).await;
    assert_eq!(r.body["items"], json!([]));
    let r = call(app, Method::GET, &format!("/evaluations/{e2}"), Some(&b), None, None).await;
    assert_eq!(r.body["rectifications"].as_array().unwrap().len(), 1);
    let r = call(app, Method::POST, &format!("{path}/rectifications"), Some(&finance), Some(&task), None).await;
    assert_eq!(r.status, 201, "a filed evaluation takes tasks too");

    // Published results: no token, final scores only, never a classified target.
    let r = call(app, Method::GET, "/public/results?fiscal_year=2019", None, None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let p1 = items.iter().find(|i| i["target_id"] == t1.as_str()).unwrap();
    assert_eq!(
        (p1["final_score"].as_str(), p1["grade"].as_str(), p1["zero_score"].as_bool()),
        (Some("94.19"), Some("excellent"), Some(false))
    );
    assert!(p1.get("document").is_none() && p1.get("report").is_none());
    let r = call(app, Method::GET, "/public/results?limit=1", None, None, None).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert!(r.body["next_cursor"].is_string());
}

/// Uploads `bytes` as an evidence file named `name`.
async fn upload(app: &TestApp, token: &str, id: &str, name: &str, bytes: &[u8]) -> crate::helpers::Reply {
    let url = app.url(&format!("/api/v1/evaluations/{id}/evidence"));
    let req = app
        .client
        .post(url)
        .query(&[("name", name)])
        .unwrap()
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("content-type", "application/octet-stream"));
    let (status, headers, body) = crate::helpers::send(req, Some(bytes)).await;
    crate::helpers::Reply { status, etag: None, body, headers }
}

/// Downloads an evidence file: (status, headers, bytes).
async fn download(app: &TestApp, token: Option<&str>, path: &str) -> (u16, awc::http::header::HeaderMap, Vec<u8>) {
    let mut req = app.client.get(app.url(&format!("/api/v1{path}")));
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    let mut res = req.send().await.expect("sent");
    let bytes = res.body().limit(32 * 1024 * 1024).await.expect("body").to_vec();
    (res.status().as_u16(), res.headers().clone(), bytes)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A filled, submitted and filed self-evaluation of `target` (its department `dept`).
async fn filed(app: &TestApp, dept: &str, finance: &str, target: &str) -> String {
    let r = call(app, Method::POST, "/evaluations", Some(dept), Some(&json!({ "target_id": target })), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let doc = fixture("evaluations/orphan-clothing-2019.json")["evaluation"].clone();
    let r = call(app, Method::PUT, &format!("/evaluations/{id}"), Some(dept), Some(&doc), r.etag.as_deref()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call(app, Method::POST, &format!("/evaluations/{id}/submit"), Some(dept), None, r.etag.as_deref()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let file = json!({ "decision": "file" });
    let r =
        call(app, Method::POST, &format!("/evaluations/{id}/decision"), Some(finance), Some(&file), r.etag.as_deref())
            .await;
    assert_eq!(r.status, 200, "{}", r.body);
    id
}

/// Evidence files (type, size, checksum, who sees them, never public), re-evaluation by an
/// assigned third-party assessor, the year's deadline, the department as a whole, and the
/// as-of material read from the audit trail.
pub async fn evidence_assessors_deadline_and_as_of(app: &TestApp) {
    let a = app.token(Role::Department, Some("101"), None).await;
    let b = app.token(Role::Department, Some("102"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let jia = app.token(Role::Assessor, None, Some("甲所")).await;
    let yi = app.token(Role::Assessor, None, Some("乙所")).await;
    let t1 = approved(app, &a, &finance, "101", "2019年孤儿被装购置费").await;

    // --- Evidence on a draft: only the department attaches; kinds, sizes and duplicates checked.
    let r = call(app, Method::POST, "/evaluations", Some(&a), Some(&json!({ "target_id": t1 })), None).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let pdf = jixiao_demo::evaluation::evidence_pdf("acceptance report");
    let r = upload(app, &a, &id, "验收报告.pdf", &pdf).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (r.body["sha256"].as_str(), r.body["size_bytes"].as_u64(), r.body["media_type"].as_str()),
        (Some(sha256_hex(&pdf).as_str()), Some(pdf.len() as u64), Some("application/pdf"))
    );
    let file_id = r.body["id"].as_str().unwrap().to_owned();
    let r = upload(app, &a, &id, "副本.pdf", &pdf).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");
    let r = upload(app, &a, &id, "setup.exe", b"MZ\x90\x00").await;
    assert_problem(r.status, &r.headers, &r.body, 415, "unsupported-file");
    let r = upload(app, &a, &id, "改名.pdf", b"MZ\x90\x00 not a pdf").await;
    assert_problem(r.status, &r.headers, &r.body, 415, "unsupported-file");
    let r = upload(app, &a, &id, "空.pdf", b"").await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-file");
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let r = upload(app, &a, &id, "大.pdf", &big).await;
    assert_problem(r.status, &r.headers, &r.body, 413, "payload-too-large");
    let png = b"\x89PNG\r\n\x1a\n rest of a scan";
    for (who, token, want) in [("B", &b, 404), ("finance", &finance, 403), ("assessor", &jia, 404)] {
        let r = upload(app, token, &id, "照片.png", png).await;
        assert_eq!(r.status, want, "{who}: {}", r.body);
    }
    let r = upload(app, &a, &id, "现场照片.png", png).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let png_id = r.body["id"].as_str().unwrap().to_owned();
    let r = call(app, Method::GET, &format!("/evaluations/{id}/evidence"), Some(&a), None, None).await;
    assert_eq!(r.body.as_array().unwrap().len(), 2, "{}", r.body);
    let r = call(app, Method::DELETE, &format!("/evaluations/{id}/evidence/{png_id}"), Some(&b), None, None).await;
    assert_eq!(r.status, 404);
    let r = call(app, Method::DELETE, &format!("/evaluations/{id}/evidence/{png_id}"), Some(&a), None, None).await;
    assert_eq!(r.status, 204, "{}", r.body);

    // Download: the bytes as stored, their checksum as ETag; B and unassigned assessors see nothing.
    let fpath = format!("/evaluations/{id}/evidence/{file_id}");
    let (status, headers, bytes) = download(app, Some(&finance), &fpath).await;
    assert_eq!(status, 200);
    assert_eq!(sha256_hex(&bytes), sha256_hex(&pdf));
    assert_eq!(headers.get("etag").unwrap().to_str().unwrap(), format!("\"{}\"", sha256_hex(&pdf)));
    assert_eq!(headers.get("content-type").unwrap(), "application/pdf");
    assert!(headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment"));
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
    for (who, token) in [("B", Some(&b)), ("assessor", Some(&jia)), ("anonymous", None)] {
        let (status, ..) = download(app, token.map(String::as_str), &fpath).await;
        assert!(status == 404 || (token.is_none() && status == 401), "{who}: {status}");
    }

    // --- Filing, then re-evaluation by an assigned assessor.
    let doc = fixture("evaluations/orphan-clothing-2019.json")["evaluation"].clone();
    let r = call(app, Method::GET, &format!("/evaluations/{id}"), Some(&a), None, None).await;
    let r = call(app, Method::PUT, &format!("/evaluations/{id}"), Some(&a), Some(&doc), r.etag.as_deref()).await;
    let r = call(app, Method::POST, &format!("/evaluations/{id}/submit"), Some(&a), None, r.etag.as_deref()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let etag = r.etag.unwrap();
    let r = upload(app, &a, &id, "迟交.png", png).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");
    let assign = json!({ "organisation": "甲所" });
    let apath = format!("/evaluations/{id}/assignments");
    let r = call(app, Method::POST, &apath, Some(&finance), Some(&assign), None).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict"); // not filed yet
    let file = json!({ "decision": "file" });
    let r =
        call(app, Method::POST, &format!("/evaluations/{id}/decision"), Some(&finance), Some(&file), Some(&etag)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call(app, Method::POST, &apath, Some(&a), Some(&assign), None).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    let r = call(app, Method::POST, &apath, Some(&finance), Some(&json!({ "organisation": " " })), None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    let r = call(app, Method::POST, &apath, Some(&finance), Some(&assign), None).await;
    assert_eq!((r.status, r.body["organisation"].as_str()), (201, Some("甲所")), "{}", r.body);
    let r = call(app, Method::POST, &apath, Some(&finance), Some(&assign), None).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");

    let mut re = doc.clone();
    re["results"][9]["override"] = json!({ "score": "7", "reason": "回访样本满意度 85%" });
    let body = json!({ "evaluation": re, "reason": "受托复评" });
    let rpath = format!("/evaluations/{id}/re-evaluations");
    let r = call(app, Method::POST, &rpath, Some(&yi), Some(&body), None).await;
    assert_eq!(r.status, 404, "another organisation sees nothing: {}", r.body);
    let r = call(app, Method::GET, &format!("/evaluations/{id}"), Some(&yi), None, None).await;
    assert_eq!(r.status, 404);
    let r = call(app, Method::GET, "/evaluations", Some(&yi), None, None).await;
    assert_eq!((r.status, r.body["items"].clone()), (200, json!([])));
    let r = call(app, Method::GET, "/evaluations", Some(&jia), None, None).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "{}", r.body);
    let r = call(app, Method::GET, &format!("/evaluations/{id}"), Some(&jia), None, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["evidence"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["profile"], "artux-2018", "the assessor previews with the target's own profile");
    let (status, ..) = download(app, Some(&jia), &fpath).await;
    assert_eq!(status, 200, "the assigned assessor reads the evidence");
    let r = call(app, Method::POST, &format!("/evaluations/{id}/decision"), Some(&jia), Some(&file), Some(&etag)).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    let r = call(app, Method::POST, &rpath, Some(&jia), Some(&body), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let last = &r.body["re_evaluations"][0];
    assert_eq!(
        (last["author_role"].as_str(), last["organisation"].as_str(), r.body["final_total"].as_str()),
        (Some("assessor"), Some("甲所"), Some("95.19"))
    );
    assert_eq!(r.body["total"], "98.19", "the department's score stays beside it");
    let r = call(app, Method::GET, "/public/results?fiscal_year=2019", None, None, None).await;
    assert!(!r.body.to_string().contains("evidence") && !r.body.to_string().contains(&file_id), "{}", r.body);

    // --- The department as a whole (部门整体) is self-evaluated like a project.
    let mut whole = fixture("evaluations/orphan-clothing-2019.json")["target"].clone();
    whole["kind"] = json!("department");
    whole.as_object_mut().unwrap().remove("project");
    whole["department"]["code"] = json!("102");
    let tw = crate::helpers::approved(app, &b, &finance, &whole).await;
    let ew = filed(app, &b, &finance, &tw).await;
    let r = call(app, Method::GET, &format!("/evaluations/{ew}"), Some(&b), None, None).await;
    assert_eq!(
        (r.body["final_total"].as_str(), r.body["target"]["kind"].as_str()),
        (Some("98.19"), Some("department"))
    );

    // --- The deadline: closing before it is refused; after it, the year closes.
    let dpath = "/evaluation-years/2019/deadline";
    let r = call(app, Method::PUT, dpath, Some(&a), Some(&json!({ "deadline": "2019-12-20" })), None).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    let r = call(app, Method::PUT, dpath, Some(&finance), Some(&json!({ "deadline": "2019-02-30" })), None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-body");
    let r = call(app, Method::PUT, dpath, Some(&finance), Some(&json!({ "deadline": "2999-12-20" })), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call(app, Method::POST, "/evaluation-years/2019/close", Some(&finance), None, None).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");
    let r = call(app, Method::GET, "/evaluation-years/2019/summary", Some(&finance), None, None).await;
    assert_eq!((r.body["deadline"].as_str(), r.body["closed"].as_bool()), (Some("2999-12-20"), Some(false)));

    // --- As of a date: replayed from the audit trail, not today's state.
    let ppath = |d: &str| format!("/evaluation-years/2019/progress?as_of={d}");
    let r = call(app, Method::GET, &ppath("2019-06-30"), Some(&a), None, None).await;
    assert_problem(r.status, &r.headers, &r.body, 403, "forbidden");
    let r = call(app, Method::GET, &ppath("30/06/2019"), Some(&finance), None, None).await;
    assert_problem(r.status, &r.headers, &r.body, 400, "invalid-parameter");
    let past = call(app, Method::GET, &ppath("2019-06-30"), Some(&finance), None, None).await;
    assert_eq!(past.status, 200, "{}", past.body);
    assert_eq!(past.body["review"]["declared"], 0, "nothing existed then: {}", past.body);
    assert_eq!(past.body["evaluation"]["started"], 0);
    let now = call(app, Method::GET, "/evaluation-years/2019/progress", Some(&finance), None, None).await;
    assert_eq!(now.status, 200, "{}", now.body);
    assert_eq!(
        (now.body["review"]["declared"].as_i64(), now.body["review"]["approved"].as_i64()),
        (Some(2), Some(2)),
        "{}",
        now.body
    );
    assert_eq!(
        (now.body["evaluation"]["filed"].as_i64(), now.body["evaluation"]["re_evaluated"].as_i64()),
        (Some(2), Some(1)),
        "{}",
        now.body
    );
    let r = call(app, Method::PUT, dpath, Some(&finance), Some(&json!({ "deadline": "2019-12-20" })), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call(app, Method::POST, "/evaluation-years/2019/close", Some(&finance), None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call(app, Method::PUT, dpath, Some(&finance), Some(&json!({ "deadline": "2020-01-20" })), None).await;
    assert_problem(r.status, &r.headers, &r.body, 409, "conflict");
}

crate::both_backends!(evaluation_workflow_close_and_summary, evidence_assessors_deadline_and_as_of);
