use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::*;

pub const PRICE: i64 = 10;

/// A host at 10 coins a minute and a caller holding `coins`.
pub async fn parties(app: &TestApp, coins: i64) -> (User, User) {
    let (admin, caller, host) = (app.admin().await, app.user("Cal").await, app.host("Hope").await);
    let r = app
        .call(
            "PUT",
            "/host/call-settings",
            Some(&host.access),
            Some(json!({"price_per_minute": PRICE, "online": true})),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    if coins > 0 {
        assert_eq!(app.grant(&admin, &caller, coins).await.status, 201);
    }
    (caller, host)
}

async fn ring(app: &TestApp, caller: &User, host: &User) -> Resp {
    app.post("/calls", Some(&caller.access), json!({"host_id": host.id})).await
}

async fn ringing(app: &TestApp, caller: &User, host: &User) -> String {
    let r = ring(app, caller, host).await;
    assert_eq!((r.status, r.body["state"].as_str()), (201, Some("ringing")), "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

async fn act(app: &TestApp, who: &User, call: &str, what: &str) -> Resp {
    app.post(&format!("/calls/{call}/{what}"), Some(&who.access), json!({})).await
}

pub async fn active(app: &TestApp, caller: &User, host: &User) -> String {
    let id = ringing(app, caller, host).await;
    let r = act(app, host, &id, "accept").await;
    assert_eq!((r.status, r.body["call"]["state"].as_str()), (200, Some("active")), "{r:?}");
    id
}

pub async fn call_of(app: &TestApp, who: &User, id: &str) -> Value {
    let r = app.get(&format!("/calls/{id}"), &who.access).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

pub async fn tick(app: &TestApp) -> app::calls::TickReport {
    app::routes::as_event_function("call-tick", app::calls::call_tick(&app.state, app.state.now())).await.expect("tick")
}

async fn ledger(app: &TestApp, u: &User) -> Vec<Value> {
    app.get("/me/transactions?limit=100", &u.access).await.body["items"].as_array().unwrap().clone()
}

fn of_type<'a>(entries: &'a [Value], kind: &str) -> Vec<&'a Value> {
    entries.iter().filter(|e| e["type"] == kind).collect()
}

pub async fn heartbeat(app: &TestApp, caller: &User, host: &User, id: &str) {
    for who in [caller, host] {
        let r = act(app, who, id, "heartbeat").await;
        assert_eq!(r.status, 200, "{r:?}");
    }
}

const SEC: i64 = 1000;

/// `n` active calls (callers holding 1000 coins, hosts at 60 a minute), 30 s
/// in with fresh heartbeats: each call's minute 2 is due.
async fn calls_30s_in(app: &TestApp, n: usize) -> Vec<(User, User, String)> {
    let admin = app.admin().await;
    let mut calls = Vec::new();
    for i in 0..n {
        let caller = app.user(&format!("C{i}")).await;
        let host = app.host(&format!("H{i}")).await;
        app.grant(&admin, &caller, 1000).await;
        let id = active(app, &caller, &host).await;
        calls.push((caller, host, id));
    }
    app.state.clock.advance(30 * SEC);
    for (c, h, id) in &calls {
        heartbeat(app, c, h, id).await;
    }
    calls
}

#[tokio::test]
async fn a_call_is_accepted_billed_each_minute_and_ended_with_both_ledgers_agreeing() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let id = ringing(&app, &caller, &host).await;
    let r = act(&app, &host, &id, "accept").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        (r.body["call"]["paid_minutes"].as_i64(), r.body["call"]["price_per_minute"].as_i64()),
        (Some(1), Some(PRICE))
    );
    let channel = r.body["agora"]["channel"].as_str().unwrap().to_string();
    let payload = crate::rooms::token_payload(r.body["agora"]["token"].as_str().unwrap());
    assert!(crate::rooms::has_str(&payload, &channel));
    assert_eq!(app.wallet(&caller).await, (90, 0));
    assert_eq!(app.wallet(&host).await, (0, 0), "minute 1 is held on the call until it has run past the grace");
    assert_eq!(app.state.db.held_in_calls().await.unwrap(), 10);
    // The caller gets the same channel (and a token of their own) from the call.
    let seen = call_of(&app, &caller, &id).await;
    assert_eq!(seen["agora"]["channel"], channel.as_str());
    assert_eq!(seen["agora"]["uid"], integrations::agora::uid_for(&caller.id));

    app.state.clock.advance(30 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await;
    assert_eq!(app.wallet(&caller).await.0, 80, "minute 2 is prepaid when due within the coming minute");
    app.drain().await; // the host's side comes from the event
    assert_eq!(app.wallet(&host).await.1, 10, "minute 1, begun, is the host's; minute 2 is held");
    assert_eq!(call_of(&app, &caller, &id).await["billed_minutes"], 1);
    tick(&app).await;
    assert_eq!(app.wallet(&caller).await.0, 80, "a second run in the same minute charges nothing");
    app.state.clock.advance(60 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await;
    assert_eq!(app.wallet(&caller).await.0, 70);
    app.drain().await;
    let (coins, earnings, _) = app.state.db.sum_balances().await.unwrap();
    assert_eq!(coins + earnings + app.state.db.held_in_calls().await.unwrap(), 100, "conservation mid-call");

    app.state.clock.advance(10 * SEC);
    let r = act(&app, &caller, &id, "end").await;
    assert_eq!(r.status, 200, "{r:?}");
    // 100 s is two started minutes: the prepaid third, not begun, comes back.
    assert_eq!((r.body["state"].as_str(), r.body["paid_minutes"].as_i64()), (Some("ended"), Some(2)));
    assert_eq!((r.body["billed_minutes"].as_i64(), r.body["total_coins"].as_i64()), (Some(2), Some(20)));
    assert_eq!(r.body["duration_secs"].as_i64(), Some(100));
    assert_eq!(r.body["end_reason"], "ended_by_caller");
    let again = act(&app, &host, &id, "end").await;
    assert_eq!((again.status, again.body["paid_minutes"].as_i64()), (200, Some(2)), "ending twice is harmless");
    app.state.clock.advance(120 * SEC);
    tick(&app).await;
    assert_eq!(app.wallet(&caller).await, (80, 0), "never charged after the end");
    app.drain().await;
    assert_eq!(app.wallet(&host).await, (0, 20));

    let paid = ledger(&app, &caller).await;
    let paid = of_type(&paid, "call_charge");
    let earned = ledger(&app, &host).await;
    let earned = of_type(&earned, "call_earning");
    let after: Vec<i64> = paid.iter().map(|e| e["balance_after"].as_i64().unwrap()).collect();
    assert_eq!(after, vec![70, 80, 90], "newest first, exact balances");
    let minutes: Vec<(i64, i64, i64)> = earned
        .iter()
        .map(|e| (e["minute"].as_i64().unwrap(), e["quantity"].as_i64().unwrap(), e["amount"].as_i64().unwrap()))
        .collect();
    assert_eq!(minutes, vec![(2, 1, PRICE), (1, 1, PRICE)], "each minute earned once, as it began");
    let back = ledger(&app, &caller).await;
    let back = of_type(&back, "call_refund");
    assert_eq!((back.len(), back[0]["amount"].as_i64(), back[0]["balance_after"].as_i64()), (1, Some(10), Some(80)));
    assert!(of_type(&ledger(&app, &host).await, "call_refund").is_empty(), "the refund came from the call's hold");
    for p in &paid {
        assert_eq!((p["amount"].as_i64(), p["call_id"].as_str()), (Some(-PRICE), Some(id.as_str())));
        assert_eq!(p["counterparty_id"], host.id.as_str());
    }
    for e in &earned {
        assert_eq!(
            (e["call_id"].as_str(), e["counterparty_id"].as_str()),
            (Some(id.as_str()), Some(caller.id.as_str()))
        );
    }
    // Both parties are free again.
    let next = ring(&app, &caller, &host).await;
    assert_eq!(next.status, 201, "{next:?}");
    // Conservation: what was granted is what the accounts hold.
    let (coins, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    assert_eq!((settled, app.state.db.held_in_calls().await.unwrap()), (0, 0), "nothing settled, nothing held");
    assert_eq!(coins + earnings, 100);
}

#[tokio::test]
async fn starting_a_call_is_refused_for_offline_busy_unknown_or_unaffordable_hosts() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let poor = app.user("Poor").await;
    let r = ring(&app, &poor, &host).await;
    assert_eq!((r.status, r.body["error"].as_str()), (402, Some("insufficient_coins")));
    let r = ring(&app, &caller, &caller).await;
    assert_eq!(r.status, 400);
    let r = ring(&app, &caller, &poor).await;
    assert_eq!(r.status, 404, "not a host");
    let r = app.post("/calls", Some(&caller.access), json!({"host_id": "no such id"})).await;
    assert_eq!(r.status, 400);
    let r = app.post("/calls", Some(&caller.access), json!({})).await;
    assert_eq!(r.status, 400);

    let settings = |online: bool| json!({"price_per_minute": PRICE, "online": online});
    app.call("PUT", "/host/call-settings", Some(&host.access), Some(settings(false))).await;
    let r = ring(&app, &caller, &host).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("host_offline")));
    app.call("PUT", "/host/call-settings", Some(&host.access), Some(settings(true))).await;

    // In a call: the host is busy for others, the caller for other hosts.
    let id = active(&app, &caller, &host).await;
    let (admin, other) = (app.admin().await, app.user("Oth").await);
    app.grant(&admin, &other, 100).await;
    let r = ring(&app, &other, &host).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("host_busy")));
    let host2 = app.host("Hal").await;
    let r = ring(&app, &caller, &host2).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("caller_busy")));
    assert_eq!(act(&app, &host, &id, "end").await.status, 200);
    assert_eq!(ring(&app, &other, &host).await.status, 201);
}

