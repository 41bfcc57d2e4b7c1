//! Departments (主管部门): known from the targets they declare (`store::departments::ensure`
//! on create) and from the demo; any signed-in caller may list them (codes and names only).

use crate::db::AnyConnection;
use crate::error::ApiError;
use crate::store;
use crate::store::departments::DepartmentRow;

/// Every known department, by code.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<DepartmentRow>, ApiError> {
    Ok(store::departments::list(conn)?)
}
