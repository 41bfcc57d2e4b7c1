//! Incremental checking of a document being edited (the browser form's keystrokes).
//!
//! A [`CheckSession`] owns the document, the profile and the locale, and keeps what
//! the check read from it: the header (every member but `indicators`) with its
//! violations, and for each item of `indicators` its typed [`Indicator`] with the
//! violations that depend on nothing else. An edit at a JSON Pointer re-reads only the
//! part it touched: one indicator for a change under `/indicators/N`, the header for a
//! change elsewhere (and then the date warnings of every indicator, from their typed
//! values, if the period changed). Duplicates and the tree checks are recomputed from
//! the typed data on each [`CheckSession::report`], which is always exactly
//! [`crate::check`] of the whole current document.
//!
//! The rules themselves live in [`crate::document`] and [`crate::check`]; this module
//! only decides what to re-read.

use serde_json::{Map, Value};

use crate::check::{CheckReport, TreeCounts, count_tree, json_type, tree_checks};
use crate::document::{
    Duplicates, Indicator, Slot, SlotView, TargetDocument, date_violation, emit_slot, read_header, read_list, read_slot,
};
use crate::messages::Locale;
use crate::profile::Profile;
use crate::values::Date;
use crate::violation::{Sink, Violation};

/// Why an edit could not be applied. The document may still have gained empty objects
/// on the way (as a successful edit would have created them); the report follows it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The pointer does not start with `/` (and is not empty).
    #[error("`{0}` is not a JSON Pointer")]
    NotPointer(String),
    /// A token is not an index (nor `-`, nor the length) of the array it names.
    #[error("`{pointer}`: `{token}` is not an index of an array of {len}")]
    BadIndex {
        /// The whole pointer.
        pointer: String,
        /// The token.
        token: String,
        /// The array's length.
        len: usize,
    },
    /// A parent index is the array's length (nothing there to walk into).
    #[error("`{pointer}`: no element {index} in an array of {len}")]
    NoElement {
        /// The whole pointer.
        pointer: String,
        /// The index.
        index: usize,
        /// The array's length.
        len: usize,
    },
    /// A parent is a scalar.
    #[error("`{pointer}`: `{token}` is a JSON {kind}, not a container")]
    NotContainer {
        /// The whole pointer.
        pointer: String,
        /// The token naming the scalar.
        token: String,
        /// Its JSON type.
        kind: &'static str,
    },
    /// The empty pointer was set to something other than an object.
    #[error("the document must be a JSON object, not a JSON {0}")]
    RootNotObject(&'static str),
    /// The empty pointer was removed.
    #[error("cannot remove the whole document")]
    RemoveRoot,
}

/// An editing session: the document, the profile, the locale, and what the check read
/// from the document, kept up to date edit by edit.
#[derive(Debug, Clone)]
pub struct CheckSession {
    doc: Map<String, Value>,
    profile: Profile,
    locale: Locale,
    /// The typed header (no indicators).
    header: TargetDocument,
    /// The header's violations, in document order.
    header_violations: Vec<Violation>,
    /// The violation of the `indicators` member itself (missing, not an array).
    list_violations: Vec<Violation>,
    /// One slot per item of `indicators` (when it is an array).
    slots: Vec<Slot>,
    /// Duplicate ids and names among the slots.
    dups: Duplicates,
}

impl CheckSession {
    /// A session on `doc` under `profile`, messages in `locale`.
    pub fn new(doc: Map<String, Value>, profile: &Profile, locale: Locale) -> CheckSession {
        let mut s = CheckSession {
            doc,
            profile: profile.clone(),
            locale,
            header: TargetDocument::default(),
            header_violations: Vec::new(),
            list_violations: Vec::new(),
            slots: Vec::new(),
            dups: Duplicates::default(),
        };
        s.read_all();
        s
    }

    /// The document as it stands.
    pub fn document(&self) -> &Map<String, Value> {
        &self.doc
    }

    /// The profile checked against.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The message locale.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The typed indicators (the objects of `indicators`, in order).
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> + Clone {
        self.slots.iter().filter_map(Slot::indicator)
    }

    /// Replaces the whole document.
    pub fn load(&mut self, doc: Map<String, Value>) {
        self.doc = doc;
        self.read_all();
    }

