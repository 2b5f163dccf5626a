//! Reads a JSON request body under a byte limit and turns every way it can be wrong into an [`ApiError`].

use futures_util::StreamExt as _;
use pulsegate_schema::strict::Strict;
use pulsegate_schema::{Event, Validate};
use serde::de::DeserializeOwned;
use worker::Request;

use crate::error::ApiError;
use crate::sanitize::Sanitize;

/// Reads, size-checks, parses and validates the body of `req` as a `T`.
///
/// `Content-Type` must be JSON or text (`navigator.sendBeacon` sends `text/plain;charset=UTF-8`)
/// or absent; a declared `Content-Length` over `limit` is refused before any byte is read, and
/// an undeclared (chunked) body is counted as it streams in, keeping nothing past `limit`.
pub(crate) async fn read_json<T: DeserializeOwned + Validate>(
    req: &mut Request,
    limit: usize,
) -> Result<T, ApiError> {
    Ok(read_json_bytes(req, limit).await?.0)
}

/// [`read_json`] for an admin write: its free text made inert ([`crate::sanitize`]), then
/// validated again ([`clean`]).
pub(crate) async fn read_admin<T: DeserializeOwned + Validate + Sanitize>(
    req: &mut Request,
    limit: usize,
) -> Result<T, ApiError> {
    clean(read_json(req, limit).await?)
}

/// Sanitizes a parsed admin body and, when that changed it, validates it again: a name of
/// nothing but control characters is then empty, a 400 naming it like any empty name.
pub(crate) fn clean<T: Validate + Sanitize>(mut value: T) -> Result<T, ApiError> {
    if value.sanitize() {
        value.validate()?;
    }
    Ok(value)
}

/// [`read_json`], also answering the body's bytes as received.
pub(crate) async fn read_json_bytes<T: DeserializeOwned + Validate>(
    req: &mut Request,
    limit: usize,
) -> Result<(T, Vec<u8>), ApiError> {
    check_content_type(crate::http::header(req, "content-type").as_deref())?;
    let declared = crate::http::header(req, "content-length");
    check_declared_length(declared.as_deref(), limit)?;
    let bytes = if declared.is_some() {
        read_declared(req, limit).await?
    } else {
        read_limited(req, limit).await?
    };
    Ok((parse(&bytes)?, bytes))
}

/// Reads a body whose declared `Content-Length` is within `limit` (checked before) in one piece:
/// one call into the runtime instead of one per chunk. The length frames the body, so no more
/// than it arrives; it is checked again all the same.
async fn read_declared(req: &mut Request, limit: usize) -> Result<Vec<u8>, ApiError> {
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    let bytes =
        req.bytes().await.map_err(|e| ApiError::UnreadableBody { detail: e.to_string() })?;
    check_length(bytes.len() as u64, limit)?;
    Ok(bytes)
}

/// Accepts `application/json`, `text/plain` (any parameters, any case) and no content type.
pub(crate) fn check_content_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let Some(value) = content_type else { return Ok(()) };
    let essence = value.split(';').next().unwrap_or_default().trim();
    if essence.is_empty()
        || essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("text/plain")
    {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(essence.to_owned()))
    }
}

/// Refuses a declared `Content-Length` over `limit` (413) or one that is not a number (400).
pub(crate) fn check_declared_length(
    content_length: Option<&str>,
    limit: usize,
) -> Result<(), ApiError> {
    let Some(value) = content_length else { return Ok(()) };
    let declared: u64 = value
        .trim()
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("Content-Length {value:?} is not a number")))?;
    check_length(declared, limit)
}

/// A body of `len` bytes fits in `limit`, or it is a 413.
pub(crate) fn check_length(len: u64, limit: usize) -> Result<(), ApiError> {
    if len > limit as u64 { Err(ApiError::PayloadTooLarge { limit }) } else { Ok(()) }
}

/// Collects the body chunk by chunk, keeping nothing once it passes `limit` (then 413). A request
/// without a body reads as empty (and then fails to parse as `malformed_json`).
///
/// An oversized body is still read to its end, up to [`DRAIN_LIMIT`]: answering while the client
/// is still sending makes `wrangler dev` hang the connection (miniflare#577 family).
pub(crate) async fn read_limited(req: &mut Request, limit: usize) -> Result<Vec<u8>, ApiError> {
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    // The runtime's error text (a JS error dump) goes to the log only.
    let unreadable = |e: worker::Error| ApiError::UnreadableBody { detail: e.to_string() };
    let mut stream = req.stream().map_err(unreadable)?;
    let mut body = Vec::new();
    let mut seen: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(unreadable)?;
        seen += chunk.len() as u64;
        if check_length(seen, limit).is_ok() {
            body.extend_from_slice(&chunk);
        } else if seen > DRAIN_LIMIT {
            break;
        }
    }
    check_length(seen, limit)?;
    Ok(body)
}

