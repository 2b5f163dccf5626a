//! Compact JSON text from any `Serialize` type, for the tests only: a minimal serde serializer
//! that the tests hold the SDK's hand-written bodies against (`wire.rs`, `form/submit.rs`). No
//! serializer ships in the wasm: the bodies are written member by member, the objects from the
//! page (props, the device facts) as JSON text in JS.
//!
//! Why not serde-wasm-bindgen + `JSON.stringify` (history): its per-field code (a cached JS string
//! per key, a JS value per field, errors that format numbers) cost 7 KB gzip of wasm in an early
//! build of this crate, half the SDK's budget. Writing the text directly needs no JS call except to
//! print a fractional `f64` (the shortest round-trip form, as `JSON.stringify` does).
//!
//! Escaping is what `JSON.stringify` and serde_json do: `"`, `\`, and control characters.

use alloc::string::String;
use core::fmt;

use serde::ser::{self, Serialize};

use crate::text::HEX_DIGITS;

/// Serializes `value` as compact JSON; `None` for shapes JSON cannot express (a map key that is
/// not a string, raw bytes).
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let mut writer = Writer { out: String::new() };
    value.serialize(&mut writer).ok()?;
    Some(writer.out)
}

/// The only error: a value JSON cannot express. It carries no message so that no formatting code
/// is linked in.
#[derive(Debug)]
pub(crate) struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unsupported value")
    }
}

impl core::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_message: T) -> Self {
        Self
    }
}

/// Appends JSON text to `out`.
#[derive(Debug)]
pub(crate) struct Writer {
    out: String,
}

type Done = Result<(), Unsupported>;

impl Writer {
    #[inline(never)]
    fn push(&mut self, text: &str) {
        self.out.push_str(text);
    }

    #[inline(never)]
    fn string(&mut self, s: &str) {
        pulsegate_schema::push_json_string(&mut self.out, s);
    }

    /// Decimal digits of `n`, most significant first (recursion depth at most 20).
    fn unsigned(&mut self, n: u64) {
        if n >= 10 {
            self.unsigned(n / 10);
        }
        self.push(HEX_DIGITS[(n % 10) as usize]);
    }

    fn signed(&mut self, n: i64) {
        if n < 0 {
            self.push("-");
        }
        self.unsigned(n.unsigned_abs());
    }

    fn float(&mut self, v: f64) {
        if !v.is_finite() {
            // What JSON.stringify does with NaN and the infinities.
            self.push("null");
        } else if v.abs() < 9_007_199_254_740_992.0 && (v as i64) as f64 == v {
            self.signed(v as i64);
        } else {
            self.push(&shortest_float(v));
        }
    }

    fn open(&mut self, bracket: &'static str) -> Compound<'_> {
        self.push(bracket);
        Compound { writer: self, first: true }
    }

    /// `{"variant":` — the start of an externally tagged enum variant with data.
    fn variant_key(&mut self, variant: &str) {
        self.push("{");
        self.string(variant);
        self.push(":");
    }
}

/// The shortest text that reads back as `v`, from the browser's own number printing.
#[cfg(target_family = "wasm")]
fn shortest_float(v: f64) -> String {
    crate::js::call0(&crate::js::num(v), "toString")
        .as_string()
        .unwrap_or_else(|| String::from("null"))
}

/// The shortest text that reads back as `v` (Rust's `Display` does the same as JS here).
#[cfg(not(target_family = "wasm"))]
fn shortest_float(v: f64) -> String {
    format!("{v}")
}

impl<'w> ser::Serializer for &'w mut Writer {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'w>;
    type SerializeTuple = Compound<'w>;
    type SerializeTupleStruct = Compound<'w>;
    type SerializeTupleVariant = Compound<'w>;
    type SerializeMap = Compound<'w>;
    type SerializeStruct = Compound<'w>;
    type SerializeStructVariant = Compound<'w>;