    /// Switches the profile (its framework decides which indicators count).
    pub fn set_profile(&mut self, profile: &Profile) {
        let same_framework = self.profile.framework == profile.framework;
        self.profile = profile.clone();
        if !same_framework {
            self.read_indicators();
        }
    }

    /// Switches the message locale.
    pub fn set_locale(&mut self, locale: Locale) {
        if self.locale != locale {
            self.locale = locale;
            self.read_all();
        }
    }

    /// Sets the value at `pointer`. Missing (or `null`) object members on the way are
    /// created as objects; an array index may be the length (or `-`) to append. The
    /// empty pointer replaces the whole document, which must be an object.
    pub fn set(&mut self, pointer: &str, value: Value) -> Result<(), EditError> {
        let tokens = pointer_tokens(pointer)?;
        let Some((last, parents)) = tokens.split_last() else {
            return match value {
                Value::Object(o) => {
                    self.load(o);
                    Ok(())
                }
                other => Err(EditError::RootNotObject(json_type(&other))),
            };
        };
        let before = self.indicators_len();
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
        // A failed walk may already have created empty objects: follow it either way.
        self.after_edit(&tokens, before);
        result
    }

    /// Removes the member or array element at `pointer` (later elements shift down).
    /// Removing a member that is not there is not an error.
    pub fn remove(&mut self, pointer: &str) -> Result<(), EditError> {
        let tokens = pointer_tokens(pointer)?;
        let Some((last, parents)) = tokens.split_last() else {
            return Err(EditError::RemoveRoot);
        };
        let before = self.indicators_len();
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
        self.after_edit(&tokens, before);
        result
    }

    /// The report: exactly [`crate::check`] of [`CheckSession::document`].
    pub fn report(&self) -> CheckReport {
        let mut sink = Sink::new(self.locale);
        sink.items.extend(self.header_violations.iter().cloned());
        sink.items.extend(self.list_violations.iter().cloned());
        for (n, slot) in self.slots.iter().enumerate() {
            let view = match slot {
                Slot::NotObject(v) => SlotView::NotObject(v.iter().cloned()),
                Slot::Object(r) => SlotView::Object {
                    ind: &r.ind,
                    own: r.own.iter().cloned(),
                    name_at: r.name_at,
                    date: r.date.clone(),
                },
            };
            emit_slot(&mut sink, n, view, &self.dups);
        }
        tree_checks(self.indicators(), &self.profile, &mut sink);
        CheckReport { valid: !sink.has_errors(), violations: sink.items }
    }

    /// The tree counts (exactly [`crate::tree_counts`] of the parsed document).
    pub fn counts(&self) -> TreeCounts {
        count_tree(self.indicators())
    }

    /// Length of `indicators` when it is an array.
    fn indicators_len(&self) -> Option<usize> {
        match self.doc.get("indicators") {
            Some(Value::Array(a)) => Some(a.len()),
            _ => None,
        }
    }

    fn period(&self) -> Option<(Date, Date)> {
        self.header.period()
    }

    /// Re-reads everything.
    fn read_all(&mut self) {
        let mut sink = Sink::new(self.locale);
        self.header = read_header(&self.doc, &mut sink);
        self.header_violations = sink.items;
        self.read_indicators();
    }

    /// Re-reads the header; the date warnings follow a change of period.
    fn read_header(&mut self) {
        let period = self.period();
        let mut sink = Sink::new(self.locale);
        self.header = read_header(&self.doc, &mut sink);
        self.header_violations = sink.items;
        let period_now = self.period();
        if period_now != period {
            for slot in &mut self.slots {
                if let Slot::Object(r) = slot {
                    r.date = date_violation(&r.ind, period_now, self.locale);
                }
            }
        }
    }

    /// Re-reads the whole `indicators` member.
    fn read_indicators(&mut self) {
        let (list, slots) = read_list(&self.doc, &self.profile.framework, self.period(), self.locale);
        self.list_violations = list;
        self.slots = slots;
        self.dups = Duplicates::find(&self.slots);
    }

