//! The written files read back by a different library (calamine, and the package's XML
//! through the zip crate): cells, merges, number formats, frozen rows, print setup, the
//! violations sheet and the notes at the offending cells.

mod common;

use calamine::{Data, Reader};
use common::{cell, merges, part};
use jixiao_rules::Locale;
use jixiao_sheets::{evaluation, monitoring, target};

/// The line under the title (row 2): its text and the column it starts in.
fn subtitle(b: &[u8], sheet: &str) -> (String, char) {
    ('A'..='L')
        .find_map(|c| match cell(b, sheet, &format!("{c}2")) {
            Data::String(s) => Some((s, c)),
            _ => None,
        })
        .expect("a subtitle in row 2")
}

fn orphan() -> serde_json::Map<String, serde_json::Value> {
    common::load("targets/orphan-clothing-valid.json")["document"].as_object().unwrap().clone()
}

#[test]
fn target_form_cells_merges_and_formats() {
    let out = target::export(&orphan(), common::profile("artux-2018"), Locale::ZhCn).unwrap();
    let b = &out.bytes;
    assert!(out.violations.is_empty());
    let mut wb = common::open(b);
    assert_eq!(wb.sheet_names(), vec!["申报表", "校验结果"]);
    assert_eq!(cell(b, "申报表", "A1"), Data::String("项目支出绩效目标申报表".into()));
    assert_eq!(
        subtitle(b, "申报表"),
        ("（2019年度）".to_owned(), 'C'),
        "centred: as far from the left as 金额单位 is wide"
    );
    assert_eq!(cell(b, "申报表", "K2"), Data::String("金额单位：万元".into()));
    assert_eq!(cell(b, "申报表", "A3"), Data::String("项目名称".into()));
    assert_eq!(cell(b, "申报表", "C3"), Data::String("2019年孤儿被装购置费".into()));
    assert_eq!(cell(b, "申报表", "A9"), Data::String("年度资金总额".into()));
    assert_eq!(cell(b, "申报表", "C9"), Data::Float(86.4));
    assert_eq!(cell(b, "申报表", "C10"), Data::String("自治区补助".into()));
    assert_eq!(cell(b, "申报表", "J10"), Data::Float(60.0));
    assert_eq!(cell(b, "申报表", "C15"), Data::String("三级指标".into()));
    assert_eq!(cell(b, "申报表", "A16"), Data::String("产出指标".into()));
    assert_eq!(cell(b, "申报表", "B16"), Data::String("数量指标".into()));
    assert_eq!(cell(b, "申报表", "C16"), Data::String("保障孤儿人数".into()));
    assert_eq!(cell(b, "申报表", "E16"), Data::String("=".into()));
    assert_eq!(cell(b, "申报表", "F16"), Data::Float(360.0));
    assert_eq!(cell(b, "申报表", "F20"), Data::String("2019-10-31".into()));
    assert_eq!(cell(b, "申报表", "A22"), Data::String("效益指标".into()));
    assert_eq!(cell(b, "申报表", "D23"), Data::String("定性".into()));
    assert_eq!(cell(b, "申报表", "M25"), Data::String("i10".into()));

    let m = merges(b, "申报表");
    for region in [
        "A1:M1", "A3:B3", "C3:G3", "J3:M3", "A10:B11", "C12:M12", "A16:A21", "B16:B17", "B18:B19", "A22:A24", "B22:B23",
    ] {
        assert!(m.contains(&region.to_owned()), "{region} not merged; merges: {m:?}");
    }
    // The covered cells of a merge are empty to a reader: the value is in the first.
    assert_eq!(cell(b, "申报表", "A17"), Data::Empty);

    // Number formats, as the reader sees them.
    let styles = wb.worksheet_style("申报表").unwrap();
    let nf = |r, c| styles.get((r, c)).and_then(|s| s.number_format.clone()).map(|n| n.format_code);
    assert_eq!(nf(8, 2).as_deref(), Some("#,##0.00"), "C9 年度资金总额");
    assert_eq!(nf(9, 9).as_deref(), Some("#,##0.00"), "J10 source amount");
    assert!(part(b, "xl/styles.xml").contains(r##"formatCode="#,##0.00""##));
    // The value column is formatted as text, so `98%` retyped in a spreadsheet program stays
    // the text the importer reads (not 0.98 in a percent format); 360 is still a number.
    assert_eq!(nf(15, 5).as_deref(), Some("@"), "F16 指标值");
    assert_eq!(nf(19, 5).as_deref(), Some("@"), "F20 a date value");

    // Frozen header, A4 landscape fit to width, print area and print titles.
    let sheet = part(b, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"ySplit="2""#) && sheet.contains(r#"state="frozen""#), "no frozen rows");
    assert!(sheet.contains(r#"paperSize="9""#) && sheet.contains(r#"orientation="landscape""#), "not A4 landscape");
    assert!(sheet.contains(r#"fitToPage="1""#) && sheet.contains(r#"fitToHeight="0""#), "not fit to width");
    let book = part(b, "xl/workbook.xml");
    assert!(book.contains("_xlnm.Print_Area") && book.contains("申报表!$A$1:$M$25"), "{book}");
    assert!(book.contains("_xlnm.Print_Titles") && book.contains("申报表!$15:$15"), "{book}");
}

#[test]
fn violations_sheet_and_notes() {
    let doc = common::load("targets/indicator-field-errors.json")["document"].as_object().unwrap().clone();
    let out = target::export(&doc, common::profile("artux-2018"), Locale::ZhCn).unwrap();
    let cells: Vec<_> = out
        .violations
        .iter()
        .map(|v| (v.violation.code.as_str(), v.violation.path.as_str(), v.cell.as_deref()))
        .collect();
    assert_eq!(
        cells,
        vec![
            ("IND_UNIT_REQUIRED", "/indicators/1/unit", Some("申报表!G17")),
            ("IND_VALUE_PLACEHOLDER", "/indicators/2/value", Some("申报表!F18")),
            ("IND_OPERATOR_INVALID", "/indicators/3/operator", Some("申报表!E19")),
            ("IND_OPERATOR_INVALID", "/indicators/7/operator", Some("申报表!E23")),
        ]
    );
    let b = &out.bytes;
    assert_eq!(cell(b, "校验结果", "B4"), Data::String("申报表!G17".into()));
    assert_eq!(cell(b, "校验结果", "C4"), Data::String("错误".into()));
    assert_eq!(cell(b, "校验结果", "D4"), Data::String("定量指标必须填写计量单位".into()));
    assert_eq!(cell(b, "校验结果", "E4"), Data::String("IND_UNIT_REQUIRED".into()));
    assert_eq!(cell(b, "校验结果", "F4"), Data::String("/indicators/1/unit".into()));
    assert!(matches!(cell(b, "校验结果", "G4"), Data::String(h) if h.contains("计量单位")), "the hint: how to fix it");
    // The message is also a note at the cell, and the cell is marked.
    let comments = part(b, "xl/comments1.xml");
    assert!(comments.contains(r#"ref="G17""#) && comments.contains("定量指标必须填写计量单位"), "{comments}");
    assert!(part(b, "xl/worksheets/sheet2.xml").contains("hyperlink"), "no links to the cells");
}

#[test]
fn department_form() {
    let mut doc = orphan();
    doc.insert("kind".into(), "department".into());
    doc.remove("project");
    doc.insert(
        "tasks".into(),
        serde_json::json!([{"name": "孤儿基本生活保障", "content": "按标准发放", "amount": "60.00"},
                           {"name": "被装配发", "content": "四季被装", "amount": "26.40"}]),
    );
    let out = target::export(&doc, common::profile("artux-2018"), Locale::ZhCn).unwrap();
    assert_eq!(cell(&out.bytes, "申报表", "A1"), Data::String("部门（单位）整体支出绩效目标申报表".into()));
    let back =
        jixiao_sheets::import_target(&out.bytes, common::profile("artux-2018"), Locale::ZhCn, &Default::default())
            .unwrap();
    assert_eq!(common::normal(&back.document.clone().into()), common::normal(&doc.into()));
}

#[test]
fn monitoring_form() {
    let f = common::load("monitoring/over-run-blue.json");
    let t = f["target"].as_object().unwrap();
    let r = f["report"].as_object().unwrap();
    let out = monitoring::export_checked(t, r, None, common::profile("artux-2018"), Locale::ZhCn).unwrap();
    let b = &out.bytes;
    assert_eq!(cell(b, "监控表", "A1"), Data::String("项目支出绩效目标执行监控表".into()));
    assert_eq!(subtitle(b, "监控表").0, "（2019年1-6月）");
    assert_eq!(cell(b, "监控表", "G5"), Data::String("1-6月执行数".into()));
    assert_eq!(cell(b, "监控表", "I9"), Data::String("经费保障".into()));
    assert_eq!(cell(b, "监控表", "C10"), Data::String("保障孤儿人数".into()));
    assert_eq!(cell(b, "监控表", "D11"), Data::String("≥1440套".into()));
    assert_eq!(cell(b, "监控表", "H10"), Data::String("蓝灯".into()));
    let m = merges(b, "监控表");
    for region in ["A1:O1", "I8:M8", "A8:A9", "A10:A15"] {
        assert!(m.contains(&region.to_owned()), "{region} not merged; {m:?}");
    }
    let mut wb = common::open(b);
    let styles = wb.worksheet_style("监控表").unwrap();
    let nf = |r, c| styles.get((r, c)).and_then(|s| s.number_format.clone()).map(|n| n.format_code);
    assert_eq!(nf(5, 4).as_deref(), Some("#,##0.00"));
    assert_eq!(nf(5, 8).as_deref(), Some("0.00%"));
}

#[test]
fn evaluation_form_shows_formula_beside_override() {
    let f = common::load("evaluations/orphan-clothing-2019-bands-override.json");
    let t = f["target"].as_object().unwrap();
    let e = f["evaluation"].as_object().unwrap();
    let profile = jixiao_rules::Registry::builtin()
        .parse_profile_json(&f["profile_file"].to_string())
        .unwrap_or_else(|_| common::profile("artux-2018").clone());
    let out = evaluation::export_checked(t, e, &profile, Locale::ZhCn).unwrap();
    let b = &out.bytes;
    assert_eq!(cell(b, "自评表", "A1"), Data::String("项目支出绩效自评表".into()));
    assert_eq!(cell(b, "自评表", "C11"), Data::String("配发四季被装套数".into()));
    assert_eq!(cell(b, "自评表", "G11"), Data::Float(10.0), "the assessor's score");
    assert_eq!(
        cell(b, "自评表", "H11"),
        Data::Float(9.9),
        "the formula (1 decimal under this profile)'s score beside it"
    );
    assert!(matches!(cell(b, "自评表", "I11"), Data::String(s) if s.contains("被收养")));
    assert_eq!(cell(b, "自评表", "H10"), Data::Empty, "no formula column where they agree");
    let mut wb = common::open(b);
    let styles = wb.worksheet_style("自评表").unwrap();
    let nf = |r, c| styles.get((r, c)).and_then(|s| s.number_format.clone()).map(|n| n.format_code);
    assert_eq!(nf(10, 6).as_deref(), Some("0.00"), "G11 scores show two decimals, as the pages do");
    assert_eq!(nf(10, 7).as_deref(), Some("0.00"), "H11 the formula's score");
    // The override's reason wraps onto more lines than a default row holds: the row grows.
    let sheet = part(b, "xl/worksheets/sheet1.xml");
    let row11 = sheet.split("<row ").find(|r| r.starts_with(r#"r="11""#)).expect("row 11");
    let ht: f64 =
        row11.split(r#"ht=""#).nth(1).and_then(|h| h.split('"').next()).and_then(|h| h.parse().ok()).expect("a height");
    assert!(ht > 15.0 && row11.contains(r#"customHeight="1""#), "row 11 is {ht} pt high");
}

#[test]
fn a_date_target_value_reads_as_the_date_without_its_unit() {
    let f = common::load("monitoring/over-run-blue.json");
    let mut t = f["target"].as_object().unwrap().clone();
    let r = f["report"].as_object().unwrap();
    let list = t.get_mut("indicators").unwrap().as_array_mut().unwrap();
    let k = list
        .iter()
        .position(|i| i["value"].as_str().is_some_and(|v| v.len() == 10 && v.as_bytes()[4] == b'-'))
        .unwrap();
    list[k]["unit"] = serde_json::json!("日期");
    let value = list[k]["value"].as_str().unwrap().to_owned();
    let out = monitoring::export_checked(&t, r, None, common::profile("artux-2018"), Locale::ZhCn).unwrap();
    let row = 10 + k as u32;
    assert_eq!(cell(&out.bytes, "监控表", &format!("D{row}")), Data::String(format!("≤{value}")));
}
