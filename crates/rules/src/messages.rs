//! The message catalogue: one text per code and locale (zh-CN default, en).
//! Messages are rendered here and nowhere else (not in handlers, not in JavaScript).

use serde_json::{Map, Value};

use crate::evaluation::evidence::{EvidenceError, MAX_FILE_BYTES, MAX_NAME_CHARS};
use crate::monitoring::lifecycle::LifecycleError;
use crate::review::{ActionKind, ReviewError};
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

/// How to fix a violation of `code`, in one sentence a department clerk understands
/// (shown under the message in the forms; FORMATS.md §3 gives the codes).
pub fn hint(code: Code, locale: Locale) -> &'static str {
    use Code::*;
    match (code, locale) {
        (DocFieldRequired, Locale::ZhCn) => "在标红的栏目中填写内容后即可通过。",
        (DocFieldRequired, Locale::En) => "Fill in the highlighted field.",
        (DocFieldInvalid, Locale::ZhCn) => {
            "按栏目要求的格式填写：年度填4位数字，日期填YYYY-MM-DD，选项从下拉列表中选择。"
        }
        (DocFieldInvalid, Locale::En) => {
            "Use the field's format: a 4-digit year, a YYYY-MM-DD date, or a choice from the list."
        }
        (AmountInvalid, Locale::ZhCn) => "以万元为单位填写数字，最多两位小数，不要带“万元”“，”等字符，例如 86.40。",
        (AmountInvalid, Locale::En) => {
            "Enter the amount in 10k yuan with at most two decimals and no unit or commas, e.g. 86.40."
        }
        (FundsSourcesSum, Locale::ZhCn) => "核对各项资金来源金额，使其合计等于年度资金总额；或修改年度资金总额。",
        (FundsSourcesSum, Locale::En) => {
            "Adjust the source amounts so they add up to the annual total, or correct the total."
        }
        (FundsAnnualExceedsMidTerm, Locale::ZhCn) => {
            "中期资金总额应包含本年度资金：调高中期资金总额，或核减年度资金总额。"
        }
        (FundsAnnualExceedsMidTerm, Locale::En) => {
            "The mid-term total includes this year: raise it or lower the annual total."
        }
        (TreeLevel1Min, Locale::ZhCn) => "从产出、效益、满意度等一级指标中补充设置指标，每类至少一条。",
        (TreeLevel1Min, Locale::En) => {
            "Add indicators under the missing level-1 categories (output, benefit, satisfaction …)."
        }
        (TreeLevel2Min, Locale::ZhCn) => "在已有一级指标下增加其他二级指标（如数量、质量、时效、成本、社会效益）。",
        (TreeLevel2Min, Locale::En) => {
            "Add indicators under further level-2 categories (quantity, quality, timeliness, cost, social …)."
        }
        (TreeLevel3Min, Locale::ZhCn) => "增加三级指标，使指标能够全面反映项目的产出和效果。",
        (TreeLevel3Min, Locale::En) => "Add more level-3 indicators so they cover the project's outputs and effects.",
        (TreeQuantRatioMin, Locale::ZhCn) => {
            "把定性指标改写为可以计量的指标（填写计算符号、数值和单位），或增加定量指标。"
        }
        (TreeQuantRatioMin, Locale::En) => {
            "Rewrite qualitative indicators as measurable ones (operator, number, unit) or add quantitative ones."
        }
        (TreeLevel1Required, Locale::ZhCn) => "该一级指标为必设项，请在其下至少设置一条三级指标。",
        (TreeLevel1Required, Locale::En) => "This level-1 category is required: add at least one indicator under it.",
        (PointsTotal, Locale::ZhCn) => "调整各指标分值，使合计等于规定总分。",
        (PointsTotal, Locale::En) => "Adjust the indicators' points so they add up to the required total.",
        (IndIdDuplicate, Locale::ZhCn) => "每条指标的编号须唯一：删除重复的行，或重新导入。",
        (IndIdDuplicate, Locale::En) => "Each indicator needs its own id: remove the duplicate row or import again.",
        (IndLevel1Unknown, Locale::ZhCn) => "从下拉列表中选择所用指标体系的一级指标。",
        (IndLevel1Unknown, Locale::En) => "Choose a level-1 category of the framework from the list.",
        (IndLevel2Invalid, Locale::ZhCn) => "先选定一级指标，再从其下的二级指标中选择。",
        (IndLevel2Invalid, Locale::En) => "Choose the level 1 first, then one of its level-2 categories.",
        (IndNameRequired, Locale::ZhCn) => "填写具体的三级指标名称，如“保障孤儿人数”；输入时可从共性指标库中选择。",
        (IndNameRequired, Locale::En) => {
            "Name the indicator, e.g. “children supported”; suggestions appear as you type."
        }
        (IndNameTooLong, Locale::ZhCn) => "精简指标名称，把解释性文字移到“指标解释”中。",
        (IndNameTooLong, Locale::En) => "Shorten the name and move the explanation to 指标解释.",
        (IndNameDuplicate, Locale::ZhCn) => "修改其中一条指标的名称以示区别，或删除重复的指标。",
        (IndNameDuplicate, Locale::En) => "Rename one of the two indicators or delete the duplicate.",
        (IndNatureInvalid, Locale::ZhCn) => "选择“定量”（有数值和单位）或“定性”（文字描述）。",
        (IndNatureInvalid, Locale::En) => "Choose quantitative (a number and unit) or qualitative (text).",
        (IndOperatorRequired, Locale::ZhCn) => "为定量指标选择计算符号：数量多多益善选“≥”，成本、时间越少越好选“≤”。",
        (IndOperatorRequired, Locale::En) => "Choose an operator: ≥ when more is better, ≤ for costs and deadlines.",
        (IndOperatorInvalid, Locale::ZhCn) => "定性指标不设计算符号：清空计算符号，或把指标改为定量。",
        (IndOperatorInvalid, Locale::En) => "Clear the operator, or make the indicator quantitative.",
        (IndValueRequired, Locale::ZhCn) => {
            "填写本年度要达到的指标值，定量指标填数字，定性指标填文字（如“明显改善”）。"
        }
        (IndValueRequired, Locale::En) => "Enter this year's target: a number, or text such as “clearly improved”.",
        (IndValuePlaceholder, Locale::ZhCn) => "用实际目标值替换“**”“-”“无”等占位符。",
        (IndValuePlaceholder, Locale::En) => "Replace the placeholder with the real target value.",
        (IndValueInvalid, Locale::ZhCn) => {
            "只填数字（单位写在“计量单位”栏，≥等符号选在“计算符号”栏）或日期YYYY-MM-DD。"
        }
        (IndValueInvalid, Locale::En) => {
            "Enter only the number (unit and operator have their own columns) or a YYYY-MM-DD date."
        }
        (IndUnitRequired, Locale::ZhCn) => "填写计量单位，如人、万元、%、公里、平方米。",
        (IndUnitRequired, Locale::En) => "Enter the unit, e.g. 人, 万元, %, 公里.",
        (IndPointsInvalid, Locale::ZhCn) => "填写大于0的分值，如 10。",
        (IndPointsInvalid, Locale::En) => "Enter points greater than 0, e.g. 10.",
        (IndPercentRange, Locale::ZhCn) => "百分比不超过100%；如确属增长率等可超过100的指标，可忽略本提示。",
        (IndPercentRange, Locale::En) => {
            "Percentages stay within 100; ignore this for growth rates that may exceed it."
        }
        (IndSatisfactionLow, Locale::ZhCn) => "满意度目标一般不低于规定比例，请核实是否填写有误。",
        (IndSatisfactionLow, Locale::En) => {
            "Satisfaction targets are normally at least the stated share: check the value."
        }
        (IndDateOutOfPeriod, Locale::ZhCn) => "日期应在项目起止时间内；请核对日期或项目期。",
        (IndDateOutOfPeriod, Locale::En) => "Use a date inside the project period, or correct the period.",
        (EvalResultMissing, Locale::ZhCn) => "为每条绩效指标填写全年实际完成值或完成档次。",
        (EvalResultMissing, Locale::En) => "Give the year's actual value or tier for every indicator.",
        (EvalResultUnknown, Locale::ZhCn) => "删除该行：它对应的指标已不在批复的绩效目标中。",
        (EvalResultUnknown, Locale::En) => "Remove the row: its indicator is no longer in the approved target.",
        (EvalPointsMissing, Locale::ZhCn) => "该指标在绩效目标中未设分值，请联系财政部门调整绩效目标。",
        (EvalPointsMissing, Locale::En) => {
            "The target gives this indicator no points: ask the bureau to adjust the target."
        }
        (EvalActualInvalid, Locale::ZhCn) => "实际完成值只填数字（单位与目标一致），日期型指标填YYYY-MM-DD。",
        (EvalActualInvalid, Locale::En) => "Enter only the number (in the target's unit), or a YYYY-MM-DD date.",
        (EvalTierInvalid, Locale::ZhCn) => "对照目标选择达成、部分达成或未达成。",
        (EvalTierInvalid, Locale::En) => "Compare with the target and choose achieved, partial or not achieved.",
        (EvalScoreOutOfTier, Locale::ZhCn) => "在所选档次的分数区间内打分，或改选档次。",
        (EvalScoreOutOfTier, Locale::En) => "Score within the chosen tier's range, or choose another tier.",
        (EvalReasonRequired, Locale::ZhCn) => "说明未完成的原因（经费、制度、人员、硬件等）和下一步改进措施。",
        (EvalReasonRequired, Locale::En) => {
            "Say why the target was missed (funding, rules, staff, equipment …) and what will change."
        }
        (EvalOverrideReasonRequired, Locale::ZhCn) => "写明调整得分的依据，如核查发现的问题。",
        (EvalOverrideReasonRequired, Locale::En) => "State the grounds for the new score, e.g. what the check found.",
        (EvalOverrideOutOfRange, Locale::ZhCn) => "得分不超过该项分值，且小数位数不超过规定。",
        (EvalOverrideOutOfRange, Locale::En) => "Keep the score within the item's points and the allowed decimals.",
        (MonPeriodInvalid, Locale::ZhCn) => "选择绩效目标的预算年度，截止月份选1至12月。",
        (MonPeriodInvalid, Locale::En) => "Choose the target's fiscal year and a month from 1 to 12.",
        (MonExecutedExceedsBudget, Locale::ZhCn) => {
            "核对执行数（万元）：不能超过全年预算数；如预算已调整，请先调整绩效目标。"
        }
        (MonExecutedExceedsBudget, Locale::En) => {
            "Check the executed amount: it cannot exceed the budget; adjust the target first if the budget changed."
        }
        (MonReasonRequired, Locale::ZhCn) => "说明执行进度偏慢的原因，如资金未到位、项目未开工。",
        (MonReasonRequired, Locale::En) => "Say why execution is behind, e.g. funds not arrived or work not started.",
        (MonResultMissing, Locale::ZhCn) => "为每条指标填写截至本月的完成情况。",
        (MonResultMissing, Locale::En) => "Report each indicator's progress to date.",
        (MonResultUnknown, Locale::ZhCn) => "删除该行：它对应的指标已不在绩效目标中。",
        (MonResultUnknown, Locale::En) => "Remove the row: its indicator is no longer in the target.",
        (MonActualInvalid, Locale::ZhCn) => "只填数字（单位与目标一致），日期型指标填YYYY-MM-DD。",
        (MonActualInvalid, Locale::En) => "Enter only the number (in the target's unit), or a YYYY-MM-DD date.",
        (MonLikelihoodInvalid, Locale::ZhCn) => "从确定能、有可能、完全不可能中选择。",
        (MonLikelihoodInvalid, Locale::En) => "Choose certain, possible or impossible.",
        (MonCauseInvalid, Locale::ZhCn) => "从列出的五类原因中勾选。",
        (MonCauseInvalid, Locale::En) => "Tick one of the five listed causes.",
        (MonCausesRequired, Locale::ZhCn) => "勾选造成偏差的原因（可多选）。",
        (MonCausesRequired, Locale::En) => "Tick the causes of the deviation (one or more).",
        (MonMeasuresRequired, Locale::ZhCn) => "写明纠偏措施和完成时间。",
        (MonMeasuresRequired, Locale::En) => "Describe the corrective measures and when they will be done.",
        (MonExecutionDecreased, Locale::ZhCn) => "执行数是累计数，一般不应少于上期；如确有退款等原因，请在原因中说明。",
        (MonExecutionDecreased, Locale::En) => "Execution is cumulative; if money was returned, say so in the reason.",
        (MonLikelihoodInconsistent, Locale::ZhCn) => {
            "预计完成值达不到目标时，完成可能性应选“有可能”或“完全不可能”并说明原因。"
        }
        (MonLikelihoodInconsistent, Locale::En) => {
            "If the forecast misses the target, choose possible or impossible and explain."
        }
    }
}