#[tokio::test]
async fn call_settings_are_for_hosts_with_positive_whole_prices() {
    let app = TestApp::start().await;
    let (u, h) = (app.user("U").await, app.host("H").await);
    let r = app
        .call("PUT", "/host/call-settings", Some(&u.access), Some(json!({"price_per_minute": 5, "online": true})))
        .await;
    assert_eq!(r.status, 403);
    for body in [
        json!({"price_per_minute": 0, "online": true}),
        json!({"price_per_minute": -1, "online": true}),
        json!({"price_per_minute": 1.5, "online": true}),
        json!({"price_per_minute": 10_000_000, "online": true}),
        json!({"price_per_minute": 5}),
        json!({"online": true}),
        json!({"price_per_minute": 5, "online": "yes"}),
    ] {
        let r = app.call("PUT", "/host/call-settings", Some(&h.access), Some(body.clone())).await;
        assert_eq!(r.status, 400, "{body} → {r:?}");
    }
    let r = app
        .call("PUT", "/host/call-settings", Some(&h.access), Some(json!({"price_per_minute": 25, "online": false})))
        .await;
    assert_eq!(r.body, json!({"price_per_minute": 25, "online": false}));
    let profile = app.get(&format!("/users/{}", h.id), &u.access).await;
    assert_eq!((profile.body["call_price"].as_i64(), profile.body["online"].as_bool()), (Some(25), Some(false)));
}

