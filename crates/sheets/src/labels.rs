//! The Chinese words of the paper forms and the codes of the canonical documents, both
//! ways. Level-1/level-2 labels come from the profile's framework (data, not enums); the
//! reader also knows the built-in frameworks and the short forms used in published
//! tables (`产出` for `产出指标`). Text is compared after [`normalize`].

use jixiao_rules::profile::{Framework, Registry};

/// Full-width ASCII (`８６．４０`, `＞＝`) to half-width, the ideographic space to a space,
/// then trimmed. Applied to every cell text before it is compared or parsed.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' | '\u{00a0}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '。' => '.',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// [`normalize`] and without any whitespace nor a trailing colon: how labels are compared
/// (`项 目 名 称：` is `项目名称`).
pub fn label_key(s: &str) -> String {
    let n: String = normalize(s).chars().filter(|c| !c.is_whitespace()).collect();
    n.trim_end_matches([':', '：']).replace(['（', '）'], "").replace(['(', ')'], "")
}

/// The label of a level-1 code under `fw`, else the code itself.
pub fn level1_label(fw: &Framework, code: &str) -> String {
    fw.level1(code).map_or_else(|| code.to_owned(), |l| l.label.zh_cn.clone())
}

/// The label of a level-2 code under its level 1, else the code itself.
pub fn level2_label(fw: &Framework, level1: &str, code: &str) -> String {
    fw.level1(level1)
        .and_then(|l| l.level2.iter().find(|x| x.code == code))
        .map_or_else(|| code.to_owned(), |l| l.label.zh_cn.clone())
}

fn frameworks(fw: &Framework) -> Vec<&Framework> {
    let mut out = vec![fw];
    for id in ["cn-2015", "cn-2021"] {
        if let Some(f) = Registry::builtin().framework(id)
            && f.id != fw.id
        {
            out.push(f);
        }
    }
    out
}

fn same_label(label: &str, text: &str) -> bool {
    let l = label_key(label);
    let t = label_key(text);
    l == t || l.strip_suffix("指标") == Some(t.as_str()) || t.strip_suffix("指标") == Some(l.as_str())
}

/// The level-1 code a cell names: a label of `fw` (or a built-in framework), a short form,
/// or a code; anything else is kept as written (and the check reports it).
pub fn level1_code(fw: &Framework, text: &str) -> String {
    for f in frameworks(fw) {
        for l in &f.level1 {
            if l.code == text || same_label(&l.label.zh_cn, text) {
                return l.code.clone();
            }
        }
    }
    text.to_owned()
}

/// The level-2 code a cell names under `level1`.
pub fn level2_code(fw: &Framework, level1: &str, text: &str) -> String {
    for f in frameworks(fw) {
        if let Some(l) = f.level1(level1) {
            for x in &l.level2 {
                if x.code == text || same_label(&x.label.zh_cn, text) {
                    return x.code.clone();
                }
            }
        }
    }
    // A level 2 named under another level 1 (the check then says it is misplaced).
    for f in frameworks(fw) {
        for l in &f.level1 {
            for x in &l.level2 {
                if x.code == text || same_label(&x.label.zh_cn, text) {
                    return x.code.clone();
                }
            }
        }
    }
    text.to_owned()
}

/// 定量 / 定性 for `quantitative` / `qualitative`, else the text.
pub fn nature_label(code: &str) -> &str {
    match code {
        "quantitative" => "定量",
        "qualitative" => "定性",
        other => other,
    }
}

/// The code of a nature cell.
pub fn nature_code(text: &str) -> Option<String> {
    let k = label_key(text);
    Some(
        match k.as_str() {
            "" => return None,
            "定量" | "定量指标" | "quantitative" => "quantitative",
            "定性" | "定性指标" | "qualitative" => "qualitative",
            _ => return Some(normalize(text)),
        }
        .to_owned(),
    )
}

/// ≥ > = ≤ < for the operator codes, else the text.
pub fn operator_label(code: &str) -> &str {
    match code {
        "ge" => "≥",
        "gt" => ">",
        "eq" => "=",
        "le" => "≤",
        "lt" => "<",
        other => other,
    }
}

/// The operator symbols a cell may start with, longest first, and their codes.
const OPERATORS: [(&str, &str); 20] = [
    ("大于等于", "ge"),
    ("小于等于", "le"),
    ("不低于", "ge"),
    ("不高于", "le"),
    ("不少于", "ge"),
    ("不多于", "le"),
    (">=", "ge"),
    ("<=", "le"),
    ("≥", "ge"),
    ("≧", "ge"),
    ("≤", "le"),
    ("≦", "le"),
    ("大于", "gt"),
    ("小于", "lt"),
    ("等于", "eq"),
    (">", "gt"),
    ("<", "lt"),
    ("==", "eq"),
    ("=", "eq"),
    ("≒", "eq"),
];

/// The code of an operator cell (`≥`, `＞`, `>=`, `大于等于`, or a code); `None` when blank
/// or 定性; other text as written (the check reports it).
pub fn operator_code(text: &str) -> Option<String> {
    let k = label_key(text);
    if k.is_empty() || k == "定性" {
        return None;
    }
    if ["ge", "gt", "eq", "le", "lt"].contains(&k.as_str()) {
        return Some(k);
    }
    for (sym, code) in OPERATORS {
        if k == sym {
            return Some(code.to_owned());
        }
    }
    Some(normalize(text))
}

