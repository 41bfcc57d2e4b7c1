//! The 项目支出绩效自评表 (DOMAIN.md §6.1) of a self-evaluation (FORMATS.md §4): header,
//! budget execution (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分), the goal and
//! what was achieved, one row per target indicator (年度指标值, 实际完成值, 分值, 得分,
//! 偏差原因分析及改进措施), 总分 and 等级. Where an assessor's override replaced the
//! formula (§4.1), the formula's score stands beside it with the reason. The evaluation's
//! violations (paths into the evaluation) are listed on `校验结果` with their cells.

use jixiao_rules::{Locale, Profile, ScoreReport};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::error::SheetError;
use crate::grid::{Content, Grid, Style, money, target_value_text, text, tree_columns, violations_sheet};
use crate::labels;
use crate::target::{Exported, set_properties};

/// The name of the form's sheet.
pub const SHEET: &str = "自评表";

const LAST: u16 = 9;

fn num(d: Option<Decimal>) -> Content {
    d.and_then(|d| d.to_string().parse::<f64>().ok()).map_or(Content::Blank, Content::Number)
}

fn title(target: &Map<String, Value>) -> &'static str {
    match target.get("kind").and_then(Value::as_str) {
        Some("department") => "部门（单位）整体支出绩效自评表",
        _ => "项目支出绩效自评表",
    }
}

