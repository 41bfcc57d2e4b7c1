//! A diff of two JSON documents as JSON Pointers with old and new values.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One difference between two JSON documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Change {
    /// JSON Pointer of the changed value.
    pub path: String,
    /// The value before (`null` when the member or element was added).
    #[serde(default)]
    pub old: Option<Value>,
    /// The value after (`null` when the member or element was removed).
    #[serde(default)]
    pub new: Option<Value>,
}

/// The differences from `old` to `new`, as JSON Pointers with old and new values, in a
/// stable order (object members by key, array elements by index). Objects are compared
/// member by member and arrays element by element; any other difference (including a
/// change of type) is one change at that path. Equal documents give an empty list.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    diff_into(&mut String::new(), old, new, &mut out);
    out
}

fn diff_into(path: &mut String, old: &Value, new: &Value, out: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => diff_objects(path, a, b, out),
        (Value::Array(a), Value::Array(b)) => {
            let len = a.len().max(b.len());
            for i in 0..len {
                let mark = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => diff_into(path, x, y, out),
                    (x, y) => out.push(Change { path: path.clone(), old: x.cloned(), new: y.cloned() }),
                }
                path.truncate(mark);
            }
        }
        _ if old == new => {}
        _ => out.push(Change { path: path.clone(), old: Some(old.clone()), new: Some(new.clone()) }),
    }
}

fn diff_objects(path: &mut String, a: &Map<String, Value>, b: &Map<String, Value>, out: &mut Vec<Change>) {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let mark = path.len();
        path.push('/');
        path.push_str(&k.replace('~', "~0").replace('/', "~1"));
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) => diff_into(path, x, y, out),
            (x, y) => out.push(Change { path: path.clone(), old: x.cloned(), new: y.cloned() }),
        }
        path.truncate(mark);
    }
}
