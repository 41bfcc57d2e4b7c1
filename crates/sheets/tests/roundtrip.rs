//! Document → xlsx → document: equal (in the normal form of `common::normal`) for every
//! target fixture and for generated documents, and the violations the export lists are
//! the ones the import finds again, at the same cells.

mod common;

use jixiao_rules::Locale;
use jixiao_sheets::container::Limits;
use jixiao_sheets::{import_target, target};
use serde_json::Value;

#[test]
fn every_fixture_round_trips() {
    let fixtures = common::target_fixtures();
    assert!(fixtures.len() >= 14, "found {} fixtures", fixtures.len());
    for (file, profile, doc) in fixtures {
        let p = common::profile(&profile);
        let out = target::export(&doc, p, Locale::ZhCn).unwrap_or_else(|e| panic!("{file}: {e}"));
        let back =
            import_target(&out.bytes, p, Locale::ZhCn, &Limits::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            common::normal(&Value::Object(back.document.clone())),
            common::normal(&Value::Object(doc.clone())),
            "{file}: the document read back differs"
        );
        let codes = |v: &[jixiao_sheets::CellViolation]| {
            v.iter().map(|x| (x.violation.code, x.violation.path.clone(), x.cell.clone())).collect::<Vec<_>>()
        };
        // Equal documents give equal violations; where the JSON types differed (a number
        // where an amount string belongs) the normal form already says what changed.
        if common::normal(&Value::Object(doc.clone())) == Value::Object(doc.clone()) {
            assert_eq!(codes(&back.violations), codes(&out.violations), "{file}: violations differ");
        }
        for v in &out.violations {
            assert!(v.cell.is_some(), "{file}: {} at {} has no cell", v.violation.code.as_str(), v.violation.path);
        }
    }
}
