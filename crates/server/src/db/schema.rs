//! Diesel table definitions, written by hand to match `migrations/` (both backends).
#![allow(missing_docs)]

diesel::table! {
    departments (code) {
        code -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        token_hash -> Text,
        name -> Text,
        role -> Text,
        department_code -> Nullable<Text>,
        org -> Nullable<Text>,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::money::DbDecimal;

    targets (id) {
        id -> Text,
        department_code -> Text,
        fiscal_year -> Nullable<Integer>,
        status -> Text,
        classified -> Bool,
        profile -> Text,
        project_code -> Nullable<Text>,
        project_name -> Nullable<Text>,
        annual_total -> Nullable<DbDecimal>,
        document -> Text,
        violations -> Text,
        valid -> Bool,
        error_count -> Integer,
        warning_count -> Integer,
        etag -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        target_id -> Text,
        actor -> Text,
        role -> Text,
        action -> Text,
        at -> Timestamp,
        old_etag -> Nullable<Text>,
        new_etag -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::table! {
    profiles (id) {
        id -> Text,
        document -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        department_code -> Nullable<Text>,
        org -> Nullable<Text>,
        created_at -> Timestamp,
        password_changed_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        failed_count -> Integer,
        failed_since -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, users);
