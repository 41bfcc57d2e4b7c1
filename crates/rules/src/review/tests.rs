use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::*;
use crate::messages::Locale;
use crate::values::Amount;
use crate::violation::{Code, Severity, Violation};

const DEPT: Actor = Actor::Department { own: true };
const OTHER_DEPT: Actor = Actor::Department { own: false };
const ASSESSOR: Actor = Actor::Assessor { assigned: true };
const STRANGER: Actor = Actor::Assessor { assigned: false };

fn error_violation() -> Violation {
    Violation {
        code: Code::IndUnitRequired,
        severity: Severity::Error,
        path: "/indicators/0/unit".into(),
        params: Map::new(),
        message: String::new(),
    }
}

fn warning_violation() -> Violation {
    Violation { severity: Severity::Warning, code: Code::IndPercentRange, ..error_violation() }
}

fn input(decision: Decision, grade: ReviewGrade, opinion: Option<&str>, amount: Option<&str>) -> ReviewInput {
    ReviewInput {
        decision,
        grade,
        criteria: CriteriaNotes::default(),
        opinion: opinion.map(Into::into),
        approved_amount: amount.map(Into::into),
    }
}

fn approve(amount: &str) -> ReviewDecision {
    ReviewDecision::parse(input(Decision::Approve, ReviewGrade::Excellent, None, Some(amount)), None).unwrap()
}

fn ret(grade: ReviewGrade) -> ReviewDecision {
    ReviewDecision::parse(input(Decision::Return, grade, Some("补充成本指标"), None), None).unwrap()
}

fn step(s: Lifecycle, actor: Actor, action: Action<'_>) -> Lifecycle {
    s.apply(actor, action).unwrap().to
}

#[test]
fn full_cycle_with_return_resubmission_and_adjustment() {
    let s = Lifecycle::new();
    assert_eq!((s.status(), s.version(), s.in_force()), (Status::Draft, 1, None));
    let errs = [error_violation()];
    assert_eq!(s.apply(DEPT, Action::Submit { violations: &errs }).unwrap_err(), ReviewError::Violations);
    let warns = [warning_violation()];
    let s = step(s, DEPT, Action::Submit { violations: &warns });
    assert_eq!(s.status(), Status::Submitted);
    // read-only for the department until returned
    assert_eq!(
        s.apply(DEPT, Action::Edit).unwrap_err(),
        ReviewError::WrongState { action: ActionKind::Edit, status: Status::Submitted }
    );
    let s = step(s, Actor::Finance, Action::Assign);
    let s = step(s, ASSESSOR, Action::Opinion);
    let r = ret(ReviewGrade::Fair);
    let s = step(s, Actor::Finance, Action::Review(&r));
    assert_eq!(s.status(), Status::Returned);
    assert!(!s.budget_excluded());
    let s = step(s, DEPT, Action::Edit);
    assert_eq!(s.status(), Status::Returned);
    let s = step(s, DEPT, Action::Submit { violations: &[] });
    let a = approve("86.40");
    let t = s.apply(Actor::Finance, Action::Review(&a)).unwrap();
    assert_eq!(t.kind, ActionKind::Approve);
    let s = t.to;
    assert_eq!((s.status(), s.in_force()), (Status::Approved, Some(1)));
    assert!(s.is_public(false));
    assert!(!s.is_public(true));
    assert!(s.apply(DEPT, Action::Edit).is_err());
    // adjustment: version 2 is reviewed while version 1 stays in force
    let s = step(s, DEPT, Action::Adjust);
    assert_eq!((s.status(), s.version(), s.in_force()), (Status::Draft, 2, Some(1)));
    assert!(s.is_adjustment());
    assert!(s.is_public(false));
    assert!(s.apply(DEPT, Action::Delete).is_err());
    let s = step(s, DEPT, Action::Submit { violations: &[] });
    let s = step(s, Actor::Finance, Action::Review(&ret(ReviewGrade::Poor)));
    assert_eq!((s.status(), s.in_force()), (Status::Returned, Some(1)));
    assert!(s.budget_excluded());
    let s = step(s, DEPT, Action::Submit { violations: &[] });
    let s = step(s, Actor::Finance, Action::Review(&a));
    assert_eq!((s.status(), s.version(), s.in_force()), (Status::Approved, 2, Some(2)));
    assert!(!s.budget_excluded() && !s.is_adjustment());
}

