//! The bureau's workbook of a year (or a monitoring round): `汇总` (FORMATS.md §7:
//! monitoring coverage, the evaluation summary with the grade distribution and the
//! zero-score list, the budget recommendation, the review counts), then one sheet per
//! table — `绩效目标` (review state and grade), `运行监控` (lights with causes and
//! measures), `绩效自评` (scores and grades). The three tables are written in
//! rust_xlsxwriter's constant-memory mode: each row goes to a temporary file as soon as it
//! is pushed, so 100,000 rows cost what 1,000 do (`benches/xlsx.sh` measures it).

use std::path::Path;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::error::SheetError;
use crate::grid::{Content, Grid, Style, format_of};
use crate::labels;

/// The figures of the `汇总` sheet.
#[derive(Debug, Clone, Default)]
pub struct YearSummary {
    /// 年度.
    pub fiscal_year: i32,
    /// Coverage through month N (None: the whole year).
    pub through_month: Option<i32>,
    /// Targets by review status (`draft`, `submitted`, `returned`, `approved`) and count.
    pub review_counts: Vec<(String, i64)>,
    /// Departments with ≥ 1 approved project target.
    pub units_with_project_spending: i64,
    /// Those of them with ≥ 1 accepted monitoring report.
    pub units_monitored: i64,
    /// Σ annual_total of approved project targets (万元).
    pub project_spending: Decimal,
    /// Σ of those with an accepted report (万元).
    pub monitored_spending: Decimal,
    /// monitored ÷ project spending, 4 decimals.
    pub coverage: Option<Decimal>,
    /// Approved targets of the year.
    pub approved_targets: i64,
    /// Targets with a final score.
    pub evaluated: i64,
    /// Final grades: 优, 良, 中, 差.
    pub grades: [i64; 4],
    /// Zero scores: (department, project, reason).
    pub zero_scores: Vec<(String, String, String)>,
    /// Σ annual_total of the evaluated targets (万元).
    pub evaluated_spending: Option<Decimal>,
    /// Σ of next year's recommended amounts (万元).
    pub recommended_total: Option<Decimal>,
}

/// One row of `绩效目标`.
#[derive(Debug, Clone, Default)]
pub struct TargetLine {
    /// 主管部门代码.
    pub department_code: String,
    /// 主管部门.
    pub department_name: String,
    /// 项目编码.
    pub project_code: String,
    /// 项目名称.
    pub project_name: String,
    /// `project` / `department` (blank when not known).
    pub kind: String,
    /// 年度资金总额 (万元).
    pub annual_total: Option<Decimal>,
    /// Review state (`draft`, `submitted`, `returned`, `approved`).
    pub status: String,
    /// Review grade (`excellent` … `poor`), when reviewed.
    pub review_grade: Option<String>,
    /// Errors and warnings at the last write.
    pub errors: i64,
    /// Warnings.
    pub warnings: i64,
    /// 涉密.
    pub classified: bool,
}

/// One row of `运行监控`.
#[derive(Debug, Clone, Default)]
pub struct MonitoringLine {
    /// 主管部门.
    pub department_name: String,
    /// 项目名称.
    pub project_name: String,
    /// Month N.
    pub through_month: i32,
    /// Report status.
    pub status: String,
    /// 执行率.
    pub execution_rate: Option<Decimal>,
    /// Execution light code.
    pub execution_light: Option<String>,
    /// The report's light code.
    pub light: Option<String>,
    /// Red rows.
    pub red: i64,
    /// Yellow rows.
    pub yellow: i64,
    /// 偏差原因: the execution reason and each deviating row's cause labels.
    pub causes: String,
    /// 纠偏措施.
    pub measures: String,
}

/// One row of `绩效自评`.
#[derive(Debug, Clone, Default)]
pub struct EvaluationLine {
    /// 主管部门.
    pub department_name: String,
    /// 项目名称.
    pub project_name: String,
    /// 年度资金总额 (万元).
    pub annual_total: Option<Decimal>,
    /// Status.
    pub status: String,
    /// The department's total.
    pub self_total: Option<Decimal>,
    /// Finance's (or an assessor's) re-evaluation, the latest.
    pub re_total: Option<Decimal>,
    /// The final score.
    pub final_total: Option<Decimal>,
    /// Final grade code.
    pub grade: Option<String>,
    /// Why zero-scored.
    pub zero_reason: Option<String>,
    /// Next year's recommended amount (万元).
    pub recommended: Option<Decimal>,
}

fn f(d: Option<Decimal>) -> Option<f64> {
    d.and_then(|d| d.to_string().parse::<f64>().ok())
}

struct Table {
    index: usize,
    next_row: u32,
    columns: u16,
}

