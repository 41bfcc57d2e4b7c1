//! The 项目支出绩效目标执行监控表 (DOMAIN.md §5.3) of a monitoring report (FORMATS.md §6):
//! header, funds (年初预算数, 全年预算数, 1–N月执行数 and 执行率, 全年预计执行数, the
//! execution light and its reason), the goal and its progress, then one row per target
//! indicator with its target value, progress, forecast, light, the five 偏差原因 categories
//! ticked (√), 完成目标可能性 and 纠偏措施. The report's violations (paths into the report)
//! are listed on `校验结果` with their cells.

use jixiao_rules::{Locale, MonitorReport, Profile};
use serde_json::{Map, Value};

use crate::error::SheetError;
use crate::grid::{Content, Grid, LightColor, Style, money, target_value_text, text, tree_columns, violations_sheet};
use crate::labels;
use crate::target::{Exported, set_properties};

/// The name of the form's sheet.
pub const SHEET: &str = "监控表";

const LAST: u16 = 14;

fn decimal(d: Option<rust_decimal::Decimal>) -> Content {
    d.and_then(|d| d.to_string().parse::<f64>().ok()).map_or(Content::Blank, Content::Number)
}

fn light(g: &mut Grid, row: u32, col: u16, l: Option<jixiao_rules::Light>) {
    let code = l.map(|l| serde_json::to_value(l).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default());
    match code.as_deref().and_then(LightColor::of) {
        Some(c) => {
            g.cell(row, col, Content::Text(labels::light_label(code.as_deref().unwrap_or("")).into()), Style::Light(c))
        }
        None => g.cell(row, col, Content::Blank, Style::Center),
    }
}

