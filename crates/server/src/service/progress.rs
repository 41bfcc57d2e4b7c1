//! The dynamic assessment material (动态评估材料) of a fiscal year as of a date: how far the
//! review, the monitoring and the self-evaluation had come at the end of that day, replayed
//! from the audit trail — not read from today's state, so the figures sent to the city's
//! performance office at the end of June and of September can be produced again later and
//! come out the same. A day ends at 24:00 China Standard Time (UTC+8), the bureau's day.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::db::AnyConnection;
use crate::error::ApiError;
use crate::service::stage;
use crate::store;
use crate::store::audit::{Step, Subjects};

type Result<T> = std::result::Result<T, ApiError>;

/// Targets of the year by their review state at the date.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ReviewProgress {
    /// Declared (created and not deleted) by then.
    pub declared: i64,
    /// 草稿.
    pub draft: i64,
    /// 已提交, waiting for review.
    pub submitted: i64,
    /// 已退回.
    pub returned: i64,
    /// 已批复.
    pub approved: i64,
}

/// Monitoring at the date.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct MonitoringProgress {
    /// Rounds finance had opened.
    pub rounds_opened: i64,
    /// Reports begun (any state).
    pub reports: i64,
    /// Reports submitted and waiting for finance.
    pub submitted: i64,
    /// Reports returned.
    pub returned: i64,
    /// Reports accepted.
    pub accepted: i64,
    /// Departments with ≥ 1 approved project target by then.
    pub units_with_projects: i64,
    /// Of them, those with ≥ 1 accepted report by then.
    pub units_monitored: i64,
    /// Σ annual_total of the project targets approved by then (万元).
    #[schema(value_type = String)]
    pub project_spending: Decimal,
    /// Σ of those with ≥ 1 accepted report by then (万元).
    #[schema(value_type = String)]
    pub monitored_spending: Decimal,
    /// monitored ÷ project spending, 4 decimals (null when nothing was approved yet).
    #[schema(value_type = Option<String>)]
    pub coverage: Option<Decimal>,
}

/// Self-evaluation at the date.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct EvaluationProgress {
    /// Self-evaluations begun (any state).
    pub started: i64,
    /// 草稿.
    pub draft: i64,
    /// Submitted, waiting for finance.
    pub submitted: i64,
    /// Returned.
    pub returned: i64,
    /// Filed (备案).
    pub filed: i64,
    /// Scored 0 when the year closed.
    pub zero_scored: i64,
    /// Filed ones re-evaluated (复评) by then.
    pub re_evaluated: i64,
    /// The year's self-evaluations were closed by then.
    pub year_closed: bool,
}

/// The material as of one date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Progress {
    /// Fiscal year.
    pub fiscal_year: i32,
    /// The date (YYYY-MM-DD); the figures are those at its end (24:00 UTC+8).
    pub as_of: String,
    /// Declaration and review.
    pub review: ReviewProgress,
    /// Monitoring.
    pub monitoring: MonitoringProgress,
    /// Self-evaluation.
    pub evaluation: EvaluationProgress,
}

/// The end of `date` in China Standard Time, as the UTC time the audit trail records.
fn end_of_day(date: NaiveDate) -> NaiveDateTime {
    (date + TimeDelta::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default() - TimeDelta::hours(8)
}

fn count<'a>(states: impl Iterator<Item = &'a &'static str>, state: &str) -> i64 {
    i64::try_from(states.filter(|s| **s == state).count()).unwrap_or(i64::MAX)
}

/// Each subject's state after its history: `step` maps an action (and its detail) to the new
/// state, `None` when the action leaves the state alone; `"deleted"` removes the subject.
fn replay(history: &[Step], step: impl Fn(&str, &str) -> Option<&'static str>) -> HashMap<String, &'static str> {
    let mut states = HashMap::new();
    for (subject, action, detail) in history {
        if let Some(s) = step(action, detail) {
            if s == "deleted" {
                states.remove(subject);
            } else {
                states.insert(subject.clone(), s);
            }
        }
    }
    states
}

fn review_step(action: &str, detail: &str) -> Option<&'static str> {
    match action {
        "create" => Some("draft"),
        "submit" => Some("submitted"),
        "delete" => Some("deleted"),
        "review" => {
            let d: Value = serde_json::from_str(detail).unwrap_or_default();
            Some(if d.get("decision").and_then(Value::as_str) == Some("approve") { "approved" } else { "returned" })
        }
        _ => None,
    }
}

