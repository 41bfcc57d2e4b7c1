//! A sheet laid out first and written second: the exporters place cells (with merges and
//! a style kind) on a [`Grid`], which records where each JSON Pointer went, so the
//! document's violations can mark their cells before anything is written. Then
//! [`Grid::render`] writes it with rust_xlsxwriter: formats, merges, widths, frozen rows,
//! print area, A4 landscape fit to one page wide, print titles.

use std::collections::{BTreeMap, HashMap};

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError};

use crate::cells::{CellMap, CellRef, CellViolation};

/// What a cell shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Content {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// Nothing (a bordered empty cell).
    Blank,
}

/// How a cell looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Style {
    /// The form's title: large, bold, centred, no border.
    Title,
    /// The line under the title, centred.
    Subtitle,
    /// `金额单位：万元`, right-aligned, no border.
    Note,
    /// A heading or label: bold, grey, centred, bordered.
    Label,
    /// Text: bordered, wrapped, left.
    Text,
    /// Short text: bordered, centred.
    Center,
    /// 万元: `#,##0.00`, right.
    Money,
    /// A plain number, centred.
    Number,
    /// An indicator value a user may retype: centred, number format `@` (text), so that
    /// `≥95%` or `98%` typed in a spreadsheet program stays the text the importer reads
    /// instead of becoming 0.98 in a percent format (a number written here stays a number).
    Value,
    /// A rate: `0.00%`.
    Percent,
    /// A score (分): `0.00`, centred, as the pages show it.
    Score,
    /// A light: centred with the light's colour.
    Light(LightColor),
}

/// The fill of a light cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum LightColor {
    Red,
    Yellow,
    Green,
    Blue,
}

impl LightColor {
    pub(crate) fn of(code: &str) -> Option<LightColor> {
        Some(match code {
            "red" => LightColor::Red,
            "yellow" => LightColor::Yellow,
            "green" => LightColor::Green,
            "blue" => LightColor::Blue,
            _ => return None,
        })
    }
}

/// The 万元 number format of every amount.
pub const MONEY_FORMAT: &str = "#,##0.00";

#[derive(Debug, Clone)]
struct Placed {
    row: u32,
    col: u16,
    last_row: u32,
    last_col: u16,
    content: Content,
    style: Style,
}

/// A sheet being laid out.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    pub(crate) name: String,
    cells: Vec<Placed>,
    pub(crate) map: CellMap,
    widths: Vec<(u16, f64)>,
    heights: BTreeMap<u32, f64>,
    pub(crate) freeze_rows: u32,
    pub(crate) repeat_rows: Option<(u32, u32)>,
    pub(crate) last_col: u16,
    flagged: HashMap<(u32, u16), Vec<String>>,
}

impl Grid {
    pub(crate) fn new(name: &str, last_col: u16) -> Grid {
        Grid {
            name: name.to_owned(),
            cells: Vec::new(),
            map: CellMap::default(),
            widths: Vec::new(),
            heights: BTreeMap::new(),
            freeze_rows: 0,
            repeat_rows: None,
            last_col,
            flagged: HashMap::new(),
        }
    }

    pub(crate) fn width(&mut self, col: u16, w: f64) {
        self.widths.push((col, w));
    }

    /// The width of a column: the last one set, else the spreadsheet default (8.43).
    fn col_width(&self, col: u16) -> f64 {
        self.widths.iter().rev().find(|(c, _)| *c == col).map_or(8.43, |(_, w)| *w)
    }

    pub(crate) fn height(&mut self, row: u32, h: f64) {
        self.heights.insert(row, h);
    }

    /// Places `content` over rows `row..=last_row`, columns `col..=last_col`.
    pub(crate) fn put(&mut self, row: u32, col: u16, last_row: u32, last_col: u16, content: Content, style: Style) {
        self.cells.push(Placed { row, col, last_row, last_col, content, style });
    }

