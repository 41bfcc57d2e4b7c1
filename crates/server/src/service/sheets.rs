//! Spreadsheets (Excel in and out): the national forms of a target, a monitoring report
//! and a self-evaluation, the bureau's workbook of a year, and a 申报表 read back from
//! xlsx. Authorization is that of the data exported (each form goes through the stage's
//! own `get`, so a department only ever gets its own; the workbook is finance's). The
//! layouts are `jixiao_sheets`; nothing here writes to the database.

use std::collections::HashMap;

use jixiao_rules::{Locale, MonitorReport, parse_object};
use jixiao_sheets::SheetError;
use jixiao_sheets::container::Limits;
use jixiao_sheets::workbook::{BureauWorkbook, EvaluationLine, MonitoringLine, TargetLine, YearSummary};
use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::db::AnyConnection;
use crate::error::{ApiError, Text};
use crate::service::profiles::Profiles;
use crate::service::{evaluation, monitoring, stage, targets};
use crate::store;
use crate::text;

type Result<T> = std::result::Result<T, ApiError>;

/// A file to download: its name (Chinese, sent as RFC 5987 `filename*`) and bytes.
#[derive(Debug)]
pub struct Download {
    /// `项目支出绩效目标申报表-2019年孤儿被装购置费.xlsx`.
    pub file_name: String,
    /// The xlsx.
    pub bytes: Vec<u8>,
}

/// The media type of xlsx.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The one mapping of the sheets crate's errors to problems.
pub fn sheet_error(e: SheetError) -> ApiError {
    let zh = e.message_zh();
    match e {
        SheetError::TooLarge { limit, .. } => {
            ApiError::PayloadTooLarge { limit: usize::try_from(limit).unwrap_or(usize::MAX) }
        }
        // The sheets crate words each error in both languages.
        SheetError::NotASpreadsheet(_) | SheetError::LegacyFormat => {
            ApiError::UnsupportedFile(Text::new(zh, e.to_string()))
        }
        SheetError::Encrypted | SheetError::ZipBomb(_) | SheetError::Corrupt(_) | SheetError::NoForm(_) => {
            ApiError::UnreadableFile(Text::new(zh, e.to_string()))
        }
        SheetError::Write(_) => ApiError::internal(e),
    }
}

fn file_name(title: &str, name: Option<&str>) -> String {
    let clean: String = name
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .take(80)
        .collect();
    if clean.trim().is_empty() { format!("{title}.xlsx") } else { format!("{title}-{}.xlsx", clean.trim()) }
}