/// Splits a leading operator off a value (`≥95%` → `ge`, `95%`).
pub fn split_operator(value: &str) -> Option<(&'static str, String)> {
    let v = normalize(value);
    for (sym, code) in OPERATORS {
        if let Some(rest) = v.strip_prefix(sym) {
            return Some((code, rest.trim().to_owned()));
        }
    }
    None
}

/// 新增 / 延续.
pub fn attribute_label(code: &str) -> &str {
    match code {
        "new" => "新增",
        "continuing" => "延续",
        other => other,
    }
}

/// The code of a 项目属性 cell.
pub fn attribute_code(text: &str) -> String {
    match label_key(text).as_str() {
        "新增" | "新增项目" | "new" => "new".to_owned(),
        "延续" | "延续项目" | "continuing" => "continuing".to_owned(),
        _ => normalize(text),
    }
}

/// 指标值设定依据 labels.
const BASES: [(&str, &str); 5] = [
    ("plan", "计划标准"),
    ("industry", "行业标准"),
    ("history", "历史标准"),
    ("budget_standard", "预算支出标准"),
    ("other", "其他标准"),
];

/// The label of a basis code.
pub fn basis_label(code: &str) -> &str {
    BASES.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| l)
}

/// The code of a basis cell.
pub fn basis_code(text: &str) -> String {
    let k = label_key(text);
    BASES
        .iter()
        .find(|(c, l)| *c == k || label_key(l) == k || l.strip_suffix("标准") == Some(k.as_str()))
        .map_or_else(|| normalize(text), |(c, _)| (*c).to_owned())
}

/// 是 / 否 (and the usual variants) as a boolean; `None` for anything else.
pub fn yes_no(text: &str) -> Option<bool> {
    match label_key(text).as_str() {
        "是" | "√" | "✓" | "Y" | "y" | "yes" | "true" | "涉密" => Some(true),
        "否" | "×" | "N" | "n" | "no" | "false" | "不涉密" | "非涉密" => Some(false),
        _ => None,
    }
}

/// 确定能 / 有可能 / 完全不可能.
pub fn likelihood_label(code: &str) -> &str {
    match code {
        "certain" => "确定能",
        "possible" => "有可能",
        "impossible" => "完全不可能",
        other => other,
    }
}

/// The five 偏差原因 categories in the order of the form.
pub const CAUSES: [(&str, &str); 5] = [
    ("funding", "经费保障"),
    ("institutional", "制度保障"),
    ("staffing", "人员保障"),
    ("hardware", "硬件条件保障"),
    ("other", "其他"),
];

/// The label of a cause code.
pub fn cause_label(code: &str) -> &str {
    CAUSES.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| l)
}

/// 草稿 / 已提交 / 已退回 / 已批复 … for a stored status.
pub fn status_label(code: &str) -> &str {
    match code {
        "draft" => "草稿",
        "submitted" => "已提交",
        "returned" => "已退回",
        "approved" => "已批复",
        "accepted" => "已审核",
        "filed" => "已备案",
        "zero_scored" => "零分（未自评）",
        other => other,
    }
}

/// 优 / 良 / 中 / 差 for a grade code (review or evaluation).
pub fn grade_label(code: &str) -> &str {
    match code {
        "excellent" => "优",
        "good" => "良",
        "fair" => "中",
        "poor" => "差",
        other => other,
    }
}

/// 红 / 黄 / 绿 / 蓝 for a light code.
pub fn light_label(code: &str) -> &str {
    match code {
        "red" => "红灯",
        "yellow" => "黄灯",
        "green" => "绿灯",
        "blue" => "蓝灯",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width() {
        assert_eq!(normalize("　８６．４０ "), "86.40");
        assert_eq!(normalize("＞＝９５％"), ">=95%");
        assert_eq!(label_key("项 目 名 称："), "项目名称");
        assert_eq!(label_key("年度资金总额（万元）"), "年度资金总额万元");
    }

    #[test]
    fn operators() {
        assert_eq!(operator_code("≥").as_deref(), Some("ge"));
        assert_eq!(operator_code("＞").as_deref(), Some("gt"));
        assert_eq!(operator_code("＜＝").as_deref(), Some("le"));
        assert_eq!(operator_code("定性"), None);
        assert_eq!(operator_code("about").as_deref(), Some("about"));
        assert_eq!(split_operator("≥95%"), Some(("ge", "95%".to_owned())));
        assert_eq!(split_operator("＜＝ 1"), Some(("le", "1".to_owned())));
        assert_eq!(split_operator("95"), None);
    }

    #[test]
    fn levels() {
        let fw = Registry::builtin().framework("cn-2015").cloned().unwrap();
        assert_eq!(level1_code(&fw, "产出指标"), "output");
        assert_eq!(level1_code(&fw, "产出"), "output");
        assert_eq!(level1_code(&fw, "成本指标"), "cost");
        assert_eq!(level2_code(&fw, "output", "数量"), "quantity");
        assert_eq!(level2_code(&fw, "cost", "经济成本指标"), "economic");
        assert_eq!(level2_code(&fw, "benefit", "经济效益指标"), "economic");
        assert_eq!(level1_code(&fw, "投入指标"), "投入指标");
    }
}