    /// The line under the title: `text` centred on the page and `金额单位：万元` at the right
    /// from `note_col`; the text's cells start as far from the left edge as the note's
    /// cells are wide, so it sits under the title's centre.
    /// Returns the text's first column.
    pub(crate) fn subtitle_with_note(&mut self, row: u32, text: String, note_col: u16) -> u16 {
        let w = |c: u16| self.col_width(c);
        let note: f64 = (note_col..=self.last_col).map(w).sum();
        let mut first = 0;
        let mut left = 0.0;
        while first + 1 < note_col && left + w(first) / 2.0 < note {
            left += w(first);
            first += 1;
        }
        self.put(row, first, row, note_col - 1, Content::Text(text), Style::Subtitle);
        self.put(row, note_col, row, self.last_col, Content::Text("金额单位：万元".into()), Style::Note);
        first
    }

    /// Places a one-cell value.
    pub(crate) fn cell(&mut self, row: u32, col: u16, content: Content, style: Style) {
        self.put(row, col, row, col, content, style);
    }

    /// Records that `pointer` is shown at (row, col).
    pub(crate) fn at(&mut self, pointer: impl Into<String>, row: u32, col: u16) {
        self.map.insert(pointer, CellRef::new(&self.name, row, col));
    }

    /// The last row used.
    pub(crate) fn last_row(&self) -> u32 {
        self.cells.iter().map(|c| c.last_row).max().unwrap_or(0)
    }

    /// Marks the cells of the violations (light red fill and a note with the messages) and
    /// returns the violations with their cells.
    pub(crate) fn flag(&mut self, violations: Vec<jixiao_rules::Violation>) -> Vec<CellViolation> {
        let located = self.map.locate(violations);
        for v in &located {
            if let Some(c) = self.map.lookup(&v.violation.path) {
                self.flagged.entry((c.row, c.col)).or_default().push(v.violation.message.clone());
            }
        }
        located
    }

    /// The row heights to write: the ones set, raised where wrapped text needs more lines
    /// than fit (spreadsheet programs do not grow a row on opening a file, so text would be
    /// drawn over the next row). Estimated from the merged width: a CJK character is two
    /// width units, other characters one; a line of 10-point text is 13.5 points.
    fn row_heights(&self) -> BTreeMap<u32, f64> {
        let mut heights = self.heights.clone();
        for c in &self.cells {
            let Content::Text(text) = &c.content else { continue };
            if matches!(c.style, Style::Title | Style::Subtitle | Style::Note) {
                continue;
            }
            let width: f64 = (c.col..=c.last_col).map(|col| self.col_width(col)).sum::<f64>();
            let lines = lines_needed(text, width);
            let span = f64::from(c.last_row - c.row + 1);
            let needed = (lines * LINE_HEIGHT + 3.0) / span;
            if needed <= DEFAULT_HEIGHT {
                continue;
            }
            for row in c.row..=c.last_row {
                let h = heights.entry(row).or_insert(DEFAULT_HEIGHT);
                if *h < needed {
                    *h = needed.min(409.0);
                }
            }
        }
        heights
    }

    /// Writes the grid onto a new worksheet of `wb`.
    pub(crate) fn render(&self, wb: &mut Workbook) -> Result<(), XlsxError> {
        let ws = wb.add_worksheet();
        self.render_on(ws)
    }

    /// Writes the grid onto an existing (empty, not constant-memory) worksheet.
    pub(crate) fn render_on(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        ws.set_name(&self.name)?;
        let mut formats = Formats::default();
        for (col, w) in &self.widths {
            ws.set_column_width(*col, *w)?;
        }
        for (row, h) in &self.row_heights() {
            ws.set_row_height(*row, *h)?;
        }
        for c in &self.cells {
            let flagged = self.flagged.contains_key(&(c.row, c.col));
            let f = formats.get(c.style, flagged);
            if c.last_row > c.row || c.last_col > c.col {
                ws.merge_range(c.row, c.col, c.last_row, c.last_col, "", &f)?;
            }
            match &c.content {
                Content::Text(s) => ws.write_string_with_format(c.row, c.col, s, &f)?,
                Content::Number(n) => ws.write_number_with_format(c.row, c.col, *n, &f)?,
                Content::Blank => ws.write_blank(c.row, c.col, &f)?,
            };
        }
        for ((row, col), messages) in &self.flagged {
            let note = Note::new(messages.join("\n")).set_author("jixiao").add_author_prefix(false);
            ws.insert_note(*row, *col, &note)?;
        }
        page_setup(ws, self.last_row(), self.last_col, self.freeze_rows, self.repeat_rows)?;
        Ok(())
    }
}

