//! `jixiao serve`, `jixiao token create|revoke|list`, `jixiao demo` and
//! `jixiao openapi`: thin wiring over `jixiao-server`. Errors are reported with anyhow
//! context here, at the binary's edge.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use jixiao_demo::dataset as demo;
use jixiao_demo::{self as seed, DemoTokens, SeedReport};
use jixiao_server::auth::{Role, generate_token};
use jixiao_server::db::Database;
use jixiao_server::{Application, Config, store, telemetry};

/// Where the configuration comes from (shared by every server subcommand).
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Configuration file (TOML); default `./jixiao.toml` when present, or `JIXIAO_CONFIG`.
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,
    /// Database: `sqlite://PATH` (default: data/jixiao.db) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, value_name = "URL", global = true)]
    pub database: Option<String>,
}

impl ConfigArgs {
    pub fn load(&self) -> Result<Config> {
        let mut c = Config::load(self.config.as_deref()).context("reading the configuration")?;
        if let Some(url) = &self.database {
            c.database_url = Some(url.clone());
        }
        Ok(c)
    }
}

/// `jixiao serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Address to bind (overrides the configuration).
    #[arg(long)]
    pub host: Option<String>,
    /// Port to bind; 0 picks a free one (overrides the configuration).
    #[arg(long)]
    pub port: Option<u16>,
    /// Directory of the built web form (default web/dist).
    #[arg(long, value_name = "DIR")]
    pub web_dir: Option<PathBuf>,
    /// A PostgreSQL read replica (streaming standby) of --database for the lists and the
    /// public pages.
    #[arg(long, value_name = "URL")]
    pub read_database: Option<String>,
    /// Load the demo data set (once, part of it walked through the review cycle) and print
    /// finance, department and assessor tokens and the page addresses.
    #[arg(long)]
    pub demo: bool,
}

/// `jixiao token …`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Token administration.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once (only its hash is stored).
    Create {
        /// department, finance, assessor or admin.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Department code (role department).
        #[arg(long, value_name = "CODE")]
        department: Option<String>,
        /// Assessor organisation (role assessor).
        #[arg(long, value_name = "NAME")]
        org: Option<String>,
        /// Who holds the token (recorded in the audit trail).
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by its id (see `token list`).
    Revoke {
        /// Token id (`tok_…`).
        id: String,
    },
    /// List tokens (never their secrets).
    List,
}

/// `jixiao user …`.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Users who sign in with a password.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user (the password is hashed with argon2id; only the hash is stored).
    Create {
        /// Sign-in name: 2–50 letters, digits, `.`, `_`, `-`.
        #[arg(long)]
        username: String,
        /// The initial password (at least 10 characters); or set JIXIAO_PASSWORD.
        #[arg(long, env = "JIXIAO_PASSWORD", hide_env_values = true)]
        password: String,
        /// department, finance, assessor or admin.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Department code (role department).
        #[arg(long, value_name = "CODE")]
        department: Option<String>,
        /// Assessor organisation (role assessor).
        #[arg(long, value_name = "NAME")]
        org: Option<String>,
        /// Name shown and recorded in the audit trail (default: the user name).
        #[arg(long)]
        name: Option<String>,
    },
}

/// Runs `jixiao user …`.
pub fn user(a: UserArgs) -> Result<()> {
    let config = a.config.load()?;
    let db = open_db(&config)?;
    match a.command {
        UserCommand::Create { username, password, role, department, org, name } => {
            let user = actix_web::rt::System::new().block_on(jixiao_server::service::users::create(
                &db,
                None,
                jixiao_server::service::users::NewUser {
                    username: &username,
                    display_name: name.as_deref(),
                    password: &password,
                    role: role.into(),
                    department: department.as_deref(),
                    org: org.as_deref(),
                },
            ));
            let user = user.map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!("created user {} ({})", user.row.username, user.row.role);
            out!("{}", user.row.id);
        }
    }
    Ok(())
}

/// Role names on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// A budget unit.
    Department,
    /// The finance bureau.
    Finance,
    /// A third-party assessor.
    Assessor,
    /// Administrator.
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Department => Role::Department,
            RoleArg::Finance => Role::Finance,
            RoleArg::Assessor => Role::Assessor,
            RoleArg::Admin => Role::Admin,
        }
    }
}

