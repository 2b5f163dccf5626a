//! `GET /forms/config?site=…&form=…` (spec `forms.ts`): the form as the form builder renders it,
//! for a page on one of the site's domains (CORS for that origin only; any other origin gets
//! `403`) or a server with an integration key, in the visitor's language: `?lang=de-CH,de,en`
//! (the form loader's `data-lang`, else the browser's languages), else the `Accept-Language`
//! header (then the answer varies by it). Cached briefly, with a strong `ETag` of the answer.

use pulsegate_schema::lead::FormConfig;
use pulsegate_schema::lead::locale::wanted_languages;
use sha2::{Digest, Sha256};
use worker::{Env, Request, Response};

use super::caller;
use super::{Answer, form};
use crate::db::Db;
use crate::error::ApiError;
use crate::http::{header, internal, query_pairs, with_headers};
use crate::ip_hash::hex;
use crate::routes::sdk_assets::etag_matches;

/// Browsers and shared caches may keep a config this long (a form edit shows within a minute).
const CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=300";

pub(crate) async fn get(req: Request, env: &Env) -> Answer {
    let mut allow_origin = None;
    let result = answer(&req, env, &mut allow_origin).await;
    Answer { result, allow_origin, headers: Vec::new() }
}

/// The parameter `name` once at most (`None` when absent or empty).
fn optional(pairs: &[(String, String)], name: &str) -> Result<Option<String>, ApiError> {
    let mut values = pairs.iter().filter(|(k, _)| k == name);
    let value = values.next().map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    if values.next().is_some() {
        return Err(ApiError::InvalidField {
            field: name.to_owned(),
            message: "is given twice".to_owned(),
        });
    }
    Ok(value)
}

fn param(pairs: &[(String, String)], name: &str) -> Result<String, ApiError> {
    optional(pairs, name)?.ok_or_else(|| ApiError::InvalidField {
        field: name.to_owned(),
        message: "is required: /forms/config?site=<site key>&form=<form id>".to_owned(),
    })
}

async fn answer(
    req: &Request,
    env: &Env,
    allow_origin: &mut Option<String>,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(req);
    let site = param(&pairs, "site")?;
    let form_id = param(&pairs, "form")?;
    if !pulsegate_schema::is_form_id(&form_id) {
        return Err(ApiError::NoSuch { what: "form" });
    }
    let db = Db::open(env)?;
    let who = caller::identify(req, &db).await?;
    let loaded = form::load(&db, &form_id, None).await?;
    if loaded.form.site_key.as_str() != site {
        return Err(ApiError::NoSuch { what: "form" });
    }
    caller::admit(&who, &site, &loaded.domains)?;
    *allow_origin = who.origin().map(str::to_owned);
    // Malformed language tags are skipped, never refused: the form still renders, in its default.
    let lang = optional(&pairs, "lang")?;
    let by_header = lang.is_none();
    let wanted = match lang {
        Some(list) => wanted_languages(&list),
        None => header(req, "accept-language").map(|h| wanted_languages(&h)).unwrap_or_default(),
    };
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let config = FormConfig::of(&loaded.form, &wanted);
    let body = serde_json::to_vec(&config).map_err(internal)?;
    let etag = format!("\"{}\"", &hex(&Sha256::digest(&body))[..16]);
    let fresh = header(req, "if-none-match").is_some_and(|v| etag_matches(&v, &etag));
    let resp = if fresh {
        Response::empty().map_err(internal)?.with_status(304)
    } else {
        let resp = Response::builder().fixed(body);
        with_headers(resp, [("Content-Type", "application/json")])?
    };
    let resp = with_headers(
        resp,
        [
            ("ETag", etag.as_str()),
            ("Cache-Control", CACHE_CONTROL),
            ("Content-Language", &config.lang),
        ],
    )?;
    // The answer's language came from a header: caches must key on it too (the router adds
    // `Origin`).
    if by_header { with_headers(resp, [("Vary", "Accept-Language")]) } else { Ok(resp) }
}
