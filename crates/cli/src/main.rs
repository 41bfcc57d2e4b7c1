//! `jixiao`: the command line of jixiao. `check`, `score` and `monitor` run the rules of
//! `jixiao-rules` on files (FORMATS.md §5); further subcommands wire the server.

/// `println!` that ends the command quietly when stdout is closed (`jixiao token list |
/// head -0`), as any Unix tool does, instead of panicking on the broken pipe.
macro_rules! out {
    ($($arg:tt)*) => { $crate::emit(format_args!($($arg)*), true) };
}

/// `print!` likewise.
macro_rules! out_raw {
    ($($arg:tt)*) => { $crate::emit(format_args!($($arg)*), false) };
}

mod rules_cmd;
mod server_cmd;
mod sheets_cmd;

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// jixiao — budget performance management (预算绩效管理).
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check target documents (绩效目标审核): prints {"valid", "violations"}.
    Check(rules_cmd::CheckArgs),
    /// Score a self-evaluation (绩效自评) against its approved target.
    Score(rules_cmd::ScoreArgs),
    /// Check a monitoring report (绩效运行监控) against its approved target: lights and violations.
    Monitor(rules_cmd::MonitorArgs),
    /// Write a national form or the bureau's workbook as xlsx (项目支出绩效目标申报表, 执行监控表, 自评表).
    Export(sheets_cmd::ExportArgs),
    /// Read a 申报表 from xlsx: prints {document, valid, violations (each with its cell), …}.
    Import(sheets_cmd::ImportArgs),
    /// Run the REST server (API under /api/v1, docs at /docs, web form at /).
    Serve(server_cmd::ServeArgs),
    /// Create, revoke or list API tokens.
    Token(server_cmd::TokenArgs),
    /// Create users who sign in with a password.
    User(server_cmd::UserArgs),
    /// Load the demo data set into the database and print demo tokens.
    Demo(server_cmd::DemoArgs),
    /// Print the OpenAPI document of the REST API.
    Openapi,
}

/// Writes to stdout; a closed pipe ends the process with success (the reader has all it
/// wanted), any other write error with failure.
pub(crate) fn emit(args: std::fmt::Arguments<'_>, newline: bool) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(args).and_then(|()| if newline { stdout.write_all(b"\n") } else { Ok(()) });
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("jixiao: cannot write to stdout: {e}");
            std::process::exit(1);
        }
    }
}

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(a) => return rules_cmd::check(a),
        Command::Score(a) => return rules_cmd::score(a),
        Command::Monitor(a) => return rules_cmd::monitor(a),
        Command::Import(a) => return sheets_cmd::import(a),
        Command::Export(a) => sheets_cmd::export(a),
        Command::Serve(a) => server_cmd::serve(a, started),
        Command::Token(a) => server_cmd::token(a),
        Command::User(a) => server_cmd::user(a),
        Command::Demo(a) => server_cmd::demo(a),
        Command::Openapi => server_cmd::openapi(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jixiao: {e:#}");
            ExitCode::FAILURE
        }
    }
}
