use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use integrations::Messenger;
use integrations::agora::Agora;
use integrations::media::Media;
use integrations::notify::Notifier;
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
    pub gift_views: GiftViewCache,
    pub agora: Agora,
    /// Notifies people: stores the notification; the table's stream pushes it.
    pub notifier: Arc<dyn Notifier>,
    pub media: Media,
    /// The Firebase service account, when configured: chat tokens and FCM.
    pub google: Option<integrations::google::Google>,
    /// Google Play, when configured: purchases and the push token check.
    pub play: Option<(integrations::play::Play, integrations::play::PushVerifier)>,
    /// The App Store, when configured.
    pub apple: Option<integrations::appstore::AppStore>,
    /// Agora's REST API (kicks and mic mutes), when configured.
    pub agora_rules: Option<integrations::agora::ChannelRules>,
}

/// What the last gift send from this instance saw of (sender, host, gift),
/// so a sender tapping the same gift again is one read-free transaction.
/// Never trusted for a decision: the transaction's conditions (exact
/// balances, gift active at its price, sender not banned) fail on a stale
/// view and the send re-reads; any refusal is re-checked against a fresh read.
#[derive(Clone, Debug, Default)]
pub struct GiftViewCache(
    Arc<Mutex<HashMap<(String, String, String), (store::Account, store::Account, store::Gift, i64)>>>,
);

impl GiftViewCache {
    const TTL_MS: i64 = 30_000;
    const MAX_ENTRIES: usize = 4096;

    pub fn get(
        &self,
        key: &(String, String, String),
        now: i64,
    ) -> Option<(store::Account, store::Account, store::Gift)> {
        let map = self.0.lock().ok()?;
        map.get(key).filter(|v| now - v.3 < Self::TTL_MS).map(|(s, r, g, _)| (s.clone(), r.clone(), g.clone()))
    }

    pub fn put(&self, key: (String, String, String), view: (store::Account, store::Account, store::Gift), now: i64) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
            map.insert(key, (view.0, view.1, view.2, now));
        }
    }

    pub fn forget(&self, key: &(String, String, String)) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(key);
        }
    }
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
        let notifier = Arc::new(crate::notify::TableNotifier { db: db.clone(), clock: clock.clone() });
        let google = config.firebase_service_account.as_deref().and_then(|json| {
            integrations::google::Google::new(json, config.fcm_base_url.clone(), config.google_token_url.clone())
                .map_err(
                    |e| tracing::error!(error = %e, "Firebase service account unusable: chat tokens and FCM are off"),
                )
                .ok()
        });
        let play = config.google_play.as_ref().and_then(|p| {
            let client = integrations::play::Play::new(
                &p.service_account_json,
                &p.package_name,
                p.api_base.clone(),
                config.google_token_url.clone(),
            )
            .map_err(|e| tracing::error!(error = %e, "Google Play service account unusable: Play purchases are off"))
            .ok()?;
            Some((client, integrations::play::PushVerifier::new(p.jwks_url.clone(), &p.push_audience, &p.push_email)))
        });
        let apple = config.apple.as_ref().and_then(|a| {
            integrations::appstore::AppStore::new(integrations::appstore::AppStoreSettings {
                bundle_id: &a.bundle_id,
                app_apple_id: a.app_apple_id,
                environment: &a.environment,
                issuer_id: &a.issuer_id,
                key_id: &a.key_id,
                private_key_pem: &a.private_key_pem,
                root_certificates: a.root_certificates.clone(),
                base: a.api_base.clone(),
            })
            .map_err(|e| tracing::error!(error = %e, "App Store settings unusable: App Store purchases are off"))
            .ok()
        });
        let media_config = (config.media_bucket.clone(), config.media_cdn_url.clone());
        let agora = Agora::new(config.agora_app_id.clone(), config.agora_app_certificate.clone());
        let agora_rules = config.agora_rest.as_ref().map(|r| {
            integrations::agora::ChannelRules::new(
                r.base.clone(),
                &config.agora_app_id,
                &r.customer_id,
                &r.customer_secret,
            )
        });
        AppState {
            db,
            messenger,
            payments,
            config,
            clock,
            gift_views: GiftViewCache::default(),
            agora,
            notifier,
            media: Media::new(sdk, media_config.0, media_config.1),
            google,
            play,
            apple,
            agora_rules,
        }
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
