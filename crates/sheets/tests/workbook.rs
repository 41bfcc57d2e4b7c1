//! The bureau workbook read back by calamine: sheets, headings, rows, the §7 figures.

mod common;

use calamine::{Data, Reader};
use jixiao_sheets::workbook::{BureauWorkbook, EvaluationLine, MonitoringLine, TargetLine, YearSummary};
use rust_decimal::Decimal;

fn d(s: &str) -> Option<Decimal> {
    Some(s.parse().unwrap())
}

#[test]
fn a_year_workbook() {
    let summary = YearSummary {
        fiscal_year: 2018,
        review_counts: vec![("approved".into(), 342)],
        units_with_project_spending: 56,
        units_monitored: 56,
        project_spending: "230047.41".parse().unwrap(),
        monitored_spending: "230047.41".parse().unwrap(),
        coverage: d("1.0000"),
        approved_targets: 342,
        evaluated: 342,
        grades: [300, 30, 9, 3],
        zero_scores: vec![("阿图什市民政局".into(), "孤儿被装购置费".into(), "未按要求开展绩效自评".into())],
        evaluated_spending: d("230047.41"),
        recommended_total: d("229000.00"),
        ..YearSummary::default()
    };
    let mut wb = BureauWorkbook::new(2018).unwrap();
    for i in 0..342 {
        wb.push_target(&TargetLine {
            department_code: format!("{:03}", i % 56),
            department_name: format!("部门{}", i % 56),
            project_code: format!("P2018-{i:03}"),
            project_name: format!("项目{i}"),
            kind: "project".into(),
            annual_total: d("672.65"),
            status: "approved".into(),
            review_grade: Some("good".into()),
            ..TargetLine::default()
        })
        .unwrap();
        wb.push_monitoring(&MonitoringLine {
            department_name: format!("部门{}", i % 56),
            project_name: format!("项目{i}"),
            through_month: 9,
            status: "accepted".into(),
            execution_rate: d("0.4630"),
            execution_light: Some("yellow".into()),
            light: Some("yellow".into()),
            yellow: 1,
            causes: "硬件条件保障".into(),
            measures: "增加施工班组".into(),
            ..MonitoringLine::default()
        })
        .unwrap();
        wb.push_evaluation(&EvaluationLine {
            department_name: format!("部门{}", i % 56),
            project_name: format!("项目{i}"),
            annual_total: d("672.65"),
            status: "filed".into(),
            self_total: d("98.19"),
            final_total: d("98.19"),
            grade: Some("excellent".into()),
            recommended: d("672.65"),
            ..EvaluationLine::default()
        })
        .unwrap();
    }
    assert_eq!(wb.rows(), (342, 342, 342));
    let bytes = wb.into_bytes(&summary).unwrap();
    let mut x = common::open(&bytes);
    assert_eq!(x.sheet_names(), vec!["汇总", "绩效目标", "运行监控", "绩效自评"]);
    let s = x.worksheet_range("汇总").unwrap();
    assert_eq!(s.get_value((0, 0)), Some(&Data::String("2018年度预算绩效管理汇总".into())));
    let rows: Vec<Vec<Data>> = s.rows().map(|r| r.to_vec()).collect();
    let find = |label: &str| rows.iter().find(|r| r[0] == Data::String(label.into())).map(|r| r[1].clone());
    assert_eq!(find("有项目支出的单位数"), Some(Data::Float(56.0)));
    assert_eq!(find("项目支出（万元）"), Some(Data::Float(230047.41)));
    assert_eq!(find("监控覆盖率"), Some(Data::Float(1.0)));
    assert_eq!(find("零分项目数"), Some(Data::Float(1.0)));
    let t = x.worksheet_range("绩效目标").unwrap();
    assert_eq!(t.get_value((1, 4)), Some(&Data::String("项目名称".into())));
    assert_eq!(t.get_value((343, 4)), Some(&Data::String("项目341".into())));
    assert_eq!(t.get_value((2, 7)), Some(&Data::String("已批复".into())));
    assert_eq!(t.get_value((2, 8)), Some(&Data::String("良".into())));
    let m = x.worksheet_range("运行监控").unwrap();
    assert_eq!(m.get_value((2, 6)), Some(&Data::String("黄灯".into())));
    assert_eq!(m.get_value((2, 9)), Some(&Data::String("硬件条件保障".into())));
    let e = x.worksheet_range("绩效自评").unwrap();
    assert_eq!(e.get_value((2, 7)), Some(&Data::Float(98.19)));
    assert_eq!(e.get_value((2, 8)), Some(&Data::String("优".into())));
    let sheet = common::part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(sheet.contains("<autoFilter ref=\"A2:K344\""), "no autofilter");
    assert!(sheet.contains(r#"ySplit="2""#));
    let styles = x.worksheet_style("绩效目标").unwrap();
    assert_eq!(
        styles.get((2, 6)).and_then(|s| s.number_format.clone()).map(|n| n.format_code).as_deref(),
        Some("#,##0.00")
    );
}
