//! Writes a bureau workbook of N synthetic targets (and as many monitoring and evaluation
//! rows) — what `benches/xlsx.sh` measures: `bureau_workbook N OUT.xlsx [--buffer]`
//! (`--buffer`: finish into bytes in memory, as the server does, instead of into the file).

use jixiao_sheets::workbook::{BureauWorkbook, EvaluationLine, MonitoringLine, TargetLine, YearSummary};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = args.get(1).ok_or("usage: bureau_workbook N OUT.xlsx [--buffer]")?.parse()?;
    let out = args.get(2).ok_or("usage: bureau_workbook N OUT.xlsx [--buffer]")?;
    let buffer = args.iter().any(|a| a == "--buffer");
    let mut wb = BureauWorkbook::new(2019)?;
    let amount = |i: u32| Some(Decimal::new(i64::from(i % 100_000) * 100 + 40, 2));
    for i in 0..n {
        let dept = format!("阿图什市第{}局", i % 342);
        let project = format!("2019年项目支出第{i}号：农村公路通村硬化路建设及配套设施维护");
        wb.push_target(&TargetLine {
            department_code: format!("{:03}", i % 342),
            department_name: dept.clone(),
            project_code: format!("P2019-{i:06}"),
            project_name: project.clone(),
            kind: "project".into(),
            annual_total: amount(i),
            status: ["draft", "submitted", "returned", "approved"][(i % 4) as usize].into(),
            review_grade: Some(["excellent", "good", "fair", "poor"][(i % 4) as usize].into()),
            errors: i64::from(i % 3),
            warnings: i64::from(i % 2),
            classified: i % 50 == 0,
        })?;
        wb.push_monitoring(&MonitoringLine {
            department_name: dept.clone(),
            project_name: project.clone(),
            through_month: 9,
            status: "accepted".into(),
            execution_rate: Some(Decimal::new(i64::from(i % 10_000), 4)),
            execution_light: Some(["red", "yellow", "green"][(i % 3) as usize].into()),
            light: Some(["red", "yellow", "green"][(i % 3) as usize].into()),
            red: i64::from(i % 2),
            yellow: i64::from(i % 3),
            causes: "硬件条件保障；其他".into(),
            measures: "增加两个施工班组，9月30日前完成主体工程".into(),
        })?;
        wb.push_evaluation(&EvaluationLine {
            department_name: dept,
            project_name: project,
            annual_total: amount(i),
            status: "filed".into(),
            self_total: Some(Decimal::new(9819, 2)),
            re_total: None,
            final_total: Some(Decimal::new(9819, 2)),
            grade: Some("excellent".into()),
            zero_reason: None,
            recommended: amount(i),
        })?;
    }
    let summary = YearSummary {
        fiscal_year: 2019,
        approved_targets: i64::from(n),
        evaluated: i64::from(n),
        ..Default::default()
    };
    if buffer {
        let bytes = wb.into_bytes(&summary)?;
        std::fs::write(out, &bytes)?;
    } else {
        wb.save(std::path::Path::new(out), &summary)?;
    }
    eprintln!("{out}: {n} rows per table, {} bytes", std::fs::metadata(out)?.len());
    // This process's own peak RSS (VmHWM starts afresh at exec, so no parent's memory is in
    // it): what benches/xlsx.sh compares.
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kib) = status.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
        println!("peak_rss_kib {}", kib.trim().trim_end_matches("kB").trim());
    }
    Ok(())
}
