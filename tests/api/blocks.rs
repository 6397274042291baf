use serde_json::json;

use crate::gifts::{gift, send};
use crate::posts::{ids, post};
use crate::rooms::{go_live, join};
use crate::support::*;

fn blocked(r: &Resp) {
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("blocked")), "{r:?}");
}

#[tokio::test]
async fn a_blocked_account_cannot_follow_call_gift_comment_or_join_and_nothing_changes() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (host, fan) = (app.host("Hana").await, app.user("Fred").await);
    app.grant(&admin, &fan, 1_000).await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    let clip = post(&app, &host, "mine").await["id"].as_str().unwrap().to_string();

    let r = app.post(&format!("/users/{}/block", fan.id), Some(&host.access), json!({})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!((r.body["blocker_id"].as_str(), r.body["blocked_id"].as_str()), (Some(&*host.id), Some(&*fan.id)));
    // Blocking again answers the same block.
    let again = app.post(&format!("/users/{}/block", fan.id), Some(&host.access), json!({})).await;
    assert_eq!((again.status, &again.body["created_at"]), (200, &r.body["created_at"]));

    blocked(&app.post(&format!("/users/{}/follow", host.id), Some(&fan.access), json!({})).await);
    blocked(&app.post("/calls", Some(&fan.access), json!({"host_id": host.id})).await);
    blocked(&send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await);
    blocked(&send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1, "room_id": room})).await);
    blocked(&app.post(&format!("/posts/{clip}/comments"), Some(&fan.access), json!({"text": "hi"})).await);
    blocked(&join(&app, &fan, &room).await);
    // The blocker may not follow the one it blocked either, while the block stands.
    blocked(&app.post(&format!("/users/{}/follow", fan.id), Some(&host.access), json!({})).await);

    // Nothing changed: coins, earnings, counters, the room, the post.
    assert_eq!(app.wallet(&fan).await, (1_000, 0));
    assert_eq!(app.wallet(&host).await, (0, 0));
    let room_now = app.get(&format!("/rooms/{room}"), &host.access).await;
    assert_eq!((room_now.body["viewers"].as_i64(), room_now.body["host_earning"].as_i64()), (Some(0), Some(0)));
    let p = app.get(&format!("/posts/{clip}"), &host.access).await;
    assert_eq!(p.body["comments"], 0, "{p:?}");
    let profile = app.get(&format!("/users/{}", host.id), &host.access).await;
    assert_eq!((profile.body["followers"].as_i64(), profile.body["following"].as_i64()), (Some(0), Some(0)));
    assert!(app.get("/me/calls", &fan.access).await.body["items"].as_array().unwrap().is_empty());

    // Others are not affected; after an unblock the fan may again.
    let other = app.user("Olga").await;
    assert_eq!(app.post(&format!("/users/{}/follow", host.id), Some(&other.access), json!({})).await.status, 201);
    let r = app.call("DELETE", &format!("/users/{}/block", fan.id), Some(&host.access), None).await;
    assert_eq!(r.status, 204, "{r:?}");
    let r = app.call("DELETE", &format!("/users/{}/block", fan.id), Some(&host.access), None).await;
    assert_eq!(r.status, 404, "{r:?}");
    assert_eq!(app.post(&format!("/users/{}/follow", host.id), Some(&fan.access), json!({})).await.status, 201);
    assert_eq!(join(&app, &fan, &room).await.status, 200);
    let g = send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1, "room_id": room})).await;
    assert_eq!(g.status, 201, "{g:?}");
    assert_eq!(
        app.post(&format!("/posts/{clip}/comments"), Some(&fan.access), json!({"text": "hi"})).await.status,
        201
    );
}

#[tokio::test]
async fn blocking_unfollows_both_ways_and_hides_the_account_from_the_blockers_lists_feed_and_rooms() {
    let app = TestApp::start().await;
    let (ann, bob) = (app.host("Ann").await, app.host("Bob").await);
    let carl = app.user("Carl").await;
    for (a, b) in [(&ann, &bob), (&bob, &ann), (&ann, &carl)] {
        assert_eq!(app.post(&format!("/users/{}/follow", b.id), Some(&a.access), json!({})).await.status, 201);
    }
    let bobs = post(&app, &bob, "bob's").await["id"].as_str().unwrap().to_string();
    let carls = post(&app, &carl, "carl's").await["id"].as_str().unwrap().to_string();
    assert_eq!(ids(&app.get("/feed", &ann.access).await.body), vec![carls.clone(), bobs.clone()]);
    let anns_room = go_live(&app, &ann).await["room"]["id"].as_str().unwrap().to_string();
    let bobs_room = go_live(&app, &bob).await["room"]["id"].as_str().unwrap().to_string();
    assert_eq!(join(&app, &bob, &anns_room).await.status, 200);

    let r = app.post(&format!("/users/{}/block", bob.id), Some(&ann.access), json!({})).await;
    assert_eq!(r.status, 201, "{r:?}");

    let list = |id: &str, which: &str| format!("/users/{id}/{which}");
    let names = |r: &Resp| ids(&r.body);
    assert_eq!(names(&app.get(&list(&ann.id, "following"), &ann.access).await), vec![carl.id.clone()]);
    assert!(names(&app.get(&list(&ann.id, "followers"), &ann.access).await).is_empty());
    assert!(names(&app.get(&list(&bob.id, "following"), &bob.access).await).is_empty());
    app.drain().await; // followers are counted from the stream
    for (who, followers, following) in [(&ann, 0, 1), (&bob, 0, 0)] {
        let p = app.get(&format!("/users/{}", who.id), &carl.access).await;
        assert_eq!((p.body["followers"].as_i64(), p.body["following"].as_i64()), (Some(followers), Some(following)));
    }
    assert_eq!(ids(&app.get("/feed", &ann.access).await.body), vec![carls.clone()]);
    // Bob left Ann's room; Ann no longer sees Bob's room.
    let room = app.get(&format!("/rooms/{anns_room}"), &ann.access).await;
    assert_eq!(room.body["viewers"], 0, "{room:?}");
    let rooms = ids(&app.get("/rooms", &ann.access).await.body);
    assert_eq!(rooms, vec![anns_room.clone()]);
    assert!(ids(&app.get("/rooms", &carl.access).await.body).contains(&bobs_room));

    let blocks = app.get("/me/blocks", &ann.access).await;
    assert_eq!(blocks.status, 200, "{blocks:?}");
    assert_eq!(names(&blocks), vec![bob.id.clone()]);
    assert_eq!(blocks.body["items"][0]["blocked_at"], r.body["created_at"]);
    assert!(names(&app.get("/me/blocks", &bob.access).await).is_empty());
    // Following nobody, Ann sees everyone's posts but Bob's.
    assert_eq!(app.call("DELETE", &format!("/users/{}/follow", carl.id), Some(&ann.access), None).await.status, 204);
    let everyone = ids(&app.get("/feed", &ann.access).await.body);
    assert!(everyone.contains(&carls) && !everyone.contains(&bobs), "{everyone:?}");

    let me = app.post(&format!("/users/{}/block", ann.id), Some(&ann.access), json!({})).await;
    assert_eq!(me.status, 400, "{me:?}");
    let nobody = app.post("/users/01HZZZZZZZZZZZZZZZZZZZZZZZ/block", Some(&ann.access), json!({})).await;
    assert_eq!(nobody.status, 404, "{nobody:?}");
}
