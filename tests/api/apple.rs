use futures::future::join_all;
use local::apple::{AppStore, Fault};
use serde_json::json;

use crate::support::*;

/// A 500 + 50 coin package sold in the App Store as `coins_500`.
async fn apple_package(app: &TestApp, admin: &User) -> String {
    let body = json!({"coins": 500, "bonus_coins": 50, "price_minor": 44900, "currency": "INR", "apple_product_id": "coins_500"});
    let r = app.post("/admin/coin-packages", Some(&admin.access), body).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

async fn transaction_of(app: &TestApp, u: &User, product: &str, n: u32) -> String {
    let r = app.get("/me", &u.access).await.body["store_account_ref"].as_str().unwrap().to_string();
    format!("local-{product}-{r}-{n}")
}

async fn buy(app: &TestApp, u: &User, package: &str, transaction_id: &str) -> Resp {
    app.post("/recharges/apple", Some(&u.access), json!({"package_id": package, "transaction_id": transaction_id}))
        .await
}

async fn notify(app: &TestApp, store: &AppStore, kind: &str, transaction_id: &str) -> Resp {
    let body = store.notification(kind, transaction_id, app.state.now()).unwrap();
    app.send("POST", "/webhooks/apple", None, Some(body), &[]).await
}

#[tokio::test]
async fn an_app_store_purchase_is_verified_and_credited_once() {
    let (app, _store) = TestApp::start_with_apple(|_| {}).await;
    let admin = app.admin().await;
    let (u, other) = (app.user("iPhone").await, app.user("Thief").await);
    let pkg = apple_package(&app, &admin).await;
    let tx = transaction_of(&app, &u, "coins_500", 1).await;
    let r = buy(&app, &u, &pkg, &tx).await;
    assert_eq!(
        (r.status, r.body["provider"].as_str(), r.body["total_coins"].as_i64()),
        (201, Some("apple"), Some(550)),
        "{r:?}"
    );
    let again = join_all((0..4).map(|_| buy(&app, &u, &pkg, &tx))).await;
    assert!(again.iter().all(|a| a.status == 200 && a.body["id"] == r.body["id"]), "{again:?}");
    assert_eq!(app.wallet(&u).await, (550, 0));
    let stolen = buy(&app, &other, &pkg, &tx).await;
    assert_eq!((stolen.status, stolen.body["error"].as_str()), (409, Some("purchase_claimed")));
    // Not the caller's, not this product, not a consumable, unknown: nothing.
    let theirs = transaction_of(&app, &other, "coins_500", 2).await;
    for (id, status, code) in [
        (theirs, 409, "purchase_not_yours"),
        ("local-coins_500-3".to_string(), 409, "purchase_not_yours"),
        (transaction_of(&app, &u, "coins_100", 4).await, 409, "wrong_product"),
        (transaction_of(&app, &u, "sub_gold", 5).await, 409, "wrong_product"),
        ("2000000000000001".to_string(), 400, "invalid_request"),
    ] {
        let r = buy(&app, &u, &pkg, &id).await;
        assert_eq!((r.status, r.body["error"].as_str()), (status, Some(code)), "{id}: {r:?}");
    }
    assert_eq!(app.wallet(&u).await, (550, 0));
}

#[tokio::test]
async fn signed_transactions_that_do_not_chain_to_the_trusted_root_with_apples_oids_credit_nothing() {
    let (app, store) = TestApp::start_with_apple(|_| {}).await;
    let admin = app.admin().await;
    let u = app.user("Verified").await;
    let pkg = apple_package(&app, &admin).await;
    for (i, fault) in
        [Fault::WrongRoot, Fault::MissingOid, Fault::ExpiredLeaf, Fault::WrongBundle].into_iter().enumerate()
    {
        store.set_fault(fault);
        let r = buy(&app, &u, &pkg, &transaction_of(&app, &u, "coins_500", i as u32).await).await;
        assert_eq!((r.status, r.body["error"].as_str()), (409, Some("purchase_unverified")), "{fault:?}: {r:?}");
    }
    assert_eq!(app.wallet(&u).await, (0, 0));
    store.set_fault(Fault::None);
    assert_eq!(buy(&app, &u, &pkg, &transaction_of(&app, &u, "coins_500", 9).await).await.status, 201);
}

#[tokio::test]
async fn a_sandbox_transaction_buys_nothing_where_production_is_configured() {
    let (app, _store) = TestApp::start_with_apple(|c| {
        let a = c.apple.as_mut().unwrap();
        a.environment = "Production".into();
        a.app_apple_id = Some(1_234_567_890);
    })
    .await;
    let admin = app.admin().await;
    let u = app.user("Prod").await;
    let pkg = apple_package(&app, &admin).await;
    let r = buy(&app, &u, &pkg, &transaction_of(&app, &u, "coins_500", 1).await).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("purchase_unverified")), "{r:?}");
}

