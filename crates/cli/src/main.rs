//! `jixiao`: the command line of jixiao. `check` and `score` run the rules of
//! `jixiao-rules` on files (FORMATS.md §5); further subcommands wire the server.

mod rules_cmd;

use std::process::ExitCode;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(a) => rules_cmd::check(a),
        Command::Score(a) => rules_cmd::score(a),
    }
}
