//! Excel in and out over HTTP: the three national forms and the bureau workbook as xlsx
//! downloads (Chinese file name as RFC 5987 `filename*`, the same visibility as the data),
//! and `POST /targets/import`: the exported form read back to the same document, a form
//! with mistakes giving violations with cells, and bad files as problems (nothing stored).

use std::io::Cursor;

use awc::http::Method;
use calamine::Reader;
use jixiao_server::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, approved, assert_problem, call, fixture};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// GET with a token; the raw bytes and headers.
async fn download(app: &TestApp, path: &str, token: Option<&str>) -> (u16, awc::http::header::HeaderMap, Vec<u8>) {
    let mut req = app.client.get(app.url(&format!("/api/v1{path}")));
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    let mut res = req.send().await.expect("sent");
    let bytes = res.body().limit(64 * 1024 * 1024).await.expect("body").to_vec();
    (res.status().as_u16(), res.headers().clone(), bytes)
}

/// POST raw bytes to the import route.
async fn upload(
    app: &TestApp,
    token: &str,
    content_type: &str,
    bytes: Vec<u8>,
    query: &str,
) -> (u16, awc::http::header::HeaderMap, Value) {
    let req = app
        .client
        .post(app.url(&format!("/api/v1/targets/import{query}")))
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("content-type", content_type.to_owned()));
    crate::helpers::send(req, Some(&bytes)).await
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    let wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx");
    wb.sheet_names()
}

