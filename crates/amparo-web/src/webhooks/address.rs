//! Which addresses the server posts webhooks to (its stance on server-side request forgery).
//!
//! An administrator names the address, and the server then sends requests to it from inside the
//! network it runs in. Unless the operator allows it (`webhooks_allow_private`, off by default),
//! an endpoint whose host is, or resolves to, a loopback, private, link-local (cloud metadata
//! services live there), shared (CGNAT), unspecified, multicast or otherwise non-public address
//! is refused: when it is registered, if the host is written as such an address or as `localhost`,
//! and again before every delivery, on every address its name resolves to. Redirects are never
//! followed, so a public endpoint cannot bounce a delivery inward.
//!
//! Before a delivery the name is resolved once ([`AddressPolicy::resolve`]) and the connection is
//! made to exactly the addresses checked (the worker's resolver hands them back, never asking DNS
//! again), so a name that answers a public address to the check and a private one a moment later
//! (DNS rebinding) cannot turn a delivery inward.

use std::fmt::Debug;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use url::{Host, Url};

/// Why an address is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AddressRefusal {
    #[error("url: {0} is not a public address; the server delivers only to public ones")]
    NotPublic(String),
    #[error("url: the host {host} could not be resolved: {why}")]
    Unresolved { host: String, why: String },
}

/// The server's policy on endpoint addresses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Deliver to loopback and private addresses too (a test, or a receiver on the same network).
    pub allow_private: bool,
}

impl AddressPolicy {
    pub fn allowing_private(allow_private: bool) -> AddressPolicy {
        AddressPolicy { allow_private }
    }

    /// Checks an address as it is registered: what can be told without resolving its name.
    pub fn check_written(&self, url: &Url) -> Result<(), AddressRefusal> {
        if self.allow_private {
            return Ok(());
        }
        let refused = match url.host() {
            Some(Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
            Some(Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost")
            }
            None => true,
        };
        if refused {
            return Err(AddressRefusal::NotPublic(url.host_str().unwrap_or_default().to_owned()));
        }
        Ok(())
    }

    /// Resolves an address before a delivery, once, and checks every address its host has: all
    /// must be public (unless private ones are allowed). The answer is what the delivery connects
    /// to, and nothing else.
    pub fn resolve(&self, url: &Url, lookup: &dyn Lookup) -> Result<Vec<SocketAddr>, AddressRefusal> {
        self.check_written(url)?;
        let port = url.port_or_known_default().unwrap_or(443);
        let addresses = match url.host() {
            Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            Some(Host::Domain(name)) => lookup
                .lookup(name, port)
                .map_err(|e| AddressRefusal::Unresolved { host: name.to_owned(), why: e.to_string() })?,
            None => return Err(AddressRefusal::NotPublic(String::new())),
        };
        let host = url.host_str().unwrap_or_default();
        if addresses.is_empty() {
            return Err(AddressRefusal::Unresolved { host: host.to_owned(), why: "no address".into() });
        }
        if !self.allow_private
            && let Some(private) = addresses.iter().find(|a| !is_public(a.ip()))
        {
            return Err(AddressRefusal::NotPublic(format!("{host} ({})", private.ip())));
        }
        Ok(addresses)
    }
}

/// Finds the addresses a host name has (the system's resolver, or a stub in tests).
pub trait Lookup: Debug + Send + Sync {
    fn lookup(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>>;
}

/// The system's resolver (`getaddrinfo`).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        Ok((host, port).to_socket_addrs()?.collect())
    }
}

/// Whether an address is one on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(mapped) => is_public_v4(mapped),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b); // 100.64.0.0/10, carrier-grade NAT
    let reserved = a >= 240 || a == 0; // 240.0.0.0/4 and "this network"
    let benchmarking = a == 198 && (b == 18 || b == 19);
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || shared
        || reserved
        || benchmarking)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = (first & 0xfe00) == 0xfc00; // fc00::/7
    let link_local = (first & 0xffc0) == 0xfe80; // fe80::/10
    let documentation = first == 0x2001 && ip.segments()[1] == 0x0db8;
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || unique_local
        || link_local
        || documentation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn private_loopback_and_metadata_addresses_are_refused_unless_allowed() {
        let policy = AddressPolicy::default();
        for refused in [
            "http://127.0.0.1:8080/hook",
            "http://localhost/hook",
            "http://api.localhost/hook",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert!(policy.check_written(&url(refused)).is_err(), "{refused}");
            assert!(AddressPolicy::allowing_private(true).check_written(&url(refused)).is_ok(), "{refused}");
        }
        for public in
            ["https://93.184.216.34/hook", "https://[2606:4700::1111]/", "https://hooks.example.org/x"]
        {
            assert_eq!(policy.check_written(&url(public)), Ok(()), "{public}");
        }
    }

    /// A name server that answers what it is told to.
    #[derive(Debug)]
    struct Answers(Vec<IpAddr>);

    impl Lookup for Answers {
        fn lookup(&self, _: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
            Ok(self.0.iter().map(|ip| SocketAddr::new(*ip, port)).collect())
        }
    }

    #[test]
    fn before_delivery_an_unresolvable_name_and_a_loopback_address_are_refused() {
        let refusal = AddressPolicy::default().resolve(&url("http://hooks.example.invalid/"), &SystemLookup);
        assert!(matches!(refusal, Err(AddressRefusal::Unresolved { .. })), "{refusal:?}");
        let loopback = AddressPolicy::default().resolve(&url("http://127.0.0.1:9/"), &SystemLookup);
        assert!(matches!(loopback, Err(AddressRefusal::NotPublic(_))));
    }

    #[test]
    fn a_name_with_any_private_address_is_refused_and_a_public_one_is_pinned() {
        let public: IpAddr = "93.184.216.34".parse().unwrap();
        let private: IpAddr = "10.0.0.7".parse().unwrap();
        let hook = url("https://hooks.example.org:8443/amparo");
        let mixed = AddressPolicy::default().resolve(&hook, &Answers(vec![public, private]));
        assert_eq!(mixed, Err(AddressRefusal::NotPublic("hooks.example.org (10.0.0.7)".into())));
        let pinned = AddressPolicy::default().resolve(&hook, &Answers(vec![public]));
        assert_eq!(pinned, Ok(vec![SocketAddr::new(public, 8443)]));
        let none = AddressPolicy::default().resolve(&hook, &Answers(vec![]));
        assert!(matches!(none, Err(AddressRefusal::Unresolved { .. })), "{none:?}");
        let allowed = AddressPolicy::allowing_private(true).resolve(&hook, &Answers(vec![private]));
        assert_eq!(allowed, Ok(vec![SocketAddr::new(private, 8443)]));
    }
}
