//! Evidence files of a self-evaluation (佐证材料): which files a department may attach.
//!
//! A file is accepted when its name has an allowed extension, its first bytes are that
//! format's signature (so a renamed executable is refused), it is not empty and not larger
//! than [`MAX_FILE_BYTES`]. The kinds are the ones departments send as 佐证材料: PDF and OFD
//! (the national e-document format), scans (JPEG, PNG), Office files (xlsx/docx and the old
//! xls/doc), and ZIP bundles of those. The server stores the bytes with a SHA-256 checksum
//! and never serves them to the public.

use serde::Serialize;

/// The largest evidence file (20 MiB: a scanned contract of a few dozen pages).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most files on one self-evaluation.
pub const MAX_FILES: usize = 30;
/// The longest file name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// An accepted kind of evidence file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// PDF.
    Pdf,
    /// OFD (GB/T 33190), the national format of electronic documents (a ZIP container).
    Ofd,
    /// JPEG scan or photo.
    Jpeg,
    /// PNG scan or screenshot.
    Png,
    /// Excel workbook (xlsx, a ZIP container).
    Xlsx,
    /// Word document (docx, a ZIP container).
    Docx,
    /// Old Excel workbook (xls, an OLE container).
    Xls,
    /// Old Word document (doc, an OLE container).
    Doc,
    /// ZIP bundle.
    Zip,
}

impl EvidenceKind {
    /// Every kind, in the order the allowed list is shown.
    pub const ALL: [EvidenceKind; 9] = [
        EvidenceKind::Pdf,
        EvidenceKind::Ofd,
        EvidenceKind::Jpeg,
        EvidenceKind::Png,
        EvidenceKind::Xlsx,
        EvidenceKind::Docx,
        EvidenceKind::Xls,
        EvidenceKind::Doc,
        EvidenceKind::Zip,
    ];

    /// The media type the file is stored and served with.
    pub fn media_type(self) -> &'static str {
        match self {
            EvidenceKind::Pdf => "application/pdf",
            EvidenceKind::Ofd => "application/ofd",
            EvidenceKind::Jpeg => "image/jpeg",
            EvidenceKind::Png => "image/png",
            EvidenceKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            EvidenceKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            EvidenceKind::Xls => "application/vnd.ms-excel",
            EvidenceKind::Doc => "application/msword",
            EvidenceKind::Zip => "application/zip",
        }
    }

    /// The file name extensions of the kind (lower case, no dot).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            EvidenceKind::Pdf => &["pdf"],
            EvidenceKind::Ofd => &["ofd"],
            EvidenceKind::Jpeg => &["jpg", "jpeg"],
            EvidenceKind::Png => &["png"],
            EvidenceKind::Xlsx => &["xlsx"],
            EvidenceKind::Docx => &["docx"],
            EvidenceKind::Xls => &["xls"],
            EvidenceKind::Doc => &["doc"],
            EvidenceKind::Zip => &["zip"],
        }
    }

    fn signature(self) -> &'static [u8] {
        match self {
            EvidenceKind::Pdf => b"%PDF-",
            EvidenceKind::Jpeg => &[0xFF, 0xD8, 0xFF],
            EvidenceKind::Png => &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
            EvidenceKind::Ofd | EvidenceKind::Xlsx | EvidenceKind::Docx | EvidenceKind::Zip => b"PK\x03\x04",
            EvidenceKind::Xls | EvidenceKind::Doc => &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        }
    }

    /// The kind of a file name's extension (case-insensitive), if allowed.
    pub fn of_name(name: &str) -> Option<EvidenceKind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        EvidenceKind::ALL.into_iter().find(|k| k.extensions().contains(&ext.as_str()))
    }

    /// Every allowed extension, comma-separated (for messages and the `accept` attribute).
    pub fn allowed_list() -> String {
        EvidenceKind::ALL.iter().flat_map(|k| k.extensions()).map(|e| format!(".{e}")).collect::<Vec<_>>().join(",")
    }
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    /// The name is blank, too long, or has path separators or control characters.
    #[error("the file name must be 1–{MAX_NAME_CHARS} characters without path separators or control characters")]
    BadName,
    /// The extension is not one of the allowed kinds.
    #[error("files of this type are not accepted as evidence (allowed: {0})")]
    TypeNotAllowed(String),
    /// The bytes do not start with the signature of the named kind.
    #[error("the file's content is not a {0} file (its first bytes do not match its name)")]
    ContentMismatch(&'static str),
    /// Empty file.
    #[error("the file is empty")]
    Empty,
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("the file has {0} bytes; the limit is {MAX_FILE_BYTES} bytes (20 MiB)")]
    TooLarge(usize),
}