/// Every code's hint in `locale`, keyed by wire name (for the browser forms).
pub fn hints(locale: Locale) -> Map<String, Value> {
    Code::ALL.iter().map(|&c| (c.as_str().to_owned(), Value::from(hint(c, locale)))).collect()
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

// ---------------------------------------------------------------------------------------------
// Refusals of the stages' actions (review, monitoring and evaluation life cycles, evidence)
// ---------------------------------------------------------------------------------------------

/// The message of a refused review action ([`ReviewError`]).
pub fn review_refusal(e: &ReviewError, locale: Locale) -> String {
    use ReviewError::*;
    let zh = locale == Locale::ZhCn;
    match e {
        Unauthenticated => pick(zh, "请先登录", "Authentication required").into(),
        NotFound => pick(zh, "未找到该绩效目标", "Target not found").into(),
        Forbidden => pick(zh, "当前角色无权执行此操作", "Your role may not do this").into(),
        WrongState { action, status } => {
            // What would make the action possible, so the message says how to go on.
            let (zh_when, en_when) = match action {
                ActionKind::Edit => {
                    ("只有草稿和已退回的绩效目标可以修改", "only draft and returned targets can be edited")
                }
                ActionKind::Submit => {
                    ("只有草稿和已退回的绩效目标可以提交", "only draft and returned targets can be submitted")
                }
                ActionKind::Delete => {
                    ("只有从未批复的草稿可以删除", "only drafts that were never approved can be deleted")
                }
                ActionKind::Adjust => ("只有已批复的绩效目标可以调整", "only approved targets can be adjusted"),
                ActionKind::Approve | ActionKind::Return | ActionKind::Assign | ActionKind::Opinion => {
                    ("只有已提交的绩效目标可以审核", "only submitted targets are reviewed")
                }
                ActionKind::Create => ("", ""),
            };
            let sep = if zh_when.is_empty() { "" } else { "；" };
            if zh {
                format!("绩效目标当前为“{}”，不能{}{sep}{zh_when}", status.label(locale), action_label_zh(*action))
            } else {
                let sep = if en_when.is_empty() { "" } else { "; " };
                format!("Cannot {} a target that is {}{sep}{en_when}", action.as_str(), status.as_str())
            }
        }
        Violations => {
            pick(zh, "绩效目标仍有错误，不能提交", "The target still has errors and cannot be submitted").into()
        }
        OpinionRequired => pick(zh, "退回时必须填写审核意见", "An opinion is required when returning").into(),
        ApprovedAmountRequired => {
            pick(zh, "批复时必须填写批复金额（万元）", "The approved amount is required on approval").into()
        }
        ApprovedAmountInvalid => pick(
            zh,
            "批复金额须为不超过两位小数的非负数字字符串（万元）",
            "The approved amount must be a string of digits with at most 2 decimals",
        )
        .into(),
        ApprovedAmountOnReturn => {
            pick(zh, "退回时不能填写批复金额", "No approved amount may be given when returning").into()
        }
        ApprovedAmountExceedsRequest => pick(
            zh,
            "批复金额不得超过申报的年度资金总额",
            "The approved amount may not exceed the requested annual total",
        )
        .into(),
        GradeRequiresReturn { grade } => {
            if zh {
                format!("审核结果为“{}”的绩效目标必须退回（财预〔2015〕88号）", grade.label_zh())
            } else {
                format!("A target graded {} must be returned (Cai Yu [2015] No. 88)", grade.as_str())
            }
        }
        ScoreInvalid { criterion } => {
            if zh {
                format!("“{}”得分须为 0–100 之间、最多两位小数的数字", criterion.label_zh())
            } else {
                format!("The {} score must be a number from 0 to 100 with at most 2 decimals", criterion.as_str())
            }
        }
        RemarksRequired { criterion } => {
            if zh {
                format!("“{}”必须填写评审意见", criterion.label_zh())
            } else {
                format!("Remarks on {} are required", criterion.as_str())
            }
        }
        FindingsRequired => {
            pick(zh, "建议修改时至少列出一条发现的问题", "A recommendation to revise needs at least one finding").into()
        }
        TooManyVersions => pick(zh, "版本数过多", "Too many versions").into(),
    }
}

fn pick(zh: bool, a: &'static str, b: &'static str) -> &'static str {
    if zh { a } else { b }
}

