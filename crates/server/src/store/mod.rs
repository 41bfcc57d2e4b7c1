//! Named query functions, one module per table group. Every function takes a
//! `&mut AnyConnection` and works on both backends; handlers never build queries.

pub mod audit;
pub mod departments;
pub mod evaluation;
pub mod monitoring;
pub mod profiles;
pub mod review;
pub mod targets;
pub mod tokens;

/// Current UTC time, truncated to microseconds (what both backends store).
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(t, chrono::TimeDelta::microseconds(1)).unwrap_or(t)
}
