//! The local stack's contention mode: transactions hold their items as
//! DynamoDB's do and overlapping ones are refused, so the conflict retries
//! and the 503 path run end to end (moto alone never conflicts).

use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::*;

async fn rose(app: &TestApp, admin: &User) -> Value {
    let g = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Rose", "price_coins": 1, "image_key": "r.png"}))
        .await;
    assert_eq!(g.status, 201);
    g.body["id"].clone()
}

/// Fans each granted 10 coins.
async fn fans(app: &TestApp, admin: &User, n: usize) -> Vec<User> {
    let mut out = Vec::new();
    for i in 0..n {
        let f = app.user(&format!("Fan{i}")).await;
        assert_eq!(app.grant(admin, &f, 10).await.status, 201);
        out.push(f);
    }
    out
}

#[tokio::test]
async fn gifts_to_one_host_never_conflict_and_the_aggregator_retries_its_own_conflicts() {
    let app = TestApp::start().await;
    let (admin, host) = (app.admin().await, app.host("Hot").await);
    let gift = rose(&app, &admin).await;
    let fans = fans(&app, &admin, 12).await;
    app.contend(25).await;
    let path = format!("/users/{}/gifts", host.id);
    let sent =
        join_all(fans.iter().map(|f| app.post(&path, Some(&f.access), json!({"gift_id": gift, "quantity": 1})))).await;
    assert!(sent.iter().all(|r| r.status == 201), "{sent:?}");
    assert_eq!(app.conflicts().await.0, 0, "a gift's transaction holds only its sender's items");
    // The host's side, applied while the host's own requests hold the host's items.
    let settings = json!({"price_per_minute": 30, "online": true});
    let (_, edits) = tokio::join!(
        app.drain(),
        join_all((0..4).map(|_| app.call("PUT", "/host/call-settings", Some(&host.access), Some(settings.clone()))))
    );
    assert!(edits.iter().all(|r| r.status == 200), "{edits:?}");
    app.contend(0).await;
    assert_eq!(app.wallet(&host).await.1, 12);
    for f in &fans {
        assert_eq!(app.wallet(f).await.0, 9);
    }
}

#[tokio::test]
async fn conflicts_outlasting_the_retry_budget_answer_503_with_retry_after_and_move_nothing() {
    let app = TestApp::start_with(|c| c.retry_budget_ms = Some(300)).await;
    let (admin, host) = (app.admin().await, app.host("Held").await);
    let gift = rose(&app, &admin).await;
    let fans = fans(&app, &admin, 1).await;
    // A hold longer than the budget: the first gift holds its sender for a minute.
    app.contend(60_000).await;
    let path = format!("/users/{}/gifts", host.id);
    let body = json!({"gift_id": gift, "quantity": 1});
    assert_eq!(app.post(&path, Some(&fans[0].access), body.clone()).await.status, 201);
    let busy = app.post(&path, Some(&fans[0].access), body).await;
    assert_eq!((busy.status, busy.body["error"].as_str()), (503, Some("unavailable")), "{busy:?}");
    assert_eq!(busy.retry_after, Some(1));
    // A single write on an item a transaction holds (a grant holds the host) is refused too: 503, never a 500.
    assert_eq!(app.grant(&admin, &host, 5).await.status, 201);
    let settings = json!({"price_per_minute": 30, "online": true});
    let r = app.call("PUT", "/host/call-settings", Some(&host.access), Some(settings)).await;
    assert_eq!((r.status, r.body["error"].as_str()), (503, Some("unavailable")), "{r:?}");
    let (cancelled, refused) = app.conflicts().await;
    assert!(cancelled > 0 && refused > 0, "{cancelled} {refused}");
    app.contend(0).await;
    assert_eq!(app.wallet(&fans[0]).await.0, 9, "the refused gift moved nothing");
    app.drain().await;
    assert_eq!(app.wallet(&host).await, (5, 1));
}
