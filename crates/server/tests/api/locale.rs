//! Problems speak the request's language: `?locale=`, else `Accept-Language`, else English.
//! One table of requests provokes every kind of problem the API gives (the edge, the
//! extractors, the schema checks, the stages' use cases, the review rules, the framework's
//! own statuses); each is sent in Chinese, in English and with `?locale=en` over a Chinese
//! header. In Chinese no `title`, `detail` or `errors[].message` may hold an English
//! sentence (three English words in a row; identifiers, codes and numbers are fine).

use awc::http::Method;
use jixiao_server::auth::Role;
use regex::Regex;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, call, fixture, send};

/// One request and the problem it provokes.
struct Probe {
    name: &'static str,
    method: Method,
    path: String,
    token: Option<String>,
    content_type: Option<&'static str>,
    body: Option<Vec<u8>>,
    if_match: Option<String>,
    status: u16,
    slug: &'static str,
}

fn probe(name: &'static str, method: Method, path: impl Into<String>, status: u16, slug: &'static str) -> Probe {
    Probe { name, method, path: path.into(), token: None, content_type: None, body: None, if_match: None, status, slug }
}

impl Probe {
    fn token(mut self, t: &str) -> Probe {
        self.token = Some(t.to_owned());
        self
    }

    fn json(mut self, body: &Value) -> Probe {
        self.content_type = Some("application/json");
        self.body = Some(body.to_string().into_bytes());
        self
    }

    fn raw(mut self, content_type: &'static str, body: &[u8]) -> Probe {
        self.content_type = Some(content_type);
        self.body = Some(body.to_vec());
        self
    }

    fn if_match(mut self, etag: &str) -> Probe {
        self.if_match = Some(etag.to_owned());
        self
    }

    /// Sends it with an `Accept-Language` header (if any) and `extra` query parameters.
    async fn send(
        &self,
        app: &TestApp,
        accept_language: Option<&str>,
        extra: &str,
    ) -> (u16, awc::http::header::HeaderMap, Value) {
        let sep = if self.path.contains('?') { '&' } else { '?' };
        let path = if extra.is_empty() { self.path.clone() } else { format!("{}{sep}{extra}", self.path) };
        let mut req = app.client.request(self.method.clone(), app.url(&path));
        if let Some(l) = accept_language {
            req = req.insert_header(("accept-language", l));
        }
        if let Some(t) = &self.token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        if let Some(ct) = self.content_type {
            req = req.insert_header(("content-type", ct));
        }
        if let Some(m) = &self.if_match {
            req = req.insert_header(("if-match", m.clone()));
        }
        send(req, self.body.as_deref()).await
    }
}

/// The texts of a problem people read: title, detail and each field error's message.
fn texts(body: &Value) -> Vec<String> {
    let mut out: Vec<String> =
        ["title", "detail"].iter().filter_map(|k| body[*k].as_str()).map(str::to_owned).collect();
    if let Some(errors) = body["errors"].as_array() {
        out.extend(errors.iter().filter_map(|e| e["message"].as_str()).map(str::to_owned));
    }
    out
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn header<'h>(headers: &'h awc::http::header::HeaderMap, name: &str) -> &'h str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// A target of department 101 through review to approval; its id.
async fn approved_target(app: &TestApp, dept: &str, finance: &str) -> String {
    let doc = fixture("evaluations/orphan-clothing-2019.json")["target"].clone();
    crate::helpers::approved(app, dept, finance, &doc).await
}