/// Exports a monitoring report with its result (as `jixiao_rules::monitor` gave it).
pub fn export(
    target: &Map<String, Value>,
    report: &Map<String, Value>,
    result: &MonitorReport,
    profile: &Profile,
) -> Result<Exported, SheetError> {
    let fw = &profile.framework;
    let mut g = Grid::new(SHEET, LAST);
    for (c, w) in [9.0, 11.0, 20.0, 12.0, 12.0, 11.0, 8.0, 7.0, 6.0, 6.0, 6.0, 7.0, 5.0, 10.0, 22.0].iter().enumerate()
    {
        g.width(c as u16, *w);
    }
    let month = report.get("period").and_then(|p| p.get("through_month")).and_then(Value::as_u64);
    let year = report
        .get("period")
        .and_then(|p| p.get("fiscal_year"))
        .or_else(|| target.get("fiscal_year"))
        .and_then(Value::as_u64);
    let n = month.map_or_else(|| "N".to_owned(), |m| m.to_string());
    g.put(0, 0, 0, LAST, Content::Text("项目支出绩效目标执行监控表".into()), Style::Title);
    g.height(0, 32.0);
    g.at("", 0, 0);
    let sub = match year {
        Some(y) => format!("（{y}年1-{n}月）"),
        None => format!("（1-{n}月）"),
    };
    let first = g.subtitle_with_note(1, sub, 12);
    g.at("/period", 1, first);
    g.freeze_rows = 2;

    let get = |o: Option<&Value>, k: &str| o.and_then(|o| o.get(k)).cloned();
    let dept = target.get("department");
    let project = target.get("project");
    let dept_text = match (get(dept, "name"), get(dept, "code")) {
        (Some(Value::String(n)), Some(Value::String(c))) => format!("{n}（{c}）"),
        (Some(Value::String(n)), _) => n,
        _ => String::new(),
    };
    let pair = |g: &mut Grid, r: u32, a: &str, av: Content, b: &str, bv: Content| {
        g.put(r, 0, r, 1, Content::Text(a.into()), Style::Label);
        g.put(r, 2, r, 7, av, Style::Text);
        g.put(r, 8, r, 9, Content::Text(b.into()), Style::Label);
        g.put(r, 10, r, LAST, bv, Style::Text);
    };
    pair(&mut g, 2, "项目名称", text(get(project, "name").as_ref()), "主管部门及代码", Content::Text(dept_text));
    pair(
        &mut g,
        3,
        "实施单位",
        text(get(target.get("unit"), "name").as_ref()),
        "项目编码",
        text(get(project, "code").as_ref()),
    );

    // Funds.
    let ex = report.get("execution");
    g.put(4, 0, 5, 1, Content::Text("项目资金（万元）".into()), Style::Label);
    let heads = [
        (2, 3, "年初预算数".to_owned()),
        (4, 5, "全年预算数".to_owned()),
        (6, 7, format!("1-{n}月执行数")),
        (8, 9, format!("1-{n}月执行率")),
        (10, 11, "全年预计执行数".to_owned()),
        (12, 12, "执行灯".to_owned()),
        (13, 14, "执行偏差原因".to_owned()),
    ];
    for (a, b, h) in heads {
        g.put(4, a, 4, b, Content::Text(h), Style::Label);
    }
    g.put(5, 2, 5, 3, money(target.get("funds").and_then(|f| f.get("annual_total"))), Style::Money);
    g.put(5, 4, 5, 5, money(ex.and_then(|e| e.get("budget_full_year"))), Style::Money);
    g.put(5, 6, 5, 7, money(ex.and_then(|e| e.get("executed"))), Style::Money);
    g.put(5, 8, 5, 9, decimal(result.execution.rate), Style::Percent);
    g.put(5, 10, 5, 11, money(ex.and_then(|e| e.get("forecast_full_year"))), Style::Money);
    light(&mut g, 5, 12, result.execution.light);
    g.put(5, 13, 5, 14, text(ex.and_then(|e| e.get("reason"))), Style::Text);
    g.height(5, 30.0);
    g.at("/execution", 5, 4);
    g.at("/execution/budget_full_year", 5, 4);
    g.at("/execution/executed", 5, 6);
    g.at("/execution/forecast_full_year", 5, 10);
    g.at("/execution/reason", 5, 13);

    // Goal.
    g.put(6, 0, 6, 1, Content::Text("年度总体目标".into()), Style::Label);
    g.put(6, 2, 6, 7, text(target.get("goals").and_then(|x| x.get("annual"))), Style::Text);
    g.put(6, 8, 6, 9, Content::Text(format!("1-{n}月执行情况")), Style::Label);
    g.put(6, 10, 6, LAST, text(report.get("goal_progress")), Style::Text);
    g.at("/goal_progress", 6, 10);
    g.height(6, 60.0);

    // Indicator heading (two rows).
    for (c, h) in [
        (0, "一级指标".to_owned()),
        (1, "二级指标".to_owned()),
        (2, "三级指标".to_owned()),
        (3, "年度指标值".to_owned()),
        (4, format!("1-{n}月实际完成值")),
        (5, "全年预计完成值".to_owned()),
        (6, "进度比".to_owned()),
        (7, "进度灯".to_owned()),
        (13, "完成目标可能性".to_owned()),
        (14, "纠偏措施".to_owned()),
    ] {
        g.put(7, c, 8, c, Content::Text(h), Style::Label);
    }
    g.put(7, 8, 7, 12, Content::Text("偏差原因分析".into()), Style::Label);
    for (k, (_, label)) in labels::CAUSES.iter().enumerate() {
        g.cell(8, 8 + k as u16, Content::Text((*label).into()), Style::Label);
    }
    g.at("/indicators", 7, 2);
    g.repeat_rows = Some((7, 8));

    // Rows in target order; the report's first row per indicator id fills them.
    let targets: Vec<&Map<String, Value>> =
        target.get("indicators").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object).collect();
    let rows: Vec<&Value> =
        report.get("indicators").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    let first = 9;
    let pairs: Vec<_> = targets.iter().map(|t| (t.get("level1"), t.get("level2"))).collect();
    tree_columns(&mut g, first, 0, &pairs, fw);
    for (i, t) in targets.iter().enumerate() {
        let r = first + i as u32;
        let id = t.get("id").and_then(Value::as_str);
        let k = rows.iter().position(|x| x.get("indicator_id").and_then(Value::as_str) == id && id.is_some());
        let row = k.and_then(|k| rows.get(k)).and_then(|x| x.as_object());
        let progress = result.indicators.iter().find(|p| Some(p.indicator_id.as_str()) == id);
        g.cell(r, 2, text(t.get("name")), Style::Text);
        g.cell(r, 3, Content::Text(target_value_text(t)), Style::Center);
        g.cell(r, 4, text(row.and_then(|x| x.get("actual_to_date"))), Style::Center);
        g.cell(r, 5, text(row.and_then(|x| x.get("forecast_full_year"))), Style::Center);
        g.cell(r, 6, decimal(progress.and_then(|p| p.ratio)), Style::Percent);
        light(&mut g, r, 7, progress.and_then(|p| p.light));
        let causes: Vec<&str> = row
            .and_then(|x| x.get("causes"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (c, (code, _)) in labels::CAUSES.iter().enumerate() {
            let tick = if causes.contains(code) { Content::Text("√".into()) } else { Content::Blank };
            g.cell(r, 8 + c as u16, tick, Style::Center);
        }
        let likelihood = match row.and_then(|x| x.get("likelihood")) {
            Some(Value::String(s)) => Content::Text(labels::likelihood_label(s).into()),
            other => text(other),
        };
        g.cell(r, 13, likelihood, Style::Center);
        g.cell(r, 14, text(row.and_then(|x| x.get("measures"))), Style::Text);
        if let Some(k) = k {
            let base = format!("/indicators/{k}");
            g.at(base.clone(), r, 2);
            for (key, c) in [
                ("indicator_id", 2),
                ("actual_to_date", 4),
                ("forecast_full_year", 5),
                ("causes", 8),
                ("likelihood", 13),
                ("measures", 14),
            ] {
                g.at(format!("{base}/{key}"), r, c);
            }
        }
    }
    // Rows of the report that name no target indicator: listed below, so their cells exist.
    let mut r = first + targets.len() as u32;
    for (k, x) in rows.iter().enumerate() {
        let id = x.get("indicator_id").and_then(Value::as_str);
        if targets.iter().any(|t| t.get("id").and_then(Value::as_str) == id && id.is_some()) {
            continue;
        }
        g.put(r, 0, r, 1, Content::Text("（未知指标）".into()), Style::Center);
        g.cell(r, 2, text(x.get("indicator_id")), Style::Text);
        for c in 3..=LAST {
            g.cell(r, c, Content::Blank, Style::Center);
        }
        g.at(format!("/indicators/{k}"), r, 2);
        r += 1;
    }
    // Conclusion.
    let c = result.counts;
    let overall = result.light.map(|l| {
        labels::light_label(
            &serde_json::to_value(l).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        )
        .to_owned()
    });
    g.put(r, 0, r, 1, Content::Text("监控结论".into()), Style::Label);
    g.put(
        r,
        2,
        r,
        LAST,
        Content::Text(format!(
            "总体：{}；红灯 {}，黄灯 {}，绿灯 {}，蓝灯 {}（时间进度 {}）",
            overall.unwrap_or_else(|| "尚有错误，未定".into()),
            c.red,
            c.yellow,
            c.green,
            c.blue,
            result.time_progress.map_or_else(
                || "—".into(),
                |t| format!("{}%", (t * rust_decimal::Decimal::ONE_HUNDRED).round_dp(2).normalize())
            )
        )),
        Style::Text,
    );

    let violations = g.flag(result.violations.clone());
    let mut wb = rust_xlsxwriter::Workbook::new();
    set_properties(&mut wb, "项目支出绩效目标执行监控表");
    g.render(&mut wb)?;
    violations_sheet(&mut wb, SHEET, &violations)?;
    Ok(Exported { bytes: wb.save_to_buffer()?, violations })
}

/// Checks the report with `jixiao_rules::monitor` and exports it.
pub fn export_checked(
    target: &Map<String, Value>,
    report: &Map<String, Value>,
    previous: Option<&Map<String, Value>>,
    profile: &Profile,
    locale: Locale,
) -> Result<Exported, SheetError> {
    let result = jixiao_rules::monitor(target, report, profile, previous, locale);
    export(target, report, &result, profile)
}
