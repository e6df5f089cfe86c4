//! A JSON value deserializer that refuses an array wherever a struct is expected.
//!
//! Why: serde's derived `Deserialize` for a struct also accepts a sequence of its fields in
//! order, so `{"forecast": [null, null]}` used to be read as a plan request with default
//! forecast options (found by schemathesis: the document says `forecast` is an object).
//! No client means that, and answering 202 to a body the document forbids misleads. This
//! wrapper walks the value the way `serde_json::Value` does, but answers
//! `deserialize_struct` on an array with a type error, at every depth; serde_path_to_error
//! around it still names the field. Struct fields reached through a buffered enum
//! (`#[serde(untagged)]`, internally tagged) are read from serde's own buffer and so keep
//! serde's leniency; the request types use neither for struct-valued fields.

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Error, Map, Value};

/// A `serde_json::Value` read strictly: structs only from objects.
pub(crate) struct Strict(pub Value);

impl<'de> de::Deserializer<'de> for Strict {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Seq(items.into_iter())),
            Value::Object(fields) => visitor.visit_map(Fields::new(fields)),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Fields::new(map)),
            Value::Array(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &"a JSON object")),
            other => other.deserialize_struct(name, fields, visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Fields::new(map)),
            other => other.deserialize_map(visitor),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Seq(items.into_iter())),
            other => other.deserialize_seq(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Seq(items.into_iter())),
            other => other.deserialize_tuple(len, visitor),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Seq(items.into_iter())),
            other => other.deserialize_tuple_struct(name, len, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Strict(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct identifier ignored_any
    }
}

/// The elements of an array, each read strictly.
struct Seq(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Seq {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(Strict(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The fields of an object, each value read strictly.
struct Fields {
    iter: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl Fields {
    fn new(map: Map<String, Value>) -> Self {
        Self { iter: map.into_iter(), value: None }
    }
}

impl<'de> MapAccess<'de> for Fields {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Strict(value)),
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(default, deny_unknown_fields)]
    struct Inner {
        a: Option<u32>,
        b: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(default)]
        inner: Inner,
        list: Vec<Inner>,
        pair: (u8, u8),
        kind: Kind,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        One,
    }

    fn read(v: Value) -> Result<Outer, String> {
        serde_path_to_error::deserialize(Strict(v)).map_err(|e| {
            let path = e.path().to_string();
            format!("{path}: {}", e.into_inner())
        })
    }

    #[test]
    fn objects_read_as_before_and_arrays_for_structs_are_refused_at_any_depth() {
        let ok = read(serde_json::json!({
            "inner": {"a": 1}, "list": [{"b": "x"}], "pair": [1, 2], "kind": "one"
        }))
        .unwrap();
        assert_eq!(ok.inner.a, Some(1));
        assert_eq!(ok.list[0].b.as_deref(), Some("x"));
        assert_eq!(ok.pair, (1, 2));
        let nested =
            serde_json::json!({"inner": [null, null], "list": [], "pair": [1, 2], "kind": "one"});
        let err = read(nested).unwrap_err();
        assert!(err.starts_with("inner: invalid type: sequence, expected a JSON object"), "{err}");
        let deep = serde_json::json!({"list": [[1, "x"]], "pair": [1, 2], "kind": "one"});
        assert!(read(deep).unwrap_err().starts_with("list[0]: invalid type: sequence"));
        // serde_json's own reader would have taken both.
        let lenient: Result<Outer, _> = serde_json::from_value(serde_json::json!({
            "inner": [null, null], "list": [], "pair": [1, 2], "kind": "one"
        }));
        assert!(lenient.is_ok());
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_still_named() {
        let err = read(serde_json::json!({"list": [], "pair": [1, 2], "kind": "one", "x": 1}))
            .unwrap_err();
        assert!(err.contains("unknown field `x`"), "{err}");
        let err = read(
            serde_json::json!({"inner": {"a": "no"}, "list": [], "pair": [1, 2], "kind": "one"}),
        )
        .unwrap_err();
        assert!(err.starts_with("inner.a: invalid type: string"), "{err}");
    }
}