    /// Re-reads item `n` of the `indicators` array (which has not changed length).
    fn read_item(&mut self, n: usize) {
        let (period, locale) = (self.period(), self.locale);
        let (Some(Value::Array(items)), Some(slot)) = (self.doc.get("indicators"), self.slots.get_mut(n)) else {
            return self.read_indicators();
        };
        let Some(item) = items.get(n) else {
            return self.read_indicators();
        };
        let fresh = read_slot(n, item, &self.profile.framework, period, locale);
        let (old, new) = (slot.indicator(), fresh.indicator());
        let same_id = old.map(|i| &i.id) == new.map(|i| &i.id);
        let same_name = old.map(|i| &i.name) == new.map(|i| &i.name);
        *slot = fresh;
        if !same_id {
            self.dups = Duplicates::find(&self.slots);
        } else if !same_name {
            self.dups.refind_names(&self.slots);
        }
    }

    /// Re-reads the items of the `indicators` array from `from` on (its length changed).
    fn read_items_from(&mut self, from: usize) {
        let (period, locale) = (self.period(), self.locale);
        let Some(Value::Array(items)) = self.doc.get("indicators") else {
            return self.read_indicators();
        };
        self.slots.truncate(from);
        let fw = &self.profile.framework;
        self.slots.extend(items.iter().enumerate().skip(from).map(|(n, item)| read_slot(n, item, fw, period, locale)));
        self.dups = Duplicates::find(&self.slots);
    }

    /// Follows an edit at `tokens`; `before` is the length `indicators` had before it.
    fn after_edit(&mut self, tokens: &[String], before: Option<usize>) {
        let Some((first, rest)) = tokens.split_first() else {
            return self.read_all();
        };
        if first != "indicators" {
            return self.read_header();
        }
        let after = self.indicators_len();
        let index = match (rest.first(), before) {
            (Some(t), Some(len)) => index_token(t, len),
            _ => None,
        };
        match (index, before, after) {
            (Some(n), Some(b), Some(a)) if a == b => {
                if n < a {
                    self.read_item(n);
                }
            }
            (Some(n), Some(_), Some(a)) => self.read_items_from(n.min(a)),
            _ => self.read_indicators(),
        }
    }
}

/// Splits a JSON Pointer (RFC 6901) into unescaped tokens.
fn pointer_tokens(pointer: &str) -> Result<Vec<String>, EditError> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer.strip_prefix('/').ok_or_else(|| EditError::NotPointer(pointer.to_owned()))?;
    Ok(rest
        .split('/')
        .map(|t| if t.contains('~') { t.replace("~1", "/").replace("~0", "~") } else { t.to_owned() })
        .collect())
}

/// An array index token as [`array_index`] reads it, without a bound.
fn index_token(token: &str, len: usize) -> Option<usize> {
    if token == "-" {
        return Some(len);
    }
    let ok =
        !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) && (token == "0" || !token.starts_with('0'));
    if ok { token.parse().ok() } else { None }
}

/// An array index: digits without a leading zero, at most `len`; `-` is `len`.
fn array_index(token: &str, len: usize, pointer: &str) -> Result<usize, EditError> {
    match index_token(token, len) {
        Some(i) if i <= len => Ok(i),
        _ => Err(EditError::BadIndex { pointer: pointer.to_owned(), token: token.to_owned(), len }),
    }
}

/// An object or array found by walking a JSON Pointer.
enum Container<'a> {
    Object(&'a mut Map<String, Value>),
    Array(&'a mut Vec<Value>),
}

/// The container that `parents` names. Missing or `null` object members on the way
/// become empty objects; an array index must exist; any other value is an error.
fn container<'a>(
    root: &'a mut Map<String, Value>,
    parents: &[String],
    pointer: &str,
) -> Result<Container<'a>, EditError> {
    let mut here = Container::Object(root);
    for t in parents {
        let next = match here {
            Container::Object(o) => {
                // Looked up first, so walking through existing members clones no key.
                if o.get(t).is_none_or(Value::is_null) {
                    o.insert(t.clone(), Value::Object(Map::new()));
                }
                match o.get_mut(t) {
                    Some(v) => v,
                    None => return Err(EditError::NotPointer(pointer.to_owned())),
                }
            }
            Container::Array(a) => {
                let len = a.len();
                let i = array_index(t, len, pointer)?;
                a.get_mut(i).ok_or_else(|| EditError::NoElement { pointer: pointer.to_owned(), index: i, len })?
            }
        };
        here = match next {
            Value::Object(o) => Container::Object(o),
            Value::Array(a) => Container::Array(a),
            other => {
                return Err(EditError::NotContainer {
                    pointer: pointer.to_owned(),
                    token: t.clone(),
                    kind: json_type(other),
                });
            }
        };
    }
    Ok(here)
}
