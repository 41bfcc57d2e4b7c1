//! API tests: one binary, the real server on port 0, a fresh database per test.
//! Every test runs on SQLite; its `postgres_*` twin runs on PostgreSQL when
//! `JIXIAO_TEST_POSTGRES` is set (and fails if that server is unreachable).

mod helpers;

mod check;
mod demo;
mod errors;
mod evaluation;
mod hardening;
mod listing;
mod locale;
mod monitoring;
mod openapi;
mod partitions;
mod profiles;
mod review;
mod score;
mod session;
mod sheets;
mod suggestions;
mod targets;
mod tokens;
