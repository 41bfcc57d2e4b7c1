//! 申报表 laid out as published tables are, written here with rust_xlsxwriter (not with
//! the crate's exporter), read back into the canonical document with cells on every
//! violation: merged L1/L2 cells, L1/L2 only on the first row of their group without a
//! merge, ≥ in the value cell, amounts under a 元 heading, full-width digits and spaces,
//! columns in another order, the department given as `名称（代码）`.

mod common;

use jixiao_rules::Locale;
use jixiao_sheets::container::Limits;
use jixiao_sheets::import_target;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{Value, json};

fn import(bytes: &[u8]) -> jixiao_sheets::Imported {
    import_target(bytes, common::profile("artux-2018"), Locale::ZhCn, &Limits::default()).unwrap()
}

/// A published-style 申报表: label/value pairs, a 资金 block with 其中 rows, then the
/// indicator grid with merged level-1/level-2 cells and operators written in the value.
fn published(unit_yuan: bool, merge: bool) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 7, "2019年度项目支出绩效目标申报表", &f).unwrap();
    ws.write(1, 6, if unit_yuan { "单位：元" } else { "单位：万元" }).unwrap();
    ws.write(2, 0, "项目名称").unwrap();
    ws.merge_range(2, 1, 2, 3, "2019年孤儿被装购置费", &f).unwrap();
    ws.write(2, 4, "项 目 属 性").unwrap();
    ws.write(2, 5, "延续项目").unwrap();
    ws.write(3, 0, "主管部门及代码").unwrap();
    ws.merge_range(3, 1, 3, 3, "阿图什市民政局（101）", &f).unwrap();
    ws.write(3, 4, "实施单位").unwrap();
    ws.write(3, 5, "阿图什市儿童福利院").unwrap();
    ws.write(4, 0, "项目期").unwrap();
    ws.write(4, 1, "2019-01-01至2019-12-31").unwrap();
    ws.write(4, 4, "预算年度").unwrap();
    ws.write(4, 5, "２０１９年").unwrap();
    ws.write(5, 0, "年度资金总额").unwrap();
    if unit_yuan {
        ws.write(5, 1, 864000).unwrap();
        ws.write(6, 0, "其中：自治区补助").unwrap();
        ws.write(6, 1, 600000).unwrap();
        ws.write(7, 0, "其中：本级财政").unwrap();
        ws.write(7, 1, "２６４，０００").unwrap();
    } else {
        ws.write(5, 1, 86.4).unwrap();
        ws.write(6, 0, "其中：自治区补助").unwrap();
        ws.write(6, 1, "６０．００").unwrap();
        ws.write(7, 0, "其中：本级财政").unwrap();
        ws.write(7, 1, 26.4).unwrap();
    }
    ws.write(8, 0, "年度绩效目标").unwrap();
    ws.merge_range(8, 1, 8, 7, "为全市360名孤儿配发四季被装。", &f).unwrap();
    // Grid: columns in the published order (no nature/operator/id columns).
    for (c, h) in ["一级指标", "二级指标", "三级指标", "指标值", "计量单位", "分值"].iter().enumerate()
    {
        ws.write(9, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, &str, &str, &str, Value); 10] = [
        ("产出指标", "数量指标", "保障孤儿人数", "＝360", "人", json!(15)),
        ("", "", "配发四季被装套数", "≥１４４０", "套", json!(10)),
        ("", "质量指标", "被装质量抽检合格率", "＝100%", "", json!(10)),
        ("", "", "发放对象资格审核准确率", "=100", "%", json!("５")),
        ("", "时效指标", "冬季被装发放完成时限", "≤2019年10月31日", "", json!(5)),
        ("", "成本指标", "人均被装购置成本", "≤0.24", "万元/人", json!(5)),
        ("效益指标", "社会效益指标", "孤儿被装保障覆盖率", "=100", "%", json!(15)),
        ("", "", "孤儿基本生活条件改善情况", "明显改善", "", json!(10)),
        ("", "可持续影响指标", "孤儿保障长效机制运行情况", "长期有效", "", json!(5)),
        ("满意度指标", "服务对象满意度指标", "孤儿及监护人满意度", "≥90%", "", json!(10)),
    ];
    let mut l1_start = 10;
    let mut l2_start = 10;
    for (k, (l1, l2, name, value, unit, points)) in rows.iter().enumerate() {
        let r = 10 + k as u32;
        let next = rows.get(k + 1);
        if !l1.is_empty() {
            l1_start = r;
        }
        if !l2.is_empty() {
            l2_start = r;
        }
        let l1_ends = next.is_none_or(|n| !n.0.is_empty());
        let l2_ends = next.is_none_or(|n| !n.1.is_empty());
        if merge {
            if l1_ends {
                let text = rows[(l1_start - 10) as usize].0;
                if r > l1_start {
                    ws.merge_range(l1_start, 0, r, 0, text, &f).unwrap();
                } else {
                    ws.write(r, 0, text).unwrap();
                }
            }
            if l2_ends {
                let text = rows[(l2_start - 10) as usize].1;
                if r > l2_start {
                    ws.merge_range(l2_start, 1, r, 1, text, &f).unwrap();
                } else {
                    ws.write(r, 1, text).unwrap();
                }
            }
        } else {
            if !l1.is_empty() {
                ws.write(r, 0, *l1).unwrap();
            }
            if !l2.is_empty() {
                ws.write(r, 1, *l2).unwrap();
            }
        }
        ws.write(r, 2, format!("　{name} ")).unwrap();
        ws.write(r, 3, *value).unwrap();
        if !unit.is_empty() {
            ws.write(r, 4, *unit).unwrap();
        }
        match points {
            Value::Number(n) => ws.write(r, 5, n.as_f64().unwrap()).unwrap(),
            Value::String(s) => ws.write(r, 5, s.as_str()).unwrap(),
            _ => unreachable!(),
        };
    }
    ws.write(21, 0, "注：本表由项目实施单位填写。").unwrap();
    wb.save_to_buffer().unwrap()
}

