//! Builds the HTTP server. [`Application::build`] opens (and migrates) the database,
//! binds the listener (port 0 picks a free port, reported by [`Application::port`]) and
//! assembles the app; tests boot exactly this. Middleware, outermost first: tracing
//! span with a request id, the `X-Request-Id` response header and security headers,
//! then a catch-all that turns any non-problem error response into problem+json.

use std::net::TcpListener;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Server, ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, guard, web};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::db::{Database, DbError};
use crate::error::{ApiError, PROBLEM_JSON, negotiate};
use crate::openapi::ApiDoc;
use crate::routes::{RouteTable, fallback};
use crate::service::profiles::Profiles;
use crate::state::AppState;
use crate::text;

/// The server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Database(#[from] DbError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// `host:port`.
        addr: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Any other I/O failure while starting.
    #[error("server start-up failed")]
    Io(#[from] std::io::Error),
}

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    host: String,
    server: Server,
    db: Database,
}

impl Application {
    /// Opens the configured database (running migrations), binds and builds the server.
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        let url = config.database_url();
        let pool_size = config.pool_size;
        let read = config.read_database_url.clone().filter(|u| !u.trim().is_empty());
        let db = web::block(move || {
            let db = Database::open(&url, pool_size)?;
            match read {
                Some(r) => db.with_replica(r.trim(), pool_size),
                None => Ok(db),
            }
        })
        .await
        .map_err(|e| StartupError::Io(std::io::Error::other(e.to_string())))??;
        Self::build_with_database(config, db)
    }

    /// Binds and builds the server on an already opened database.
    pub fn build_with_database(config: Config, db: Database) -> Result<Application, StartupError> {
        let addr = format!("{}:{}", config.host, config.port);
        let listener = TcpListener::bind((config.host.as_str(), config.port))
            .map_err(|source| StartupError::Bind { addr, source })?;
        let port = listener.local_addr()?.port();
        let server = run(listener, db.clone(), &config)?;
        Ok(Application { port, host: config.host, server, db })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://host:port` of the server.
    pub fn base_url(&self) -> String {
        let host = if self.host == "0.0.0.0" || self.host == "::" { "127.0.0.1" } else { self.host.as_str() };
        format!("http://{host}:{}", self.port)
    }

    /// The database the server uses.
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGINT/SIGTERM stop it gracefully).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Answers any error response that is not already problem+json with a problem for its
/// status (e.g. actix's own 404/405 from a resource, or a static-file error).
fn problemize<B: MessageBody + 'static>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem =
        res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, _) = res.into_parts();
    let response = HttpResponse::from_error(ApiError::Status(status));
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, response).map_into_right_body()))
}

/// Renders every problem in the request's language ([`crate::error::negotiate`]: `?locale=`,
/// else `Accept-Language`, else English) and says which (`Content-Language`, `Vary`). The
/// problems are the responses whose error is an [`ApiError`] (handlers, extractors, the
/// fallback, [`problemize`], [`refuse_nul_in_url`]).
async fn localize_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let locale = negotiate(req.query_string(), accept);
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(body) = res.response().error().and_then(|e| e.as_error::<ApiError>()).map(|e| e.problem_json(locale))
    else {
        return Ok(res);
    };
    let mut res = res.map_body(|head, _| {
        head.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        head.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.tag()));
        head.headers_mut().append(header::VARY, HeaderValue::from_static("accept-language"));
        BoxBody::new(body)
    });
    res.headers_mut().remove(header::CONTENT_LENGTH);
    Ok(res)
}

/// Copies the request id of the tracing span into an `X-Request-Id` response header.
async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(ToString::to_string);
    let mut res = next.call(req).await?;
    if let Some(v) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut().insert(HeaderName::from_static("x-request-id"), v);
    }
    Ok(res)
}

/// Answers `HEAD` on API routes like `GET` (RFC 9110 §9.3.2): the request is routed
/// as `GET`; the HTTP codec, which saw the original `HEAD`, sends the headers only.
async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        // Uncompressed, so the answer carries the Content-Length of the GET body.
        req.headers_mut().remove(header::ACCEPT_ENCODING);
        if req.path().starts_with("/api/") {
            req.head_mut().method = Method::GET;
        }
    }
    next.call(req).await
}

