use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::json;

use crate::calls::{active, heartbeat, parties, tick};
use crate::gifts::{gift, send};
use crate::recharges::{package, recharge, stripe_event};
use crate::support::*;

type Item = HashMap<String, AttributeValue>;

pub(crate) async fn run(app: &TestApp) -> app::operations::ReconcileReport {
    // Everything so far (the schedule's default is yesterday), in one go.
    let budget = app::operations::Budget { page: 500, until_ms: i64::MAX };
    let r = app::routes::as_event_function(
        "reconcile",
        app::operations::reconcile(&app.state, 0, app.state.now() + 1, budget),
    )
    .await
    .expect("reconcile");
    assert!(r.complete);
    r
}

/// The table's items whose `attr` is `value`, found without spelling a key.
async fn items_where(app: &TestApp, attr: &str, value: &str) -> Vec<Item> {
    let out = app
        .state
        .db
        .client
        .scan()
        .table_name(&app.state.db.table)
        .filter_expression("#a = :v")
        .expression_attribute_names("#a", attr)
        .expression_attribute_values(":v", AttributeValue::S(value.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    out.items.unwrap_or_default()
}

/// Changes an account's coins behind the ledger's back.
async fn add_coins_by_hand(app: &TestApp, who: &User, coins: i64) {
    let profile = items_where(app, "id", &who.id).await.into_iter().find(|i| i.contains_key("coins")).unwrap();
    let db = &app.state.db;
    db.client
        .update_item()
        .table_name(&db.table)
        .set_key(Some(key(&profile)))
        .update_expression("ADD coins :n")
        .expression_attribute_values(":n", AttributeValue::N(coins.to_string()))
        .send()
        .await
        .unwrap();
}

fn key(item: &Item) -> Item {
    item.iter().filter(|(k, _)| *k == "pk" || *k == "sk").map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Money moved every way there is: a recharge, a grant, gifts, a call, a settlement.
async fn activity(app: &TestApp) -> (User, User, String) {
    let admin = app.admin().await;
    let (caller, host) = parties(app, 100).await;
    let p = package(app, &admin).await;
    let r = recharge(app, &caller, &p, "stripe").await;
    assert_eq!(app.stripe(&stripe_event(&r, 44900)).await.status, 200);
    let rose = gift(app, &admin, "Rose", 10).await;
    assert_eq!(send(app, &caller, &host, json!({"gift_id": rose, "quantity": 3})).await.status, 201);
    app.drain().await;
    let call = active(app, &caller, &host).await;
    app.state.clock.advance(70_000);
    heartbeat(app, &caller, &host, &call).await;
    tick(app).await;
    let end = app.post(&format!("/calls/{call}/end"), Some(&caller.access), json!({})).await;
    assert_eq!(end.status, 200, "{end:?}");
    let s = app.post(&format!("/admin/hosts/{}/settlements", host.id), Some(&admin.access), json!({})).await;
    assert_eq!(s.status, 201, "{s:?}");
    (caller, host, r["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn after_every_kind_of_money_movement_the_books_balance() {
    let app = TestApp::start().await;
    activity(&app).await;
    let r = run(&app).await;
    assert_eq!(r.mismatches, 0, "{:?}", r.first);
    let checked = (r.accounts_checked, r.recharges_checked, r.calls_checked, r.settlements_checked);
    assert_eq!(checked, (2, 1, 1, 1), "caller and host (the admin has no ledger): {r:?}");
    assert_eq!(r.external, 100 + 550, "the grant and the recharge");
    // The report is stored, with the same counts.
    let db = &app.state.db;
    let out = db
        .client
        .scan()
        .table_name(&db.table)
        .filter_expression("attribute_exists(report)")
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    let stored: serde_json::Value = serde_json::from_str(out.items()[0]["report"].as_s().unwrap()).unwrap();
    assert_eq!((stored["run_id"].as_str(), stored["mismatches"].as_i64()), (Some(r.run_id.as_str()), Some(0)));
    // By hand, the full pass does yesterday once: a second run finds its report.
    let full = json!({"full": true});
    let first = app::routes::as_event_function(
        "reconcile",
        app::operations::scheduled_reconcile(std::sync::Arc::new(app.state.clone()), full.clone()),
    )
    .await
    .unwrap();
    assert_eq!((first["complete"].as_bool(), first["run_id"].is_string()), (Some(true), true), "{first}");
    let again = app::routes::as_event_function(
        "reconcile",
        app::operations::scheduled_reconcile(std::sync::Arc::new(app.state.clone()), full),
    )
    .await
    .unwrap();
    assert_eq!(again["already_done"]["run_id"], first["run_id"], "{again}");
}

#[tokio::test]
async fn a_lost_ledger_entry_a_balance_edited_by_hand_and_a_double_credit_are_each_reported() {
    let app = TestApp::start().await;
    let (caller, host, recharge_id) = activity(&app).await;
    let db = &app.state.db;
    // 1. The host's gift credit is lost.
    let entries = items_where(&app, "account_id", &host.id).await;
    let received = entries
        .iter()
        .find(|i| i.get("type").and_then(|t| t.as_s().ok()).map(String::as_str) == Some("gift_received"))
        .unwrap();
    db.client.delete_item().table_name(&db.table).set_key(Some(key(received))).send().await.unwrap();
    // 2. Someone adds 5 coins to the caller by hand.
    add_coins_by_hand(&app, &caller, 5).await;
    // 3. The recharge's credit is written twice (the second without its coins).
    let credit = items_where(&app, "recharge_id", &recharge_id)
        .await
        .into_iter()
        .find(|i| i.get("type").and_then(|t| t.as_s().ok()).map(String::as_str) == Some("recharge"))
        .unwrap();
    let mut copy = credit.clone();
    let sk = copy["sk"].as_s().unwrap().clone();
    copy.insert("sk".into(), AttributeValue::S(format!("{sk}X")));
    db.client.put_item().table_name(&db.table).set_item(Some(copy)).send().await.unwrap();

    let r = run(&app).await;
    let found: Vec<(&str, &str)> = r.first.iter().map(|m| (m.kind.as_str(), m.id.as_str())).collect();
    assert!(found.contains(&("account_balance", host.id.as_str())), "{found:?}");
    assert!(found.contains(&("account_balance", caller.id.as_str())), "{found:?}");
    assert!(found.contains(&("recharge_credit", recharge_id.as_str())), "{found:?}");
    assert!(found.contains(&("global", "platform")), "{found:?}");
    let host_detail = &r.first.iter().find(|m| m.id == host.id).unwrap().detail;
    assert!(host_detail.starts_with("earnings"), "{host_detail}");
    assert_eq!(r.mismatches as usize, r.first.len());
    assert!(r.mismatches >= 4, "{r:?}");
}

#[tokio::test]
async fn a_run_out_of_time_leaves_a_checkpoint_and_the_next_run_finishes_with_the_same_report() {
    let app = TestApp::start().await;
    let (caller, _, _) = activity(&app).await;
    let to = app.state.now() + 1;
    // Out of time after every page of 7 items: each invocation scans one page.
    let cut = app::operations::Budget { page: 7, until_ms: 0 };
    let mut runs = 0;
    let resumed = loop {
        runs += 1;
        let r = app::routes::as_event_function("reconcile", app::operations::reconcile(&app.state, 0, to, cut))
            .await
            .unwrap();
        if r.complete {
            break r;
        }
        assert!(runs < 100, "never finished");
    };
    assert!(runs > 3, "{runs}");
    assert_eq!(resumed.invocations, runs);
    let whole = app::routes::as_event_function(
        "reconcile",
        app::operations::reconcile(&app.state, 0, to, app::operations::Budget { page: 500, until_ms: i64::MAX }),
    )
    .await
    .unwrap();
    assert_eq!(whole.invocations, 1, "the finished run left no checkpoint");
    // (items scanned differ by the run's own report and checkpoint items)
    let counts = |r: &app::operations::ReconcileReport| {
        let checked = (r.accounts_checked, r.recharges_checked, r.calls_checked, r.settlements_checked);
        (r.ledger_entries, checked, r.external, r.balances, r.held, r.mismatches)
    };
    assert_eq!(counts(&resumed), counts(&whole));
    assert_eq!(resumed.mismatches, 0, "{:?}", resumed.first);
    // A hand-edited balance found across page boundaries too.
    add_coins_by_hand(&app, &caller, 1).await;
    let mut r = app::routes::as_event_function("reconcile", app::operations::reconcile(&app.state, 0, to + 1, cut))
        .await
        .unwrap();
    while !r.complete {
        r = app::routes::as_event_function("reconcile", app::operations::reconcile(&app.state, 0, to + 1, cut))
            .await
            .unwrap();
    }
    assert!(r.first.iter().any(|m| m.kind == "account_balance" && m.id == caller.id), "{:?}", r.first);
}

#[tokio::test]
async fn gifts_not_applied_yet_balance_the_books_and_a_lost_gift_event_is_reported() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (caller, host) = parties(&app, 100).await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    for q in [1, 2] {
        assert_eq!(send(&app, &caller, &host, json!({"gift_id": rose, "quantity": q})).await.status, 201);
    }
    // Taken from the sender, not yet the host's: the books still balance.
    let r = run(&app).await;
    assert_eq!((r.pending, r.gift_coins_sent, r.gift_coins_in_events), (30, 30, 30), "{r:?}");
    assert_eq!(r.mismatches, 0, "{:?}", r.first);
    // One gift's event is lost before the aggregator saw it.
    let events = app.state.db.pending_events(app.state.now() + 1, 100).await.unwrap();
    let lost = events.iter().find(|e| e.credit.as_ref().is_some_and(|c| c.quantity == 2)).unwrap();
    let item = items_where(&app, "id", &lost.id).await.into_iter().find(|i| i.contains_key("credit")).unwrap();
    let db = &app.state.db;
    db.client.delete_item().table_name(&db.table).set_key(Some(key(&item))).send().await.unwrap();
    app.drain().await;
    assert_eq!(app.stored_wallet(&host.id).await, (0, 10), "only the other gift reached the host");
    let r = run(&app).await;
    let found: Vec<(&str, &str)> = r.first.iter().map(|m| (m.kind.as_str(), m.id.as_str())).collect();
    assert!(found.contains(&("gift_events", "platform")), "{found:?}");
    assert!(found.contains(&("global", "platform")), "{found:?}");
    assert_eq!((r.gift_coins_sent, r.gift_coins_in_events, r.pending), (30, 10, 0));
}

/// The schedule's run: the closed hours since the last, by their events.
async fn windows(app: &TestApp) -> Vec<serde_json::Value> {
    let out = app::routes::as_event_function(
        "reconcile",
        app::operations::scheduled_reconcile(std::sync::Arc::new(app.state.clone()), json!({})),
    )
    .await
    .unwrap();
    out["windows"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_hourly_windows_check_each_gift_against_its_debit_and_each_touched_account_from_its_checkpoint() {
    // Tokens outlive the hours the clock moves on.
    let app = TestApp::start_with(|c| c.access_ttl_secs = 4 * 3600).await;
    let (admin, host, fan) = (app.admin().await, app.host("Hana").await, app.user("Fan").await);
    let rose = gift(&app, &admin, "Rose", 10).await;
    app.grant(&admin, &fan, 100).await;
    for _ in 0..2 {
        assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
    }
    app.drain().await;
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201); // still pending
    const HOUR: i64 = 3_600_000;
    app.state.clock.advance(HOUR);
    let w = windows(&app).await;
    assert_eq!(w.len(), 1, "{w:?}");
    let r = &w[0];
    assert_eq!(r["mismatches"], 0, "{r}");
    let coins = |k: &str| r[k].as_i64().unwrap();
    assert_eq!((coins("gift_coins"), coins("gift_debits")), (30, 30));
    assert_eq!((coins("credited"), coins("refunded"), coins("pending")), (20, 0, 10));
    assert!(coins("accounts_checked") >= 2, "the fan and the host at least: {r}");
    let cp = app.state.db.account_checkpoint(&fan.id).await.unwrap().unwrap();
    assert_eq!((cp.sums.coins, cp.sums.entries), (70, 4), "a grant and three gifts");
    assert!(windows(&app).await.is_empty(), "a window is done once");

    // The next hour: a balance edited by hand on an account the window touches.
    add_coins_by_hand(&app, &fan, 5).await;
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
    app.drain().await;
    app.state.clock.advance(HOUR);
    let r = &windows(&app).await[0];
    let found: Vec<(&str, &str)> = r["first"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap(), m["id"].as_str().unwrap()))
        .collect();
    assert_eq!(found, vec![("account_balance", fan.id.as_str())], "{r}");
    assert_eq!((r["events"].as_i64(), r["credited"].as_i64()), (Some(1), Some(10)), "this hour's gift only: {r}");

    // And one where a payer's debit is lost.
    let other = app.user("Other").await;
    app.grant(&admin, &other, 50).await;
    let sent = send(&app, &other, &host, json!({"gift_id": rose, "quantity": 1})).await;
    assert_eq!(sent.status, 201);
    let lost = items_where(&app, "type", "gift_sent")
        .await
        .into_iter()
        .find(|i| i.get("account_id").and_then(|v| v.as_s().ok()) == Some(&other.id));
    let db = &app.state.db;
    db.client.delete_item().table_name(&db.table).set_key(Some(key(&lost.unwrap()))).send().await.unwrap();
    app.state.clock.advance(HOUR);
    let r = &windows(&app).await[0];
    let kinds: Vec<&str> = r["first"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"gift_debit"), "{r}");
    assert!(kinds.contains(&"account_balance"), "the payer's balance no longer matches its ledger either: {r}");
}

const HOUR: i64 = 3_600_000;

#[tokio::test]
async fn an_hour_fanned_out_to_its_64_shards_on_the_queue_is_reconciled_by_the_workers_into_one_report() {
    let sdk = integrations::aws::sdk_config();
    let url = integrations::queue::Queues::new(&sdk).ensure(&format!("reconcile-{}", ulid::Ulid::new())).await.unwrap();
    let app = TestApp::start_with(|c| {
        c.access_ttl_secs = 4 * 3600;
        c.reconcile_queue_url = Some(url.clone());
    })
    .await;
    let (admin, host) = (app.admin().await, app.host("Hana").await);
    let rose = gift(&app, &admin, "Rose", 10).await;
    for i in 0..3 {
        let fan = app.user(&format!("Fan{i}")).await;
        app.grant(&admin, &fan, 100).await;
        for _ in 0..2 {
            assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
        }
    }
    app.drain().await;
    app.state.clock.advance(HOUR);
    let hour = store::hour_of(app.state.now() - HOUR);
    let out = app::routes::as_event_function(
        "reconcile",
        app::operations::scheduled_reconcile(std::sync::Arc::new(app.state.clone()), json!({})),
    )
    .await
    .unwrap();
    assert_eq!((out["queued"].clone(), out["windows"].clone()), (json!([hour]), json!([])), "{out}");
    // Lambda's poller hands the workers the window's 64 shards, one a message.
    let runs = local::queues::drain_reconcile(&std::sync::Arc::new(app.state.clone())).await.unwrap();
    assert_eq!(runs.len(), 64);
    assert_eq!(runs.iter().map(|r| r.done.len()).sum::<usize>(), 64);
    let closed: Vec<&app::operations::WindowReport> = runs.iter().flat_map(|r| &r.windows).collect();
    assert_eq!(closed.len(), 1, "the last shard writes the window's report");
    let w = closed[0];
    assert_eq!((w.window.as_str(), w.tally.mismatches), (hour.as_str(), 0), "{w:?}");
    assert_eq!((w.tally.gift_coins, w.tally.gift_debits, w.tally.credited, w.tally.pending), (60, 60, 60, 0));
    assert_eq!(w.tally.runs, 64);
    assert!(w.tally.accounts_checked >= 4, "the three fans and the host at least: {w:?}");
    let stored = app.state.db.reconcile_report(&format!("W{hour}")).await.unwrap().expect("stored");
    assert_eq!(stored["gift_coins"], 60);
    let again = app::operations::scheduled_reconcile(std::sync::Arc::new(app.state.clone()), json!({})).await.unwrap();
    assert_eq!(again["queued"], json!([]), "a window is queued once");
}

/// The window shard each of the hour's gift events is in: (shard, event id, event key).
async fn gift_events_by_shard(app: &TestApp, hour: &str) -> Vec<(u32, String, Item)> {
    let prefix = format!("EVENTS#AT#{hour}#");
    let out = app
        .state
        .db
        .client
        .scan()
        .table_name(&app.state.db.table)
        .filter_expression("begins_with(gsi2pk, :p) AND attribute_exists(credit)")
        .expression_attribute_values(":p", AttributeValue::S(prefix.clone()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    out.items
        .unwrap_or_default()
        .into_iter()
        .map(|i| {
            let shard = i["gsi2pk"].as_s().unwrap().strip_prefix(&prefix).unwrap().parse().unwrap();
            (shard, i["id"].as_s().unwrap().clone(), key(&i))
        })
        .collect()
}

#[tokio::test]
async fn three_shards_reconciled_apart_a_page_a_run_find_exactly_the_one_mismatch_planted_in_one_of_them() {
    let app = TestApp::start().await;
    let (admin, host) = (app.admin().await, app.host("Hana").await);
    let rose = gift(&app, &admin, "Rose", 10).await;
    let fan = app.user("Fan").await;
    app.grant(&admin, &fan, 1_000).await;
    let hour = store::hour_of(app.state.now());
    // Gifts until three shards hold some, one of them two or more.
    let mut by_shard: std::collections::BTreeMap<u32, Vec<(String, Item)>> = Default::default();
    for _ in 0..60 {
        assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
        app.drain().await;
        by_shard.clear();
        for (shard, id, k) in gift_events_by_shard(&app, &hour).await {
            by_shard.entry(shard).or_default().push((id, k));
        }
        if by_shard.len() >= 3 && by_shard.values().any(|v| v.len() >= 2) {
            break;
        }
    }
    let mut shards: Vec<u32> = by_shard.iter().filter(|(_, v)| v.len() >= 2).map(|(s, _)| *s).take(1).collect();
    shards.extend(by_shard.keys().filter(|s| !shards.contains(s)).take(2).copied().collect::<Vec<_>>());
    assert_eq!(shards.len(), 3, "{by_shard:?}");
    // The planted one: an event whose gift no longer matches what its payer gave.
    let (planted_shard, (planted_id, planted_key)) = (shards[1], by_shard[&shards[1]][0].clone());
    let db = &app.state.db;
    db.client
        .update_item()
        .table_name(&db.table)
        .set_key(Some(planted_key))
        .update_expression("SET credit.amount = :a")
        .expression_attribute_values(":a", AttributeValue::N("11".into()))
        .send()
        .await
        .unwrap();
    let from = app.state.now().div_euclid(HOUR) * HOUR;
    for shard in shards {
        let task = app::operations::ShardTask { from, shard };
        // A page a run, each run past its time: every run after the first goes on from the watermark.
        let mut r;
        loop {
            r = app::routes::as_event_function(
                "reconcile-shard",
                app::operations::reconcile_shard_paged(&app.state, task, std::time::Instant::now(), 1),
            )
            .await
            .unwrap();
            if r.done {
                break;
            }
        }
        let events = by_shard[&shard].len() as i64;
        assert!(
            r.tally.events >= events && r.tally.runs >= r.pages - 1 && r.tally.runs >= events,
            "shard {shard}: {r:?}"
        );
        if shard == planted_shard {
            let found: Vec<(&str, &str)> = r.tally.first.iter().map(|m| (m.kind.as_str(), m.id.as_str())).collect();
            assert_eq!(found, vec![("gift_debit", planted_id.as_str())], "{r:?}");
            assert_eq!(r.tally.mismatches, 1);
        } else {
            assert_eq!(r.tally.mismatches, 0, "shard {shard}: {r:?}");
        }
    }
}
