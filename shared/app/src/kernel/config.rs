use std::collections::HashMap;

/// Settings read once per Lambda instance from the environment.
#[derive(Clone)]
pub struct Config {
    pub table: String,
    /// HMAC key for access tokens and cursors; from Secrets Manager in AWS.
    pub jwt_secret: Vec<u8>,
    pub email_from: String,
    pub app_name: String,
    /// Refuse a request's table operation beyond its route's needs (off in
    /// Lambda, where the function's IAM policy does it; on everywhere else).
    pub check_table_actions: bool,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    /// How long an instance trusts what it read of a token's session (alive,
    /// role, ban) before reading it again (`SESSION_CACHE_MS`); this
    /// instance's own logouts, bans and role changes apply at once.
    pub session_cache_ms: i64,
    /// How long a request retries racing writes before a 503 (`RETRY_BUDGET_MS`; 3 s by default).
    pub retry_budget_ms: Option<u64>,
    /// `PAYMENTS_MODE=local`: provider orders are made up, no network.
    pub payments_local: bool,
    pub stripe_webhook_secret: String,
    pub razorpay_webhook_secret: String,
    /// Live mode only: API keys for creating orders.
    pub stripe_secret_key: String,
    pub razorpay_key_id: String,
    pub razorpay_key_secret: String,
    /// Stripe's publishable key and the API version of the apps' SDKs (public settings).
    pub stripe_publishable_key: String,
    pub stripe_api_version: String,
    /// Agora project: tokens for rooms and calls (certificate from Secrets Manager in AWS).
    pub agora_app_id: String,
    pub agora_app_certificate: String,
    /// Agora's Notification Center Service secret (`Agora-Signature-V2`); from Secrets Manager in AWS.
    pub agora_ncs_secret: String,
    /// Agora's REST API (kicks, mic mutes): customer id and secret (Secrets
    /// Manager), and its base URL (tests point it at a stand-in).
    pub agora_rest: Option<AgoraRestConfig>,
    /// RazorpayX Payouts (bank and UPI withdrawals): keys and the business
    /// account from Secrets Manager; `None` leaves approved withdrawals to
    /// be marked paid by hand. The webhook secret checks its events.
    pub razorpayx: Option<RazorpayXConfig>,
    pub razorpayx_webhook_secret: String,
    /// S3 bucket of uploads (videos, images, audio) and, when set, the CDN in front of it.
    pub media_bucket: String,
    pub media_cdn_url: Option<String>,
    /// Settlements: what a coin pays in minor units, and the payout currency
    /// (the shares are admin settings).
    pub coin_value_minor: i64,
    pub settlement_currency: String,
    /// A newly approved host's call price until they set their own.
    pub default_call_price: i64,
    /// The reconciliation's fan-out queue (`RECONCILE_QUEUE_URL`): one message a
    /// window's shard, each reconciled by `reconcile-shard`. None: the hourly
    /// run reconciles its windows' shards itself.
    pub reconcile_queue_url: Option<String>,
    /// The AppSync Event API's HTTP endpoint (`EVENTS_HTTP_URL`) the live
    /// channels publish to; None: messages are only kept for catching up.
    pub events_http_url: Option<String>,
    /// Sign publishes with the function's role (`EVENTS_SIGNING=iam`, as in
    /// AWS); off for the local stand-in.
    pub events_signed: bool,
    /// The aggregator's dead-letter queue (`AGGREGATE_DLQ_URL`), which `redrive` replays.
    pub aggregate_dlq_url: Option<String>,
    /// Per-IP rate limits on sign-up and sign-in (`RATE_LIMITS=off` for load tests from one machine).
    pub ip_rate_limits: bool,
    /// Texts sent an hour across all numbers (SMS pumping guard).
    pub sms_hourly_budget: i64,
    /// A call ending this soon after it was accepted costs nothing (peers bill only connected calls).
    pub call_grace_secs: i64,
    /// A PK's result waits this long past its end (`PK_SETTLE_MS`) for gifts
    /// sent before the end whose transactions are still in flight.
    pub pk_settle_ms: i64,
    /// Firebase service-account JSON (Secrets Manager): chat tokens and FCM.
    pub firebase_service_account: Option<String>,
    /// CloudWatch Embedded Metric Format lines on stdout (on in Lambda, or `METRICS=emf`).
    pub emf_metrics: bool,
    /// `log`: pushes are logged, not sent (the local stack without credentials).
    pub push_log_only: bool,
    /// Overrides of Google's endpoints (tests point them at a local server).
    pub fcm_base_url: Option<String>,
    pub google_token_url: Option<String>,
    /// Google Play purchases, when configured.
    pub google_play: Option<GooglePlayConfig>,
    /// App Store purchases, when configured.
    pub apple: Option<AppleConfig>,
}