/// A bureau workbook being written.
pub struct BureauWorkbook {
    wb: Workbook,
    targets: Table,
    monitoring: Table,
    evaluations: Table,
    text: Format,
    center: Format,
    money: Format,
    score: Format,
    percent: Format,
}

const TARGET_HEADS: [(&str, f64); 11] = [
    ("序号", 6.0),
    ("部门代码", 9.0),
    ("主管部门", 22.0),
    ("项目编码", 14.0),
    ("项目名称", 36.0),
    ("类型", 10.0),
    ("年度资金（万元）", 14.0),
    ("审核状态", 9.0),
    ("审核等级", 9.0),
    ("错误/警告", 10.0),
    ("涉密", 6.0),
];
const MONITORING_HEADS: [(&str, f64); 11] = [
    ("序号", 6.0),
    ("主管部门", 22.0),
    ("项目名称", 36.0),
    ("监控期", 9.0),
    ("状态", 9.0),
    ("执行率", 9.0),
    ("执行灯", 8.0),
    ("总体灯", 8.0),
    ("红灯/黄灯指标", 12.0),
    ("偏差原因", 30.0),
    ("纠偏措施", 30.0),
];
const EVALUATION_HEADS: [(&str, f64); 11] = [
    ("序号", 6.0),
    ("主管部门", 22.0),
    ("项目名称", 36.0),
    ("年度资金（万元）", 14.0),
    ("状态", 12.0),
    ("自评得分", 9.0),
    ("复评得分", 9.0),
    ("最终得分", 9.0),
    ("等级", 6.0),
    ("零分原因", 22.0),
    ("建议下年预算（万元）", 16.0),
];

