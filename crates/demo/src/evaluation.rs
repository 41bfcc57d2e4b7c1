//! The demo's evaluation of the closed year (2018, the source report), through the same
//! services the routes call: every approved target self-evaluated, submitted and filed by
//! its department and finance — except the three projects the report names, which never
//! filed one and score 0 when finance closes the year (乡镇管理及涉农资金整合经费,
//! 2018年新疆专项（第二批）中央基建投资, 孤儿被装购置费). Scores vary as real 自评表 do
//! (execution below plan, missed quantities, partly achieved qualitative aims, each with its
//! reason); every 25th filed evaluation is re-evaluated with one override — by finance, or
//! by the demo's third-party assessor after finance assigned it — and every 10th carries an
//! evidence file (a one-page PDF). The trail is replayed as December went: deadline set,
//! evaluations filed by the 20th, re-evaluations after it, the year closed on the 31st.

use diesel::Connection;
use jixiao_rules::Locale;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::{DEMO_ASSESSOR_ORG, DEMO_FINANCE_NAME, SeedError, caller};
use crate::dataset::DemoDataset;
use jixiao_server::auth::Role;
use jixiao_server::db::Database;
use jixiao_server::service::evaluation as svc;
use jixiao_server::service::profiles::Profiles;
use jixiao_server::store;

/// The projects of the source report that scored 0 (no self-evaluation filed).
pub const ZERO_SCORED: [&str; 3] = ["乡镇管理及涉农资金整合经费", "新疆专项（第二批）中央基建投资", "孤儿被装购置费"];

fn dec(v: &Value) -> Option<Decimal> {
    v.as_str().and_then(jixiao_rules::values::parse_signed_decimal)
}

fn two(d: Decimal) -> String {
    jixiao_rules::profile::Rounding::MidpointAwayFromZero.round(d, 2).to_string()
}

/// How a generated year went: execution rate, share of the quantity targets reached (every
/// quantity row, or the first only), the qualitative tier and its share of the points, and
/// the satisfaction reached (share of its target).
struct Year {
    rate: Decimal,
    quantity: Decimal,
    every_quantity: bool,
    tier: &'static str,
    tier_share: Decimal,
    satisfaction: Decimal,
}

fn year_of(i: usize) -> Year {
    let d = Decimal::new;
    if i % 17 == 8 {
        // a poor year: 中
        Year {
            rate: d(70, 2),
            quantity: d(6, 1),
            every_quantity: true,
            tier: "not_achieved",
            tier_share: d(5, 1),
            satisfaction: d(85, 2),
        }
    } else if i % 5 == 3 {
        // a middling year: 良
        Year {
            rate: d(80, 2),
            quantity: d(8, 1),
            every_quantity: true,
            tier: "partial",
            tier_share: d(65, 2),
            satisfaction: d(95, 2),
        }
    } else {
        let rate = [Decimal::ONE, d(98, 2), d(95, 2), d(92, 2), d(86, 2)][i % 5];
        let quantity = if i % 4 == 1 { d(9, 1) } else { Decimal::ONE };
        Year {
            rate,
            quantity,
            every_quantity: false,
            tier: "achieved",
            tier_share: d(9, 1),
            satisfaction: Decimal::ONE,
        }
    }
}