/// How far an oversized body is drained before the stream is cancelled instead.
const DRAIN_LIMIT: u64 = 4 * 1024 * 1024;

/// Parses `bytes` as a `T` and validates it. Errors name the field path, e.g. `events[0].ts`.
/// A leading UTF-8 byte order mark is skipped; a struct or a map is read from an object only,
/// never from an array of its fields ([`Strict`]), at any depth.
///
/// One parse, with path tracking: a plain serde_json pass first would save a few microseconds
/// per valid body but doubles the deserializer code in the worker (about 40 KB of wasm).
pub(crate) fn parse<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes = strip_bom(bytes);
    expect_object(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T =
        serde_path_to_error::deserialize(Strict(&mut de)).map_err(|e| json_error(bytes, &e))?;
    // Anything but whitespace after the value is a syntax error.
    de.end().map_err(|e| ApiError::MalformedJson(strip_position(&e.to_string())))?;
    value.validate()?;
    Ok(value)
}

/// `bytes` without a leading UTF-8 byte order mark (EF BB BF): JSON text must not begin with one
/// (RFC 8259 §8.1), but several HTTP clients and editors write one, and it carries no meaning.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Every body is a JSON object. serde also reads a struct from an array of its fields in order,
/// so without this `[]` would pass as an object whose fields are all left out (`PUT` settings
/// with `[]` would reset every setting). Other non-objects fail in serde with their own message.
pub(crate) fn expect_object(bytes: &[u8]) -> Result<(), ApiError> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => Err(ApiError::InvalidField {
            field: "body".to_owned(),
            message: "must be a JSON object, not an array".to_owned(),
        }),
        _ => Ok(()),
    }
}

/// Maps a serde error to `malformed_json` (syntax, early end) or `invalid_field` (data).
fn json_error(bytes: &[u8], err: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = err.inner();
    let message = strip_position(&inner.to_string());
    if inner.is_syntax() || inner.is_eof() || inner.is_io() {
        return ApiError::MalformedJson(message);
    }
    let at = field_path(err.path());
    let field = match event_field(bytes, &at) {
        Some(inside) => join(&at, &inside),
        None => locate(at, &message),
    };
    ApiError::InvalidField {
        field: if field.is_empty() { "body".to_owned() } else { field },
        message,
    }
}

/// The path of a data error: serde reports a missing field at its parent, so name it.
fn locate(at: String, message: &str) -> String {
    match quoted_after(message, "missing field `") {
        Some(missing) => join(&at, missing),
        None => at,
    }
}

/// serde's internally tagged enums (`Event`, tagged by `"type"`) buffer an event's fields before
/// reading them, so the path tracker stops at `events[3]` (or `event` for a single event). This
/// re-reads that one event with its variant's own struct to find the field inside it (`ts`,
/// `props.plan`, or `type` itself).
fn event_field(bytes: &[u8], at: &str) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let event = if at == "event" {
        body.get("event")?
    } else {
        let index = at.strip_prefix("events[")?.strip_suffix(']')?;
        body.get("events")?.get(index.parse::<usize>().ok()?)?
    };
    let mut event = event.as_object()?.clone();
    let Some(serde_json::Value::String(kind)) = event.remove("type") else {
        return Some("type".to_owned());
    };
    if !Event::KINDS.contains(&kind.as_str()) {
        return Some("type".to_owned());
    }
    let rest = serde_json::Value::Object(event);
    let mut track = serde_path_to_error::Track::new();
    let de = serde_path_to_error::Deserializer::new(rest, &mut track);
    let err = Event::deserialize_variant(&kind, de).err()?;
    let message = strip_position(&err.to_string());
    Some(locate(field_path(&track.path()), &message)).filter(|field| !field.is_empty())
}

/// `serde_path_to_error` prints the root as `.`; the protocol calls it nothing.
pub(crate) fn field_path(path: &serde_path_to_error::Path) -> String {
    let p = path.to_string();
    if p == "." { String::new() } else { p }
}

