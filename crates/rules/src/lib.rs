//! # jixiao-rules
//!
//! The pure domain rules of jixiao (预算绩效管理): typed target documents
//! (绩效目标申报表), indicator frameworks and rule profiles as data, the review checks
//! with their closed set of violation codes, and the self-evaluation scoring engine
//! (绩效自评, 财预〔2020〕10号), monitoring lights (绩效运行监控, §6) and the budget
//! recommendation of results (结果应用, §7). The contract is `shared/spec/FORMATS.md`.
//!
//! This crate does no I/O, reads no clock and depends on no web or database framework;
//! it builds for `wasm32-unknown-unknown` so the browser form and the server run the
//! same code. Dates, profiles and reference data come in as arguments.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

// The five stages of the cycle, each its own module.
pub mod evaluation;
pub mod monitoring;
pub mod results;
pub mod review;
pub mod targets;

// Shared by the stages: rule profiles, typed values, violations and the message catalogue.
mod execution;
pub mod messages;
pub mod profile;
pub mod values;
pub mod violation;

// The paths every caller (server, CLI, WASM) already uses.
pub use evaluation::scoring;
pub use targets::{check, document, library, session};

pub use check::{
    CheckReport, InputError, TreeCounts, check, check_parsed, check_str, has_errors, parse_object, tree_counts,
};
pub use document::TargetDocument;
pub use library::{Library, PastIndicator, Suggestion, past_indicators};
pub use messages::Locale;
pub use monitoring::{Light, MonitorReport, monitor};
pub use profile::{DEFAULT_PROFILE, Framework, Profile, ProfileError, Registry, ScoringParams};
pub use results::{Recommendation, recommend};
pub use scoring::{Grade, ScoreReport, score};
pub use session::{CheckSession, EditError};
pub use violation::{Code, Severity, Violation};
