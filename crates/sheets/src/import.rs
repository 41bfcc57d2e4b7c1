//! A 申报表 read from xlsx into the canonical target document of FORMATS.md §1, and its
//! violations under a profile, each with the cell it is about beside its JSON Pointer.
//!
//! The reader goes by the words on the sheet, not by fixed positions, so it reads the
//! layout [`crate::target::export`] writes and the common published variants:
//! labels anywhere on a row with the value in the next cell (merged or not); the
//! indicator grid found by its headings (`三级指标` or `指标名称`), columns in any order;
//! the level-1/level-2 cells merged down their rows or written only on the first row of
//! their group; `≥95%` in the value cell (operator and unit taken from it); amounts in 万元
//! or, under a `元` heading, in 元 (divided by 10,000 exactly); full-width digits,
//! operators and spaces. What it cannot read is kept as written, so the rules report it
//! at its cell instead of the reader guessing.
//!
//! Bytes pass [`crate::container::inspect`] first; cells are streamed into a sparse map
//! with a cap, so a sheet claiming a huge used range costs nothing.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};
use jixiao_rules::{Locale, Profile};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::cells::{CellMap, CellRef, CellViolation};
use crate::container::{self, Limits};
use crate::error::SheetError;
use crate::labels::{self, label_key, normalize};

/// At most this many non-empty cells are read from one sheet.
pub const MAX_CELLS: usize = 200_000;

/// What an import gives back: the document, its violations with cells, and how it was read.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// The canonical target document (FORMATS.md §1); nothing is stored.
    pub document: Map<String, Value>,
    /// `true` when no error-level violation remains.
    pub valid: bool,
    /// The document's violations under the profile, each with its cell (`申报表!F12`).
    pub violations: Vec<CellViolation>,
    /// The sheet the form was read from.
    pub sheet: String,
    /// `万元`, or `元` when the amounts were read in 元 and divided by 10,000.
    pub amount_unit: String,
}

/// Reads a 申报表 from xlsx bytes and checks it under `profile`.
pub fn import_target(bytes: &[u8], profile: &Profile, locale: Locale, limits: &Limits) -> Result<Imported, SheetError> {
    container::inspect(bytes, limits)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsxError::Password => SheetError::Encrypted,
        other => SheetError::Corrupt(other.to_string()),
    })?;
    let names = wb.sheet_names();
    let mut best: Option<(usize, Sheet)> = None;
    for name in names.iter().filter(|n| n.as_str() != "校验结果") {
        let sheet = Sheet::read(&mut wb, name)?;
        let score = sheet.form_score();
        if score > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, sheet));
        }
    }
    let Some((_, sheet)) = best else {
        return Err(SheetError::NoForm(format!("sheets: {}", names.join(", "))));
    };
    let (document, map, unit) = read_form(&sheet, &profile.framework);
    let report = jixiao_rules::check(&document, profile, locale);
    Ok(Imported {
        valid: report.valid,
        violations: map.locate(report.violations),
        document,
        sheet: sheet.name,
        amount_unit: unit.to_owned(),
    })
}

/// A cell's value as the reader needs it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Number(f64),
    Date(String),
    Bool(bool),
}

impl Cell {
    /// The text of the cell, trimmed (numbers as their shortest decimal).
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.trim().to_owned(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(d) => d.clone(),
            Cell::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        }
    }
}

/// A sheet as a sparse map of cells and its merged regions.
struct Sheet {
    name: String,
    cells: HashMap<(u32, u32), Cell>,
    merges: Vec<((u32, u32), (u32, u32))>,
    max_row: u32,
}

