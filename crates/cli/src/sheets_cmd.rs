//! `jixiao export …` and `jixiao import …`: the national forms as xlsx from JSON files, the
//! bureau's workbook from the database (with a progress bar), and a 申报表 read back from
//! xlsx. The layouts are `jixiao-sheets`; no rule lives here.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::{Args, Subcommand};
use jixiao_rules::parse_object;
use jixiao_server::auth::{Caller, Role};
use serde_json::{Map, Value};

use crate::rules_cmd::{ProfileArgs, load_profile, read_input};
use crate::server_cmd::{ConfigArgs, open_db};

/// `jixiao export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub what: ExportWhat,
}

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// A target document (JSON) as its 申报表, violations on a second sheet.
    Target {
        #[command(flatten)]
        common: ProfileArgs,
        /// The target document, or `-` for standard input.
        #[arg(default_value = "-")]
        file: String,
        /// The xlsx to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// A monitoring report (JSON) as its 执行监控表.
    Report {
        #[command(flatten)]
        common: ProfileArgs,
        /// The approved target document.
        #[arg(long, value_name = "FILE")]
        target: String,
        /// The previous accepted report of the year.
        #[arg(long, value_name = "FILE")]
        previous: Option<String>,
        /// The report, or `-` for standard input.
        #[arg(default_value = "-")]
        file: String,
        /// The xlsx to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// A self-evaluation (JSON) as its 自评表.
    Evaluation {
        #[command(flatten)]
        common: ProfileArgs,
        /// The approved target document.
        #[arg(long, value_name = "FILE")]
        target: String,
        /// The evaluation, or `-` for standard input.
        #[arg(default_value = "-")]
        file: String,
        /// The xlsx to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The bureau's workbook of a year, from the database.
    Workbook {
        #[command(flatten)]
        config: ConfigArgs,
        /// Fiscal year.
        #[arg(long)]
        year: i32,
        /// Only the monitoring round of month N, and coverage through it.
        #[arg(long)]
        through_month: Option<i32>,
        /// The xlsx to write.
        #[arg(short, long)]
        output: PathBuf,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
}

/// `jixiao import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub common: ProfileArgs,
    /// Print only the document (for `jixiao check` or `POST /targets`).
    #[arg(long)]
    pub document_only: bool,
    /// The xlsx file.
    pub file: PathBuf,
}

fn json_file(file: &str) -> Result<Map<String, Value>> {
    let text = read_input(file).map_err(|e| anyhow!(e))?;
    parse_object(&text).map_err(|e| anyhow!("{file}: {e}"))
}

fn write(output: &PathBuf, bytes: &[u8], violations: usize) -> Result<()> {
    std::fs::write(output, bytes).with_context(|| format!("writing {}", output.display()))?;
    eprintln!("{}: {} bytes, {violations} violation(s) listed on 校验结果", output.display(), bytes.len());
    Ok(())
}

/// Runs `jixiao export …`.
pub fn export(a: ExportArgs) -> Result<()> {
    match a.what {
        ExportWhat::Target { common, file, output } => {
            let (profile, locale) = load_profile(&common).map_err(|e| anyhow!(e))?;
            let doc = json_file(&file)?;
            let out = jixiao_sheets::target::export(&doc, &profile, locale)?;
            write(&output, &out.bytes, out.violations.len())
        }
        ExportWhat::Report { common, target, previous, file, output } => {
            let (profile, locale) = load_profile(&common).map_err(|e| anyhow!(e))?;
            let t = json_file(&target)?;
            let prev = previous.as_deref().map(json_file).transpose()?;
            let r = json_file(&file)?;
            let out = jixiao_sheets::monitoring::export_checked(&t, &r, prev.as_ref(), &profile, locale)?;
            write(&output, &out.bytes, out.violations.len())
        }
        ExportWhat::Evaluation { common, target, file, output } => {
            let (profile, locale) = load_profile(&common).map_err(|e| anyhow!(e))?;
            let t = json_file(&target)?;
            let e = json_file(&file)?;
            let out = jixiao_sheets::evaluation::export_checked(&t, &e, &profile, locale)?;
            write(&output, &out.bytes, out.violations.len())
        }
        ExportWhat::Workbook { config, year, through_month, output, quiet } => {
            let config = config.load()?;
            let db = open_db(&config)?;
            let mut conn = db.conn().context("connecting to the database")?;
            let profiles =
                jixiao_server::service::profiles::Profiles::load(&mut conn).context("loading the rule profiles")?;
            let caller = Caller {
                token_id: "cli".into(),
                name: "jixiao export".into(),
                role: Role::Admin,
                department: None,
                org: None,
                session: None,
            };
            let bar = if quiet { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new_spinner() };
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {elapsed_precise} {pos} rows written ({per_sec}) {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.set_message(format!("{year}年度工作簿"));
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            let name = jixiao_server::service::sheets::workbook_to(
                &mut conn,
                &caller,
                year,
                through_month,
                &profiles,
                &mut |n| bar.set_position(n),
                &output,
            )
            .map_err(|e| anyhow!("{e}"))?;
            bar.finish_with_message("done");
            let len = std::fs::metadata(&output).with_context(|| format!("writing {}", output.display()))?.len();
            eprintln!("{}: {len} bytes ({name})", output.display());
            Ok(())
        }
    }
}

/// Runs `jixiao import`: exit 0 when the document has no error, 1 when it has, 2 when the
/// file cannot be read as a 申报表 (the reason on stderr).
pub fn import(a: ImportArgs) -> ExitCode {
    let (profile, locale) = match load_profile(&a.common) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("jixiao: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = match std::fs::read(&a.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("jixiao: cannot read {}: {e}", a.file.display());
            return ExitCode::from(2);
        }
    };
    let limits = jixiao_sheets::container::Limits::default();
    match jixiao_sheets::import_target(&bytes, &profile, locale, &limits) {
        Ok(i) => {
            let valid = i.valid;
            let text = if a.document_only {
                serde_json::to_string_pretty(&i.document)
            } else {
                serde_json::to_string_pretty(&i)
            };
            match text {
                Ok(t) => out!("{t}"),
                Err(e) => {
                    eprintln!("jixiao: {e}");
                    return ExitCode::FAILURE;
                }
            }
            for v in i.violations.iter() {
                eprintln!(
                    "{}\t{}\t{}\t{}",
                    v.cell.as_deref().unwrap_or("—"),
                    v.violation.code.as_str(),
                    v.violation.path,
                    v.violation.message
                );
            }
            if valid { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("jixiao: {}: {e} ({})", a.file.display(), e.message_zh());
            ExitCode::from(2)
        }
    }
}
