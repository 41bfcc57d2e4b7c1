//! The demo's monitoring (绩效运行监控), through the same services the routes call:
//!
//! - the closed year (2018, the source report): four quarterly rounds, every approved
//!   target reported and accepted each quarter, so the coverage reads 56 / 56 units and
//!   230047.41 / 230047.41 万元 (100%); a minority of quarters deviate (yellow or red
//!   rows, slow execution), explained with causes, measures and reasons;
//! - the year in progress (2019): rounds through March and June; June is a realistic mix
//!   (accepted, waiting for finance, two returned, drafts), with green, yellow, red and
//!   blue rows, one rectification flag, and one department that has not reported at all.
//!
//! Report documents are generated deterministically from each approved target and checked
//! by the rules on the way in (a submission with an error is refused, as for anyone).

use std::collections::HashMap;

use diesel::Connection;
use jixiao_rules::Locale;
use jixiao_rules::profile::Rounding;
use jixiao_rules::values::Date;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::{DEMO_FINANCE_NAME, SeedError, caller};
use crate::dataset::DemoDataset;
use jixiao_server::auth::{Caller, Role};
use jixiao_server::db::{AnyConnection, Database, PooledConnection};
use jixiao_server::service::monitoring::{self as svc, Decision};
use jixiao_server::service::profiles::Profiles;
use jixiao_server::store;

/// How a generated quarter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mood {
    /// On track.
    Green,
    /// Spending behind time progress (yellow), with a reason.
    SlowSpending,
    /// One quantity row seriously behind (red), with causes and measures.
    RowBehind,
    /// One quantity row far ahead (blue).
    RowAhead,
    /// One row at risk (有可能, yellow).
    AtRisk,
}

/// The mood of target `i` in month `month` (deterministic; the last quarter is on track).
pub fn mood(i: usize, month: u32) -> Mood {
    if month == 12 {
        return Mood::Green;
    }
    match (i * 7 + month as usize) % 13 {
        0 => Mood::SlowSpending,
        1 => Mood::RowBehind,
        2 => Mood::RowAhead,
        3 => Mood::AtRisk,
        _ => Mood::Green,
    }
}

fn dec(v: &Value) -> Option<Decimal> {
    v.as_str().and_then(jixiao_rules::values::parse_signed_decimal)
}

/// `x` with the decimals of `like`, unless that moves it more than 10% (a small count at
/// an early month: 1 project × 3/12): then with 2 decimals.
fn round_like(x: Decimal, like: Decimal) -> Decimal {
    let r = Rounding::MidpointAwayFromZero.round(x, like.scale());
    let off = (r - x).abs();
    if x.is_zero() || off * Decimal::TEN <= x {
        r
    } else {
        Rounding::MidpointAwayFromZero.round(x, 2.max(like.scale()))
    }
}

const CAUSES: [(&str, &str); 4] = [
    ("funding", "上级补助资金到位较晚，已协调本级财政先行垫付，加快实施进度"),
    ("staffing", "业务骨干抽调参加专项工作，已调配人员充实项目组，确保按期完成"),
    ("hardware", "设备到货延迟，已督促供应商按合同约定时间交付"),
    ("institutional", "实施细则尚在修订，已报审定，审定后立即组织实施"),
];