#[tokio::test]
async fn only_the_caller_cancels_only_the_host_answers_and_strangers_see_nothing() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let (stranger, admin) = (app.user("Str").await, app.admin().await);
    let id = ringing(&app, &caller, &host).await;
    assert_eq!(act(&app, &host, &id, "cancel").await.status, 403);
    assert_eq!(act(&app, &caller, &id, "decline").await.status, 403);
    assert_eq!(act(&app, &caller, &id, "accept").await.status, 403);
    for what in ["cancel", "decline", "accept", "heartbeat", "end"] {
        assert_eq!(act(&app, &stranger, &id, what).await.status, 404, "{what}");
    }
    assert_eq!(app.get(&format!("/calls/{id}"), &stranger.access).await.status, 404);
    assert_eq!(app.get(&format!("/calls/{id}"), &admin.access).await.status, 200);
    assert_eq!(app.get("/calls/unknown", &caller.access).await.status, 404);
    // Nothing of that changed the call.
    assert_eq!(call_of(&app, &caller, &id).await["state"], "ringing");
    assert_eq!(app.wallet(&caller).await, (100, 0));
}

#[tokio::test]
async fn every_transition_out_of_ringing_is_final() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;

    let id = ringing(&app, &caller, &host).await;
    let r = act(&app, &caller, &id, "heartbeat").await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("call_not_active")));
    let r = act(&app, &caller, &id, "end").await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("call_not_active")));
    let r = act(&app, &caller, &id, "cancel").await;
    assert_eq!((r.status, r.body["state"].as_str()), (200, Some("cancelled")));
    for (who, what) in [(&caller, "cancel"), (&host, "decline"), (&host, "accept")] {
        let r = act(&app, who, &id, what).await;
        assert_eq!((r.status, r.body["error"].as_str()), (409, Some("call_not_ringing")), "{what}");
    }

    let id = ringing(&app, &caller, &host).await;
    let r = act(&app, &host, &id, "decline").await;
    assert_eq!((r.status, r.body["state"].as_str()), (200, Some("declined")));
    assert_eq!(act(&app, &host, &id, "accept").await.status, 409);

    let id = active(&app, &caller, &host).await;
    for (who, what) in [(&caller, "cancel"), (&host, "decline"), (&host, "accept")] {
        assert_eq!(act(&app, who, &id, what).await.status, 409, "{what}");
    }
    assert_eq!(app.wallet(&caller).await, (90, 0), "only the accepted call charged");
}

