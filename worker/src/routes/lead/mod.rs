//! Lead capture's public routes (spec `lead.ts`, `forms.ts`): `GET /forms/config`,
//! `POST /lead.capture` (and the deprecated `POST /lead` and `POST /`), and the CRM side's
//! callbacks. Browser calls are answered with CORS for their (checked) origin only.

pub(crate) mod callbacks;
pub(crate) mod caller;
pub(crate) mod capture;
pub(crate) mod config;
pub(crate) mod form;

use worker::Response;

use crate::error::ApiError;

/// A public lead route's answer: the response, or the error, the origin allowed to read it
/// (set once the page's origin was checked, so a form can show the server's validation message),
/// and headers an error answer carries besides its own (a refused field's `Content-Language`).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) result: Result<Response, ApiError>,
    pub(crate) allow_origin: Option<String>,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl From<Result<Response, ApiError>> for Answer {
    fn from(result: Result<Response, ApiError>) -> Self {
        Self { result, allow_origin: None, headers: Vec::new() }
    }
}
