//! Typed configuration: built-in defaults, then a TOML file (`--config PATH`,
//! `JIXIAO_CONFIG`, or `./jixiao.toml` if present), then `JIXIAO_*` environment
//! variables, then command-line flags (applied by the CLI). Holds no secrets besides
//! a database URL, which is only ever logged redacted.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Every setting of `jixiao serve`. Environment variable = `JIXIAO_` + the upper-case key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to bind (`JIXIAO_HOST`); default `127.0.0.1`.
    pub host: String,
    /// Port to bind (`JIXIAO_PORT`); `0` picks a free port; default `8080`.
    pub port: u16,
    /// `sqlite://PATH` or `postgres://…` (`JIXIAO_DATABASE_URL`); default
    /// `sqlite://<data_dir>/jixiao.db`.
    pub database_url: Option<String>,
    /// A PostgreSQL read replica (streaming standby) of `database_url` for the lists and the
    /// public pages (`JIXIAO_READ_DATABASE_URL`, `--read-database`); default none.
    pub read_database_url: Option<String>,
    /// Directory of the embedded SQLite database (`JIXIAO_DATA_DIR`); default `data`.
    pub data_dir: PathBuf,
    /// Database connections in the pool (`JIXIAO_POOL_SIZE`); default 8.
    pub pool_size: u32,
    /// Largest accepted request body in bytes (`JIXIAO_BODY_LIMIT`); default 1 MiB.
    pub body_limit: usize,
    /// Directory of the built web form served at `/` (`JIXIAO_WEB_DIR`); default `web/dist`.
    pub web_dir: PathBuf,
    /// HTTP worker threads (`JIXIAO_WORKERS`); default: one per CPU core.
    pub workers: Option<usize>,
    /// Seconds given to in-flight requests on shutdown (`JIXIAO_SHUTDOWN_TIMEOUT`).
    pub shutdown_timeout: u64,
    /// Log format: `text` or `json` (`JIXIAO_LOG_FORMAT`). Levels come from `RUST_LOG`.
    pub log_format: LogFormat,
    /// Failed bearer-token attempts allowed per client address and minute before it gets 429
    /// (`JIXIAO_AUTH_FAILURE_LIMIT`); default 30. Raise it for an API fuzzer on 127.0.0.1.
    pub auth_failure_limit: u32,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 8080,
            database_url: None,
            read_database_url: None,
            data_dir: PathBuf::from("data"),
            pool_size: 8,
            body_limit: 1024 * 1024,
            web_dir: PathBuf::from("web/dist"),
            workers: None,
            shutdown_timeout: 10,
            log_format: LogFormat::Text,
            auth_failure_limit: 30,
        }
    }
}

/// The keys read from the environment (so unrelated `JIXIAO_*` variables are ignored).
const ENV_KEYS: [&str; 12] = [
    "host",
    "port",
    "database_url",
    "read_database_url",
    "data_dir",
    "pool_size",
    "body_limit",
    "web_dir",
    "auth_failure_limit",
    "workers",
    "shutdown_timeout",
    "log_format",
];

/// The configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The named configuration file does not exist.
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    /// A value has the wrong type or an unknown key was given.
    #[error("invalid configuration")]
    Invalid(#[source] Box<figment::Error>),
}

impl Config {
    /// Loads defaults, then the file (`file`, else `JIXIAO_CONFIG`, else `./jixiao.toml`
    /// when it exists), then `JIXIAO_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let env_file = std::env::var_os("JIXIAO_CONFIG").map(PathBuf::from);
        let file = file.map(Path::to_path_buf).or(env_file);
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => return Err(ConfigError::MissingFile(path)),
            Some(path) => figment = figment.merge(Toml::file(path)),
            None if Path::new("jixiao.toml").exists() => figment = figment.merge(Toml::file("jixiao.toml")),
            None => {}
        }
        figment = figment.merge(Env::prefixed("JIXIAO_").only(&ENV_KEYS));
        figment.extract().map_err(|e| ConfigError::Invalid(Box::new(e)))
    }

    /// The database URL to use: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => format!("sqlite://{}", self.data_dir.join("jixiao.db").display()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closure signature
mod tests {
    use super::*;

    #[test]
    fn defaults_to_an_embedded_sqlite_file() {
        let c = Config::default();
        assert_eq!(c.database_url(), "sqlite://data/jixiao.db");
        let c = Config { database_url: Some(" postgres://u@h/db ".into()), ..Config::default() };
        assert_eq!(c.database_url(), "postgres://u@h/db");
    }

    #[test]
    fn file_then_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("jixiao.toml", "port = 9000\nbody_limit = 2048\nlog_format = \"json\"\n")?;
            jail.set_env("JIXIAO_PORT", "9100");
            jail.set_env("JIXIAO_TEST_POSTGRES", "ignored");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.port, 9100);
            assert_eq!(c.body_limit, 2048);
            assert_eq!(c.log_format, LogFormat::Json);
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_and_missing_files_are_errors() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("bad.toml", "prot = 1\n")?;
            assert!(Config::load(Some(Path::new("bad.toml"))).is_err());
            assert!(matches!(Config::load(Some(Path::new("nope.toml"))), Err(ConfigError::MissingFile(_))));
            Ok(())
        });
    }
}

#[cfg(test)]
mod example_tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)]
    fn the_example_file_is_valid_and_matches_the_defaults() {
        let text = include_str!("../jixiao.example.toml");
        figment::Jail::expect_with(|jail| {
            jail.create_file("example.toml", text)?;
            let c = Config::load(Some(Path::new("example.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c, Config::default());
            Ok(())
        });
    }
}
