//! D1 access for the dashboard API: binds a [`Query`], maps failures to a 503 with the detail only
//! in the log, and adds up D1's own query time for the `Server-Timing` header.

use std::cell::Cell;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

use crate::bindings;
use crate::error::ApiError;
use crate::sql::{Query, SqlValue};
use crate::store::d1::Stats;

/// The database plus what this request spent in it.
#[derive(Debug)]
pub(crate) struct Db {
    inner: D1Database,
    ms: Cell<f64>,
    queries: Cell<u32>,
    /// The request's statement counters, for its log line (`d1_writes`), when it keeps them.
    stats: Option<Rc<Stats>>,
}

impl Db {
    pub(crate) fn open(env: &Env) -> Result<Self, ApiError> {
        let inner = env.d1(bindings::DB).map_err(|e| ApiError::storage("d1 binding", e))?;
        Ok(Self { inner, ms: Cell::new(0.0), queries: Cell::new(0), stats: None })
    }

    /// Like [`Db::open`], adding every statement to the request's `stats`.
    pub(crate) fn counted(env: &Env, stats: Rc<Stats>) -> Result<Self, ApiError> {
        let mut db = Self::open(env)?;
        db.stats = Some(stats);
        Ok(db)
    }

    fn tally(&self, qs: &[&Query]) {
        if let Some(stats) = &self.stats {
            let writes = qs.iter().filter(|q| writes(&q.sql)).count();
            stats.add(writes, qs.len() - writes);
        }
    }

    fn prepare(&self, what: &str, q: &Query) -> Result<D1PreparedStatement, ApiError> {
        let values: Vec<JsValue> = q.params.iter().map(js_value).collect();
        self.inner.prepare(&q.sql).bind(&values).map_err(|e| failed(what, &e))
    }

    fn count(&self, result: &D1Result) {
        self.queries.set(self.queries.get() + 1);
        if let Ok(Some(meta)) = result.meta() {
            self.ms.set(self.ms.get() + meta.duration.unwrap_or(0.0));
        }
    }

    /// Every row, deserialized.
    pub(crate) async fn all<T: DeserializeOwned>(
        &self,
        what: &str,
        q: &Query,
    ) -> Result<Vec<T>, ApiError> {
        self.tally(&[q]);
        let result = self.prepare(what, q)?.all().await.map_err(|e| failed(what, &e))?;
        self.count(&result);
        rows(what, &result)
    }

    /// The first row, if any.
    pub(crate) async fn first<T: DeserializeOwned>(
        &self,
        what: &str,
        q: &Query,
    ) -> Result<Option<T>, ApiError> {
        Ok(self.all(what, q).await?.into_iter().next())
    }

    /// Runs a write; returns the number of rows it changed.
    pub(crate) async fn run(&self, what: &str, q: &Query) -> Result<usize, ApiError> {
        self.tally(&[q]);
        let result = self.prepare(what, q)?.run().await.map_err(|e| failed(what, &e))?;
        self.count(&result);
        Ok(changes(&result))
    }

    /// Runs statements as one transaction (all or nothing) in one round trip.
    pub(crate) async fn batch(&self, what: &str, qs: &[Query]) -> Result<Vec<D1Result>, ApiError> {
        self.tally(&qs.iter().collect::<Vec<_>>());
        let statements = qs.iter().map(|q| self.prepare(what, q)).collect::<Result<Vec<_>, _>>()?;
        let results = self.inner.batch(statements).await.map_err(|e| failed(what, &e))?;
        results.iter().for_each(|r| self.count(r));
        Ok(results)
    }

    /// `EXPLAIN QUERY PLAN` of `q` with its parameters: the `detail` column, one line per step.
    pub(crate) async fn explain(&self, q: &Query) -> Result<Vec<String>, ApiError> {
        #[derive(serde::Deserialize)]
        struct Step {
            detail: String,
        }
        let plan = Query::new(format!("EXPLAIN QUERY PLAN {}", q.sql), q.params.clone());
        let steps: Vec<Step> = self.all("explain", &plan).await?;
        Ok(steps.into_iter().map(|s| s.detail).collect())
    }

    /// `Server-Timing: d1;dur=3.2;desc="2 queries"`, the time D1 itself reported.
    pub(crate) fn server_timing(&self) -> Option<String> {
        let n = self.queries.get();
        (n > 0).then(|| format!("d1;dur={:.1};desc=\"{n} queries\"", self.ms.get()))
    }
}

/// Whether a statement writes (an `INSERT`, `UPDATE`, `DELETE` or `REPLACE`, also with `RETURNING`).
pub(crate) fn writes(sql: &str) -> bool {
    let head: String = sql.trim_start().chars().take(7).collect::<String>().to_ascii_uppercase();
    ["INSERT", "UPDATE", "DELETE", "REPLACE"].iter().any(|w| head.starts_with(w))
}

/// The rows of one result.
pub(crate) fn rows<T: DeserializeOwned>(what: &str, result: &D1Result) -> Result<Vec<T>, ApiError> {
    result.results::<T>().map_err(|e| ApiError::storage(&format!("d1 decode {what}"), e))
}

/// Rows changed by a write.
pub(crate) fn changes(result: &D1Result) -> usize {
    result.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0)
}

fn js_value(v: &SqlValue) -> JsValue {
    match v {
        SqlValue::Null => JsValue::NULL,
        // D1 numbers are JS doubles: exact up to 2^53, which every id and timestamp here is.
        SqlValue::Int(i) => JsValue::from_f64(*i as f64),
        SqlValue::Text(s) => JsValue::from_str(s),
    }
}

/// A D1 failure: generic for the client, the cause (not the JS stack) for the log.
fn failed(what: &str, err: &worker::Error) -> ApiError {
    let cause = match err {
        worker::Error::D1(d1) => d1.cause(),
        other => other.to_string(),
    };
    ApiError::storage(&format!("d1 {what}"), cause)
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_are_told_from_reads() {
        for w in ["INSERT INTO x", "  update x set", "DELETE FROM x", "REPLACE INTO x"] {
            assert!(super::writes(w), "{w}");
        }
        for r in ["SELECT 1", "WITH a AS (SELECT 1) SELECT * FROM a", "EXPLAIN QUERY PLAN SELECT 1"]
        {
            assert!(!super::writes(r), "{r}");
        }
    }
}