fn action_label_zh(k: ActionKind) -> &'static str {
    match k {
        ActionKind::Create => "创建",
        ActionKind::Edit => "修改",
        ActionKind::Submit => "提交",
        ActionKind::Approve => "批复",
        ActionKind::Return => "退回",
        ActionKind::Assign => "委托第三方审核",
        ActionKind::Opinion => "提交第三方意见",
        ActionKind::Adjust => "调整",
        ActionKind::Delete => "删除",
    }
}

/// The message of a refused monitoring or evaluation action ([`LifecycleError`]).
pub fn lifecycle_refusal(e: &LifecycleError, locale: Locale) -> String {
    match (e, locale) {
        (_, Locale::En) => e.to_string(),
        (LifecycleError::Hidden, Locale::ZhCn) => "未找到该记录".into(),
        (LifecycleError::Forbidden(verb), Locale::ZhCn) => format!("当前角色无权{}", verb_zh(verb)),
        (LifecycleError::WrongState(status, what), Locale::ZhCn) => {
            format!("当前状态为“{}”，不能{}", status_zh(status), what_zh(what))
        }
    }
}

/// The verbs of [`LifecycleError::Forbidden`] in Chinese.
fn verb_zh(verb: &str) -> &'static str {
    match verb {
        "write" => "填报",
        "decide on" => "审核",
        _ => "执行此操作",
    }
}

