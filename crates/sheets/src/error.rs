//! The one error type of the crate: why bytes could not be read as a 申报表, or why a
//! workbook could not be written. Each variant maps to one HTTP status on the server.

/// Why a spreadsheet could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// The bytes are not a spreadsheet at all (not a zip, or a zip without a workbook).
    #[error("the file is not an xlsx spreadsheet: {0}")]
    NotASpreadsheet(String),
    /// A legacy binary `.xls` (or another OLE file) that is not encrypted: save it as `.xlsx`.
    #[error("the file is an old binary Excel file (.xls); save it as .xlsx and try again")]
    LegacyFormat,
    /// The workbook is password protected (an encrypted OOXML package).
    #[error("the spreadsheet is password protected; remove the password and try again")]
    Encrypted,
    /// The file itself is larger than the limit.
    #[error("the file is {size} bytes; at most {limit} are accepted")]
    TooLarge {
        /// Bytes received.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The package would unpack to too much, has too many entries, or compresses
    /// suspiciously well (a zip bomb).
    #[error("the spreadsheet unpacks beyond the limits ({0})")]
    ZipBomb(String),
    /// A spreadsheet, but no sheet holds a 申报表 (no 三级指标 heading and no known label).
    #[error("no sheet of the workbook looks like a 绩效目标申报表: {0}")]
    NoForm(String),
    /// The package is a spreadsheet but its parts could not be parsed.
    #[error("the spreadsheet could not be read: {0}")]
    Corrupt(String),
    /// Writing failed (a bug or the disk, never the user's input).
    #[error("the spreadsheet could not be written: {0}")]
    Write(String),
}

impl From<rust_xlsxwriter::XlsxError> for SheetError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        SheetError::Write(e.to_string())
    }
}

impl SheetError {
    /// A short stable name of the kind of error (`not-a-spreadsheet`, `encrypted`, …).
    pub fn slug(&self) -> &'static str {
        match self {
            SheetError::NotASpreadsheet(_) => "not-a-spreadsheet",
            SheetError::LegacyFormat => "legacy-format",
            SheetError::Encrypted => "encrypted",
            SheetError::TooLarge { .. } => "too-large",
            SheetError::ZipBomb(_) => "zip-bomb",
            SheetError::NoForm(_) => "no-form",
            SheetError::Corrupt(_) => "corrupt",
            SheetError::Write(_) => "write",
        }
    }

    /// The message in Chinese, for the user who uploaded the file.
    pub fn message_zh(&self) -> String {
        match self {
            SheetError::NotASpreadsheet(_) => "文件不是 xlsx 电子表格".to_owned(),
            SheetError::LegacyFormat => "文件是旧版 Excel（.xls）格式，请另存为 .xlsx 后再导入".to_owned(),
            SheetError::Encrypted => "电子表格设有打开密码，请取消密码后再导入".to_owned(),
            SheetError::TooLarge { size, limit } => format!("文件大小为 {size} 字节，最多接受 {limit} 字节"),
            SheetError::ZipBomb(_) => "电子表格解压后的大小、条目数或压缩比超出限制（疑似压缩炸弹）".to_owned(),
            SheetError::NoForm(_) => "工作簿中没有找到绩效目标申报表（缺少“三级指标”表头）".to_owned(),
            SheetError::Corrupt(_) => "电子表格已损坏，无法读取".to_owned(),
            SheetError::Write(_) => "电子表格生成失败".to_owned(),
        }
    }
}
