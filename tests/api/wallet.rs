use futures::future::join_all;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn an_admin_grant_credits_the_wallet_with_a_ledger_entry() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Uma").await);
    assert_eq!(app.wallet(&u).await, (0, 0));
    let r = app.grant(&admin, &u, 1000).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["wallet"], json!({"coins": 1000, "bonus_coins": 0, "earnings": 0, "coin_debt": 0}));
    assert_eq!(app.wallet(&u).await, (1000, 0));
    let ledger = app.get("/me/transactions", &u.access).await;
    assert_eq!(ledger.status, 200);
    let e = &ledger.body["items"][0];
    assert_eq!(
        (e["type"].as_str(), e["amount"].as_i64(), e["balance_after"].as_i64()),
        (Some("grant"), Some(1000), Some(1000))
    );
    assert_eq!(e["counterparty_id"], admin.id.as_str());
    assert_eq!(e["reason"], "test");
    assert!(e["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn only_admins_grant() {
    let app = TestApp::start().await;
    let (u, v) = (app.user("Vic").await, app.user("Wes").await);
    let r = app.grant(&u, &v, 1000).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("forbidden")));
    let r = app.grant(&u, &u, 1000).await;
    assert_eq!(r.status, 403);
    assert_eq!(app.wallet(&v).await, (0, 0));
    assert_eq!(app.wallet(&u).await, (0, 0));
}

#[tokio::test]
async fn a_correction_never_takes_a_balance_below_zero() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Xia").await);
    app.grant(&admin, &u, 100).await;
    let r = app.grant(&admin, &u, -101).await;
    assert_eq!((r.status, r.body["error"].as_str()), (402, Some("insufficient_coins")));
    assert_eq!(app.wallet(&u).await, (100, 0));
    let r = app.grant(&admin, &u, -100).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["entry"]["type"], "correction");
    assert_eq!(app.wallet(&u).await, (0, 0));
    let ledger = app.get("/me/transactions", &u.access).await;
    assert_eq!(ledger.body["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn bad_grants_are_400_and_change_nothing() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Yan").await);
    let path = format!("/admin/users/{}/coins", u.id);
    for body in [
        json!({"amount": 0, "reason": "x"}),
        json!({"amount": 1.5, "reason": "x"}),
        json!({"amount": "10", "reason": "x"}),
        json!({"reason": "x"}),
        json!({"amount": 10}),
        json!({"amount": 10, "reason": ""}),
        json!({"amount": 1_000_000_000_000i64, "reason": "x"}),
        json!({"amount": 1e30, "reason": "x"}),
        // Found by schemathesis: the smallest i64 has no absolute value (it crashed the request).
        json!({"amount": i64::MIN, "reason": "x"}),
        json!([10, "x"]),
    ] {
        let r = app.post(&path, Some(&admin.access), body.clone()).await;
        assert_eq!(r.status, 400, "{body} → {r:?}");
    }
    let r = app.post("/admin/users/nobody/coins", Some(&admin.access), json!({"amount": 5, "reason": "x"})).await;
    assert_eq!(r.status, 404);
    assert_eq!(app.wallet(&u).await, (0, 0));
    assert_eq!(app.get("/me/transactions", &u.access).await.body["items"], json!([]));
}

#[tokio::test]
async fn a_repeated_idempotency_key_answers_the_first_answer_and_credits_once() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Zed").await);
    let path = format!("/admin/users/{}/coins", u.id);
    let body = json!({"amount": 250, "reason": "promo"});
    let first = app.post_idem(&path, &admin.access, "promo-1", body.clone()).await;
    assert_eq!(first.status, 201);
    let rs = join_all((0..10).map(|_| app.post_idem(&path, &admin.access, "promo-1", body.clone()))).await;
    for r in rs {
        assert_eq!((r.status, &r.body), (201, &first.body));
    }
    assert_eq!(app.wallet(&u).await, (250, 0));
    // Concurrent first uses of a new key also credit once.
    let rs = join_all((0..10).map(|_| app.post_idem(&path, &admin.access, "promo-2", body.clone()))).await;
    assert!(rs.iter().all(|r| r.status == 201 && r.body == rs[0].body), "{rs:?}");
    assert_eq!(app.wallet(&u).await, (500, 0));
    let bad = app.post_idem(&path, &admin.access, &"k".repeat(65), body.clone()).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn concurrent_grants_all_land_with_exact_balances_after() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Ace").await);
    let rs = join_all((0..20).map(|_| app.grant(&admin, &u, 10))).await;
    assert!(rs.iter().all(|r| r.status == 201), "{rs:?}");
    assert_eq!(app.wallet(&u).await, (200, 0));
    let ledger = app.get("/me/transactions?limit=100", &u.access).await;
    let mut after: Vec<i64> =
        ledger.body["items"].as_array().unwrap().iter().map(|e| e["balance_after"].as_i64().unwrap()).collect();
    after.sort();
    assert_eq!(after, (1..=20).map(|i| i * 10).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_ledger_pages_newest_first() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Bea").await);
    for i in 1..=5 {
        app.state.clock.advance(1);
        assert_eq!(app.grant(&admin, &u, i).await.status, 201);
    }
    let p1 = app.get("/me/transactions?limit=3", &u.access).await;
    let amounts: Vec<i64> =
        p1.body["items"].as_array().unwrap().iter().map(|e| e["amount"].as_i64().unwrap()).collect();
    assert_eq!(amounts, vec![5, 4, 3]);
    let c = p1.body["next_cursor"].as_str().unwrap();
    let p2 = app.get(&format!("/me/transactions?limit=3&cursor={c}"), &u.access).await;
    let amounts: Vec<i64> =
        p2.body["items"].as_array().unwrap().iter().map(|e| e["amount"].as_i64().unwrap()).collect();
    assert_eq!(amounts, vec![2, 1]);
    assert!(p2.body["next_cursor"].is_null());
    // Another account's cursor does not open this ledger.
    let other = app.user("Cal").await;
    let r = app.get(&format!("/me/transactions?cursor={c}"), &other.access).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn an_admin_reads_any_accounts_ledger_page_by_page_and_nobody_else_can() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let u = app.user("Ledgered").await;
    for amount in [10, 20, 30] {
        assert_eq!(app.grant(&admin, &u, amount).await.status, 201);
    }
    let path = format!("/admin/users/{}/transactions", u.id);
    let first = app.get(&format!("{path}?limit=2"), &admin.access).await;
    assert_eq!(first.status, 200, "{first:?}");
    let amounts: Vec<i64> =
        first.body["items"].as_array().unwrap().iter().map(|e| e["amount"].as_i64().unwrap()).collect();
    assert_eq!(amounts, vec![30, 20], "newest first");
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("{path}?limit=2&cursor={cursor}"), &admin.access).await;
    assert_eq!((rest.body["items"][0]["amount"].as_i64(), rest.body["next_cursor"].is_null()), (Some(10), true));
    assert_eq!(app.get(&path, &u.access).await.status, 403);
    let r = app.get("/admin/users/01JNOSUCHACCOUNT0000000000/transactions", &admin.access).await;
    assert_eq!(r.status, 404);
}
