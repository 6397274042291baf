//! The AWS SDK's settings for every client, built from the environment by hand
//! instead of `aws_config::load_defaults`: that loader links the whole
//! credential chain (profiles, SSO, STS web identity, ECS, IMDS) into every
//! function, and Lambda hands its role's credentials in the environment.

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_types::SdkConfig;
use aws_types::region::Region;
use aws_types::sdk_config::SharedCredentialsProvider;
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};

mod http_client;

/// `AWS_REGION` (Lambda sets it), credentials from `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_ENDPOINT_URL` and the
/// per-service `AWS_ENDPOINT_URL_<SERVICE>` (the local stack), one HTTPS
/// client (rustls on ring, `crate::tls`'s roots) shared by every SDK client.
pub fn sdk_config() -> SdkConfig {
    let mut b = builder().service_config(EndpointsFromEnv);
    if let Some(url) = env("AWS_ENDPOINT_URL") {
        b = b.endpoint_url(url);
    }
    b.build()
}

/// The same settings with every service sent to `endpoint` (tests behind a proxy).
pub fn sdk_config_at(endpoint: &str) -> SdkConfig {
    builder().endpoint_url(endpoint).build()
}

fn builder() -> aws_types::sdk_config::Builder {
    let region = env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION")).unwrap_or_else(|| "us-east-1".into());
    SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new()))
        .http_client(http_client::build())
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `AWS_ENDPOINT_URL_DYNAMODB` and the like, as the SDK's own loader reads them.
#[derive(Debug)]
struct EndpointsFromEnv;

impl LoadServiceConfig for EndpointsFromEnv {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        let service = key.service_id().to_ascii_uppercase().replace(' ', "_");
        env(&format!("{}_{service}", key.env()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_endpoint_is_read_from_its_own_variable() {
        let key = ServiceConfigKey::builder()
            .service_id("DynamoDB Streams")
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .unwrap();
        // SAFETY: this test alone reads or writes this variable.
        unsafe { std::env::set_var("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "http://127.0.0.1:9") };
        assert_eq!(EndpointsFromEnv.load_config(key).as_deref(), Some("http://127.0.0.1:9"));
    }
}