fn date_from_serial(serial: f64, is_1904: bool) -> Option<String> {
    if !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    // Days since 1970-01-01 (Excel's 1900 system counts from 1899-12-30 for serials > 60).
    let days = serial.floor() as i64 + if is_1904 { 24107 } else { -25569 };
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

impl Sheet {
    fn read(wb: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Sheet, SheetError> {
        let is_1904 = wb.has_1904_epoch();
        let merges: Vec<_> = wb
            .merge_cells_by_sheet_name(name)
            .map_err(|e| SheetError::Corrupt(e.to_string()))?
            .into_iter()
            .map(|d| (d.start, d.end))
            .collect();
        if merges.len() > MAX_CELLS {
            return Err(SheetError::ZipBomb(format!("{} merged regions on sheet {name}", merges.len())));
        }
        let mut reader = wb.worksheet_cells_reader(name).map_err(|e| SheetError::Corrupt(e.to_string()))?;
        let mut cells = HashMap::new();
        let mut max_row = 0;
        while let Some(c) = reader.next_cell().map_err(|e| SheetError::Corrupt(e.to_string()))? {
            let pos = c.get_position();
            let v = match c.get_value() {
                DataRef::Int(i) => Cell::Number(*i as f64),
                DataRef::Float(f) => Cell::Number(*f),
                DataRef::String(s) => Cell::Text(s.clone()),
                DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
                DataRef::Bool(b) => Cell::Bool(*b),
                DataRef::DateTime(d) => match date_from_serial(d.as_f64(), is_1904) {
                    Some(s) if d.is_datetime() => Cell::Date(s),
                    _ => Cell::Number(d.as_f64()),
                },
                DataRef::DateTimeIso(s) => Cell::Date(s.get(..10).unwrap_or(s).to_owned()),
                DataRef::DurationIso(s) => Cell::Text(s.clone()),
                DataRef::Error(_) | DataRef::Empty => continue,
            };
            if matches!(&v, Cell::Text(s) if s.trim().is_empty()) {
                continue;
            }
            if cells.len() >= MAX_CELLS {
                return Err(SheetError::ZipBomb(format!("more than {MAX_CELLS} cells on sheet {name}")));
            }
            max_row = max_row.max(pos.0);
            cells.insert(pos, v);
        }
        Ok(Sheet { name: name.to_owned(), cells, merges, max_row })
    }

    fn get(&self, row: u32, col: u32) -> Option<&Cell> {
        self.cells.get(&(row, col))
    }

    /// The merged region starting at (row, col), if any.
    fn merge_at(&self, row: u32, col: u32) -> Option<((u32, u32), (u32, u32))> {
        self.merges.iter().copied().find(|(s, _)| *s == (row, col))
    }

    /// The last column of the cell at (row, col) (its merge's end, else itself).
    fn end_col(&self, row: u32, col: u32) -> u32 {
        self.merge_at(row, col).map_or(col, |(_, e)| e.1)
    }

    fn row_cells(&self, row: u32) -> Vec<(u32, &Cell)> {
        let mut v: Vec<_> = self.cells.iter().filter(|((r, _), _)| *r == row).map(|((_, c), v)| (*c, v)).collect();
        v.sort_by_key(|(c, _)| *c);
        v
    }

    /// How much this sheet looks like a 申报表: the indicator heading counts most. 0 — not a
    /// 申报表 — without the indicator grid's heading and at least one header label, or when
    /// it carries a heading only the other national tables have (the 执行监控表, the 自评表,
    /// the bureau's workbook): those are refused, not read as a nonsense target.
    fn form_score(&self) -> usize {
        let (mut heading, mut labels) = (false, 0);
        for v in self.cells.values() {
            if let Cell::Text(s) = v {
                let k = label_key(s);
                if other_table(&k) {
                    return 0;
                }
                if name_heading(&k) {
                    heading = true;
                } else if field_of(&k).is_some() {
                    labels += 1;
                }
            }
        }
        if heading && labels > 0 { 10 + labels } else { 0 }
    }
}

/// A title or heading of a national table that is not a 申报表 (the 执行监控表, the 自评表
/// and the workbook's sheets write these; a 申报表 never does).
fn other_table(k: &str) -> bool {
    k.contains("执行监控表")
        || k.contains("自评表")
        || (k.starts_with("1-") && k.contains("月执行"))
        || (k.starts_with("1-") && k.contains("月实际完成值"))
        || matches!(
            k,
            "全年执行数"
                | "全年预计执行数"
                | "执行灯"
                | "执行偏差原因"
                | "实际完成值"
                | "实际完成情况"
                | "按公式计算得分"
                | "偏差原因分析"
                | "偏差原因分析及改进措施"
                | "自评得分"
                | "复评得分"
                | "最终得分"
                | "审核状态"
        )
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{}", n as i64);
    }
    let s = format!("{n}");
    match s.parse::<Decimal>() {
        // Float noise from formulas (0.30000000000000004) is cut at 10 decimals.
        Ok(d) if d.scale() > 10 => d.round_dp(10).normalize().to_string(),
        _ => s,
    }
}

/// The header fields a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    ProjectName,
    ProjectCode,
    DepartmentName,
    DepartmentCode,
    DepartmentBoth,
    UnitName,
    UnitCode,
    Attribute,
    Year,
    Start,
    End,
    Period,
    Region,
    Classified,
    Annual,
    MidTerm,
    Sources,
    GoalAnnual,
    GoalMidTerm,
    Tasks,
}

fn field_of(key: &str) -> Option<Field> {
    let k = key.strip_suffix("万元").or_else(|| key.strip_suffix("元")).unwrap_or(key);
    Some(match k {
        "项目名称" => Field::ProjectName,
        "项目编码" | "项目代码" | "项目编号" => Field::ProjectCode,
        "主管部门" | "主管部门名称" | "部门名称" | "部门单位名称" | "单位名称" | "预算部门" => {
            Field::DepartmentName
        }
        "部门代码" | "主管部门代码" | "部门编码" | "预算部门代码" => Field::DepartmentCode,
        "主管部门及代码" | "主管部门及编码" => Field::DepartmentBoth,
        "实施单位" | "实施单位名称" => Field::UnitName,
        "单位代码" | "实施单位代码" | "单位编码" => Field::UnitCode,
        "项目属性" => Field::Attribute,
        "年度" | "预算年度" | "年份" | "申报年度" => Field::Year,
        "开始日期" | "起始日期" | "开始时间" | "项目开始日期" | "项目开始时间" => Field::Start,
        "结束日期" | "截止日期" | "完成日期" | "结束时间" | "项目结束日期" | "项目结束时间" => {
            Field::End
        }
        "项目期" | "起止时间" | "项目周期" | "实施期限" | "项目起止日期" | "起止日期" | "项目起止时间" => {
            Field::Period
        }
        "区划代码" | "行政区划代码" | "区划" => Field::Region,
        "是否涉密" | "涉密" => Field::Classified,
        "年度资金总额" | "年度资金" | "年度预算资金" | "年度资金合计" | "项目资金总额" | "资金总额" => {
            Field::Annual
        }
        "中期资金总额" | "中期资金" | "中期资金合计" => Field::MidTerm,
        "资金来源" | "其中资金来源" | "其中:资金来源" | "其中：资金来源" => Field::Sources,
        "年度目标" | "年度绩效目标" | "年度总体目标" => Field::GoalAnnual,
        "中期目标" | "长期目标" | "中期长期目标" | "中长期目标" | "中期/长期目标" => {
            Field::GoalMidTerm
        }
        "年度主要任务" | "主要任务" => Field::Tasks,
        _ => return None,
    })
}

/// The amount unit a label carries (`年度资金总额（元）`), if any.
fn unit_of(key: &str) -> Option<&'static str> {
    if key.ends_with("万元") {
        Some("万元")
    } else if key.ends_with('元') {
        Some("元")
    } else {
        None
    }
}