#[tokio::test]
async fn app_store_refunds_take_coins_back_once_reversals_give_them_again_and_consumption_requests_are_answered() {
    let (app, store) = TestApp::start_with_apple(|_| {}).await;
    let admin = app.admin().await;
    let u = app.user("Refunder").await;
    let pkg = apple_package(&app, &admin).await;
    let tx = transaction_of(&app, &u, "coins_500", 1).await;
    assert_eq!(buy(&app, &u, &pkg, &tx).await.status, 201);

    let forged =
        app.send("POST", "/webhooks/apple", None, Some(json!({"signedPayload": "e30.e30.e30"}).to_string()), &[]).await;
    assert_eq!((forged.status, forged.body["error"].as_str()), (400, Some("invalid_signature")));
    let asked = notify(&app, &store, "CONSUMPTION_REQUEST", &tx).await;
    assert_eq!(asked.body["status"], "answered", "{asked:?}");
    let sent = store.consumption();
    assert_eq!((sent.len(), sent[0].1["consumptionStatus"].as_i64()), (1, Some(1)), "nothing spent yet: {sent:?}");

    let body = store.notification("REFUND", &tx, app.state.now()).unwrap();
    let first = app.send("POST", "/webhooks/apple", None, Some(body.clone()), &[]).await;
    assert_eq!(
        (first.body["status"].as_str(), first.body["coins"].as_i64()),
        (Some("clawed_back"), Some(550)),
        "{first:?}"
    );
    let dup = app.send("POST", "/webhooks/apple", None, Some(body), &[]).await;
    assert_eq!(dup.body["status"], "ignored", "the same notification again");
    assert_eq!(app.wallet(&u).await, (0, 0));
    let r = notify(&app, &store, "REFUND_REVERSED", &tx).await;
    assert_eq!((r.body["status"].as_str(), r.body["coins"].as_i64()), (Some("credited"), Some(550)), "{r:?}");
    assert_eq!(app.wallet(&u).await, (550, 0));
}

#[tokio::test]
async fn a_purchase_the_app_never_reported_is_credited_from_apples_notification() {
    let (app, store) = TestApp::start_with_apple(|_| {}).await;
    let admin = app.admin().await;
    let u = app.user("Crashed").await;
    apple_package(&app, &admin).await;
    let tx = transaction_of(&app, &u, "coins_500", 1).await;
    let r = notify(&app, &store, "ONE_TIME_CHARGE", &tx).await;
    assert_eq!((r.status, r.body["total_coins"].as_i64()), (201, Some(550)), "{r:?}");
    assert_eq!(app.wallet(&u).await, (550, 0));
}

#[tokio::test]
async fn the_dev_stand_in_posts_to_the_servers_own_address_whatever_the_host_header() {
    let (app, _store) = TestApp::start_with_apple(|_| {}).await;
    let admin = app.admin().await;
    let u = app.user("Dev").await;
    let pkg = apple_package(&app, &admin).await;
    let tx = transaction_of(&app, &u, "coins_500", 1).await;
    assert_eq!(buy(&app, &u, &pkg, &tx).await.status, 201);
    // A Host header naming another server: the notification still reaches this one.
    let body = json!({"type": "REFUND", "transaction_id": tx}).to_string();
    let r = app.send("POST", "/dev/stores/apple/notify", None, Some(body), &[("host", "attacker.invalid:9")]).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("clawed_back")), "{r:?}");
    assert_eq!(app.wallet(&u).await, (0, 0));
}
