//! The review cycle of a target (审核): states and transitions. Filled in by the review work.
