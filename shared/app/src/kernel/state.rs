use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use integrations::Messenger;
use integrations::agora::Agora;
use integrations::media::Media;
use integrations::notify::Notifier;
use integrations::payments::Payments;
use store::Db;

use crate::kernel::clock::Clock;
use crate::kernel::config::Config;

/// Everything a use case needs, built once per Lambda instance (or per test).
/// The outbound clients (SES/SNS, S3, payments, Google, Play, the App Store,
/// Agora's REST API) are built on first use: a function links and pays for
/// only the clients its use case calls.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    pub clock: Clock,
    pub sessions: SessionCache,
    /// The level tables (`levels()`).
    pub level_tables: crate::kernel::levels::LevelsCache,
    pub agora: Agora,
    /// Notifies people: stores the notification; the table's stream pushes it.
    pub notifier: Arc<dyn Notifier>,
    clients: Arc<Clients>,
}

#[derive(Debug)]
struct Clients {
    sdk: aws_config::SdkConfig,
    messenger: OnceLock<Messenger>,
    media: OnceLock<Media>,
    payments: OnceLock<Payments>,
    google: OnceLock<Option<integrations::google::Google>>,
    razorpayx: OnceLock<Option<integrations::payouts::RazorpayX>>,
    play: OnceLock<Option<(integrations::play::Play, integrations::play::PushVerifier)>>,
    apple: OnceLock<Option<integrations::appstore::AppStore>>,
    agora_rules: OnceLock<Option<integrations::agora::ChannelRules>>,
    queues: OnceLock<integrations::queue::Queues>,
    streams: OnceLock<aws_sdk_dynamodbstreams::Client>,
    events: OnceLock<Option<integrations::events::EventsPublisher>>,
}

/// What this instance last read of a session (by session id): its account,
/// the account's role and ban, and when it was read. An access token is
/// honoured only while its session is alive; reading that on every request
/// costs one BatchGetItem, so an answer is trusted for `session_cache_ms`.
/// Whatever this instance changes itself (logout, reset, ban, role) is
/// forgotten at once.
#[derive(Clone, Debug, Default)]
pub struct SessionCache(Arc<Mutex<HashMap<String, SessionSeen>>>);

/// A session's account, its standing as read (`None`: account gone), when read.
type SessionSeen = (String, Option<store::Standing>, i64);

impl SessionCache {
    const MAX_ENTRIES: usize = 10_000;

    pub fn get(&self, session_id: &str, ttl_ms: i64, now: i64) -> Option<Option<store::Standing>> {
        let map = self.0.lock().ok()?;
        map.get(session_id).filter(|v| now - v.2 < ttl_ms && now >= v.2).map(|v| v.1)
    }

    pub fn put(&self, session_id: &str, account_id: &str, standing: Option<store::Standing>, now: i64) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= Self::MAX_ENTRIES {
                map.clear();
            }
            map.insert(session_id.to_string(), (account_id.to_string(), standing, now));
        }
    }

    /// Forgets every session of `account_id` (it signed out or reset its password).
    pub fn forget_account(&self, account_id: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|_, v| v.0 != account_id);
        }
    }

    /// Forgets everything: an admin or agency changed someone's role or ban.
    pub fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

impl AppState {
    pub fn new(sdk: &aws_config::SdkConfig, config: Config, clock: Clock) -> Self {
        let mut db = Db::new(store::client_for(sdk, config.check_table_actions), config.table.clone());
        db.retry_budget = config.retry_budget_ms.map(std::time::Duration::from_millis);
        let notifier = Arc::new(crate::kernel::notices::TableNotifier { db: db.clone(), clock: clock.clone() });
        let agora = Agora::new(config.agora_app_id.clone(), config.agora_app_certificate.clone());
        let clients = Clients {
            sdk: sdk.clone(),
            messenger: OnceLock::new(),
            media: OnceLock::new(),
            payments: OnceLock::new(),
            google: OnceLock::new(),
            razorpayx: OnceLock::new(),
            play: OnceLock::new(),
            apple: OnceLock::new(),
            agora_rules: OnceLock::new(),
            queues: OnceLock::new(),
            streams: OnceLock::new(),
            events: OnceLock::new(),
        };
        AppState {
            db,
            config,
            clock,
            sessions: SessionCache::default(),
            level_tables: Default::default(),
            agora,
            notifier,
            clients: Arc::new(clients),
        }
    }

    /// The Lambda and dev-server start-up: SDK settings (region, credentials,
    /// `AWS_ENDPOINT_URL*`) and config from the environment.
    pub fn from_env() -> Result<Self, String> {
        Ok(AppState::new(&integrations::aws::sdk_config(), Config::from_env()?, Clock::system()))
    }

    /// As `from_env`, first reading the secrets `SECRETS` names (a Lambda's init).
    pub async fn from_env_and_secrets() -> Result<Self, String> {
        let sdk = integrations::aws::sdk_config();
        let secrets = match std::env::var("SECRETS") {
            Ok(spec) => integrations::secrets::load(&sdk, &spec).await.map_err(|e| e.to_string())?,
            Err(_) => HashMap::new(),
        };
        Ok(AppState::new(&sdk, Config::from_env_with(&secrets)?, Clock::system()))
    }