fn stage_step(prefix: &'static str) -> impl Fn(&str, &str) -> Option<&'static str> {
    move |action, _| {
        let verb = action.strip_prefix(prefix)?;
        match verb {
            "create" => Some("draft"),
            "submit" => Some("submitted"),
            "return" => Some("returned"),
            "accept" => Some("accepted"),
            "file" => Some("filed"),
            "zero_score" => Some("zero_scored"),
            _ => None,
        }
    }
}

/// The material of `year` as of the end of `as_of` (finance).
pub fn as_of(conn: &mut AnyConnection, caller: &Caller, year: i32, as_of: NaiveDate) -> Result<Progress> {
    stage::require_finance(caller)?;
    let cutoff = end_of_day(as_of);

    let targets = store::monitoring::targets_of_year(conn, year)?;
    let review = replay(&store::audit::history_before(conn, Subjects::Targets(year), cutoff)?, review_step);
    let review_progress = ReviewProgress {
        declared: i64::try_from(review.len()).unwrap_or(i64::MAX),
        draft: count(review.values(), "draft"),
        submitted: count(review.values(), "submitted"),
        returned: count(review.values(), "returned"),
        approved: count(review.values(), "approved"),
    };

    let rounds = store::audit::history_before(conn, Subjects::Rounds(year), cutoff)?;
    let report_history = store::audit::history_before(conn, Subjects::Reports(year), cutoff)?;
    let reports = replay(&report_history, stage_step("monitoring."));
    let report_target: HashMap<String, String> =
        store::monitoring::report_targets_of_year(conn, year)?.into_iter().collect();
    let monitored: BTreeSet<&str> = reports
        .iter()
        .filter(|(_, s)| **s == "accepted")
        .filter_map(|(id, _)| report_target.get(id).map(String::as_str))
        .collect();
    let (mut with_projects, mut units_monitored) = (BTreeSet::new(), BTreeSet::new());
    let (mut project_spending, mut monitored_spending) = (Decimal::ZERO, Decimal::ZERO);
    for t in targets.iter().filter(|t| t.project_name.is_some() && review.get(&t.id) == Some(&"approved")) {
        let amount = t.annual_total.map(|m| m.0).unwrap_or_default();
        with_projects.insert(t.department_code.as_str());
        project_spending += amount;
        if monitored.contains(t.id.as_str()) {
            units_monitored.insert(t.department_code.as_str());
            monitored_spending += amount;
        }
    }
    let monitoring = MonitoringProgress {
        rounds_opened: i64::try_from(rounds.iter().filter(|r| r.1 == "monitoring.open_round").count())
            .unwrap_or(i64::MAX),
        reports: i64::try_from(reports.len()).unwrap_or(i64::MAX),
        submitted: count(reports.values(), "submitted"),
        returned: count(reports.values(), "returned"),
        accepted: count(reports.values(), "accepted"),
        units_with_projects: i64::try_from(with_projects.len()).unwrap_or(i64::MAX),
        units_monitored: i64::try_from(units_monitored.len()).unwrap_or(i64::MAX),
        project_spending,
        monitored_spending,
        coverage: (project_spending > Decimal::ZERO).then(|| stage::round4(monitored_spending / project_spending)),
    };

    let evaluation_history = store::audit::history_before(conn, Subjects::Evaluations(year), cutoff)?;
    let evaluations = replay(&evaluation_history, stage_step("evaluation."));
    let re_evaluated: BTreeSet<&str> = evaluation_history
        .iter()
        .filter(|(_, action, _)| action == "evaluation.re_evaluate")
        .map(|(id, ..)| id.as_str())
        .collect();
    let year_closed = store::evaluation::closed(conn, year)?.is_some_and(|(_, at)| at < cutoff);
    let evaluation = EvaluationProgress {
        started: i64::try_from(evaluations.len()).unwrap_or(i64::MAX),
        draft: count(evaluations.values(), "draft"),
        submitted: count(evaluations.values(), "submitted"),
        returned: count(evaluations.values(), "returned"),
        filed: count(evaluations.values(), "filed"),
        zero_scored: count(evaluations.values(), "zero_scored"),
        re_evaluated: i64::try_from(re_evaluated.len()).unwrap_or(i64::MAX),
        year_closed,
    };
    Ok(Progress {
        fiscal_year: year,
        as_of: as_of.format("%Y-%m-%d").to_string(),
        review: review_progress,
        monitoring,
        evaluation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_ends_at_midnight_in_beijing() {
        let d = NaiveDate::from_ymd_opt(2018, 6, 30).unwrap();
        assert_eq!(end_of_day(d).to_string(), "2018-06-30 16:00:00");
    }

    #[test]
    fn replay_follows_each_subject_to_its_last_state() {
        let h: Vec<Step> = [
            ("t1", "create", "{}"),
            ("t2", "create", "{}"),
            ("t1", "submit", "{}"),
            ("t1", "review", r#"{"decision":"return"}"#),
            ("t1", "update", "{}"),
            ("t1", "submit", "{}"),
            ("t1", "review", r#"{"decision":"approve"}"#),
            ("t2", "delete", "{}"),
        ]
        .into_iter()
        .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
        .collect();
        let s = replay(&h, review_step);
        assert_eq!(s.len(), 1);
        assert_eq!(s["t1"], "approved");
        let m = replay(
            &[("r", "monitoring.create"), ("r", "monitoring.submit"), ("r", "monitoring.rectify")]
                .map(|(a, b)| (a.to_owned(), b.to_owned(), "{}".to_owned())),
            stage_step("monitoring."),
        );
        assert_eq!(m["r"], "submitted");
    }
}
