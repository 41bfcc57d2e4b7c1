//! Writes the national form of a fixture to a file: `cargo run -p jixiao-sheets --example
//! export_fixture -- tests/fixtures/targets/orphan-clothing-valid.json out.xlsx` (a target,
//! monitoring or evaluation fixture; the form follows from the fixture's members).

use jixiao_rules::{Locale, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(output)) = (args.get(1), args.get(2)) else {
        return Err("usage: export_fixture FIXTURE.json OUT.xlsx".into());
    };
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(input)?)?;
    let reg = Registry::builtin();
    let profile = match v.get("profile_file") {
        Some(p) => reg.parse_profile_json(&p.to_string())?,
        None => reg.profile(v["profile"].as_str().unwrap_or("artux-2018")).ok_or("unknown profile")?.clone(),
    };
    let obj = |k: &str| v.get(k).and_then(|x| x.as_object()).ok_or(format!("no {k}"));
    let out = if let Ok(doc) = obj("document") {
        jixiao_sheets::target::export(doc, &profile, Locale::ZhCn)?
    } else if let Ok(report) = obj("report") {
        jixiao_sheets::monitoring::export_checked(
            obj("target")?,
            report,
            v.get("previous").and_then(|p| p.as_object()),
            &profile,
            Locale::ZhCn,
        )?
    } else {
        jixiao_sheets::evaluation::export_checked(obj("target")?, obj("evaluation")?, &profile, Locale::ZhCn)?
    };
    std::fs::write(output, &out.bytes)?;
    eprintln!("{output}: {} bytes, {} violations", out.bytes.len(), out.violations.len());
    Ok(())
}