    /// The signed-in caller's own account: 401 when it is gone.
    pub async fn own_account(&self, id: &str) -> crate::kernel::error::DomainResult<store::Account> {
        self.db
            .get_account(id)
            .await?
            .ok_or_else(|| crate::kernel::error::DomainError::unauthenticated("account no longer exists"))
    }

    /// The wealth and charm level tables (read at most once a minute).
    pub async fn levels(&self) -> Result<Arc<crate::kernel::levels::Levels>, store::Error> {
        let now = self.now();
        if let Some(l) = self.level_tables.get(now) {
            return Ok(l);
        }
        let tables = self.db.get_level_tables().await?;
        Ok(self.level_tables.put(crate::kernel::levels::Levels::of(&tables), now))
    }

    /// E-mail (SES) and SMS (SNS).
    pub fn messenger(&self) -> &Messenger {
        self.clients.messenger.get_or_init(|| Messenger::new(&self.clients.sdk, self.config.email_from.clone()))
    }

    /// The media bucket (S3).
    /// The table's stream, read back (redrive).
    pub fn streams(&self) -> &aws_sdk_dynamodbstreams::Client {
        self.clients.streams.get_or_init(|| aws_sdk_dynamodbstreams::Client::new(&self.clients.sdk))
    }

    /// The AppSync Event API publisher, when an endpoint is configured.
    pub fn events(&self) -> Option<&integrations::events::EventsPublisher> {
        let c = &self.config;
        self.clients
            .events
            .get_or_init(|| {
                let sdk = c.events_signed.then(|| self.clients.sdk.clone());
                c.events_http_url.as_deref().map(|url| integrations::events::EventsPublisher::new(url, sdk))
            })
            .as_ref()
    }

    /// SQS (the reconciliation's fan-out, the aggregator's dead letters).
    pub fn queues(&self) -> &integrations::queue::Queues {
        self.clients.queues.get_or_init(|| integrations::queue::Queues::new(&self.clients.sdk))
    }

    pub fn media(&self) -> &Media {
        self.clients.media.get_or_init(|| {
            Media::new(&self.clients.sdk, self.config.media_bucket.clone(), self.config.media_cdn_url.clone())
        })
    }

    /// Stripe and Razorpay (or the local stand-in).
    pub fn payments(&self) -> &Payments {
        self.clients.payments.get_or_init(|| {
            if self.config.payments_local {
                Payments::Local
            } else {
                Payments::Live {
                    // Under API Gateway's 29 s, so a stuck provider call ends as our error, not a gateway timeout.
                    http: integrations::tls::http(std::time::Duration::from_secs(20)),
                    stripe_secret_key: self.config.stripe_secret_key.clone(),
                    stripe_api_version: self.config.stripe_api_version.clone(),
                    razorpay_key_id: self.config.razorpay_key_id.clone(),
                    razorpay_key_secret: self.config.razorpay_key_secret.clone(),
                }
            }
        })
    }

    /// RazorpayX Payouts, when configured (bank and UPI withdrawals).
    pub fn razorpayx(&self) -> Option<&integrations::payouts::RazorpayX> {
        self.clients
            .razorpayx
            .get_or_init(|| {
                let c = self.config.razorpayx.as_ref()?;
                Some(integrations::payouts::RazorpayX::new(&c.base, &c.key_id, &c.key_secret, &c.account_number))
            })
            .as_ref()
    }

    /// The Firebase service account, when configured: chat tokens and FCM.
    pub fn google(&self) -> Option<&integrations::google::Google> {
        let c = &self.config;
        self.clients
            .google
            .get_or_init(|| {
                let json = c.firebase_service_account.as_deref()?;
                integrations::google::Google::new(json, c.fcm_base_url.clone(), c.google_token_url.clone())
                    .map_err(
                        |e| tracing::error!(error = %e, "Firebase service account unusable: chat tokens and FCM are off"),
                    )
                    .ok()
            })
            .as_ref()
    }

    /// Google Play, when configured: purchases and the push token check.
    pub fn play(&self) -> Option<&(integrations::play::Play, integrations::play::PushVerifier)> {
        let c = &self.config;
        self.clients
            .play
            .get_or_init(|| {
                let p = c.google_play.as_ref()?;
                let client = integrations::play::Play::new(
                    &p.service_account_json,
                    &p.package_name,
                    p.api_base.clone(),
                    c.google_token_url.clone(),
                )
                .map_err(
                    |e| tracing::error!(error = %e, "Google Play service account unusable: Play purchases are off"),
                )
                .ok()?;
                Some((
                    client,
                    integrations::play::PushVerifier::new(p.jwks_url.clone(), &p.push_audience, &p.push_email),
                ))
            })
            .as_ref()
    }

    /// The App Store, when configured.
    pub fn apple(&self) -> Option<&integrations::appstore::AppStore> {
        self.clients
            .apple
            .get_or_init(|| {
                let a = self.config.apple.as_ref()?;
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
            })
            .as_ref()
    }

    /// Agora's REST API (kicks and mic mutes), when configured.
    pub fn agora_rules(&self) -> Option<&integrations::agora::ChannelRules> {
        let c = &self.config;
        self.clients
            .agora_rules
            .get_or_init(|| {
                c.agora_rest.as_ref().map(|r| {
                    integrations::agora::ChannelRules::new(
                        r.base.clone(),
                        &c.agora_app_id,
                        &r.customer_id,
                        &r.customer_secret,
                    )
                })
            })
            .as_ref()
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
