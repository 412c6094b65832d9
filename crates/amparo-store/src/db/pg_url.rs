//! The TLS settings of a PostgreSQL connection string, taken out before the driver parses the rest:
//! the driver knows `sslmode` only up to `require` and has no `sslrootcert`.

use std::path::PathBuf;

use crate::db::options::SslMode;
use crate::error::{StoreError, StoreResult};

/// A connection string split into its TLS settings and everything else.
#[derive(Debug, PartialEq, Eq)]
pub struct TlsParts {
    pub rest: String,
    pub ssl_mode: Option<SslMode>,
    pub ssl_root_cert: Option<PathBuf>,
}

/// Splits `sslmode` and `sslrootcert` out of a `postgres://` URL or a `key=value` string.
pub fn split_tls(text: &str) -> StoreResult<TlsParts> {
    let mut ssl_mode = None;
    let mut ssl_root_cert = None;
    let mut take = |key: &str, value: &str| -> StoreResult<bool> {
        match key {
            "sslmode" => {
                ssl_mode = Some(SslMode::parse(value).ok_or_else(|| {
                    StoreError::Backend(format!(
                        "not a usable PostgreSQL URL: sslmode={value:?} is not one of {}",
                        SslMode::NAMES
                    ))
                })?);
                Ok(true)
            }
            "sslrootcert" => {
                ssl_root_cert = Some(PathBuf::from(value));
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let rest = if text.starts_with("postgres://") || text.starts_with("postgresql://") {
        // The query is filtered as written, each kept pair byte for byte: re-encoding it would
        // turn spaces into '+', which the driver does not read back as spaces.
        let (base, query) = text.split_once('?').unwrap_or((text, ""));
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decoded(value)?;
            if !take(key, &value)? {
                kept.push(pair);
            }
        }
        if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) }
    } else {
        let mut kept = Vec::new();
        for pair in text.split_whitespace() {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(key, value)? {
                kept.push(pair);
            }
        }
        kept.join(" ")
    };
    Ok(TlsParts { rest, ssl_mode, ssl_root_cert })
}

/// A query value with its `%XX` escapes decoded.
fn percent_decoded(value: &str) -> StoreResult<String> {
    url::form_urlencoded::parse(format!("v={}", value.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, decoded)| decoded.into_owned())
        .ok_or_else(|| StoreError::Backend("not a usable PostgreSQL URL: a query value".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_settings_are_taken_out_of_a_url_and_the_rest_kept() {
        let parts = split_tls(
            "postgres://u@db.example:5432/amparo?sslmode=verify-full&options=-c%20search_path%3Dt&sslrootcert=%2Fetc%2Fca.pem",
        )
        .unwrap();
        assert_eq!(parts.ssl_mode, Some(SslMode::VerifyFull));
        assert_eq!(parts.ssl_root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(parts.rest, "postgres://u@db.example:5432/amparo?options=-c%20search_path%3Dt");
        let plain = split_tls("postgres://u@db.example/amparo").unwrap();
        assert_eq!((plain.rest.as_str(), plain.ssl_mode), ("postgres://u@db.example/amparo", None));
    }

    #[test]
    fn tls_settings_are_taken_out_of_key_value_text() {
        let parts = split_tls("host=db.example sslmode=require dbname=amparo").unwrap();
        assert_eq!(
            (parts.rest.as_str(), parts.ssl_mode),
            ("host=db.example dbname=amparo", Some(SslMode::Require))
        );
    }

    #[test]
    fn an_unknown_sslmode_is_refused_naming_the_choices() {
        let error = split_tls("postgres://u@h/d?sslmode=allow").unwrap_err().to_string();
        assert!(error.contains("sslmode=\"allow\"") && error.contains("verify-full"), "{error}");
    }
}