#[test]
fn who_may_do_what() {
    let submitted = step(Lifecycle::new(), DEPT, Action::Submit { violations: &[] });
    let a = approve("1");
    for actor in [DEPT, OTHER_DEPT, ASSESSOR, STRANGER, Actor::Admin, Actor::Anonymous] {
        assert!(submitted.apply(actor, Action::Review(&a)).is_err(), "{actor:?} reviewed");
        assert!(submitted.apply(actor, Action::Assign).is_err(), "{actor:?} assigned");
    }
    assert_eq!(submitted.apply(OTHER_DEPT, Action::Review(&a)).unwrap_err(), ReviewError::NotFound);
    assert_eq!(submitted.apply(DEPT, Action::Review(&a)).unwrap_err(), ReviewError::Forbidden);
    assert_eq!(submitted.apply(Actor::Anonymous, Action::Assign).unwrap_err(), ReviewError::Unauthenticated);
    assert_eq!(submitted.apply(STRANGER, Action::Opinion).unwrap_err(), ReviewError::NotFound);
    assert_eq!(submitted.apply(Actor::Finance, Action::Opinion).unwrap_err(), ReviewError::Forbidden);
    assert!(submitted.apply(ASSESSOR, Action::Opinion).is_ok());
    let draft = Lifecycle::new();
    assert_eq!(draft.apply(OTHER_DEPT, Action::Edit).unwrap_err(), ReviewError::NotFound);
    assert_eq!(draft.apply(Actor::Finance, Action::Edit).unwrap_err(), ReviewError::Forbidden);
    assert_eq!(draft.apply(Actor::Finance, Action::Create).unwrap_err(), ReviewError::Forbidden);
    assert_eq!(draft.apply(OTHER_DEPT, Action::Create).unwrap_err(), ReviewError::Forbidden);
    assert!(draft.apply(DEPT, Action::Create).is_ok());
    // An administrator keeps drafts (create, edit, delete) but never submits or adjusts.
    for a in [Action::Create, Action::Edit, Action::Delete] {
        assert!(draft.apply(Actor::Admin, a).is_ok(), "admin {a:?}");
    }
    assert_eq!(draft.apply(Actor::Admin, Action::Submit { violations: &[] }).unwrap_err(), ReviewError::Forbidden);
    assert!(matches!(submitted.apply(Actor::Admin, Action::Edit), Err(ReviewError::WrongState { .. })));
    // assignment and opinions only while submitted
    assert!(matches!(draft.apply(Actor::Finance, Action::Assign), Err(ReviewError::WrongState { .. })));
    assert!(matches!(draft.apply(ASSESSOR, Action::Opinion), Err(ReviewError::WrongState { .. })));
    assert!(draft.apply(DEPT, Action::Delete).is_ok());
    assert!(Actor::Admin.can_read() && Actor::Finance.can_read() && !STRANGER.can_read());
}

#[test]
fn grades_follow_88() {
    for g in [ReviewGrade::Fair, ReviewGrade::Poor] {
        let e = ReviewDecision::parse(input(Decision::Approve, g, None, Some("10")), None).unwrap_err();
        assert_eq!(e, ReviewError::GradeRequiresReturn { grade: g });
        assert_eq!(e.class(), ErrorClass::Unprocessable);
        assert_eq!(e.pointer().as_deref(), Some("/decision"));
    }
    assert_eq!(ret(ReviewGrade::Poor).outcome(), BudgetOutcome::Excluded);
    assert_eq!(ret(ReviewGrade::Fair).outcome(), BudgetOutcome::Resubmit);
    assert_eq!(ret(ReviewGrade::Good).outcome(), BudgetOutcome::Resubmit);
    let good = ReviewDecision::parse(input(Decision::Approve, ReviewGrade::Good, None, Some("80.5")), None).unwrap();
    assert_eq!(good.outcome(), BudgetOutcome::Included { amount: Decimal::new(805, 1) });
}

