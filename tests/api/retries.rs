//! A transaction that commits but whose answer is lost is sent again by the
//! SDK; every money path must then answer success and move the money once.

use serde_json::json;

use crate::support::*;

async fn gift(app: &TestApp, admin: &User, price: i64) -> String {
    let r = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "R", "price_coins": price, "image_key": "r"}))
        .await;
    r.body["id"].as_str().unwrap().to_string()
}

async fn entries(app: &TestApp, u: &User, kind: &str) -> usize {
    let ledger = app.get("/me/transactions?limit=100", &u.access).await;
    ledger.body["items"].as_array().unwrap().iter().filter(|e| e["type"] == kind).count()
}

#[tokio::test]
async fn a_gift_whose_commit_answer_is_lost_is_sent_once() {
    let proxy = LossyProxy::start().await;
    let app = TestApp::start_behind(&proxy).await;
    let (admin, u, h) = (app.admin().await, app.user("Ann").await, app.host("Hal").await);
    let rose = gift(&app, &admin, 10).await;
    app.grant(&admin, &u, 100).await;
    proxy.lose_next_commits(1);
    let r = app.post(&format!("/users/{}/gifts", h.id), Some(&u.access), json!({"gift_id": rose, "quantity": 1})).await;
    assert_eq!((r.status, r.body["wallet"]["coins"].as_i64()), (201, Some(90)), "{r:?}");
    assert_eq!(proxy.lost(), 1, "the answer was lost and the SDK retried");
    // The aggregator's commit answer is lost too: applied once all the same.
    proxy.lose_next_commits(1);
    app.drain().await;
    assert_eq!(proxy.lost(), 2);
    assert_eq!((app.wallet(&u).await, app.wallet(&h).await), ((90, 0), (0, 10)));
    assert_eq!((entries(&app, &u, "gift_sent").await, entries(&app, &h, "gift_received").await), (1, 1));
}

#[tokio::test]
async fn a_grant_whose_commit_answer_is_lost_credits_once() {
    let proxy = LossyProxy::start().await;
    let app = TestApp::start_behind(&proxy).await;
    let (admin, u) = (app.admin().await, app.user("Bea").await);
    proxy.lose_next_commits(1);
    let r = app.grant(&admin, &u, 70).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(proxy.lost(), 1);
    assert_eq!(app.wallet(&u).await, (70, 0));
    assert_eq!(entries(&app, &u, "grant").await, 1);
}

#[tokio::test]
async fn a_call_accept_and_a_call_minute_whose_commit_answers_are_lost_charge_once() {
    let proxy = LossyProxy::start().await;
    let app = TestApp::start_behind(&proxy).await;
    let (admin, caller, host) = (app.admin().await, app.user("Cid").await, app.host("Dee").await);
    app.grant(&admin, &caller, 1000).await;
    let call = app.post("/calls", Some(&caller.access), json!({"host_id": host.id})).await;
    let id = call.body["id"].as_str().unwrap().to_string();
    proxy.lose_next_commits(1);
    let r = app.post(&format!("/calls/{id}/accept"), Some(&host.access), json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(proxy.lost(), 1);
    assert_eq!((app.wallet(&caller).await, app.wallet(&host).await), ((940, 0), (0, 0)));
    // Minute 2 falls due; its charge's answer is lost too.
    for who in [&caller, &host] {
        app.state.clock.advance(30_000);
        app.post(&format!("/calls/{id}/heartbeat"), Some(&who.access), json!({})).await;
    }
    proxy.lose_next_commits(1);
    app::routes::as_event_function("call-tick", app::calls::call_tick(&app.state, app.state.now())).await.unwrap();
    assert_eq!(proxy.lost(), 2);
    let c = app.get(&format!("/calls/{id}"), &caller.access).await;
    let paid = c.body["paid_minutes"].as_i64().unwrap();
    assert!(paid >= 2, "{c:?}");
    // Every minute the call shows paid is charged once, and every begun one earned once.
    let earned = c.body["billed_minutes"].as_i64().unwrap();
    assert!((1..paid).contains(&earned), "begun minutes are earned, the prepaid one held: {c:?}");
    app.drain().await; // the host's side comes from the event
    assert_eq!((app.wallet(&caller).await, app.wallet(&host).await), ((1000 - 60 * paid, 0), (0, 60 * earned)));
    let n = paid as usize;
    assert_eq!(entries(&app, &caller, "call_charge").await, n);
    assert_eq!(app.state.db.held_in_calls().await.unwrap(), 60 * (paid - earned));
}

#[tokio::test]
async fn a_single_write_throttled_past_the_sdks_retries_answers_503_with_retry_after_and_changes_nothing() {
    let proxy = LossyProxy::start().await;
    let app = TestApp::start_behind(&proxy).await;
    let host = app.host("Hana").await;
    crate::rooms::go_live(&app, &host).await;
    // Waiting for a match is one conditional write (the queue entry).
    proxy.throttle_next_writes(1_000);
    let r = app.post("/pk/match", Some(&host.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (503, Some("unavailable")), "{r:?}");
    assert!(r.retry_after.is_some_and(|s| s >= 1), "{r:?}");
    proxy.throttle_next_writes(0);
    assert_eq!(app.get("/pk/current", &host.access).await.body["state"], "idle", "nothing was stored");
    let r = app.post("/pk/match", Some(&host.access), json!({})).await;
    assert_eq!((r.status, r.body["state"].as_str()), (202, Some("waiting")), "{r:?}");
}