const SOURCE_NAMES: [&str; 12] = [
    "财政拨款",
    "其他资金",
    "上级补助",
    "本级财政",
    "自有资金",
    "事业收入",
    "经营收入",
    "自治区补助",
    "中央补助",
    "上级财政",
    "财政资金",
    "其他",
];

/// `其中：财政拨款` or `财政拨款` as a row label: a source named on the label itself.
fn source_label(key: &str) -> Option<String> {
    let k = key.strip_suffix("万元").or_else(|| key.strip_suffix("元")).unwrap_or(key);
    if let Some(rest) = k.strip_prefix("其中").map(|r| r.trim_start_matches([':', '：']))
        && !rest.is_empty()
        && field_of(rest).is_none()
    {
        return Some(rest.to_owned());
    }
    SOURCE_NAMES.contains(&k).then(|| k.to_owned())
}

fn name_heading(k: &str) -> bool {
    matches!(k, "三级指标" | "指标名称" | "三级指标名称")
}

/// Indicator grid columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Level1,
    Level2,
    Name,
    Nature,
    Operator,
    Value,
    AnnualValue,
    Unit,
    Points,
    Explanation,
    ScoringRule,
    Basis,
    Core,
    Id,
}

fn col_of(k: &str) -> Option<Col> {
    Some(match k {
        "一级指标" => Col::Level1,
        "二级指标" => Col::Level2,
        "三级指标" | "指标名称" | "三级指标名称" => Col::Name,
        "指标性质" | "性质" | "指标类型" | "定量定性" => Col::Nature,
        "计算符号" | "符号" | "运算符号" | "指标值符号" | "比较符号" => Col::Operator,
        "指标值" | "目标值" | "绩效指标值" | "指标值目标值" => Col::Value,
        "年度指标值" | "年度目标值" => Col::AnnualValue,
        "计量单位" | "度量单位" | "单位" => Col::Unit,
        "分值" | "权重" | "指标分值" | "分值权重" | "权重分值" => Col::Points,
        "指标解释" | "指标内容" | "指标说明" | "指标解释说明" => Col::Explanation,
        "评扣分标准" | "评分标准" | "评分规则" | "评扣分规则" => Col::ScoringRule,
        "指标值设定依据" | "设定依据" | "绩效标准" | "指标值确定依据" | "指标值设定依据及数据来源" => {
            Col::Basis
        }
        "核心指标" | "是否核心指标" => Col::Core,
        "指标编号" | "编号" | "指标编码" | "id" | "ID" | "指标id" => Col::Id,
        _ => return None,
    })
}

/// The document being built and where each piece came from.
struct Builder<'a> {
    sheet: &'a Sheet,
    map: CellMap,
}

impl Builder<'_> {
    fn at(&mut self, pointer: impl Into<String>, row: u32, col: u32) {
        self.map.insert(pointer, CellRef::new(&self.sheet.name, row, col as u16));
    }
}

/// The value of a label at (row, col): the first non-empty cell right of the label's
/// merge on the same row, unless that is another label. Returns the cell position where
/// the value is (or should be) and the value.
fn value_right(sheet: &Sheet, row: u32, col: u32) -> ((u32, u32), Option<Cell>) {
    let start = sheet.end_col(row, col) + 1;
    for (c, v) in sheet.row_cells(row) {
        if c < start {
            continue;
        }
        if let Cell::Text(s) = v {
            let k = label_key(s);
            if field_of(&k).is_some() || source_label(&k).is_some() {
                return ((row, start), None);
            }
        }
        return ((row, c), Some(v.clone()));
    }
    ((row, start), None)
}

/// An amount cell read in `unit`: exact decimal (元 ÷ 10,000), 2 decimals when it has at
/// most 2; anything else as written (the rules then say `AMOUNT_INVALID` at the cell).
fn amount_value(cell: &Cell, unit: &str) -> Value {
    let (d, unit) = match cell {
        Cell::Number(n) => (number_text(*n).parse::<Decimal>().ok(), unit),
        Cell::Text(s) => {
            let mut t: String = normalize(s).chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
            let mut unit = unit;
            if let Some(x) = t.strip_suffix("万元") {
                t = x.to_owned();
                unit = "万元";
            } else if let Some(x) = t.strip_suffix('元') {
                t = x.to_owned();
                unit = "元";
            }
            let ok = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
            (if ok { t.parse::<Decimal>().ok() } else { None }, unit)
        }
        other => return Value::String(other.text()),
    };
    let Some(mut d) = d else {
        return Value::String(cell.text());
    };
    if unit == "元" {
        d /= Decimal::from(10_000);
    }
    let d = d.normalize();
    if d.scale() <= 2 {
        let mut r = d;
        r.rescale(2);
        Value::String(r.to_string())
    } else {
        Value::String(d.to_string())
    }
}

fn text_value(cell: &Cell) -> Option<String> {
    let t = cell.text();
    (!t.is_empty()).then_some(t)
}

