//! Checks on decoded wire values that serde's types alone cannot express (lengths, counts, ranges).

use core::fmt;

use crate::limits;

/// The first rule a value breaks: which field (a path such as `events[3].url`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Path of the offending field, e.g. `events[3].url`.
    pub field: String,
    /// What is wrong with it, e.g. `must be at most 2048 bytes`.
    pub reason: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// A decoded wire value that can check its own limits.
pub trait Validate {
    /// Returns the first broken rule, with `prefix` prepended to the field path.
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid>;

    /// Returns the first broken rule.
    fn validate(&self) -> Result<(), Invalid> {
        self.validate_at("")
    }
}

pub(crate) fn path(prefix: &str, field: &str) -> String {
    if prefix.is_empty() { field.to_owned() } else { format!("{prefix}.{field}") }
}

pub(crate) fn invalid(prefix: &str, field: &str, reason: impl Into<String>) -> Invalid {
    Invalid { field: path(prefix, field), reason: reason.into() }
}

/// `value` must be at most `max` bytes.
pub(crate) fn max_len(prefix: &str, field: &str, value: &str, max: usize) -> Result<(), Invalid> {
    if value.len() > max {
        return Err(invalid(prefix, field, format!("must be at most {max} bytes")));
    }
    Ok(())
}

/// Like [`max_len`] for an optional string.
pub(crate) fn opt_len(
    prefix: &str,
    field: &str,
    value: Option<&String>,
    max: usize,
) -> Result<(), Invalid> {
    value.map_or(Ok(()), |v| max_len(prefix, field, v, max))
}

/// `value` must be 1 to `max` bytes.
pub(crate) fn name(prefix: &str, field: &str, value: &str, max: usize) -> Result<(), Invalid> {
    if value.is_empty() {
        return Err(invalid(prefix, field, "must not be empty"));
    }
    max_len(prefix, field, value, max)
}

/// A URL as browsers report it: at most [`limits::MAX_URL_LEN`] bytes of `http(s):` or other
/// absolute URL text.
pub(crate) fn url(prefix: &str, field: &str, value: &str) -> Result<(), Invalid> {
    max_len(prefix, field, value, limits::MAX_URL_LEN)?;
    let scheme_end = value.find(':').unwrap_or(0);
    let scheme_ok = scheme_end > 0
        && value[..scheme_end].bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok {
        return Err(invalid(prefix, field, "must be an absolute URL"));
    }
    Ok(())
}