#[derive(Clone)]
pub struct RazorpayXConfig {
    pub key_id: String,
    pub key_secret: String,
    pub account_number: String,
    /// `https://api.razorpay.com/v1` unless a stand-in's.
    pub base: String,
}

#[derive(Clone)]
pub struct AgoraRestConfig {
    pub customer_id: String,
    pub customer_secret: String,
    pub base: Option<String>,
}

/// App Store: the app, the In-App Purchase key for the App Store Server API
/// (Secrets Manager) and the roots its signed data must chain to.
#[derive(Clone)]
pub struct AppleConfig {
    pub bundle_id: String,
    /// Required in production.
    pub app_apple_id: Option<i64>,
    /// `Production` or `Sandbox`: transactions of the other are refused.
    pub environment: String,
    pub issuer_id: String,
    pub key_id: String,
    pub private_key_pem: String,
    /// DER roots: Apple Root CA - G3 in AWS; the stand-in's own locally.
    pub root_certificates: Vec<Vec<u8>>,
    /// Override of the API's base URL (the local stand-in).
    pub api_base: Option<String>,
}

/// Google Play Billing: the service account that reads purchases (Secrets
/// Manager), the app's package, and what the Pub/Sub push token must say.
#[derive(Clone)]
pub struct GooglePlayConfig {
    pub service_account_json: String,
    pub package_name: String,
    /// The push subscription's audience and service-account e-mail.
    pub push_audience: String,
    pub push_email: String,
    /// License testers' purchases credit coins (never in production).
    pub allow_test_purchases: bool,
    /// Overrides of Google's Android Publisher API and OIDC keys (the local stand-in).
    pub api_base: Option<String>,
    pub jwks_url: Option<String>,
}

/// The local stack's webhook secrets (`make run`, tests); never used in live mode.
pub const LOCAL_STRIPE_WEBHOOK_SECRET: &str = "whsec_local_demo";
/// The Stripe API version ephemeral keys are made for, unless `STRIPE_API_VERSION` says.
pub const DEFAULT_STRIPE_API_VERSION: &str = "2024-06-20";
/// The local stand-in's Razorpay key id (the apps' checkout takes it).
pub const LOCAL_RAZORPAY_KEY_ID: &str = "rzp_test_local";
pub const LOCAL_RAZORPAY_WEBHOOK_SECRET: &str = "rzp_local_demo";
pub const LOCAL_RAZORPAYX_WEBHOOK_SECRET: &str = "rzpx_local_demo";

/// The local stack's Agora project (`make run`, tests): any standard Agora
/// token tool can check the tokens the local API hands out.
pub const LOCAL_AGORA_APP_ID: &str = "0123456789abcdef0123456789abcdef";
pub const LOCAL_AGORA_APP_CERTIFICATE: &str = "fedcba9876543210fedcba9876543210";
pub const LOCAL_AGORA_NCS_SECRET: &str = "ncs_local_demo";

/// The local stack's bucket (in moto).
pub const LOCAL_MEDIA_BUCKET: &str = "streamly-media-local";

pub const MIN_SECRET_LEN: usize = 32;

impl Config {
    pub fn new(table: impl Into<String>, jwt_secret: impl Into<Vec<u8>>) -> Self {
        Config {
            table: table.into(),
            jwt_secret: jwt_secret.into(),
            email_from: "no-reply@demo.local".into(),
            check_table_actions: true,
            app_name: "Streamly".into(),
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
            session_cache_ms: 2000,
            retry_budget_ms: None,
            payments_local: true,
            stripe_webhook_secret: LOCAL_STRIPE_WEBHOOK_SECRET.into(),
            razorpay_webhook_secret: LOCAL_RAZORPAY_WEBHOOK_SECRET.into(),
            stripe_secret_key: String::new(),
            razorpay_key_id: LOCAL_RAZORPAY_KEY_ID.into(),
            razorpay_key_secret: String::new(),
            stripe_publishable_key: "pk_test_local".into(),
            stripe_api_version: DEFAULT_STRIPE_API_VERSION.into(),
            agora_app_id: LOCAL_AGORA_APP_ID.into(),
            agora_app_certificate: LOCAL_AGORA_APP_CERTIFICATE.into(),
            agora_ncs_secret: LOCAL_AGORA_NCS_SECRET.into(),
            agora_rest: None,
            razorpayx: None,
            razorpayx_webhook_secret: LOCAL_RAZORPAYX_WEBHOOK_SECRET.into(),
            media_bucket: LOCAL_MEDIA_BUCKET.into(),
            media_cdn_url: None,
            coin_value_minor: 1,
            settlement_currency: "INR".into(),
            default_call_price: 60,
            call_grace_secs: 20,
            pk_settle_ms: 5_000,
            ip_rate_limits: true,
            reconcile_queue_url: None,
            events_http_url: None,
            events_signed: false,
            aggregate_dlq_url: None,
            sms_hourly_budget: 1000,
            firebase_service_account: None,
            push_log_only: true,
            emf_metrics: false,
            fcm_base_url: None,
            google_token_url: None,
            google_play: None,
            apple: None,
        }
    }