pub(crate) fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() { field.to_owned() } else { format!("{prefix}.{field}") }
}

/// The text between `start` and the next backtick: "missing field `ts`" → "ts".
fn quoted_after<'a>(message: &'a str, start: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(start)?;
    rest.split_once('`').map(|(name, _)| name)
}

/// serde_json appends " at line 1 column 42"; the field path says more, so drop it.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use pulsegate_schema::{
        Click, Custom, EngagementTime, ErrorEvent, Event, EventBatch, FormInteraction, Identify,
        Pageview, Scroll, SessionStart, limits,
    };

    use super::*;

    const START: &str = r#"{"session_id":"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c","site_key":"demo","started_at":1764097200000,"page":{"url":"https://shop.example/pricing"}}"#;

    fn batch_with(event: &str) -> String {
        format!(
            r#"{{"batch_id":"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","session_id":"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c","session_started_at":1764097200000,"sent_at":1764097205000,"events":[{event}]}}"#
        )
    }

    fn field_of(err: ApiError) -> String {
        match err {
            ApiError::InvalidField { field, .. } => field,
            other => panic!("expected invalid_field, got {other:?}"),
        }
    }

    #[test]
    fn content_types_sendbeacon_and_fetch_use_are_accepted() {
        for ok in [
            None,
            Some("application/json"),
            Some("application/json; charset=utf-8"),
            Some("text/plain;charset=UTF-8"),
            Some("Text/Plain"),
            Some(""),
        ] {
            assert_eq!(check_content_type(ok), Ok(()), "{ok:?}");
        }
        assert_eq!(
            check_content_type(Some("multipart/form-data; boundary=x")),
            Err(ApiError::UnsupportedMediaType("multipart/form-data".to_owned()))
        );
        assert_eq!(
            check_content_type(Some("application/x-www-form-urlencoded")).unwrap_err().status(),
            415
        );
    }

    #[test]
    fn declared_length_is_checked_before_reading() {
        let limit = limits::MAX_BATCH_BODY_BYTES;
        assert_eq!(check_declared_length(None, limit), Ok(()));
        assert_eq!(check_declared_length(Some("524288"), limit), Ok(()));
        assert_eq!(
            check_declared_length(Some("524289"), limit),
            Err(ApiError::PayloadTooLarge { limit })
        );
        assert_eq!(
            check_declared_length(Some("99999999999999999999"), limit).unwrap_err().status(),
            400
        );
        assert_eq!(check_declared_length(Some("-1"), limit).unwrap_err().status(), 400);
        assert_eq!(
            check_length(16 * 1024 + 1, limits::MAX_SMALL_BODY_BYTES).unwrap_err().status(),
            413
        );
    }

    #[test]
    fn a_valid_session_start_parses() {
        let start: SessionStart = parse(START.as_bytes()).unwrap();
        assert_eq!(start.site_key.as_str(), "demo");
    }

    #[test]
    fn a_body_is_an_object_never_an_array() {
        use pulsegate_schema::MarketingKeyUpdate;
        for array in ["[]", " \n[ ]", "[[]]", "[\"demo\"]"] {
            let err = parse::<MarketingKeyUpdate>(array.as_bytes()).unwrap_err();
            assert_eq!(field_of(err.clone()), "body", "{array}");
            assert_eq!(err.body().error.message, "must be a JSON object, not an array");
        }
        assert!(parse::<MarketingKeyUpdate>(b"{}").is_ok(), "every field of an update is optional");
        for other in ["42", "\"x\"", "null", "true"] {
            assert_eq!(
                parse::<SessionStart>(other.as_bytes()).unwrap_err().status(),
                400,
                "{other}"
            );
        }
    }

    #[test]
    fn an_array_for_a_nested_object_is_a_wrong_type_naming_the_field() {
        // serde's derive would read `page` from its fields in order; it is an object or a 400.
        let page = START.replace(
            r#"{"url":"https://shop.example/pricing"}"#,
            r#"["https://shop.example/pricing",null,null]"#,
        );
        let err = parse::<SessionStart>(page.as_bytes()).unwrap_err();
        assert_eq!(field_of(err.clone()), "page");
        assert!(
            err.body().error.message.starts_with("invalid type: sequence, expected struct"),
            "{err:?}"
        );
        let device = START.replace(r#"}}"#, r#"},"device":["en-US"]}"#);
        assert_eq!(field_of(parse::<SessionStart>(device.as_bytes()).unwrap_err()), "device");
        // Deeper: a form field inside the list of fields.
        let form = r#"{"form_id":"quote","site_key":"demo","name":"Quote","fields":[["email","Email","email"]]}"#;
        let err = parse::<pulsegate_schema::FormDefinition>(form.as_bytes()).unwrap_err();
        assert_eq!(field_of(err), "fields[0]");
        // A map (event props) is an object too.
        let props = batch_with(r#"{"type":"custom","ts":1,"name":"n","props":[["plan","pro"]]}"#);
        assert_eq!(field_of(parse::<EventBatch>(props.as_bytes()).unwrap_err()), "events[0].props");
        // An event (internally tagged by `type`) is an object too, never `[type, ts, …]`.
        let event = batch_with(r#"["pageview",1,"https://a.example/"]"#);
        let err = parse::<EventBatch>(event.as_bytes()).unwrap_err();
        assert_eq!(field_of(err.clone()), "events[0]");
        assert!(err.body().error.message.contains("expected internally tagged enum"), "{err:?}");
        // Real arrays still read.
        assert!(parse::<SessionStart>(START.as_bytes()).is_ok());
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        for prefix in ["\u{FEFF}", "\u{FEFF} \n"] {
            let body = format!("{prefix}{START}");
            let start: SessionStart = parse(body.as_bytes()).unwrap();
            assert_eq!(start.site_key.as_str(), "demo", "{prefix:?}");
        }
        // One mark only, and only first: anything else stays a syntax error.
        for bad in
            [format!("\u{FEFF}\u{FEFF}{START}"), format!(" \u{FEFF}{START}"), "\u{FEFF}".to_owned()]
        {
            let err = parse::<SessionStart>(bad.as_bytes()).unwrap_err();
            assert!(matches!(err, ApiError::MalformedJson(_)), "{bad:?} → {err:?}");
        }
        assert_eq!(
            field_of(
                parse::<pulsegate_schema::MarketingKeyUpdate>("\u{FEFF}[]".as_bytes()).unwrap_err()
            ),
            "body"
        );
    }

    #[test]
    fn admin_names_are_made_inert_or_refused_when_nothing_is_left() {
        use pulsegate_schema::{NewMarketingKey, NewSite};
        let key: NewMarketingKey =
            clean(parse(br#"{"name":"Agency\u0000\u0007 <b>dash</b>\u202e"}"#).unwrap()).unwrap();
        assert_eq!(key.name, "Agency ＜b＞dash＜/b＞");
        let site: NewSite =
            clean(parse(br#"{"site_key":"demo","name":"Bright\u0001side\tSolar"}"#).unwrap())
                .unwrap();
        assert_eq!(site.name, "Brightside Solar");
        for nothing in [r#""\u0000\u0001""#, r#""\u202e\ufeff""#, r#"" \u0007 ""#] {
            let body = format!(r#"{{"name":{nothing}}}"#);
            let err = clean(parse::<NewMarketingKey>(body.as_bytes()).unwrap()).unwrap_err();
            assert_eq!(field_of(err), "name", "{nothing}");
        }
        let clean_name: NewMarketingKey =
            clean(parse(br#"{"name":"Plain name"}"#).unwrap()).unwrap();
        assert_eq!(clean_name.name, "Plain name");
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        let trailing = format!("{START} x");
        for bad in ["", "{", "{\"session_id\":", "not json", &trailing] {
            let err = parse::<SessionStart>(bad.as_bytes()).unwrap_err();
            assert!(matches!(err, ApiError::MalformedJson(_)), "{bad:?} → {err:?}");
        }
    }

    #[test]
    fn data_errors_name_the_field() {
        let wrong_type = START.replace("1764097200000", "\"soon\"");
        assert_eq!(
            field_of(parse::<SessionStart>(wrong_type.as_bytes()).unwrap_err()),
            "started_at"
        );

        let missing = START.replace(r#""site_key":"demo","#, "");
        assert_eq!(field_of(parse::<SessionStart>(missing.as_bytes()).unwrap_err()), "site_key");

        let unknown = START.replace(r#""site_key":"demo","#, r#""site_key":"demo","extra":1,"#);
        assert_eq!(field_of(parse::<SessionStart>(unknown.as_bytes()).unwrap_err()), "extra");

        let nested = START
            .replace("https://shop.example/pricing", "x")
            .replace(r#""url":"x""#, r#""url":5"#);
        assert_eq!(field_of(parse::<SessionStart>(nested.as_bytes()).unwrap_err()), "page.url");

        let bad_key = START.replace(r#""demo""#, r#""no spaces allowed""#);
        assert_eq!(field_of(parse::<SessionStart>(bad_key.as_bytes()).unwrap_err()), "site_key");
    }

    #[test]
    fn event_field_errors_point_inside_the_event() {
        let wrong_ts =
            batch_with(r#"{"type":"pageview","ts":"yesterday","url":"https://a.example/"}"#);
        assert_eq!(field_of(parse::<EventBatch>(wrong_ts.as_bytes()).unwrap_err()), "events[0].ts");

        let missing_url = batch_with(r#"{"type":"pageview","ts":1}"#);
        assert_eq!(
            field_of(parse::<EventBatch>(missing_url.as_bytes()).unwrap_err()),
            "events[0].url"
        );

        let bad_type = batch_with(r#"{"type":"teleport","ts":1}"#);
        assert_eq!(
            field_of(parse::<EventBatch>(bad_type.as_bytes()).unwrap_err()),
            "events[0].type"
        );

        let no_type = batch_with(r#"{"ts":1}"#);
        assert_eq!(
            field_of(parse::<EventBatch>(no_type.as_bytes()).unwrap_err()),
            "events[0].type"
        );

        let bad_action =
            batch_with(r#"{"type":"form_interaction","ts":1,"form_id":"f","action":"jump"}"#);
        assert_eq!(
            field_of(parse::<EventBatch>(bad_action.as_bytes()).unwrap_err()),
            "events[0].action"
        );

        let unknown = batch_with(r#"{"type":"scroll","ts":1,"percent":5,"depth":9}"#);
        assert_eq!(
            field_of(parse::<EventBatch>(unknown.as_bytes()).unwrap_err()),
            "events[0].depth"
        );

        let nested_prop =
            batch_with(r#"{"type":"custom","ts":1,"name":"n","props":{"plan":{"deep":1}}}"#);
        assert_eq!(
            field_of(parse::<EventBatch>(nested_prop.as_bytes()).unwrap_err()),
            "events[0].props.plan"
        );

        let second = r#"{"type":"scroll","ts":1,"percent":5},{"type":"click","ts":2,"selector":"a","x":1.5,"y":2}"#;
        assert_eq!(
            field_of(parse::<EventBatch>(batch_with(second).as_bytes()).unwrap_err()),
            "events[1].x"
        );
    }

    #[test]
    fn every_event_kind_is_re_read_for_its_field() {
        let all = [
            Event::Pageview(Pageview::default()),
            Event::Click(Click::default()),
            Event::Scroll(Scroll::default()),
            Event::Engagement(EngagementTime::default()),
            Event::FormInteraction(FormInteraction::default()),
            Event::Custom(Custom::default()),
            Event::Identify(Identify::default()),
            Event::Error(ErrorEvent::default()),
        ];
        for event in all {
            let mut json = serde_json::to_value(&event).unwrap();
            json["ts"] = serde_json::Value::String("late".to_owned());
            let body = batch_with(&json.to_string());
            assert_eq!(
                field_of(parse::<EventBatch>(body.as_bytes()).unwrap_err()),
                "events[0].ts",
                "{}",
                event.kind()
            );
        }
    }

    #[test]
    fn validation_errors_become_invalid_field() {
        let empty = batch_with("");
        assert_eq!(field_of(parse::<EventBatch>(empty.as_bytes()).unwrap_err()), "events");

        let long_url = batch_with(&format!(
            r#"{{"type":"pageview","ts":1,"url":"https://a.example/{}"}}"#,
            "a".repeat(limits::MAX_URL_LEN)
        ));
        assert_eq!(
            field_of(parse::<EventBatch>(long_url.as_bytes()).unwrap_err()),
            "events[0].url"
        );
    }

    #[test]
    fn messages_lose_the_line_and_column() {
        assert_eq!(
            strip_position("invalid type: string \"x\", expected u64 at line 1 column 9"),
            "invalid type: string \"x\", expected u64"
        );
        assert_eq!(strip_position("no position here"), "no position here");
    }
}