    fn serialize_bool(self, v: bool) -> Done {
        self.push(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.signed(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.unsigned(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.float(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Done {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Done {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Done {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.push("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Done {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Done {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.variant_key(variant);
        value.serialize(&mut *self)?;
        self.push("}");
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open("["))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open("["))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open("["))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>, Unsupported> {
        self.variant_key(variant);
        Ok(self.open("["))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open("{"))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open("{"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>, Unsupported> {
        self.variant_key(variant);
        Ok(self.open("{"))
    }
}

/// An array or object being written; closes itself in `end`.
#[derive(Debug)]
pub(crate) struct Compound<'w> {
    writer: &'w mut Writer,
    first: bool,
}

impl Compound<'_> {
    fn separator(&mut self) {
        if !self.first {
            self.writer.push(",");
        }
        self.first = false;
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.separator();
        value.serialize(&mut *self.writer)
    }

    /// One `"key":value` (struct field names are plain ASCII: no escaping). Not inlined: one
    /// copy per field type instead of one per field keeps the wasm small.
    #[inline(never)]
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Done {
        self.field_key(key);
        value.serialize(&mut *self.writer)
    }

    /// `,"key":` (or `"key":` first).
    #[inline(never)]
    fn field_key(&mut self, key: &str) {
        self.writer.push(if self.first { "\"" } else { ",\"" });
        self.first = false;
        self.writer.push(key);
        self.writer.push("\":");
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.separator();
        let start = self.writer.out.len();
        key.serialize(&mut *self.writer)?;
        // JSON object keys must be strings.
        if self.writer.out.as_bytes().get(start) != Some(&b'"') {
            return Err(Unsupported);
        }
        self.writer.push(":");
        Ok(())
    }

    fn close(self, bracket: &str) -> Done {
        self.writer.push(bracket);
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        self.close("]")
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        self.close("]")
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        self.close("]")
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        self.writer.push("]");
        self.close("}")
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Done {
        self.close("}")
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.field(key, value)
    }
    fn end(self) -> Done {
        self.close("}")
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.field(key, value)
    }
    fn end(self) -> Done {
        self.writer.push("}");
        self.close("}")
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use alloc::borrow::ToOwned;
    use alloc::collections::BTreeMap;
    use alloc::vec;

    use pulsegate_schema::{
        BatchId, BotSignal, Click, ConsentTier, Custom, Device, DeviceClass, Event, EventBatch,
        Fingerprint, FingerprintId, FormAction, FormInteraction, PageContext, Pageview, PropValue,
        SessionId, SessionStart, SiteKey, Utm, VisitorId,
    };
    use serde::Serialize;

    use super::to_string;

    /// Same text as serde_json, the reference the worker parses with.
    fn same_as_serde_json<T: Serialize>(value: &T) {
        assert_eq!(to_string(value).unwrap(), serde_json::to_string(value).unwrap());
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        for s in
            ["", "plain", "q\"b\\s/", "\n\r\t\u{0}\u{1}\u{1f}", "é ü 日本 🦀", "\u{2028}\u{7f}"]
        {
            same_as_serde_json(&s);
        }
        // serde_json writes \b and \f in their short forms; both read back as the same text.
        let text = to_string("a\u{8}b\u{c}").unwrap();
        assert_eq!(text, "\"a\\u0008b\\u000c\"");
        assert_eq!(serde_json::from_str::<String>(&text).unwrap(), "a\u{8}b\u{c}");
    }

    #[test]
    fn numbers() {
        for n in [0u64, 7, 10, 1_764_097_200_000, u64::MAX] {
            same_as_serde_json(&n);
        }
        for n in [0i64, -1, i64::MIN, i64::MAX] {
            same_as_serde_json(&n);
        }
        assert_eq!(to_string(&2.0f64).unwrap(), "2");
        assert_eq!(to_string(&-3.0f64).unwrap(), "-3");
        assert_eq!(to_string(&1.25f64).unwrap(), "1.25");
        assert_eq!(to_string(&f64::NAN).unwrap(), "null");
        assert_eq!(to_string(&f64::INFINITY).unwrap(), "null");
    }

    #[test]
    fn wire_types_match_serde_json() {
        let session_id = SessionId::from_random_bytes([0x5a; 16]);
        let page = PageContext {
            url: "https://shop.example/p?q=\"x\"".into(),
            referrer: None,
            title: Some("Pricing".into()),
        };
        same_as_serde_json(&SessionStart {
            session_id,
            site_key: SiteKey::parse("demo").unwrap(),
            started_at: 1_764_097_200_000,
            page,
            device: Device {
                language: Some("en-US".into()),
                timezone: Some("Europe/Berlin".into()),
                screen_width: Some(1920),
                screen_height: Some(1080),
                viewport_width: None,
                viewport_height: Some(720),
                pixel_ratio: None,
                languages: vec!["en-US".into(), "de".into()],
                device_class: Some(DeviceClass::Tablet),
            },
            visitor_id: Some(VisitorId::from_random_bytes([0x11; 16])),
            consent: ConsentTier::Marketing,
            utm: Some(Utm { source: Some("news".into()), ..Utm::default() }),
            fingerprint: Some(Fingerprint {
                id: FingerprintId::parse(&"ab".repeat(32)).unwrap(),
                confidence: 90,
                sources: 12,
                ms: 40,
            }),
            bot: vec![BotSignal::Webdriver, BotSignal::ZeroOuterSize],
        });
        let props = BTreeMap::from([
            ("plan".to_owned(), PropValue::String("pro".into())),
            ("seats".to_owned(), PropValue::Number(3.0)),
            ("trial".to_owned(), PropValue::Bool(false)),
            ("x".to_owned(), PropValue::Null),
        ]);
        let batch = EventBatch {
            batch_id: BatchId::from_random_bytes([1; 16]),
            session_id,
            session_started_at: 1,
            sent_at: 2,
            events: vec![
                Event::Pageview(Pageview {
                    ts: 3,
                    url: "https://a.example/".into(),
                    ..Default::default()
                }),
                Event::Click(Click {
                    ts: 4,
                    selector: "a.cta".into(),
                    x: -5,
                    y: 6,
                    ..Default::default()
                }),
                Event::FormInteraction(FormInteraction {
                    ts: 5,
                    form_id: "contact".into(),
                    field: Some("email".into()),
                    action: FormAction::Submit,
                    filled: Some(2),
                    fields: Some(4),
                }),
                Event::Custom(Custom { ts: 6, name: "signup".into(), props }),
            ],
        };
        let text = to_string(&batch).unwrap();
        // The Number(3.0) prop prints as 3 here and 3.0 in serde_json; the values are equal.
        assert_eq!(
            text,
            serde_json::to_string(&batch).unwrap().replace("\"seats\":3.0", "\"seats\":3")
        );
        assert_eq!(serde_json::from_str::<EventBatch>(&text).unwrap(), batch);
    }

    #[test]
    fn non_string_map_keys_are_refused() {
        let map = BTreeMap::from([(1u8, true)]);
        assert!(to_string(&map).is_none());
        assert_eq!(to_string(&BTreeMap::from([("k", 1u8)])).unwrap(), "{\"k\":1}");
    }

    #[test]
    fn externally_tagged_and_sequence_shapes() {
        #[derive(Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, bool),
            Struct { a: u8 },
        }
        for e in [E::Unit, E::New(1), E::Tuple(2, true), E::Struct { a: 3 }] {
            same_as_serde_json(&e);
        }
        same_as_serde_json(&(1u8, "two", [3u8, 4]));
        same_as_serde_json(&Some(vec![Some(1u8), None]));
        same_as_serde_json(&'x');
        same_as_serde_json(&());
    }

    proptest::proptest! {
        /// Any text reads back unchanged through serde_json (the worker's parser); any whole number
        /// is written byte for byte as serde_json writes it.
        #[test]
        fn any_string_or_integer_matches_serde_json(s in "\\PC*", ctl in "[\u{0}-\u{1f}\u{7f}\"\\\\]{0,8}", n in proptest::prelude::any::<u64>(), i in proptest::prelude::any::<i64>()) {
            let text = format!("{s}{ctl}");
            let mine = to_string(&text).unwrap();
            let reference = serde_json::from_str::<String>(&mine).unwrap();
            proptest::prop_assert_eq!(reference, text);
            proptest::prop_assert_eq!(to_string(&n).unwrap(), serde_json::to_string(&n).unwrap());
            proptest::prop_assert_eq!(to_string(&i).unwrap(), serde_json::to_string(&i).unwrap());
        }
    }
}
