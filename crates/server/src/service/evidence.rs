//! Evidence files of a self-evaluation (佐证材料): the department attaches and removes them
//! while the evaluation may change; its department, finance, administrators and an assigned
//! assessor download them; nobody else, and never the public. Which files are accepted is
//! `jixiao_rules::evaluation::evidence`; who may act in which state is the evaluation's life
//! cycle. Each file is stored with its SHA-256, which the download repeats as its ETag.

use diesel::Connection;
use jixiao_rules::evaluation::evidence::{self, EvidenceError, MAX_FILES};
use jixiao_rules::evaluation::lifecycle::{self, EvaluationAction};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::db::AnyConnection;
use crate::error::{ApiError, Text};
use crate::service::evaluation::load;
use crate::service::stage;
use crate::store;
use crate::store::evaluation::{EvidenceMeta, NewEvidence};
use crate::text;

type Result<T> = std::result::Result<T, ApiError>;

fn refusal(e: EvidenceError) -> ApiError {
    match e {
        EvidenceError::TooLarge(_) => ApiError::PayloadTooLarge { limit: evidence::MAX_FILE_BYTES },
        EvidenceError::TypeNotAllowed(_) | EvidenceError::ContentMismatch(_) => {
            ApiError::UnsupportedFile(Text::of(|l| e.message(l)))
        }
        EvidenceError::BadName | EvidenceError::Empty => ApiError::InvalidFile(Text::of(|l| e.message(l))),
    }
}

/// Attaches a file to a draft or returned self-evaluation (its department). The same bytes
/// twice on one evaluation are refused (409), as are more than [`MAX_FILES`] files.
pub fn attach(conn: &mut AnyConnection, caller: &Caller, id: &str, name: &str, bytes: &[u8]) -> Result<EvidenceMeta> {
    let (row, status, a) = load(conn, caller, id)?;
    lifecycle::apply(a, Some(status), EvaluationAction::AttachEvidence).map_err(stage::lifecycle_error)?;
    let (name, kind) = evidence::classify(name, bytes).map_err(refusal)?;
    let sha256: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    let file_id = uuid::Uuid::now_v7().to_string();
    let at = store::now();
    conn.transaction::<_, ApiError, _>(|c| {
        let existing = store::evaluation::evidence_of(c, &row.id)?;
        if let Some(same) = existing.iter().find(|e| e.sha256 == sha256) {
            let name = &same.file_name;
            return Err(ApiError::Conflict(text!(
                "该文件已作为“{name}”上传，无需重复添加",
                "this file is already attached as {name}"
            )));
        }
        if existing.len() >= MAX_FILES {
            return Err(ApiError::Conflict(text!(
                "每份自评表最多上传 {MAX_FILES} 个佐证材料",
                "a self-evaluation takes at most {MAX_FILES} evidence files"
            )));
        }
        store::evaluation::insert_evidence(
            c,
            &NewEvidence {
                id: &file_id,
                evaluation_id: &row.id,
                file_name: name,
                media_type: kind.media_type(),
                size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                sha256: &sha256,
                content: bytes,
                uploaded_by: &caller.name,
                uploaded_at: at,
            },
        )?;
        stage::audit(
            c,
            &row.id,
            caller,
            EvaluationAction::AttachEvidence.as_str(),
            None,
            None,
            json!({ "evidence_id": file_id, "file_name": name, "size_bytes": bytes.len(), "sha256": sha256 }),
        )
    })?;
    Ok(EvidenceMeta {
        id: file_id,
        evaluation_id: row.id,
        file_name: name.to_owned(),
        media_type: kind.media_type().to_owned(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256,
        uploaded_by: caller.name.clone(),
        uploaded_at: at,
    })
}

/// The evidence files of an evaluation the caller may read.
pub fn list(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<Vec<EvidenceMeta>> {
    let (row, ..) = load(conn, caller, id)?;
    Ok(store::evaluation::evidence_of(conn, &row.id)?)
}

/// One evidence file with its bytes, for a caller who may read the evaluation.
pub fn download(conn: &mut AnyConnection, caller: &Caller, id: &str, file_id: &str) -> Result<(EvidenceMeta, Vec<u8>)> {
    let (row, ..) = load(conn, caller, id)?;
    store::evaluation::evidence_file(conn, &row.id, file_id)?.ok_or(ApiError::NotFound)
}

/// Removes a file from a draft or returned self-evaluation (its department); the audit trail
/// keeps its name and checksum.
pub fn remove(conn: &mut AnyConnection, caller: &Caller, id: &str, file_id: &str) -> Result<()> {
    let (row, status, a) = load(conn, caller, id)?;
    lifecycle::apply(a, Some(status), EvaluationAction::RemoveEvidence).map_err(stage::lifecycle_error)?;
    conn.transaction::<_, ApiError, _>(|c| {
        let meta = store::evaluation::evidence_of(c, &row.id)?
            .into_iter()
            .find(|e| e.id == file_id)
            .ok_or(ApiError::NotFound)?;
        store::evaluation::delete_evidence(c, &row.id, file_id)?;
        stage::audit(
            c,
            &row.id,
            caller,
            EvaluationAction::RemoveEvidence.as_str(),
            None,
            None,
            json!({ "evidence_id": file_id, "file_name": meta.file_name, "sha256": meta.sha256 }),
        )
    })
}
