//! Typed primitive values of the contract: amounts in 万元, decimal strings, dates.
//! Each `parse` accepts exactly the text FORMATS.md allows and nothing else
//! (numbers in strings are matched whole: `"86.40\n"` is not an amount).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

/// The fiscal years a document may name (FORMATS.md §1: `fiscal_year`, 2000–2100); the server's
/// `?fiscal_year=` parameters and its per-year partitions use the same range.
pub const FISCAL_YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;

/// An amount of money in 万元: digits with at most 2 decimals, ≥ 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

impl Amount {
    /// Parses `86.40`, `0`, `12.5`; rejects `-1`, `1e3`, `86.`, `86.401`, whitespace, overflow.
    pub fn parse(s: &str) -> Option<Amount> {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // At most 16 digits before the point (万元: far beyond any budget), so every amount
        // fits the stores' NUMERIC(18, 2) and the limit is a rule, not a database accident.
        if int.trim_start_matches('0').len() > MAX_AMOUNT_INTEGER_DIGITS {
            return None;
        }
        if let Some(f) = frac
            && (f.is_empty() || f.len() > 2 || !f.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Decimal::from_str_exact(s).ok().map(Amount)
    }

    /// The exact value.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// Wraps a decimal already known to be a valid amount (≥ 0, ≤ 2 decimals, ≤ 16 integer digits).
    pub fn from_decimal(d: Decimal) -> Option<Amount> {
        (d >= Decimal::ZERO && d.scale() <= 2 && d < Decimal::from(10_000_000_000_000_000_i64)).then_some(Amount(d))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Parses a decimal string `-?digits[.digits]` (the form of indicator values and actuals).
pub fn parse_signed_decimal(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix('-').unwrap_or(s);
    parse_unsigned_decimal(body)?;
    Decimal::from_str_exact(s).ok()
}

/// The most digits an amount has before its decimal point (NUMERIC(18, 2) in the stores).
pub const MAX_AMOUNT_INTEGER_DIGITS: usize = 16;

/// Parses `digits[.digits]` (no sign).
pub fn parse_unsigned_decimal(s: &str) -> Option<Decimal> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Decimal::from_str_exact(s).ok()
}

/// Points (分值): a decimal string greater than 0.
pub fn parse_points(s: &str) -> Option<Decimal> {
    parse_unsigned_decimal(s).filter(|d| *d > Decimal::ZERO)
}

/// A calendar date `YYYY-MM-DD` (proleptic Gregorian). Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, 1–9999.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month.
    pub day: u8,
}

impl Date {
    /// Parses exactly `YYYY-MM-DD` and checks the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let year = num(0..4)?;
        let month = num(5..7)?;
        let day = num(8..10)?;
        if year == 0 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year: u16::try_from(year).ok()?, month: u8::try_from(month).ok()?, day: u8::try_from(day).ok()? })
    }

    /// 1 January of `year`.
    pub fn first_of_year(year: u16) -> Date {
        Date { year, month: 1, day: 1 }
    }

    /// 31 December of `year`.
    pub fn last_of_year(year: u16) -> Date {
        Date { year, month: 12, day: 31 }
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s).ok_or(())
    }
}

/// "Blank means absent": missing, `null`, or a string empty after trimming.
pub fn is_blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}

/// A placeholder value: trimmed, made only of `*` `-` `_` `/`, or `无` / `暂无`.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() {
        return false;
    }
    t == "无" || t == "暂无" || t.chars().all(|c| matches!(c, '*' | '-' | '_' | '/'))
}

/// Escapes one JSON Pointer reference token (RFC 6901).
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_contract() {
        for ok in ["86.40", "0", "12.5", "007", "230047.41"] {
            assert!(Amount::parse(ok).is_some(), "{ok}");
        }
        for bad in
            ["-1", "1e3", "86.", "86.401", "", " 1", "86.40\n", ".5", "+1", "1,000", "99999999999999999999999999999999"]
        {
            assert!(Amount::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert!(Date::parse("2019-10-31").is_some());
        assert!(Date::parse("2020-02-29").is_some());
        assert!(Date::parse("2019-02-29").is_none());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2019-13-01").is_none());
        assert!(Date::parse("0000-01-01").is_none());
        assert!(Date::parse("2019-1-01").is_none());
        assert!(Date::parse("2019-01-01 ").is_none());
        assert!(Date::parse("２０１９-01-01").is_none());
    }

    #[test]
    fn decimals_and_placeholders() {
        assert!(parse_signed_decimal("-3.5").is_some());
        assert!(parse_signed_decimal("--3").is_none());
        assert!(parse_signed_decimal("3.").is_none());
        assert!(parse_points("0").is_none());
        assert!(parse_points("0.5").is_some());
        assert!(is_placeholder(" ** "));
        assert!(is_placeholder("暂无"));
        assert!(is_placeholder("-/_"));
        assert!(!is_placeholder("无害化"));
    }
}