fn assert_xlsx(status: u16, headers: &awc::http::header::HeaderMap, bytes: &[u8], name_part: &str) {
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(bytes));
    assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some(XLSX));
    let cd = headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(cd.starts_with("attachment"), "{cd}");
    assert!(cd.contains("filename*=UTF-8''"), "{cd}");
    let value = cd.split("filename*=UTF-8''").nth(1).unwrap_or("");
    assert!(percent_decode(value).contains(name_part), "{cd} should name {name_part}");
    assert!(bytes.starts_with(b"PK"), "not a zip");
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(x) = u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or(""), 16)
        {
            out.push(x);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The 申报表 downloads for who may read the target, and reads back to the same document.
pub async fn target_form_round_trip(app: &TestApp) {
    let a = app.token(Role::Department, Some("101"), None).await;
    let b = app.token(Role::Department, Some("102"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let doc = fixture("targets/orphan-clothing-valid.json")["document"].clone();
    let r = call(app, Method::POST, "/targets", Some(&a), Some(&doc), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let path = format!("/targets/{id}/xlsx");

    let (s, h, bytes) = download(app, &path, Some(&a)).await;
    assert_xlsx(s, &h, &bytes, "项目支出绩效目标申报表-2019年孤儿被装购置费");
    assert_eq!(sheet_names(&bytes), vec!["申报表", "校验结果"]);
    let (s, _, _) = download(app, &path, Some(&finance)).await;
    assert_eq!(s, 200, "finance reads every target");
    let (s, _, body) = download(app, &path, Some(&b)).await;
    assert_eq!(s, 404, "another department's target does not exist: {}", String::from_utf8_lossy(&body));
    let (s, _, _) = download(app, &path, None).await;
    assert_eq!(s, 401);
    let (s, _, _) = download(app, "/targets/not-an-id/xlsx", Some(&a)).await;
    assert_eq!(s, 404);

    // Upload it back: the same document, valid, nothing stored.
    let before = call(app, Method::GET, "/targets", Some(&a), None, None).await.body["items"].as_array().unwrap().len();
    let (s, _, got) = upload(app, &a, XLSX, bytes.clone(), "").await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got["valid"], true, "{got}");
    assert_eq!(got["sheet"], "申报表");
    assert_eq!(got["document"]["indicators"], doc["indicators"]);
    assert_eq!(got["document"]["funds"]["sources"], doc["funds"]["sources"]);
    assert_eq!(got["document"]["project"], doc["project"]);
    assert_eq!(got["document"]["goals"]["annual"], doc["goals"]["annual"]);
    let after = call(app, Method::GET, "/targets", Some(&a), None, None).await.body["items"].as_array().unwrap().len();
    assert_eq!(before, after, "import stores nothing");
    // The imported document can be filed as it is.
    let r = call(app, Method::POST, "/targets", Some(&a), Some(&got["document"]), None).await;
    assert_eq!((r.status, r.body["valid"].as_bool()), (201, Some(true)), "{}", r.body);
}

/// A 申报表 with mistakes: every violation names its cell beside its pointer.
pub async fn import_violations_have_cells(app: &TestApp) {
    let a = app.token(Role::Department, Some("101"), None).await;
    let doc = fixture("targets/indicator-field-errors.json")["document"].as_object().unwrap().clone();
    let profile = jixiao_rules::Registry::builtin().profile("artux-2018").unwrap();
    let bytes = jixiao_sheets::target::export(&doc, profile, jixiao_rules::Locale::ZhCn).unwrap().bytes;
    let (s, _, got) = upload(app, &a, "application/octet-stream", bytes, "?locale=en").await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got["valid"], false);
    let found: Vec<(String, String, String)> = got["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap().into(),
                v["path"].as_str().unwrap().into(),
                v["cell"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    let want = [
        ("IND_UNIT_REQUIRED", "/indicators/1/unit", "申报表!G17"),
        ("IND_VALUE_PLACEHOLDER", "/indicators/2/value", "申报表!F18"),
        ("IND_OPERATOR_INVALID", "/indicators/3/operator", "申报表!E19"),
        ("IND_OPERATOR_INVALID", "/indicators/7/operator", "申报表!E23"),
    ];
    let want: Vec<(String, String, String)> =
        want.iter().map(|(a, b, c)| ((*a).into(), (*b).into(), (*c).into())).collect();
    assert_eq!(found, want);
    assert!(got["violations"][0]["message"].as_str().unwrap().is_ascii(), "?locale=en: {}", got["violations"][0]);
}

/// Files that are not a 申报表: problems, nothing stored.
pub async fn import_refuses_bad_files(app: &TestApp) {
    let a = app.token(Role::Department, Some("101"), None).await;
    let (s, h, b) = upload(app, &a, XLSX, b"this is not a spreadsheet at all".to_vec(), "").await;
    assert_problem(s, &h, &b, 415, "unsupported-file");
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut w, b"hello").unwrap();
    let zip = w.finish().unwrap().into_inner();
    let (s, h, b) = upload(app, &a, XLSX, zip, "").await;
    assert_problem(s, &h, &b, 415, "unsupported-file");
    let (s, h, b) = upload(app, &a, XLSX, Vec::new(), "").await;
    assert_problem(s, &h, &b, 400, "invalid-file");
    let (s, h, b) = upload(app, &a, XLSX, vec![b'P'; 10 * 1024 * 1024 + 1], "").await;
    assert_problem(s, &h, &b, 413, "payload-too-large");
    let encrypted =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sheets/tests/data/encrypted.xlsx"))
            .unwrap();
    let (s, h, b) = upload(app, &a, XLSX, encrypted, "").await;
    assert_problem(s, &h, &b, 422, "unreadable-file");
    assert!(b["detail"].as_str().unwrap().contains("password"), "{b}");
    let (s, h, b) = upload(app, &a, "multipart/form-data; boundary=x", b"--x--".to_vec(), "").await;
    assert_problem(s, &h, &b, 415, "unsupported-file");
    let (s, h, b) = upload(app, &a, XLSX, b"PK".to_vec(), "?profile=nope").await;
    assert_problem(s, &h, &b, 400, "unknown-profile");
    let req = app.client.post(app.url("/api/v1/targets/import")).insert_header(("content-type", XLSX));
    let (s, _, _) = crate::helpers::send(req, Some(b"PK")).await;
    assert_eq!(s, 401);
}

/// The 执行监控表 and the 自评表 download for who may read them; the bureau workbook for
/// finance only.
pub async fn report_evaluation_and_workbook(app: &TestApp) {
    let a = app.token(Role::Department, Some("101"), None).await;
    let b = app.token(Role::Department, Some("102"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let doc = fixture("evaluations/orphan-clothing-2019.json")["target"].clone();
    let target = approved(app, &a, &finance, &doc).await;

    let round = json!({ "fiscal_year": 2019, "through_month": 9, "deadline": "2019-10-10" });
    let r = call(app, Method::POST, "/monitoring/rounds", Some(&finance), Some(&round), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let round_id = r.body["id"].as_str().unwrap().to_owned();
    let r = call(
        app,
        Method::POST,
        "/monitoring/reports",
        Some(&a),
        Some(&json!({ "round_id": round_id, "target_id": target })),
        None,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let report = r.body["id"].as_str().unwrap().to_owned();
    let (s, h, bytes) = download(app, &format!("/monitoring/reports/{report}/xlsx"), Some(&a)).await;
    assert_xlsx(s, &h, &bytes, "项目支出绩效目标执行监控表（1-9月）");
    assert_eq!(sheet_names(&bytes), vec!["监控表", "校验结果"]);
    let (s, _, _) = download(app, &format!("/monitoring/reports/{report}/xlsx"), Some(&b)).await;
    assert_eq!(s, 404);

    let r = call(app, Method::POST, "/evaluations", Some(&a), Some(&json!({ "target_id": target })), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let eval = r.body["id"].as_str().unwrap().to_owned();
    let (s, h, bytes) = download(app, &format!("/evaluations/{eval}/xlsx"), Some(&a)).await;
    assert_xlsx(s, &h, &bytes, "项目支出绩效自评表");
    assert_eq!(sheet_names(&bytes), vec!["自评表", "校验结果"]);
    let (s, _, _) = download(app, &format!("/evaluations/{eval}/xlsx"), Some(&b)).await;
    assert_eq!(s, 404);

    let (s, h, bytes) = download(app, "/workbooks/2019", Some(&finance)).await;
    assert_xlsx(s, &h, &bytes, "2019年度预算绩效管理工作簿");
    assert_eq!(sheet_names(&bytes), vec!["汇总", "绩效目标", "运行监控", "绩效自评"]);
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
    let t = wb.worksheet_range("绩效目标").unwrap();
    assert_eq!(t.get_value((2, 4)), Some(&calamine::Data::String("2019年孤儿被装购置费".into())));
    assert_eq!(t.get_value((2, 7)), Some(&calamine::Data::String("已批复".into())));
    assert_eq!(t.get_value((2, 8)), Some(&calamine::Data::String("良".into())));
    let m = wb.worksheet_range("运行监控").unwrap();
    assert_eq!(m.get_value((2, 3)), Some(&calamine::Data::String("1-9月".into())));
    let (s, h, body) = download(app, "/workbooks/2019", Some(&a)).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_problem(s, &h, &body, 403, "forbidden");
    let (s, h, body) = download(app, "/workbooks/2019?through_month=13", Some(&finance)).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_problem(s, &h, &body, 400, "invalid-parameter");
    let (s, _, bytes) = download(app, "/workbooks/2019?through_month=9", Some(&finance)).await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&bytes));
}

crate::both_backends!(
    target_form_round_trip,
    import_violations_have_cells,
    import_refuses_bad_files,
    report_evaluation_and_workbook
);