/// A §6 report for `target` through `month` of `year`, in `mood`.
pub fn report_document(target: &Map<String, Value>, year: u16, month: u32, mood: Mood, i: usize) -> Value {
    let t = Decimal::from(month) / Decimal::from(12);
    let annual = target.get("funds").and_then(|f| f.get("annual_total")).and_then(dec).unwrap_or_default();
    let spend = match mood {
        Mood::SlowSpending => Decimal::new(65, 2),
        _ => Decimal::ONE,
    };
    let executed = Rounding::MidpointAwayFromZero.round((annual * t * spend).min(annual), 2);
    let (cause, measure) = CAUSES[i % CAUSES.len()];
    let mut execution = json!({
        "budget_full_year": annual.to_string(),
        "executed": executed.to_string(),
        "forecast_full_year": annual.to_string(),
    });
    if mood == Mood::SlowSpending {
        execution["reason"] = json!(match i % 3 {
            0 => "项目按合同节点付款，第二笔款项待验收后支付",
            1 => "政府采购程序尚未完成，资金暂未支付",
            _ => "工程进度款按月结算，上月进度款尚在审核",
        });
    }
    let last_day = (28..=31).rev().find_map(|d| Date::parse(&format!("{year:04}-{month:02}-{d:02}")));
    // The deviating row: the first cumulative (quantity) row.
    let mut deviated = false;
    let rows: Vec<Value> = target
        .get("indicators")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|ind| {
            let id = ind.get("id").cloned().unwrap_or(Value::Null);
            let value = ind.get("value").cloned().unwrap_or(Value::Null);
            let quantitative = ind.get("nature").and_then(Value::as_str) == Some("quantitative");
            let op = ind.get("operator").and_then(Value::as_str).unwrap_or("ge");
            let cumulative = quantitative
                && ind.get("level2").and_then(Value::as_str) == Some("quantity")
                && matches!(op, "ge" | "gt" | "eq")
                && dec(&value).is_some_and(|v| v > Decimal::ZERO);
            let mut row = json!({ "indicator_id": id, "likelihood": "certain" });
            if !quantitative {
                row["actual_to_date"] = json!(if month == 12 { "已实现" } else { "按计划推进" });
            } else if let Some(target_value) = dec(&value) {
                let factor = match mood {
                    Mood::RowBehind if cumulative && !deviated => Decimal::new(5, 1),
                    Mood::RowAhead if cumulative && !deviated => Decimal::new(16, 1),
                    _ => Decimal::ONE,
                };
                let actual =
                    if cumulative { round_like(target_value * t * factor, target_value) } else { target_value };
                row["actual_to_date"] = json!(actual.to_string());
                row["forecast_full_year"] = json!(target_value.to_string());
                if cumulative && factor != Decimal::ONE && !deviated {
                    deviated = true;
                    if mood == Mood::RowBehind {
                        row["likelihood"] = json!("possible");
                        row["causes"] = json!([cause]);
                        row["measures"] = json!(measure);
                    }
                }
            } else if let Some(deadline) = value.as_str().and_then(Date::parse) {
                // Done on the deadline once the month has passed it; not yet before.
                if last_day.is_some_and(|d| d > deadline) {
                    row["actual_to_date"] = json!(deadline.to_string());
                }
            }
            if mood == Mood::AtRisk && !deviated && !quantitative {
                deviated = true;
                row["likelihood"] = json!("possible");
                row["causes"] = json!([cause]);
                row["measures"] = json!(measure);
            }
            row
        })
        .collect();
    json!({
        "period": { "fiscal_year": year, "through_month": month },
        "execution": execution,
        "goal_progress": format!("1–{month}月按年度绩效目标推进，资金执行{executed}万元"),
        "indicators": rows,
    })
}

fn err(step: impl Into<String>) -> impl FnOnce(jixiao_server::error::ApiError) -> SeedError {
    let step = step.into();
    move |source| SeedError::Monitoring { step, source }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// How far a generated report goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Draft,
    Submitted,
    Returned,
    Accepted,
}

struct Actors {
    finance: Caller,
}

fn department(code: &str, name: &str) -> Caller {
    caller(format!("demo {name}"), Role::Department, Some(code.to_owned()), None)
}

/// Creates, fills and moves one report through its fate.
#[allow(clippy::too_many_arguments)]
fn walk_report(
    c: &mut AnyConnection,
    a: &Actors,
    dept: &Caller,
    round_id: &str,
    target_id: &str,
    doc: Value,
    fate: Fate,
    profiles: &Profiles,
) -> Result<String, SeedError> {
    let row = svc::create_report(c, dept, round_id, target_id, profiles).map_err(err("create"))?;
    let id = row.id.clone();
    let row =
        svc::update_report(c, dept, &id, &[row.etag], &obj(doc), profiles).map_err(err(format!("fill {target_id}")))?;
    if fate == Fate::Draft {
        return Ok(id);
    }
    let row = svc::submit_report(c, dept, &id, &[row.etag], Locale::ZhCn, profiles)
        .map_err(err(format!("submit {target_id}")))?;
    match fate {
        Fate::Accepted => {
            svc::decide(c, &a.finance, &id, &[row.etag], Decision::Accept, None).map_err(err("accept"))?;
        }
        Fate::Returned => {
            let opinion = "红灯指标的偏差原因分析不够具体，请补充纠偏措施的时间节点后重新报送";
            svc::decide(c, &a.finance, &id, &[row.etag], Decision::Return, Some(opinion)).map_err(err("return"))?;
        }
        _ => {}
    }
    Ok(id)
}

