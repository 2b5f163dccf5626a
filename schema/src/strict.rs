//! A deserializer wrapper that reads a struct or a map only from a JSON object, never from an array.
//!
//! serde's derived `Deserialize` also reads a struct from a sequence of its fields in declaration
//! order, so `"page": ["https://a.example/", null, "Pricing"]` would pass where `"page": {…}` is
//! meant. [`Strict`] wraps any deserializer and, at every depth, answers a sequence where a
//! struct or a map is asked for with serde's own wrong-type error ("invalid type: sequence,
//! expected struct PageInfo"), so the caller's path tracking names the field like any other
//! wrong type. An internally tagged enum (`#[serde(tag = "type")]`, such as an event) is read like
//! a struct too, and serde would also take it from `["pageview", …]`: refused the same way.
//! Everything else is passed through unchanged.

use core::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use crate::prelude::*;

/// Wraps a deserializer, an access or a seed; see the module.
#[derive(Clone, Copy, Debug)]
pub struct Strict<D>(pub D);

/// Deserializes a `T` from `d`, refusing arrays where objects are expected.
pub fn deserialize<'de, T: de::Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<T, D::Error> {
    T::deserialize(Strict(d))
}

/// A visitor wrapped; `object` when a struct or a map was asked for, `any` when the type asked
/// for whatever the input holds (an internally tagged enum does).
struct Visit<V> {
    inner: V,
    object: bool,
    any: bool,
}

fn any<V>(inner: V) -> Visit<V> {
    Visit { inner, object: false, any: false }
}

/// Whether `visitor` reads an internally tagged enum: serde's derive names it so in what it
/// expects ("internally tagged enum Event"). Compared as it is written, without allocating.
fn tagged_enum<'de, V: Visitor<'de>>(visitor: &V) -> bool {
    struct StartsWith {
        prefix: &'static [u8],
        at: usize,
        differs: bool,
    }
    impl fmt::Write for StartsWith {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for &b in s.as_bytes() {
                match self.prefix.get(self.at) {
                    // The whole prefix matched: stop formatting.
                    None => return Err(fmt::Error),
                    Some(&p) if p != b => {
                        self.differs = true;
                        return Err(fmt::Error);
                    }
                    Some(_) => self.at += 1,
                }
            }
            Ok(())
        }
    }
    let mut sink = StartsWith { prefix: b"internally tagged enum ", at: 0, differs: false };
    let expected: &dyn de::Expected = visitor;
    let _ = fmt::write(&mut sink, format_args!("{expected}"));
    !sink.differs && sink.at == sink.prefix.len()
}

macro_rules! forward_plain {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(any(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Visit { inner: visitor, object: false, any: true })
    }

    forward_plain!(
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_identifier,
        deserialize_ignored_any
    );

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Visit { inner: visitor, object: true, any: false })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Visit { inner: visitor, object: true, any: false })
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, any(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, any(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, any(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, any(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, any(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Visit<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>)
    );

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Strict(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Strict(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if self.object || (self.any && tagged_enum(&self.inner)) {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self.inner));
        }
        self.inner.visit_seq(Strict(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Strict(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(Strict(data))
    }
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for Strict<T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T::Value, D::Error> {
        self.0.deserialize(Strict(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Strict<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Strict(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Strict<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Strict(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Strict<A> {
    type Error = A::Error;
    type Variant = Strict<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        self.0.variant_seed(seed).map(|(value, variant)| (value, Strict(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Strict<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Strict(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, any(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Visit { inner: visitor, object: true, any: false })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        a: u32,
        b: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        inner: Inner,
        list: Vec<Inner>,
        maybe: Option<Inner>,
        map: BTreeMap<String, u32>,
        pair: (u32, u32),
    }

    fn strict<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        deserialize(&mut de).map_err(|e: serde_json::Error| e.to_string())
    }

    const GOOD: &str =
        r#"{"inner":{"a":1},"list":[{"a":2,"b":"x"}],"maybe":{"a":3},"map":{"k":4},"pair":[5,6]}"#;

    #[test]
    fn objects_and_real_arrays_still_read() {
        let plain: Outer = serde_json::from_str(GOOD).unwrap();
        assert_eq!(strict::<Outer>(GOOD).unwrap(), plain);
        assert_eq!(plain.pair, (5, 6));
    }

    #[test]
    fn a_sequence_for_a_struct_is_refused_at_every_depth() {
        for (from, to) in [
            (r#"{"a":1}"#, r#"[1,null]"#),
            (r#"[{"a":2,"b":"x"}]"#, r#"[[2,"x"]]"#),
            (r#"{"a":3}"#, r#"[3,null]"#),
            (r#"{"k":4}"#, r#"[4]"#),
        ] {
            let body = GOOD.replacen(from, to, 1);
            assert!(serde_json::from_str::<Outer>(&body).is_ok() || to == "[4]", "{body}");
            let err = strict::<Outer>(&body).unwrap_err();
            assert!(err.starts_with("invalid type: sequence, expected"), "{body}: {err}");
        }
        assert!(strict::<Inner>("[1,null]").unwrap_err().contains("expected struct Inner"));
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "type")]
    enum Tagged {
        A { n: u32 },
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(untagged)]
    enum Either {
        Number(u32),
        List(Vec<u32>),
    }

    #[test]
    fn an_internally_tagged_enum_is_an_object_but_values_keep_their_arrays() {
        assert_eq!(strict::<Tagged>(r#"{"type":"A","n":1}"#).unwrap(), Tagged::A { n: 1 });
        assert_eq!(serde_json::from_str::<Tagged>(r#"["A",1]"#).unwrap(), Tagged::A { n: 1 });
        let err = strict::<Tagged>(r#"["A",1]"#).unwrap_err();
        assert!(
            err.starts_with("invalid type: sequence, expected internally tagged enum"),
            "{err}"
        );
        assert_eq!(strict::<Either>("[1,2]").unwrap(), Either::List(vec![1, 2]));
        let value: serde_json::Value = strict(r#"{"a":[1,[2]]}"#).unwrap();
        assert_eq!(value["a"][1][0], 2);
    }
}