    pub fn from_env() -> Result<Self, String> {
        Self::from_env_with(&HashMap::new())
    }

    /// The environment's settings, with `secrets` (variable → value, read
    /// from Secrets Manager at init) taking the place of variables.
    pub fn from_env_with(secrets: &HashMap<String, String>) -> Result<Self, String> {
        let var = |k: &str| {
            secrets
                .get(k)
                .cloned()
                .map_or_else(|| std::env::var(k), Ok)
                .map_err(|_| format!("environment variable {k} is not set"))
        };
        let secret = var("JWT_SECRET")?;
        if secret.len() < MIN_SECRET_LEN {
            return Err(format!("JWT_SECRET must be at least {MIN_SECRET_LEN} bytes"));
        }
        let mut c = Config::new(var("TABLE_NAME")?, secret.into_bytes());
        c.check_table_actions = var("AWS_LAMBDA_FUNCTION_NAME").is_err();
        if let Ok(from) = var("EMAIL_FROM") {
            c.email_from = from;
        }
        if let Ok(name) = var("APP_NAME") {
            c.app_name = name;
        }
        c.payments_local = var("PAYMENTS_MODE").is_ok_and(|m| m == "local");
        if c.payments_local {
            c.stripe_webhook_secret = var("STRIPE_WEBHOOK_SECRET").unwrap_or(c.stripe_webhook_secret);
            c.razorpay_webhook_secret = var("RAZORPAY_WEBHOOK_SECRET").unwrap_or(c.razorpay_webhook_secret);
            c.razorpayx_webhook_secret = var("RAZORPAYX_WEBHOOK_SECRET").unwrap_or(c.razorpayx_webhook_secret);
        } else {
            c.razorpayx_webhook_secret = var("RAZORPAYX_WEBHOOK_SECRET").unwrap_or_default();
            // Only the recharge and webhook functions get these; elsewhere they stay
            // empty and any use of them answers 503 (see `recharges`).
            c.stripe_webhook_secret = var("STRIPE_WEBHOOK_SECRET").unwrap_or_default();
            c.razorpay_webhook_secret = var("RAZORPAY_WEBHOOK_SECRET").unwrap_or_default();
            c.stripe_secret_key = var("STRIPE_SECRET_KEY").unwrap_or_default();
            c.razorpay_key_id = var("RAZORPAY_KEY_ID").unwrap_or_default();
            c.razorpay_key_secret = var("RAZORPAY_KEY_SECRET").unwrap_or_default();
            c.stripe_publishable_key = var("STRIPE_PUBLISHABLE_KEY").unwrap_or_default();
        }
        c.stripe_api_version = var("STRIPE_API_VERSION")
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_STRIPE_API_VERSION.into());
        // Only the room and call functions get the certificate; elsewhere tokens answer 503.
        c.agora_app_id = var("AGORA_APP_ID").unwrap_or_default();
        c.agora_app_certificate = var("AGORA_APP_CERTIFICATE").unwrap_or_default();
        if let Ok(id) = var("AGORA_CUSTOMER_ID")
            && !id.is_empty()
        {
            c.agora_rest = Some(AgoraRestConfig {
                customer_id: id,
                customer_secret: var("AGORA_CUSTOMER_SECRET")?,
                base: var("AGORA_REST_URL").ok(),
            });
        }
        if let Ok(id) = var("RAZORPAYX_KEY_ID")
            && !id.is_empty()
        {
            c.razorpayx = Some(RazorpayXConfig {
                key_id: id,
                key_secret: var("RAZORPAYX_KEY_SECRET")?,
                account_number: var("RAZORPAYX_ACCOUNT_NUMBER")?,
                base: var("RAZORPAYX_API_BASE").unwrap_or_else(|_| "https://api.razorpay.com/v1".into()),
            });
        }
        c.agora_ncs_secret = var("AGORA_NCS_SECRET")
            .unwrap_or_else(|_| if c.payments_local { LOCAL_AGORA_NCS_SECRET.into() } else { String::new() });
        if let Ok(bucket) = var("MEDIA_BUCKET") {
            c.media_bucket = bucket;
        }
        c.media_cdn_url = var("MEDIA_CDN_URL").ok().filter(|u| !u.is_empty());
        if let Ok(ms) = var("SESSION_CACHE_MS") {
            c.session_cache_ms =
                ms.parse().ok().filter(|m| (0..=10_000).contains(m)).ok_or("SESSION_CACHE_MS: 0 to 10000")?;
        }
        let number = |k: &str, default: i64, range: std::ops::RangeInclusive<i64>| -> Result<i64, String> {
            match var(k) {
                Err(_) => Ok(default),
                Ok(v) => v
                    .parse()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| format!("{k} must be a whole number in {range:?}")),
            }
        };
        c.coin_value_minor = number("COIN_VALUE_MINOR", c.coin_value_minor, 1..=1_000_000)?;
        c.default_call_price = number("DEFAULT_CALL_PRICE", c.default_call_price, 1..=100_000)?;
        c.ip_rate_limits = var("RATE_LIMITS").map_or(true, |v| v != "off");
        c.reconcile_queue_url = var("RECONCILE_QUEUE_URL").ok().filter(|v| !v.trim().is_empty());
        c.aggregate_dlq_url = var("AGGREGATE_DLQ_URL").ok().filter(|v| !v.trim().is_empty());
        c.events_http_url = var("EVENTS_HTTP_URL").ok().filter(|v| !v.trim().is_empty());
        c.events_signed = var("EVENTS_SIGNING").is_ok_and(|v| v == "iam");
        c.sms_hourly_budget = number("SMS_HOURLY_BUDGET", c.sms_hourly_budget, 0..=10_000_000)?;
        c.call_grace_secs = number("CALL_GRACE_SECS", c.call_grace_secs, 0..=59)?;
        c.pk_settle_ms = number("PK_SETTLE_MS", c.pk_settle_ms, 0..=60_000)?;
        c.firebase_service_account = var("FIREBASE_SERVICE_ACCOUNT").ok().filter(|v| !v.trim().is_empty());
        c.push_log_only = match var("PUSH_MODE").as_deref() {
            Ok("log") => true,
            Ok("fcm") => false,
            _ => c.firebase_service_account.is_none(),
        };
        c.emf_metrics = match var("METRICS").as_deref() {
            Ok("emf") => true,
            Ok(_) => false,
            Err(_) => var("AWS_LAMBDA_FUNCTION_NAME").is_ok(),
        };
        c.fcm_base_url = var("FCM_BASE_URL").ok();
        c.google_token_url = var("GOOGLE_TOKEN_URL").ok();
        if let Ok(json) = var("GOOGLE_PLAY_SERVICE_ACCOUNT")
            && !json.trim().is_empty()
        {
            c.google_play = Some(GooglePlayConfig {
                service_account_json: json,
                package_name: var("GOOGLE_PLAY_PACKAGE_NAME")?,
                push_audience: var("GOOGLE_PLAY_PUSH_AUDIENCE")?,
                push_email: var("GOOGLE_PLAY_PUSH_EMAIL")?,
                allow_test_purchases: var("GOOGLE_PLAY_TEST_PURCHASES").is_ok_and(|v| v == "allow"),
                api_base: var("GOOGLE_PLAY_API_BASE").ok(),
                jwks_url: var("GOOGLE_JWKS_URL").ok(),
            });
        }
        if let Ok(key) = var("APPLE_PRIVATE_KEY")
            && !key.trim().is_empty()
        {
            use base64::Engine;
            let roots = var("APPLE_ROOT_CERTIFICATES")?
                .split(',')
                .map(|c| base64::engine::general_purpose::STANDARD.decode(c.trim()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("APPLE_ROOT_CERTIFICATES: base64 DER certificates, comma-separated: {e}"))?;
            c.apple = Some(AppleConfig {
                bundle_id: var("APPLE_BUNDLE_ID")?,
                app_apple_id: var("APPLE_APP_APPLE_ID").ok().and_then(|v| v.parse().ok()),
                environment: var("APPLE_ENVIRONMENT").unwrap_or_else(|_| "Production".into()),
                issuer_id: var("APPLE_ISSUER_ID")?,
                key_id: var("APPLE_KEY_ID")?,
                private_key_pem: key,
                root_certificates: roots,
                api_base: var("APPLE_API_BASE").ok(),
            });
        }
        if let Ok(cur) = var("SETTLEMENT_CURRENCY") {
            c.settlement_currency = cur.to_ascii_uppercase();
        }
        Ok(c)
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("table", &self.table)
            .field("email_from", &self.email_from)
            .field("check_table_actions", &self.check_table_actions)
            .finish_non_exhaustive()
    }
}