fn project_or_department(doc: &Map<String, Value>) -> Option<String> {
    doc.get("project")
        .and_then(|p| p.get("name"))
        .or_else(|| doc.get("department").and_then(|d| d.get("name")))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The 申报表 of a target the caller may read, with its violations under its profile.
pub fn target_form(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    locale: Locale,
    profiles: &Profiles,
) -> Result<Download> {
    let row = targets::get_visible(conn, caller, id)?;
    let doc = parse_object(&row.document).map_err(ApiError::internal)?;
    let profile = profiles.resolve(Some(&row.profile))?;
    let out = jixiao_sheets::target::export(&doc, &profile, locale).map_err(sheet_error)?;
    Ok(Download {
        file_name: file_name(jixiao_sheets::target::title(&doc), project_or_department(&doc).as_deref()),
        bytes: out.bytes,
    })
}

/// The 执行监控表 of a report the caller may read.
pub fn report_form(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    locale: Locale,
    profiles: &Profiles,
) -> Result<Download> {
    let d = monitoring::get_report(conn, caller, id, locale, profiles)?;
    let doc = parse_object(&d.row.document).map_err(ApiError::internal)?;
    let target = store::targets::get(conn, &d.row.target_id)?.ok_or(ApiError::NotFound)?;
    let profile = profiles.resolve(Some(&target.profile))?;
    let out = jixiao_sheets::monitoring::export(&d.target, &doc, &d.result, &profile).map_err(sheet_error)?;
    let title = format!("项目支出绩效目标执行监控表（1-{}月）", d.row.through_month);
    Ok(Download { file_name: file_name(&title, project_or_department(&d.target).as_deref()), bytes: out.bytes })
}

/// The 自评表 of a self-evaluation the caller may read: the latest re-evaluation when there
/// is one (the assessor's scores beside the formula's), else the department's.
pub fn evaluation_form(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    locale: Locale,
    profiles: &Profiles,
) -> Result<Download> {
    let row = evaluation::get(conn, caller, id)?;
    let d = evaluation::detail(conn, row, locale, profiles)?;
    let profile = profiles.resolve(Some(&d.profile))?;
    let (doc, result) = match d.re_evaluations.last() {
        Some(re) => {
            let doc = parse_object(&re.document).map_err(ApiError::internal)?;
            let result = jixiao_rules::score(&d.target, &doc, &profile, locale);
            (doc, result)
        }
        None => {
            let Some(result) = d.result else {
                return Err(ApiError::Conflict(text!(
                    "该项目未按要求开展绩效自评（零分），没有自评表",
                    "this target was zero-scored: there is no self-evaluation form"
                )));
            };
            (parse_object(&d.row.document).map_err(ApiError::internal)?, result)
        }
    };
    let out = jixiao_sheets::evaluation::export(&d.target, &doc, &result, &profile).map_err(sheet_error)?;
    Ok(Download {
        file_name: file_name("项目支出绩效自评表", project_or_department(&d.target).as_deref()),
        bytes: out.bytes,
    })
}

/// Reads a 申报表 from xlsx bytes: the canonical document and its violations with cells.
/// Nothing is stored.
pub fn import(
    bytes: &[u8],
    profile: &jixiao_rules::Profile,
    locale: Locale,
    max_file: usize,
) -> Result<jixiao_sheets::Imported> {
    if bytes.is_empty() {
        return Err(ApiError::InvalidFile(text!("上传的文件为空", "the uploaded file is empty")));
    }
    let limits = Limits { max_file: max_file as u64, ..Limits::default() };
    jixiao_sheets::import_target(bytes, profile, locale, &limits).map_err(sheet_error)
}

/// Rows read from the database at a time while a workbook is written.
const PAGE: i64 = 500;

/// A finished workbook in a file, for the route to stream (its name is already unlinked:
/// the open handle is all that is left, so nothing stays on disk after the download).
#[derive(Debug)]
pub struct WorkbookFile {
    /// `2018年度预算绩效管理工作簿.xlsx`.
    pub file_name: String,
    /// The xlsx, open for reading from its start.
    pub file: std::fs::File,
}

/// The bureau's workbook of a year (finance and administrators): `汇总` and the targets,
/// monitoring and evaluation tables, read page by page and streamed into a temporary file
/// (rust_xlsxwriter's constant-memory mode), which the route streams out: the memory does not
/// grow with the year's size.
pub fn workbook(
    conn: &mut AnyConnection,
    caller: &Caller,
    year: i32,
    through_month: Option<i32>,
    profiles: &Profiles,
) -> Result<WorkbookFile> {
    let tmp = tempfile::NamedTempFile::new().map_err(ApiError::internal)?;
    let file_name = workbook_to(conn, caller, year, through_month, profiles, &mut |_| {}, tmp.path())?;
    let file = tmp.reopen().map_err(ApiError::internal)?;
    Ok(WorkbookFile { file_name, file })
}

/// Writes the workbook of [`workbook`] to `path`, telling `progress` the rows written so far
/// (targets + reports + evaluations) after each page (the command line's progress bar).
/// Returns the workbook's file name.
pub fn workbook_to(
    conn: &mut AnyConnection,
    caller: &Caller,
    year: i32,
    through_month: Option<i32>,
    profiles: &Profiles,
    progress: &mut dyn FnMut(u64),
    path: &std::path::Path,
) -> Result<String> {
    stage::require_finance(caller)?;
    stage::fiscal_year(year)?;
    let summary = evaluation::summary(conn, caller, year, profiles)?;
    let coverage = match through_month {
        Some(_) => monitoring::coverage(conn, caller, year, through_month)?,
        None => summary.monitoring.clone(),
    };
    let all_names: HashMap<String, String> =
        store::departments::list(conn)?.into_iter().map(|d| (d.code, d.name)).collect();
    let dept = |code: &str| all_names.get(code).cloned().unwrap_or_else(|| code.to_owned());
    let mut wb = BureauWorkbook::new(year).map_err(sheet_error)?;

    // Targets, page by page; the review counts of 汇总 are counted on the way.
    let mut review_counts: HashMap<String, i64> = HashMap::new();
    let filter = store::targets::TargetFilter { fiscal_year: Some(year), ..Default::default() };
    let mut cursor: Option<String> = None;
    loop {
        let page = store::targets::list(conn, &filter, cursor.as_deref(), PAGE)?;
        let Some(last) = page.last() else { break };
        cursor = Some(last.id.clone());
        let full = page.len() as i64 == PAGE;
        let ids: Vec<String> = page.iter().map(|t| t.id.clone()).collect();
        let mut grades: HashMap<String, (chrono::NaiveDateTime, String)> = HashMap::new();
        for r in store::review::reviews_of_many(conn, &ids)? {
            let newer = grades.get(&r.target_id).is_none_or(|(at, _)| r.at >= *at);
            if newer {
                grades.insert(r.target_id.clone(), (r.at, r.grade.clone()));
            }
        }
        for t in page {
            *review_counts.entry(t.status.clone()).or_default() += 1;
            wb.push_target(&TargetLine {
                department_name: dept(&t.department_code),
                review_grade: grades.get(&t.id).map(|(_, g)| g.clone()),
                department_code: t.department_code,
                project_code: t.project_code.unwrap_or_default(),
                // Only a project document has a project name (the list row carries no kind).
                kind: if t.project_name.is_some() { "project".to_owned() } else { String::new() },
                project_name: t.project_name.unwrap_or_default(),
                annual_total: t.annual_total.map(|m| m.0),
                status: t.status,
                errors: i64::from(t.error_count),
                warnings: i64::from(t.warning_count),
                classified: t.classified,
            })
            .map_err(sheet_error)?;
        }
        let (t, m, e) = wb.rows();
        progress(u64::from(t) + u64::from(m) + u64::from(e));
        if !full {
            break;
        }
    }
    let mut counts: Vec<(String, i64)> = review_counts.into_iter().collect();
    let order = |s: &str| ["draft", "submitted", "returned", "approved"].iter().position(|x| *x == s).unwrap_or(9);
    counts.sort_by_key(|(s, _)| order(s));

    let g = &summary.grades;
    let year_summary = YearSummary {
        fiscal_year: year,
        through_month,
        review_counts: counts,
        units_with_project_spending: coverage.units_with_project_spending,
        units_monitored: coverage.units_monitored,
        project_spending: coverage.project_spending,
        monitored_spending: coverage.monitored_spending,
        coverage: coverage.coverage,
        approved_targets: summary.approved_targets,
        evaluated: summary.evaluated,
        grades: [g.excellent, g.good, g.fair, g.poor],
        zero_scores: summary
            .zero_scores
            .iter()
            .map(|z| {
                (
                    z.department_name.clone().unwrap_or_else(|| z.department_code.clone()),
                    z.project_name.clone().unwrap_or_default(),
                    z.reason.clone(),
                )
            })
            .collect(),
        evaluated_spending: Some(summary.evaluated_spending),
        recommended_total: Some(summary.recommended_total),
    };

    // Monitoring: every round of the year (or the one of month N), page by page.
    let rounds = store::monitoring::rounds(conn, Some(year), None, 100)?;
    let mut rounds: Vec<_> =
        rounds.into_iter().filter(|r| through_month.is_none_or(|m| r.through_month == m)).collect();
    rounds.sort_by_key(|r| r.through_month);
    for round in rounds {
        let filter = store::monitoring::ReportFilter { round_id: Some(round.id.clone()), ..Default::default() };
        let mut cursor: Option<String> = None;
        loop {
            let page = store::monitoring::reports(conn, &filter, cursor.as_deref(), PAGE)?;
            let Some(last) = page.last() else { break };
            cursor = Some(last.id.clone());
            let full = page.len() as i64 == PAGE;
            let ids: Vec<String> = page.iter().map(|r| r.target_id.clone()).collect();
            let projects: HashMap<String, Option<String>> =
                store::monitoring::target_rows(conn, &ids)?.into_iter().map(|t| (t.id, t.project_name)).collect();
            for r in page {
                wb.push_monitoring(&monitoring_line(
                    &r,
                    projects.get(&r.target_id).cloned().flatten(),
                    dept(&r.department_code),
                ))
                .map_err(sheet_error)?;
            }
            let (t, m, e) = wb.rows();
            progress(u64::from(t) + u64::from(m) + u64::from(e));
            if !full {
                break;
            }
        }
    }

    // Evaluations: one row per approved target with its final score and recommendation.
    let evaluations: HashMap<String, store::evaluation::EvaluationRow> =
        store::evaluation::of_year(conn, year)?.into_iter().map(|e| (e.target_id.clone(), e)).collect();
    for line in &summary.recommendations {
        let e = evaluations.get(&line.target_id);
        wb.push_evaluation(&EvaluationLine {
            department_name: dept(&line.department_code),
            project_name: line.project_name.clone().unwrap_or_default(),
            annual_total: Some(line.annual_total),
            status: e.map_or_else(|| "zero_scored".to_owned(), |e| e.status.clone()),
            self_total: e.and_then(|e| e.total.map(|m| m.0)),
            re_total: line.re_evaluated.then_some(line.final_score),
            final_total: Some(line.final_score),
            grade: serde_json::to_value(line.grade).ok().and_then(|v| v.as_str().map(str::to_owned)),
            zero_reason: e
                .and_then(|e| e.zero_reason.clone())
                .or_else(|| line.zero_score.then(|| "未按要求开展绩效自评".to_owned())),
            recommended: Some(line.decided.unwrap_or(line.recommended)),
        })
        .map_err(sheet_error)?;
    }
    let (t, m, e) = wb.rows();
    progress(u64::from(t) + u64::from(m) + u64::from(e));
    wb.save(path, &year_summary).map_err(sheet_error)?;
    Ok(match through_month {
        Some(m) => format!("{year}年度预算绩效管理工作簿（1-{m}月）.xlsx"),
        None => format!("{year}年度预算绩效管理工作簿.xlsx"),
    })
}

fn monitoring_line(r: &store::monitoring::ReportRow, project: Option<String>, department: String) -> MonitoringLine {
    let result: Option<MonitorReport> = serde_json::from_str(&r.result).ok();
    let doc = parse_object(&r.document).unwrap_or_default();
    let mut causes: Vec<String> = Vec::new();
    if let Some(reason) =
        doc.get("execution").and_then(|e| e.get("reason")).and_then(Value::as_str).filter(|s| !s.trim().is_empty())
    {
        causes.push(format!("执行：{reason}"));
    }
    let mut measures: Vec<String> = Vec::new();
    for row in doc.get("indicators").and_then(Value::as_array).into_iter().flatten() {
        let labels: Vec<&str> = row
            .get("causes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(jixiao_sheets::labels::cause_label)
            .collect();
        for l in labels {
            if !causes.iter().any(|c| c == l) {
                causes.push(l.to_owned());
            }
        }
        if let Some(m) = row.get("measures").and_then(Value::as_str).filter(|s| !s.trim().is_empty()) {
            measures.push(m.to_owned());
        }
    }
    let code = |l: Option<jixiao_rules::Light>| {
        l.and_then(|l| serde_json::to_value(l).ok()).and_then(|v| v.as_str().map(str::to_owned))
    };
    let (red, yellow) = result.as_ref().map_or((0, 0), |m| {
        let rows = |x: jixiao_rules::Light| m.indicators.iter().filter(|i| i.light == Some(x)).count() as i64;
        (rows(jixiao_rules::Light::Red), rows(jixiao_rules::Light::Yellow))
    });
    MonitoringLine {
        department_name: department,
        project_name: project.unwrap_or_default(),
        through_month: r.through_month,
        status: r.status.clone(),
        execution_rate: result.as_ref().and_then(|m| m.execution.rate),
        execution_light: code(result.as_ref().and_then(|m| m.execution.light)),
        light: r.light.clone(),
        red,
        yellow,
        causes: causes.join("；"),
        measures: measures.join("；"),
    }
}
