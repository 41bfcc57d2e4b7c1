//! Use cases behind the handlers: each function authorizes, runs the rules, calls the
//! store and appends to the audit trail, inside one transaction where it writes.
//! Functions are blocking (diesel); handlers call them through `Database::run`.

pub mod departments;
pub mod evaluation;
pub mod evidence;
pub mod monitoring;
pub mod profiles;
pub mod progress;
pub mod rectifications;
pub mod review;
pub mod sheets;
pub mod stage;
pub mod suggestions;
pub mod targets;
pub mod tokens;
pub mod users;
