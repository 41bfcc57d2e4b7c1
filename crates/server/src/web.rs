//! Serves the built web form (`web/dist`, configurable) from disk at `/`, read-only,
//! with a friendly page when it has not been built. Paths are resolved segment by
//! segment; nothing outside the directory is ever served.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::state::AppState;

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>jixiao 绩效</title>
</head><body>
<h1>jixiao 预算绩效管理</h1>
<p>服务器正在运行，但网页表单尚未构建。请先运行 <code>./scripts/web-build.sh</code>（或参阅 README），然后刷新本页。</p>
<p>The server is running, but the web form has not been built yet: run <code>./scripts/web-build.sh</code>
(see the README), then reload this page.</p>
<p>API 文档 / API docs: <a href="/docs/">/docs/</a> · OpenAPI: <a href="/api-docs/openapi.json">/api-docs/openapi.json</a></p>
</body></html>
"#;

/// The pages' Content-Security-Policy: everything from this origin only, no inline script or
/// style, WebAssembly compiled from our own module (`wasm-unsafe-eval`), never framed.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'";

/// Maps a URL tail to a file under `root`, refusing anything that could escape it.
pub fn resolve(root: &Path, tail: &str) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    for seg in tail.split('/').filter(|s| !s.is_empty()) {
        if seg == ".." || seg.starts_with('.') || seg.contains('\\') || seg.contains('\0') {
            return None;
        }
        path.push(seg);
    }
    if path.is_dir() {
        path.push("index.html");
    }
    Some(path)
}

/// `GET /{tail}` outside `/api/`: a file of the web form.
pub async fn serve(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let tail = req.match_info().query("tail").to_owned();
    if !state.web_dir.is_dir() {
        if tail.is_empty() || tail == "index.html" {
            return Ok(HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_CSP))
                .body(NOT_BUILT));
        }
        return Err(ApiError::NotFound);
    }
    let path = resolve(&state.web_dir, &tail).ok_or(ApiError::NotFound)?;
    let file = NamedFile::open_async(&path).await.map_err(|_| ApiError::NotFound)?;
    let mut res = file.use_last_modified(true).into_response(&req);
    // Vite puts content-hashed files under assets/: cache them for good; revalidate the rest.
    let cache = if tail.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_escapes_the_root() {
        let root = Path::new("/srv/web");
        assert_eq!(resolve(root, "app.js"), Some(PathBuf::from("/srv/web/app.js")));
        assert_eq!(resolve(root, "a/b.css"), Some(PathBuf::from("/srv/web/a/b.css")));
        assert_eq!(resolve(root, "../etc/passwd"), None);
        assert_eq!(resolve(root, "a/../../x"), None);
        assert_eq!(resolve(root, ".git/config"), None);
    }
}
