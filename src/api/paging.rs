//! Paging of the list endpoints (`GET /v1/jobs`, `/v1/forecasts`, `/v1/plans`,
//! `/v1/experiments`): a `limit` and an opaque `cursor`, answered with
//! `{"items": [...], "next_cursor": "..." | null}`.
//!
//! Lists are newest first and paged by keyset ([`crate::store::After`]): the cursor holds
//! the `(created_at, id)` of the last item shown, so records written while a client pages
//! through neither shift nor repeat the items still to come, and a deep page costs what the
//! first one does. The cursor is hex text so it passes through a URL unescaped; clients
//! are told it is opaque (only the server reads it), which leaves its content free to
//! change. It names its list, so a cursor of one list given to another is refused instead
//! of silently starting somewhere unrelated.
//!
//! Bounded work: at most [`MAX_LIMIT`] summaries per request (lists never carry a job's
//! request or result), and a cursor longer than [`MAX_CURSOR_CHARS`] is refused unread.

use super::error::{ApiError, out_of_range};
use crate::store::After;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: u64 = 50;
/// Most items per page.
pub const MAX_LIMIT: u64 = 500;
/// Longest cursor accepted (a real one is about 150 characters).
pub const MAX_CURSOR_CHARS: usize = 1024;

/// The paging parameters every list takes.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page (count, 1-500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Where the page starts: the `next_cursor` of the page before (opaque; absent = the
    /// newest items).
    #[param(max_length = 1024)]
    pub cursor: Option<String>,
}

/// A checked page request: how many items, and after which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// Items to show (1..=[`MAX_LIMIT`]).
    pub limit: usize,
    /// The position the page starts after, `None` for the first page.
    pub after: Option<After>,
}

impl Page {
    /// Checks `limit` and decodes `cursor` for the list named `list`.
    ///
    /// # Errors
    /// [`ApiError::InvalidField`]: `out_of_range` naming `limit`, `invalid_cursor` naming
    /// `cursor`.
    pub(crate) fn new(
        list: &str,
        limit: Option<u64>,
        cursor: Option<&str>,
    ) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(out_of_range("limit", format!("must be 1-{MAX_LIMIT}, got {limit}")));
        }
        let after = cursor.map(|c| decode(list, c)).transpose()?;
        // In range by the check above.
        Ok(Self { limit: limit as usize, after })
    }

    /// Rows to ask the store for: one more than shown, to tell whether a next page exists.
    pub(crate) fn fetch(&self) -> usize {
        self.limit + 1
    }

    /// The page's items from the `rows` fetched ([`Page::fetch`] of them at most) and the
    /// cursor of the next page, `None` when this page is the last; `key` is an item's
    /// `(created_at, id)`.
    pub(crate) fn finish<T>(
        &self,
        list: &str,
        mut rows: Vec<T>,
        key: impl Fn(&T) -> (DateTime<Utc>, &str),
    ) -> (Vec<T>, Option<String>) {
        if rows.len() <= self.limit {
            return (rows, None);
        }
        rows.truncate(self.limit);
        let next = rows.last().map(|last| {
            let (created_at, id) = key(last);
            encode(list, created_at, id)
        });
        (rows, next)
    }
}

/// The version tag of the cursor's text, changed whenever its layout changes.
const CURSOR_VERSION: &str = "c1";

/// The cursor of the position after `(created_at, id)` in list `list`.
pub(crate) fn encode(list: &str, created_at: DateTime<Utc>, id: &str) -> String {
    let text = format!(
        "{CURSOR_VERSION}\n{list}\n{}\n{id}",
        created_at.to_rfc3339_opts(SecondsFormat::Millis, true)
    );
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The position a cursor of list `list` holds.
///
/// # Errors
/// [`ApiError::InvalidField`] `invalid_cursor` naming `cursor`.
pub(crate) fn decode(list: &str, cursor: &str) -> Result<After, ApiError> {
    let bad = |why: &str| {
        ApiError::field(
            "invalid_cursor",
            "cursor",
            format!("{why}: pass back the `next_cursor` of a page of this list unchanged"),
        )
    };
    if cursor.len() > MAX_CURSOR_CHARS {
        return Err(bad(&format!("longer than {MAX_CURSOR_CHARS} characters")));
    }
    if !cursor.len().is_multiple_of(2) || !cursor.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("not a cursor of this server"));
    }
    let bytes: Option<Vec<u8>> = cursor
        .as_bytes()
        .chunks(2)
        .map(|pair| std::str::from_utf8(pair).ok().and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    let text = bytes.and_then(|b| String::from_utf8(b).ok()).ok_or_else(|| bad("not text"))?;
    let mut parts = text.splitn(4, '\n');
    let (Some(version), Some(of), Some(created), Some(id)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not a cursor of this server"));
    };
    if version != CURSOR_VERSION {
        return Err(bad("a cursor of another version of this server"));
    }
    if of != list {
        return Err(bad(&format!("a cursor of `{of}`, not of `{list}`")));
    }
    let created_at = DateTime::parse_from_rfc3339(created)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad("not a cursor of this server"))?;
    if id.is_empty() {
        return Err(bad("not a cursor of this server"));
    }
    Ok(After { created_at, id: id.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: ApiError) -> (String, String) {
        let ApiError::InvalidField { code, field, .. } = e else { panic!("{e}") };
        (code.to_owned(), field)
    }

    #[test]
    fn a_cursor_reads_back_and_only_in_its_own_list() {
        let t = DateTime::parse_from_rfc3339("2026-12-01T10:00:00.123Z").unwrap().to_utc();
        let c = encode("jobs", t, "job-1");
        assert!(c.bytes().all(|b| b.is_ascii_hexdigit()), "{c}");
        assert_eq!(decode("jobs", &c).unwrap(), After { created_at: t, id: "job-1".into() });
        assert_eq!(
            field_of(decode("plans", &c).unwrap_err()),
            ("invalid_cursor".into(), "cursor".into())
        );
        for bad in ["", "zz", "abc", &"00".repeat(600), "6331", &encode("jobs", t, "")] {
            assert_eq!(field_of(decode("jobs", bad).unwrap_err()).1, "cursor", "{bad}");
        }
    }

    #[test]
    fn limits_are_bounded_and_the_last_page_has_no_cursor() {
        assert_eq!(Page::new("jobs", None, None).unwrap().limit, 50);
        for bad in [0, 501, u64::MAX] {
            let e = Page::new("jobs", Some(bad), None).unwrap_err();
            assert_eq!(field_of(e), ("out_of_range".into(), "limit".into()));
        }
        let page = Page::new("jobs", Some(2), None).unwrap();
        assert_eq!(page.fetch(), 3);
        fn key<'b>(s: &'b &'static str) -> (DateTime<Utc>, &'b str) {
            (DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z").unwrap().to_utc(), s)
        }
        let (items, next) = page.finish("jobs", vec!["c", "b", "a"], key);
        assert_eq!(items, vec!["c", "b"]);
        assert_eq!(decode("jobs", &next.unwrap()).unwrap().id, "b");
        let (items, next) = page.finish("jobs", vec!["b", "a"], key);
        assert_eq!((items.len(), next), (2, None));
    }
}