#[test]
fn decision_validation() {
    let req = Amount::parse("86.40");
    let cases: [(ReviewInput, ReviewError); 6] = [
        (input(Decision::Return, ReviewGrade::Fair, None, None), ReviewError::OpinionRequired),
        (input(Decision::Return, ReviewGrade::Fair, Some("  \n"), None), ReviewError::OpinionRequired),
        (input(Decision::Return, ReviewGrade::Fair, Some("x"), Some("1")), ReviewError::ApprovedAmountOnReturn),
        (input(Decision::Approve, ReviewGrade::Good, None, None), ReviewError::ApprovedAmountRequired),
        (input(Decision::Approve, ReviewGrade::Good, None, Some("1.234")), ReviewError::ApprovedAmountInvalid),
        (input(Decision::Approve, ReviewGrade::Good, None, Some("86.41")), ReviewError::ApprovedAmountExceedsRequest),
    ];
    for (i, e) in cases {
        assert_eq!(ReviewDecision::parse(i, req).unwrap_err(), e);
        assert_eq!(e.class(), ErrorClass::Unprocessable);
        assert!(!e.message(Locale::ZhCn).is_empty() && !e.message(Locale::En).is_empty());
    }
    let ok = ReviewDecision::parse(input(Decision::Approve, ReviewGrade::Excellent, None, Some("86.40")), req).unwrap();
    assert_eq!(ok.approved_amount(), Some(Decimal::new(8640, 2)));
    let ser = serde_json::to_value(&ok).unwrap();
    assert_eq!(ser["approved_amount"], json!("86.40"));
    let parsed: ReviewInput =
        serde_json::from_value(json!({"decision": "return", "grade": "poor", "opinion": "差"})).unwrap();
    assert_eq!(parsed.decision, Decision::Return);
    assert!(serde_json::from_value::<ReviewInput>(json!({"decision": "x", "grade": "poor"})).is_err());
}

fn opinion(score: &str, remarks: &str, findings: &[&str], rec: Recommendation) -> OpinionInput {
    let c = || CriterionInput { score: score.into(), remarks: remarks.into() };
    OpinionInput {
        criteria: OpinionCriteriaInput {
            completeness: c(),
            relevance: c(),
            appropriateness: CriterionInput { score: "70".into(), remarks: "资金测算偏高".into() },
            feasibility: c(),
        },
        findings: findings.iter().map(|s| s.to_string()).collect(),
        recommendation: rec,
    }
}

#[test]
fn assessor_opinion_validation() {
    let ok = AssessorOpinion::parse(opinion("85.5", "较完整", &[], Recommendation::Approve)).unwrap();
    assert_eq!(ok.average(), Decimal::new(8163, 2)); // (85.5*3 + 70)/4 = 81.625 → 81.63
    assert_eq!(ok.criteria().len(), 4);
    let e = AssessorOpinion::parse(opinion("100.01", "x", &[], Recommendation::Approve)).unwrap_err();
    assert_eq!(e, ReviewError::ScoreInvalid { criterion: Criterion::Completeness });
    assert_eq!(e.pointer().as_deref(), Some("/criteria/completeness/score"));
    let e = AssessorOpinion::parse(opinion("-1", "x", &[], Recommendation::Approve)).unwrap_err();
    assert_eq!(e, ReviewError::ScoreInvalid { criterion: Criterion::Completeness });
    let e = AssessorOpinion::parse(opinion("90", " ", &[], Recommendation::Approve)).unwrap_err();
    assert_eq!(e, ReviewError::RemarksRequired { criterion: Criterion::Completeness });
    let e = AssessorOpinion::parse(opinion("90", "x", &[" "], Recommendation::Revise)).unwrap_err();
    assert_eq!(e, ReviewError::FindingsRequired);
    assert!(AssessorOpinion::parse(opinion("90", "x", &["成本指标缺失"], Recommendation::Revise)).is_ok());
}