/// A4 landscape, fit to one page wide, centred, with a print area and print titles.
pub(crate) fn page_setup(
    ws: &mut Worksheet,
    last_row: u32,
    last_col: u16,
    freeze_rows: u32,
    repeat: Option<(u32, u32)>,
) -> Result<(), XlsxError> {
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer("&C第 &P 页，共 &N 页");
    ws.set_print_area(0, 0, last_row, last_col)?;
    if freeze_rows > 0 {
        ws.set_freeze_panes(freeze_rows, 0)?;
    }
    if let Some((a, b)) = repeat {
        ws.set_repeat_rows(a, b)?;
    }
    Ok(())
}

#[derive(Default)]
pub(crate) struct Formats {
    cache: HashMap<(Style, bool), Format>,
}

impl Formats {
    pub(crate) fn get(&mut self, style: Style, flagged: bool) -> Format {
        self.cache.entry((style, flagged)).or_insert_with(|| format_of(style, flagged)).clone()
    }
}

fn bordered() -> Format {
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_font_name("宋体")
        .set_font_size(10)
}

pub(crate) fn format_of(style: Style, flagged: bool) -> Format {
    let f = match style {
        Style::Title => Format::new()
            .set_bold()
            .set_font_name("黑体")
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        Style::Subtitle => Format::new().set_font_name("宋体").set_font_size(11).set_align(FormatAlign::Center),
        Style::Note => Format::new().set_font_name("宋体").set_font_size(10).set_align(FormatAlign::Right),
        Style::Label => bordered()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_background_color(Color::RGB(0xF2_F2_F2)),
        Style::Text => bordered().set_text_wrap().set_align(FormatAlign::Left),
        Style::Center => bordered().set_text_wrap().set_align(FormatAlign::Center),
        Style::Money => bordered().set_num_format(MONEY_FORMAT).set_align(FormatAlign::Right),
        Style::Number => bordered().set_align(FormatAlign::Center),
        Style::Value => bordered().set_text_wrap().set_align(FormatAlign::Center).set_num_format("@"),
        Style::Percent => bordered().set_num_format("0.00%").set_align(FormatAlign::Right),
        Style::Score => bordered().set_num_format("0.00").set_align(FormatAlign::Center),
        Style::Light(c) => bordered().set_bold().set_align(FormatAlign::Center).set_background_color(match c {
            LightColor::Red => Color::RGB(0xF4_B0_B0),
            LightColor::Yellow => Color::RGB(0xFF_E6_99),
            LightColor::Green => Color::RGB(0xC6_EF_CE),
            LightColor::Blue => Color::RGB(0xBD_D7_EE),
        }),
    };
    if flagged { f.set_background_color(Color::RGB(0xFF_C7_CE)).set_font_color(Color::RGB(0x9C_00_06)) } else { f }
}

/// A number cell when the text is a plain decimal that a spreadsheet number shows exactly
/// as written (`360`, `0.24`), else a text cell (`39.80`, `2019-10-31`, `明显改善`): the
/// document reads back the same either way.
pub(crate) fn num_or_text(s: &str) -> Content {
    let plain = {
        let body = s.strip_prefix('-').unwrap_or(s);
        let (i, f) = body.split_once('.').unwrap_or((body, "1"));
        !i.is_empty() && !f.is_empty() && i.bytes().all(|b| b.is_ascii_digit()) && f.bytes().all(|b| b.is_ascii_digit())
    };
    match s.parse::<f64>() {
        Ok(n) if plain && n.is_finite() && format!("{n}") == s => Content::Number(n),
        _ => Content::Text(s.to_owned()),
    }
}

