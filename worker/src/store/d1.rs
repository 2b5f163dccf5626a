//! The one door to D1: every statement goes through [`Db`], which maps failures to `503
//! unavailable` (the D1 cause only in the log) and counts the statements that write, so each
//! request and background job can log its `d1_writes` and the ingest benchmark can sum them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

use crate::bindings;
use crate::error::ApiError;

/// Statements made by one request or job (and what the request line says of a throttled batch).
#[derive(Debug, Default)]
pub(crate) struct Stats {
    d1_writes: Cell<u32>,
    d1_reads: Cell<u32>,
    /// A batch's session whose aggregate update this isolate's throttle skipped.
    throttled: RefCell<Option<String>>,
}

impl Stats {
    pub(crate) fn new() -> Rc<Self> {
        Rc::new(Self::default())
    }

    /// Statements that wrote (or could write: an UPSERT that changed nothing still counts).
    pub(crate) fn d1_writes(&self) -> u32 {
        self.d1_writes.get()
    }

    /// Statements that only read.
    pub(crate) fn d1_reads(&self) -> u32 {
        self.d1_reads.get()
    }

    /// Counts statements made through another door to D1 (`crate::db::Db::counted`).
    pub(crate) fn add(&self, writes: usize, reads: usize) {
        self.count(writes, reads);
    }

    /// Notes that the aggregate update of `session_id` was skipped (for the request's line).
    pub(crate) fn aggregate_throttled(&self, session_id: String) {
        *self.throttled.borrow_mut() = Some(session_id);
    }

    /// The session whose aggregate update was skipped, if one was.
    pub(crate) fn take_throttled(&self) -> Option<String> {
        self.throttled.borrow_mut().take()
    }

    fn count(&self, writes: usize, reads: usize) {
        let add = |cell: &Cell<u32>, n: usize| cell.set(cell.get().saturating_add(n as u32));
        add(&self.d1_writes, writes);
        add(&self.d1_reads, reads);
    }
}

/// Whether a statement writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Read,
    Write,
}

/// A statement ready to run, and whether it writes.
#[derive(Debug)]
pub(crate) struct Statement {
    stmt: D1PreparedStatement,
    kind: Kind,
}

/// The D1 binding plus the counters of the request or job using it.
#[derive(Debug)]
pub(crate) struct Db {
    db: D1Database,
    stats: Rc<Stats>,
}

impl Db {
    /// Opens the `DB` binding.
    pub(crate) fn open(env: &Env, stats: Rc<Stats>) -> Result<Self, ApiError> {
        let db = env.d1(bindings::DB).map_err(|e| ApiError::storage("d1 binding", e))?;
        Ok(Self { db, stats })
    }

    /// Prepares `sql` with `values` bound to `?1`, `?2`, …
    pub(crate) fn statement(
        &self,
        kind: Kind,
        sql: &str,
        values: &[JsValue],
    ) -> Result<Statement, ApiError> {
        let stmt = self
            .db
            .prepare(sql)
            .bind(values)
            .map_err(|e| ApiError::storage("d1 bind", cause(&e)))?;
        Ok(Statement { stmt, kind })
    }

    /// Runs one statement for its effect.
    pub(crate) async fn run(&self, what: &str, s: Statement) -> Result<D1Result, ApiError> {
        self.count(&[s.kind]);
        s.stmt.run().await.map_err(|e| ApiError::storage(what, cause(&e)))
    }

    /// Runs one statement and returns its first row (a SELECT, or a write with RETURNING).
    pub(crate) async fn first<T: DeserializeOwned>(
        &self,
        what: &str,
        s: Statement,
    ) -> Result<Option<T>, ApiError> {
        self.count(&[s.kind]);
        s.stmt.first::<T>(None).await.map_err(|e| ApiError::storage(what, cause(&e)))
    }

    /// Runs one statement and returns column `column` of its first row (one value converted from
    /// JavaScript, not a row object).
    pub(crate) async fn first_column<T: DeserializeOwned>(
        &self,
        what: &str,
        s: Statement,
        column: &str,
    ) -> Result<Option<T>, ApiError> {
        self.count(&[s.kind]);
        s.stmt.first::<T>(Some(column)).await.map_err(|e| ApiError::storage(what, cause(&e)))
    }

    /// Runs one statement and returns its rows as arrays of values (bench shapes only).
    #[cfg(feature = "bench-floor")]
    pub(crate) async fn raw<T: DeserializeOwned>(
        &self,
        what: &str,
        s: Statement,
    ) -> Result<Vec<Vec<T>>, ApiError> {
        self.count(&[s.kind]);
        s.stmt.raw::<T>().await.map_err(|e| ApiError::storage(what, cause(&e)))
    }

    /// Runs one statement and returns every row.
    pub(crate) async fn all<T: DeserializeOwned>(
        &self,
        what: &str,
        s: Statement,
    ) -> Result<Vec<T>, ApiError> {
        self.count(&[s.kind]);
        let result = s.stmt.all().await.map_err(|e| ApiError::storage(what, cause(&e)))?;
        if let Some(error) = result.error() {
            return Err(ApiError::storage(what, error));
        }
        result.results::<T>().map_err(|e| ApiError::storage(what, e))
    }

    /// Runs `statements` as one transaction (D1 `batch`): all apply or none does.
    pub(crate) async fn batch(
        &self,
        what: &str,
        statements: Vec<Statement>,
    ) -> Result<Vec<D1Result>, ApiError> {
        let kinds: Vec<Kind> = statements.iter().map(|s| s.kind).collect();
        self.count(&kinds);
        let stmts = statements.into_iter().map(|s| s.stmt).collect();
        self.db.batch(stmts).await.map_err(|e| ApiError::storage(what, cause(&e)))
    }

    /// The binding itself, for a statement made by one direct JavaScript call (the rate
    /// limiter's bench shape, `store/rate_limit.rs`); counted as one statement of `kind`.
    #[cfg(feature = "bench-floor")]
    pub(crate) fn counted_binding(&self, kind: Kind) -> &JsValue {
        self.count(&[kind]);
        self.db.as_ref()
    }

    fn count(&self, kinds: &[Kind]) {
        let writes = kinds.iter().filter(|k| **k == Kind::Write).count();
        self.stats.count(writes, kinds.len() - writes);
    }
}

/// Rows changed by a write, from its metadata.
pub(crate) fn changes(result: &D1Result) -> usize {
    result.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0)
}

/// workers-rs prints D1 errors with `{:#?}` (a multi-line JS stack); the cause alone reads better.
pub(crate) fn cause(err: &worker::Error) -> String {
    match err {
        worker::Error::D1(d1) => d1.cause(),
        other => other.to_string(),
    }
}

/// The message of a JavaScript exception or rejection (a D1 or R2 error thrown by the binding).
pub(crate) fn js_cause(err: &JsValue) -> String {
    use wasm_bindgen::JsCast as _;
    err.dyn_ref::<worker::js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "failed".to_owned())
}

/// A number for D1. D1 numbers are JS doubles; ms timestamps and counts (< 2^53) fit exactly.
/// (`D1Type::Integer` is only i32.)
pub(crate) fn num(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// An optional number (NULL when absent).
pub(crate) fn opt_num(n: Option<u64>) -> JsValue {
    n.map_or(JsValue::NULL, num)
}

/// Text for D1.
pub(crate) fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

/// Optional text (NULL when absent).
pub(crate) fn opt_text(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}
