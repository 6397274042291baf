use integrations::Messenger;
use integrations::payments::Payments;
use store::Db;

use crate::{Clock, Config};

/// Everything a use case needs, built once per Lambda instance (or per test).
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub messenger: Messenger,
    pub payments: Payments,
    pub config: Config,
    pub clock: Clock,
}

impl AppState {
    pub fn new(sdk: &aws_config::SdkConfig, config: Config, clock: Clock) -> Self {
        let db = Db::new(store::DynamoClient::new(sdk), config.table.clone());
        let messenger = Messenger::new(sdk, config.email_from.clone());
        let payments = if config.payments_local {
            Payments::Local
        } else {
            Payments::Live {
                http: reqwest::Client::new(),
                stripe_secret_key: config.stripe_secret_key.clone(),
                razorpay_key_id: config.razorpay_key_id.clone(),
                razorpay_key_secret: config.razorpay_key_secret.clone(),
            }
        };
        AppState { db, messenger, payments, config, clock }
    }

    /// The Lambda and dev-server start-up: SDK settings (region, credentials,
    /// `AWS_ENDPOINT_URL*`) and config from the environment.
    pub async fn from_env() -> Result<Self, String> {
        let config = Config::from_env()?;
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Ok(AppState::new(&sdk, config, Clock::system()))
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
