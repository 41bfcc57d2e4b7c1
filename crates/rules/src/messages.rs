//! The message catalogue: one text per code and locale (zh-CN default, en).
//! Messages are rendered here and nowhere else (not in handlers, not in JavaScript).

use serde_json::{Map, Value};

use crate::violation::Code;

/// A message locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// 简体中文 (the default).
    #[default]
    ZhCn,
    /// English.
    En,
}

impl Locale {
    /// Parses `zh-CN` / `zh` / `en` (case-insensitive, `_` allowed for `-`).
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "zh-cn" | "zh" | "zh-hans" | "" => Some(Locale::ZhCn),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            _ => None,
        }
    }

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }
}

fn template(code: Code, locale: Locale) -> &'static str {
    use Code::*;
    match (code, locale) {
        (DocFieldRequired, Locale::ZhCn) => "必填字段未填写",
        (DocFieldRequired, Locale::En) => "This field is required",
        (DocFieldInvalid, Locale::ZhCn) => "字段类型或格式不正确",
        (DocFieldInvalid, Locale::En) => "This field has the wrong type or format",
        (AmountInvalid, Locale::ZhCn) => "金额须为不超过两位小数、整数部分不超过16位的非负数字字符串（单位：万元）",
        (AmountInvalid, Locale::En) => {
            "An amount must be a string of digits with at most 16 before and 2 after the point (10k yuan)"
        }
        (FundsSourcesSum, Locale::ZhCn) => "资金来源合计 {actual} 万元与年度资金总额 {expected} 万元不一致",
        (FundsSourcesSum, Locale::En) => "Funding sources add up to {actual}, not the annual total {expected}",
        (FundsAnnualExceedsMidTerm, Locale::ZhCn) => "年度资金总额 {annual} 万元超过中期资金总额 {mid_term} 万元",
        (FundsAnnualExceedsMidTerm, Locale::En) => "Annual total {annual} exceeds the mid-term total {mid_term}",
        (TreeLevel1Min, Locale::ZhCn) => "一级指标数为 {actual} 个，不得少于 {min} 个",
        (TreeLevel1Min, Locale::En) => "{actual} level-1 indicators; at least {min} are required",
        (TreeLevel2Min, Locale::ZhCn) => "二级指标数为 {actual} 个，不得少于 {min} 个",
        (TreeLevel2Min, Locale::En) => "{actual} level-2 indicators; at least {min} are required",
        (TreeLevel3Min, Locale::ZhCn) => "三级指标数为 {actual} 个，不得少于 {min} 个",
        (TreeLevel3Min, Locale::En) => "{actual} level-3 indicators; at least {min} are required",
        (TreeQuantRatioMin, Locale::ZhCn) => {
            "量化指标占比 {actual_percent}%（{quantitative}/{total}），不得低于 {min_percent}%"
        }
        (TreeQuantRatioMin, Locale::En) => {
            "Quantitative share {actual_percent}% ({quantitative}/{total}) is below the minimum {min_percent}%"
        }
        (TreeLevel1Required, Locale::ZhCn) => "缺少必设的一级指标：{level1}",
        (TreeLevel1Required, Locale::En) => "Required level-1 indicator missing: {level1}",
        (PointsTotal, Locale::ZhCn) => "指标分值合计 {actual} 分，应为 {expected} 分",
        (PointsTotal, Locale::En) => "Indicator points add up to {actual}; they must total {expected}",
        (IndIdDuplicate, Locale::ZhCn) => "指标编号 {id} 重复",
        (IndIdDuplicate, Locale::En) => "Indicator id {id} is repeated",
        (IndLevel1Unknown, Locale::ZhCn) => "一级指标不在所用指标体系中",
        (IndLevel1Unknown, Locale::En) => "Level 1 is not in the indicator framework",
        (IndLevel2Invalid, Locale::ZhCn) => "二级指标不属于该一级指标",
        (IndLevel2Invalid, Locale::En) => "Level 2 is not allowed under this level 1",
        (IndNameRequired, Locale::ZhCn) => "请填写三级指标名称",
        (IndNameRequired, Locale::En) => "Indicator name is required",
        (IndNameTooLong, Locale::ZhCn) => "指标名称 {actual} 个字，不得超过 {max} 个字",
        (IndNameTooLong, Locale::En) => "Indicator name has {actual} characters; at most {max} are allowed",
        (IndNameDuplicate, Locale::ZhCn) => "指标名称与第 {first} 行重复",
        (IndNameDuplicate, Locale::En) => "Indicator name repeats row {first}",
        (IndNatureInvalid, Locale::ZhCn) => "指标性质须为定量或定性",
        (IndNatureInvalid, Locale::En) => "Nature must be quantitative or qualitative",
        (IndOperatorRequired, Locale::ZhCn) => "定量指标必须选择计算符号（≥ > = ≤ <）",
        (IndOperatorRequired, Locale::En) => "A quantitative indicator needs an operator (≥ > = ≤ <)",
        (IndOperatorInvalid, Locale::ZhCn) => "计算符号无效（定性指标不设计算符号）",
        (IndOperatorInvalid, Locale::En) => "Invalid operator (qualitative indicators take none)",
        (IndValueRequired, Locale::ZhCn) => "请填写指标值",
        (IndValueRequired, Locale::En) => "Target value is required",
        (IndValuePlaceholder, Locale::ZhCn) => "指标值不得为占位符（如 **、-、无）",
        (IndValuePlaceholder, Locale::En) => "Target value is a placeholder (such as **, -, 无)",
        (IndValueInvalid, Locale::ZhCn) => "定量指标值须为数字或日期（YYYY-MM-DD）",
        (IndValueInvalid, Locale::En) => "A quantitative value must be a number or a date (YYYY-MM-DD)",
        (IndUnitRequired, Locale::ZhCn) => "定量指标必须填写计量单位",
        (IndUnitRequired, Locale::En) => "A quantitative indicator needs a unit",
        (IndPointsInvalid, Locale::ZhCn) => "分值须为大于 0 的数字",
        (IndPointsInvalid, Locale::En) => "Points must be a number greater than 0",
        (IndPercentRange, Locale::ZhCn) => "百分比指标值应在 0–100 之间",
        (IndPercentRange, Locale::En) => "A percentage should lie between 0 and 100",
        (IndSatisfactionLow, Locale::ZhCn) => "满意度指标值低于 {min}%，请核实",
        (IndSatisfactionLow, Locale::En) => "Satisfaction target is below {min}%; please check",
        (IndDateOutOfPeriod, Locale::ZhCn) => "日期不在项目期或预算年度内（{start} 至 {end}）",
        (IndDateOutOfPeriod, Locale::En) => "Date lies outside the project period or fiscal year ({start} to {end})",
        (EvalResultMissing, Locale::ZhCn) => "指标 {indicator_id} 未填写自评结果",
        (EvalResultMissing, Locale::En) => "No result for indicator {indicator_id}",
        (EvalResultUnknown, Locale::ZhCn) => "自评结果对应的指标不在绩效目标中",
        (EvalResultUnknown, Locale::En) => "This result names an indicator that is not in the target",
        (EvalPointsMissing, Locale::ZhCn) => "该指标未设置有效分值，无法评分",
        (EvalPointsMissing, Locale::En) => "The indicator has no valid points; it cannot be scored",
        (EvalActualInvalid, Locale::ZhCn) => "实际完成值须为数字（日期型指标为 YYYY-MM-DD）",
        (EvalActualInvalid, Locale::En) => "The actual value must be a number (a YYYY-MM-DD date for a date target)",
        (EvalTierInvalid, Locale::ZhCn) => "定性指标须选择：达成、部分达成或未达成",
        (EvalTierInvalid, Locale::En) => "Choose a tier: achieved, partial or not_achieved",
        (EvalScoreOutOfTier, Locale::ZhCn) => "得分须在该档次范围内（{min}–{max}）",
        (EvalScoreOutOfTier, Locale::En) => "The score must lie in the tier's range ({min}–{max})",
        (EvalReasonRequired, Locale::ZhCn) => "请填写偏差原因分析及改进措施",
        (EvalReasonRequired, Locale::En) => "Explain the deviation and the planned improvement",
        (EvalOverrideReasonRequired, Locale::ZhCn) => "调整得分须说明理由",
        (EvalOverrideReasonRequired, Locale::En) => "An overridden score needs a reason",
        (EvalOverrideOutOfRange, Locale::ZhCn) => "调整后的得分须在 0 至 {max} 分之间，且最多 {decimals} 位小数",
        (EvalOverrideOutOfRange, Locale::En) => {
            "The overridden score must lie between 0 and {max}, with at most {decimals} decimals"
        }
        (MonPeriodInvalid, Locale::ZhCn) => "监控期间无效：年度须为绩效目标的预算年度，截止月份须为 1–12 的整数",
        (MonPeriodInvalid, Locale::En) => "Invalid period: the target's fiscal year and a month from 1 to 12",
        (MonExecutedExceedsBudget, Locale::ZhCn) => "1–N月执行数超过全年预算数",
        (MonExecutedExceedsBudget, Locale::En) => "Executed to date exceeds the full-year budget",
        (MonReasonRequired, Locale::ZhCn) => "预算执行进度偏慢（红灯或黄灯），请填写执行偏差原因",
        (MonReasonRequired, Locale::En) => "Budget execution is behind (red or yellow): give the reason",
        (MonResultMissing, Locale::ZhCn) => "指标 {indicator_id} 未填写监控情况",
        (MonResultMissing, Locale::En) => "No progress reported for indicator {indicator_id}",
        (MonResultUnknown, Locale::ZhCn) => "监控行对应的指标不在绩效目标中",
        (MonResultUnknown, Locale::En) => "This row names an indicator that is not in the target",
        (MonActualInvalid, Locale::ZhCn) => "1–N月实际完成值须为数字（日期型指标为 YYYY-MM-DD）",
        (MonActualInvalid, Locale::En) => "The value to date must be a number (a YYYY-MM-DD date for a date target)",
        (MonLikelihoodInvalid, Locale::ZhCn) => "请选择完成目标可能性：确定能、有可能或完全不可能",
        (MonLikelihoodInvalid, Locale::En) => "Choose a likelihood: certain, possible or impossible",
        (MonCauseInvalid, Locale::ZhCn) => "偏差原因须从经费保障、制度保障、人员保障、硬件条件保障、其他中选择",
        (MonCauseInvalid, Locale::En) => "A cause must be funding, institutional, staffing, hardware or other",
        (MonCausesRequired, Locale::ZhCn) => "该指标有偏差或可能无法完成，请选择偏差原因",
        (MonCausesRequired, Locale::En) => "This row deviates or may not be met: choose its causes",
        (MonMeasuresRequired, Locale::ZhCn) => "该指标有偏差或可能无法完成，请填写纠偏措施",
        (MonMeasuresRequired, Locale::En) => "This row deviates or may not be met: give the corrective measures",
        (MonExecutionDecreased, Locale::ZhCn) => "执行数低于上期监控报告的执行数，请核实",
        (MonExecutionDecreased, Locale::En) => "Executed is lower than in the previous report; please check",
        (MonLikelihoodInconsistent, Locale::ZhCn) => "全年预计完成值未达到目标值，但完成可能性填写为“确定能”",
        (MonLikelihoodInconsistent, Locale::En) => {
            "The full-year forecast misses the target, yet the likelihood is certain"
        }
    }
}

/// Renders the message of `code` in `locale`, substituting `{name}` from `params`.
pub fn render(code: Code, params: &Map<String, Value>, locale: Locale) -> String {
    let tpl = template(code, locale);
    let mut out = String::with_capacity(tpl.len() + 16);
    let mut rest = tpl;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let after = after.get(1..).unwrap_or("");
        match after.find('}') {
            Some(close) => {
                let name = after.get(..close).unwrap_or("");
                match params.get(name) {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(v) => out.push_str(&v.to_string()),
                    None => out.push('?'),
                }
                rest = after.get(close + 1..).unwrap_or("");
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_both_locales_and_no_unfilled_braces_when_params_given() {
        for &code in Code::ALL {
            for locale in [Locale::ZhCn, Locale::En] {
                assert!(!template(code, locale).is_empty());
            }
        }
        let p: Map<String, Value> =
            [("min".to_owned(), Value::from(3)), ("actual".to_owned(), Value::from(2))].into_iter().collect();
        assert_eq!(render(Code::TreeLevel1Min, &p, Locale::En), "2 level-1 indicators; at least 3 are required");
    }
}