/// What the monitoring demo did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonitoringReport {
    /// Rounds opened now.
    pub rounds: usize,
    /// Reports created now.
    pub reports: usize,
}

/// An approved target: (id, department code, document).
type Approved = (String, String, Map<String, Value>);

fn approved_targets(c: &mut AnyConnection, year: u16) -> Result<Vec<Approved>, SeedError> {
    let rows = store::monitoring::due_targets(c, i32::from(year), None, None, 100_000)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let t =
            store::targets::get(c, &r.id)?.ok_or_else(|| SeedError::Document(0, "approved target vanished".into()))?;
        let doc = jixiao_rules::parse_object(&t.document).map_err(|e| SeedError::Document(0, e.to_string()))?;
        out.push((r.id, r.department_code, doc));
    }
    // In data-set order (the project codes sort as the generator made them).
    out.sort_by(|a, b| {
        let code = |d: &Map<String, Value>| {
            d.get("project").and_then(|p| p.get("code")).and_then(Value::as_str).map(str::to_owned)
        };
        code(&a.2).cmp(&code(&b.2))
    });
    Ok(out)
}

/// What loading a year's monitoring starts from: a connection, the profiles, the department
/// names and the finance actor.
struct Start<'a> {
    conn: PooledConnection,
    profiles: Profiles,
    names: HashMap<&'a str, &'a str>,
    a: Actors,
}

/// [`Start`], or `None` when the year's first round (1–3月) is already there: loaded before.
fn start<'a>(db: &Database, data: &'a DemoDataset) -> Result<Option<Start<'a>>, SeedError> {
    let mut conn = db.conn()?;
    if store::monitoring::round_of(&mut conn, i32::from(data.fiscal_year), 3)?.is_some() {
        return Ok(None);
    }
    let profiles = Profiles::load(&mut conn)?;
    let names = data.departments.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect();
    let a = Actors { finance: caller(DEMO_FINANCE_NAME.into(), Role::Finance, None, None) };
    Ok(Some(Start { conn, profiles, names, a }))
}

/// The closed year's four quarterly rounds, every approved target accepted each quarter.
pub fn load_closed_year(db: &Database, data: &DemoDataset) -> Result<MonitoringReport, SeedError> {
    // Each quarter is reported in the days after it ends (the trail reads as the year went).
    store::clock::replay(store::clock::morning(i32::from(data.fiscal_year), 4, 2), || closed_year_now(db, data))
}

fn closed_year_now(db: &Database, data: &DemoDataset) -> Result<MonitoringReport, SeedError> {
    let year = data.fiscal_year;
    let Some(Start { mut conn, profiles, names, a }) = start(db, data)? else {
        return Ok(MonitoringReport::default());
    };
    conn.transaction::<_, SeedError, _>(|c| {
        let targets = approved_targets(c, year)?;
        let mut out = MonitoringReport::default();
        for (month, deadline) in [(3, "04-10"), (6, "07-10"), (9, "10-10"), (12, "12-31")] {
            let (m, d) = if month == 12 { (12, 1) } else { (month + 1, 2) };
            #[allow(clippy::cast_sign_loss)]
            store::clock::advance_to(store::clock::morning(i32::from(year), m as u32, d));
            let round = svc::open_round(c, &a.finance, i32::from(year), month, &format!("{year}-{deadline}"))
                .map_err(err("open round"))?;
            out.rounds += 1;
            for (i, (id, code, doc)) in targets.iter().enumerate() {
                let dept = department(code, names.get(code.as_str()).copied().unwrap_or(code));
                #[allow(clippy::cast_sign_loss)]
                let m = month as u32;
                let report = report_document(doc, year, m, mood(i, m), i);
                walk_report(c, &a, &dept, &round.row.id, id, report, Fate::Accepted, &profiles)?;
                out.reports += 1;
            }
        }
        Ok(out)
    })
}

