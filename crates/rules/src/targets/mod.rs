//! Targets (绩效目标申报): the typed target document (申报表), its review checks with the
//! closed set of violation codes (FORMATS.md §3), the incremental check session the browser
//! form keeps, and the common-indicator library (共性指标库) it suggests from.
//! Who may move a target in which state is the review's lifecycle ([`crate::review`]).

pub mod check;
pub mod document;
pub mod library;
pub mod session;