fn expected() -> Value {
    let mut doc = common::load("targets/orphan-clothing-valid.json")["document"].clone();
    let o = doc.as_object_mut().unwrap();
    // What the published table does not carry: region, unit code, project code, explicit
    // classified flag; its goal text is its own.
    o.remove("region");
    o.remove("classified");
    o["unit"].as_object_mut().unwrap().remove("code");
    o["project"].as_object_mut().unwrap().remove("code");
    o["goals"] = json!({"annual": "为全市360名孤儿配发四季被装。"});
    // The indicators in canonical member order; the qualitative ones have no unit/operator.
    doc
}

fn sorted(v: &Value) -> Value {
    // Compare objects independent of member order.
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

#[test]
fn merged_levels_operator_in_value_full_width() {
    let got = import(&published(false, true));
    assert_eq!(sorted(&common::normal(&got.document.clone().into())), sorted(&common::normal(&expected())));
    assert!(got.valid, "{:#?}", got.violations);
    assert_eq!(got.amount_unit, "万元");
}

#[test]
fn levels_only_on_first_row_without_merges() {
    let got = import(&published(false, false));
    assert_eq!(sorted(&common::normal(&got.document.clone().into())), sorted(&common::normal(&expected())));
}

#[test]
fn yuan_heading_divides_by_ten_thousand_exactly() {
    let got = import(&published(true, true));
    assert_eq!(got.amount_unit, "元");
    assert_eq!(
        got.document["funds"],
        json!({"annual_total": "86.40", "sources": [
        {"source": "自治区补助", "amount": "60.00"}, {"source": "本级财政", "amount": "26.40"}]})
    );
    assert!(got.valid, "{:#?}", got.violations);
}

#[test]
fn violations_name_their_cells() {
    // A published table with mistakes: a missing unit, a placeholder, an amount with too
    // many decimals in 元, a level 2 under the wrong level 1.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1").unwrap();
    ws.write(0, 0, "项目支出绩效目标申报表").unwrap();
    ws.write(1, 0, "项目名称").unwrap();
    ws.write(1, 1, "测试项目").unwrap();
    ws.write(2, 0, "主管部门").unwrap();
    ws.write(2, 1, "阿图什市民政局").unwrap();
    ws.write(2, 2, "部门代码").unwrap();
    ws.write(2, 3, "101").unwrap();
    ws.write(3, 0, "年度").unwrap();
    ws.write(3, 1, 2019).unwrap();
    ws.write(4, 0, "年度资金总额（元）").unwrap();
    ws.write(4, 1, 864012.5).unwrap();
    ws.write(5, 0, "年度目标").unwrap();
    ws.write(5, 1, "目标").unwrap();
    for (c, h) in ["一级指标", "二级指标", "三级指标", "计算符号", "指标值", "计量单位", "分值"].iter().enumerate()
    {
        ws.write(7, c as u16, *h).unwrap();
    }
    let rows = [
        ["产出指标", "数量指标", "人数", "≥", "360", "", "15"],
        ["", "质量指标", "合格率", "=", "**", "%", "10"],
        ["效益指标", "数量指标", "覆盖率", "≥", "95", "%", "10"],
    ];
    for (k, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write(8 + k as u32, c as u16, *v).unwrap();
            }
        }
    }
    let got = import(&wb.save_to_buffer().unwrap());
    let found: Vec<_> = got
        .violations
        .iter()
        .filter(|v| v.violation.path != "/indicators")
        .map(|v| (v.violation.code.as_str(), v.violation.path.as_str(), v.cell.as_deref().unwrap_or("-")))
        .collect();
    assert_eq!(
        found,
        vec![
            ("AMOUNT_INVALID", "/funds/annual_total", "Sheet1!B5"),
            ("IND_UNIT_REQUIRED", "/indicators/0/unit", "Sheet1!F9"),
            ("IND_VALUE_PLACEHOLDER", "/indicators/1/value", "Sheet1!E10"),
            ("IND_LEVEL2_INVALID", "/indicators/2/level2", "Sheet1!B11"),
        ]
    );
    assert_eq!(got.document["funds"]["annual_total"], json!("86.40125"));
    // The JSON carries the cell beside the pointer.
    let v = serde_json::to_value(&got.violations[0]).unwrap();
    assert_eq!(v["cell"], json!("Sheet1!B5"));
    assert_eq!(v["path"], json!("/funds/annual_total"));
}
