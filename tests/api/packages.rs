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

#[tokio::test]
async fn a_store_product_id_belongs_to_one_package_at_a_time() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let body = |g: &str| json!({"coins": 100, "price_minor": 9900, "currency": "INR", "google_product_id": g, "apple_product_id": "coins_100"});
    let a = app.post("/admin/coin-packages", Some(&admin.access), body("coins_100")).await;
    assert_eq!((a.status, a.body["google_product_id"].as_str()), (201, Some("coins_100")), "{a:?}");
    let b = app.post("/admin/coin-packages", Some(&admin.access), body("coins_100")).await;
    assert_eq!((b.status, b.body["error"].as_str()), (409, Some("product_id_taken")), "{b:?}");
    let bad = app.post("/admin/coin-packages", Some(&admin.access), body("coins 100!")).await;
    assert_eq!(bad.status, 400);
    // Renamed, the old id is free again; "" removes one.
    let id = a.body["id"].as_str().unwrap();
    let path = format!("/admin/coin-packages/{id}");
    let edit = json!({"google_product_id": "coins_100_v2", "apple_product_id": ""});
    let r = app.call("PATCH", &path, Some(&admin.access), Some(edit)).await;
    assert_eq!(
        (r.body["google_product_id"].as_str(), r.body["apple_product_id"].is_null()),
        (Some("coins_100_v2"), true),
        "{r:?}"
    );
    let c = app.post("/admin/coin-packages", Some(&admin.access), body("coins_100")).await;
    assert_eq!(c.status, 201, "{c:?}");
    let taken = app.call("PATCH", &path, Some(&admin.access), Some(json!({"google_product_id": "coins_100"}))).await;
    assert_eq!((taken.status, taken.body["error"].as_str()), (409, Some("product_id_taken")), "{taken:?}");
    let listed = app.get("/coin-packages", &admin.access).await.body;
    let ids: Vec<_> = listed["items"].as_array().unwrap().iter().map(|p| p["google_product_id"].clone()).collect();
    assert!(ids.contains(&json!("coins_100")) && ids.contains(&json!("coins_100_v2")), "{ids:?}");
}