/// The stored status names of reports and self-evaluations in Chinese.
fn status_zh(status: &str) -> &'static str {
    match status {
        "draft" => "草稿",
        "submitted" => "已提交",
        "returned" => "已退回",
        "accepted" => "已审核",
        "filed" => "已备案",
        "zero_scored" => "已按零分处理",
        _ => "其他",
    }
}

/// What [`LifecycleError::WrongState`] says cannot be done, in Chinese.
fn what_zh(what: &str) -> &'static str {
    match what {
        "created again" => "重复创建",
        "edited" => "修改",
        "submitted" => "提交",
        "accepted" => "审核通过",
        "returned" => "退回",
        "flagged for rectification" => "提出整改",
        "zero-scored" => "按零分处理",
        "filed" => "备案",
        "re-evaluated" => "复评",
        "given a rectification task" => "下达整改任务",
        "assigned for re-evaluation" => "委托第三方复评",
        "given more evidence" => "添加佐证材料",
        "stripped of evidence" => "删除佐证材料",
        _ => "执行此操作",
    }
}

/// The message of a refused evidence file ([`EvidenceError`]).
pub fn evidence_refusal(e: &EvidenceError, locale: Locale) -> String {
    if locale == crate::Locale::En {
        return e.to_string();
    }
    match e {
        EvidenceError::BadName => {
            format!("文件名须为 1–{MAX_NAME_CHARS} 个字符，且不得包含路径分隔符或控制字符")
        }
        EvidenceError::TypeNotAllowed(allowed) => format!("不接受此类文件作为佐证材料（可接受：{allowed}）"),
        EvidenceError::ContentMismatch(kind) => format!("文件内容不是 {kind} 文件（文件开头的字节与文件名不符）"),
        EvidenceError::Empty => "文件为空".into(),
        EvidenceError::TooLarge(n) => format!("文件大小为 {n} 字节，超过 {MAX_FILE_BYTES} 字节（20 MiB）的上限"),
    }
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

    #[test]
    fn every_code_has_a_hint_in_both_locales_that_differs_from_its_message() {
        for &code in Code::ALL {
            for locale in [Locale::ZhCn, Locale::En] {
                let h = hint(code, locale);
                assert!(h.chars().count() >= 8, "{code:?} {locale:?}: hint too short");
                assert_ne!(h, template(code, locale), "{code:?}: the hint repeats the message");
            }
        }
        assert_eq!(hints(Locale::ZhCn).len(), Code::ALL.len());
        assert!(hints(Locale::En)["IND_UNIT_REQUIRED"].as_str().is_some_and(|h| h.contains("unit")));
    }
}
