//! The `execution` block that the monitoring report (FORMATS.md §6) and the self-evaluation
//! (§4) both carry: its amounts read the same way, with the same violations at the same paths.

use serde_json::{Map, Value};

use crate::values::{Amount, is_blank};
use crate::violation::{Code, Sink};

/// `execution.<key>` as an amount: blank is `DOC_FIELD_REQUIRED` when `required` (else absent),
/// anything but an amount string is `AMOUNT_INVALID`, both at `/execution/<key>`.
pub(crate) fn amount(o: &Map<String, Value>, key: &str, sink: &mut Sink, required: bool) -> Option<Amount> {
    let v = o.get(key);
    let path = format!("/execution/{key}");
    if is_blank(v) {
        if required {
            sink.push(Code::DocFieldRequired, path);
        }
        return None;
    }
    let a = match v {
        Some(Value::String(s)) => Amount::parse(s),
        _ => None,
    };
    if a.is_none() {
        sink.push(Code::AmountInvalid, path);
    }
    a
}