impl BureauWorkbook {
    /// Starts the workbook of `fiscal_year`: an empty `汇总` (a normal sheet, filled when
    /// the workbook is finished, so its figures may be counted while the rows stream) and
    /// the three tables' headings.
    pub fn new(fiscal_year: i32) -> Result<BureauWorkbook, SheetError> {
        let mut wb = Workbook::new();
        let title = format!("{fiscal_year}年度预算绩效管理汇总");
        crate::target::set_properties(&mut wb, &title);
        wb.add_worksheet().set_name("汇总")?;
        let mut table = |name: &str, heads: &[(&str, f64)], title: String| -> Result<Table, XlsxError> {
            let ws = wb.add_worksheet_with_constant_memory()?;
            ws.set_name(name)?;
            let label = format_of(Style::Label, false);
            let title_format = format_of(Style::Title, false);
            let last = heads.len() as u16 - 1;
            for (c, (_, w)) in heads.iter().enumerate() {
                ws.set_column_width(c as u16, *w)?;
            }
            ws.merge_range(0, 0, 0, last, &title, &title_format)?;
            ws.set_row_height(0, 28.0)?;
            for (c, (h, _)) in heads.iter().enumerate() {
                ws.write_string_with_format(1, c as u16, *h, &label)?;
            }
            ws.set_freeze_panes(2, 0)?;
            ws.set_repeat_rows(1, 1)?;
            ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0);
            ws.set_footer("&C第 &P 页，共 &N 页");
            Ok(Table { index: 0, next_row: 2, columns: heads.len() as u16 })
        };
        let y = fiscal_year;
        let mut targets = table("绩效目标", &TARGET_HEADS, format!("{y}年度绩效目标审核情况"))?;
        let mut monitoring = table("运行监控", &MONITORING_HEADS, format!("{y}年度绩效运行监控情况"))?;
        let mut evaluations = table("绩效自评", &EVALUATION_HEADS, format!("{y}年度绩效自评及结果应用"))?;
        targets.index = 1;
        monitoring.index = 2;
        evaluations.index = 3;
        Ok(BureauWorkbook {
            wb,
            targets,
            monitoring,
            evaluations,
            text: format_of(Style::Text, false),
            center: format_of(Style::Center, false),
            money: format_of(Style::Money, false),
            score: format_of(Style::Score, false),
            percent: format_of(Style::Percent, false),
        })
    }

    /// Appends a row to `绩效目标`.
    pub fn push_target(&mut self, t: &TargetLine) -> Result<(), SheetError> {
        let r = self.targets.next_row;
        let (text, center, money) = (self.text.clone(), self.center.clone(), self.money.clone());
        let ws = self.wb.worksheet_from_index(self.targets.index)?;
        ws.write_number_with_format(r, 0, f64::from(r - 1), &center)?;
        ws.write_string_with_format(r, 1, &t.department_code, &center)?;
        ws.write_string_with_format(r, 2, &t.department_name, &text)?;
        ws.write_string_with_format(r, 3, &t.project_code, &center)?;
        ws.write_string_with_format(r, 4, &t.project_name, &text)?;
        let kind = match t.kind.as_str() {
            "department" => "部门整体",
            "project" => "项目",
            _ => "",
        };
        ws.write_string_with_format(r, 5, kind, &center)?;
        match f(t.annual_total) {
            Some(v) => ws.write_number_with_format(r, 6, v, &money)?,
            None => ws.write_blank(r, 6, &money)?,
        };
        ws.write_string_with_format(r, 7, labels::status_label(&t.status), &center)?;
        ws.write_string_with_format(r, 8, t.review_grade.as_deref().map_or("", labels::grade_label), &center)?;
        ws.write_string_with_format(r, 9, format!("{}/{}", t.errors, t.warnings), &center)?;
        ws.write_string_with_format(r, 10, if t.classified { "是" } else { "否" }, &center)?;
        self.targets.next_row += 1;
        Ok(())
    }

    /// Appends a row to `运行监控`. (Rows keep the default height: a height per row is kept
    /// by rust_xlsxwriter for the whole sheet even in constant-memory mode — 5× the memory at
    /// 100,000 rows, measured by benches/xlsx.sh — so long causes wrap inside their cell.)
    pub fn push_monitoring(&mut self, m: &MonitoringLine) -> Result<(), SheetError> {
        let r = self.monitoring.next_row;
        let (text, center, percent) = (self.text.clone(), self.center.clone(), self.percent.clone());
        let ws = self.wb.worksheet_from_index(self.monitoring.index)?;
        ws.write_number_with_format(r, 0, f64::from(r - 1), &center)?;
        ws.write_string_with_format(r, 1, &m.department_name, &text)?;
        ws.write_string_with_format(r, 2, &m.project_name, &text)?;
        ws.write_string_with_format(r, 3, format!("1-{}月", m.through_month), &center)?;
        ws.write_string_with_format(r, 4, labels::status_label(&m.status), &center)?;
        match f(m.execution_rate) {
            Some(v) => ws.write_number_with_format(r, 5, v, &percent)?,
            None => ws.write_blank(r, 5, &percent)?,
        };
        for (c, l) in [(6, &m.execution_light), (7, &m.light)] {
            let fmt = l
                .as_deref()
                .and_then(crate::grid::LightColor::of)
                .map_or_else(|| center.clone(), |c| format_of(Style::Light(c), false));
            ws.write_string_with_format(r, c, l.as_deref().map_or("", labels::light_label), &fmt)?;
        }
        ws.write_string_with_format(r, 8, format!("{}/{}", m.red, m.yellow), &center)?;
        ws.write_string_with_format(r, 9, &m.causes, &text)?;
        ws.write_string_with_format(r, 10, &m.measures, &text)?;
        self.monitoring.next_row += 1;
        Ok(())
    }

    /// Appends a row to `绩效自评`.
    pub fn push_evaluation(&mut self, e: &EvaluationLine) -> Result<(), SheetError> {
        let r = self.evaluations.next_row;
        let (text, center, money, number) =
            (self.text.clone(), self.center.clone(), self.money.clone(), self.score.clone());
        let ws = self.wb.worksheet_from_index(self.evaluations.index)?;
        ws.write_number_with_format(r, 0, f64::from(r - 1), &center)?;
        ws.write_string_with_format(r, 1, &e.department_name, &text)?;
        ws.write_string_with_format(r, 2, &e.project_name, &text)?;
        for (c, v, fmt) in [
            (3, e.annual_total, &money),
            (5, e.self_total, &number),
            (6, e.re_total, &number),
            (7, e.final_total, &number),
            (10, e.recommended, &money),
        ] {
            match f(v) {
                Some(x) => ws.write_number_with_format(r, c, x, fmt)?,
                None => ws.write_blank(r, c, fmt)?,
            };
        }
        ws.write_string_with_format(r, 4, labels::status_label(&e.status), &center)?;
        ws.write_string_with_format(r, 8, e.grade.as_deref().map_or("", labels::grade_label), &center)?;
        ws.write_string_with_format(r, 9, e.zero_reason.as_deref().unwrap_or(""), &text)?;
        self.evaluations.next_row += 1;
        Ok(())
    }

    /// Rows written so far to (targets, monitoring, evaluations).
    pub fn rows(&self) -> (u32, u32, u32) {
        (self.targets.next_row - 2, self.monitoring.next_row - 2, self.evaluations.next_row - 2)
    }

    fn close_tables(&mut self, summary: &YearSummary) -> Result<(), SheetError> {
        summary_grid(summary).render_on(self.wb.worksheet_from_index(0)?)?;
        for t in [&self.targets, &self.monitoring, &self.evaluations] {
            let (index, last_row, cols) = (t.index, t.next_row.max(3) - 1, t.columns);
            let ws = self.wb.worksheet_from_index(index)?;
            ws.autofilter(1, 0, last_row, cols - 1)?;
            ws.set_print_area(0, 0, last_row, cols - 1)?;
        }
        Ok(())
    }

    /// Finishes the workbook (with its `汇总`) into a file at `path`.
    pub fn save(mut self, path: &Path, summary: &YearSummary) -> Result<(), SheetError> {
        self.close_tables(summary)?;
        self.wb.save(path)?;
        Ok(())
    }

    /// Finishes the workbook (with its `汇总`) into bytes.
    pub fn into_bytes(mut self, summary: &YearSummary) -> Result<Vec<u8>, SheetError> {
        self.close_tables(summary)?;
        Ok(self.wb.save_to_buffer()?)
    }
}

