//! `jixiao check`, `jixiao score` and `jixiao monitor`: read input, run the rules, print
//! JSON, set the exit code (0 no error, 1 errors, 2 unusable input). No rule lives here.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use jixiao_rules::profile::PROFILE_SCHEMA;
use jixiao_rules::{DEFAULT_PROFILE, Locale, Profile, Registry, has_errors, parse_object};
use serde_json::{Map, Value};

/// Options shared by `check`, `score` and `monitor`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Rule profile id (artux-2018, national-2015, national-2021).
    #[arg(long, default_value = DEFAULT_PROFILE)]
    pub profile: String,
    /// A region's own profile file (JSON, checked against the profile schema); overrides --profile.
    #[arg(long, value_name = "PATH")]
    pub profile_file: Option<PathBuf>,
    /// Message locale: zh-CN (default) or en.
    #[arg(long, default_value = "zh-CN")]
    pub locale: String,
}

/// `jixiao check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: ProfileArgs,
    /// Read one document per line and print one result per line.
    #[arg(long)]
    pub jsonl: bool,
    /// The document file, or `-` for standard input.
    #[arg(default_value = "-")]
    pub file: String,
}

/// `jixiao score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub common: ProfileArgs,
    /// The approved target document.
    #[arg(long, value_name = "FILE")]
    pub target: String,
    /// The evaluation file, or `-` for standard input.
    #[arg(default_value = "-")]
    pub file: String,
}

/// `jixiao monitor`.
#[derive(Debug, Args)]
pub struct MonitorArgs {
    #[command(flatten)]
    pub common: ProfileArgs,
    /// The approved target document.
    #[arg(long, value_name = "FILE")]
    pub target: String,
    /// The department's previous monitoring report of the year (for MON_EXECUTION_DECREASED).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<String>,
    /// The monitoring report file, or `-` for standard input.
    #[arg(default_value = "-")]
    pub file: String,
}

const EXIT_INPUT: u8 = 2;

fn fail(reason: impl std::fmt::Display) -> ExitCode {
    eprintln!("jixiao: {}", reason.to_string().replace('\n', " "));
    ExitCode::from(EXIT_INPUT)
}

/// Resolves the profile from `--profile` / `--profile-file`.
pub fn load_profile(a: &ProfileArgs) -> Result<(Profile, Locale), String> {
    let locale = Locale::parse(&a.locale).ok_or_else(|| format!("unknown locale `{}` (use zh-CN or en)", a.locale))?;
    let registry = Registry::builtin();
    let profile = match &a.profile_file {
        Some(path) => load_profile_file(registry, path)?,
        None => registry.profile(&a.profile).cloned().ok_or_else(|| {
            let known: Vec<&str> = registry.profiles().iter().map(|p| p.id.as_str()).collect();
            format!("unknown profile `{}` (known: {})", a.profile, known.join(", "))
        })?,
    };
    Ok((profile, locale))
}

fn load_profile_file(registry: &Registry, path: &Path) -> Result<Profile, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read profile file {}: {e}", path.display()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("profile file {} is not JSON: {e}", path.display()))?;
    let schema: Value = serde_json::from_str(PROFILE_SCHEMA).map_err(|e| format!("internal profile schema: {e}"))?;
    let validator = jsonschema::validator_for(&schema).map_err(|e| format!("internal profile schema: {e}"))?;
    let errors: Vec<String> =
        validator.iter_errors(&value).map(|e| format!("at `{}`: {}", e.instance_path(), e)).collect();
    if !errors.is_empty() {
        return Err(format!(
            "profile file {} does not match the profile schema: {}",
            path.display(),
            errors.join("; ")
        ));
    }
    registry.parse_profile_json(&text).map_err(|e| format!("profile file {}: {e}", path.display()))
}

/// Reads a whole input (file or `-`) as UTF-8 text with a clear reason on failure.
pub fn read_input(file: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    if file == "-" {
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("cannot read standard input: {e}"))?;
    } else {
        bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    }
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text (a binary file?)", display_name(file)))
}

fn display_name(file: &str) -> &str {
    if file == "-" { "standard input" } else { file }
}

fn object_from(text: &str, what: &str) -> Result<Map<String, Value>, String> {
    parse_object(text).map_err(|e| format!("{what}: {e}"))
}

fn print_line(v: &impl serde::Serialize) -> Result<(), String> {
    let line = serde_json::to_string(v).map_err(|e| e.to_string())?;
    out!("{line}");
    Ok(())
}

/// Runs `jixiao check`.
pub fn check(a: CheckArgs) -> ExitCode {
    let (profile, locale) = match load_profile(&a.common) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if a.jsonl {
        return check_jsonl(&a.file, &profile, locale);
    }
    let text = match read_input(&a.file) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let doc = match object_from(&text, display_name(&a.file)) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let report = jixiao_rules::check(&doc, &profile, locale);
    if let Err(e) = print_line(&report) {
        return fail(e);
    }
    ExitCode::from(u8::from(!report.valid))
}

fn check_jsonl(file: &str, profile: &Profile, locale: Locale) -> ExitCode {
    let reader: Box<dyn BufRead> = if file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => return fail(format!("cannot read {file}: {e}")),
        }
    };
    let mut worst = 0u8;
    for (n, line) in reader.split(b'\n').enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => return fail(format!("cannot read {}: {e}", display_name(file))),
        };
        let result = match String::from_utf8(line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => object_from(&text, &format!("line {}", n + 1)),
            Err(_) => Err(format!("line {} is not UTF-8 text", n + 1)),
        };
        let printed = match result {
            Ok(doc) => {
                let report = jixiao_rules::check(&doc, profile, locale);
                if !report.valid {
                    worst = worst.max(1);
                }
                print_line(&report)
            }
            Err(reason) => {
                eprintln!("jixiao: {reason}");
                worst = EXIT_INPUT;
                print_line(&serde_json::json!({ "valid": false, "violations": [], "error": reason }))
            }
        };
        if let Err(e) = printed {
            return fail(e);
        }
    }
    ExitCode::from(worst)
}

/// Runs `jixiao score`.
pub fn score(a: ScoreArgs) -> ExitCode {
    let (profile, locale) = match load_profile(&a.common) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let target = match read_input(&a.target).and_then(|t| object_from(&t, &format!("target {}", a.target))) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let evaluation = match read_input(&a.file).and_then(|t| object_from(&t, display_name(&a.file))) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let report = jixiao_rules::score(&target, &evaluation, &profile, locale);
    if let Err(e) = print_line(&report) {
        return fail(e);
    }
    ExitCode::from(u8::from(has_errors(&report.violations)))
}

/// Runs `jixiao monitor`.
pub fn monitor(a: MonitorArgs) -> ExitCode {
    let (profile, locale) = match load_profile(&a.common) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let target = match read_input(&a.target).and_then(|t| object_from(&t, &format!("target {}", a.target))) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let previous = match &a.previous {
        Some(p) => match read_input(p).and_then(|t| object_from(&t, &format!("previous {p}"))) {
            Ok(t) => Some(t),
            Err(e) => return fail(e),
        },
        None => None,
    };
    let report = match read_input(&a.file).and_then(|t| object_from(&t, display_name(&a.file))) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let out = jixiao_rules::monitor(&target, &report, &profile, previous.as_ref(), locale);
    if let Err(e) = print_line(&out) {
        return fail(e);
    }
    ExitCode::from(u8::from(has_errors(&out.violations)))
}
