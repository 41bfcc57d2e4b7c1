//! The table of documented routes, derived from the OpenAPI document, used by the
//! fallback service to answer 405 (with `Allow`) instead of 404 when a path exists but
//! not with the request's method.

use actix_web::dev::ResourceDef;
use actix_web::{HttpRequest, HttpResponse};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// Path templates with their allowed methods.
#[derive(Debug, Default)]
pub struct RouteTable {
    entries: Vec<(ResourceDef, Vec<String>)>,
}

impl RouteTable {
    /// Builds the table from an OpenAPI document's paths.
    pub fn from_openapi(doc: &OpenApi) -> RouteTable {
        let entries = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods = Vec::new();
                let ops = [
                    ("GET", &item.get),
                    ("PUT", &item.put),
                    ("POST", &item.post),
                    ("DELETE", &item.delete),
                    ("PATCH", &item.patch),
                    ("HEAD", &item.head),
                    ("OPTIONS", &item.options),
                ];
                for (name, op) in ops {
                    if op.is_some() {
                        methods.push(name.to_owned());
                    }
                }
                // HEAD is answered for every GET route (see `startup::head_as_get`).
                if methods.iter().any(|m| m == "GET") && !methods.iter().any(|m| m == "HEAD") {
                    methods.push("HEAD".to_owned());
                }
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        RouteTable { entries }
    }

    /// The methods allowed on `path`, if it is a documented path.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let mut found: Option<Vec<String>> = None;
        // A literal path (`/targets/import`) is its own resource, not `/targets/{id}` too.
        let literal = self.entries.iter().any(|(def, _)| is_literal(def) && def.is_match(path));
        for (def, methods) in &self.entries {
            if def.is_match(path) && (!literal || is_literal(def)) {
                let all = found.get_or_insert_with(Vec::new);
                for m in methods {
                    if !all.contains(m) {
                        all.push(m.clone());
                    }
                }
            }
        }
        found
    }
}

/// Default service: 405 for a known path with another method, else 404.
pub async fn fallback(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    let state = req.app_data::<actix_web::web::Data<crate::state::AppState>>();
    if path.starts_with("/api/") {
        if let Some(allowed) = state.and_then(|s| s.routes.allowed(path)) {
            return Err(ApiError::MethodNotAllowed(allowed));
        }
        return Err(ApiError::NotFound);
    }
    // Outside the API only the web form and the docs are served, both read-only.
    if req.method() != actix_web::http::Method::GET && req.method() != actix_web::http::Method::HEAD {
        return Err(ApiError::MethodNotAllowed(vec!["GET".into(), "HEAD".into()]));
    }
    Err(ApiError::NotFound)
}

/// Whether a route's pattern has no `{parameter}`.
fn is_literal(def: &ResourceDef) -> bool {
    def.pattern().is_some_and(|p| !p.contains('{'))
}