#[test]
fn restore_checks_invariants() {
    assert!(Lifecycle::restore(Status::Approved, 1, Some(1), false).is_ok());
    assert!(Lifecycle::restore(Status::Draft, 2, Some(1), false).is_ok());
    assert!(Lifecycle::restore(Status::Returned, 2, Some(1), true).is_ok());
    assert!(Lifecycle::restore(Status::Approved, 1, None, false).is_err());
    assert!(Lifecycle::restore(Status::Approved, 2, Some(1), false).is_err());
    assert!(Lifecycle::restore(Status::Approved, 1, Some(1), true).is_err());
    assert!(Lifecycle::restore(Status::Draft, 1, Some(1), false).is_err());
    assert!(Lifecycle::restore(Status::Draft, 2, None, false).is_err());
    assert!(Lifecycle::restore(Status::Draft, 0, None, false).is_err());
    for st in Status::ALL {
        assert_eq!(Status::parse(st.as_str()), Some(st));
    }
    for k in ActionKind::ALL {
        assert_eq!(ActionKind::parse(k.as_str()), Some(k));
    }
}

#[test]
fn diff_reports_pointers_with_old_and_new_values() {
    let old = json!({"funds": {"annual_total": "86.40"}, "indicators": [{"name": "a", "value": "1"}],
                     "a/b": 1, "gone": true});
    let new = json!({"funds": {"annual_total": "80.00"}, "indicators": [{"name": "a", "value": "2"}, {"name": "b"}],
                     "a/b": 2, "added": null});
    let d = diff(&old, &new);
    let paths: Vec<&str> = d.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["/a~1b", "/added", "/funds/annual_total", "/gone", "/indicators/0/value", "/indicators/1"]);
    assert_eq!(d[2].old, Some(json!("86.40")));
    assert_eq!(d[2].new, Some(json!("80.00")));
    assert_eq!(d[3].new, None);
    assert_eq!(d[1].old, None);
    assert_eq!(d[1].new, Some(Value::Null));
    assert!(diff(&old, &old).is_empty());
    assert_eq!(diff(&json!(1), &json!("1")).len(), 1);
    assert_eq!(diff(&json!(1), &json!("1"))[0].path, "");
}

fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        Just(Actor::Anonymous),
        any::<bool>().prop_map(|own| Actor::Department { own }),
        Just(Actor::Finance),
        any::<bool>().prop_map(|assigned| Actor::Assessor { assigned }),
        Just(Actor::Admin),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Create,
    Edit,
    Submit(bool),
    Review(ReviewInput),
    Assign,
    Opinion,
    Adjust,
    Delete,
}

fn op() -> impl Strategy<Value = Op> {
    let decision = prop_oneof![Just(Decision::Approve), Just(Decision::Return)];
    let grade = prop_oneof![
        Just(ReviewGrade::Excellent),
        Just(ReviewGrade::Good),
        Just(ReviewGrade::Fair),
        Just(ReviewGrade::Poor)
    ];
    let review = (decision, grade, proptest::option::of("[ a-z]{0,3}"), proptest::option::of("[0-9.]{0,4}")).prop_map(
        |(d, g, o, a)| {
            Op::Review(ReviewInput {
                decision: d,
                grade: g,
                criteria: CriteriaNotes::default(),
                opinion: o,
                approved_amount: a,
            })
        },
    );
    prop_oneof![
        Just(Op::Create),
        Just(Op::Edit),
        any::<bool>().prop_map(Op::Submit),
        review,
        Just(Op::Assign),
        Just(Op::Opinion),
        Just(Op::Adjust),
        Just(Op::Delete),
    ]
}

