//! `Money`: an exact decimal column, `NUMERIC` in PostgreSQL and decimal text in SQLite
//! (never REAL or f64). Follows the custom-type recipe of diesel's `MultiConnection` docs.

use std::str::FromStr;

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::query_builder::QueryId;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::SqlType;
use diesel::sql_types::{HasSqlType, Numeric, Text};
use diesel::sqlite::Sqlite;
use rust_decimal::Decimal;

use super::connection::MultiBackend;

/// SQL type of money columns: `NUMERIC` (oid 1700) in PostgreSQL, `TEXT` in SQLite.
#[derive(Debug, Clone, Copy, Default, SqlType, QueryId)]
#[diesel(postgres_type(oid = 1700, array_oid = 1231))]
#[diesel(sqlite_type(name = "Text"))]
pub struct DbDecimal;

/// An exact amount (万元) as stored in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = DbDecimal)]
pub struct Money(pub Decimal);

impl ToSql<DbDecimal, Pg> for Money {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <Decimal as ToSql<Numeric, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<DbDecimal, Pg> for Money {
    fn from_sql(bytes: <Pg as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <Decimal as FromSql<Numeric, Pg>>::from_sql(bytes).map(Money)
    }
}

impl ToSql<DbDecimal, Sqlite> for Money {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.to_string());
        Ok(IsNull::No)
    }
}

impl FromSql<DbDecimal, Sqlite> for Money {
    fn from_sql(bytes: <Sqlite as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
        Decimal::from_str(&text).map(Money).map_err(|e| format!("money column holds `{text}`: {e}").into())
    }
}

impl HasSqlType<DbDecimal> for MultiBackend {
    fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
        MultiBackend::lookup_sql_type::<DbDecimal>(lookup)
    }
}

impl FromSql<DbDecimal, MultiBackend> for Money {
    fn from_sql(bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<Money, DbDecimal>()
    }
}

impl ToSql<DbDecimal, MultiBackend> for Money {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((DbDecimal, self));
        Ok(IsNull::No)
    }
}
