//! Rule profiles available to the API: the built-in ones (`jixiao-rules`) plus the
//! region profiles an admin uploaded (stored in the database, loaded at start-up and
//! kept in memory). Built-in lookups stay allocation-free on the hot `POST /check` path.
//! Several servers share one database: a profile uploaded through another server is not in
//! this one's memory, so a miss reads the `profiles` table once and keeps what it finds.
//! Uploaded profiles never change (an id is taken once), so the memory never goes stale.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, RwLock};

use jixiao_rules::{Profile, Registry};

use crate::db::AnyConnection;
use crate::error::ApiError;
use crate::store;
use crate::text;

/// A resolved profile: built-in (static) or uploaded (shared).
#[derive(Debug, Clone)]
pub enum ProfileRef {
    /// Built into the binary.
    Builtin(&'static Profile),
    /// Uploaded by an admin.
    Custom(Arc<Profile>),
}

impl Deref for ProfileRef {
    type Target = Profile;
    fn deref(&self) -> &Profile {
        match self {
            ProfileRef::Builtin(p) => p,
            ProfileRef::Custom(p) => p,
        }
    }
}

/// Resolves the profile a stored document was declared under, from the database: a
/// built-in id, else the region profile stored in `profiles` (so every server process sees
/// every upload). An id that is neither is an error, never the default profile.
pub fn stored(conn: &mut AnyConnection, id: &str) -> Result<ProfileRef, ApiError> {
    if let Some(p) = Registry::builtin().profile(id) {
        return Ok(ProfileRef::Builtin(p));
    }
    let row = store::profiles::get(conn, id)?.ok_or_else(|| {
        ApiError::internal(std::io::Error::other(format!("the stored profile `{id}` of a document is unknown")))
    })?;
    let p = Registry::builtin().parse_profile_json(&row.document).map_err(ApiError::internal)?;
    Ok(ProfileRef::Custom(Arc::new(p)))
}

/// The uploaded profiles, in memory, backed by the database when one is attached.
#[derive(Debug, Default)]
pub struct Profiles {
    custom: RwLock<BTreeMap<String, Arc<Profile>>>,
    db: Option<crate::db::Database>,
}

impl Profiles {
    /// Loads the stored profiles; one that no longer parses is skipped with a warning.
    pub fn load(conn: &mut AnyConnection) -> Result<Profiles, diesel::result::Error> {
        let mut map = BTreeMap::new();
        for row in store::profiles::list(conn)? {
            match Registry::builtin().parse_profile_json(&row.document) {
                Ok(p) => {
                    map.insert(row.id, Arc::new(p));
                }
                Err(e) => tracing::warn!(profile = %row.id, error = %e, "stored profile skipped"),
            }
        }
        Ok(Profiles { custom: RwLock::new(map), db: None })
    }

    /// Reads the `profiles` table of `db` on a miss (what `jixiao serve` does, so every
    /// server sees every upload).
    pub fn backed_by(mut self, db: crate::db::Database) -> Profiles {
        self.db = Some(db);
        self
    }

    /// A profile uploaded through another server: read from the database and kept.
    fn read_through(&self, id: &str) -> Result<Option<Arc<Profile>>, ApiError> {
        let Some(db) = &self.db else { return Ok(None) };
        let mut conn = db.conn()?;
        let Some(row) = store::profiles::get(&mut conn, id)? else { return Ok(None) };
        let p = Arc::new(Registry::builtin().parse_profile_json(&row.document).map_err(ApiError::internal)?);
        if let Ok(mut m) = self.custom.write() {
            m.insert(id.to_owned(), p.clone());
        }
        Ok(Some(p))
    }

    /// Resolves `?profile=` from what is in memory: the default, a built-in profile or one
    /// already read; `Ok(None)` when only the database can tell (a profile uploaded through
    /// another server, or an unknown id).
    pub fn cached(&self, id: Option<&str>) -> Result<Option<ProfileRef>, ApiError> {
        let reg = Registry::builtin();
        let Some(id) = id else {
            return reg
                .default_profile()
                .map(|p| Some(ProfileRef::Builtin(p)))
                .ok_or_else(|| ApiError::internal(std::io::Error::other("no default profile")));
        };
        if let Some(p) = reg.profile(id) {
            return Ok(Some(ProfileRef::Builtin(p)));
        }
        let cached = self
            .custom
            .read()
            .map_err(|_| ApiError::internal(std::io::Error::other("profiles lock")))?
            .get(id)
            .cloned();
        Ok(cached.map(ProfileRef::Custom))
    }

