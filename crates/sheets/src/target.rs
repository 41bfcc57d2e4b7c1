//! The 项目支出绩效目标申报表 (DOMAIN.md §3.1) — or, for a `department` document, the
//! 部门（单位）整体支出绩效目标申报表 (§3.2) — of a canonical target document, with the
//! document's violations under a profile on a second sheet (`校验结果`), each at its cell,
//! and the offending cells marked with the message as a note.
//!
//! Layout (13 columns, A–M): title; year and 金额单位：万元; label/value pairs (A:B, C:G,
//! H:I, J:M); funds and sources; tasks (department form); goals; then the indicator grid
//! 一级指标 | 二级指标 | 三级指标 | 指标性质 | 计算符号 | 指标值 | 计量单位 | 分值 | 指标解释 |
//! 评（扣）分标准 | 指标值设定依据 | 核心指标 | 指标编号, with the level-1 and level-2 cells
//! merged down their rows. [`crate::import`] reads this layout back to the same document.

use jixiao_rules::{Locale, Profile};
use serde_json::{Map, Value};

use crate::cells::CellViolation;
use crate::error::SheetError;
use crate::grid::{Content, Grid, Style, money, num_or_text, text, tree_columns, violations_sheet};
use crate::labels;

/// The name of the form's sheet.
pub const SHEET: &str = "申报表";

/// The indicator grid's headings, in column order (A–M).
pub const INDICATOR_HEADINGS: [&str; 13] = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "计算符号",
    "指标值",
    "计量单位",
    "分值",
    "指标解释",
    "评（扣）分标准",
    "指标值设定依据",
    "核心指标",
    "指标编号",
];

const LAST_COL: u16 = 12;

/// An exported form: the xlsx bytes and the violations with their cells.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The `.xlsx` file.
    pub bytes: Vec<u8>,
    /// The document's violations under the profile, each with its cell.
    pub violations: Vec<CellViolation>,
}

/// The form's title for a document (`kind` decides).
pub fn title(doc: &Map<String, Value>) -> &'static str {
    match doc.get("kind").and_then(Value::as_str) {
        Some("department") => "部门（单位）整体支出绩效目标申报表",
        _ => "项目支出绩效目标申报表",
    }
}

fn obj(v: Option<&Value>) -> Option<&Map<String, Value>> {
    v.and_then(Value::as_object)
}

fn get<'a>(o: Option<&'a Map<String, Value>>, k: &str) -> Option<&'a Value> {
    o.and_then(|o| o.get(k))
}

fn str_of<'a>(o: Option<&'a Map<String, Value>>, k: &str) -> Option<&'a str> {
    get(o, k).and_then(Value::as_str)
}

/// Places `label | value` at (row, label cols, value cols) and records the pointer.
#[allow(clippy::too_many_arguments)]
fn pair(
    g: &mut Grid,
    row: u32,
    lc: (u16, u16),
    vc: (u16, u16),
    label: &str,
    ptr: &str,
    content: Content,
    style: Style,
) {
    g.put(row, lc.0, row, lc.1, Content::Text(label.into()), Style::Label);
    g.put(row, vc.0, row, vc.1, content, style);
    g.at(ptr, row, vc.0);
}

const L: (u16, u16) = (0, 1);
const V: (u16, u16) = (2, 6);
const L2: (u16, u16) = (7, 8);
const V2: (u16, u16) = (9, 12);

