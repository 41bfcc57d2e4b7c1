//! Evidence routes of a self-evaluation (佐证材料): upload (the file's bytes as the body, its
//! name in `?name=`), list, download and remove. Never public. Handlers are thin: read the
//! body with a hard size cap, one call into `service::evidence`, shape the answer.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use jixiao_rules::evaluation::evidence::MAX_FILE_BYTES;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::{IssuedId, PROBLEM};
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::service::evidence as svc;
use crate::state::AppState;
use crate::store::evaluation::EvidenceMeta;
use crate::text;

/// Registers the evidence routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload_evidence).service(list_evidence).service(download_evidence).service(delete_evidence);
}

/// An evidence file (佐证材料) without its bytes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Evidence {
    /// Id.
    pub id: String,
    /// The self-evaluation.
    pub evaluation_id: String,
    /// File name as uploaded.
    pub file_name: String,
    /// Media type (from the checked file kind).
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the bytes (hex); the download's `ETag`.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

impl From<EvidenceMeta> for Evidence {
    fn from(m: EvidenceMeta) -> Evidence {
        Evidence {
            id: m.id,
            evaluation_id: m.evaluation_id,
            file_name: m.file_name,
            media_type: m.media_type,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            uploaded_by: m.uploaded_by,
            uploaded_at: m.uploaded_at.and_utc(),
        }
    }
}

/// `?name=` of an upload.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file name, with its extension (.pdf, .ofd, .jpg, .jpeg, .png, .xlsx, .docx, .xls, .doc, .zip).
    #[param(min_length = 1, max_length = 200)]
    pub name: String,
}

/// `{id}/evidence/{file_id}`: both ids this server issued, else 404.
fn file_path(path: web::Path<(String, String)>) -> Result<(String, String), ApiError> {
    let (id, file_id) = path.into_inner();
    Ok((IssuedId::parse(id)?.0, IssuedId::parse(file_id)?.0))
}

/// Reads the body up to the limit, refusing a larger one as soon as it is seen (413).
async fn read_capped(req: &HttpRequest, mut payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let too_large = ApiError::PayloadTooLarge { limit: MAX_FILE_BYTES };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES) {
        return Err(too_large);
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::InvalidFile(text!("文件上传中断，请重新上传", "the upload was interrupted: {e}")))?;
        if bytes.len() + chunk.len() > MAX_FILE_BYTES {
            return Err(too_large);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Attach an evidence file to a draft or returned self-evaluation (its department). The body
/// is the file itself; its kind is checked from its name and its first bytes, its size
/// (≤ 20 MiB) and count (≤ 30 per evaluation) are limited, and its SHA-256 is stored.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "upload_evidence",
    params(("id" = String, Path, description = "Evaluation id"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes."),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored.", body = Evidence),
        (status = 400, description = "Empty file or bad name.", body = Problem, content_type = PROBLEM),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not the evaluation's department.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not editable, the same file is attached, or 30 files already.", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Larger than 20 MiB.", body = Problem, content_type = PROBLEM),
        (status = 415, description = "Type not accepted, or content not matching the name.", body = Problem, content_type = PROBLEM),
    )
)]
#[post("/evaluations/{id}/evidence")]
pub async fn upload_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
    q: web::Query<UploadQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let IssuedId(id) = id;
    let bytes = read_capped(&req, payload).await?;
    let name = q.into_inner().name;
    let meta = state.db.run(move |c| svc::attach(c, &caller, &id, &name, &bytes)).await?;
    Ok(HttpResponse::Created().json(Evidence::from(meta)))
}

/// The evidence files of a self-evaluation (its department, finance, administrators, an
/// assigned assessor).
#[utoipa::path(
    tag = "evaluation",
    operation_id = "list_evidence",
    params(("id" = String, Path, description = "Evaluation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The files, oldest first.", body = Vec<Evidence>),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such evaluation, or not visible to the caller.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/evaluations/{id}/evidence")]
pub async fn list_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    id: IssuedId,
) -> Result<web::Json<Vec<Evidence>>, ApiError> {
    let IssuedId(id) = id;
    let rows = state.db.run(move |c| svc::list(c, &caller, &id)).await?;
    Ok(web::Json(rows.into_iter().map(Evidence::from).collect()))
}

/// Download an evidence file: its bytes as stored, as an attachment, with its SHA-256 as the
/// `ETag`. Never cached by shared caches.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "download_evidence",
    params(("id" = String, Path, description = "Evaluation id"), ("file_id" = String, Path, description = "Evidence id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file.", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such file, or not visible to the caller.", body = Problem, content_type = PROBLEM),
    )
)]
#[get("/evaluations/{id}/evidence/{file_id}")]
pub async fn download_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = file_path(path)?;
    let (meta, bytes) = state.db.run(move |c| svc::download(c, &caller, &id, &file_id)).await?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::FilenameExt(ExtendedValue {
            charset: header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: meta.file_name.into_bytes(),
        })],
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, meta.media_type))
        .insert_header(disposition)
        .insert_header((header::ETAG, crate::domain::quoted(&meta.sha256)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}

/// Remove an evidence file from a draft or returned self-evaluation (its department); the
/// audit trail keeps its name and checksum.
#[utoipa::path(
    tag = "evaluation",
    operation_id = "delete_evidence",
    params(("id" = String, Path, description = "Evaluation id"), ("file_id" = String, Path, description = "Evidence id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed."),
        (status = 401, description = "No or bad token.", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not the evaluation's department.", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such file, or not the caller's.", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The evaluation is no longer editable.", body = Problem, content_type = PROBLEM),
    )
)]
#[delete("/evaluations/{id}/evidence/{file_id}")]
pub async fn delete_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = file_path(path)?;
    state.db.run(move |c| svc::remove(c, &caller, &id, &file_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