/// `2019-01-01`, `2019/1/1`, `2019.1.1`, `2019年1月1日` as `YYYY-MM-DD`.
fn parse_date_text(s: &str) -> Option<String> {
    let t = normalize(s);
    let t = t.trim_end_matches("之前").trim_end_matches('前').trim_end_matches('日');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3 {
        return None;
    }
    let y: u32 = parts.first()?.parse().ok()?;
    let m: u32 = parts.get(1)?.parse().ok()?;
    let d: u32 = parts.get(2)?.parse().ok()?;
    if !(1000..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn date_value(cell: &Cell) -> Value {
    match cell {
        Cell::Date(d) => Value::String(d.clone()),
        Cell::Text(s) => Value::String(parse_date_text(s).unwrap_or_else(|| s.trim().to_owned())),
        other => Value::String(other.text()),
    }
}

fn insert(o: &mut Map<String, Value>, k: &str, v: Option<Value>) {
    if let Some(v) = v {
        o.insert(k.to_owned(), v);
    }
}

/// Reads the form on `sheet`: the document, where each pointer is, and the amount unit.
fn read_form(sheet: &Sheet, fw: &jixiao_rules::Framework) -> (Map<String, Value>, CellMap, &'static str) {
    let mut b = Builder { sheet, map: CellMap::default() };

    // The indicator heading row: the row with the most indicator headings, one of them the name.
    let mut header: Option<(u32, HashMap<Col, u32>)> = None;
    for row in 0..=sheet.max_row {
        let mut cols = HashMap::new();
        for (c, v) in sheet.row_cells(row) {
            if let Cell::Text(s) = v
                && let Some(col) = col_of(&label_key(s))
            {
                cols.entry(col).or_insert(c);
            }
        }
        if cols.contains_key(&Col::Name) && header.as_ref().is_none_or(|(_, h)| cols.len() > h.len()) {
            header = Some((row, cols));
        }
    }
    let header_row = header.as_ref().map(|(r, _)| *r);
    let top_end = header_row.unwrap_or(sheet.max_row);

    // Kind and the sheet's amount unit.
    let mut kind: Option<(String, (u32, u32))> = None;
    let mut sheet_unit = "万元";
    let mut title_cell = (0, 0);
    for row in 0..=top_end {
        for (c, v) in sheet.row_cells(row) {
            let Cell::Text(s) = v else { continue };
            let k = label_key(s).replace('：', ":");
            if kind.is_none() && k.contains("申报表") {
                title_cell = (row, c);
                let kd = if k.contains("整体") { "department" } else { "project" };
                kind = Some((kd.to_owned(), (row, c)));
            }
            if let Some(rest) = k.strip_prefix("金额单位:").or_else(|| k.strip_prefix("单位:")) {
                if rest == "元" {
                    sheet_unit = "元";
                } else if rest == "万元" {
                    sheet_unit = "万元";
                }
            }
        }
    }
    b.at("", title_cell.0, title_cell.1);
    b.at("/kind", title_cell.0, title_cell.1);
    let mut used_unit = "万元";

    let mut doc = Map::new();
    let mut dept = Map::new();
    let mut unit = Map::new();
    let mut project = Map::new();
    let mut funds = Map::new();
    let mut goals = Map::new();
    let mut sources: Vec<Value> = Vec::new();
    let mut tasks: Vec<Value> = Vec::new();
    let mut seen_fields = HashSet::new();
    let mut sources_anchor: Option<(u32, u32)> = None;
    let mut consumed_rows: HashSet<u32> = HashSet::new();

    for row in 0..top_end {
        if consumed_rows.contains(&row) {
            continue;
        }
        for (c, v) in sheet.row_cells(row) {
            let Cell::Text(s) = v else { continue };
            let key = label_key(s);
            if let Some(name) = source_label(&key) {
                let ((vr, vc), val) = value_right(sheet, row, c);
                let unit = unit_of(&key).unwrap_or(sheet_unit);
                let k = sources.len();
                sources_anchor.get_or_insert((row, c));
                let mut o = Map::new();
                o.insert("source".into(), Value::String(name));
                b.at(format!("/funds/sources/{k}/source"), row, c);
                if let Some(val) = val {
                    if unit == "元" {
                        used_unit = "元";
                    }
                    o.insert("amount".into(), amount_value(&val, unit));
                }
                b.at(format!("/funds/sources/{k}"), vr, vc);
                b.at(format!("/funds/sources/{k}/amount"), vr, vc);
                sources.push(Value::Object(o));
                continue;
            }
            let Some(field) = field_of(&key) else { continue };
            if !seen_fields.insert(field) {
                continue;
            }
            let amount_unit = unit_of(&key).unwrap_or(sheet_unit);
            match field {
                Field::Sources => {
                    sources_anchor = Some((row, c));
                    let last = sheet.merge_at(row, c).map_or(row, |(_, e)| e.0);
                    let mut r = row;
                    loop {
                        if r > last {
                            // Unmerged variants: continue while the label column is empty.
                            let has_label = sheet.row_cells(r).iter().any(|(_, v)| matches!(v, Cell::Text(s) if field_of(&label_key(s)).is_some() || source_label(&label_key(s)).is_some() || col_of(&label_key(s)).is_some()));
                            if r >= top_end || sheet.get(r, c).is_some() || has_label || sheet.row_cells(r).is_empty() {
                                break;
                            }
                        }
                        let cells: Vec<(u32, Cell)> = sheet
                            .row_cells(r)
                            .into_iter()
                            .filter(|(cc, _)| *cc > sheet.end_col(row, c))
                            .map(|(cc, v)| (cc, v.clone()))
                            .collect();
                        if !cells.is_empty() {
                            let k = sources.len();
                            let mut o = Map::new();
                            let mut it = cells.iter();
                            let first = it.next();
                            // Two cells: name and amount (a name may be digits); one cell: an
                            // amount when it looks like one, else a name.
                            let (name, amount) = match first {
                                Some((cc, v)) if cells.len() >= 2 => (Some((*cc, v.text())), it.next()),
                                Some((cc, Cell::Text(t))) if amount_like(t).is_none() => {
                                    (Some((*cc, t.trim().to_owned())), None)
                                }
                                other => (None, other),
                            };
                            if let Some((cc, n)) = &name {
                                let cc = *cc;
                                o.insert("source".into(), Value::String(n.clone()));
                                b.at(format!("/funds/sources/{k}/source"), r, cc);
                            }
                            if let Some((cc, a)) = amount {
                                let u = match a {
                                    Cell::Text(t) if t.trim().ends_with("万元") => "万元",
                                    Cell::Text(t) if t.trim().ends_with('元') => "元",
                                    _ => amount_unit,
                                };
                                if u == "元" {
                                    used_unit = "元";
                                }
                                o.insert("amount".into(), amount_value(a, u));
                                b.at(format!("/funds/sources/{k}"), r, *cc);
                                b.at(format!("/funds/sources/{k}/amount"), r, *cc);
                            } else if let Some((cc, _)) = name {
                                b.at(format!("/funds/sources/{k}"), r, cc);
                            }
                            sources.push(Value::Object(o));
                        }
                        consumed_rows.insert(r);
                        r += 1;
                    }
                    break;
                }
                Field::Tasks => {
                    let last = sheet.merge_at(row, c).map_or(row, |(_, e)| e.0);
                    let mut cols: Vec<(u32, &str)> = Vec::new();
                    for (cc, v) in sheet.row_cells(row) {
                        if let Cell::Text(t) = v {
                            let k = label_key(t);
                            let k = k.strip_suffix("万元").or_else(|| k.strip_suffix("元")).unwrap_or(&k).to_owned();
                            let f = match k.as_str() {
                                "任务名称" | "任务" => "name",
                                "主要内容" | "任务内容" | "内容" => "content",
                                "预算金额" | "金额" | "预算数" | "金额合计" | "总额" => "amount",
                                _ => continue,
                            };
                            cols.push((cc, f));
                        }
                    }
                    b.at("/tasks", row, cols.first().map_or(c + 1, |x| x.0));
                    for r in row + 1..=last.max(row + 1) {
                        consumed_rows.insert(r);
                        let mut t = Map::new();
                        let k = tasks.len();
                        for (cc, f) in &cols {
                            b.at(format!("/tasks/{k}/{f}"), r, *cc);
                            if let Some(v) = sheet.get(r, *cc) {
                                let val =
                                    if *f == "amount" { amount_value(v, sheet_unit) } else { Value::String(v.text()) };
                                t.insert((*f).to_owned(), val);
                            }
                        }
                        if !t.is_empty() {
                            b.at(format!("/tasks/{k}"), r, cols.first().map_or(c + 1, |x| x.0));
                            tasks.push(Value::Object(t));
                        }
                    }
                    break;
                }
                _ => {}
            }
            let ((vr, vc), val) = value_right(sheet, row, c);
            let ptr = match field {
                Field::ProjectName => "/project/name",
                Field::ProjectCode => "/project/code",
                Field::DepartmentName | Field::DepartmentBoth => "/department/name",
                Field::DepartmentCode => "/department/code",
                Field::UnitName => "/unit/name",
                Field::UnitCode => "/unit/code",
                Field::Attribute => "/project/attribute",
                Field::Year => "/fiscal_year",
                Field::Start | Field::Period => "/project/start",
                Field::End => "/project/end",
                Field::Region => "/region",
                Field::Classified => "/classified",
                Field::Annual => "/funds/annual_total",
                Field::MidTerm => "/funds/mid_term_total",
                Field::GoalAnnual => "/goals/annual",
                Field::GoalMidTerm => "/goals/mid_term",
                Field::Sources | Field::Tasks => continue,
            };
            b.at(ptr, vr, vc);
            match field {
                Field::ProjectName | Field::DepartmentName | Field::UnitName => {
                    b.at(ptr.rsplit_once('/').map_or("", |x| x.0), vr, vc);
                }
                Field::Annual => b.at("/funds", vr, vc),
                Field::GoalAnnual => b.at("/goals", vr, vc),
                Field::DepartmentBoth => {
                    b.at("/department", vr, vc);
                    b.at("/department/code", vr, vc);
                }
                Field::End => b.at("/project", vr, vc),
                Field::Period => {
                    b.at("/project/end", vr, vc);
                }
                _ => {}
            }
            let Some(val) = val else { continue };
            match field {
                Field::ProjectName => insert(&mut project, "name", text_value(&val).map(Value::String)),
                Field::ProjectCode => insert(&mut project, "code", text_value(&val).map(Value::String)),
                Field::DepartmentName => insert(&mut dept, "name", text_value(&val).map(Value::String)),
                Field::DepartmentCode => insert(&mut dept, "code", text_value(&val).map(Value::String)),
                Field::DepartmentBoth => {
                    let (name, code) = split_name_code(&val.text());
                    insert(&mut dept, "name", name.map(Value::String));
                    insert(&mut dept, "code", code.map(Value::String));
                }
                Field::UnitName => insert(&mut unit, "name", text_value(&val).map(Value::String)),
                Field::UnitCode => insert(&mut unit, "code", text_value(&val).map(Value::String)),
                Field::Attribute => {
                    insert(&mut project, "attribute", Some(Value::String(labels::attribute_code(&val.text()))))
                }
                Field::Year => {
                    let t: String = normalize(&val.text()).chars().filter(|c| !c.is_whitespace()).collect();
                    let digits = t.trim_end_matches("年度").trim_end_matches('年');
                    let v = match digits.parse::<u64>() {
                        Ok(y) if digits.bytes().all(|b| b.is_ascii_digit()) => json!(y),
                        _ => Value::String(val.text()),
                    };
                    doc.insert("fiscal_year".into(), v);
                }
                Field::Start => insert(&mut project, "start", Some(date_value(&val))),
                Field::End => insert(&mut project, "end", Some(date_value(&val))),
                Field::Period => {
                    let t = val.text();
                    let parts: Vec<&str> = t.splitn(2, ['至', '~', '～', '—']).collect();
                    if let [a, z] = parts.as_slice() {
                        insert(&mut project, "start", Some(date_value(&Cell::Text((*a).to_owned()))));
                        insert(&mut project, "end", Some(date_value(&Cell::Text((*z).to_owned()))));
                    } else {
                        insert(&mut project, "start", Some(Value::String(t)));
                    }
                }
                Field::Region => insert(&mut doc, "region", Some(Value::String(normalize(&val.text())))),
                Field::Classified => {
                    let v = match &val {
                        Cell::Bool(x) => Value::Bool(*x),
                        other => labels::yes_no(&other.text()).map_or_else(|| Value::String(other.text()), Value::Bool),
                    };
                    doc.insert("classified".into(), v);
                }
                Field::Annual | Field::MidTerm => {
                    let u = match &val {
                        Cell::Text(t) if t.trim().ends_with("万元") => "万元",
                        Cell::Text(t) if t.trim().ends_with('元') => "元",
                        _ => amount_unit,
                    };
                    if u == "元" {
                        used_unit = "元";
                    }
                    let key = if field == Field::Annual { "annual_total" } else { "mid_term_total" };
                    funds.insert(key.into(), amount_value(&val, u));
                }
                Field::GoalAnnual => insert(&mut goals, "annual", text_value(&val).map(Value::String)),
                Field::GoalMidTerm => insert(&mut goals, "mid_term", text_value(&val).map(Value::String)),
                Field::Sources | Field::Tasks => {}
            }
        }
    }
    if let Some((r, c)) = sources_anchor {
        let (r, c) = value_right(sheet, r, c).0;
        b.at("/funds/sources", r, c);
    }

    if let Some((k, _)) = &kind {
        doc.insert("kind".into(), Value::String(k.clone()));
    } else if !project.is_empty() {
        doc.insert("kind".into(), Value::String("project".into()));
    }
    let is_project = doc.get("kind").and_then(Value::as_str) == Some("project");
    let mut out = Map::new();
    for k in ["kind", "fiscal_year", "region"] {
        if let Some(v) = doc.remove(k) {
            out.insert(k.into(), v);
        }
    }
    let party = |m: Map<String, Value>| {
        let mut o = Map::new();
        for k in ["code", "name"] {
            if let Some(v) = m.get(k) {
                o.insert(k.into(), v.clone());
            }
        }
        o
    };
    if !dept.is_empty() {
        out.insert("department".into(), Value::Object(party(dept)));
    }
    if !unit.is_empty() {
        out.insert("unit".into(), Value::Object(party(unit)));
    }
    if is_project && !project.is_empty() {
        let mut o = Map::new();
        for k in ["code", "name", "attribute", "start", "end"] {
            if let Some(v) = project.get(k) {
                o.insert(k.into(), v.clone());
            }
        }
        out.insert("project".into(), Value::Object(o));
    }
    if !tasks.is_empty() {
        out.insert("tasks".into(), Value::Array(tasks));
    }
    if !sources.is_empty() {
        funds.insert("sources".into(), Value::Array(sources));
    }
    if !funds.is_empty() {
        let mut o = Map::new();
        for k in ["annual_total", "mid_term_total", "sources"] {
            if let Some(v) = funds.get(k) {
                o.insert(k.into(), v.clone());
            }
        }
        out.insert("funds".into(), Value::Object(o));
    }
    if !goals.is_empty() {
        let mut o = Map::new();
        for k in ["annual", "mid_term"] {
            if let Some(v) = goals.get(k) {
                o.insert(k.into(), v.clone());
            }
        }
        out.insert("goals".into(), Value::Object(o));
    }
    if let Some(v) = doc.remove("classified") {
        out.insert("classified".into(), v);
    }

    if let Some((hr, cols)) = header {
        let list = read_indicators(&mut b, sheet, fw, hr, &cols);
        // The grid is there: its rows are the list, even when none is filled in.
        out.insert("indicators".into(), Value::Array(list));
    }
    (out, b.map, used_unit)
}

/// `阿图什市民政局（101）`, `101 阿图什市民政局`, `101-阿图什市民政局` → name, code.
fn split_name_code(s: &str) -> (Option<String>, Option<String>) {
    let t = s.trim();
    if let Some(open) = t.find(['（', '(']) {
        let name = t[..open].trim();
        let code: String = t[open..].trim_matches(['（', '(', '）', ')']).trim().to_owned();
        return ((!name.is_empty()).then(|| name.to_owned()), (!code.is_empty()).then_some(code));
    }
    let digits: String = t.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    if !digits.is_empty() && digits.chars().any(|c| c.is_ascii_digit()) {
        let name = t[digits.len()..].trim_start_matches(['-', ' ', '　', '_']).trim();
        return ((!name.is_empty()).then(|| name.to_owned()), Some(digits));
    }
    ((!t.is_empty()).then(|| t.to_owned()), None)
}

/// A text that is an amount (`86.40`, `864,000元`), as its digits.
fn amount_like(t: &str) -> Option<String> {
    let n: String = normalize(t).chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    let n = n.trim_end_matches("万元").trim_end_matches('元');
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.') && n.bytes().any(|b| b.is_ascii_digit()))
        .then(|| n.to_owned())
}

/// A value cell split into (operator from the cell, value, unit from the cell).
fn split_value(raw: &str) -> (Option<&'static str>, String, Option<String>) {
    let (op, rest) = match labels::split_operator(raw) {
        Some((op, rest)) => (Some(op), rest),
        None => (None, normalize(raw)),
    };
    let compact: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(d) = parse_date_text(&compact) {
        let op = op.or_else(|| (compact.ends_with('前')).then_some("le"));
        return (op, d, None);
    }
    // A number, maybe with thousands separators, then a unit (`95%`, `1,440套`).
    let bytes: Vec<char> = compact.chars().collect();
    let mut end = 0;
    for (i, ch) in bytes.iter().enumerate() {
        if ch.is_ascii_digit() || *ch == '.' || *ch == ',' || (i == 0 && *ch == '-') {
            end = i + 1;
        } else {
            break;
        }
    }
    let num: String = bytes.iter().take(end).filter(|c| **c != ',').collect();
    let unit: String = bytes.iter().skip(end).collect();
    let numeric = !num.is_empty()
        && num.parse::<Decimal>().is_ok()
        && !num.ends_with('.')
        && (unit.is_empty() || unit.chars().count() <= 8);
    if numeric && (op.is_some() || unit.is_empty() || unit == "%") {
        return (op, num, (!unit.is_empty()).then_some(unit));
    }
    (op, if op.is_some() { rest } else { raw.trim().to_owned() }, None)
}

/// Where each member of an indicator row was read: member → (row, col).
type Places = HashMap<&'static str, (u32, u32)>;

fn read_indicators(
    b: &mut Builder<'_>,
    sheet: &Sheet,
    fw: &jixiao_rules::Framework,
    hr: u32,
    cols: &HashMap<Col, u32>,
) -> Vec<Value> {
    let name_col = cols.get(&Col::Name).copied().unwrap_or(0);
    b.at("/indicators", hr, name_col);
    let value_col = cols.get(&Col::AnnualValue).or_else(|| cols.get(&Col::Value)).copied();
    let mut out: Vec<Value> = Vec::new();
    let mut places: Vec<(u32, Places)> = Vec::new();
    let mut l1: Option<(String, (u32, u32))> = None;
    let mut l2: Option<(String, (u32, u32))> = None;
    let stop_words = ["注", "填表说明", "说明", "审核意见", "单位负责人", "财政部门", "主管部门审核", "备注:"];
    for row in hr + 1..=sheet.max_row {
        let cells = sheet.row_cells(row);
        if cells.is_empty() {
            continue;
        }
        if let Some((_, Cell::Text(first))) = cells.first() {
            let k = label_key(first);
            if stop_words.iter().any(|w| k.starts_with(w))
                && !cols.values().any(|c| Some(*c) == cells.first().map(|x| x.0) && *c == name_col)
            {
                break;
            }
            if col_of(&k).is_some()
                && cells.iter().filter(|(_, v)| matches!(v, Cell::Text(s) if col_of(&label_key(s)).is_some())).count()
                    >= 3
            {
                continue; // a repeated heading row
            }
        }
        let get = |c: Col| cols.get(&c).and_then(|col| sheet.get(row, *col).map(|v| (*col, v)));
        if let Some((c, v)) = get(Col::Level1) {
            l1 = Some((v.text(), (row, c)));
            l2 = None;
        }
        if let Some((c, v)) = get(Col::Level2) {
            l2 = Some((v.text(), (row, c)));
        }
        let name = get(Col::Name);
        let value_cell = value_col.and_then(|c| sheet.get(row, c).map(|v| (c, v)));
        let any_row_field =
            [Col::Name, Col::Nature, Col::Operator, Col::Unit, Col::Points, Col::Id].iter().any(|c| get(*c).is_some())
                || value_cell.is_some();
        if !any_row_field {
            continue;
        }
        let k = out.len();
        let mut o = Map::new();
        let mut at: HashMap<&'static str, (u32, u32)> = HashMap::new();
        for (key, c) in [
            ("name", Col::Name),
            ("nature", Col::Nature),
            ("operator", Col::Operator),
            ("unit", Col::Unit),
            ("points", Col::Points),
            ("explanation", Col::Explanation),
            ("scoring_rule", Col::ScoringRule),
            ("basis", Col::Basis),
            ("core", Col::Core),
            ("id", Col::Id),
        ] {
            if let Some(col) = cols.get(&c) {
                at.insert(key, (row, *col));
            }
        }
        if let Some(c) = value_col {
            at.insert("value", (row, c));
        }
        if let Some((t, pos)) = &l1 {
            let code = labels::level1_code(fw, t);
            o.insert("level1".into(), Value::String(code));
            at.insert("level1", *pos);
        } else if let Some(c) = cols.get(&Col::Level1) {
            at.insert("level1", (row, *c));
        }
        if let Some((t, pos)) = &l2 {
            let l1code = o.get("level1").and_then(Value::as_str).unwrap_or("").to_owned();
            o.insert("level2".into(), Value::String(labels::level2_code(fw, &l1code, t)));
            at.insert("level2", *pos);
        } else if let Some(c) = cols.get(&Col::Level2) {
            at.insert("level2", (row, *c));
        }
        if let Some((_, v)) = name {
            o.insert("name".into(), Value::String(v.text()));
        }
        let nature_cell = get(Col::Nature).and_then(|(_, v)| labels::nature_code(&v.text()));
        let mut op = get(Col::Operator).and_then(|(_, v)| labels::operator_code(&v.text()));
        let mut unit = get(Col::Unit)
            .map(|(_, v)| v.text())
            .filter(|u| !matches!(u.as_str(), "" | "—" | "-" | "/" | "无" | "——" | "--"));
        let qualitative = nature_cell.as_deref() == Some("qualitative");
        let mut value: Option<String> = None;
        let mut numeric_value = false;
        if let Some((_, v)) = value_cell {
            match v {
                Cell::Number(n) => {
                    value = Some(number_text(*n));
                    numeric_value = true;
                }
                Cell::Date(d) => {
                    value = Some(d.clone());
                    numeric_value = true;
                }
                other if qualitative => value = Some(other.text()),
                other => {
                    let (vop, val, vunit) = split_value(&other.text());
                    numeric_value = val.parse::<Decimal>().is_ok() || parse_date_text(&val).is_some();
                    if op.is_none() {
                        op = vop.map(str::to_owned);
                    }
                    if unit.is_none() {
                        unit = vunit;
                    }
                    value = Some(val);
                }
            }
        }
        let nature = nature_cell.or_else(|| {
            if op.as_deref().is_some_and(|o| ["ge", "gt", "eq", "le", "lt"].contains(&o)) || numeric_value {
                Some("quantitative".to_owned())
            } else if value.is_some() {
                Some("qualitative".to_owned())
            } else {
                None
            }
        });
        if let Some(n) = nature {
            o.insert("nature".into(), Value::String(n));
        }
        if let Some(op) = op {
            o.insert("operator".into(), Value::String(op));
        }
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            o.insert("value".into(), Value::String(v));
        }
        if let Some(u) = unit {
            o.insert("unit".into(), Value::String(u));
        }
        if let Some((_, v)) = get(Col::Points) {
            let p = match v {
                Cell::Number(n) => number_text(*n),
                other => {
                    let t: String = normalize(&other.text()).chars().filter(|c| !c.is_whitespace()).collect();
                    let t = t.trim_end_matches('分').to_owned();
                    if t.parse::<Decimal>().is_ok() { t } else { other.text() }
                }
            };
            o.insert("points".into(), Value::String(p));
        }
        for (key, c) in [("explanation", Col::Explanation), ("scoring_rule", Col::ScoringRule)] {
            if let Some((_, v)) = get(c) {
                o.insert(key.into(), Value::String(v.text()));
            }
        }
        if let Some((_, v)) = get(Col::Basis) {
            o.insert("basis".into(), Value::String(labels::basis_code(&v.text())));
        }
        if let Some((_, v)) = get(Col::Core) {
            let c = match v {
                Cell::Bool(x) => Value::Bool(*x),
                other => labels::yes_no(&other.text()).map_or_else(|| Value::String(other.text()), Value::Bool),
            };
            o.insert("core".into(), c);
        }
        if let Some((_, v)) = get(Col::Id) {
            o.insert("id".into(), Value::String(v.text()));
        }
        places.push((row, at));
        out.push(Value::Object(o));
        let _ = k;
    }
    // Ids for rows without one: i1, i2, … by position, skipping ids already used.
    let used: HashSet<String> =
        out.iter().filter_map(|v| v.get("id").and_then(Value::as_str).map(str::to_owned)).collect();
    let mut taken = used.clone();
    for (k, v) in out.iter_mut().enumerate() {
        if let Some(o) = v.as_object_mut()
            && !o.contains_key("id")
        {
            let mut id = format!("i{}", k + 1);
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("i{}-{n}", k + 1);
                n += 1;
            }
            taken.insert(id.clone());
            o.insert("id".into(), Value::String(id));
        }
    }
    // Canonical member order, and where each member is.
    let order = [
        "id",
        "level1",
        "level2",
        "name",
        "nature",
        "operator",
        "value",
        "unit",
        "points",
        "explanation",
        "scoring_rule",
        "basis",
        "core",
    ];
    for (k, (v, (row, at))) in out.iter_mut().zip(places).enumerate() {
        if let Some(o) = v.as_object_mut() {
            let mut sorted = Map::new();
            for key in order {
                if let Some(x) = o.remove(key) {
                    sorted.insert(key.into(), x);
                }
            }
            *o = sorted;
        }
        b.at(format!("/indicators/{k}"), row, name_col);
        for (key, (r, c)) in at {
            b.at(format!("/indicators/{k}/{key}"), r, c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date_from_serial(43769.0, false).as_deref(), Some("2019-10-31"));
        assert_eq!(parse_date_text("2019年10月31日").as_deref(), Some("2019-10-31"));
        assert_eq!(parse_date_text("2019/1/5").as_deref(), Some("2019-01-05"));
        assert_eq!(parse_date_text("明显改善"), None);
    }

    #[test]
    fn values() {
        assert_eq!(split_value("≥95%"), (Some("ge"), "95".into(), Some("%".into())));
        assert_eq!(split_value("＞＝　９５％"), (Some("ge"), "95".into(), Some("%".into())));
        assert_eq!(split_value("1,440"), (None, "1440".into(), None));
        assert_eq!(split_value("≥1440套"), (Some("ge"), "1440".into(), Some("套".into())));
        assert_eq!(split_value("明显改善"), (None, "明显改善".into(), None));
        assert_eq!(split_value("≤2019年10月31日"), (Some("le"), "2019-10-31".into(), None));
        assert_eq!(split_value("**"), (None, "**".into(), None));
    }

    #[test]
    fn amounts() {
        assert_eq!(amount_value(&Cell::Number(86.4), "万元"), json!("86.40"));
        assert_eq!(amount_value(&Cell::Number(864000.0), "元"), json!("86.40"));
        assert_eq!(amount_value(&Cell::Number(864012.0), "元"), json!("86.4012"));
        assert_eq!(amount_value(&Cell::Text("８６．４".into()), "万元"), json!("86.40"));
        assert_eq!(amount_value(&Cell::Text("864,000元".into()), "万元"), json!("86.40"));
        assert_eq!(amount_value(&Cell::Number(86.39999999999999), "万元"), json!("86.40"));
        assert_eq!(amount_value(&Cell::Text("八十六".into()), "万元"), json!("八十六"));
    }

    #[test]
    fn name_and_code() {
        assert_eq!(split_name_code("阿图什市民政局（101）"), (Some("阿图什市民政局".into()), Some("101".into())));
        assert_eq!(split_name_code("101 阿图什市民政局"), (Some("阿图什市民政局".into()), Some("101".into())));
    }
}