/// The year in progress: March accepted (but for one late department), June a realistic mix.
pub fn load_current_year(db: &Database, data: &DemoDataset) -> Result<MonitoringReport, SeedError> {
    store::clock::replay(store::clock::morning(i32::from(data.fiscal_year), 4, 2), || current_year_now(db, data))
}

fn current_year_now(db: &Database, data: &DemoDataset) -> Result<MonitoringReport, SeedError> {
    let year = data.fiscal_year;
    let Some(Start { mut conn, profiles, names, a }) = start(db, data)? else {
        return Ok(MonitoringReport::default());
    };
    // The late department: the third one with approved targets (the first two have printed tokens).
    conn.transaction::<_, SeedError, _>(|c| {
        let targets = approved_targets(c, year)?;
        let mut codes: Vec<&str> = targets.iter().map(|t| t.1.as_str()).collect();
        codes.dedup();
        let late = codes.get(2).copied().unwrap_or_default().to_owned();
        let mut out = MonitoringReport::default();
        let march =
            svc::open_round(c, &a.finance, i32::from(year), 3, &format!("{year}-04-10")).map_err(err("open round"))?;
        for (i, (id, code, doc)) in targets.iter().enumerate() {
            let dept = department(code, names.get(code.as_str()).copied().unwrap_or(code));
            let q1 = report_document(doc, year, 3, mood(i, 3), i);
            walk_report(c, &a, &dept, &march.row.id, id, q1, Fate::Accepted, &profiles)?;
            out.reports += 1;
        }
        store::clock::advance_to(store::clock::morning(i32::from(year), 7, 2));
        let june =
            svc::open_round(c, &a.finance, i32::from(year), 6, &format!("{year}-07-10")).map_err(err("open round"))?;
        out.rounds += 2;
        let mut returned = 0;
        let mut flagged = false;
        let mut late_started = false;
        for (i, (id, code, doc)) in targets.iter().enumerate() {
            let dept = department(code, names.get(code.as_str()).copied().unwrap_or(code));
            let m = mood(i, 6);
            let fate = if *code == late {
                // Late for June: one draft started, nothing filed (the board lists it as overdue).
                if late_started {
                    continue;
                }
                late_started = true;
                Fate::Draft
            } else if i % 9 == 4 && returned < 2 {
                returned += 1;
                Fate::Returned
            } else if i % 9 == 0 || i % 9 == 5 {
                Fate::Submitted
            } else {
                Fate::Accepted
            };
            let q2 = report_document(doc, year, 6, m, i);
            let rid = walk_report(c, &a, &dept, &june.row.id, id, q2, fate, &profiles)?;
            out.reports += 1;
            if !flagged && fate == Fate::Accepted && m == Mood::RowBehind {
                svc::flag(
                    c,
                    &a.finance,
                    &rid,
                    "针对进度滞后的产出指标制定整改计划，9月底前报送整改情况",
                    &format!("{year}-09-30"),
                )
                .map_err(err("flag"))?;
                flagged = true;
            }
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_rules::Registry;

    /// Every generated quarter of every demo target passes the rules (no error), and the
    /// moods give lights of every colour.
    #[test]
    fn generated_reports_pass_the_rules_with_every_light() {
        let data = crate::dataset::closed_year_dataset();
        let profile = Registry::builtin().default_profile().unwrap();
        let mut lights = std::collections::BTreeSet::new();
        for (i, t) in data.targets.iter().enumerate() {
            for month in [3, 6, 9, 12] {
                let target = t.as_object().unwrap();
                let doc = report_document(target, 2018, month, mood(i, month), i);
                let r = jixiao_rules::monitor(target, doc.as_object().unwrap(), profile, None, Locale::ZhCn);
                assert!(r.valid(), "target {i} month {month} {:?}: {:?}", mood(i, month), r.violations);
                lights.insert(format!("{:?}", r.light));
                for row in &r.indicators {
                    lights.insert(format!("row {:?}", row.light));
                }
            }
        }
        for l in ["Some(Red)", "Some(Yellow)", "Some(Green)", "row Some(Blue)", "row Some(Red)", "row Some(Yellow)"] {
            assert!(lights.contains(l), "{l} missing from {lights:?}");
        }
    }
}
