//! Named query functions, one module per table group. Every function takes a
//! `&mut AnyConnection` and works on both backends; handlers never build queries.

/// Filters `$q` to `$col` in `$values`: `=` for one value, so that an index leading with
/// the column serves the page (PostgreSQL's generic plan of `= ANY($1)` reads the primary key
/// instead; `tests/plans.rs` checks it), `= ANY` for several.
macro_rules! filter_in {
    ($q:expr, $col:expr, $values:expr) => {{
        let values: &[String] = $values;
        match values {
            [one] => $q.filter($col.eq(one.clone())),
            _ => $q.filter($col.eq_any(values.to_vec())),
        }
    }};
}
pub(crate) use filter_in;

pub mod audit;
pub mod departments;
pub mod evaluation;
pub mod monitoring;
pub mod profiles;
pub mod review;
pub mod sort;
pub mod targets;
pub mod tokens;
pub mod users;

/// Current UTC time, truncated to microseconds (what both backends store) — or, on a
/// thread replaying history (the demo's past years, see [`clock`]), the time set there.
pub fn now() -> chrono::NaiveDateTime {
    if let Some(t) = clock::tick() {
        return t;
    }
    let t = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(t, chrono::TimeDelta::microseconds(1)).unwrap_or(t)
}

/// A clock for replaying the past on the current thread: the demo loads 2018 as it happened
/// (declared in late 2017, monitored each quarter, evaluated in December) so that the audit
/// trail — and every as-of figure read from it — tells the year's real story. Only the seed
/// sets it; requests never do (they run on other threads, and [`now`] reads the real time
/// whenever no replay is under way).
pub mod clock {
    use std::cell::Cell;

    use chrono::{NaiveDateTime, TimeDelta};

    thread_local! {
        static REPLAY: Cell<Option<NaiveDateTime>> = const { Cell::new(None) };
    }

    /// The replayed time, advanced by one second per call so the trail keeps its order.
    pub(crate) fn tick() -> Option<NaiveDateTime> {
        REPLAY.with(|c| {
            let t = c.get()?;
            c.set(Some(t + TimeDelta::seconds(1)));
            Some(t)
        })
    }

    /// Within a [`replay`], jumps forward to `at` (never back; nothing when no replay runs).
    pub fn advance_to(at: NaiveDateTime) {
        REPLAY.with(|c| c.set(c.get().map(|t| t.max(at))));
    }

    /// `YYYY-MM-DD` at 10:00 China Standard Time (02:00 UTC), for [`replay`] and
    /// [`advance_to`]; the epoch for a date that does not exist.
    pub fn morning(year: i32, month: u32, day: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(year, month, day).and_then(|d| d.and_hms_opt(2, 0, 0)).unwrap_or_default()
    }

    /// Runs `f` with [`super::now`] starting at `at` on this thread (moved forward only: a
    /// replay never goes back before the time it has reached).
    pub fn replay<T>(at: NaiveDateTime, f: impl FnOnce() -> T) -> T {
        struct Reset(Option<NaiveDateTime>);
        impl Drop for Reset {
            fn drop(&mut self) {
                REPLAY.with(|c| c.set(self.0));
            }
        }
        let before = REPLAY.with(|c| c.get());
        let _reset = Reset(before);
        REPLAY.with(|c| c.set(Some(before.map_or(at, |b| b.max(at)))));
        f()
    }
}
