//! What a protected handler answers: JSON (and, for tables, a CSV rendering of the same rows),
//! held as data until the router has masked it for marketing keys and picked the format the
//! client asked for (`Accept: text/csv` or `?format=csv`).

use serde::Serialize;
use serde_json::Value;
use worker::Response;

use crate::error::ApiError;
use crate::pii;

/// A table: header names and rows of cells, rendered as RFC 4180 CSV.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Csv {
    /// The download's file name, without `.csv`.
    pub(crate) name: &'static str,
    pub(crate) headers: Vec<&'static str>,
    pub(crate) rows: Vec<Vec<String>>,
}

impl Csv {
    pub(crate) fn new(name: &'static str, headers: &[&'static str]) -> Self {
        Self { name, headers: headers.to_vec(), rows: Vec::new() }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Masks every cell by its column's name (see [`pii::mask_cell`]).
    fn mask(&mut self) {
        for row in &mut self.rows {
            for (cell, header) in row.iter_mut().zip(&self.headers) {
                *cell = pii::mask_cell(header, cell);
            }
        }
    }

    /// The text, CRLF line ends, every cell that needs it quoted.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
            let mut first = true;
            for cell in cells {
                if !first {
                    out.push(',');
                }
                first = false;
                out.push_str(&csv_cell(cell));
            }
            out.push_str("\r\n");
        };
        line(&mut out, &mut self.headers.iter().copied());
        for row in &self.rows {
            line(&mut out, &mut row.iter().map(String::as_str));
        }
        out
    }
}

/// One CSV cell: quoted when it holds a comma, quote or line break; a text cell that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`.
pub(crate) fn csv_cell(cell: &str) -> String {
    let formula =
        cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
    let text = if formula { format!("'{cell}") } else { cell.to_owned() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A protected handler's answer, before masking and rendering.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    json: Option<Value>,
    csv: Option<Csv>,
    headers: Vec<(&'static str, String)>,
    /// A body the handler made itself (a stream from R2), passed through as it is.
    response: Option<Response>,
}

impl Reply {
    /// `status` with a response body the handler built (streamed replay events); masking does
    /// not reach into it, so a handler answers this only where nothing needs masking.
    pub(crate) fn response(status: u16, response: Response) -> Self {
        Self { status, json: None, csv: None, headers: Vec::new(), response: Some(response) }
    }

    /// `status` with `body` as JSON.
    pub(crate) fn json<T: Serialize>(status: u16, body: &T) -> Result<Self, ApiError> {
        let json = serde_json::to_value(body).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Self { status, json: Some(json), csv: None, headers: Vec::new(), response: None })
    }

    /// `200` with `body` as JSON, or `csv` when the client asks for CSV.
    pub(crate) fn table<T: Serialize>(body: &T, csv: Csv) -> Result<Self, ApiError> {
        let mut reply = Self::json(200, body)?;
        reply.csv = Some(csv);
        Ok(reply)
    }

    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Masks emails and phone numbers in the JSON and the CSV.
    pub(crate) fn mask_pii(&mut self) {
        if let Some(json) = &mut self.json {
            pii::mask_json(json);
        }
        if let Some(csv) = &mut self.csv {
            csv.mask();
        }
    }

    /// The response: CSV when `want_csv` and a table exists, else JSON.
    pub(crate) fn into_response(self, want_csv: bool) -> Result<Response, ApiError> {
        let mut headers = self.headers;
        let resp = if let Some(resp) = self.response {
            resp
        } else {
            match (want_csv, self.csv, self.json) {
                (true, Some(csv), _) => {
                    headers.push(("Content-Type", "text/csv; charset=utf-8".to_owned()));
                    headers.push((
                        "Content-Disposition",
                        format!("attachment; filename=\"{}.csv\"", csv.name),
                    ));
                    Response::ok(csv.render()).map_err(crate::http::internal)?
                }
                (_, _, Some(json)) => Response::from_json(&json).map_err(crate::http::internal)?,
                (_, _, None) => Response::empty().map_err(crate::http::internal)?,
            }
        };
        headers.push(("Vary", "Accept".to_owned()));
        headers.push(("Cache-Control", "no-store".to_owned()));
        let resp = resp.with_status(self.status);
        crate::http::with_headers(resp, headers.iter().map(|(n, v)| (*n, v.as_str())))
    }
}

/// Whether the client asked for CSV: `?format=csv`, or an `Accept` that prefers `text/csv`.
/// `?format=` is `csv` or `json`; anything else is a 400 rather than a silent JSON answer.
pub(crate) fn wants_csv(accept: Option<&str>, format: Option<&str>) -> Result<bool, ApiError> {
    if let Some(format) = format {
        return if format.eq_ignore_ascii_case("csv") {
            Ok(true)
        } else if format.eq_ignore_ascii_case("json") {
            Ok(false)
        } else {
            Err(ApiError::InvalidField {
                field: "format".to_owned(),
                message: "must be json or csv".to_owned(),
            })
        };
    }
    Ok(accept.is_some_and(|a| {
        a.split(',').next().is_some_and(|first| {
            first.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("text/csv")
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("+1 *** *** 12"), "'+1 *** *** 12");
        assert_eq!(csv_cell("-5"), "-5");
        assert_eq!(csv_cell("0.25"), "0.25");
    }

    #[test]
    fn tables_render_with_crlf_and_mask_by_column() {
        let mut csv = Csv::new("leads", &["email", "phone", "visits"]);
        csv.row(vec!["jane@example.com".into(), "4155550112".into(), "3".into()]);
        assert_eq!(csv.render(), "email,phone,visits\r\njane@example.com,4155550112,3\r\n");
        csv.mask();
        assert_eq!(csv.render(), "email,phone,visits\r\nj***@example.com,*** *** 12,3\r\n");
    }

    #[test]
    fn csv_is_chosen_by_accept_or_format() {
        let csv = |accept, format| wants_csv(accept, format).unwrap();
        assert!(csv(Some("text/csv"), None));
        assert!(csv(Some("Text/CSV; charset=utf-8, application/json;q=0.5"), None));
        assert!(!csv(Some("application/json, text/csv"), None));
        assert!(!csv(Some("*/*"), None));
        assert!(!csv(None, None));
        assert!(csv(None, Some("csv")));
        assert!(csv(None, Some("CSV")));
        assert!(!csv(Some("text/csv"), Some("json")));
    }

    #[test]
    fn an_unknown_format_is_refused_not_answered_as_json() {
        for bad in ["xml", "", "csvx", "-1", "<script>"] {
            let err = wants_csv(Some("text/csv"), Some(bad)).unwrap_err();
            assert_eq!(
                err,
                ApiError::InvalidField {
                    field: "format".to_owned(),
                    message: "must be json or csv".to_owned()
                },
                "{bad:?}"
            );
        }
    }
}
