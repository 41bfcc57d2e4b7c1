//! One table-driven case (or more) for every check code: a mutation of the valid
//! orphan-clothing document and the exact violations it must produce.

mod common;

use common::*;
use serde_json::{Value, json};

struct Case {
    name: &'static str,
    profile: &'static str,
    edits: Vec<(&'static str, Option<Value>)>,
    expect: Vec<(&'static str, &'static str)>,
}

fn case(
    name: &'static str,
    edits: Vec<(&'static str, Option<Value>)>,
    expect: Vec<(&'static str, &'static str)>,
) -> Case {
    Case { name, profile: "artux-2018", edits, expect }
}

fn cases() -> Vec<Case> {
    let np = "national-2015";
    vec![
        case("valid as given", vec![], vec![]),
        // the optional indicator fields: every basis of FORMATS §1 and blanks are fine
        case(
            "optional fields as the contract has them",
            vec![
                ("/indicators/0/basis", Some(json!("budget_standard"))),
                ("/indicators/1/basis", Some(json!(" "))),
                ("/indicators/2/scoring_rule", Some(json!("完成得满分，每少1%扣0.5分"))),
                ("/indicators/3/core", Some(json!(true))),
                ("/indicators/4/explanation", Some(Value::Null)),
            ],
            vec![],
        ),
        case(
            "optional fields of the wrong type or an unknown basis",
            vec![
                ("/indicators/0/basis", Some(json!("计划标准"))),
                ("/indicators/1/scoring_rule", Some(json!(5))),
                ("/indicators/2/explanation", Some(json!(["a"]))),
                ("/indicators/3/core", Some(json!("是"))),
            ],
            vec![
                ("DOC_FIELD_INVALID", "/indicators/0/basis"),
                ("DOC_FIELD_INVALID", "/indicators/1/scoring_rule"),
                ("DOC_FIELD_INVALID", "/indicators/2/explanation"),
                ("DOC_FIELD_INVALID", "/indicators/3/core"),
            ],
        ),
        case("kind missing", vec![("/kind", None)], vec![("DOC_FIELD_REQUIRED", "/kind")]),
        // an unknown kind: the project block is ignored entirely
        case(
            "kind unknown",
            vec![("/kind", Some(json!("programme"))), ("/project", Some(json!(5)))],
            vec![("DOC_FIELD_INVALID", "/kind")],
        ),
        case(
            "fiscal year as string",
            vec![("/fiscal_year", Some(json!("2019")))],
            vec![("DOC_FIELD_INVALID", "/fiscal_year")],
        ),
        case(
            "fiscal year 2101",
            vec![("/fiscal_year", Some(json!(2101)))],
            vec![("DOC_FIELD_INVALID", "/fiscal_year")],
        ),
        case("fiscal year missing", vec![("/fiscal_year", None)], vec![("DOC_FIELD_REQUIRED", "/fiscal_year")]),
        case(
            "fiscal year blank string",
            vec![("/fiscal_year", Some(json!(" ")))],
            vec![("DOC_FIELD_REQUIRED", "/fiscal_year")],
        ),
        case(
            "fiscal year 2019.0 is not an integer",
            vec![("/fiscal_year", Some(json!(2019.0)))],
            vec![("DOC_FIELD_INVALID", "/fiscal_year")],
        ),
        case("classified blank is absent", vec![("/classified", Some(json!("")))], vec![]),
        case("sources null is absent", vec![("/funds/sources", Some(Value::Null))], vec![]),
        case(
            "sources not a list",
            vec![("/funds/sources", Some(json!({"a": 1})))],
            vec![("DOC_FIELD_INVALID", "/funds/sources")],
        ),
        case(
            "source amount missing",
            vec![("/funds/sources/1/amount", None)],
            vec![("DOC_FIELD_REQUIRED", "/funds/sources/1/amount")],
        ),
        case("region malformed", vec![("/region", Some(json!("65300")))], vec![("DOC_FIELD_INVALID", "/region")]),
        case("region blank is absent", vec![("/region", Some(json!("  ")))], vec![]),
        case("department missing", vec![("/department", None)], vec![("DOC_FIELD_REQUIRED", "/department")]),
        case(
            "department not an object",
            vec![("/department", Some(json!("民政局")))],
            vec![("DOC_FIELD_INVALID", "/department")],
        ),
        case(
            "department name blank",
            vec![("/department/name", Some(json!(" ")))],
            vec![("DOC_FIELD_REQUIRED", "/department/name")],
        ),
        case("project missing", vec![("/project", None)], vec![("DOC_FIELD_REQUIRED", "/project")]),
        case("project name missing", vec![("/project/name", None)], vec![("DOC_FIELD_REQUIRED", "/project/name")]),
        case(
            "project attribute unknown",
            vec![("/project/attribute", Some(json!("old")))],
            vec![("DOC_FIELD_INVALID", "/project/attribute")],
        ),
        case(
            "project bad date",
            vec![("/project/start", Some(json!("2019-02-30")))],
            vec![("DOC_FIELD_INVALID", "/project/start")],
        ),
        // start after end: DOC_FIELD_INVALID at /project/end, and the fiscal year is the period
        case(
            "project start after end",
            vec![("/project/start", Some(json!("2019-12-31"))), ("/project/end", Some(json!("2019-01-01")))],
            vec![("DOC_FIELD_INVALID", "/project/end")],
        ),
        case(
            "project ignored for department kind",
            vec![("/kind", Some(json!("department"))), ("/project", None)],
            vec![],
        ),
        case(
            "annual total as number",
            vec![("/funds/annual_total", Some(json!(86.4)))],
            vec![("AMOUNT_INVALID", "/funds/annual_total")],
        ),
        case(
            "annual total 3 decimals",
            vec![("/funds/annual_total", Some(json!("86.400")))],
            vec![("AMOUNT_INVALID", "/funds/annual_total")],
        ),
        case(
            "annual total blank",
            vec![("/funds/annual_total", Some(json!("")))],
            vec![("DOC_FIELD_REQUIRED", "/funds/annual_total")],
        ),
        case(
            "source amount negative",
            vec![("/funds/sources/0/amount", Some(json!("-60.00")))],
            vec![("AMOUNT_INVALID", "/funds/sources/0/amount")],
        ),
        case(
            "sources do not add up",
            vec![("/funds/sources/0/amount", Some(json!("60.01")))],
            vec![("FUNDS_SOURCES_SUM", "/funds/sources")],
        ),
        case(
            "annual above mid-term",
            vec![("/funds/mid_term_total", Some(json!("80.00")))],
            vec![("FUNDS_ANNUAL_EXCEEDS_MID_TERM", "/funds/annual_total")],
        ),
        case("mid-term equal is fine", vec![("/funds/mid_term_total", Some(json!("86.4")))], vec![]),
        case("funds missing", vec![("/funds", None)], vec![("DOC_FIELD_REQUIRED", "/funds")]),
        case("goals annual missing", vec![("/goals/annual", None)], vec![("DOC_FIELD_REQUIRED", "/goals/annual")]),
        case(
            "classified not bool",
            vec![("/classified", Some(json!("no")))],
            vec![("DOC_FIELD_INVALID", "/classified")],
        ),
        case(
            "indicators missing",
            vec![("/indicators", None)],
            vec![
                ("DOC_FIELD_REQUIRED", "/indicators"),
                ("TREE_LEVEL1_MIN", "/indicators"),
                ("TREE_LEVEL2_MIN", "/indicators"),
                ("TREE_LEVEL3_MIN", "/indicators"),
            ],
        ),
        case(
            "indicator not an object",
            vec![("/indicators/10", Some(json!("x")))],
            vec![("DOC_FIELD_INVALID", "/indicators/10")],
        ),
        case(
            "indicator id missing",
            vec![("/indicators/0/id", None)],
            vec![("DOC_FIELD_REQUIRED", "/indicators/0/id")],
        ),
        case(
            "indicator id number",
            vec![("/indicators/0/id", Some(json!(1)))],
            vec![("DOC_FIELD_INVALID", "/indicators/0/id")],
        ),
        case(
            "indicator id duplicate",
            vec![("/indicators/3/id", Some(json!("i1")))],
            vec![("IND_ID_DUPLICATE", "/indicators/3/id")],
        ),
        // unknown level 1: still a valid L3 count? no — not counted, so L3 drops to 9 (min 7: fine)
        case(
            "level1 unknown",
            vec![("/indicators/0/level1", Some(json!("input")))],
            vec![("IND_LEVEL1_UNKNOWN", "/indicators/0/level1")],
        ),
        case(
            "level1 missing",
            vec![("/indicators/0/level1", None)],
            vec![("IND_LEVEL1_UNKNOWN", "/indicators/0/level1")],
        ),
        case(
            "level1 wrong type",
            vec![("/indicators/0/level1", Some(json!(1)))],
            vec![("IND_LEVEL1_UNKNOWN", "/indicators/0/level1")],
        ),
        case(
            "level2 not allowed",
            vec![("/indicators/0/level2", Some(json!("social")))],
            vec![("IND_LEVEL2_INVALID", "/indicators/0/level2")],
        ),
        case(
            "level2 missing",
            vec![("/indicators/0/level2", None)],
            vec![("IND_LEVEL2_INVALID", "/indicators/0/level2")],
        ),
        case(
            "name blank",
            vec![("/indicators/0/name", Some(json!("  ")))],
            vec![("IND_NAME_REQUIRED", "/indicators/0/name")],
        ),
        case(
            "name wrong type",
            vec![("/indicators/0/name", Some(json!(["a"])))],
            vec![("IND_NAME_REQUIRED", "/indicators/0/name")],
        ),
        case(
            "name 101 chars",
            vec![("/indicators/0/name", Some(json!("名".repeat(101))))],
            vec![("IND_NAME_TOO_LONG", "/indicators/0/name")],
        ),
        case("name 100 chars", vec![("/indicators/0/name", Some(json!("名".repeat(100))))], vec![]),
        case(
            "name duplicate",
            vec![("/indicators/5/name", Some(json!("保障孤儿人数")))],
            vec![("IND_NAME_DUPLICATE", "/indicators/5/name")],
        ),
        case(
            "nature unknown",
            vec![("/indicators/0/nature", Some(json!("quant")))],
            vec![("IND_NATURE_INVALID", "/indicators/0/nature")],
        ),
        case(
            "operator missing",
            vec![("/indicators/0/operator", None)],
            vec![("IND_OPERATOR_REQUIRED", "/indicators/0/operator")],
        ),
        case(
            "operator blank",
            vec![("/indicators/0/operator", Some(json!(" ")))],
            vec![("IND_OPERATOR_REQUIRED", "/indicators/0/operator")],
        ),
        case(
            "operator unknown",
            vec![("/indicators/0/operator", Some(json!(">=")))],
            vec![("IND_OPERATOR_INVALID", "/indicators/0/operator")],
        ),
        case(
            "operator on qualitative",
            vec![("/indicators/7/operator", Some(json!("eq")))],
            vec![("IND_OPERATOR_INVALID", "/indicators/7/operator")],
        ),
        case("blank operator on qualitative", vec![("/indicators/7/operator", Some(json!("")))], vec![]),
        case("value missing", vec![("/indicators/0/value", None)], vec![("IND_VALUE_REQUIRED", "/indicators/0/value")]),
        case(
            "value blank",
            vec![("/indicators/0/value", Some(json!("  ")))],
            vec![("IND_VALUE_REQUIRED", "/indicators/0/value")],
        ),
        case(
            "value placeholder",
            vec![("/indicators/0/value", Some(json!(" -- ")))],
            vec![("IND_VALUE_PLACEHOLDER", "/indicators/0/value")],
        ),
        case(
            "value 暂无",
            vec![("/indicators/7/value", Some(json!("暂无")))],
            vec![("IND_VALUE_PLACEHOLDER", "/indicators/7/value")],
        ),
        case(
            "value number",
            vec![("/indicators/0/value", Some(json!(360)))],
            vec![("IND_VALUE_INVALID", "/indicators/0/value")],
        ),
        case(
            "value text on quantitative",
            vec![("/indicators/0/value", Some(json!("约360")))],
            vec![("IND_VALUE_INVALID", "/indicators/0/value")],
        ),
        case(
            "value with newline",
            vec![("/indicators/0/value", Some(json!("360\n")))],
            vec![("IND_VALUE_INVALID", "/indicators/0/value")],
        ),
        case(
            "value bad date",
            vec![("/indicators/4/value", Some(json!("2019-10-32")))],
            vec![("IND_VALUE_INVALID", "/indicators/4/value")],
        ),
        case("unit missing", vec![("/indicators/0/unit", None)], vec![("IND_UNIT_REQUIRED", "/indicators/0/unit")]),
        case(
            "unit wrong type",
            vec![("/indicators/0/unit", Some(json!(1)))],
            vec![("IND_UNIT_REQUIRED", "/indicators/0/unit")],
        ),
        case("unit not needed for a date", vec![("/indicators/4/unit", None)], vec![]),
        case(
            "points zero",
            vec![("/indicators/0/points", Some(json!("0")))],
            vec![("IND_POINTS_INVALID", "/indicators/0/points")],
        ),
        case(
            "points number",
            vec![("/indicators/0/points", Some(json!(15)))],
            vec![("IND_POINTS_INVALID", "/indicators/0/points")],
        ),
        case("points absent is fine", vec![("/indicators/0/points", None)], vec![]),
        case(
            "percent above 100",
            vec![("/indicators/2/value", Some(json!("101")))],
            vec![("IND_PERCENT_RANGE", "/indicators/2/value")],
        ),
        case(
            "percent negative",
            vec![("/indicators/2/value", Some(json!("-1")))],
            vec![("IND_PERCENT_RANGE", "/indicators/2/value")],
        ),
        case(
            "satisfaction 79.9",
            vec![("/indicators/9/value", Some(json!("79.9")))],
            vec![("IND_SATISFACTION_LOW", "/indicators/9/value")],
        ),
        case("satisfaction 80 is fine", vec![("/indicators/9/value", Some(json!("80")))], vec![]),
        case(
            "date after period",
            vec![("/indicators/4/value", Some(json!("2020-01-01")))],
            vec![("IND_DATE_OUT_OF_PERIOD", "/indicators/4/value")],
        ),
        case(
            "date checked against fiscal year when period is broken",
            vec![
                ("/project/start", Some(json!("2019-12-31"))),
                ("/project/end", Some(json!("2019-06-01"))),
                ("/indicators/4/value", Some(json!("2019-11-30"))),
            ],
            vec![("DOC_FIELD_INVALID", "/project/end")],
        ),
        case(
            "too few level 1",
            vec![("/indicators/9", None), ("/indicators/8", None), ("/indicators/7", None), ("/indicators/6", None)],
            vec![
                ("TREE_LEVEL1_MIN", "/indicators"),
                ("TREE_LEVEL2_MIN", "/indicators"),
                ("TREE_LEVEL3_MIN", "/indicators"),
            ],
        ),
        // one more qualitative: 7/10 is exactly 70% and passes
        case(
            "share exactly 70% after a change",
            vec![
                ("/indicators/0/nature", Some(json!("qualitative"))),
                ("/indicators/0/operator", None),
                ("/indicators/0/unit", None),
            ],
            vec![],
        ),
        Case {
            name: "national: level1 required",
            profile: np,
            edits: vec![
                ("/indicators/6/level1", Some(json!("output"))),
                ("/indicators/6/level2", Some(json!("quality"))),
                ("/indicators/7/level1", Some(json!("output"))),
                ("/indicators/7/level2", Some(json!("quality"))),
                ("/indicators/8/level1", Some(json!("output"))),
                ("/indicators/8/level2", Some(json!("quality"))),
            ],
            expect: vec![("TREE_LEVEL1_REQUIRED", "/indicators")],
        },
        Case {
            name: "national: points total",
            profile: np,
            edits: vec![("/indicators/0/points", Some(json!("16")))],
            expect: vec![("POINTS_TOTAL", "/indicators")],
        },
        Case {
            name: "national: invalid points add 0",
            profile: np,
            edits: vec![("/indicators/0/points", Some(json!("x")))],
            expect: vec![("IND_POINTS_INVALID", "/indicators/0/points"), ("POINTS_TOTAL", "/indicators")],
        },
    ]
}

#[test]
fn every_case_gives_exactly_its_violations() {
    let mut failures = Vec::new();
    for c in cases() {
        let mut doc = if c.profile == "artux-2018" {
            orphan()
        } else {
            load("targets/orphan-clothing-national-2015.json")["document"].clone()
        };
        for (ptr, v) in &c.edits {
            set(&mut doc, ptr, v.clone());
        }
        let r = run(&doc, c.profile);
        let got: Vec<(String, String)> = triples(&r).into_iter().map(|(c, p, _)| (c, p)).collect();
        let mut want: Vec<(String, String)> = c.expect.iter().map(|(c, p)| (c.to_string(), p.to_string())).collect();
        want.sort();
        if got != want {
            failures.push(format!("{}: want {want:?}, got {got:?}", c.name));
        }
        // severity follows the code; valid iff no error
        assert_eq!(r.valid, !r.violations.iter().any(|v| v.code.severity() == jixiao_rules::Severity::Error));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn quantitative_share_boundary_is_exact() {
    // build n indicators of which q are quantitative, all counted, in the artux profile
    fn doc(q: usize, n: usize) -> Value {
        let mut d = orphan();
        let l = [
            ("output", "quantity"),
            ("output", "quality"),
            ("benefit", "social"),
            ("benefit", "economic"),
            ("satisfaction", "beneficiary"),
        ];
        let items: Vec<Value> = (0..n)
            .map(|i| {
                let (l1, l2) = l[i % l.len()];
                if i < q {
                    json!({"id": format!("k{i}"), "level1": l1, "level2": l2, "name": format!("指标{i}"), "nature": "quantitative", "operator": "ge", "value": "90", "unit": "%"})
                } else {
                    json!({"id": format!("k{i}"), "level1": l1, "level2": l2, "name": format!("指标{i}"), "nature": "qualitative", "value": "良好"})
                }
            })
            .collect();
        d["indicators"] = Value::Array(items);
        d
    }
    let codes = |q, n| -> Vec<String> {
        run(&doc(q, n), "artux-2018").violations.iter().map(|v| v.code.as_str().to_owned()).collect()
    };
    assert!(codes(7, 10).is_empty(), "7/10 passes");
    assert_eq!(codes(16, 23), vec!["TREE_QUANT_RATIO_MIN"], "16/23 fails");
    assert!(codes(14, 20).is_empty());
    assert_eq!(codes(13, 20), vec!["TREE_QUANT_RATIO_MIN"]);
    assert!(codes(70, 100).is_empty());
    assert_eq!(codes(69, 100), vec!["TREE_QUANT_RATIO_MIN"]);
}

#[test]
fn messages_follow_the_locale_and_params_carry_numbers() {
    let mut d = orphan();
    d["indicators"] = json!([]);
    let zh = run(&d, "artux-2018");
    let en = jixiao_rules::check(as_obj(&d), profile("artux-2018"), jixiao_rules::Locale::En);
    assert_eq!(zh.violations[0].message, "一级指标数为 0 个，不得少于 3 个");
    assert_eq!(en.violations[0].message, "0 level-1 indicators; at least 3 are required");
    assert_eq!(zh.violations[0].params["min"], json!(3));
    let line = serde_json::to_string(&zh.violations[0]).unwrap();
    assert!(
        line.starts_with(r#"{"code":"TREE_LEVEL1_MIN","severity":"error","path":"/indicators","params":{"#),
        "{line}"
    );
}

#[test]
fn output_is_deterministic_and_in_document_order() {
    let fx = load("targets/document-field-errors.json");
    let a = serde_json::to_string(&run(&fx["document"], "artux-2018")).unwrap();
    let b = serde_json::to_string(&run(&fx["document"], "artux-2018")).unwrap();
    assert_eq!(a, b);
    let r = run(&fx["document"], "artux-2018");
    let order: Vec<&str> = r.violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(
        order,
        [
            "/fiscal_year",
            "/department/name",
            "/project",
            "/funds/annual_total",
            "/goals/annual",
            "/indicators",
            "/indicators",
            "/indicators"
        ]
    );
}
