//! Where a person is sent once signed in (`next`): only a path of this site. Anything else —
//! another site (`https://…`, `//host`, `/\host`), or a path a browser would rewrite into one by
//! dropping a tab or line break (`/<tab>/host`) — is replaced by the home page. The candidate is parsed
//! by a URL parser against a fixed base and must keep that base's origin; the path handed back is the
//! parser's own serialisation, percent-encoded, so it is always a valid `Location` header.

use url::Url;

/// The origin every candidate is resolved against; never shown or followed.
const BASE: &str = "http://amparo.invalid/";

/// `next` when it is a same-origin absolute path, else `/`.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_origin_path).unwrap_or_else(|| String::from("/"))
}

fn same_origin_path(candidate: &str) -> Option<String> {
    if !candidate.starts_with('/') || candidate.starts_with("//") || !plain(candidate) {
        return None;
    }
    // The path once decoded must pass too: a browser or proxy that decodes it must not find a
    // second slash, a backslash or a control character that the encoded form hid.
    let path_part = candidate.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decoded(path_part)?;
    if decoded.starts_with("//") || !plain(&decoded) {
        return None;
    }
    let base = Url::parse(BASE).ok()?;
    let resolved = base.join(candidate).ok()?;
    if resolved.origin() != base.origin() {
        return None;
    }
    let mut path = resolved.path().to_owned();
    if let Some(query) = resolved.query() {
        path.push('?');
        path.push_str(query);
    }
    if let Some(fragment) = resolved.fragment() {
        path.push('#');
        path.push_str(fragment);
    }
    (path.starts_with('/') && !path.starts_with("//")).then_some(path)
}

/// No control character, whitespace or backslash.
fn plain(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

/// `%XX` sequences decoded; `None` when they do not make UTF-8 (nothing Amparo links to).
fn percent_decoded(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(value) = u8::from_str_radix(hex, 16)
        {
            out.push(value);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept() {
        for path in
            ["/", "/cases", "/cases/abc?q=Luc%C3%ADa&page=2", "/cases/abc#escalations", "/tasks?notice=done"]
        {
            assert_eq!(safe_next(Some(path)), path);
        }
        assert_eq!(safe_next(Some("/cases/../triage")), "/triage", "normalised by the parser");
    }

    #[test]
    fn anything_that_could_leave_the_site_goes_home() {
        for payload in [
            "/\t/evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "https://evil.example",
            "http:evil.example",
            "evil.example",
            "/\r/evil.example",
            "/\n/evil.example",
            "/\0/evil.example",
            "/ /evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/%0d%0aSet-Cookie:x=1",
            "",
        ] {
            assert_eq!(safe_next(Some(payload)), "/", "{payload:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
