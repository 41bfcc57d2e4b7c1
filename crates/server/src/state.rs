//! Shared application state handed to every handler as `web::Data<AppState>`.

use std::path::PathBuf;

use crate::db::Database;
use crate::routes::RouteTable;
use crate::service::profiles::Profiles;

/// What handlers share: the database and a few settings.
#[derive(Debug)]
pub struct AppState {
    /// The pool.
    pub db: Database,
    /// Largest accepted body (bytes).
    pub body_limit: usize,
    /// Directory of the built web form.
    pub web_dir: PathBuf,
    /// Built-in and uploaded rule profiles.
    pub profiles: Profiles,
    /// Documented routes (for 405 answers).
    pub routes: RouteTable,
    /// Failed bearer-token attempts per client address (429 past the limit).
    pub failed_auth: crate::auth::FailedAuth,
}
