//! The adapter's logic in plain Rust, so it is unit- and property-tested natively:
//! resolving a profile and a locale from their ids, turning JSON text into the
//! outputs of `jixiao check --jsonl` / `jixiao score` / `jixiao monitor`, and the
//! editing [`Session`].
//!
//! No rule lives here: every check, count and score is a call into `jixiao-rules`.
//! Errors are plain strings (one line) that `lib.rs` turns into thrown JS errors.

use jixiao_rules::{CheckSession, Locale, Profile, Registry, check_parsed, parse_object};
use serde::Serialize;
use serde_json::{Map, Value};

/// The output for a text that is not a JSON object: the line `jixiao check --jsonl`
/// prints for such a line (`{"valid":false,"violations":[],"error":REASON}`).
#[derive(Serialize)]
struct InputFailure<'a> {
    valid: bool,
    violations: [(); 0],
    error: &'a str,
}

/// Looks a built-in profile up by id.
pub fn profile(id: &str) -> Result<&'static Profile, String> {
    let registry = Registry::builtin();
    registry.profile(id).ok_or_else(|| {
        let known: Vec<&str> = registry.profiles().iter().map(|p| p.id.as_str()).collect();
        format!("unknown profile `{id}` (known: {})", known.join(", "))
    })
}

/// Parses a locale tag (`zh-CN` or `en`).
pub fn locale(tag: &str) -> Result<Locale, String> {
    Locale::parse(tag).ok_or_else(|| format!("unknown locale `{tag}` (use zh-CN or en)"))
}

/// Reads a document the way the command line does: a leading BOM is ignored, an
/// empty text and a non-object are refused with a one-line reason.
pub fn object_from(text: &str, what: &str) -> Result<Map<String, Value>, String> {
    parse_object(text).map_err(|e| format!("{what}: {e}"))
}

fn to_json(v: &impl Serialize) -> Result<String, String> {
    serde_json::to_string(v).map_err(|e| format!("cannot serialise the result: {e}"))
}

/// `validate`: the compact JSON line of `jixiao check --jsonl` for one document.
/// An unknown profile or locale is an `Err` (the command line's exit 2); a text that
/// is not a JSON object is an `Ok` failure line with an `error` member.
pub fn validate(document: &str, profile_id: &str, locale_tag: &str) -> Result<String, String> {
    let profile = profile(profile_id)?;
    let locale = locale(locale_tag)?;
    match object_from(document, "document") {
        Ok(doc) => to_json(&check_parsed(&doc, profile, locale).1),
        Err(reason) => to_json(&InputFailure { valid: false, violations: [], error: &reason }),
    }
}

/// `score`: exactly what `jixiao score` prints (without the trailing newline).
pub fn score(target: &str, evaluation: &str, profile_id: &str, locale_tag: &str) -> Result<String, String> {
    let profile = profile(profile_id)?;
    let locale = locale(locale_tag)?;
    let target = object_from(target, "target")?;
    let evaluation = object_from(evaluation, "evaluation")?;
    to_json(&jixiao_rules::score(&target, &evaluation, profile, locale))
}

/// `monitor`: exactly what `jixiao monitor` prints (without the trailing newline).
/// `previous` is the previous report of the year; an empty (or blank) text or `null`
/// means none, like leaving out `--previous`.
pub fn monitor(
    target: &str,
    report: &str,
    previous: &str,
    profile_id: &str,
    locale_tag: &str,
) -> Result<String, String> {
    let profile = profile(profile_id)?;
    let locale = locale(locale_tag)?;
    let target = object_from(target, "target")?;
    let report = object_from(report, "report")?;
    let previous = match previous.trim_start_matches('\u{feff}').trim() {
        "" | "null" => None,
        _ => Some(object_from(previous, "previous")?),
    };
    to_json(&jixiao_rules::monitor(&target, &report, profile, previous.as_ref(), locale))
}

/// `profiles`: every built-in profile with its framework, thresholds and scoring data.
pub fn profiles() -> Result<String, String> {
    to_json(&Registry::builtin().profiles())
}

/// `hints`: every violation code's how-to-fix hint in `locale`, `{CODE: hint}`.
pub fn hints(locale_tag: &str) -> Result<String, String> {
    to_json(&jixiao_rules::messages::hints(locale(locale_tag)?))
}

/// `suggestIndicators`: the common-indicator library's entries for what the user typed
/// (best first), placed in the profile's framework (the default profile when `profile_id`
/// is empty) and filtered by `level1`/`level2` when they are not empty.
pub fn suggest_indicators(
    query: &str,
    level1: &str,
    level2: &str,
    limit: usize,
    profile_id: &str,
) -> Result<String, String> {
    let framework = if profile_id.trim().is_empty() {
        Registry::builtin().default_profile().map(|p| &p.framework)
    } else {
        Some(&profile(profile_id)?.framework)
    };
    to_json(&jixiao_rules::Library::builtin().suggest(query, Some(level1), Some(level2), framework, limit))
}

/// An editing session: it keeps the parsed document and forwards each change to the
/// incremental checker of `jixiao-rules` ([`CheckSession`]), which re-reads only what the
/// change touched, so a keystroke costs no `JSON.stringify` of the whole form, no
/// re-parse of its text and no re-check of the other indicators. Every report equals
/// [`validate`] on [`Session::document`] (property tests here and in `jixiao-rules`
/// hold it to that).
#[derive(Debug, Clone)]
pub struct Session {
    inner: CheckSession,
}

impl Session {
    /// A session on an empty document (`{}`).
    pub fn new(profile_id: &str, locale_tag: &str) -> Result<Session, String> {
        let profile = profile(profile_id)?;
        let locale = locale(locale_tag)?;
        Ok(Session { inner: CheckSession::new(Map::new(), profile, locale) })
    }

    /// Replaces the whole document (a JSON object).
    pub fn load(&mut self, document: &str) -> Result<(), String> {
        self.inner.load(object_from(document, "document")?);
        Ok(())
    }

    /// Switches the profile.
    pub fn set_profile(&mut self, profile_id: &str) -> Result<(), String> {
        self.inner.set_profile(profile(profile_id)?);
        Ok(())
    }

    /// Switches the message locale.
    pub fn set_locale(&mut self, locale_tag: &str) -> Result<(), String> {
        self.inner.set_locale(locale(locale_tag)?);
        Ok(())
    }

    /// Sets the value at `pointer`. Missing (or `null`) object members on the way are
    /// created as objects; an array index may be the length (or `-`) to append. The
    /// empty pointer replaces the whole document, which must be an object.
    pub fn set(&mut self, pointer: &str, value: Value) -> Result<(), String> {
        self.inner.set(pointer, value).map_err(|e| e.to_string())
    }

    /// Removes the member or array element at `pointer` (later elements shift down).
    /// Removing a member that is not there is not an error.
    pub fn remove(&mut self, pointer: &str) -> Result<(), String> {
        self.inner.remove(pointer).map_err(|e| e.to_string())
    }

    /// The kept document as compact JSON.
    pub fn document(&self) -> Result<String, String> {
        to_json(self.inner.document())
    }

    /// The current report: the same line [`validate`] prints for [`Session::document`].
    pub fn report(&self) -> Result<String, String> {
        to_json(&self.inner.report())
    }

    /// The tree counts behind the form's meters: `{level1, level2, level3, quantitative}`.
    pub fn counts(&self) -> Result<String, String> {
        to_json(&self.inner.counts())
    }
}
