//! Cell references (`申报表!F12`) and the violation as a spreadsheet user sees it: the
//! rules' [`Violation`] with the cell it is about beside its JSON Pointer.

use std::collections::HashMap;

use jixiao_rules::Violation;
use serde::{Deserialize, Serialize};

/// A cell of a named sheet, zero-based row and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellRef {
    /// Sheet name.
    pub sheet: String,
    /// Row, 0-based.
    pub row: u32,
    /// Column, 0-based.
    pub col: u16,
}

impl CellRef {
    /// A cell of `sheet`.
    pub fn new(sheet: &str, row: u32, col: u16) -> CellRef {
        CellRef { sheet: sheet.to_owned(), row, col }
    }

    /// `F12` (no sheet).
    pub fn a1(&self) -> String {
        format!("{}{}", column_letters(self.col), self.row + 1)
    }
}

impl std::fmt::Display for CellRef {
    /// `申报表!F12`; a sheet name with spaces or punctuation is quoted as Excel does.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
            write!(f, "{}!{}", self.sheet, self.a1())
        } else {
            write!(f, "'{}'!{}", self.sheet.replace('\'', "''"), self.a1())
        }
    }
}

/// `A`, `Z`, `AA`, … for a 0-based column.
pub fn column_letters(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// A violation with the cell it is about (FORMATS.md §3 plus the optional `cell` member).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellViolation {
    /// The rules' violation: `code`, `severity`, `path`, `params`, `message`.
    #[serde(flatten)]
    pub violation: Violation,
    /// `申报表!F12`: where to fix it; null when the pointer names nothing on the sheet.
    pub cell: Option<String>,
}

/// Where each JSON Pointer of a document sits on a sheet.
#[derive(Debug, Clone, Default)]
pub struct CellMap {
    cells: HashMap<String, CellRef>,
}

impl CellMap {
    /// Records the cell of a pointer (the first record wins).
    pub fn insert(&mut self, pointer: impl Into<String>, cell: CellRef) {
        self.cells.entry(pointer.into()).or_insert(cell);
    }

    /// The cell of `pointer`, or of its nearest ancestor that has one.
    pub fn lookup(&self, pointer: &str) -> Option<&CellRef> {
        let mut p = pointer;
        loop {
            if let Some(c) = self.cells.get(p) {
                return Some(c);
            }
            match p.rfind('/') {
                Some(0) | None => return self.cells.get(""),
                Some(i) => p = &p[..i],
            }
        }
    }

    /// Attaches cells to violations.
    pub fn locate(&self, violations: Vec<Violation>) -> Vec<CellViolation> {
        violations
            .into_iter()
            .map(|v| {
                let cell = self.lookup(&v.path).map(ToString::to_string);
                CellViolation { violation: v, cell }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(CellRef::new("Sheet1", 11, 5).to_string(), "Sheet1!F12");
        assert_eq!(CellRef::new("申报表", 0, 0).to_string(), "申报表!A1");
        assert_eq!(CellRef::new("My sheet", 0, 1).to_string(), "'My sheet'!B1");
    }

    #[test]
    fn ancestors() {
        let mut m = CellMap::default();
        m.insert("/indicators", CellRef::new("S", 9, 2));
        m.insert("/indicators/0/name", CellRef::new("S", 10, 2));
        assert_eq!(m.lookup("/indicators/0/name").map(CellRef::a1).as_deref(), Some("C11"));
        assert_eq!(m.lookup("/indicators/0/unit").map(CellRef::a1).as_deref(), Some("C10"));
        assert_eq!(m.lookup("/funds"), None);
    }
}