impl EvidenceError {
    /// A one-line message for users (the text is in [`crate::messages`], the one catalogue).
    pub fn message(&self, locale: crate::Locale) -> String {
        crate::messages::evidence_refusal(self, locale)
    }
}

/// A file name as stored: trimmed, checked.
fn clean_name(name: &str) -> Result<&str, EvidenceError> {
    let name = name.trim();
    let bad = name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(|c| c.is_control() || c == '/' || c == '\\')
        || name == "."
        || name == "..";
    if bad { Err(EvidenceError::BadName) } else { Ok(name) }
}

/// Checks an evidence file: its (cleaned) name and kind, or why it is refused.
pub fn classify<'a>(name: &'a str, bytes: &[u8]) -> Result<(&'a str, EvidenceKind), EvidenceError> {
    let name = clean_name(name)?;
    let kind =
        EvidenceKind::of_name(name).ok_or_else(|| EvidenceError::TypeNotAllowed(EvidenceKind::allowed_list()))?;
    if bytes.is_empty() {
        return Err(EvidenceError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(EvidenceError::TooLarge(bytes.len()));
    }
    if !bytes.starts_with(kind.signature()) {
        return Err(EvidenceError::ContentMismatch(kind.extensions().first().copied().unwrap_or("accepted")));
    }
    Ok((name, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_kinds_by_name_and_signature() {
        assert_eq!(classify(" 验收报告.PDF ", b"%PDF-1.7\n..."), Ok(("验收报告.PDF", EvidenceKind::Pdf)));
        assert_eq!(classify("照片.jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]).map(|r| r.1), Ok(EvidenceKind::Jpeg));
        assert_eq!(classify("台账.xlsx", b"PK\x03\x04rest").map(|r| r.1), Ok(EvidenceKind::Xlsx));
        assert_eq!(classify("发票.ofd", b"PK\x03\x04rest").map(|r| r.1), Ok(EvidenceKind::Ofd));
        assert_eq!(
            classify("旧表.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).map(|r| r.1),
            Ok(EvidenceKind::Xls)
        );
    }

    #[test]
    fn refuses_renamed_empty_large_and_odd_files() {
        assert_eq!(classify("报告.pdf", b"MZ\x90\x00"), Err(EvidenceError::ContentMismatch("pdf")));
        assert!(matches!(classify("run.exe", b"MZ"), Err(EvidenceError::TypeNotAllowed(_))));
        assert!(matches!(classify("noext", b"%PDF-"), Err(EvidenceError::TypeNotAllowed(_))));
        assert_eq!(classify("a.pdf", b""), Err(EvidenceError::Empty));
        let big = vec![b'%'; MAX_FILE_BYTES + 1];
        assert_eq!(classify("a.pdf", &big), Err(EvidenceError::TooLarge(MAX_FILE_BYTES + 1)));
        assert_eq!(classify("../a.pdf", b"%PDF-"), Err(EvidenceError::BadName));
        assert_eq!(classify("a\u{0}.pdf", b"%PDF-"), Err(EvidenceError::BadName));
        assert_eq!(classify("   ", b"%PDF-"), Err(EvidenceError::BadName));
        assert_eq!(classify(&"长".repeat(MAX_NAME_CHARS + 1), b"%PDF-"), Err(EvidenceError::BadName));
    }
}