    /// Resolves `?profile=` (default: the built-in default profile); a miss reads the
    /// database (blocking: handlers call [`resolve_async`]).
    pub fn resolve(&self, id: Option<&str>) -> Result<ProfileRef, ApiError> {
        if let Some(p) = self.cached(id)? {
            return Ok(p);
        }
        let id = id.unwrap_or_default();
        self.read_through(id)?.map(ProfileRef::Custom).ok_or_else(|| ApiError::UnknownProfile(id.to_owned()))
    }

    /// Every uploaded profile (re-read from the database when attached, so uploads through
    /// other servers are listed too).
    pub fn custom(&self) -> Vec<Arc<Profile>> {
        if let Some(db) = &self.db
            && let Ok(mut conn) = db.conn()
            && let Ok(rows) = store::profiles::list(&mut conn)
        {
            for row in rows {
                let known = self.custom.read().map(|m| m.contains_key(&row.id)).unwrap_or(true);
                if !known && let Ok(p) = Registry::builtin().parse_profile_json(&row.document) {
                    self.add(p);
                }
            }
        }
        self.custom.read().map(|m| m.values().cloned().collect()).unwrap_or_default()
    }

    /// Adds an uploaded profile (after it was stored).
    pub fn add(&self, p: Profile) {
        if let Ok(mut m) = self.custom.write() {
            m.insert(p.id.clone(), Arc::new(p));
        }
    }
}

/// Resolves `?profile=` in a handler: from memory when it can, else the database read runs on
/// the blocking pool, never on the HTTP worker.
pub async fn resolve_async(
    state: &actix_web::web::Data<crate::state::AppState>,
    id: Option<&str>,
) -> Result<ProfileRef, ApiError> {
    // An empty `profile=` (a form's empty field) is the default profile, like an empty cursor.
    let id = id.filter(|p| !p.is_empty());
    if let Some(p) = state.profiles.cached(id)? {
        return Ok(p);
    }
    let (st, id) = (state.clone(), id.map(str::to_owned));
    actix_web::web::block(move || st.profiles.resolve(id.as_deref())).await?
}

/// Adds a region's profile file (admin): checked against the profile JSON Schema (400 with
/// instance paths), parsed (an unknown framework or an out-of-range value is 400), stored
/// once (a built-in or existing id is 409), then available to every route at once.
pub fn upload(
    conn: &mut AnyConnection,
    caller: &crate::auth::Caller,
    value: &serde_json::Value,
    profiles: &Profiles,
) -> Result<Profile, ApiError> {
    caller.require(&[crate::auth::Role::Admin])?;
    crate::body::validate_with(profile_validator()?, value)?;
    let text = value.to_string();
    let profile = Registry::builtin().parse_profile_json(&text).map_err(|e| {
        ApiError::InvalidBody(vec![crate::error::FieldError::new("", "profile", profile_error_text(&e))])
    })?;
    if Registry::builtin().profile(&profile.id).is_some() {
        let id = &profile.id;
        return Err(ApiError::Conflict(text!("`{id}` 是内置规则配置，不能覆盖", "`{id}` is a built-in profile")));
    }
    let row = store::profiles::ProfileRow {
        id: profile.id.clone(),
        document: text,
        created_at: store::now(),
        created_by: caller.name.clone(),
    };
    if !store::profiles::insert(conn, &row)? {
        let id = &profile.id;
        return Err(ApiError::Conflict(text!("规则配置 `{id}` 已存在", "a profile `{id}` exists already")));
    }
    tracing::info!(profile = %profile.id, by = %caller.name, "profile added");
    profiles.add(profile.clone());
    Ok(profile)
}

/// Why a profile file does not parse, in both languages.
fn profile_error_text(e: &jixiao_rules::ProfileError) -> crate::error::Text {
    use jixiao_rules::ProfileError as P;
    let zh = match e {
        P::Shape(err) => format!("规则配置文件的结构不正确（第 {} 行第 {} 列）", err.line(), err.column()),
        P::UnknownFramework(f) => format!("规则配置引用了未知的指标体系 `{f}`"),
        P::Invalid(_) => "规则配置中有超出允许范围的取值（如占比大于 1）".to_owned(),
    };
    crate::error::Text::new(zh, e.to_string())
}

fn profile_validator() -> Result<&'static jsonschema::Validator, ApiError> {
    static V: std::sync::OnceLock<Option<jsonschema::Validator>> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let schema: serde_json::Value = serde_json::from_str(jixiao_rules::profile::PROFILE_SCHEMA).ok()?;
        jsonschema::validator_for(&schema).ok()
    })
    .as_ref()
    .ok_or_else(|| ApiError::internal(std::io::Error::other("the profile schema does not compile")))
}