#[tokio::test]
async fn a_callers_new_request_cancels_their_ringing_one_and_accepting_declines_the_others() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let host2 = app.host("Hal").await;
    let first = ringing(&app, &caller, &host).await;
    let second = ringing(&app, &caller, &host2).await;
    let old = call_of(&app, &caller, &first).await;
    assert_eq!((old["state"].as_str(), old["end_reason"].as_str()), (Some("cancelled"), Some("replaced")));
    assert_eq!(act(&app, &host, &first, "accept").await.status, 409);
    assert_eq!(call_of(&app, &caller, &second).await["state"], "ringing");

    // Two callers ring host2; accepting one declines the other.
    let admin = app.admin().await;
    let other = app.user("Oth").await;
    app.grant(&admin, &other, 100).await;
    let third = ringing(&app, &other, &host2).await;
    let r = act(&app, &host2, &third, "accept").await;
    assert_eq!(r.status, 200, "{r:?}");
    let declined = call_of(&app, &caller, &second).await;
    assert_eq!(
        (declined["state"].as_str(), declined["end_reason"].as_str()),
        (Some("declined"), Some("accepted_elsewhere"))
    );
    assert_eq!(app.wallet(&caller).await, (100, 0));
}

#[tokio::test]
async fn accept_racing_cancel_has_exactly_one_winner() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 1000).await;
    let mut accepted = 0;
    for _ in 0..6 {
        let id = ringing(&app, &caller, &host).await;
        let (a, c) = tokio::join!(act(&app, &host, &id, "accept"), act(&app, &caller, &id, "cancel"));
        assert_eq!([a.status, c.status].iter().filter(|s| **s == 200).count(), 1, "{a:?} {c:?}");
        assert_eq!([a.status, c.status].iter().filter(|s| **s == 409).count(), 1, "{a:?} {c:?}");
        let state = call_of(&app, &caller, &id).await["state"].clone();
        if a.status == 200 {
            accepted += 1;
            assert_eq!(state, "active");
            assert_eq!(act(&app, &caller, &id, "end").await.status, 200);
        } else {
            assert_eq!(state, "cancelled");
        }
    }
    assert_eq!(app.wallet(&caller).await.0, 1000 - accepted * PRICE, "charged once per accepted call");
    assert_eq!(app.wallet(&host).await.1, accepted * PRICE);
}

#[tokio::test]
async fn racing_requests_and_racing_accepts_leave_one_call_each() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 1000).await;
    let host2 = app.host("Hal").await;
    // A caller's two requests at once: one rings, the other is cancelled.
    let (a, b) = tokio::join!(ring(&app, &caller, &host), ring(&app, &caller, &host2));
    assert_eq!((a.status, b.status), (201, 201), "{a:?} {b:?}");
    let states: Vec<Value> = join_all([&a, &b].map(|r| call_of(&app, &caller, r.body["id"].as_str().unwrap()))).await;
    let ringing_now = states.iter().filter(|c| c["state"] == "ringing").count();
    assert_eq!(ringing_now, 1, "{states:?}");

    // A host accepting two requests at once: exactly one call becomes active.
    let admin = app.admin().await;
    let (c1, c2) = (app.user("C1").await, app.user("C2").await);
    app.grant(&admin, &c1, 100).await;
    app.grant(&admin, &c2, 100).await;
    let host3 = app.host("Hx").await;
    let (i1, i2) = (ringing(&app, &c1, &host3).await, ringing(&app, &c2, &host3).await);
    let (r1, r2) = tokio::join!(act(&app, &host3, &i1, "accept"), act(&app, &host3, &i2, "accept"));
    let mut statuses = [r1.status, r2.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{r1:?} {r2:?}");
    let paid = app.wallet(&c1).await.0 + app.wallet(&c2).await.0;
    assert_eq!(paid, 200 - 60, "only the accepted caller paid its first minute (host3 charges 60)");
}