proptest! {
    #[test]
    fn no_sequence_of_actions_reaches_an_illegal_state(ops in proptest::collection::vec((actor(), op()), 0..60)) {
        let mut s = Lifecycle::new();
        let errs = [error_violation()];
        for (who, o) in ops {
            let decision;
            let action = match &o {
                Op::Create => continue, // a new target, not a transition of this one
                Op::Edit => Action::Edit,
                Op::Submit(with_errors) => Action::Submit { violations: if *with_errors { &errs } else { &[] } },
                Op::Review(i) => match ReviewDecision::parse(i.clone(), None) {
                    Ok(d) => { decision = d; Action::Review(&decision) }
                    Err(e) => {
                        prop_assert_eq!(e.class(), ErrorClass::Unprocessable);
                        let grade_refused = matches!(e, ReviewError::GradeRequiresReturn { .. });
                        if i.decision == Decision::Approve { prop_assert!(i.grade.approvable() || grade_refused); }
                        continue;
                    }
                },
                Op::Assign => Action::Assign,
                Op::Opinion => Action::Opinion,
                Op::Adjust => Action::Adjust,
                Op::Delete => Action::Delete,
            };
            let before = s;
            match s.apply(who, action) {
                Ok(t) => {
                    let n = t.to;
                    // the result is a state `restore` accepts
                    prop_assert_eq!(Lifecycle::restore(n.status(), n.version(), n.in_force(), n.budget_excluded()), Ok(n));
                    // only the role of the action acts (and an administrator keeping a
                    // draft), and only on targets it can read
                    prop_assert!(who.can_read());
                    let keeps_draft = who == Actor::Admin && matches!(t.kind, ActionKind::Edit | ActionKind::Delete);
                    prop_assert!(who.role() == Some(t.kind.role()) || keeps_draft);
                    // a submitted or approved target is never edited or resubmitted
                    if matches!(t.kind, ActionKind::Edit | ActionKind::Submit) { prop_assert!(before.editable()); }
                    if t.kind == ActionKind::Submit { prop_assert!(!matches!(o, Op::Submit(true))); }
                    // only finance leaves `submitted`, towards approved or returned
                    if before.status() == Status::Submitted && n.status() != Status::Submitted {
                        prop_assert_eq!(who, Actor::Finance);
                        prop_assert!(matches!(n.status(), Status::Approved | Status::Returned));
                    }
                    if n.status() == Status::Approved && before.status() != Status::Approved {
                        prop_assert_eq!(before.status(), Status::Submitted);
                    }
                    // an approved version stays in force until another is approved
                    if let Some(v) = before.in_force() {
                        let now = n.in_force();
                        prop_assert!(now == Some(v) || (now == Some(n.version()) && n.status() == Status::Approved));
                    }
                    prop_assert!(n.version() >= before.version());
                    if t.kind != ActionKind::Delete { s = n; } else { s = Lifecycle::new(); }
                }
                Err(e) => {
                    prop_assert_eq!(s, before);
                    if !who.can_read() { prop_assert!(matches!(e, ReviewError::NotFound | ReviewError::Unauthenticated)); }
                }
            }
        }
    }
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0i64..5).prop_map(Value::from),
        "[a~/b]{0,2}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a~/b]{0,2}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn unescape(t: &str) -> String {
    t.replace("~1", "/").replace("~0", "~")
}

/// Sets (`Some`) or removes (`None`) the value at a pointer whose parent exists.
fn put(doc: &mut Value, path: &str, v: Option<Value>) {
    if path.is_empty() {
        *doc = v.unwrap_or(Value::Null);
        return;
    }
    let (parent, last) = path.rsplit_once('/').unwrap();
    let target = doc.pointer_mut(parent).unwrap();
    let last = unescape(last);
    match (target, v) {
        (Value::Object(m), Some(v)) => {
            m.insert(last, v);
        }
        (Value::Object(m), None) => {
            m.remove(&last);
        }
        (Value::Array(a), Some(v)) => {
            let i: usize = last.parse().unwrap();
            if i == a.len() { a.push(v) } else { a[i] = v }
        }
        (Value::Array(a), None) => {
            a.remove(last.parse::<usize>().unwrap());
        }
        (other, _) => panic!("parent of {path} is {other}"),
    }
}

proptest! {
    #[test]
    fn applying_the_diff_to_the_old_document_gives_the_new_one(old in json(), new in json()) {
        let changes = diff(&old, &new);
        prop_assert_eq!(changes.is_empty(), old == new);
        // Sets in order (array elements are appended in increasing index), then removals
        // from the last (so earlier indices stay valid).
        let mut doc = old.clone();
        for c in changes.iter().filter(|c| c.new.is_some()) {
            put(&mut doc, &c.path, c.new.clone());
        }
        for c in changes.iter().rev().filter(|c| c.new.is_none()) {
            prop_assert_eq!(doc.pointer(&c.path).cloned(), c.old.clone());
            put(&mut doc, &c.path, None);
        }
        prop_assert_eq!(doc, new);
    }
}
