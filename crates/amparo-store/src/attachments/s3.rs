//! S3-compatible attachment storage: `attachments_url = "s3://bucket/prefix"`, reached through
//! `object_store`'s S3 client. Where it is and how to sign in comes from [`S3Settings`] (Amparo's
//! own settings) over the usual AWS variables (`AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_ALLOW_HTTP`), which fill what the settings leave
//! unset. Requests go over rustls with ring, the provider the PostgreSQL and SMTP connections
//! already use; plain HTTP only when `allow_http` says so (a local endpoint).

use object_store::aws::AmazonS3Builder;
use object_store::path::Path;

use crate::error::{StoreError, StoreResult};

/// How to reach an S3-compatible service. Unset values come from the AWS environment variables.
#[derive(Clone, Default)]
pub struct S3Settings {
    /// The service's address (`https://s3.example.org`, `http://127.0.0.1:9000`); AWS itself when unset.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Whether plain `http://` endpoints are allowed (a service on the same machine).
    pub allow_http: Option<bool>,
}

/// Never prints the secret, nor the key id that goes with it.
impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id.as_ref().map(|_| "***"))
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "***"))
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// The bucket and key prefix an `s3://` URL names.
pub(super) struct S3Location {
    pub bucket: String,
    pub prefix: Path,
}

pub(super) fn location(url: &url::Url) -> StoreResult<S3Location> {
    let bucket = url.host_str().filter(|b| !b.is_empty()).ok_or_else(|| {
        StoreError::Invalid("attachments_url: an s3:// URL must name its bucket (s3://bucket/prefix)".into())
    })?;
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(StoreError::Invalid(
            "attachments_url: give S3 credentials and options as settings, not in the URL (it is shown by `amparo config show`)".into(),
        ));
    }
    let prefix = Path::from_iter(url.path().split('/').filter(|p| !p.is_empty()));
    Ok(S3Location { bucket: bucket.to_owned(), prefix })
}

/// The S3 client for `location`, signed in as `settings` (then the environment) say.
pub(super) fn open(location: &S3Location, settings: &S3Settings) -> StoreResult<object_store::aws::AmazonS3> {
    use_ring_for_tls();
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(&location.bucket);
    if let Some(endpoint) = &settings.endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    if let Some(region) = &settings.region {
        builder = builder.with_region(region);
    }
    if let Some(id) = &settings.access_key_id {
        builder = builder.with_access_key_id(id);
    }
    if let Some(secret) = &settings.secret_access_key {
        builder = builder.with_secret_access_key(secret);
    }
    if let Some(allow) = settings.allow_http {
        builder = builder.with_allow_http(allow);
    }
    builder.build().map_err(|e| {
        StoreError::Invalid(format!("attachments_url: cannot use the bucket {:?}: {e}", location.bucket))
    })
}

/// The S3 client's HTTP library (reqwest) is built without a TLS provider of its own, so it takes
/// the process's: ring, installed here unless something installed one first. (Its `aws` feature would
/// bring aws-lc-rs, a second provider with a long C build, for the same job.)
fn use_ring_for_tls() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another installer leaves that one in place, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> StoreResult<S3Location> {
        location(&url::Url::parse(text).map_err(|e| StoreError::Invalid(e.to_string()))?)
    }

    #[test]
    fn the_url_names_bucket_and_prefix_and_never_credentials() {
        let at = parsed("s3://case-files/amparo/prod").unwrap();
        assert_eq!((at.bucket.as_str(), at.prefix.as_ref()), ("case-files", "amparo/prod"));
        assert_eq!(parsed("s3://case-files").unwrap().prefix.as_ref(), "");
        for refused in ["s3:///prefix", "s3://key:secret@bucket", "s3://bucket?region=x"] {
            let Err(StoreError::Invalid(message)) = parsed(refused) else { panic!("{refused} was taken") };
            assert!(message.starts_with("attachments_url:"), "{message}");
        }
        let settings = S3Settings { secret_access_key: Some("hunter2".into()), ..S3Settings::default() };
        assert!(!format!("{settings:?}").contains("hunter2"));
    }
}