#[tokio::test]
async fn ten_ticks_at_once_charge_each_minute_once() {
    let app = TestApp::start().await;
    let calls = calls_30s_in(&app, 4).await;
    let reports = join_all((0..10).map(|_| tick(&app))).await;
    let charged: usize = reports.iter().map(|r| app::calls::TickReport::get(&r.charged_minutes)).sum();
    assert_eq!(charged, 4, "one minute per call across all ten runs");
    for (c, h, id) in &calls {
        assert_eq!(call_of(&app, c, id).await["paid_minutes"], 2);
        assert_eq!(app.wallet(c).await.0, 1000 - 2 * 60);
        app.drain().await; // the host's side comes from the event
        assert_eq!(app.wallet(h).await.1, 60, "minute 1 earned, minute 2 held");
        assert_eq!(of_type(&ledger(&app, c).await, "call_charge").len(), 2);
    }
}

#[tokio::test]
async fn a_tick_after_a_ten_minute_gap_charges_every_minute_the_caller_had_coins_for() {
    let app = TestApp::start().await;
    // Coins for 15 minutes: the gap's 12 due minutes are all charged.
    let (caller, host) = parties(&app, 150).await;
    let id = active(&app, &caller, &host).await;
    app.state.clock.advance(600 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await;
    let c = call_of(&app, &caller, &id).await;
    assert_eq!((c["state"].as_str(), c["paid_minutes"].as_i64()), (Some("active"), Some(12)));
    assert_eq!(app.wallet(&caller).await.0, 30);
    assert_eq!(of_type(&ledger(&app, &caller).await, "call_charge").len(), 12);

    // Coins for 6 minutes: charged those 6 and ended when they ran out, in the past.
    let (caller, host) = parties(&app, 60).await;
    let id = active(&app, &caller, &host).await;
    let accepted = app.state.now();
    app.state.clock.advance(600 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await;
    let c = call_of(&app, &caller, &id).await;
    assert_eq!((c["state"].as_str(), c["paid_minutes"].as_i64()), (Some("ended"), Some(6)));
    assert_eq!((c["end_reason"].as_str(), c["duration_secs"].as_i64()), (Some("insufficient_coins"), Some(360)));
    let ended = chrono::DateTime::parse_from_rfc3339(c["ended_at"].as_str().unwrap()).unwrap().timestamp_millis();
    assert_eq!(ended, accepted + 360 * SEC);
    assert_eq!(app.wallet(&caller).await.0, 0);
    app.drain().await; // the host's side comes from the event
    assert_eq!(app.wallet(&host).await.1, 60);
}

#[tokio::test]
async fn running_out_of_coins_mid_call_warns_then_ends_it_at_the_paid_time() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 25).await;
    let id = active(&app, &caller, &host).await; // 15 left: covers one more minute → warned
    assert_eq!(app.notifications_of(&caller, "low_balance").await.len(), 1);
    app.state.clock.advance(30 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await; // minute 2 → 5 left
    assert_eq!(app.wallet(&caller).await.0, 5);
    let warnings = app.notifications_of(&caller, "low_balance").await;
    assert_eq!(warnings.len(), 2);
    let newest = &warnings[0]["data"];
    assert_eq!((newest["call_id"].as_str(), newest["coins"].as_str()), (Some(id.as_str()), Some("5")));
    app.state.clock.advance(60 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await; // minute 3 due at 120 s, unaffordable, but minute 2 still runs
    assert_eq!(call_of(&app, &caller, &id).await["state"], "active");
    app.state.clock.advance(40 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await; // 130 s: the paid time is over
    let c = call_of(&app, &caller, &id).await;
    assert_eq!(
        (c["state"].as_str(), c["end_reason"].as_str(), c["duration_secs"].as_i64()),
        (Some("ended"), Some("insufficient_coins"), Some(120))
    );
    assert_eq!(app.wallet(&caller).await.0, 5, "never below zero");
    app.drain().await; // the host's side comes from the event
    assert_eq!(app.wallet(&host).await.1, 20);
}

#[tokio::test]
async fn a_dropped_call_is_billed_up_to_the_silent_partys_last_heartbeat_plus_one_interval_and_never_prepaid() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let id = active(&app, &caller, &host).await;
    app.state.clock.advance(30 * SEC);
    heartbeat(&app, &caller, &host, &id).await; // the host's last heartbeat, at 30 s
    tick(&app).await; // minute 2 prepaid, paid until 120 s
    assert_eq!(app.wallet(&caller).await.0, 80);
    app.state.clock.advance(60 * SEC);
    assert_eq!(act(&app, &caller, &id, "heartbeat").await.status, 200);
    tick(&app).await; // 90 s: minute 3 is due within the minute, but the host is silent
    assert_eq!(app.wallet(&caller).await.0, 80, "no minute is prepaid for a call with a silent party");
    assert_eq!(call_of(&app, &caller, &id).await["paid_minutes"], 2);
    app.state.clock.advance(35 * SEC);
    assert_eq!(act(&app, &caller, &id, "heartbeat").await.status, 200);
    let report = tick(&app).await; // 125 s: 95 s without the host
    assert_eq!(app::calls::TickReport::get(&report.dropped), 1);
    let c = call_of(&app, &caller, &id).await;
    assert_eq!((c["state"].as_str(), c["end_reason"].as_str()), (Some("ended"), Some("dropped")));
    // Billed up to 30 s + 30 s = 60 s: one minute. Minute 2 began after the host fell silent: back.
    assert_eq!((c["paid_minutes"].as_i64(), c["billed_minutes"].as_i64()), (Some(1), Some(1)));
    assert_eq!(c["duration_secs"].as_i64(), Some(60));
    app.drain().await; // the host's side comes from the event
    assert_eq!((app.wallet(&caller).await.0, app.wallet(&host).await.1), (90, 10));
    assert_eq!(ring(&app, &caller, &host).await.status, 201, "both parties are free");
}

#[tokio::test]
async fn a_call_ending_within_the_connection_grace_costs_nothing_and_earns_nothing() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    // Ended by the host 19 s in, after a tick prepaid minute 2: both minutes go back.
    let id = active(&app, &caller, &host).await;
    app.state.clock.advance(15 * SEC);
    tick(&app).await;
    assert_eq!(app.wallet(&caller).await.0, 80, "minute 2 is due within the coming minute");
    assert_eq!(app.wallet(&host).await.1, 0, "nothing is earned within the grace");
    app.state.clock.advance(4 * SEC);
    let r = act(&app, &host, &id, "end").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        (r.body["billed_minutes"].as_i64(), r.body["paid_minutes"].as_i64(), r.body["total_coins"].as_i64()),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!((app.wallet(&caller).await, app.wallet(&host).await), ((100, 0), (0, 0)));
    let back = of_type(&ledger(&app, &caller).await, "call_refund").into_iter().cloned().collect::<Vec<_>>();
    assert_eq!((back.len(), back[0]["quantity"].as_i64(), back[0]["amount"].as_i64()), (1, Some(2), Some(20)));
    // Past the grace the begun minute is billed.
    app.state.clock.advance(SEC);
    let id = active(&app, &caller, &host).await;
    app.state.clock.advance(25 * SEC);
    let r = act(&app, &caller, &id, "end").await;
    assert_eq!((r.body["billed_minutes"].as_i64(), r.body["total_coins"].as_i64()), (Some(1), Some(PRICE)));
    app.drain().await; // the host's side comes from the event
    assert_eq!((app.wallet(&caller).await.0, app.wallet(&host).await.1), (90, 10));
    let dash = app.get("/host/dashboard", &host.access).await;
    assert_eq!((dash.body["earnings_today"].as_i64(), dash.body["call_minutes_today"].as_i64()), (Some(10), Some(1)));
    assert_eq!(app.state.db.held_in_calls().await.unwrap(), 0);
}

#[tokio::test]
async fn a_ringing_call_unanswered_for_45_seconds_is_missed() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let id = ringing(&app, &caller, &host).await;
    app.state.clock.advance(44 * SEC);
    tick(&app).await;
    assert_eq!(call_of(&app, &caller, &id).await["state"], "ringing");
    app.state.clock.advance(2 * SEC);
    let report = tick(&app).await;
    assert_eq!(app::calls::TickReport::get(&report.missed), 1);
    assert_eq!(call_of(&app, &host, &id).await["state"], "missed");
    assert_eq!(act(&app, &host, &id, "accept").await.status, 409);
    assert_eq!(app.wallet(&caller).await, (100, 0));
}

