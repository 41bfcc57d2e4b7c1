//! Evaluation (绩效自评 → 复评): the scoring rule (FORMATS.md §4, §4.1), the life cycle of a
//! self-evaluation and who may move it, and which evidence files (佐证材料) it accepts.
//! The budget recommendation of results is [`crate::results`].

pub mod evidence;
pub mod lifecycle;
pub mod scoring;
