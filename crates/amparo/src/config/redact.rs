//! Values made safe to print and log.

/// A database URL with any password replaced, safe to print and log.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://amparo:s3cret@db:5432/amparo"),
            "postgres://amparo:***@db:5432/amparo"
        );
        assert_eq!(redact_url("postgres://amparo@db/amparo"), "postgres://amparo@db/amparo");
        assert_eq!(redact_url("./amparo.db"), "./amparo.db");
    }
}
