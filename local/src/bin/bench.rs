//! `make bench`: send-gift through the use case against DynamoDB Local, side by
//! side with the bare transaction it ends in, and the DynamoDB requests per send.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use app::accounts::{self, RegisterInput};
use app::gifts::{self, GiftInput, SendGiftInput};
use app::wallet::{self, GrantInput, new_entry};
use app::{AppState, Clock, Config};
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use store::{Balance, Catalog, Gift, GiftSend, WalletChange};

/// Counts requests the DynamoDB client sends.
#[derive(Debug, Clone, Default)]
struct Requests(Arc<AtomicUsize>);

impl Intercept for Requests {
    fn name(&self) -> &'static str {
        "count-requests"
    }
    fn read_before_transmit(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(v[v.len() / 2]), ms(v[v.len() * 9 / 10]))
}

async fn user(state: &AppState, name: &str) -> String {
    let email = format!("{name}-{}@bench.local", ulid::Ulid::new().to_string().to_lowercase());
    let input = RegisterInput { email: Some(email), phone: None, password: "bench-password".into(), name: name.into() };
    accounts::register(state, input).await.map_err(|e| e.message).expect("register").account.id
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_SENDS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let requests = Requests::default();
    let client = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(requests.clone()).build(),
    );
    let table = format!("bench-{}", ulid::Ulid::new());
    store::table::create(&client, &table).await.expect("create table");
    let mut state =
        AppState::new(&sdk, Config::new(&table, "bench-secret-bench-secret-bench-secret!"), Clock::system());
    state.db = store::Db::new(client, &table);

    let (sender, host, admin) = (user(&state, "sender").await, user(&state, "host").await, user(&state, "admin").await);
    state.db.make_host(&host, 60, true).await.unwrap();
    let grant = GrantInput { amount: 10_000_000, reason: "bench".into() };
    wallet::grant_coins(&state, &admin, &sender, grant, None).await.map_err(|e| e.message).unwrap();
    let input = GiftInput {
        name: Some("Rose".into()),
        price_coins: Some(1),
        image_key: Some("rose.png".into()),
        animation_key: None,
        active: None,
    };
    let gift = gifts::create_gift(&state, input).await.map_err(|e| e.message).unwrap();
    let send = || SendGiftInput { gift_id: gift.id.clone(), quantity: 1, room_id: None };
    for _ in 0..20 {
        gifts::send_gift(&state, &sender, &host, send(), None).await.map_err(|e| e.message).unwrap();
    }

    // The bare transaction runs on its own sender and host, so it neither helps
    // nor spoils the use case's cached view, and the two alternate send by send
    // so DynamoDB Local's warm-up and table growth fall on both alike.
    let (raw_sender, raw_host) = (user(&state, "raw-sender").await, user(&state, "raw-host").await);
    state.db.make_host(&raw_host, 60, true).await.unwrap();
    let grant = GrantInput { amount: 10_000_000, reason: "bench".into() };
    wallet::grant_coins(&state, &admin, &raw_sender, grant, None).await.map_err(|e| e.message).unwrap();
    let a = state.db.get_accounts(&[raw_sender.clone(), raw_host.clone()]).await.unwrap();
    let balance = |id: &str| a.iter().find(|x| x.id == id).unwrap();
    let (mut coins, mut earnings) = (balance(&raw_sender).coins, balance(&raw_host).earnings);
    let g: Gift = state.db.get_catalog_entry(Catalog::Gift, &gift.id).await.unwrap().unwrap();

    let (mut use_case, mut raw, mut use_case_requests) = (Vec::with_capacity(n), Vec::with_capacity(n), 0);
    for _ in 0..n {
        let before = requests.0.load(Ordering::Relaxed);
        let t = Instant::now();
        gifts::send_gift(&state, &sender, &host, send(), None).await.map_err(|e| e.message).unwrap();
        use_case.push(t.elapsed());
        use_case_requests += requests.0.load(Ordering::Relaxed) - before;

        let now = state.now();
        let t = Instant::now();
        let s = GiftSend {
            changes: [
                WalletChange {
                    expected: coins,
                    entry: new_entry(&raw_sender, "gift_sent", Balance::Coins, -1, coins - 1, now),
                },
                WalletChange {
                    expected: earnings,
                    entry: new_entry(&raw_host, "gift_received", Balance::Earnings, 1, earnings + 1, now),
                },
            ],
            sender_id: &raw_sender,
            receiver_id: &raw_host,
            gift_id: &g.id,
            price_coins: 1,
            quantity: 1,
            room_id: None,
            idempotency: None,
        };
        state.db.send_gift(s).await.unwrap();
        raw.push(t.elapsed());
        coins -= 1;
        earnings += 1;
    }
    let per_send = use_case_requests as f64 / n as f64;
    let (uc_med, uc_p90) = stats(use_case);
    let (raw_med, raw_p90) = stats(raw);
    println!(
        "send-gift, {n} sequential sends against DynamoDB Local ({} build):",
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    println!("  use case (reads + transaction): median {uc_med:.2} ms, p90 {uc_p90:.2} ms");
    println!("  bare TransactWriteItems:        median {raw_med:.2} ms, p90 {raw_p90:.2} ms");
    println!("  ratio (median): {:.2}x   DynamoDB requests per send: {per_send:.2}", uc_med / raw_med);
    store::table::delete(&state.db.client, &table).await.unwrap();
}