/// `jixiao demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
}

pub fn open_db(config: &Config) -> Result<Database> {
    let url = config.database_url();
    Database::open(&url, 2).with_context(|| {
        format!(
            "opening the database {}",
            jixiao_server::db::DatabaseUrl::parse(&url).map(|u| u.redacted()).unwrap_or(url.clone())
        )
    })
}

/// The pages of the web app and what each is for.
const DEMO_PAGES: [(&str, &str); 13] = [
    ("/", "预算绩效管理系统: sign in; the menu and 工作台 follow the role"),
    ("/#/declare", "绩效目标申报 the target form, checked as you type (department)"),
    ("/#/mine", "我的绩效目标 a department's targets"),
    ("/#/review", "审核 the review queue (finance)"),
    ("/#/assignments", "评审任务 third-party assignments (finance, assessor)"),
    ("/#/monitoring", "执行监控 a department's monitoring reports"),
    ("/#/monitoring/board", "运行监控看板 the bureau's board and coverage"),
    ("/#/evaluation", "绩效自评 a department's self-evaluations"),
    ("/#/re-evaluations", "复评任务 an assessor's re-evaluations"),
    ("/#/results", "评价结果 results, zero scores, next year's budget"),
    ("/#/public", "信息公开 the public list (no sign-in)"),
    ("/declare.html", "the standalone target form (offline, JSON import/export, for developers)"),
    ("/docs/", "API documentation"),
];

fn print_demo(report: &SeedReport, tokens: &DemoTokens, users: &[seed::DemoUser], base: &str, serving: bool) {
    let r = &report.review;
    out!(
        "demo data: {} departments, {} targets ({} valid under the default profile){}",
        report.departments,
        report.targets_inserted,
        report.targets_valid,
        if report.targets_inserted == 0 { "; already loaded" } else { "" }
    );
    out!(
        "review state: {} approved, {} submitted, {} returned, {} drafts; {} third-party assignments \
         ({} to {}), {} opinions; {} targets in the public list",
        r.approved,
        r.submitted,
        r.returned,
        r.draft,
        r.assignments,
        r.assessor_assignments,
        seed::DEMO_ASSESSOR_ORG,
        r.opinions,
        r.public
    );
    out!("sign in at {base}/ as (user name / password; fresh passwords on every demo start):");
    for u in users {
        out!("  {:<10} {:<20} {:<10} {}", u.role.as_str(), u.username, u.password, u.who);
    }
    out!("API tokens for programs (Authorization: Bearer …):");
    out!("finance token (财政局): {}", tokens.finance.secret);
    for d in tokens.department.iter().chain(tokens.second_department.iter()) {
        out!(
            "department token ({} {}): {}",
            d.row.department_code.as_deref().unwrap_or(""),
            d.row.name.trim_start_matches("demo "),
            d.secret
        );
    }
    out!("assessor token ({}): {}", seed::DEMO_ASSESSOR_ORG, tokens.assessor.secret);
    out!("pages{}:", if serving { "" } else { " (after `jixiao serve`)" });
    for (path, what) in DEMO_PAGES {
        out!("  {base}{path:<24} {what}");
    }
    if serving {
        out!(
            "try: curl -H 'Authorization: Bearer {}' '{base}/api/v1/review/targets?status=submitted'",
            tokens.finance.secret
        );
    }
}

/// The address a server started with `config` answers at (`0.0.0.0` shown as 127.0.0.1).
fn base_url_of(config: &Config) -> String {
    let host = if config.host == "0.0.0.0" || config.host == "::" { "127.0.0.1" } else { config.host.as_str() };
    format!("http://{host}:{}", config.port)
}