#[tokio::test]
async fn both_parties_list_their_calls_newest_first_and_a_repeated_request_rings_once() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let first = app.post_idem("/calls", &caller.access, "k1", json!({"host_id": host.id})).await;
    let again = app.post_idem("/calls", &caller.access, "k1", json!({"host_id": host.id})).await;
    assert_eq!((first.status, again.status), (201, 201));
    assert_eq!(first.body["id"], again.body["id"], "the same answer, one call");
    app.state.clock.advance(1);
    let second = ringing(&app, &caller, &host).await;
    for who in [&caller, &host] {
        let page = app.get("/me/calls?limit=1", &who.access).await;
        assert_eq!(page.body["items"][0]["id"], second.as_str());
        let cursor = page.body["next_cursor"].as_str().unwrap();
        let rest = app.get(&format!("/me/calls?limit=5&cursor={cursor}"), &who.access).await;
        let ids: Vec<&str> = rest.body["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![first.body["id"].as_str().unwrap()]);
    }
    let stranger = app.user("S").await;
    assert_eq!(app.get("/me/calls", &stranger.access).await.body["items"], json!([]));
}

#[tokio::test]
async fn a_tick_that_stopped_half_way_is_finished_by_the_next_without_charging_twice() {
    let app = TestApp::start().await;
    let calls = calls_30s_in(&app, 3).await;
    // The crashed run got as far as charging the first call's minute 2.
    let (c, _, id) = &calls[0];
    let call = app.state.db.get_call(id).await.unwrap().unwrap();
    let now = app.state.now();
    let charge = store::WalletChange::exact(
        1000 - 60,
        store::LedgerEntry::new(&c.id, "call_charge", store::Balance::Coins, -60, None, now),
    );
    app.state.db.charge_call_minute(&call, &charge, None).await.unwrap();
    let report = tick(&app).await;
    assert_eq!(app::calls::TickReport::get(&report.charged_minutes), 2, "only the two calls it had not reached");
    for (c, _, id) in &calls {
        assert_eq!(call_of(&app, c, id).await["paid_minutes"], 2);
        assert_eq!(app.wallet(c).await.0, 1000 - 120);
    }
}

