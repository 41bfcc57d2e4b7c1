//! Targets (绩效目标): the stored document, its violations at the last write, status,
//! ETag and version. Writes are conditional on the ETag the caller read.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::targets;
use crate::db::{AnyConnection, Money};
use crate::store::sort::{Order, Sort, Source, keyset};

/// A stored target, document included: its header (what lists show) and the document, its
/// violations and its author. Derefs to the header, so `row.id` reads through.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = targets)]
pub struct TargetRow {
    /// The columns every view of a target shares.
    #[diesel(embed)]
    pub head: TargetSummaryRow,
    /// The canonical document (JSON text, as received).
    pub document: String,
    /// Violations at the last write (JSON text, zh-CN messages).
    pub violations: String,
    /// Name of the token that created it.
    pub created_by: String,
}

impl std::ops::Deref for TargetRow {
    type Target = TargetSummaryRow;
    fn deref(&self) -> &TargetSummaryRow {
        &self.head
    }
}

impl std::ops::DerefMut for TargetRow {
    fn deref_mut(&mut self) -> &mut TargetSummaryRow {
        &mut self.head
    }
}

/// The header of a target: every column but the document, its violations and its author —
/// one struct for the list rows, the stored row's head and every view built from them.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = targets)]
pub struct TargetSummaryRow {
    /// Id (UUID v7 text: sorts by creation time).
    pub id: String,
    /// 主管部门 code; fixed at creation.
    pub department_code: String,
    /// Fiscal year from the document, if valid.
    pub fiscal_year: Option<i32>,
    /// `draft` | `submitted` | `returned` | `approved`.
    pub status: String,
    /// 涉密: never disclosed publicly.
    pub classified: bool,
    /// Rule profile the document is checked with.
    pub profile: String,
    /// Project code from the document.
    pub project_code: Option<String>,
    /// Project name from the document.
    pub project_name: Option<String>,
    /// 年度资金总额 (万元), if valid.
    pub annual_total: Option<Money>,
    /// No error-level violation at the last write.
    pub valid: bool,
    /// Error-level violations at the last write.
    pub error_count: i32,
    /// Warnings at the last write.
    pub warning_count: i32,
    /// Entity tag of the current state (without quotes).
    pub etag: String,
    /// Starts at 1, +1 on every write.
    pub version: i64,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last written (UTC).
    pub updated_at: NaiveDateTime,
}

/// The fields a document write changes.
#[derive(Debug, Clone, PartialEq, AsChangeset)]
#[diesel(table_name = targets, treat_none_as_null = true)]
pub struct DocumentChanges {
    /// Fiscal year.
    pub fiscal_year: Option<i32>,
    /// 涉密.
    pub classified: bool,
    /// Profile.
    pub profile: String,
    /// Project code.
    pub project_code: Option<String>,
    /// Project name.
    pub project_name: Option<String>,
    /// Annual total.
    pub annual_total: Option<Money>,
    /// Document JSON.
    pub document: String,
    /// Violations JSON.
    pub violations: String,
    /// Valid.
    pub valid: bool,
    /// Errors.
    pub error_count: i32,
    /// Warnings.
    pub warning_count: i32,
    /// New ETag.
    pub etag: String,
    /// New version.
    pub version: i64,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// Filters of the list; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetFilter {
    /// Only this fiscal year.
    pub fiscal_year: Option<i32>,
    /// Only these departments (`Some(vec![])` matches nothing).
    pub departments: Option<Vec<String>>,
    /// Only this status.
    pub status: Option<String>,
    /// Only ids in this set (e.g. an assessor's assignments); `Some(vec![])` matches nothing.
    pub ids: Option<Vec<String>>,
    /// Only targets whose project name or code, or department name or code, contain this.
    pub q: Option<String>,
}

/// Inserts a new target.
pub fn insert(conn: &mut AnyConnection, row: &TargetRow) -> QueryResult<()> {
    diesel::insert_into(targets::table).values(row).execute(conn).map(|_| ())
}

