//! Server-side domain types that are not rules (those live in `jixiao-rules`): the ETag
//! of a stored state. The status of a target is the review's own type (one status type:
//! who may do what in which status is decided by `jixiao_rules::review::Lifecycle`).

pub use jixiao_rules::review::Status as TargetStatus;

use sha2::{Digest, Sha256};

/// Whether `y` is a year a document may name ([`jixiao_rules::values::FISCAL_YEARS`]): the
/// range of every `fiscal_year` parameter and of the per-year partitions.
pub fn in_fiscal_years(y: i32) -> bool {
    u16::try_from(y).is_ok_and(|y| jixiao_rules::values::FISCAL_YEARS.contains(&y))
}

/// The entity tag of a target state (without quotes): changes whenever the id, version,
/// status or document changes.
pub fn etag(id: &str, version: i64, status: TargetStatus, document: &str) -> String {
    etag_of(&[id.as_bytes(), version.to_string().as_bytes(), status.as_str().as_bytes(), document.as_bytes()])
}

/// An entity tag in its header form (`"…"`, RFC 9110 §8.8.3): how every view and `ETag`
/// header shows a stored tag.
pub fn quoted(etag: &str) -> String {
    format!("\"{etag}\"")
}

/// The entity tag of any stored state given its parts (length-prefixed, SHA-256, 32 hex digits).
pub fn etag_of(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_changes_with_every_part() {
        let base = etag("a", 1, TargetStatus::Draft, "{}");
        assert_eq!(base.len(), 32);
        assert_eq!(base, etag("a", 1, TargetStatus::Draft, "{}"));
        assert_ne!(base, etag("b", 1, TargetStatus::Draft, "{}"));
        assert_ne!(base, etag("a", 2, TargetStatus::Draft, "{}"));
        assert_ne!(base, etag("a", 1, TargetStatus::Submitted, "{}"));
        assert_ne!(base, etag("a", 1, TargetStatus::Draft, "{ }"));
    }
}