#[tokio::test]
async fn banning_a_caller_while_the_call_rings_cancels_it_and_frees_the_host() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let id = ringing(&app, &caller, &host).await;
    let admin = app.admin().await;
    let ban =
        app.post(&format!("/admin/users/{}/ban", caller.id), Some(&admin.access), json!({"reason": "fraud"})).await;
    assert_eq!(ban.status, 200, "{ban:?}");
    let c = call_of(&app, &host, &id).await;
    assert_eq!((c["state"].as_str(), c["end_reason"].as_str()), (Some("cancelled"), Some("banned")));
    let r = act(&app, &host, &id, "accept").await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("call_not_ringing")), "{r:?}");
    assert_eq!((app.stored_wallet(&caller.id).await, app.wallet(&host).await), ((100, 0), (0, 0)));
    // The host is free for the next call.
    let other = app.user("Next").await;
    app.grant(&admin, &other, 100).await;
    let next = ringing(&app, &other, &host).await;
    assert_eq!(act(&app, &host, &next, "accept").await.status, 200);
}

#[tokio::test]
async fn a_minute_that_reaches_a_host_banned_meanwhile_goes_back_to_the_caller() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let id = active(&app, &caller, &host).await;
    app.state.clock.advance(30 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await; // minute 1 released to the host (its event), minute 2 prepaid
    assert_eq!(app.wallet(&caller).await.0, 80);
    let admin = app.admin().await;
    let ban = app.post(&format!("/admin/users/{}/ban", host.id), Some(&admin.access), json!({"reason": "abuse"})).await;
    assert_eq!(ban.status, 200, "{ban:?}");
    assert_eq!(call_of(&app, &caller, &id).await["state"], "ended");
    assert_eq!(app.wallet(&caller).await.0, 90, "the held minute 2 came back with the end");
    app.drain().await;
    assert_eq!(app.wallet(&caller).await.0, 100, "minute 1 never reached the banned host: it came back too");
    assert_eq!(app.stored_wallet(&host.id).await, (0, 0));
    let back = ledger(&app, &caller).await;
    let back: Vec<&Value> =
        of_type(&back, "call_refund").into_iter().filter(|e| e["reason"] == "host_unavailable").collect();
    assert_eq!(back.len(), 1, "{back:?}");
    assert_eq!((back[0]["amount"].as_i64(), back[0]["call_id"].as_str()), (Some(PRICE), Some(id.as_str())));
    let (coins, earnings, _) = app.state.db.sum_balances().await.unwrap();
    assert_eq!(coins + earnings + app.state.db.held_in_calls().await.unwrap(), 100, "conservation");
    let budget = app::operations::Budget { page: 500, until_ms: i64::MAX };
    let r = app::routes::as_event_function(
        "reconcile",
        app::operations::reconcile(&app.state, 0, app.state.now() + 1, budget),
    )
    .await
    .expect("reconcile");
    assert_eq!(r.mismatches, 0, "{:?}", r.first);
}

