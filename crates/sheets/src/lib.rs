//! # jixiao-sheets
//!
//! The national tables of jixiao as spreadsheets (`shared/spec/DOMAIN.md` §3, §5.3, §6.1):
//!
//! - [`target::export`]: the 项目支出绩效目标申报表 (or the 部门整体支出 form) of a target
//!   document, with its violations on a second sheet, each at its cell;
//! - [`monitoring::export`]: the 项目支出绩效目标执行监控表 of a monitoring report;
//! - [`evaluation::export`]: the 项目支出绩效自评表 of a self-evaluation, the formula's
//!   score beside the assessor's where they differ;
//! - [`workbook::BureauWorkbook`]: the bureau's workbook of a year, streamed row by row in
//!   rust_xlsxwriter's constant-memory mode;
//! - [`import::import_target`]: a 申报表 filled in a spreadsheet program (the layout the
//!   export writes and the common published variants) read back into the canonical
//!   document of `FORMATS.md` §1, with its violations, each naming its cell (`申报表!F12`)
//!   beside its JSON Pointer.
//!
//! This crate is pure: bytes in, bytes out (the bureau workbook writes to a path the caller
//! gives, and rust_xlsxwriter keeps its constant-memory rows in temporary files). It knows
//! no web framework, database or runtime; the rules come from `jixiao-rules`. Untrusted
//! bytes pass [`container::inspect`] (size, entry count, declared uncompressed size,
//! compression ratio, encryption) before any parser sees them.

pub mod cells;
pub mod container;
pub mod error;
pub mod evaluation;
mod grid;
pub mod import;
pub mod labels;
pub mod monitoring;
pub mod target;
pub mod workbook;

pub use cells::{CellRef, CellViolation};
pub use error::SheetError;
pub use import::{Imported, import_target};
