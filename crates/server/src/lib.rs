//! # jixiao-server
//!
//! The REST API of jixiao (预算绩效管理): actix-web handlers under `/api/v1`, diesel
//! storage on SQLite or PostgreSQL, bearer-token roles, RFC 9457 errors, and an OpenAPI
//! document with an offline Swagger UI at `/docs`. The rules themselves live in
//! `jixiao-rules`; this crate never re-implements one. See `ARCHITECTURE.md`.

pub mod api;
pub mod auth;
pub mod body;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod openapi;
pub mod routes;
pub mod service;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod web;

pub use config::Config;
pub use startup::Application;
