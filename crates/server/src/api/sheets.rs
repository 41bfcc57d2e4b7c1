//! Excel in and out (contract: `SHEETS-API.md`): the national forms of a target, a
//! monitoring report and a self-evaluation as xlsx downloads, the bureau's workbook of a
//! year, and a 申报表 uploaded as xlsx read back into the canonical document with its
//! violations (each with its cell). Handlers are thin: extract, one call into
//! `service::sheets`, shape the answer. Downloads carry the Chinese file name as RFC 5987
//! `filename*` beside an ASCII `filename`.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::{IssuedId, LocaleQuery, PROBLEM, RulesQuery, locale};
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::service::sheets::{self as svc, Download, XLSX};
use crate::state::AppState;
use crate::text;

/// Largest 申报表 accepted by `POST /targets/import` (bytes): 10 MiB.
pub const IMPORT_LIMIT: usize = 10 * 1024 * 1024;

/// Registers the spreadsheet routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_target_xlsx)
        .service(export_report_xlsx)
        .service(export_evaluation_xlsx)
        .service(export_workbook)
        .service(import_target);
}

/// A violation with the cell it is about (FORMATS.md §3 plus the optional `cell`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LocatedViolation {
    /// Stable code.
    #[schema(example = "IND_UNIT_REQUIRED")]
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// JSON Pointer into the document.
    #[schema(example = "/indicators/3/unit")]
    pub path: String,
    /// Numbers and names of the message.
    #[schema(value_type = Object)]
    pub params: Map<String, Value>,
    /// Message in the requested locale.
    pub message: String,
    /// Where to fix it in the spreadsheet, e.g. `申报表!G17` (null when nowhere on the sheet).
    #[schema(example = "申报表!G17")]
    pub cell: Option<String>,
}

/// What an import read: nothing is stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportedTarget {
    /// The canonical target document (FORMATS.md §1), ready for `POST /targets`.
    #[schema(value_type = Object)]
    pub document: Map<String, Value>,
    /// No error-level violation.
    pub valid: bool,
    /// The document's violations under the profile, each with its cell.
    pub violations: Vec<LocatedViolation>,
    /// The sheet the form was read from.
    pub sheet: String,
    /// `万元`, or `元` when amounts were read in 元 and divided by 10,000.
    pub amount_unit: String,
}

impl From<jixiao_sheets::Imported> for ImportedTarget {
    fn from(i: jixiao_sheets::Imported) -> ImportedTarget {
        ImportedTarget {
            document: i.document,
            valid: i.valid,
            violations: i
                .violations
                .into_iter()
                .map(|v| LocatedViolation {
                    code: v.violation.code.as_str().to_owned(),
                    severity: match v.violation.severity {
                        jixiao_rules::Severity::Error => "error".to_owned(),
                        jixiao_rules::Severity::Warning => "warning".to_owned(),
                    },
                    path: v.violation.path,
                    params: v.violation.params,
                    message: v.violation.message,
                    cell: v.cell,
                })
                .collect(),
            sheet: i.sheet,
            amount_unit: i.amount_unit,
        }
    }
}

/// `?through_month=` of the workbook.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkbookQuery {
    /// Only the monitoring round of month N (1–12), and coverage through it; default: the
    /// whole year.
    #[param(minimum = 1, maximum = 12)]
    pub through_month: Option<i32>,
}

/// `Content-Disposition: attachment` with `filename*=UTF-8''…`.
fn attachment(file_name: String) -> ContentDisposition {
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename("jixiao.xlsx".into()),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: file_name.into_bytes(),
            }),
        ],
    }
}

/// The headers of every xlsx download.
fn xlsx_headers(mut builder: actix_web::HttpResponseBuilder, file_name: String) -> actix_web::HttpResponseBuilder {
    builder
        .insert_header((header::CONTENT_TYPE, XLSX))
        .insert_header(attachment(file_name))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    builder
}

/// An xlsx download held in memory (one form).
fn xlsx(d: Download) -> HttpResponse {
    xlsx_headers(HttpResponse::Ok(), d.file_name).body(d.bytes)
}

/// An xlsx download streamed from its file in chunks (the bureau's workbook), with its length.
fn xlsx_file(f: svc::WorkbookFile) -> Result<HttpResponse, ApiError> {
    let len = f.file.metadata().map_err(ApiError::internal)?.len();
    let chunks = futures_util::stream::unfold(Some(f.file), |file| async move {
        let mut file = file?;
        // Each chunk is read on the blocking pool, never on the HTTP worker.
        let read = actix_web::web::block(move || {
            use std::io::Read;
            let mut buf = vec![0u8; 64 * 1024];
            let n = file.read(&mut buf)?;
            buf.truncate(n);
            Ok::<_, std::io::Error>((buf, file))
        })
        .await;
        match read {
            Ok(Ok((buf, _))) if buf.is_empty() => None,
            Ok(Ok((buf, file))) => Some((Ok(actix_web::web::Bytes::from(buf)), Some(file))),
            Ok(Err(e)) => Some((Err(e), None)),
            Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
        }
    });
    Ok(xlsx_headers(HttpResponse::Ok(), f.file_name).body(actix_web::body::SizedStream::new(len, Box::pin(chunks))))
}

