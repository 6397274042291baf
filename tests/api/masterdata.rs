use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn admins_keep_interests_avatars_and_faqs_and_everyone_reads_them() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("U").await);
    for (path, body, change) in [
        ("/admin/interests", json!({"name": "Music"}), json!({"name": "Live music"})),
        ("/admin/avatars", json!({"image_key": "avatars/1.png"}), json!({"image_key": "avatars/2.png"})),
        ("/admin/faqs", json!({"question": "Q?", "answer": "A.", "position": 2}), json!({"answer": "Yes."})),
    ] {
        assert_eq!(app.post(path, Some(&u.access), body.clone()).await.status, 403, "{path}");
        let r = app.post(path, Some(&admin.access), body).await;
        assert_eq!(r.status, 201, "{path}: {r:?}");
        let id = r.body["id"].as_str().unwrap().to_string();
        let public = path.trim_start_matches("/admin");
        let list = app.call("GET", public, None, None).await;
        assert_eq!(list.body["items"][0]["id"], id.as_str(), "{public}");
        let r = app.call("PATCH", &format!("{path}/{id}"), Some(&u.access), Some(json!({"active": true}))).await;
        assert_eq!(r.status, 403);
        let r = app.call("PATCH", &format!("{path}/{id}"), Some(&admin.access), Some(change.clone())).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        let (field, value) = change.as_object().unwrap().iter().next().unwrap();
        assert_eq!(&r.body[field], value, "{path}");
        assert_eq!(&app.call("GET", public, None, None).await.body["items"][0][field], value, "{public}");
        let r = app.call("DELETE", &format!("{path}/{id}"), Some(&admin.access), None).await;
        assert_eq!(r.status, 204);
        assert_eq!(app.call("GET", public, None, None).await.body["items"], json!([]), "{public}: retired");
        assert_eq!(app.call("DELETE", &format!("{path}/nope"), Some(&admin.access), None).await.status, 404);
    }
    // FAQs come in the admins' order.
    for (q, pos) in [("second", 2), ("first", 1)] {
        app.post("/admin/faqs", Some(&admin.access), json!({"question": q, "answer": "a", "position": pos})).await;
    }
    let faqs = app.call("GET", "/faqs", None, None).await;
    let qs: Vec<&str> =
        faqs.body["items"].as_array().unwrap().iter().map(|f| f["question"].as_str().unwrap()).collect();
    assert_eq!(qs, vec!["first", "second"]);
}

#[tokio::test]
async fn master_data_input_is_validated() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    for (path, body) in [
        ("/admin/interests", json!({})),
        ("/admin/interests", json!({"name": ""})),
        ("/admin/interests", json!({"name": "x".repeat(41)})),
        ("/admin/interests", json!({"name": "Ok", "color": "red"})),
        ("/admin/avatars", json!({"image_key": ""})),
        ("/admin/avatars", json!({})),
        ("/admin/faqs", json!({"question": "Q?"})),
        ("/admin/faqs", json!({"question": "Q?", "answer": "A", "position": -1})),
        ("/admin/faqs", json!({"question": "Q?", "answer": "A", "position": "1"})),
    ] {
        let r = app.post(path, Some(&admin.access), body.clone()).await;
        assert_eq!(r.status, 400, "{path} {body} → {r:?}");
    }
}

#[tokio::test]
async fn terms_and_privacy_pages_are_written_by_admins_and_read_by_anyone() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("U").await);
    assert_eq!(app.call("GET", "/pages/terms", None, None).await.status, 404, "not written yet");
    let body = json!({"title": "Terms", "body": "Be kind."});
    assert_eq!(app.call("PUT", "/admin/pages/terms", Some(&u.access), Some(body.clone())).await.status, 403);
    let r = app.call("PUT", "/admin/pages/terms", Some(&admin.access), Some(body)).await;
    assert_eq!(r.status, 200, "{r:?}");
    let first: Value = r.body["updated_at"].clone();
    app.state.clock.advance(1000);
    app.call("PUT", "/admin/pages/terms", Some(&admin.access), Some(json!({"title": "Terms", "body": "Be kinder."})))
        .await;
    let page = app.call("GET", "/pages/terms", None, None).await;
    assert_eq!((page.status, page.body["body"].as_str()), (200, Some("Be kinder.")));
    assert_ne!(page.body["updated_at"], first, "the apps can show when it changed");
    assert_eq!(
        app.call("PUT", "/admin/pages/cookies", Some(&admin.access), Some(json!({"title": "C", "body": "c"})))
            .await
            .status,
        404
    );
    assert_eq!(
        app.call("PUT", "/admin/pages/privacy", Some(&admin.access), Some(json!({"title": ""}))).await.status,
        400
    );
}

/// The console uploads a gift's or avatar's image through the presigned flow;
/// the lists give the URL the apps load it from.
#[tokio::test]
async fn gift_and_avatar_images_uploaded_by_an_admin_are_served_from_their_image_url() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let png = b"\x89PNG\r\n\x1a\n-a-tiny-image".to_vec();
    for (path, public, body) in [
        ("/admin/gifts", "/gifts", json!({"name": "Rose", "price_coins": 5})),
        ("/admin/avatars", "/avatars", json!({})),
    ] {
        let key = crate::posts::upload(&app, &admin, "image", "image/png", png.clone()).await;
        let mut body = body;
        body["image_key"] = key.clone().into();
        let made = app.post(path, Some(&admin.access), body).await;
        assert_eq!((made.status, made.body["image_key"].as_str()), (201, Some(key.as_str())), "{made:?}");
        let listed = app.call("GET", public, None, None).await;
        let url = listed.body["items"][0]["image_url"].as_str().unwrap().to_string();
        let got = app.http.get(&url).send().await.unwrap();
        assert_eq!(got.bytes().await.unwrap().to_vec(), png, "{public}: the image at its URL");
    }
}
