//! Token administration (admin): create, list, revoke — the use cases of `/tokens` (the
//! CLI's `jixiao token …` does the same on the database directly). A secret is generated
//! here and returned once; only its hash is stored.

use crate::auth::{Caller, NewToken, Role, TokenError, generate_token};
use crate::db::AnyConnection;
use crate::error::{ApiError, FieldError, Text};
use crate::store;
use crate::store::tokens::TokenRow;

/// Creates a token of `role` for `name`, scoped to a department or an organisation as the
/// role requires (400 naming the scope otherwise).
pub fn create(
    conn: &mut AnyConnection,
    caller: &Caller,
    name: &str,
    role: Role,
    department: Option<&str>,
    org: Option<&str>,
) -> Result<NewToken, ApiError> {
    caller.require(&[Role::Admin])?;
    let new = generate_token(name, role, department, org).map_err(|e| match e {
        TokenError::Scope(msg) => ApiError::InvalidBody(vec![FieldError::new(
            "",
            "scope",
            Text::new(
                scope_zh(msg),
                msg.replace("--department CODE", "`department`").replace("--org NAME", "`org`").replace("--", ""),
            ),
        )]),
        other => ApiError::internal(other),
    })?;
    store::tokens::insert(conn, &new.row)?;
    tracing::info!(token_id = %new.row.id, role = %new.row.role, by = %caller.name, "token created");
    Ok(new)
}

/// Every token, oldest first (never a secret: only hashes are stored).
pub fn list(conn: &mut AnyConnection, caller: &Caller) -> Result<Vec<TokenRow>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(store::tokens::list(conn)?)
}

/// Revokes an active token (404 when there is none with this id).
pub fn revoke(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<(), ApiError> {
    caller.require(&[Role::Admin])?;
    if store::tokens::revoke(conn, id, store::now())? { Ok(()) } else { Err(ApiError::NotFound) }
}

/// The scope refusals of `generate_token` in Chinese.
fn scope_zh(msg: &str) -> &'static str {
    match msg {
        m if m.starts_with("a department token") => "部门令牌须填写部门代码（department）",
        m if m.starts_with("an assessor token") => "第三方评价机构令牌须填写机构名称（org）",
        m if m.starts_with("--org") => "只有第三方评价机构令牌才填写机构名称（org）",
        m if m.starts_with("--department") => "只有部门令牌才填写部门代码（department）",
        m if m.starts_with("finance and admin") => {
            "财政局和系统管理员令牌不填写部门代码（department）和机构名称（org）"
        }
        m if m.contains("--name") => "令牌须填写名称（name）",
        _ => "令牌的适用范围与角色不符",
    }
}
