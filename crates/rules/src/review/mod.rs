//! The review cycle of a target (绩效目标审核, 同上报、同审核、同批复; DOMAIN.md §3–4, §8).
//!
//! This module owns, as pure data and functions:
//! - the life cycle of a target as an explicit state machine ([`Lifecycle`], [`Status`]):
//!   draft → submitted → approved, or → returned → (edited) → submitted again; after
//!   approval a change is an adjustment (调整): a new version that is reviewed again while
//!   the approved version stays in force;
//! - who may do what ([`Actor`], [`Action`], [`authorize`]);
//! - the review decision of finance ([`ReviewInput`] → [`ReviewDecision`]) with the 88号
//!   grade consequences (优/良 may be approved; 中 must be returned; 差 is returned and
//!   marked as not entering the budget) and the approved amount (同批复);
//! - the structured opinion of a third-party assessor ([`OpinionInput`] → [`AssessorOpinion`]);
//! - a diff of two JSON documents as JSON Pointers with old and new values ([`diff`]).
//!
//! It must not do I/O, read a clock (timestamps are passed in by the caller) or invent
//! violation codes: problems with review input are [`ReviewError`]s, which the API maps to
//! 403/404/409/422 (shape errors are caught earlier, by the server, against the JSON Schema of each `…Input`
//! type — the schema the OpenAPI document publishes — → 400).

mod decision;
mod diff;
mod error;
mod lifecycle;
mod opinion;
mod policy;

pub use decision::*;
pub use diff::*;
pub use error::*;
pub use lifecycle::*;
pub use opinion::*;
pub use policy::*;

#[cfg(test)]
mod tests;