/// A self-evaluation (FORMATS §4) of `target`, deterministic by `i`.
pub fn evaluation_document(target: &Map<String, Value>, i: usize) -> Value {
    let y = year_of(i);
    let annual = target.get("funds").and_then(|f| f.get("annual_total")).and_then(dec).unwrap_or_default();
    let mut execution = json!({
        "budget_initial": two(annual),
        "budget_full_year": two(annual),
        "executed": two(annual * y.rate),
        "reason": null,
    });
    if y.rate < Decimal::new(90, 2) {
        execution["reason"] = json!("部分合同尾款待项目审计结束后支付，已结转下年");
    }
    let mut missed_one = false;
    let round =
        |x: Decimal, like: Decimal| jixiao_rules::profile::Rounding::MidpointAwayFromZero.round(x, like.scale());
    let results: Vec<Value> = target
        .get("indicators")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|ind| {
            let id = ind.get("id")?.as_str()?;
            let value = ind.get("value").cloned().unwrap_or(Value::Null);
            let points = ind.get("points").and_then(dec).unwrap_or_default();
            if ind.get("nature").and_then(Value::as_str) == Some("qualitative") {
                let score = two(points * y.tier_share);
                return Some(if y.tier == "achieved" {
                    json!({ "indicator_id": id, "tier": "achieved", "score": score })
                } else {
                    json!({ "indicator_id": id, "tier": y.tier, "score": score,
                            "deviation_reason": "长效机制尚在建立，已列入下年工作计划" })
                });
            }
            let level2 = ind.get("level2").and_then(Value::as_str);
            let op = ind.get("operator").and_then(Value::as_str).unwrap_or("ge");
            let positive = op != "le" && op != "lt";
            let share = match (dec(&value), level2) {
                (Some(t), Some("quantity")) if positive && t > Decimal::ONE && (y.every_quantity || !missed_one) => {
                    missed_one = y.quantity < Decimal::ONE;
                    y.quantity
                }
                (Some(_), Some("beneficiary")) if positive => y.satisfaction,
                _ => Decimal::ONE,
            };
            Some(match dec(&value) {
                Some(t) if share < Decimal::ONE => {
                    json!({ "indicator_id": id, "actual": round(t * share, t).to_string(),
                    "deviation_reason": "受项目实施条件影响，部分任务顺延至下年完成" })
                }
                // met exactly (numbers and dates alike)
                _ => json!({ "indicator_id": id, "actual": value }),
            })
        })
        .collect();
    let deviated = y.rate < Decimal::ONE || y.quantity < Decimal::ONE || y.tier != "achieved";
    json!({
        "execution": execution,
        "results": results,
        "report": {
            "basic": "项目按年度绩效目标组织实施，资金按规定用途使用",
            "achievement": "年度绩效目标总体完成",
            "deviation": if deviated { "个别指标未完全达到目标值，原因见偏差说明" } else { "无明显偏差" },
            "improvement": "加强项目事前论证和过程监控，提高资金使用效益",
        },
    })
}

/// What the evaluation demo did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvaluationReport {
    /// Self-evaluations filed now.
    pub filed: usize,
    /// Re-evaluations now.
    pub re_evaluated: usize,
    /// Targets zero-scored when the year closed now.
    pub zero_scored: usize,
}

