//! `make bench`: send-gift through the use case against the local stack (moto), side by
//! side with the bare requests it makes (the fresh read and the transaction it ends in),
//! and the DynamoDB requests per send.

use app::kernel::ids::{AccountId, CallId, HostId};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use app::accounts::{self, RegisterInput};
use app::gifts::{self, GiftChanges, SendGiftInput};
use app::wallet::{self, GrantInput};
use app::{AppState, Clock, Config};
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use futures_util::{StreamExt, stream};
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

/// A bench account written directly (no password hashing): a caller with coins or an online host.
async fn bench_account(state: &AppState, name: String, host: bool, coins: i64) -> String {
    let id = ulid::Ulid::new().to_string();
    let role = if host { store::Role::Host } else { store::Role::User };
    let email = Some(format!("{}@bench.local", name.to_lowercase()));
    let mut a = store::Account::new(id.clone(), role, name, (email, None), "-".into(), state.now());
    a.call_price = host.then_some(CALL_PRICE);
    a.online = host;
    a.coins = coins;
    state.db.create_account(&a, false).await.expect("account");
    id
}

const CALL_PRICE: i64 = 10;
const CALLER_COINS: i64 = 1_000_000;
/// Requests in flight while setting up and in the bare-transaction run (as the tick's own bound).
const IN_FLIGHT: usize = 100;

