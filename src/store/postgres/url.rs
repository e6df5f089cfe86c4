//! Store URLs in messages: the password never shows.
//!
//! A `postgres://user:secret@host/db` URL (or `?password=secret`) names the store in every
//! error and log line, so it is shown with the password replaced by `***`.

/// `url` with the password of its user-info part and any `password=` parameter replaced
/// by `***`.
pub(crate) fn redact(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => (&url[..i + 3], &url[i + 3..]),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => {
            let (user_info, host) = authority.split_at(at);
            match user_info.find(':') {
                Some(colon) => format!("{}:***{host}", &user_info[..colon]),
                None => authority.to_owned(),
            }
        }
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => p.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://app:s3cr%40t@db.example:5432/stock?sslmode=disable"),
            "postgres://app:***@db.example:5432/stock?sslmode=disable"
        );
        assert_eq!(
            redact("postgresql://app@h/db?password=hunter2&application_name=x"),
            "postgresql://app@h/db?password=***&application_name=x"
        );
        assert_eq!(redact("postgres://h:1/db"), "postgres://h:1/db");
        assert_eq!(redact("postgres://a:b:c@h"), "postgres://a:***@h");
    }
}