/// An amount: a number in 万元 when a spreadsheet number holds it exactly (at most 15
/// significant digits), else the text as written.
pub(crate) fn money(v: Option<&serde_json::Value>) -> Content {
    match v {
        None | Some(serde_json::Value::Null) => Content::Blank,
        Some(serde_json::Value::Number(n)) => n.as_f64().map_or(Content::Blank, Content::Number),
        Some(serde_json::Value::String(s)) => {
            let digits = s.chars().filter(char::is_ascii_digit).count();
            match s.parse::<rust_decimal::Decimal>() {
                Ok(d) if digits <= 15 && !s.contains(['e', 'E']) && s.trim() == s => match s.parse::<f64>() {
                    Ok(f) if rust_decimal::Decimal::try_from(f).ok().map(|x| x.normalize()) == Some(d.normalize()) => {
                        Content::Number(f)
                    }
                    _ => Content::Text(s.clone()),
                },
                _ if s.trim().is_empty() => Content::Blank,
                _ => Content::Text(s.clone()),
            }
        }
        Some(other) => Content::Text(other.to_string()),
    }
}

/// The text of a JSON value for a text cell (strings as they are, other JSON as JSON).
pub(crate) fn text(v: Option<&serde_json::Value>) -> Content {
    match v {
        None | Some(serde_json::Value::Null) => Content::Blank,
        Some(serde_json::Value::String(s)) if s.is_empty() => Content::Blank,
        Some(serde_json::Value::String(s)) => Content::Text(s.clone()),
        Some(other) => Content::Text(other.to_string()),
    }
}

/// Writes the violations sheet (`校验结果`): one row per violation, its cell as a link to it.
pub(crate) fn violations_sheet(wb: &mut Workbook, form: &str, list: &[CellViolation]) -> Result<(), XlsxError> {
    let mut g = Grid::new("校验结果", 6);
    g.put(0, 0, 0, 6, Content::Text("校验结果".into()), Style::Title);
    g.height(0, 28.0);
    let errors = list.iter().filter(|v| v.violation.severity == jixiao_rules::Severity::Error).count();
    let summary = if list.is_empty() {
        "未发现问题。".to_owned()
    } else {
        format!(
            "共 {} 项：错误 {} 项，警告 {} 项。点击单元格地址可跳转到表中对应位置。",
            list.len(),
            errors,
            list.len() - errors
        )
    };
    g.put(1, 0, 1, 6, Content::Text(summary), Style::Subtitle);
    for (c, h) in ["序号", "单元格", "级别", "问题说明", "代码", "JSON 指针", "修改建议"].iter().enumerate()
    {
        g.cell(2, c as u16, Content::Text((*h).into()), Style::Label);
    }
    for (c, w) in [6.0, 16.0, 8.0, 50.0, 24.0, 22.0, 50.0].iter().enumerate() {
        g.width(c as u16, *w);
    }
    g.freeze_rows = 3;
    g.repeat_rows = Some((2, 2));
    let _ = form;
    for (k, v) in list.iter().enumerate() {
        let r = 3 + k as u32;
        g.cell(r, 0, Content::Number((k + 1) as f64), Style::Number);
        g.cell(r, 1, v.cell.clone().map_or(Content::Text("—".into()), Content::Text), Style::Center);
        let sev = match v.violation.severity {
            jixiao_rules::Severity::Error => "错误",
            jixiao_rules::Severity::Warning => "警告",
        };
        g.cell(r, 2, Content::Text(sev.into()), Style::Center);
        g.cell(r, 3, Content::Text(v.violation.message.clone()), Style::Text);
        g.cell(r, 4, Content::Text(v.violation.code.as_str().into()), Style::Center);
        g.cell(r, 5, Content::Text(v.violation.path.clone()), Style::Text);
        let hint = jixiao_rules::messages::hint(v.violation.code, jixiao_rules::Locale::ZhCn);
        g.cell(r, 6, Content::Text(hint.into()), Style::Text);
    }
    g.render(wb)?;
    // Links from the cell column to the cell itself.
    let ws = wb.worksheet_from_name("校验结果")?;
    let link_format = format_of(Style::Center, false)
        .set_font_color(Color::RGB(0x05_63_C1))
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
    for (k, v) in list.iter().enumerate() {
        if let Some(cell) = &v.cell {
            let url = rust_xlsxwriter::Url::new(format!("internal:{cell}")).set_text(cell);
            ws.write_url_with_format(3 + k as u32, 1, url, &link_format)?;
        }
    }
    Ok(())
}