/// `n` active calls, accepted at the clock's now through the use cases.
async fn active_calls(state: &AppState, n: usize, tag: &str) -> Vec<store::Call> {
    let ids: Vec<(String, String)> = stream::iter(0..n)
        .map(|i| async move {
            let caller = bench_account(state, format!("c{i}-{tag}"), false, CALLER_COINS).await;
            let host = bench_account(state, format!("h{i}-{tag}"), true, 0).await;
            let input = app::calls::StartCallInput { host_id: host.clone() };
            let r = app::calls::start_call(state, &AccountId::known(&caller), input, None)
                .await
                .map_err(|e| e.message)
                .unwrap();
            let call_id =
                app::http::output::Stored::reply(&r).body.as_ref().unwrap()["id"].as_str().unwrap().to_string();
            app::calls::accept_call(state, &HostId::known(&host), &CallId::known(&call_id), None)
                .await
                .map_err(|e| e.message)
                .unwrap();
            (call_id, caller)
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let mut calls = Vec::with_capacity(n);
    for (id, _) in ids {
        calls.push(state.db.get_call(&id).await.unwrap().unwrap());
    }
    calls
}

/// One tick over `n` due calls against the bare charge transactions of the same shape.
async fn tick_bench(sdk: &aws_config::SdkConfig, n: usize) {
    let table = format!("bench-tick-{}", ulid::Ulid::new());
    let client = aws_sdk_dynamodb::Client::new(sdk);
    // No stream: the local stack's stream bookkeeping is not what AWS has.
    store::table::create_with(&client, &table, false).await.expect("create table");
    let state = AppState::new(
        sdk,
        Config::new(&table, "bench-secret-bench-secret-bench-secret!"),
        Clock::manual(1_800_000_000_000),
    );
    let tag = ulid::Ulid::new().to_string().to_lowercase();
    let t = Instant::now();
    let calls = active_calls(&state, n, &tag).await;
    let setup = t.elapsed();

    // 30 s in, every call's minute 2 is due within the coming minute.
    state.clock.advance(30_000);
    let t = Instant::now();
    let report = app::calls::call_tick(&state, state.now()).await.map_err(|e| e.message).unwrap();
    let tick = t.elapsed();
    let charged = app::calls::TickReport::get(&report.charged_minutes);
    assert_eq!(charged, n, "every due call billed once");

    // The same shape bare: minute 3 of each call, balances known, as many in flight.
    let now = state.now();
    let t = Instant::now();
    stream::iter(&calls)
        .for_each_concurrent(IN_FLIGHT, |c| {
            let state = &state;
            async move {
                let mut c = c.clone();
                c.paid_minutes = 2;
                c.paid_until = c.paid_until.map(|p| p + 60_000);
                c.earned_minutes = 1;
                let coins = CALLER_COINS - 2 * CALL_PRICE;
                let charge = WalletChange::exact(
                    coins,
                    store::LedgerEntry::new(&c.caller_id, "call_charge", Balance::Coins, -CALL_PRICE, None, now),
                );
                // Minute 2 has begun: passed on to the host, as the tick does.
                let release = store::Release {
                    earned_minutes: 2,
                    credit: store::Credit {
                        host_id: c.host_id.clone(),
                        payer_id: c.caller_id.clone(),
                        amount: CALL_PRICE,
                        call: Some(store::CallCredit { call_id: c.id.clone(), first_minute: 2, minutes: 1 }),
                        ..Default::default()
                    },
                    at: now,
                };
                state.db.charge_call_minute(&c, &charge, Some(&release)).await.unwrap();
            }
        })
        .await;
    let raw = t.elapsed();
    let per = |d: Duration| d.as_secs_f64() * 1000.0 / n as f64;
    println!(
        "call-tick over {n} due calls (setup {:.0} s): tick {:.2} s = {:.0} calls billed/s, {:.3} ms/call; \
         bare charge transactions {:.2} s = {:.3} ms/call; ratio {:.2}x",
        setup.as_secs_f64(),
        tick.as_secs_f64(),
        n as f64 / tick.as_secs_f64(),
        per(tick),
        raw.as_secs_f64(),
        per(raw),
        tick.as_secs_f64() / raw.as_secs_f64(),
    );
    store::table::delete(&client, &table).await.unwrap();
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_SENDS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let sdk = integrations::aws::sdk_config();
    let requests = Requests::default();
    let client = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(requests.clone()).build(),
    );
    let table = format!("bench-{}", ulid::Ulid::new());
    // No stream: the local stack's stream bookkeeping is not what AWS has.
    store::table::create_with(&client, &table, false).await.expect("create table");
    let mut state =
        AppState::new(&sdk, Config::new(&table, "bench-secret-bench-secret-bench-secret!"), Clock::system());
    state.db = store::Db::new(client, &table);

    let (sender, host, admin) = (user(&state, "sender").await, user(&state, "host").await, user(&state, "admin").await);
    state.db.make_host(&host, 60, true).await.unwrap();
    let grant = GrantInput { amount: 10_000_000, reason: "bench".into() };
    wallet::grant_coins(&state, &admin, &sender, grant, None).await.map_err(|e| e.message).unwrap();
    let input = GiftChanges {
        name: Some("Rose".into()),
        price_coins: Some(1),
        image_key: Some("rose.png".into()),
        animation_key: None,
        active: None,
        currency: None,
        min_wealth_level: None,
    };
    let gift = gifts::create_gift(&state, app::kernel::validate::New::check(input).unwrap())
        .await
        .map_err(|e| e.message)
        .unwrap();
    let send = || SendGiftInput { gift_id: gift.id.clone(), quantity: 1, room_id: None, price_coins: Some(1) };
    for _ in 0..20 {
        gifts::send_gift(&state, &AccountId::known(&sender), &AccountId::known(&host), send(), None)
            .await
            .map_err(|e| e.message)
            .unwrap();
    }

    // The bare requests run on their own sender and host, and the two alternate
    // send by send so the local stack's warm-up and table growth fall on both alike.
    let (raw_sender, raw_host) = (user(&state, "raw-sender").await, user(&state, "raw-host").await);
    state.db.make_host(&raw_host, 60, true).await.unwrap();
    let grant = GrantInput { amount: 10_000_000, reason: "bench".into() };
    wallet::grant_coins(&state, &admin, &raw_sender, grant, None).await.map_err(|e| e.message).unwrap();
    let a = state.db.get_accounts(&[raw_sender.clone(), raw_host.clone()]).await.unwrap();
    let balance = |id: &str| a.iter().find(|x| x.id == id).unwrap();
    let mut coins = balance(&raw_sender).coins;
    let g: Gift = state.db.get_catalog_entry(Catalog::Gift, &gift.id).await.unwrap().unwrap();

    let (mut use_case, mut raw, mut use_case_requests) = (Vec::with_capacity(n), Vec::with_capacity(n), 0);
    let mut raw_tx = Vec::with_capacity(n);
    for _ in 0..n {
        let before = requests.0.load(Ordering::Relaxed);
        let t = Instant::now();
        gifts::send_gift(&state, &AccountId::known(&sender), &AccountId::known(&host), send(), None)
            .await
            .map_err(|e| e.message)
            .unwrap();
        use_case.push(t.elapsed());
        use_case_requests += requests.0.load(Ordering::Relaxed) - before;

        let now = state.now();
        let t = Instant::now();
        // The same read the use case makes (sender, receiver, gift: one BatchGetItem)...
        state.db.gift_send_view(&raw_sender, &raw_host, &g.id, None).await.unwrap();
        let tx = Instant::now();
        // ...and the same items it writes: the sender's side and the gift's event.
        let s = GiftSend {
            change: WalletChange::exact(
                coins,
                store::LedgerEntry::new(&raw_sender, "gift_sent", Balance::Coins, -1, None, now),
            ),
            credit: store::Credit {
                host_id: raw_host.clone(),
                payer_id: raw_sender.clone(),
                payer_name: "Bench".into(),
                amount: 1,
                quantity: 1,
                gift_id: g.id.clone(),
                gift_name: g.name.clone(),
                room_id: None,
                ..Default::default()
            },
            share: None,
            idempotency: None,
        };
        state.db.send_gift(s).await.unwrap();
        raw.push(t.elapsed());
        raw_tx.push(tx.elapsed());
        coins -= 1;
    }
    let per_send = use_case_requests as f64 / n as f64;
    let (uc_med, uc_p90) = stats(use_case);
    let (raw_med, raw_p90) = stats(raw);
    let (tx_med, tx_p90) = stats(raw_tx);
    println!(
        "send-gift, {n} sequential sends against the local stack (moto) ({} build):",
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    println!("  use case (reads + transaction): median {uc_med:.2} ms, p90 {uc_p90:.2} ms");
    println!("  bare BatchGetItem + TransactWriteItems: median {raw_med:.2} ms, p90 {raw_p90:.2} ms");
    println!("  of which the TransactWriteItems: median {tx_med:.2} ms, p90 {tx_p90:.2} ms");
    println!(
        "  ratio (median): {:.2}x the bare requests, {:.2}x the bare transaction alone   DynamoDB requests per send: {per_send:.2}",
        uc_med / raw_med,
        uc_med / tx_med
    );
    store::table::delete(&state.db.client, &table).await.unwrap();

    let sizes = std::env::var("BENCH_TICK_CALLS").unwrap_or_else(|_| "1000,10000".into());
    for n in sizes.split(',').filter_map(|v| v.trim().parse().ok()) {
        tick_bench(&sdk, n).await;
    }
}
