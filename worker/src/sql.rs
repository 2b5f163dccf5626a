//! A SQL statement and its parameters as plain data: built by pure code (and run natively against
//! SQLite in the unit tests), bound to D1 only in [`crate::db`].

/// One bound parameter.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SqlValue {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<u64> for SqlValue {
    fn from(v: u64) -> Self {
        Self::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<u32> for SqlValue {
    fn from(v: u32) -> Self {
        Self::Int(i64::from(v))
    }
}

impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// A statement with positional parameters (`?1`, `?2`, …).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Query {
    pub(crate) sql: String,
    pub(crate) params: Vec<SqlValue>,
}

impl Query {
    pub(crate) fn new(sql: impl Into<String>, params: Vec<SqlValue>) -> Self {
        Self { sql: sql.into(), params }
    }

    /// Adds a parameter and returns its placeholder (`?3`), for building SQL piece by piece.
    pub(crate) fn bind(&mut self, value: impl Into<SqlValue>) -> String {
        self.params.push(value.into());
        format!("?{}", self.params.len())
    }
}