fn summary_grid(s: &YearSummary) -> Grid {
    let mut g = Grid::new("汇总", 3);
    for (c, w) in [26.0, 30.0, 30.0, 30.0].iter().enumerate() {
        g.width(c as u16, *w);
    }
    g.put(0, 0, 0, 3, Content::Text(format!("{}年度预算绩效管理汇总", s.fiscal_year)), Style::Title);
    g.height(0, 32.0);
    g.put(1, 0, 1, 3, Content::Text("金额单位：万元".into()), Style::Note);
    g.freeze_rows = 2;
    let num = |d: Option<Decimal>| f(d).map_or(Content::Blank, Content::Number);
    let mut r = 2;
    let section = |g: &mut Grid, r: &mut u32, title: &str| {
        g.put(*r, 0, *r, 3, Content::Text(title.into()), Style::Label);
        *r += 1;
    };
    let line = |g: &mut Grid, r: &mut u32, label: &str, v: Content, style: Style| {
        g.cell(*r, 0, Content::Text(label.into()), Style::Label);
        g.put(*r, 1, *r, 3, v, style);
        *r += 1;
    };

    section(&mut g, &mut r, "一、绩效目标审核");
    for (status, n) in &s.review_counts {
        line(&mut g, &mut r, labels::status_label(status), Content::Number(*n as f64), Style::Number);
    }
    let through = s.through_month.map_or_else(|| "全年".to_owned(), |m| format!("1-{m}月"));
    section(&mut g, &mut r, &format!("二、绩效运行监控覆盖情况（{through}）"));
    line(&mut g, &mut r, "有项目支出的单位数", Content::Number(s.units_with_project_spending as f64), Style::Number);
    line(&mut g, &mut r, "已开展监控的单位数", Content::Number(s.units_monitored as f64), Style::Number);
    line(&mut g, &mut r, "项目支出（万元）", num(Some(s.project_spending)), Style::Money);
    line(&mut g, &mut r, "已监控支出（万元）", num(Some(s.monitored_spending)), Style::Money);
    line(&mut g, &mut r, "监控覆盖率", num(s.coverage), Style::Percent);

    section(&mut g, &mut r, "三、绩效自评及结果应用");
    line(&mut g, &mut r, "已批复绩效目标数", Content::Number(s.approved_targets as f64), Style::Number);
    line(&mut g, &mut r, "已评价项目数", Content::Number(s.evaluated as f64), Style::Number);
    for (k, grade) in ["优", "良", "中", "差"].iter().enumerate() {
        let n = s.grades.get(k).copied().unwrap_or(0);
        line(&mut g, &mut r, &format!("等级为“{grade}”的项目数"), Content::Number(n as f64), Style::Number);
    }
    line(&mut g, &mut r, "评价项目支出（万元）", num(s.evaluated_spending), Style::Money);
    line(&mut g, &mut r, "下年建议预算合计（万元）", num(s.recommended_total), Style::Money);
    line(&mut g, &mut r, "零分项目数", Content::Number(s.zero_scores.len() as f64), Style::Number);
    if !s.zero_scores.is_empty() {
        for (c, h) in ["序号", "主管部门", "项目名称", "原因"].iter().enumerate() {
            g.cell(r, c as u16, Content::Text((*h).into()), Style::Label);
        }
        r += 1;
        for (k, (d, p, why)) in s.zero_scores.iter().enumerate() {
            g.cell(r, 0, Content::Number((k + 1) as f64), Style::Number);
            g.cell(r, 1, Content::Text(d.clone()), Style::Text);
            g.cell(r, 2, Content::Text(p.clone()), Style::Text);
            g.cell(r, 3, Content::Text(why.clone()), Style::Text);
            r += 1;
        }
    }
    g
}
