use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn admins_manage_coin_packages_and_anyone_lists_the_active_ones() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Pam").await);
    let body = json!({"coins": 500, "bonus_coins": 50, "price_minor": 44900, "currency": "inr"});
    let r = app.post("/admin/coin-packages", Some(&u.access), body.clone()).await;
    assert_eq!(r.status, 403);
    let big = app.post("/admin/coin-packages", Some(&admin.access), body).await;
    assert_eq!(big.status, 201, "{big:?}");
    assert_eq!(big.body["currency"], "INR");
    let small = app
        .post(
            "/admin/coin-packages",
            Some(&admin.access),
            json!({"coins": 100, "price_minor": 9900, "currency": "INR"}),
        )
        .await;
    assert_eq!(small.body["bonus_coins"], 0);
    let list = app.call("GET", "/coin-packages", None, None).await;
    let coins: Vec<i64> = list.body["items"].as_array().unwrap().iter().map(|p| p["coins"].as_i64().unwrap()).collect();
    assert_eq!(coins, vec![100, 500]);
    let id = big.body["id"].as_str().unwrap();
    let r = app
        .call("PATCH", &format!("/admin/coin-packages/{id}"), Some(&admin.access), Some(json!({"bonus_coins": 80})))
        .await;
    assert_eq!((r.status, r.body["bonus_coins"].as_i64()), (200, Some(80)));
    let r = app.call("DELETE", &format!("/admin/coin-packages/{id}"), Some(&u.access), None).await;
    assert_eq!(r.status, 403);
    let r = app.call("DELETE", &format!("/admin/coin-packages/{id}"), Some(&admin.access), None).await;
    assert_eq!(r.status, 204);
    let list = app.call("GET", "/coin-packages", None, None).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_coin_packages_are_400() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    for body in [
        json!({"coins": 0, "price_minor": 100, "currency": "INR"}),
        json!({"coins": -1, "price_minor": 100, "currency": "INR"}),
        json!({"coins": 10, "price_minor": 0, "currency": "INR"}),
        json!({"coins": 10, "price_minor": 9.99, "currency": "INR"}),
        json!({"coins": 10, "bonus_coins": -1, "price_minor": 100, "currency": "INR"}),
        json!({"coins": 10, "price_minor": 100, "currency": "RUPEES"}),
        json!({"coins": 10, "price_minor": 100}),
        json!({"price_minor": 100, "currency": "INR"}),
        json!({"coins": "10", "price_minor": 100, "currency": "INR"}),
    ] {
        let r = app.post("/admin/coin-packages", Some(&admin.access), body.clone()).await;
        assert_eq!(r.status, 400, "{body} → {r:?}");
    }
    assert_eq!(app.call("GET", "/coin-packages", None, None).await.body["items"], json!([]));
}
