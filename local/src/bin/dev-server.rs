//! `make run`'s API: every route on one port, the table created and demo data loaded.
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    {
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::util::SubscriberInitExt;
        tracing_subscriber::fmt().finish().with(app::lambda::log_filter("info")).init();
    }
    let mut config = app::Config::from_env()?;
    // No Google Play account locally: the stand-in (local::stores) serves Google's API.
    let play = if config.payments_local && config.google_play.is_none() {
        let play = local::stores::GooglePlay::start().await;
        config.google_play = Some(play.config());
        config.google_token_url = config.google_token_url.or_else(|| Some(play.token_url()));
        Some(play)
    } else {
        None
    };
    let apple = if config.payments_local && config.apple.is_none() {
        let apple = local::apple::AppStore::start().await;
        config.apple = Some(apple.config());
        Some(apple)
    } else {
        None
    };
    // Kicks and mic mutes go to Agora's REST API: locally, its stand-in.
    if config.payments_local && config.agora_rest.is_none() {
        config.agora_rest = Some(local::agora::AgoraRest::start(&config.agora_app_id).await.config());
    }
    // Bank and UPI withdrawals are paid through RazorpayX: locally, its stand-in.
    let razorpayx = if config.payments_local && config.razorpayx.is_none() {
        let x = local::razorpayx::RazorpayX::start().await;
        config.razorpayx = Some(x.config());
        Some(x)
    } else {
        None
    };
    // The live channels publish to this server's AppSync Events stand-in.
    let addr = std::env::var("API_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    if config.events_http_url.is_none() {
        config.events_http_url = Some(format!("http://{addr}"));
    }
    let sdk = integrations::aws::sdk_config();
    // The aggregator's dead-letter queue, on the local stack's SQS (`make redrive` reads it).
    if config.aggregate_dlq_url.is_none() {
        let queues = integrations::queue::Queues::new(&sdk);
        config.aggregate_dlq_url = Some(queues.ensure(local::queues::AGGREGATE_DLQ).await?);
    }
    let state = Arc::new(app::AppState::new(&sdk, config, app::Clock::system()));
    if store::table::ensure(&state.db.client, &state.db.table).await? {
        tracing::info!(table = %state.db.table, "created table");
    }
    state.messenger().ensure_sender_identity().await?;
    state.media().ensure_bucket().await?;
    let pw = local::demo::DemoPasswords::from_env();
    local::demo::load(&state, &pw).await.map_err(|e| e.message)?;
    // EventBridge's schedule, locally: billing stays per real minute whatever the interval.
    let tick_secs: u64 = std::env::var("CALL_TICK_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(60).max(1);
    tokio::spawn(local::server::run_call_tick(state.clone(), std::time::Duration::from_secs(tick_secs)));
    // The table's stream feeds send-push, aggregate and publish-live, as the event source mappings do in AWS
    // (each reader polls 4 times a second, and at once again while records come).
    let every = std::time::Duration::from_secs(1);
    tokio::spawn(local::streams::run(state.clone(), every, local::streams::Consumer::Push));
    tokio::spawn(local::streams::run(state.clone(), every / 4, local::streams::Consumer::Aggregate));
    tokio::spawn(local::streams::run(state.clone(), every / 10, local::streams::Consumer::Live));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let bound = listener.local_addr()?;
    local::server::check_listen(&bound, &state.config.jwt_secret)?;
    println!(
        "\nAPI on http://{addr}\nAPI docs on http://{addr}/docs\nWeb console on http://{addr}/console/ (admin, agency and host logins)\n\
         Live channels (AppSync Events stand-in): ws://{addr}/event/realtime, publish POST http://{addr}/event\n{}",
        local::demo::logins_text(&pw)
    );
    if play.is_some() || apple.is_some() {
        // What the local store stand-ins sell (see docs/money.md).
        println!(
            "Store stand-ins: POST /recharges/google with purchase_token local:coins_500:<store_account_ref>.1, \
             POST /recharges/apple with transaction_id local-coins_500-<store_account_ref>-1 \
             (store_account_ref: GET /me); refunds: POST /dev/stores/google/void, POST /dev/stores/apple/notify\n"
        );
    }
    if razorpayx.is_some() {
        println!(
            "RazorpayX stand-in: a payout's fate is POST /dev/payouts/razorpayx {{payout_id, event: processed|failed|reversed}}\n"
        );
    }
    local::server::serve(
        listener,
        state,
        local::server::StandIns { play, apple, razorpayx, base_url: format!("http://{bound}") },
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    )
    .await?;
    Ok(())
}
