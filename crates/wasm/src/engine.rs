//! The adapter's logic in plain Rust, so it is unit- and property-tested natively:
//! resolving a profile and a locale from their ids, turning JSON text into the
//! outputs of `jixiao check --jsonl` / `jixiao score`, and the editing [`Session`].
//!
//! No rule lives here: every check, count and score is a call into `jixiao-rules`.
//! Errors are plain strings (one line) that `lib.rs` turns into thrown JS errors.

use jixiao_rules::check::json_type;
use jixiao_rules::{CheckReport, Locale, Profile, Registry, TreeCounts, check_parsed, parse_object, tree_counts};
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

/// `profiles`: every built-in profile with its framework, thresholds and scoring data.
pub fn profiles() -> Result<String, String> {
    to_json(&Registry::builtin().profiles())
}

/// Splits a JSON Pointer (RFC 6901) into unescaped tokens.
fn pointer_tokens(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer.strip_prefix('/').ok_or_else(|| format!("`{pointer}` is not a JSON Pointer"))?;
    Ok(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

fn array_index(token: &str, len: usize, pointer: &str) -> Result<usize, String> {
    if token == "-" {
        return Ok(len);
    }
    let ok =
        !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) && (token == "0" || !token.starts_with('0'));
    match token.parse::<usize>() {
        Ok(i) if ok && i <= len => Ok(i),
        _ => Err(format!("`{pointer}`: `{token}` is not an index of an array of {len}")),
    }
}

/// An editing session: it keeps the parsed document, applies one change at a time
/// and re-checks the kept document, so a keystroke costs no `JSON.stringify` of the
/// whole form and no re-parse of its text. Every report equals [`validate`] on
/// [`Session::document`] (a property test holds it to that).
#[derive(Debug, Clone)]
pub struct Session {
    profile: &'static Profile,
    locale: Locale,
    doc: Map<String, Value>,
    report: CheckReport,
    counts: TreeCounts,
}

impl Session {
    /// A session on an empty document (`{}`).
    pub fn new(profile_id: &str, locale_tag: &str) -> Result<Session, String> {
        let profile = profile(profile_id)?;
        let locale = locale(locale_tag)?;
        let mut s = Session {
            profile,
            locale,
            doc: Map::new(),
            report: CheckReport { valid: true, violations: Vec::new() },
            counts: TreeCounts::default(),
        };
        s.recheck();
        Ok(s)
    }

    fn recheck(&mut self) {
        let (parsed, report) = check_parsed(&self.doc, self.profile, self.locale);
        self.counts = tree_counts(&parsed);
        self.report = report;
    }

    /// Replaces the whole document (a JSON object) and re-checks it.
    pub fn load(&mut self, document: &str) -> Result<(), String> {
        self.doc = object_from(document, "document")?;
        self.recheck();
        Ok(())
    }

    /// Switches the profile (re-checks).
    pub fn set_profile(&mut self, profile_id: &str) -> Result<(), String> {
        self.profile = profile(profile_id)?;
        self.recheck();
        Ok(())
    }

    /// Switches the message locale (re-checks).
    pub fn set_locale(&mut self, locale_tag: &str) -> Result<(), String> {
        self.locale = locale(locale_tag)?;
        self.recheck();
        Ok(())
    }

    /// Sets the value at `pointer` and re-checks. Missing (or `null`) object members on
    /// the way are created as objects; an array index may be the length (or `-`) to
    /// append. The empty pointer replaces the whole document, which must be an object.
    pub fn set(&mut self, pointer: &str, value: Value) -> Result<(), String> {
        let tokens = pointer_tokens(pointer)?;
        let Some((last, parents)) = tokens.split_last() else {
            return match value {
                Value::Object(o) => {
                    self.doc = o;
                    self.recheck();
                    Ok(())
                }
                other => Err(format!("the document must be a JSON object, not a JSON {}", json_type(&other))),
            };
        };
        // A failed walk may already have created empty objects: re-check either way.
        let result = container(&mut self.doc, parents, pointer).and_then(|c| match c {
            Container::Object(o) => {
                o.insert(last.clone(), value);
                Ok(())
            }
            Container::Array(a) => {
                let i = array_index(last, a.len(), pointer)?;
                match a.get_mut(i) {
                    Some(cell) => *cell = value,
                    None => a.push(value),
                }
                Ok(())
            }
        });
        self.recheck();
        result
    }

    /// Removes the member or array element at `pointer` (later elements shift down)
    /// and re-checks. Removing a member that is not there is not an error.
    pub fn remove(&mut self, pointer: &str) -> Result<(), String> {
        let tokens = pointer_tokens(pointer)?;
        let Some((last, parents)) = tokens.split_last() else {
            return Err("cannot remove the whole document".into());
        };
        let result = container(&mut self.doc, parents, pointer).and_then(|c| match c {
            Container::Object(o) => {
                o.remove(last);
                Ok(())
            }
            Container::Array(a) => {
                let i = array_index(last, a.len(), pointer)?;
                if i < a.len() {
                    a.remove(i);
                }
                Ok(())
            }
        });
        self.recheck();
        result
    }

    /// The kept document as compact JSON.
    pub fn document(&self) -> Result<String, String> {
        to_json(&self.doc)
    }

    /// The current report: the same line [`validate`] prints for [`Session::document`].
    pub fn report(&self) -> Result<String, String> {
        to_json(&self.report)
    }

    /// The tree counts behind the form's meters: `{level1, level2, level3, quantitative}`.
    pub fn counts(&self) -> Result<String, String> {
        to_json(&self.counts)
    }
}

/// An object or array found by walking a JSON Pointer.
enum Container<'a> {
    Object(&'a mut Map<String, Value>),
    Array(&'a mut Vec<Value>),
}

/// The container that `parents` names. Missing or `null` object members on the way
/// become empty objects; an array index must exist; any other value is an error.
fn container<'a>(root: &'a mut Map<String, Value>, parents: &[String], pointer: &str) -> Result<Container<'a>, String> {
    let mut here = Container::Object(root);
    for t in parents {
        let next = match here {
            Container::Object(o) => {
                let v = o.entry(t.clone()).or_insert(Value::Null);
                if v.is_null() {
                    *v = Value::Object(Map::new());
                }
                v
            }
            Container::Array(a) => {
                let len = a.len();
                let i = array_index(t, len, pointer)?;
                a.get_mut(i).ok_or_else(|| format!("`{pointer}`: no element {i} in an array of {len}"))?
            }
        };
        here = match next {
            Value::Object(o) => Container::Object(o),
            Value::Array(a) => Container::Array(a),
            other => return Err(format!("`{pointer}`: `{t}` is a JSON {}, not a container", json_type(other))),
        };
    }
    Ok(here)
}
