use futures::future::join_all;
use local::stores::{GooglePlay, PUSH_AUDIENCE, PUSH_EMAIL};
use serde_json::{Value, json};

use crate::support::*;

/// A 500 + 50 coin package sold in Google Play as `coins_500`.
async fn play_package(app: &TestApp, admin: &User) -> String {
    let body = json!({"coins": 500, "bonus_coins": 50, "price_minor": 44900, "currency": "INR", "google_product_id": "coins_500"});
    let r = app.post("/admin/coin-packages", Some(&admin.access), body).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

/// The account reference `u`'s app sets on its purchases.
async fn account_ref(app: &TestApp, u: &User) -> String {
    app.get("/me", &u.access).await.body["store_account_ref"].as_str().unwrap().to_string()
}

async fn buy(app: &TestApp, u: &User, package: &str, token: &str) -> Resp {
    app.post("/recharges/google", Some(&u.access), json!({"package_id": package, "purchase_token": token})).await
}

async fn webhook(app: &TestApp, play: &GooglePlay, note: &Value, message_id: &str, audience: &str) -> Resp {
    let bearer = play.push_token(audience, PUSH_EMAIL, app.state.now() / 1000);
    let body = GooglePlay::push_body(note, message_id);
    let auth = format!("Bearer {bearer}");
    app.send("POST", "/webhooks/google", None, Some(body), &[("authorization", auth.as_str())]).await
}

#[tokio::test]
async fn a_play_purchase_is_verified_credited_once_and_consumed() {
    let (app, play) = TestApp::start_with_play(|_| {}).await;
    let admin = app.admin().await;
    let (u, other) = (app.user("Android").await, app.user("Other").await);
    let pkg = play_package(&app, &admin).await;
    let token = format!("local:coins_500:{}.1", account_ref(&app, &u).await);

    let r = buy(&app, &u, &pkg, &token).await;
    assert_eq!(
        (r.status, r.body["status"].as_str(), r.body["total_coins"].as_i64()),
        (201, Some("credited"), Some(550)),
        "{r:?}"
    );
    assert_eq!(r.body["provider"], "google");
    assert_eq!(app.wallet(&u).await, (550, 0));
    assert!(play.consumed(&token), "consumed at once");
    let mine = app.get("/me/recharges", &u.access).await;
    assert_eq!(
        (&mine.body["items"][0]["id"], mine.body["items"][0]["provider"].as_str()),
        (&r.body["id"], Some("google"))
    );
    // The same purchase again, even many times at once: the same recharge, no second credit.
    let again = join_all((0..5).map(|_| buy(&app, &u, &pkg, &token))).await;
    assert!(again.iter().all(|a| a.status == 200 && a.body["id"] == r.body["id"]), "{again:?}");
    assert_eq!(app.wallet(&u).await, (550, 0));
    let stolen = buy(&app, &other, &pkg, &token).await;
    assert_eq!((stolen.status, stolen.body["error"].as_str()), (409, Some("purchase_claimed")));
    assert_eq!(app.wallet(&other).await, (0, 0));
}

#[tokio::test]
async fn play_purchases_that_are_pending_cancelled_foreign_for_another_product_or_unknown_credit_nothing() {
    let (app, _play) = TestApp::start_with_play(|_| {}).await;
    let admin = app.admin().await;
    let (u, other) = (app.user("Careful").await, app.user("Elsewhere").await);
    let pkg = play_package(&app, &admin).await;
    let (mine, theirs) = (account_ref(&app, &u).await, account_ref(&app, &other).await);
    for (token, status, code) in [
        (format!("local-pending:coins_500:{mine}.1"), 409, "purchase_pending"),
        (format!("local-cancelled:coins_500:{mine}.2"), 409, "purchase_cancelled"),
        (format!("local:coins_500:{theirs}.3"), 409, "purchase_not_yours"),
        (format!("local:coins_500:nobody.4"), 409, "purchase_not_yours"),
        (format!("local:coins_100:{mine}.5"), 409, "wrong_product"),
        ("forged-token".to_string(), 400, "invalid_request"),
    ] {
        let r = buy(&app, &u, &pkg, &token).await;
        assert_eq!((r.status, r.body["error"].as_str()), (status, Some(code)), "{token}: {r:?}");
    }
    let r = buy(&app, &u, "01JNOSUCHPACKAGE0000000000", &format!("local:coins_500:{mine}.6")).await;
    assert_eq!(r.status, 404);
    assert_eq!(app.wallet(&u).await, (0, 0));
}

#[tokio::test]
async fn a_license_testers_purchase_credits_only_where_test_purchases_are_allowed() {
    for allowed in [false, true] {
        let (app, _play) =
            TestApp::start_with_play(|c| c.google_play.as_mut().unwrap().allow_test_purchases = allowed).await;
        let admin = app.admin().await;
        let u = app.user("Tester").await;
        let pkg = play_package(&app, &admin).await;
        let r = buy(&app, &u, &pkg, &format!("local-test:coins_500:{}.1", account_ref(&app, &u).await)).await;
        if allowed {
            assert_eq!(r.status, 201, "{r:?}");
        } else {
            assert_eq!((r.status, r.body["error"].as_str()), (409, Some("test_purchase")), "{r:?}");
            assert_eq!(app.wallet(&u).await, (0, 0));
        }
    }
}

#[tokio::test]
async fn a_failed_consume_is_retried_by_the_schedule_without_crediting_again() {
    let (app, play) = TestApp::start_with_play(|_| {}).await;
    let admin = app.admin().await;
    let u = app.user("Flaky").await;
    let pkg = play_package(&app, &admin).await;
    let token = format!("local:coins_500:{}.1", account_ref(&app, &u).await);
    play.fail_next_consumes(1);
    assert_eq!(buy(&app, &u, &pkg, &token).await.status, 201);
    assert!(!play.consumed(&token));
    assert_eq!(
        app::routes::as_event_function("consume-purchases", app::purchases::consume_pending(&app.state)).await.unwrap(),
        1
    );
    assert!(play.consumed(&token));
    assert_eq!(
        app::routes::as_event_function("consume-purchases", app::purchases::consume_pending(&app.state)).await.unwrap(),
        0,
        "off the list"
    );
    assert_eq!(app.wallet(&u).await, (550, 0));
}

#[tokio::test]
async fn play_notifications_are_authenticated_credit_unreported_purchases_and_take_back_voided_ones_once() {
    let (app, play) = TestApp::start_with_play(|_| {}).await;
    let admin = app.admin().await;
    let u = app.user("Notified").await;
    let pkg = play_package(&app, &admin).await;
    let token = format!("local:coins_500:{}.1", account_ref(&app, &u).await);
    let now = app.state.now();

    // The app crashed before reporting the purchase: the notification credits it.
    let bought = GooglePlay::purchased(&token, now);
    let forged = webhook(&app, &play, &bought, "m0", "https://someone-else.example").await;
    assert_eq!((forged.status, forged.body["error"].as_str()), (401, Some("unauthenticated")), "{forged:?}");
    let bare = app.send("POST", "/webhooks/google", None, Some(GooglePlay::push_body(&bought, "m0")), &[]).await;
    assert_eq!(bare.status, 401);
    assert_eq!(app.wallet(&u).await, (0, 0));
    let r = webhook(&app, &play, &bought, "m1", PUSH_AUDIENCE).await;
    assert_eq!((r.status, r.body["total_coins"].as_i64()), (201, Some(550)), "{r:?}");
    assert_eq!(webhook(&app, &play, &bought, "m1", PUSH_AUDIENCE).await.body["status"], "ignored", "same message");
    assert_eq!(webhook(&app, &play, &bought, "m2", PUSH_AUDIENCE).await.body["status"], "ignored", "credited before");
    assert_eq!(buy(&app, &u, &pkg, &token).await.status, 200, "the app's late report finds it");
    assert_eq!(app.wallet(&u).await, (550, 0));

    // Refunded: voided, notified twice under two message ids; taken back once.
    let voided = play.void(&token, now);
    let a = webhook(&app, &play, &voided, "m3", PUSH_AUDIENCE).await;
    assert_eq!((a.body["status"].as_str(), a.body["coins"].as_i64()), (Some("clawed_back"), Some(550)), "{a:?}");
    assert_eq!(webhook(&app, &play, &voided, "m4", PUSH_AUDIENCE).await.body["status"], "ignored");
    assert_eq!(app.wallet(&u).await, (0, 0));
    assert_eq!(
        app::routes::as_event_function("sync-voided-purchases", app::purchases::sync_voided(&app.state)).await.unwrap(),
        0,
        "the backstop finds it applied"
    );

    // A pending purchase cancelled: nothing was credited, nothing to take.
    let pending = format!("local-pending:coins_500:{}.2", account_ref(&app, &u).await);
    let c = webhook(&app, &play, &play.cancel(&pending, now), "m5", PUSH_AUDIENCE).await;
    assert_eq!(c.body["status"], "ignored", "{c:?}");
}

#[tokio::test]
async fn a_paid_purchase_cancelled_afterwards_gives_its_coins_back() {
    let (app, play) = TestApp::start_with_play(|_| {}).await;
    let admin = app.admin().await;
    let u = app.user("Cancelled").await;
    let pkg = play_package(&app, &admin).await;
    let token = format!("local:coins_500:{}.1", account_ref(&app, &u).await);
    assert_eq!(buy(&app, &u, &pkg, &token).await.status, 201);
    let note = play.cancel(&token, app.state.now());
    let r = webhook(&app, &play, &note, "c1", PUSH_AUDIENCE).await;
    assert_eq!((r.body["status"].as_str(), r.body["coins"].as_i64()), (Some("clawed_back"), Some(550)), "{r:?}");
    assert_eq!(app.wallet(&u).await, (0, 0));
}

#[tokio::test]
async fn the_daily_backstop_takes_back_a_voided_purchase_whose_notification_was_lost() {
    let (app, play) = TestApp::start_with_play(|_| {}).await;
    let admin = app.admin().await;
    let u = app.user("Lost").await;
    let pkg = play_package(&app, &admin).await;
    let token = format!("local:coins_500:{}.1", account_ref(&app, &u).await);
    assert_eq!(buy(&app, &u, &pkg, &token).await.status, 201);
    let g = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "All", "price_coins": 500, "image_key": "a.png"}))
        .await;
    let host = app.host("Taker").await;
    let sent = app
        .post(&format!("/users/{}/gifts", host.id), Some(&u.access), json!({"gift_id": g.body["id"], "quantity": 1}))
        .await;
    assert_eq!(sent.status, 201);
    play.void(&token, app.state.now());
    assert_eq!(
        app::routes::as_event_function("sync-voided-purchases", app::purchases::sync_voided(&app.state)).await.unwrap(),
        1
    );
    let w = app.get("/me/wallet", &u.access).await.body;
    assert_eq!((w["coins"].as_i64(), w["coin_debt"].as_i64()), (Some(0), Some(500)), "50 left to take, 500 owed");
    assert_eq!(
        app::routes::as_event_function("sync-voided-purchases", app::purchases::sync_voided(&app.state)).await.unwrap(),
        0,
        "once"
    );
}