/// Places the level-1 (column `c1`) and level-2 (`c1 + 1`) cells of consecutive indicator
/// rows from `first`, each run of the same level 1 (and within it of the same level 2)
/// merged down; returns, per row, the rows where its level-1 and level-2 cells start.
pub(crate) fn tree_columns(
    g: &mut Grid,
    first: u32,
    c1: u16,
    rows: &[(Option<&serde_json::Value>, Option<&serde_json::Value>)],
    fw: &jixiao_rules::Framework,
) -> Vec<(u32, u32)> {
    let key = |v: Option<&serde_json::Value>| v.map(ToString::to_string);
    let mut tops = vec![(first, first); rows.len()];
    let mut k = 0;
    while k < rows.len() {
        let Some(&(l1, _)) = rows.get(k) else { break };
        let mut end = k;
        while rows.get(end + 1).is_some_and(|n| key(n.0).is_some() && key(n.0) == key(l1)) {
            end += 1;
        }
        let l1_text = match l1.and_then(serde_json::Value::as_str) {
            Some(code) => Content::Text(crate::labels::level1_label(fw, code)),
            None => text(l1),
        };
        g.put(first + k as u32, c1, first + end as u32, c1, l1_text, Style::Center);
        let mut j = k;
        while j <= end {
            let Some(&(_, l2)) = rows.get(j) else { break };
            let mut e2 = j;
            while e2 < end && rows.get(e2 + 1).is_some_and(|n| key(n.1).is_some() && key(n.1) == key(l2)) {
                e2 += 1;
            }
            let l2_text = match (l1.and_then(serde_json::Value::as_str), l2.and_then(serde_json::Value::as_str)) {
                (Some(a), Some(b)) => Content::Text(crate::labels::level2_label(fw, a, b)),
                _ => text(l2),
            };
            g.put(first + j as u32, c1 + 1, first + e2 as u32, c1 + 1, l2_text, Style::Center);
            for (i, top) in tops.iter_mut().enumerate().take(e2 + 1).skip(j) {
                *top = (first + k as u32, first + j as u32);
                let _ = i;
            }
            j = e2 + 1;
        }
        k = end + 1;
    }
    tops
}

/// A target value as the forms print it: `≥1440套`, `≤2019-10-31`, `明显改善`.
pub(crate) fn target_value_text(ind: &serde_json::Map<String, serde_json::Value>) -> String {
    let s = |k: &str| ind.get(k).and_then(serde_json::Value::as_str).unwrap_or("");
    let op = match ind.get("operator").and_then(serde_json::Value::as_str) {
        Some("eq") | None => "",
        Some(o) => crate::labels::operator_label(o),
    };
    let value = s("value");
    // A date value reads as the date: a unit such as `日期` or `日` is not appended.
    let unit = if is_date(value) { "" } else { s("unit") };
    format!("{op}{value}{unit}")
}

/// The default row height (points).
pub(crate) const DEFAULT_HEIGHT: f64 = 15.0;
/// One line of 10-point text (points).
pub(crate) const LINE_HEIGHT: f64 = 13.5;

/// How many lines `text` takes wrapped in a cell `width` units wide (a CJK character is two
/// units, other characters one).
pub(crate) fn lines_needed(text: &str, width: f64) -> f64 {
    let width = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|line| {
            let units: f64 = line.chars().map(|ch| if (ch as u32) < 0x2E80 { 1.0 } else { 2.0 }).sum();
            (units / width).ceil().max(1.0)
        })
        .sum()
}

/// Whether `s` is a `YYYY-MM-DD` date as the documents write them.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}