/// Lays the form out on a grid.
fn layout(doc: &Map<String, Value>, profile: &Profile) -> Grid {
    let fw = &profile.framework;
    let mut g = Grid::new(SHEET, LAST_COL);
    let department_kind = doc.get("kind").and_then(Value::as_str) == Some("department");
    for (c, w) in [10.0, 13.0, 24.0, 7.0, 7.0, 12.0, 9.0, 7.0, 22.0, 18.0, 12.0, 7.0, 9.0].iter().enumerate() {
        g.width(c as u16, *w);
    }

    g.put(0, 0, 0, LAST_COL, Content::Text(title(doc).into()), Style::Title);
    g.at("", 0, 0);
    g.at("/kind", 0, 0);
    g.height(0, 32.0);
    let year = match doc.get("fiscal_year") {
        Some(Value::Number(n)) => format!("（{n}年度）"),
        _ => String::new(),
    };
    let _ = g.subtitle_with_note(1, year, 10);
    g.freeze_rows = 2;

    let dept = obj(doc.get("department"));
    let unit = obj(doc.get("unit"));
    let project = obj(doc.get("project"));
    let mut r = 2;
    let fy = match doc.get("fiscal_year") {
        Some(Value::Number(n)) => n.as_f64().map_or(Content::Blank, Content::Number),
        other => text(other),
    };
    if department_kind {
        pair(&mut g, r, L, V, "部门（单位）名称", "/department/name", text(get(dept, "name")), Style::Text);
        pair(&mut g, r, L2, V2, "部门代码", "/department/code", text(get(dept, "code")), Style::Center);
        g.at("/department", r, V.0);
        r += 1;
        pair(&mut g, r, L, V, "实施单位", "/unit/name", text(get(unit, "name")), Style::Text);
        pair(&mut g, r, L2, V2, "单位代码", "/unit/code", text(get(unit, "code")), Style::Center);
        g.at("/unit", r, V.0);
        r += 1;
        pair(&mut g, r, L, V, "年度", "/fiscal_year", fy, Style::Number);
        pair(&mut g, r, L2, V2, "区划代码", "/region", text(doc.get("region")), Style::Center);
        r += 1;
        pair(&mut g, r, L, V, "是否涉密", "/classified", classified(doc.get("classified")), Style::Center);
        g.put(r, L2.0, r, V2.1, Content::Blank, Style::Center);
        r += 1;
    } else {
        pair(&mut g, r, L, V, "项目名称", "/project/name", text(get(project, "name")), Style::Text);
        pair(&mut g, r, L2, V2, "项目编码", "/project/code", text(get(project, "code")), Style::Center);
        g.at("/project", r, V.0);
        r += 1;
        pair(&mut g, r, L, V, "主管部门", "/department/name", text(get(dept, "name")), Style::Text);
        pair(&mut g, r, L2, V2, "部门代码", "/department/code", text(get(dept, "code")), Style::Center);
        g.at("/department", r, V.0);
        r += 1;
        pair(&mut g, r, L, V, "实施单位", "/unit/name", text(get(unit, "name")), Style::Text);
        pair(&mut g, r, L2, V2, "单位代码", "/unit/code", text(get(unit, "code")), Style::Center);
        g.at("/unit", r, V.0);
        r += 1;
        let attr = match str_of(project, "attribute") {
            Some(a) => Content::Text(labels::attribute_label(a).into()),
            None => text(get(project, "attribute")),
        };
        pair(&mut g, r, L, V, "项目属性", "/project/attribute", attr, Style::Center);
        pair(&mut g, r, L2, V2, "年度", "/fiscal_year", fy, Style::Number);
        r += 1;
        pair(&mut g, r, L, V, "开始日期", "/project/start", text(get(project, "start")), Style::Center);
        pair(&mut g, r, L2, V2, "结束日期", "/project/end", text(get(project, "end")), Style::Center);
        r += 1;
        pair(&mut g, r, L, V, "区划代码", "/region", text(doc.get("region")), Style::Center);
        pair(&mut g, r, L2, V2, "是否涉密", "/classified", classified(doc.get("classified")), Style::Center);
        r += 1;
    }

    // Funds.
    let funds = obj(doc.get("funds"));
    g.at("/funds", r, V.0);
    pair(&mut g, r, L, V, "年度资金总额", "/funds/annual_total", money(get(funds, "annual_total")), Style::Money);
    pair(&mut g, r, L2, V2, "中期资金总额", "/funds/mid_term_total", money(get(funds, "mid_term_total")), Style::Money);
    r += 1;
    let sources: Vec<&Value> =
        get(funds, "sources").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    let n = sources.len().max(1) as u32;
    g.put(r, L.0, r + n - 1, L.1, Content::Text("其中：资金来源".into()), Style::Label);
    g.at("/funds/sources", r, V.0);
    if sources.is_empty() {
        g.put(r, 2, r, 8, Content::Blank, Style::Text);
        g.put(r, 9, r, LAST_COL, Content::Blank, Style::Money);
    }
    for (k, s) in sources.iter().enumerate() {
        let rr = r + k as u32;
        let so = s.as_object();
        let name = match so {
            Some(o) => text(o.get("source")),
            None => Content::Text(s.to_string()),
        };
        g.put(rr, 2, rr, 8, name, Style::Text);
        g.put(rr, 9, rr, LAST_COL, money(so.and_then(|o| o.get("amount"))), Style::Money);
        g.at(format!("/funds/sources/{k}"), rr, 9);
        g.at(format!("/funds/sources/{k}/source"), rr, 2);
        g.at(format!("/funds/sources/{k}/amount"), rr, 9);
    }
    r += n;

    // Tasks (department form).
    if department_kind {
        let tasks: Vec<&Value> =
            doc.get("tasks").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
        let n = tasks.len().max(1) as u32;
        g.put(r, L.0, r + n, L.1, Content::Text("年度主要任务".into()), Style::Label);
        g.put(r, 2, r, 4, Content::Text("任务名称".into()), Style::Label);
        g.put(r, 5, r, 8, Content::Text("主要内容".into()), Style::Label);
        g.put(r, 9, r, LAST_COL, Content::Text("预算金额（万元）".into()), Style::Label);
        g.at("/tasks", r, 2);
        for k in 0..n {
            let rr = r + 1 + k;
            let t = tasks.get(k as usize).and_then(|t| t.as_object());
            g.put(rr, 2, rr, 4, text(t.and_then(|t| t.get("name"))), Style::Text);
            g.put(rr, 5, rr, 8, text(t.and_then(|t| t.get("content"))), Style::Text);
            g.put(rr, 9, rr, LAST_COL, money(t.and_then(|t| t.get("amount"))), Style::Money);
            g.at(format!("/tasks/{k}"), rr, 2);
            g.at(format!("/tasks/{k}/name"), rr, 2);
            g.at(format!("/tasks/{k}/content"), rr, 5);
            g.at(format!("/tasks/{k}/amount"), rr, 9);
        }
        r += n + 1;
    }

    // Goals.
    let goals = obj(doc.get("goals"));
    g.at("/goals", r, V.0);
    for (label, key) in [("中期目标", "mid_term"), ("年度目标", "annual")] {
        let content = text(get(goals, key));
        let long = matches!(&content, Content::Text(s) if s.chars().count() > 60);
        g.put(r, L.0, r, L.1, Content::Text(label.into()), Style::Label);
        g.put(r, 2, r, LAST_COL, content, Style::Text);
        g.at(format!("/goals/{key}"), r, 2);
        g.height(r, if long { 48.0 } else { 24.0 });
        r += 1;
    }

    // Indicator grid.
    g.put(r, 0, r, LAST_COL, Content::Text("年度绩效指标".into()), Style::Label);
    r += 1;
    for (c, h) in INDICATOR_HEADINGS.iter().enumerate() {
        g.cell(r, c as u16, Content::Text((*h).into()), Style::Label);
    }
    g.at("/indicators", r, 2);
    g.repeat_rows = Some((r, r));
    r += 1;
    let list: Vec<&Value> =
        doc.get("indicators").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    let first = r;
    let pairs: Vec<_> = list.iter().map(|v| (v.get("level1"), v.get("level2"))).collect();
    let tops = tree_columns(&mut g, first, 0, &pairs, fw);
    for (k, (t1, t2)) in tops.iter().enumerate() {
        g.at(format!("/indicators/{k}/level1"), *t1, 0);
        g.at(format!("/indicators/{k}/level2"), *t2, 1);
    }
    for (k, item) in list.iter().enumerate() {
        let row = first + k as u32;
        let base = format!("/indicators/{k}");
        g.at(base.clone(), row, 2);
        let Some(o) = item.as_object() else {
            g.cell(row, 2, Content::Text(item.to_string()), Style::Text);
            for c in 3..=LAST_COL {
                g.cell(row, c, Content::Blank, Style::Center);
            }
            continue;
        };
        let coded = |key: &str, f: fn(&str) -> &str| match o.get(key) {
            Some(Value::String(s)) => Content::Text(f(s).to_owned()),
            other => text(other),
        };
        let value = match o.get("value") {
            Some(Value::String(s)) if o.get("nature").and_then(Value::as_str) == Some("quantitative") => num_or_text(s),
            other => text(other),
        };
        let points = match o.get("points") {
            Some(Value::String(s)) => num_or_text(s),
            other => text(other),
        };
        let core = match o.get("core") {
            Some(Value::Bool(true)) => Content::Text("是".into()),
            Some(Value::Bool(false)) | None | Some(Value::Null) => Content::Blank,
            other => text(other),
        };
        let cells: [(u16, &str, Content, Style); 11] = [
            (2, "name", text(o.get("name")), Style::Text),
            (3, "nature", coded("nature", labels::nature_label), Style::Center),
            (4, "operator", coded("operator", labels::operator_label), Style::Center),
            (5, "value", value, Style::Value),
            (6, "unit", text(o.get("unit")), Style::Center),
            (7, "points", points, Style::Number),
            (8, "explanation", text(o.get("explanation")), Style::Text),
            (9, "scoring_rule", text(o.get("scoring_rule")), Style::Text),
            (10, "basis", coded("basis", labels::basis_label), Style::Center),
            (11, "core", core, Style::Center),
            (12, "id", text(o.get("id")), Style::Center),
        ];
        for (c, key, content, style) in cells {
            g.cell(row, c, content, style);
            g.at(format!("{base}/{key}"), row, c);
        }
    }
    if list.is_empty() {
        for c in 0..=LAST_COL {
            g.cell(first, c, Content::Blank, Style::Center);
        }
    }
    g
}

fn classified(v: Option<&Value>) -> Content {
    match v {
        Some(Value::Bool(true)) => Content::Text("是".into()),
        Some(Value::Bool(false)) | None | Some(Value::Null) => Content::Text("否".into()),
        other => text(other),
    }
}

/// Exports a target document as its national form, with its violations under `profile`.
pub fn export(doc: &Map<String, Value>, profile: &Profile, locale: Locale) -> Result<Exported, SheetError> {
    let mut g = layout(doc, profile);
    let report = jixiao_rules::check(doc, profile, locale);
    let violations = g.flag(report.violations);
    let mut wb = rust_xlsxwriter::Workbook::new();
    set_properties(&mut wb, title(doc));
    g.render(&mut wb)?;
    violations_sheet(&mut wb, SHEET, &violations)?;
    let bytes = wb.save_to_buffer()?;
    Ok(Exported { bytes, violations })
}

/// Title and author of the file (shown by spreadsheet programs).
pub(crate) fn set_properties(wb: &mut rust_xlsxwriter::Workbook, title: &str) {
    let props = rust_xlsxwriter::DocProperties::new().set_title(title).set_author("jixiao").set_company("jixiao");
    wb.set_properties(&props);
}
