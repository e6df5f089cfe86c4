//! Request extractors whose rejections are [`ApiError`]s, so that a bad body or query gets
//! the same JSON error as every other failure (axum's own `Json` rejects with plain text).
//!
//! [`AppJson`] reads the body (bounded by the router's body limit: an oversized body is a
//! 413), requires a JSON content type (415), and deserializes with `serde_path_to_error`,
//! so a type error names the field's path (`stops[3].location`, 422) while a syntax error
//! is a 400 with line and column.

use super::error::ApiError;
use super::strict_json::Strict;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

/// A JSON body, deserialized; rejections are [`ApiError`]s.
#[derive(Debug, Clone)]
pub struct AppJson<T>(pub T);

/// The body limit, as the router was configured (for the 413 message).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub usize);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json") || mime.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let limit = req.extensions().get::<BodyLimit>().map_or(0, |l| l.0);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit }
            } else {
                ApiError::MalformedJson { message: rejection.body_text() }
            }
        })?;
        parse(&bytes).map(AppJson)
    }
}

/// Deserializes a JSON document, telling syntax errors (400) from data errors (422, with
/// the field's path).
///
/// Every request body is a JSON object, and so is every struct inside it: serde would also
/// read a struct from an array of its fields in order (`[null, null]`), which no client
/// means and the document does not allow, so anything but an object is a 422 on `body`,
/// and an array where a nested struct belongs a 422 on its field ([`Strict`]). A number with no fractional part
/// (`211.0`) is an integer in JSON Schema, which the document follows, so such numbers are
/// read as integers wherever an integer is expected.
///
/// # Errors
/// [`ApiError::MalformedJson`], [`ApiError::InvalidField`] with code `invalid_field`.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::MalformedJson { message: e.to_string() })?;
    if !value.is_object() {
        return Err(ApiError::field("invalid_field", "body", "the body must be a JSON object"));
    }
    integral_floats_to_integers(&mut value);
    serde_path_to_error::deserialize(Strict(value)).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::field("invalid_field", field, strip_position(&e.into_inner().to_string()))
    })
}

/// Largest magnitude below which every integer is exact in an `f64` (2^53).
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// Rewrites every float with no fractional part (and exact in an `f64`) as an integer.
/// Iterative, so a deeply nested body cannot overflow the stack (serde_json already
/// refuses nesting beyond 128 levels).
fn integral_floats_to_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Number(n) if n.is_f64() => {
                if let Some(x) = n.as_f64()
                    && x.fract() == 0.0
                    && x.abs() < EXACT_INTEGERS
                {
                    // Exact by the bound above.
                    *v = Value::from(x as i64);
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(fields) => stack.extend(fields.values_mut()),
            _ => {}
        }
    }
}

/// serde_json appends " at line L column C" to data errors; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A query string, deserialized; rejections are [`ApiError`]s (422 naming the parameter).
#[derive(Debug, Clone)]
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(AppQuery).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { "query".to_owned() } else { field };
            ApiError::field("invalid_field", field, e.into_inner().to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        n: u32,
    }

    #[test]
    fn syntax_errors_are_400_and_type_errors_name_the_path() {
        let e = parse::<Body>(b"{\"items\": [").unwrap_err();
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        let e = parse::<Body>(br#"{"items": [{"n": 1}, {"n": "x"}]}"#).unwrap_err();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let ApiError::InvalidField { field, .. } = e else { panic!("{e}") };
        assert_eq!(field, "items[1].n");
        let e = parse::<Body>(br#"{"items": [], "extra": 1}"#).unwrap_err();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(parse::<Body>(br#"{"items": []} x"#).is_err());
        assert!(parse::<Body>(br#"{"items": [{"n": 3}]}"#).is_ok());
    }

    #[test]
    fn only_objects_are_bodies_and_integral_floats_are_integers() {
        let e = parse::<Body>(b"[[]]").unwrap_err();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let ApiError::InvalidField { field, .. } = e else { panic!("{e}") };
        assert_eq!(field, "body");
        let b = parse::<Body>(br#"{"items": [{"n": 211.0}, {"n": -0.0}]}"#);
        assert_eq!(b.map(|b| b.items.len()).ok(), Some(2));
        let e = parse::<Body>(br#"{"items": [{"n": 2.5}]}"#).unwrap_err();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let e = parse::<Body>(br#"{"items": [{"n": 1e300}]}"#).unwrap_err();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