/// The target's 项目支出绩效目标申报表 (or 部门整体 form) as xlsx, with its violations on a
/// second sheet (`校验结果`), each at its cell. Who may read the target may download it.
#[utoipa::path(
    tag = "sheets",
    operation_id = "export_target_xlsx",
    params(("id" = String, Path, description = "Target id"), LocaleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The form (xlsx).", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>,
         headers(("Content-Disposition" = String, description = "attachment; filename*=UTF-8''项目支出绩效目标申报表-….xlsx"))),
        (status = 400, description = "Unknown locale.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such target, or not one the caller may see.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/targets/{id}/xlsx")]
pub async fn export_target_xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let d = state.db.read(move |c| svc::target_form(c, &caller, &id, locale, &st.profiles)).await?;
    Ok(xlsx(d))
}

/// The report's 项目支出绩效目标执行监控表 as xlsx (lights, causes ticked, measures), its
/// violations on `校验结果`. Who may read the report may download it.
#[utoipa::path(
    tag = "sheets",
    operation_id = "export_report_xlsx",
    params(("id" = String, Path, description = "Report id"), LocaleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The form (xlsx).", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, description = "Unknown locale.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such report, or not the caller's.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/monitoring/reports/{id}/xlsx")]
pub async fn export_report_xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let d = state.db.read(move |c| svc::report_form(c, &caller, &id, locale, &st.profiles)).await?;
    Ok(xlsx(d))
}

/// The self-evaluation's 项目支出绩效自评表 as xlsx: the latest re-evaluation when there
/// is one, with the formula's score beside each assessor override; else the department's.
#[utoipa::path(
    tag = "sheets",
    operation_id = "export_evaluation_xlsx",
    params(("id" = String, Path, description = "Evaluation id"), LocaleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The form (xlsx).", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, description = "Unknown locale.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Zero-scored: there is no self-evaluation to print.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/evaluations/{id}/xlsx")]
pub async fn export_evaluation_xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<LocaleQuery>,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let locale = locale(q.locale.as_deref())?;
    let st = state.clone();
    let d = state.db.read(move |c| svc::evaluation_form(c, &caller, &id, locale, &st.profiles)).await?;
    Ok(xlsx(d))
}

/// The bureau's workbook of a year (finance, administrators): `汇总` (review counts,
/// monitoring coverage, the evaluation summary and zero scores, next year's budget), then
/// `绩效目标` (review state and grade), `运行监控` (lights, causes, measures) and `绩效自评`
/// (scores, grades, recommendation). The tables are streamed (constant-memory sheets).
#[utoipa::path(
    tag = "sheets",
    operation_id = "export_workbook",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Fiscal year"), WorkbookQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The workbook (xlsx).", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, description = "Year or month out of range.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not finance or an administrator.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/workbooks/{year}")]
pub async fn export_workbook(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
    q: web::Query<WorkbookQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = year.into_inner();
    let month = q.through_month;
    if let Some(m) = month
        && !(1..=12).contains(&m)
    {
        return Err(ApiError::InvalidParameter(text!(
            "截至月份（through_month）须为 1–12，收到的是 {m}",
            "through_month must be 1–12, got {m}"
        )));
    }
    let st = state.clone();
    let f = state.db.read(move |c| svc::workbook(c, &caller, year, month, &st.profiles)).await?;
    xlsx_file(f)
}

/// Reads the body up to `limit`, refusing a larger one as soon as it is seen (413).
async fn read_capped(req: &HttpRequest, mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    let too_large = ApiError::PayloadTooLarge { limit };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large);
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::InvalidFile(text!("文件上传中断，请重新上传", "the upload was interrupted: {e}")))?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Read a 申报表 filled in a spreadsheet program (the layout `GET /targets/{id}/xlsx`
/// writes, or a published variant: merged cells, the indicator tree over rows, 万元 or 元,
/// ≥/≤ in the value cell, full-width digits) into the canonical document and its
/// violations under the profile, each with its cell. The body is the xlsx file itself
/// (`Content-Type` xlsx or `application/octet-stream`); at most 10 MiB. Nothing is stored:
/// send the document to `POST /targets` to file it.
#[utoipa::path(
    tag = "sheets",
    operation_id = "import_target",
    params(RulesQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The xlsx file's bytes (sent as `application/octet-stream` or `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`)."),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The document read and its violations (with cells).", body = ImportedTarget),
        (status = 400, description = "Empty body, unknown profile or locale.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Larger than 10 MiB.", body = Problem, content_type = PROBLEM),
        (status = 415, description = "Not an xlsx spreadsheet (or an old .xls), or sent as multipart.", body = Problem, content_type = PROBLEM),
        (status = 422, description = "A spreadsheet that cannot be read: password protected, a zip bomb, damaged, or without a 申报表.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/targets/import")]
pub async fn import_target(
    state: web::Data<AppState>,
    _caller: Caller,
    q: web::Query<RulesQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if ct.starts_with("multipart/") || ct.starts_with("application/json") || ct.starts_with("text/") {
        return Err(ApiError::UnsupportedFile(text!(
            "请直接以请求体上传 xlsx 文件（Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet）",
            "send the xlsx file itself as the body (Content-Type: {XLSX})"
        )));
    }
    let locale = locale(q.locale.as_deref())?;
    let profile = crate::service::profiles::resolve_async(&state, q.profile.as_deref()).await?;
    let bytes = read_capped(&req, payload, IMPORT_LIMIT).await?;
    let imported =
        web::block(move || svc::import(&bytes, &profile, locale, IMPORT_LIMIT)).await.map_err(ApiError::internal)??;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(ImportedTarget::from(imported)))
}