/// Exports a self-evaluation with its score (as `jixiao_rules::score` gave it, overrides
/// included).
pub fn export(
    target: &Map<String, Value>,
    evaluation: &Map<String, Value>,
    result: &ScoreReport,
    profile: &Profile,
) -> Result<Exported, SheetError> {
    let fw = &profile.framework;
    let mut g = Grid::new(SHEET, LAST);
    for (c, w) in [9.0, 11.0, 22.0, 13.0, 12.0, 7.0, 8.0, 9.0, 22.0, 26.0].iter().enumerate() {
        g.width(c as u16, *w);
    }
    g.put(0, 0, 0, LAST, Content::Text(title(target).into()), Style::Title);
    g.height(0, 32.0);
    g.at("", 0, 0);
    let year = target.get("fiscal_year").and_then(Value::as_u64).map_or_else(String::new, |y| format!("（{y}年度）"));
    let _ = g.subtitle_with_note(1, year, 8);
    g.freeze_rows = 2;

    let get = |o: Option<&Value>, k: &str| o.and_then(|o| o.get(k)).cloned();
    let pair = |g: &mut Grid, r: u32, a: &str, av: Content, b: &str, bv: Content| {
        g.put(r, 0, r, 1, Content::Text(a.into()), Style::Label);
        g.put(r, 2, r, 4, av, Style::Text);
        g.put(r, 5, r, 6, Content::Text(b.into()), Style::Label);
        g.put(r, 7, r, LAST, bv, Style::Text);
    };
    let project = target.get("project");
    let name = get(project, "name").or_else(|| get(target.get("department"), "name"));
    pair(&mut g, 2, "项目名称", text(name.as_ref()), "主管部门", text(get(target.get("department"), "name").as_ref()));
    pair(
        &mut g,
        3,
        "实施单位",
        text(get(target.get("unit"), "name").as_ref()),
        "项目编码",
        text(get(project, "code").as_ref()),
    );

    // Budget execution.
    let ex = evaluation.get("execution");
    let any_override = result.execution.overridden || result.indicators.iter().any(|r| r.overridden);
    g.put(4, 0, 5, 1, Content::Text("项目资金（万元）".into()), Style::Label);
    for (c, h) in ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "按公式计算得分", "评分说明"]
        .iter()
        .enumerate()
    {
        g.cell(4, 2 + c as u16, Content::Text((*h).into()), Style::Label);
    }
    g.cell(5, 2, money(ex.and_then(|e| e.get("budget_initial"))), Style::Money);
    g.cell(5, 3, money(ex.and_then(|e| e.get("budget_full_year"))), Style::Money);
    g.cell(5, 4, money(ex.and_then(|e| e.get("executed"))), Style::Money);
    g.cell(5, 5, num(Some(result.execution.points)), Style::Number);
    g.cell(5, 6, num(result.execution.rate), Style::Percent);
    g.cell(5, 7, num(result.execution.score), Style::Score);
    let (formula, why) = if result.execution.overridden {
        (num(result.execution.formula_score), text(ex.and_then(|e| e.get("override")).and_then(|o| o.get("reason"))))
    } else {
        (Content::Blank, text(ex.and_then(|e| e.get("reason"))))
    };
    g.cell(5, 8, formula, Style::Score);
    g.cell(5, 9, why, Style::Text);
    g.height(5, 30.0);
    g.at("/execution", 5, 3);
    g.at("/execution/budget_initial", 5, 2);
    g.at("/execution/budget_full_year", 5, 3);
    g.at("/execution/executed", 5, 4);
    g.at("/execution/reason", 5, 9);
    g.at("/execution/override", 5, 7);
    g.at("/execution/override/score", 5, 7);
    g.at("/execution/override/reason", 5, 9);

    // Goal.
    let rep = evaluation.get("report");
    g.put(6, 0, 7, 1, Content::Text("年度总体目标".into()), Style::Label);
    g.put(6, 2, 6, 5, Content::Text("预期目标".into()), Style::Label);
    g.put(6, 6, 6, LAST, Content::Text("实际完成情况".into()), Style::Label);
    g.put(7, 2, 7, 5, text(target.get("goals").and_then(|x| x.get("annual"))), Style::Text);
    g.put(7, 6, 7, LAST, text(rep.and_then(|r| r.get("achievement"))), Style::Text);
    g.at("/report/achievement", 7, 6);
    g.height(7, 60.0);

    // Indicators.
    for (c, h) in [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "按公式计算得分",
        "评分说明",
        "偏差原因分析及改进措施",
    ]
    .iter()
    .enumerate()
    {
        g.cell(8, c as u16, Content::Text((*h).into()), Style::Label);
    }
    g.at("/results", 8, 2);
    g.repeat_rows = Some((8, 8));
    let targets: Vec<&Map<String, Value>> =
        target.get("indicators").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object).collect();
    let results: Vec<&Value> =
        evaluation.get("results").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    let first = 9;
    let pairs: Vec<_> = targets.iter().map(|t| (t.get("level1"), t.get("level2"))).collect();
    tree_columns(&mut g, first, 0, &pairs, fw);
    for (i, t) in targets.iter().enumerate() {
        let r = first + i as u32;
        let id = t.get("id").and_then(Value::as_str);
        let k = results.iter().position(|x| x.get("indicator_id").and_then(Value::as_str) == id && id.is_some());
        let res = k.and_then(|k| results.get(k)).and_then(|x| x.as_object());
        let scored = result.indicators.iter().find(|s| Some(s.indicator_id.as_str()) == id);
        g.cell(r, 2, text(t.get("name")), Style::Text);
        g.cell(r, 3, Content::Text(target_value_text(t)), Style::Center);
        let actual = match (res.and_then(|x| x.get("actual")), res.and_then(|x| x.get("tier")).and_then(Value::as_str))
        {
            (Some(a), _) if !a.is_null() => text(Some(a)),
            (_, Some(tier)) => Content::Text(
                match tier {
                    "achieved" => "达成年度指标",
                    "partial" => "部分达成年度指标并具有一定效果",
                    "not_achieved" => "未达成年度指标且效果较差",
                    other => other,
                }
                .into(),
            ),
            _ => Content::Blank,
        };
        g.cell(r, 4, actual, Style::Center);
        g.cell(r, 5, num(scored.and_then(|s| s.points)), Style::Number);
        g.cell(r, 6, num(scored.and_then(|s| s.score)), Style::Score);
        let overridden = scored.is_some_and(|s| s.overridden);
        g.cell(r, 7, if overridden { num(scored.and_then(|s| s.formula_score)) } else { Content::Blank }, Style::Score);
        let why = if overridden {
            text(res.and_then(|x| x.get("override")).and_then(|o| o.get("reason")))
        } else {
            Content::Blank
        };
        g.cell(r, 8, why, Style::Text);
        g.cell(r, 9, text(res.and_then(|x| x.get("deviation_reason"))), Style::Text);
        if let Some(k) = k {
            let base = format!("/results/{k}");
            g.at(base.clone(), r, 6);
            for (key, c) in [
                ("indicator_id", 2),
                ("actual", 4),
                ("tier", 4),
                ("score", 6),
                ("override", 6),
                ("override/score", 6),
                ("override/reason", 8),
                ("deviation_reason", 9),
            ] {
                g.at(format!("{base}/{key}"), r, c);
            }
        }
    }
    let mut r = first + targets.len() as u32;
    // Results that name no target indicator, so their violations have a cell.
    for (k, x) in results.iter().enumerate() {
        let id = x.get("indicator_id").and_then(Value::as_str);
        if targets.iter().any(|t| t.get("id").and_then(Value::as_str) == id && id.is_some()) {
            continue;
        }
        g.put(r, 0, r, 1, Content::Text("（未知指标）".into()), Style::Center);
        g.cell(r, 2, text(x.get("indicator_id")), Style::Text);
        for c in 3..=LAST {
            g.cell(r, c, Content::Blank, Style::Center);
        }
        g.at(format!("/results/{k}"), r, 2);
        g.at(format!("/results/{k}/indicator_id"), r, 2);
        r += 1;
    }
    // Total.
    let points_total = result.execution.points + result.indicators.iter().filter_map(|s| s.points).sum::<Decimal>();
    g.put(r, 0, r, 4, Content::Text("总分".into()), Style::Label);
    g.cell(r, 5, num(Some(points_total)), Style::Number);
    g.cell(r, 6, num(result.total), Style::Score);
    let formula_total = any_override.then(|| {
        result.execution.formula_score.or(result.execution.score).unwrap_or_default()
            + result.indicators.iter().map(|s| s.formula_score.or(s.score).unwrap_or_default()).sum::<Decimal>()
    });
    g.cell(r, 7, num(formula_total), Style::Score);
    let grade = result.grade.map(|g| {
        labels::grade_label(
            &serde_json::to_value(g).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        )
        .to_owned()
    });
    g.put(
        r,
        8,
        r,
        LAST,
        Content::Text(format!("评价等级：{}", grade.unwrap_or_else(|| "尚有错误，未定".into()))),
        Style::Center,
    );
    r += 1;
    for (label, key) in [("项目基本情况", "basic"), ("偏差原因分析", "deviation"), ("改进措施", "improvement")]
    {
        if let Some(v) = rep.and_then(|x| x.get(key)).filter(|v| v.as_str().is_some_and(|s| !s.trim().is_empty())) {
            g.put(r, 0, r, 1, Content::Text(label.into()), Style::Label);
            g.put(r, 2, r, LAST, text(Some(v)), Style::Text);
            g.at(format!("/report/{key}"), r, 2);
            g.height(r, 45.0);
            r += 1;
        }
    }

    let violations = g.flag(result.violations.clone());
    let mut wb = rust_xlsxwriter::Workbook::new();
    set_properties(&mut wb, title(target));
    g.render(&mut wb)?;
    violations_sheet(&mut wb, SHEET, &violations)?;
    Ok(Exported { bytes: wb.save_to_buffer()?, violations })
}

/// Scores the evaluation with `jixiao_rules::score` and exports it.
pub fn export_checked(
    target: &Map<String, Value>,
    evaluation: &Map<String, Value>,
    profile: &Profile,
    locale: Locale,
) -> Result<Exported, SheetError> {
    let result = jixiao_rules::score(target, evaluation, profile, locale);
    export(target, evaluation, &result, profile)
}