fn load_demo(db: &Database) -> Result<(SeedReport, DemoTokens, Vec<seed::DemoUser>)> {
    // The closed year of the source report first (approved, monitored), then the year in progress.
    let started = Instant::now();
    let closed = demo::closed_year_dataset();
    let inserted = seed::load_closed_year(db, &closed).context("loading the demo's closed year")?;
    let monitored = seed::monitoring::load_closed_year(db, &closed).context("loading the closed year's monitoring")?;
    let evaluated = seed::evaluation::load_closed_year(db, &closed).context("loading the closed year's evaluation")?;
    let data = demo::demo_dataset();
    let report = seed::load(db, &data).context("loading the demo data")?;
    let current = seed::monitoring::load_current_year(db, &data).context("loading the monitoring in progress")?;
    let tokens = seed::demo_tokens(db, &data).context("creating the demo tokens")?;
    let users = seed::demo_users(db, &data).context("creating the demo users")?;
    out!(
        "demo {}: {} targets approved, {} monitoring rounds, {} reports, {} self-evaluations filed ({} re-evaluated), {} at 0 分{}; \
         demo {}: {} rounds, {} reports ({:.1} s)",
        closed.fiscal_year,
        inserted,
        monitored.rounds,
        monitored.reports,
        evaluated.filed,
        evaluated.re_evaluated,
        evaluated.zero_scored,
        if inserted == 0 { " (already loaded)" } else { "" },
        data.fiscal_year,
        current.rounds,
        current.reports,
        started.elapsed().as_secs_f64()
    );
    Ok((report, tokens, users))
}

/// Runs `jixiao serve`.
pub fn serve(a: ServeArgs, started: Instant) -> Result<()> {
    let mut config = a.config.load()?;
    if let Some(h) = a.host {
        config.host = h;
    }
    if let Some(p) = a.port {
        config.port = p;
    }
    if let Some(d) = a.web_dir {
        config.web_dir = d;
    }
    if let Some(r) = a.read_database {
        config.read_database_url = Some(r);
    }
    telemetry::init(config.log_format);
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config.clone()).await.context("starting the server")?;
        let base = app.base_url();
        let demo = if a.demo {
            let db = app.db().clone();
            Some(actix_web::web::block(move || load_demo(&db)).await.context("demo loading was interrupted")??)
        } else {
            None
        };
        tracing::info!(
            url = %base,
            database = %app.db().url().redacted(),
            startup_ms = started.elapsed().as_millis() as u64,
            "jixiao listening"
        );
        out!("jixiao is listening on {base}/ (API docs: {base}/docs/)");
        if !config.web_dir.is_dir() {
            out!(
                "note: the web form is not built ({} is missing); run ./scripts/web-build.sh",
                config.web_dir.display()
            );
        }
        if let Some((report, tokens, users)) = &demo {
            print_demo(report, tokens, users, &base, true);
        }
        app.run_until_stopped().await.context("server error")?;
        tracing::info!("jixiao stopped");
        Ok(())
    })
}

/// Runs `jixiao token …`.
pub fn token(a: TokenArgs) -> Result<()> {
    let config = a.config.load()?;
    let db = open_db(&config)?;
    let mut conn = db.conn().context("connecting to the database")?;
    match a.command {
        TokenCommand::Create { role, department, org, name } => {
            let t = generate_token(&name, role.into(), department.as_deref(), org.as_deref())?;
            store::tokens::insert(&mut conn, &t.row).context("storing the token")?;
            eprintln!("created {} ({}); the token is shown only this once:", t.row.id, t.row.role);
            out!("{}", t.secret);
        }
        TokenCommand::Revoke { id } => {
            if !store::tokens::revoke(&mut conn, &id, store::now()).context("revoking the token")? {
                bail!("no active token with id {id}");
            }
            out!("revoked {id}");
        }
        TokenCommand::List => {
            for t in store::tokens::list(&mut conn).context("listing tokens")? {
                let scope = t.department_code.or(t.org).unwrap_or_default();
                let state = match t.revoked_at {
                    Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M")),
                    None => "active".into(),
                };
                out!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.role,
                    scope,
                    t.name,
                    t.created_at.format("%Y-%m-%d %H:%M"),
                    state
                );
            }
        }
    }
    Ok(())
}

/// Runs `jixiao demo`: loads the demo data and prints tokens, without serving.
pub fn demo(a: DemoArgs) -> Result<()> {
    let config = a.config.load()?;
    let db = open_db(&config)?;
    let (report, tokens, users) = load_demo(&db)?;
    print_demo(&report, &tokens, &users, &base_url_of(&config), false);
    Ok(())
}

/// Runs `jixiao openapi`: prints the OpenAPI document (as committed in openapi/openapi.json).
pub fn openapi() -> Result<()> {
    out_raw!("{}", jixiao_server::openapi::document_json());
    Ok(())
}