#[tokio::test]
async fn admins_see_calls_in_progress_and_a_days_calls_with_what_was_charged_and_refunded() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (caller, host) = parties(&app, 1000).await;
    let (other, _) = parties(&app, 1000).await;
    // A call that was declined, then one in progress.
    let declined = ringing(&app, &other, &host).await;
    assert_eq!(act(&app, &host, &declined, "decline").await.status, 200);
    app.state.clock.advance(1000);
    let live = active(&app, &caller, &host).await;
    let ids = |r: &Resp| -> Vec<String> {
        r.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
    };

    let now = app.get("/admin/calls?state=active", &admin.access).await;
    assert_eq!((now.status, ids(&now)), (200, vec![live.clone()]), "{now:?}");
    let row = &now.body["items"][0];
    assert_eq!((row["caller_name"].as_str(), row["host_name"].as_str()), (Some("Cal"), Some("Hope")));
    assert_eq!((row["paid_minutes"].as_i64(), row["refunded_coins"].as_i64()), (Some(1), Some(0)));

    let today = app.get("/admin/calls", &admin.access).await;
    assert_eq!(ids(&today), vec![live.clone(), declined.clone()]);
    let one = app.get("/admin/calls?limit=1", &admin.access).await;
    let cursor = one.body["next_cursor"].as_str().unwrap();
    assert_eq!(
        ids(&app.get(&format!("/admin/calls?limit=1&cursor={cursor}"), &admin.access).await),
        vec![declined.clone()]
    );
    assert_eq!(ids(&app.get("/admin/calls?state=declined", &admin.access).await), vec![declined]);

    // Ended within the connection grace: the prepaid minute goes back, and the list says so.
    assert_eq!(act(&app, &caller, &live, "end").await.status, 200);
    let ended = app.get("/admin/calls?state=ended", &admin.access).await;
    let row = &ended.body["items"][0];
    assert_eq!((row["id"].as_str(), row["total_coins"].as_i64()), (Some(&*live), Some(0)), "kept: none");
    assert_eq!((row["billed_minutes"].as_i64(), row["refunded_coins"].as_i64()), (Some(0), Some(PRICE)));
    assert_eq!(app.get("/admin/calls?state=active", &admin.access).await.body["items"], json!([]));
    assert_eq!(app.get("/admin/calls?day=2020-01-01", &admin.access).await.body["items"], json!([]));
    for bad in ["state=talking", "day=yesterday", "state=active&day=", "state=active&limit=0"] {
        assert_eq!(app.get(&format!("/admin/calls?{bad}"), &admin.access).await.status, 400, "{bad}");
    }
    assert_eq!(app.get("/admin/calls", &caller.access).await.status, 403);
}