/// A one-page PDF naming the evidence (valid: header, objects, cross-reference table).
pub fn evidence_pdf(title: &str) -> Vec<u8> {
    let text: String = title.chars().filter(|c| c.is_ascii_graphic() || *c == ' ').collect();
    let stream = format!("BT /F1 14 Tf 72 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (n, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", n + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
}

/// Self-evaluates, files and closes the closed year (once; later calls do nothing).
pub fn load_closed_year(db: &Database, data: &DemoDataset) -> Result<EvaluationReport, SeedError> {
    let year = i32::from(data.fiscal_year);
    store::clock::replay(store::clock::morning(year, 12, 5), || closed_year_now(db, data, year))
}

fn closed_year_now(db: &Database, data: &DemoDataset, year: i32) -> Result<EvaluationReport, SeedError> {
    let mut conn = db.conn()?;
    if store::evaluation::closed(&mut conn, year)?.is_some() {
        return Ok(EvaluationReport::default());
    }
    let profiles = Profiles::load(&mut conn)?;
    let names: std::collections::HashMap<&str, &str> =
        data.departments.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect();
    let finance = caller(DEMO_FINANCE_NAME.into(), Role::Finance, None, None);
    let err = |step: &str| {
        let step = step.to_owned();
        move |source| SeedError::Monitoring { step: format!("evaluation: {step}"), source }
    };
    let assessor = caller(format!("demo {DEMO_ASSESSOR_ORG}"), Role::Assessor, None, Some(DEMO_ASSESSOR_ORG));
    conn.transaction::<_, SeedError, _>(|c| {
        let mut out = EvaluationReport::default();
        svc::set_deadline(c, &finance, year, &format!("{year}-12-20")).map_err(err("deadline"))?;
        let targets = store::monitoring::due_targets(c, year, None, None, 100_000)?;
        let mut to_re_evaluate = Vec::new();
        // The first project of each name in data-set order (ids sort by creation) never files.
        let zero: Vec<&str> = ZERO_SCORED
            .iter()
            .filter_map(|z| targets.iter().find(|t| t.project_name.as_deref().is_some_and(|n| n.ends_with(z))))
            .map(|t| t.id.as_str())
            .collect();
        for (i, t) in targets.iter().enumerate() {
            let name = t.project_name.as_deref().unwrap_or_default();
            if zero.contains(&t.id.as_str()) {
                continue; // never filed: scored 0 when the year closes
            }
            let row = store::targets::get(c, &t.id)?.ok_or_else(|| SeedError::Document(i, "target vanished".into()))?;
            let doc = jixiao_rules::parse_object(&row.document).map_err(|e| SeedError::Document(i, e.to_string()))?;
            let dept = caller(
                format!("demo {}", names.get(t.department_code.as_str()).copied().unwrap_or(&t.department_code)),
                Role::Department,
                Some(t.department_code.clone()),
                None,
            );
            let e = svc::create(c, &dept, &t.id, &profiles).map_err(err("create"))?;
            let evaluation = match evaluation_document(&doc, i) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            let e = svc::update(c, &dept, &e.id, &[e.etag], &evaluation, &profiles).map_err(err("fill"))?;
            if i % 10 == 4 {
                let code = doc.get("project").and_then(|p| p.get("code")).and_then(Value::as_str).unwrap_or_default();
                let pdf = evidence_pdf(&format!("Evidence of {code}: acceptance report, {year}"));
                jixiao_server::service::evidence::attach(c, &dept, &e.id, &format!("{code}-验收报告.pdf"), &pdf)
                    .map_err(err("evidence"))?;
            }
            let e = svc::submit(c, &dept, &e.id, &[e.etag], Locale::ZhCn, &profiles).map_err(err(name))?;
            let e = svc::decide(c, &finance, &e.id, &[e.etag], true, None).map_err(err("file"))?;
            out.filed += 1;
            if i % 25 == 7 {
                to_re_evaluate.push((e.id, doc, evaluation));
            }
        }
        // After the deadline: re-evaluations, by finance and by the assessor it assigned.
        store::clock::advance_to(store::clock::morning(year, 12, 24));
        for (n, (id, doc, evaluation)) in to_re_evaluate.into_iter().enumerate() {
            let mut re = evaluation.clone();
            if let Some(Value::Array(rows)) = re.get_mut("results")
                && let Some(Value::Object(last)) = rows.last_mut()
            {
                let points = doc
                    .get("indicators")
                    .and_then(Value::as_array)
                    .and_then(|inds| inds.last())
                    .and_then(|ind| ind.get("points"))
                    .and_then(dec)
                    .unwrap_or_default();
                last.insert(
                    "override".into(),
                    json!({ "score": two(points * Decimal::new(8, 1)).trim_end_matches('0').trim_end_matches('.'),
                            "reason": "第三方复评抽样满意度低于单位自评，按复评结果计分" }),
                );
            }
            if n % 2 == 1 {
                svc::assign(c, &finance, &id, DEMO_ASSESSOR_ORG).map_err(err("assign"))?;
                svc::re_evaluate(
                    c,
                    &assessor,
                    &id,
                    &re,
                    "受财政局委托复评：抽样回访满意度低于自评",
                    Locale::ZhCn,
                    &profiles,
                )
                .map_err(err("assessor re-evaluate"))?;
            } else {
                svc::re_evaluate(
                    c,
                    &finance,
                    &id,
                    &re,
                    "财政局复评：满意度抽样结果低于单位自评",
                    Locale::ZhCn,
                    &profiles,
                )
                .map_err(err("re-evaluate"))?;
            }
            out.re_evaluated += 1;
        }
        store::clock::advance_to(store::clock::morning(year, 12, 31));
        let closed = svc::close_year(c, &finance, year).map_err(err("close year"))?;
        out.zero_scored = closed.zero_scored.len();
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_rules::Registry;

    /// Every generated self-evaluation scores without an error, with a spread of grades.
    #[test]
    fn generated_evaluations_score_cleanly_with_a_spread_of_grades() {
        let data = crate::dataset::closed_year_dataset();
        let profile = Registry::builtin().default_profile().unwrap();
        let mut grades = std::collections::BTreeMap::new();
        for (i, t) in data.targets.iter().enumerate() {
            let target = t.as_object().unwrap();
            let doc = evaluation_document(target, i);
            let r = jixiao_rules::score(target, doc.as_object().unwrap(), profile, Locale::ZhCn);
            assert!(r.violations.is_empty(), "target {i}: {:?}", r.violations);
            *grades.entry(format!("{:?}", r.grade.unwrap())).or_insert(0) += 1;
        }
        assert!(grades.len() >= 3, "{grades:?}");
        eprintln!("grades of the generated self-evaluations: {grades:?}");
        let names: Vec<&str> = data.targets.iter().filter_map(|t| t["project"]["name"].as_str()).collect();
        for z in ZERO_SCORED {
            assert!(names.iter().any(|n| n.ends_with(z)), "{z}");
        }
    }
}