/// One target by id.
pub fn get(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<TargetRow>> {
    targets::table.find(id).select(TargetRow::as_select()).first(conn).optional()
}

/// A page of targets, newest first, strictly after `cursor` (an id); `limit` rows at most.
pub fn list(
    conn: &mut AnyConnection,
    filter: &TargetFilter,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<TargetSummaryRow>> {
    let mut q = filtered(filter).select(TargetSummaryRow::as_select());
    if let Some(c) = cursor {
        q = q.filter(targets::id.lt(c.to_owned()));
    }
    q.order(targets::id.desc()).limit(limit).load(conn)
}

fn filtered<'a>(filter: &TargetFilter) -> targets::BoxedQuery<'a, crate::db::connection::MultiBackend> {
    let mut q = targets::table.into_boxed();
    if let Some(y) = filter.fiscal_year {
        q = q.filter(targets::fiscal_year.eq(y));
    }
    if let Some(d) = &filter.departments {
        q = crate::store::filter_in!(q, targets::department_code, d);
    }
    if let Some(s) = &filter.status {
        q = q.filter(targets::status.eq(s.clone()));
    }
    if let Some(ids) = &filter.ids {
        q = q.filter(targets::id.eq_any(ids.clone()));
    }
    if let Some(text) = &filter.q {
        q = q.filter(crate::store::sort::search_sql!("targets", text));
    }
    q
}

/// Targets per status under `filter` (its `status` ignored), counted in SQL.
pub fn status_counts(conn: &mut AnyConnection, filter: &TargetFilter) -> QueryResult<Vec<(String, i64)>> {
    let mut q = targets::table
        .group_by(targets::status)
        .select((targets::status, diesel::dsl::count_star()))
        .into_boxed::<crate::db::connection::MultiBackend>();
    if let Some(y) = filter.fiscal_year {
        q = q.filter(targets::fiscal_year.eq(y));
    }
    if let Some(d) = &filter.departments {
        q = crate::store::filter_in!(q, targets::department_code, d);
    }
    if let Some(ids) = &filter.ids {
        q = q.filter(targets::id.eq_any(ids.clone()));
    }
    if let Some(text) = &filter.q {
        q = q.filter(crate::store::sort::search_sql!("targets", text));
    }
    q.load(conn)
}

/// A page of targets in the order `sort`/`order` (keyset on the key and the id), strictly
/// after the target `cursor`; `limit` rows.
pub fn list_sorted(
    conn: &mut AnyConnection,
    filter: &TargetFilter,
    sort: Sort,
    order: Order,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<TargetSummaryRow>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    let lookup = "FROM targets c WHERE c.id =";
    let Some((after, order_by)) = keyset(sort, order, Source::Targets, sqlite, "targets", "id", lookup) else {
        return list_by_change(conn, filter, cursor, limit);
    };
    let mut q = filtered(filter).select(TargetSummaryRow::as_select());
    if let Some(c) = cursor {
        q = q.filter(sql::<Bool>(&after).bind::<Text, _>(c.to_owned()).sql(")"));
    }
    q.order(sql::<Bool>(&order_by)).limit(limit).load(conn)
}

/// A page of targets, most recently changed first (`updated_at`, then id, descending),
/// strictly after the target `cursor` (its position read from the table); `limit` rows.
pub fn list_by_change(
    conn: &mut AnyConnection,
    filter: &TargetFilter,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<TargetSummaryRow>> {
    let mut q = filtered(filter).select(TargetSummaryRow::as_select());
    if let Some(c) = cursor {
        let Some(at) = targets::table.find(c).select(targets::updated_at).first::<NaiveDateTime>(conn).optional()?
        else {
            return Ok(Vec::new());
        };
        q = q.filter(targets::updated_at.lt(at).or(targets::updated_at.eq(at).and(targets::id.lt(c.to_owned()))));
    }
    q.order((targets::updated_at.desc(), targets::id.desc())).limit(limit).load(conn)
}

/// Replaces the document of a target whose ETag is still `expected_etag`; false when
/// the ETag no longer matches (someone else wrote first).
pub fn update_document(
    conn: &mut AnyConnection,
    id: &str,
    expected_etag: &str,
    changes: &DocumentChanges,
) -> QueryResult<bool> {
    diesel::update(targets::table.filter(targets::id.eq(id)).filter(targets::etag.eq(expected_etag)))
        .set(changes)
        .execute(conn)
        .map(|n| n == 1)
}

/// Sets the status (and a new ETag/version) of a target whose ETag is still
/// `expected_etag`; false when it changed. For the review cycle.
pub fn update_status(
    conn: &mut AnyConnection,
    id: &str,
    expected_etag: &str,
    status: &str,
    new_etag: &str,
    version: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(targets::table.filter(targets::id.eq(id)).filter(targets::etag.eq(expected_etag)))
        .set((
            targets::status.eq(status),
            targets::etag.eq(new_etag),
            targets::version.eq(version),
            targets::updated_at.eq(at),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Deletes a target whose ETag is still `expected_etag`; false when it changed.
pub fn delete(conn: &mut AnyConnection, id: &str, expected_etag: &str) -> QueryResult<bool> {
    diesel::delete(targets::table.filter(targets::id.eq(id)).filter(targets::etag.eq(expected_etag)))
        .execute(conn)
        .map(|n| n == 1)
}

/// Number of targets created by `created_by` (e.g. whether the demo was loaded).
pub fn count_created_by(conn: &mut AnyConnection, created_by: &str) -> QueryResult<i64> {
    targets::table.filter(targets::created_by.eq(created_by)).count().get_result(conn)
}

/// Number of targets created by `created_by` in a fiscal year.
pub fn count_created_by_in_year(conn: &mut AnyConnection, created_by: &str, year: i32) -> QueryResult<i64> {
    targets::table
        .filter(targets::created_by.eq(created_by))
        .filter(targets::fiscal_year.eq(year))
        .count()
        .get_result(conn)
}

/// The given targets (by id), in no particular order; missing ids are skipped.
pub fn get_many(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<Vec<TargetRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    targets::table.filter(targets::id.eq_any(ids.to_vec())).select(TargetRow::as_select()).load(conn)
}

/// Project names of the given targets (by id).
pub fn project_names(
    conn: &mut AnyConnection,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, Option<String>>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(String, Option<String>)> = targets::table
        .filter(targets::id.eq_any(ids.to_vec()))
        .select((targets::id, targets::project_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The documents (with their fiscal years) of the approved targets of a department (or of
/// all), most recent year first, then most recently changed; only years before
/// `before_year` when given; at most `limit`. Served by the `(department_code, …)` index.
pub fn approved_documents(
    conn: &mut AnyConnection,
    department: Option<&str>,
    before_year: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<(Option<i32>, String)>> {
    let mut q = targets::table
        .filter(targets::status.eq("approved"))
        .select((targets::fiscal_year, targets::document))
        .into_boxed::<crate::db::connection::MultiBackend>();
    if let Some(d) = department {
        q = q.filter(targets::department_code.eq(d.to_owned()));
    }
    if let Some(y) = before_year {
        q = q.filter(targets::fiscal_year.lt(y));
    }
    q.order((targets::fiscal_year.desc(), targets::updated_at.desc(), targets::id.desc())).limit(limit).load(conn)
}