/// Every kind of problem, in Chinese, in English, and with `?locale=en` over Chinese.
async fn problems_speak_the_requests_language(app: &TestApp) {
    let dept = app.token(Role::Department, Some("101"), None).await;
    let finance = app.token(Role::Finance, None, None).await;
    let admin = app.token(Role::Admin, None, None).await;
    let english = Regex::new("[A-Za-z]+[ ,][A-Za-z]+ [A-Za-z]+").unwrap();

    // A draft (for 412/428), a submitted target (409, the review's 422), a draft with rule
    // errors (422 violations) and a draft self-evaluation (its 415, 400, 403 and 422).
    let doc = fixture("targets/orphan-clothing-valid.json")["document"].clone();
    let r = call(app, Method::POST, "/targets", Some(&dept), Some(&doc), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let draft = r.body["id"].as_str().unwrap().to_owned();
    let r = call(app, Method::POST, "/targets", Some(&dept), Some(&doc), None).await;
    let submitted = r.body["id"].as_str().unwrap().to_owned();
    let r = call(app, Method::POST, &format!("/targets/{submitted}/submit"), Some(&dept), None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r =
        call(app, Method::POST, "/targets", Some(&dept), Some(&json!({ "department": { "code": "101" } })), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let invalid = r.body["id"].as_str().unwrap().to_owned();
    let approved = approved_target(app, &dept, &finance).await;
    let r = call(app, Method::POST, "/evaluations", Some(&dept), Some(&json!({ "target_id": approved })), None).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let evaluation = r.body["id"].as_str().unwrap().to_owned();
    let evaluation_etag = r.etag.unwrap();

    let huge = format!("{{\"goals\": {{\"annual\": \"{}\"}}}}", "x".repeat(300 * 1024)).into_bytes();
    let probes = vec![
        probe("unknown route", Method::GET, "/api/v1/nope", 404, "not-found"),
        probe("unknown target", Method::GET, "/api/v1/targets/0190f1f0-0000-7000-8000-000000000000", 404, "not-found")
            .token(&finance),
        probe("missing static file", Method::GET, "/nope.js", 404, "not-found"),
        probe("wrong method", Method::DELETE, "/api/v1/check", 405, "method-not-allowed"),
        probe("NUL in the URL", Method::GET, "/api/v1/targets?department=%00", 400, "invalid-parameter")
            .token(&finance),
        probe("bad limit", Method::GET, "/api/v1/targets?limit=0", 400, "invalid-parameter").token(&finance),
        probe("bad cursor", Method::GET, "/api/v1/targets?cursor=abc", 400, "invalid-parameter").token(&finance),
        probe("year not a number", Method::GET, "/api/v1/targets?fiscal_year=abc", 400, "invalid-parameter")
            .token(&finance),
        probe("year out of range", Method::GET, "/api/v1/targets?fiscal_year=1999", 400, "invalid-parameter")
            .token(&finance),
        probe("unknown locale", Method::POST, "/api/v1/check?locale=fr", 400, "invalid-parameter").json(&json!({})),
        probe("unknown profile", Method::POST, "/api/v1/check?profile=nope", 400, "unknown-profile").json(&json!({})),
        probe("malformed JSON", Method::POST, "/api/v1/check", 400, "malformed-json")
            .raw("application/json", b"{\"kind\": "),
        probe("not JSON at all", Method::POST, "/api/v1/check", 400, "malformed-json")
            .raw("application/json", b"not json"),
        probe("not an object", Method::POST, "/api/v1/check", 400, "not-an-object").raw("application/json", b"[]"),
        probe("wrong content type", Method::POST, "/api/v1/check", 400, "content-type").raw("text/plain", b"{}"),
        probe("too large", Method::POST, "/api/v1/check", 413, "payload-too-large").raw("application/json", &huge),
        probe("schema: required, enum", Method::POST, "/api/v1/tokens", 400, "invalid-body")
            .token(&admin)
            .json(&json!({ "role": "boss", "extra": 1 })),
        probe("schema: type", Method::POST, "/api/v1/tokens", 400, "invalid-body")
            .token(&admin)
            .json(&json!({ "name": 5, "role": "finance" })),
        probe("token scope", Method::POST, "/api/v1/tokens", 400, "invalid-body")
            .token(&admin)
            .json(&json!({ "name": "x", "role": "department" })),
        probe("score envelope", Method::POST, "/api/v1/score", 400, "invalid-body").json(&json!({ "target": {} })),
        probe("NUL in the body", Method::POST, "/api/v1/check", 400, "invalid-body")
            .json(&json!({ "project": { "name": "孤儿\u{0}被装" } })),
        probe("no token", Method::GET, "/api/v1/targets", 401, "unauthorized"),
        probe("unknown token", Method::GET, "/api/v1/targets", 401, "unauthorized").token("jx_nope"),
        probe("finance cannot create", Method::POST, "/api/v1/targets", 403, "forbidden")
            .token(&finance)
            .json(&json!({})),
        probe(
            "lifecycle: finance may not submit",
            Method::POST,
            format!("/api/v1/evaluations/{evaluation}/submit"),
            403,
            "forbidden",
        )
        .token(&finance)
        .if_match(&evaluation_etag),
        probe("departments have no assignments", Method::GET, "/api/v1/assignments", 403, "forbidden").token(&dept),
        probe("submitted cannot be deleted", Method::DELETE, format!("/api/v1/targets/{submitted}"), 409, "conflict")
            .token(&dept),
        probe(
            "submitted cannot be submitted",
            Method::POST,
            format!("/api/v1/targets/{submitted}/submit"),
            409,
            "conflict",
        )
        .token(&dept),
        probe("the target has an evaluation", Method::POST, "/api/v1/evaluations", 409, "conflict")
            .token(&dept)
            .json(&json!({ "target_id": approved })),
        probe("stale If-Match", Method::PUT, format!("/api/v1/targets/{draft}"), 412, "precondition-failed")
            .token(&dept)
            .json(&doc)
            .if_match("\"stale\""),
        probe("no If-Match", Method::PUT, format!("/api/v1/targets/{draft}"), 428, "precondition-required")
            .token(&dept)
            .json(&doc),
        probe("weak If-Match", Method::PUT, format!("/api/v1/targets/{draft}"), 412, "precondition-failed")
            .token(&dept)
            .json(&doc)
            .if_match("W/\"x\""),
        probe("target violations", Method::POST, format!("/api/v1/targets/{invalid}/submit"), 422, "violations")
            .token(&dept),
        probe(
            "evaluation violations",
            Method::POST,
            format!("/api/v1/evaluations/{evaluation}/submit"),
            422,
            "violations",
        )
        .token(&dept)
        .if_match(&evaluation_etag),
        probe(
            "review refusal",
            Method::POST,
            format!("/api/v1/targets/{submitted}/review"),
            422,
            "review-opinion-required",
        )
        .token(&finance)
        .json(&json!({ "decision": "return", "grade": "fair" })),
        probe(
            "review refusal: grade",
            Method::POST,
            format!("/api/v1/targets/{submitted}/review"),
            422,
            "review-grade-requires-return",
        )
        .token(&finance)
        .json(&json!({ "decision": "approve", "grade": "fair", "approved_amount": "80.00" })),
        probe(
            "evidence type",
            Method::POST,
            format!("/api/v1/evaluations/{evaluation}/evidence?name=setup.exe"),
            415,
            "unsupported-file",
        )
        .token(&dept)
        .raw("application/octet-stream", b"MZ\x90\x00"),
        probe(
            "empty evidence",
            Method::POST,
            format!("/api/v1/evaluations/{evaluation}/evidence?name=a.pdf"),
            400,
            "invalid-file",
        )
        .token(&dept)
        .raw("application/octet-stream", b""),
    ];
    for p in &probes {
        let ctx = p.name;
        let (status, headers, zh) = p.send(app, Some("zh-CN,zh;q=0.9,en;q=0.8"), "").await;
        assert_problem(status, &headers, &zh, p.status, p.slug);
        assert_eq!(header(&headers, "content-language"), "zh-CN", "{ctx}");
        assert!(header(&headers, "vary").to_ascii_lowercase().contains("accept-language"), "{ctx}: {headers:?}");
        let zh_texts = texts(&zh);
        assert!(zh["title"].is_string(), "{ctx}: {zh}");
        for t in &zh_texts {
            assert!(has_cjk(t), "{ctx}: no Chinese in {t:?}: {zh}");
            assert!(!english.is_match(t), "{ctx}: English in {t:?}: {zh}");
        }

        let (status, headers, en) = p.send(app, Some("en-GB,en;q=0.9"), "").await;
        assert_eq!(status, p.status, "{ctx}: {en}");
        assert_eq!(header(&headers, "content-language"), "en", "{ctx}");
        assert_eq!(en["type"], zh["type"], "{ctx}");
        assert_eq!(texts(&en).len(), zh_texts.len(), "{ctx}: {en} / {zh}");
        for t in texts(&en) {
            assert!(!has_cjk(&t), "{ctx}: Chinese in {t:?}: {en}");
        }

        // No header at all: English, as before.
        let (_, headers, none) = p.send(app, None, "").await;
        assert_eq!(none["title"], en["title"], "{ctx}");
        assert_eq!(header(&headers, "content-language"), "en", "{ctx}");

        if !p.path.contains("locale=") {
            let (status, headers, over) = p.send(app, Some("zh-CN"), "locale=en").await;
            assert_eq!(status, p.status, "{ctx} with ?locale=en: {over}");
            assert_eq!(header(&headers, "content-language"), "en", "{ctx} with ?locale=en");
            assert_eq!(over["title"], en["title"], "{ctx} with ?locale=en");
            for t in texts(&over) {
                assert!(!has_cjk(&t), "{ctx} with ?locale=en: Chinese in {t:?}: {over}");
            }
            let (_, headers, _) = p.send(app, Some("en"), "locale=zh-CN").await;
            assert_eq!(header(&headers, "content-language"), "zh-CN", "{ctx} with ?locale=zh-CN");
        }
    }

    let find = |name: &str| probes.iter().find(|p| p.name == name).unwrap();
    // Field errors name the field, in Chinese, next to its pointer.
    let (_, _, body) = find("schema: required, enum").send(app, Some("zh-CN"), "").await;
    let messages: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("缺少必填字段") && m.contains("name")), "{body}");
    assert!(messages.iter().any(|m| m.contains("角色") && m.contains("finance")), "{body}");
    assert!(messages.iter().any(|m| m.contains("extra")), "{body}");
    // The review's refusal renders its rule's message in the request's language.
    let refused = find("review refusal");
    let (_, _, zh) = refused.send(app, Some("zh"), "").await;
    assert_eq!(zh["errors"][0]["path"], "/opinion");
    assert!(zh["errors"][0]["message"].as_str().unwrap().contains("审核意见"), "{zh}");
    let (_, _, en) = refused.send(app, Some("en"), "").await;
    assert!(en["errors"][0]["message"].as_str().unwrap().contains("opinion"), "{en}");
    // Violations keep the language of `?locale=` (zh-CN by default), like POST /check.
    let (_, _, en) = find("target violations").send(app, Some("en"), "").await;
    assert!(has_cjk(en["violations"][0]["message"].as_str().unwrap()), "{en}");
    assert!(!has_cjk(en["detail"].as_str().unwrap()), "{en}");
}

/// q-values decide between the two languages; anything else falls back to English.
async fn accept_language_q_values_are_honoured(app: &TestApp) {
    for (accept, want) in [
        ("en;q=0.3, zh-TW;q=0.7", "zh-CN"),
        ("zh-CN;q=0.2, en-US;q=0.9", "en"),
        ("fr-FR, de;q=0.9", "en"),
        ("fr, zh;q=0.1", "zh-CN"),
        ("zh;q=0", "en"),
    ] {
        let req = app.client.get(app.url("/api/v1/nope")).insert_header(("accept-language", accept));
        let (status, headers, body) = send(req, None).await;
        assert_problem(status, &headers, &body, 404, "not-found");
        assert_eq!(header(&headers, "content-language"), want, "{accept}: {body}");
        assert_eq!(has_cjk(body["title"].as_str().unwrap()), want == "zh-CN", "{accept}: {body}");
    }
}

crate::both_backends!(problems_speak_the_requests_language, accept_language_q_values_are_honoured);
