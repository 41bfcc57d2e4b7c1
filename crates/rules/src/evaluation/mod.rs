//! Evaluation (绩效自评 → 复评): the life cycle of a self-evaluation and who may move it, and
//! which evidence files (佐证材料) it accepts.
//! The scoring rule itself is [`crate::scoring`] (FORMATS.md §4, §4.1); the budget
//! recommendation of results is [`crate::results`].

pub mod evidence;
pub mod lifecycle;
