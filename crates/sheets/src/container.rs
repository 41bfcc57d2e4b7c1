//! The gate in front of the parser: untrusted bytes are checked as a container before
//! calamine sees them. An xlsx is a zip; this module refuses what is not one (or is an
//! old `.xls`), an encrypted package, too many entries, and anything that unpacks beyond
//! the limit — counted while actually inflating every entry, so a header that lies about
//! its sizes does not get past (a zip bomb stops at the limit, not at the end).

use std::io::{Cursor, Read};

use crate::error::SheetError;

/// Limits of [`inspect`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted (bytes).
    pub max_file: u64,
    /// Largest total of the unpacked entries (bytes).
    pub max_unpacked: u64,
    /// Most entries in the package.
    pub max_entries: usize,
    /// Highest ratio of unpacked to packed bytes of an entry over 1 MiB (Excel's own
    /// files stay under about 30 even for repetitive sheets).
    pub max_ratio: u64,
}

impl Default for Limits {
    /// 10 MiB file, 100 MiB unpacked, 500 entries, ratio 200.
    fn default() -> Limits {
        Limits { max_file: 10 * 1024 * 1024, max_unpacked: 100 * 1024 * 1024, max_entries: 500, max_ratio: 200 }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Checks `bytes` as an xlsx package within `limits`.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let size = bytes.len() as u64;
    if size > limits.max_file {
        return Err(SheetError::TooLarge { size, limit: limits.max_file });
    }
    if bytes.starts_with(OLE_MAGIC) {
        // Encrypted OOXML is an OLE file with an `EncryptedPackage` stream; calamine knows.
        return match <calamine::Xlsx<_> as calamine::Reader<_>>::new(Cursor::new(bytes)) {
            Err(calamine::XlsxError::Password) => Err(SheetError::Encrypted),
            _ => Err(SheetError::LegacyFormat),
        };
    }
    if !bytes.starts_with(ZIP_MAGIC) {
        return Err(SheetError::NotASpreadsheet("not a zip package".into()));
    }
    // It starts as a zip package does, so it was meant to be one: unreadable is damaged
    // (truncated, cut off in a download), not another kind of file.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| SheetError::Corrupt(format!("not a readable zip: {e}")))?;
    if zip.len() > limits.max_entries {
        return Err(SheetError::ZipBomb(format!("{} entries, at most {}", zip.len(), limits.max_entries)));
    }
    let mut has_workbook = false;
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let raw = zip.by_index_raw(i).map_err(|e| SheetError::Corrupt(e.to_string()))?;
        if raw.encrypted() {
            return Err(SheetError::Encrypted);
        }
        let name = raw.name().map(|n| n.into_owned()).unwrap_or_default();
        has_workbook |= name == "xl/workbook.xml";
        declared = declared.saturating_add(raw.size());
        if raw.size() > 1024 * 1024 && raw.size() / raw.compressed_size().max(1) > limits.max_ratio {
            return Err(SheetError::ZipBomb(format!(
                "entry {name} compresses {}:1",
                raw.size() / raw.compressed_size().max(1)
            )));
        }
    }
    if declared > limits.max_unpacked {
        return Err(SheetError::ZipBomb(format!("{declared} bytes unpacked, at most {}", limits.max_unpacked)));
    }
    if !has_workbook {
        return Err(SheetError::NotASpreadsheet("a zip file, but without xl/workbook.xml".into()));
    }
    // Inflate everything once, counting, so lying headers cannot pass.
    let mut left = limits.max_unpacked;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| SheetError::Corrupt(e.to_string()))?;
        loop {
            let n = f.read(&mut buf).map_err(|e| SheetError::Corrupt(e.to_string()))?;
            if n == 0 {
                break;
            }
            left = left
                .checked_sub(n as u64)
                .ok_or_else(|| SheetError::ZipBomb(format!("more than {} bytes unpacked", limits.max_unpacked)))?;
        }
    }
    Ok(())
}