/// Refuses a NUL character (`%00`) in the path or the query string with a 400 before any
/// handler or database sees it (PostgreSQL cannot store NUL in text; SQLite would; so the
/// answer is decided here, the same for both).
async fn refuse_nul_in_url(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let uri = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or_default();
    let has_nul = uri.as_bytes().windows(3).any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0');
    if has_nul {
        let refusal = ApiError::InvalidParameter(text!(
            "网址路径或查询字符串中含有 NUL 字符（%00），任何字段都不接受该字符",
            "the path or query string contains the NUL character (%00), which no field accepts"
        ));
        // An answer, not an error, so that the problem is rendered in the request's language.
        return Ok(req.error_response(refusal).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        let zh = query_error_zh(&err.to_string());
        ApiError::InvalidParameter(text!("查询参数无效：{zh}", "invalid query string: {err}")).into()
    })
}

/// serde's refusal of a query string, in Chinese (its messages name the field in backticks).
fn query_error_zh(en: &str) -> String {
    let en = en.strip_prefix("Query deserialize error: ").unwrap_or(en);
    let quoted = en.split('`').nth(1).unwrap_or_default();
    if en.starts_with("missing field") {
        format!("缺少参数 {quoted}")
    } else if en.starts_with("unknown field") {
        format!("不认识的参数 {quoted}")
    } else if en.starts_with("unknown variant") {
        format!("取值 {quoted} 不在允许的范围内")
    } else if en.starts_with("duplicate field") {
        format!("参数 {quoted} 出现了多次")
    } else if en.contains("invalid digit") || en.contains("invalid type") || en.contains("too large") {
        "参数的值须为有效的数字".into()
    } else if en.contains("provided string was not `true` or `false`") {
        "参数的值须为 true 或 false".into()
    } else {
        "请检查各参数的名称和取值".into()
    }
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into())
}

/// Assembles the actix app inside each worker and starts the server on `listener`.
fn run(listener: TcpListener, db: Database, config: &Config) -> Result<Server, StartupError> {
    let routes = RouteTable::from_openapi(&crate::openapi::document());
    let profiles = {
        let mut conn = db.conn()?;
        Profiles::load(&mut conn).map_err(DbError::Query)?.backed_by(db.clone())
    };
    let state = web::Data::new(AppState {
        db,
        body_limit: config.body_limit,
        web_dir: config.web_dir.clone(),
        profiles,
        routes,
        failed_auth: crate::auth::FailedAuth::new(config.auth_failure_limit),
    });
    let limit = config.body_limit;
    let mut server = HttpServer::new(move || {
        let (app, doc) = App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .app_data(state.clone())
            .app_data(crate::body::json_config(limit))
            .app_data(web::PayloadConfig::new(limit))
            .app_data(query_config())
            .app_data(path_config())
            .service(utoipa_actix_web::scope("/api/v1").configure(crate::api::configure))
            .split_for_parts();
        let doc = crate::openapi::finish(doc);
        app.service(web::redirect("/docs", "/docs/"))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", doc))
            .service(
                web::resource("/{tail:.*}")
                    .guard(guard::Any(guard::Get()).or(guard::Head()))
                    .guard(guard::fn_guard(|ctx| !ctx.head().uri.path().starts_with("/api/")))
                    .to(crate::web::serve),
            )
            .default_service(web::to(fallback))
            .wrap(ErrorHandlers::new().default_handler(problemize::<BoxBody>))
            .wrap(from_fn(refuse_nul_in_url))
            .wrap(from_fn(localize_problems))
            .wrap(
                DefaultHeaders::new()
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((header::REFERRER_POLICY, "no-referrer"))
                    // No page of this server may be framed (clickjacking of the token and
                    // decision pages); the pages' CSP says the same with frame-ancestors.
                    .add((header::X_FRAME_OPTIONS, "DENY")),
            )
            // gzip/brotli for the wasm, the scripts and the JSON (305 KB of wasm → ~128 KB).
            .wrap(actix_web::middleware::Compress::default())
            .wrap(from_fn(head_as_get))
            .wrap(from_fn(request_id_header))
            .wrap(TracingLogger::default())
    })
    .listen(listener)?
    .shutdown_timeout(config.shutdown_timeout);
    if let Some(n) = config.workers {
        server = server.workers(n.max(1));
    }
    Ok(server.run())
}
