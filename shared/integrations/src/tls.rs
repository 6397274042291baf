//! The one TLS client configuration of a function: rustls on ring, trusting
//! Mozilla's root list compiled in (webpki-roots), shared by the AWS SDK's
//! client and every reqwest client.
//!
//! Compiled-in roots cost nothing at a cold start; reading and parsing the
//! system bundle (~140 PEM certificates) took ~2.2 ms of CPU at every init,
//! as long as the rest of a function's start. The list is the one Amazon
//! Linux's bundle is made from, and it is refreshed with the dependencies
//! (`cargo update -p webpki-roots`) at a deploy. `SSL_CERT_FILE`, when set,
//! replaces it with that PEM file's certificates (a private CA, the local
//! TLS endpoint of `make bench-cold`), as OpenSSL reads the variable.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

pub fn client_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG.get_or_init(|| Arc::new(build(roots()))).clone()
}

/// A reqwest client on that configuration, with a whole-request timeout.
pub fn http(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .use_preconfigured_tls((*client_config()).clone())
        .timeout(timeout)
        .build()
        .expect("a preconfigured rustls client config is accepted")
}

fn build(roots: RootCertStore) -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

fn roots() -> RootCertStore {
    let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) else {
        return RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    };
    let mut store = RootCertStore::empty();
    match CertificateDer::pem_file_iter(&path) {
        Ok(certs) => {
            let (added, ignored) = store.add_parsable_certificates(certs.flatten());
            tracing::debug!(added, ignored, file = ?path, "trust roots from SSL_CERT_FILE");
        }
        // Every HTTPS call then fails with a certificate error naming the cause; plain HTTP works.
        Err(e) => tracing::error!(error = %e, file = ?path, "SSL_CERT_FILE unreadable: no trust roots"),
    }
    store
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_list_has_the_roots_aws_endpoints_chain_to() {
        let roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let names: Vec<String> =
            roots.roots.iter().map(|a| String::from_utf8_lossy(a.subject.as_ref()).into_owned()).collect();
        for ca in ["Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"] {
            assert!(names.iter().any(|n| n.contains(ca)), "{ca} missing");
        }
    }
}
