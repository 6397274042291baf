use futures::future::join_all;
use serde_json::{Value, json};

use crate::gifts::{gift, ledger, send};
use crate::rooms::{join, token_payload};
use crate::support::*;

/// The RTC privileges an AccessToken2 grants (1 join, 2 audio, 3 video, 4 data).
fn privileges(token: &str) -> Vec<u16> {
    let p = token_payload(token);
    let u16_at = |i: usize| u16::from_le_bytes([p[i], p[i + 1]]);
    let mut i = 2 + u16_at(0) as usize; // the signature
    i += 2 + u16_at(i) as usize; // the app id
    i += 12 + 2 + 2; // issue, expire, salt; one service; its type
    let n = u16_at(i) as usize;
    (0..n).map(|k| u16_at(i + 2 + k * 6)).collect()
}

async fn party_room(app: &TestApp, host: &User, seats: i64) -> String {
    let r = app.post("/rooms", Some(&host.access), json!({"kind": "audio", "seats": seats})).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["room"]["id"].as_str().unwrap().to_string()
}

async fn ask(app: &TestApp, who: &User, room: &str) -> Resp {
    app.post(&format!("/rooms/{room}/seat-requests"), Some(&who.access), json!({})).await
}

async fn approve(app: &TestApp, by: &User, room: &str, who: &User, seat: i64) -> Resp {
    app.post(&format!("/rooms/{room}/seat-requests/{}/approve", who.id), Some(&by.access), json!({"seat": seat})).await
}

async fn seats_of(app: &TestApp, viewer: &User, room: &str) -> Vec<Value> {
    app.get(&format!("/rooms/{room}"), &viewer.access).await.body["seats"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_party_room_seats_asking_viewers_on_the_mic_and_frees_a_seat_on_leaving() {
    let (app, agora) = TestApp::start_with_agora().await;
    let (host, ann, mo) = (app.host("Hana").await, app.user("Ann").await, app.user("Mo").await);
    let r = app.post("/rooms", Some(&host.access), json!({"kind": "audio", "seats": 13})).await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.body["message"].as_str().unwrap().starts_with("seats"));
    let r = app.post("/rooms", Some(&host.access), json!({"kind": "radio"})).await;
    assert_eq!(r.status, 400);
    let r = app.post("/rooms", Some(&host.access), json!({"kind": "audio", "seats": 12})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!((r.body["room"]["kind"].as_str(), r.body["room"]["seat_count"].as_i64()), (Some("audio"), Some(12)));
    assert_eq!(privileges(r.body["agora"]["token"].as_str().unwrap()), vec![1, 2, 4], "audio only for the host too");
    let room = r.body["room"]["id"].as_str().unwrap().to_string();
    assert_eq!(seats_of(&app, &ann, &room).await.len(), 12);

    assert_eq!(join(&app, &ann, &room).await.status, 200);
    assert_eq!(ask(&app, &ann, &room).await.status, 201);
    let r = ask(&app, &ann, &room).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("already_requested")));
    assert_eq!(app.notifications_of(&host, "seat_request").await.len(), 1);
    let r = app.get(&format!("/rooms/{room}/seat-requests"), &ann.access).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("not_moderator")));
    let r = app.get(&format!("/rooms/{room}/seat-requests"), &host.access).await;
    assert_eq!((r.status, r.body["items"][0]["account_id"].as_str()), (200, Some(ann.id.as_str())), "{r:?}");
    assert_eq!(r.body["items"][0]["display_name"], "Ann");
    // A moderator approves.
    assert_eq!(app.post("/host/moderators", Some(&host.access), json!({"user_id": mo.id})).await.status, 201);
    let r = approve(&app, &mo, &room, &ann, 13).await;
    assert_eq!(r.status, 400, "{r:?}");
    let r = approve(&app, &mo, &room, &ann, 3).await;
    assert_eq!(
        (r.status, r.body["account_id"].as_str(), r.body["display_name"].as_str()),
        (200, Some(ann.id.as_str()), Some("Ann")),
        "{r:?}"
    );
    assert!(
        app.get(&format!("/rooms/{room}/seat-requests"), &host.access).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.notifications_of(&ann, "seat_approved").await.len(), 1);
    // Another request, rejected: it leaves the list and takes no seat.
    let bo = app.user("Bo").await;
    assert_eq!(join(&app, &bo, &room).await.status, 200);
    assert_eq!(ask(&app, &bo, &room).await.status, 201);
    let r = app.post(&format!("/rooms/{room}/seat-requests/{}/reject", bo.id), Some(&host.access), json!({})).await;
    assert_eq!(r.status, 204, "{r:?}");
    let left = app.get(&format!("/rooms/{room}/seat-requests"), &host.access).await;
    assert!(left.body["items"].as_array().unwrap().is_empty(), "{left:?}");
    assert!(seats_of(&app, &host, &room).await.iter().all(|s| s["account_id"] != bo.id.as_str()));
    let seats = seats_of(&app, &mo, &room).await;
    assert_eq!((seats[2]["seat"].as_i64(), seats[2]["account_id"].as_str()), (Some(3), Some(ann.id.as_str())));
    assert_eq!(seats[0]["account_id"], Value::Null);
    // Joining again now grants the mic (no camera in a party room), briefly.
    let j = join(&app, &ann, &room).await;
    assert_eq!(privileges(j.body["agora"]["token"].as_str().unwrap()), vec![1, 2, 4], "{j:?}");
    assert_eq!(
        privileges(join(&app, &mo, &room).await.body["agora"]["token"].as_str().unwrap()),
        vec![1],
        "a viewer only watches"
    );
    // Leaving frees the seat; Agora stops her publishing.
    assert!(agora.rules().is_empty());
    let r = app.call("DELETE", &format!("/rooms/{room}/seats/3"), Some(&ann.access), None).await;
    assert_eq!(r.status, 204, "{r:?}");
    assert_eq!(seats_of(&app, &mo, &room).await[2]["account_id"], Value::Null);
    let rules = agora.rules();
    let mut revoked: Vec<&str> = rules.iter().flat_map(|r| r.privileges.iter().map(String::as_str)).collect();
    revoked.sort();
    assert_eq!(revoked, ["publish_audio", "publish_video"]);
    assert!(rules.iter().all(|r| r.uid == integrations::agora::uid_for(&ann.id)));
    assert_eq!(privileges(join(&app, &ann, &room).await.body["agora"]["token"].as_str().unwrap()), vec![1]);
    // Seated again (by invitation): the bans are lifted.
    let r = app.post(&format!("/rooms/{room}/seats/5/invite"), Some(&host.access), json!({"account_id": ann.id})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = app.post(&format!("/rooms/{room}/seats/4/accept"), Some(&ann.access), json!({})).await;
    assert_eq!(r.status, 404, "invited to seat 5, not 4");
    let r = app.post(&format!("/rooms/{room}/seats/5/accept"), Some(&ann.access), json!({})).await;
    assert_eq!((r.status, r.body["seat"]["seat"].as_i64()), (200, Some(5)), "{r:?}");
    assert_eq!(privileges(r.body["agora"]["token"].as_str().unwrap()), vec![1, 2, 4]);
    assert!(agora.rules().is_empty(), "{:?}", agora.rules());
    // The host mutes the seat (Agora stops her mic), then removes her.
    let r = app.call("PUT", &format!("/rooms/{room}/seats/5"), Some(&host.access), Some(json!({"muted": true}))).await;
    assert_eq!((r.status, r.body["muted"].as_bool()), (200, Some(true)), "{r:?}");
    assert_eq!(agora.rules()[0].privileges, ["publish_audio"]);
    let r = app.call("DELETE", &format!("/rooms/{room}/seats/5"), Some(&mo.access), None).await;
    assert_eq!(r.status, 204);
    let r = app.call("DELETE", &format!("/rooms/{room}/seats/5"), Some(&mo.access), None).await;
    assert_eq!(r.status, 404, "nobody sits there now");
}

#[tokio::test]
async fn two_approvals_for_one_seat_seat_one_guest_and_a_guest_holds_one_seat_at_a_time() {
    let app = TestApp::start().await;
    let (host, other_host) = (app.host("Hana").await, app.host("Otto").await);
    let (ann, ben, cy) = (app.user("Ann").await, app.user("Ben").await, app.user("Cy").await);
    let room = party_room(&app, &host, 4).await;
    let other = party_room(&app, &other_host, 4).await;
    for u in [&ann, &ben] {
        assert_eq!(ask(&app, u, &room).await.status, 201);
    }
    let answers = join_all([approve(&app, &host, &room, &ann, 1), approve(&app, &host, &room, &ben, 1)]).await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{answers:?}");
    let lost = answers.iter().find(|r| r.status == 409).unwrap();
    assert_eq!(lost.body["error"], "seat_taken");
    let winner = answers.iter().find(|r| r.status == 200).unwrap().body["account_id"].as_str().unwrap().to_string();
    let loser = if winner == ann.id { &ben } else { &ann };
    // The loser's request stands: seated on another seat.
    assert_eq!(approve(&app, &host, &room, loser, 2).await.status, 200);
    // Seated here: no seat elsewhere.
    let r = ask(&app, &ann, &other).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("already_seated")));
    // Asked in both rooms, approved in one first: the other refuses, and its request stays.
    assert_eq!(ask(&app, &cy, &room).await.status, 201);
    assert_eq!(ask(&app, &cy, &other).await.status, 201);
    assert_eq!(approve(&app, &other_host, &other, &cy, 1).await.status, 200);
    let r = approve(&app, &host, &room, &cy, 3).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("already_seated")));
    assert_eq!(seats_of(&app, &host, &room).await[2]["account_id"], Value::Null, "nothing half done");
    // A locked seat takes no one.
    let r = app.call("PUT", &format!("/rooms/{room}/seats/4"), Some(&host.access), Some(json!({"locked": true}))).await;
    assert_eq!((r.status, r.body["locked"].as_bool()), (200, Some(true)));
    let r = app.call("DELETE", &format!("/rooms/{other}/seats/1"), Some(&cy.access), None).await;
    assert_eq!(r.status, 204);
    let r = approve(&app, &host, &room, &cy, 4).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("seat_locked")));
    let r = app.call("PUT", &format!("/rooms/{room}/seats/4"), Some(&ann.access), Some(json!({"locked": false}))).await;
    assert_eq!(r.status, 403, "only the host or a moderator");
}

#[tokio::test]
async fn ending_the_room_frees_its_guests_and_a_late_approval_is_refused() {
    let app = TestApp::start().await;
    let (host, ann, ben) = (app.host("Hana").await, app.user("Ann").await, app.user("Ben").await);
    let room = party_room(&app, &host, 2).await;
    assert_eq!(ask(&app, &ann, &room).await.status, 201);
    assert_eq!(ask(&app, &ben, &room).await.status, 201);
    assert_eq!(approve(&app, &host, &room, &ann, 1).await.status, 200);
    assert_eq!(app.post(&format!("/rooms/{room}/end"), Some(&host.access), json!({})).await.status, 200);
    let r = approve(&app, &host, &room, &ben, 2).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("room_ended")));
    assert!(seats_of(&app, &host, &room).await.iter().all(|s| s["account_id"].is_null()));
    // Ann is free to sit elsewhere.
    let other = party_room(&app, &app.host("Otto").await, 2).await;
    assert_eq!(ask(&app, &ann, &other).await.status, 201);
    // A video room has no seats unless asked.
    let h2 = app.host("Vi").await;
    let r = app.post("/rooms", Some(&h2.access), json!({})).await;
    assert_eq!((r.body["room"]["kind"].as_str(), r.body["room"]["seat_count"].as_i64()), (Some("video"), Some(0)));
    assert_eq!(privileges(r.body["agora"]["token"].as_str().unwrap()), vec![1, 2, 3, 4]);
    let r = ask(&app, &ben, r.body["room"]["id"].as_str().unwrap()).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("no_seats")));
}

#[tokio::test]
async fn a_gift_to_a_seated_guest_pays_the_guest_and_the_room_owner_its_share_exactly() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (host, guest, fan, stranger) =
        (app.host("Hana").await, app.user("Gail").await, app.user("Fay").await, app.user("Stan").await);
    app.grant(&admin, &fan, 10_000).await;
    let rose = gift(&app, &admin, "Rose", 33).await;
    let r = app.post("/rooms", Some(&host.access), json!({"seats": 2})).await;
    let room = r.body["room"]["id"].as_str().unwrap().to_string();
    assert_eq!(ask(&app, &guest, &room).await.status, 201);
    assert_eq!(approve(&app, &host, &room, &guest, 1).await.status, 200);
    // Not seated, or not in a room: no gift.
    let r = send(&app, &fan, &stranger, json!({"gift_id": rose, "quantity": 1, "room_id": room})).await;
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(send(&app, &fan, &guest, json!({"gift_id": rose, "quantity": 1})).await.status, 400);
    // 3 × 33 = 99 coins: the owner's 10% is 9 (floored), the guest's 90.
    let r = send(&app, &fan, &guest, json!({"gift_id": rose, "quantity": 3, "room_id": room})).await;
    assert_eq!((r.status, r.body["total_coins"].as_i64()), (201, Some(99)), "{r:?}");
    app.drain().await;
    assert_eq!(app.wallet(&guest).await.1, 90);
    assert_eq!(app.wallet(&host).await.1, 9);
    assert_eq!(app.wallet(&fan).await.0, 10_000 - 99);
    let g = ledger(&app, &guest).await;
    assert_eq!((g[0]["type"].as_str(), g[0]["amount"].as_i64()), (Some("gift_received"), Some(90)), "{g:?}");
    let h = ledger(&app, &host).await;
    assert_eq!((h[0]["type"].as_str(), h[0]["amount"].as_i64()), (Some("room_share"), Some(9)), "{h:?}");
    // The room's total and the fan's standing count the whole gift.
    let board = app.get(&format!("/leaderboards/gifters?room_id={room}"), &fan.access).await;
    assert_eq!(board.body["items"][0]["coins"], 99, "{board:?}");
    assert_eq!(app.get(&format!("/rooms/{room}"), &fan.access).await.body["host_earning"], 99);
    // An admin's share setting applies to the next gift.
    app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"room_owner_share_pct": 50}))).await;
    assert_eq!(send(&app, &fan, &guest, json!({"gift_id": rose, "quantity": 1, "room_id": room})).await.status, 201);
    app.drain().await;
    assert_eq!((app.wallet(&guest).await.1, app.wallet(&host).await.1), (90 + 17, 9 + 16));
    // Held until the guest hosts for an agency: then settled as a host's earnings.
    let (owner, _) = crate::agencies::agency(&app, &admin, "SEAT01", 20).await;
    let r = app.post("/host-applications", Some(&guest.access), crate::agencies::application("SEAT01")).await;
    assert_eq!(r.status, 201, "{r:?}");
    let approve = format!("/agency/host-applications/{}/approve", r.body["id"].as_str().unwrap());
    assert_eq!(app.post(&approve, Some(&owner.access), json!({})).await.status, 200);
    let r = app.post(&format!("/agency/hosts/{}/settlements", guest.id), Some(&owner.access), json!({})).await;
    assert_eq!((r.status, r.body["coins"].as_i64()), (201, Some(107)), "{r:?}");
}

#[tokio::test]
async fn a_kick_or_a_ban_takes_a_guest_off_the_stage() {
    let (app, agora) = TestApp::start_with_agora().await;
    let admin = app.admin().await;
    let (host, ann, ben) = (app.host("Hana").await, app.user("Ann").await, app.user("Ben").await);
    let room = party_room(&app, &host, 3).await;
    for (u, seat) in [(&ann, 1), (&ben, 2)] {
        assert_eq!(ask(&app, u, &room).await.status, 201);
        assert_eq!(approve(&app, &host, &room, u, seat).await.status, 200);
    }
    let r = app.post(&format!("/rooms/{room}/kick"), Some(&host.access), json!({"user_id": ann.id})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(seats_of(&app, &host, &room).await[0]["account_id"], Value::Null);
    let uid = integrations::agora::uid_for(&ann.id);
    let mut taken: Vec<String> =
        agora.rules().iter().filter(|r| r.uid == uid).flat_map(|r| r.privileges.clone()).collect();
    taken.sort();
    assert_eq!(taken, ["join_channel", "publish_audio", "publish_video"]);
    let r = app.post(&format!("/admin/users/{}/ban", ben.id), Some(&admin.access), json!({"reason": "spam"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(seats_of(&app, &host, &room).await[1]["account_id"], Value::Null, "a banned guest leaves the stage");
}

#[tokio::test]
async fn leaving_the_room_leaves_its_stage_and_withdraws_a_request() {
    let app = TestApp::start().await;
    let (host, ann, ben) = (app.host("Hana").await, app.user("Ann").await, app.user("Ben").await);
    let room = party_room(&app, &host, 2).await;
    for u in [&ann, &ben] {
        assert_eq!(join(&app, u, &room).await.status, 200);
        assert_eq!(ask(&app, u, &room).await.status, 201);
    }
    assert_eq!(approve(&app, &host, &room, &ann, 1).await.status, 200);
    for u in [&ann, &ben] {
        assert_eq!(app.post(&format!("/rooms/{room}/leave"), Some(&u.access), json!({})).await.status, 204);
    }
    assert_eq!(seats_of(&app, &host, &room).await[0]["account_id"], Value::Null);
    let r = app.get(&format!("/rooms/{room}/seat-requests"), &host.access).await;
    assert!(r.body["items"].as_array().unwrap().is_empty(), "{r:?}");
    // Back in, Ann may ask again.
    assert_eq!(ask(&app, &ann, &room).await.status, 201);
}

async fn invite(app: &TestApp, by: &User, room: &str, seat: i64, who: &User) -> Resp {
    app.post(&format!("/rooms/{room}/seats/{seat}/invite"), Some(&by.access), json!({"account_id": who.id})).await
}

/// The privileges Agora's rules take from `who` now.
fn taken_from(agora: &local::agora::AgoraRest, who: &User) -> Vec<String> {
    let uid = integrations::agora::uid_for(&who.id);
    let mut taken: Vec<String> =
        agora.rules().iter().filter(|r| r.uid == uid).flat_map(|r| r.privileges.clone()).collect();
    taken.sort();
    taken
}

#[tokio::test]
async fn a_muted_seat_mutes_whoever_sits_on_it() {
    let (app, agora) = TestApp::start_with_agora().await;
    let (host, ann, ben) = (app.host("Hana").await, app.user("Ann").await, app.user("Ben").await);
    let room = party_room(&app, &host, 2).await;
    assert_eq!(ask(&app, &ann, &room).await.status, 201);
    assert_eq!(approve(&app, &host, &room, &ann, 1).await.status, 200);
    let r = app.call("PUT", &format!("/rooms/{room}/seats/1"), Some(&host.access), Some(json!({"muted": true}))).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(taken_from(&agora, &ann), ["publish_audio"]);
    // Ann leaves the muted seat; Ben sits on it: he is muted too.
    assert_eq!(app.call("DELETE", &format!("/rooms/{room}/seats/1"), Some(&ann.access), None).await.status, 204);
    assert_eq!(ask(&app, &ben, &room).await.status, 201);
    assert_eq!(approve(&app, &host, &room, &ben, 1).await.status, 200);
    assert_eq!(taken_from(&agora, &ben), ["publish_audio"], "the seat's mute holds for its next guest");
    assert_eq!(seats_of(&app, &ann, &room).await[0]["muted"], true);
    // Ann back on the stage by invitation to the muted seat: still no mic, camera given back.
    assert_eq!(app.call("DELETE", &format!("/rooms/{room}/seats/1"), Some(&host.access), None).await.status, 204);
    assert_eq!(invite(&app, &host, &room, 1, &ann).await.status, 201);
    let r = app.post(&format!("/rooms/{room}/seats/1/accept"), Some(&ann.access), json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(taken_from(&agora, &ann), ["publish_audio"]);
    // Unmuting the seat gives her the mic.
    let r = app.call("PUT", &format!("/rooms/{room}/seats/1"), Some(&host.access), Some(json!({"muted": false}))).await;
    assert_eq!(r.status, 200);
    assert!(taken_from(&agora, &ann).is_empty(), "{:?}", agora.rules());
}

#[tokio::test]
async fn blocks_and_kicks_keep_people_off_the_stage_and_nobody_is_told() {
    let app = TestApp::start().await;
    let (host, ann, ben, cat) =
        (app.host("Hana").await, app.user("Ann").await, app.user("Ben").await, app.user("Cat").await);
    let room = party_room(&app, &host, 3).await;
    // The host blocked Ann: she may not ask, nor be invited.
    assert_eq!(app.post(&format!("/users/{}/block", ann.id), Some(&host.access), json!({})).await.status, 201);
    let r = ask(&app, &ann, &room).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("blocked")), "{r:?}");
    let r = invite(&app, &host, &room, 1, &ann).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("blocked")), "{r:?}");
    // Ben blocked the host: the host may not invite him.
    assert_eq!(app.post(&format!("/users/{}/block", host.id), Some(&ben.access), json!({})).await.status, 201);
    let r = invite(&app, &host, &room, 2, &ben).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("blocked")), "{r:?}");
    assert!(app.notifications_of(&host, "seat_request").await.is_empty());
    assert!(app.notifications_of(&ann, "seat_invitation").await.is_empty());
    assert!(app.notifications_of(&ben, "seat_invitation").await.is_empty());
    let r = app.get(&format!("/rooms/{room}/seat-requests"), &host.access).await;
    assert!(r.body["items"].as_array().unwrap().is_empty(), "{r:?}");
    // Cat is invited, then kicked: the invitation no longer seats her, and she may not ask.
    assert_eq!(join(&app, &cat, &room).await.status, 200);
    assert_eq!(invite(&app, &host, &room, 3, &cat).await.status, 201);
    assert_eq!(
        app.post(&format!("/rooms/{room}/kick"), Some(&host.access), json!({"user_id": cat.id})).await.status,
        200
    );
    let r = app.post(&format!("/rooms/{room}/seats/3/accept"), Some(&cat.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("kicked")), "{r:?}");
    let r = ask(&app, &cat, &room).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("kicked")), "{r:?}");
    let r = invite(&app, &host, &room, 3, &cat).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("kicked")), "{r:?}");
    assert!(seats_of(&app, &host, &room).await.iter().all(|s| s["account_id"].is_null()));
    assert_eq!(app.notifications_of(&host, "seat_request").await.len(), 0);
    assert_eq!(app.notifications_of(&cat, "seat_invitation").await.len(), 1, "only the one before the kick");
}

#[tokio::test]
async fn an_invitation_waits_once_per_invitee_and_a_host_sends_ten_a_minute() {
    let app = TestApp::start().await;
    let host = app.host("Hana").await;
    let room = party_room(&app, &host, 12).await;
    let people = join_all((0..11).map(|i| {
        let app = &app;
        async move { app.user(&format!("Guest{i}")).await }
    }))
    .await;
    assert_eq!(invite(&app, &host, &room, 1, &people[0]).await.status, 201);
    let r = invite(&app, &host, &room, 2, &people[0]).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("already_invited")), "{r:?}");
    assert_eq!(app.notifications_of(&people[0], "seat_invitation").await.len(), 1);
    for p in &people[1..9] {
        assert_eq!(invite(&app, &host, &room, 1, p).await.status, 201);
    }
    // Ten sent this minute (the refused repeat counted): the next waits.
    let r = invite(&app, &host, &room, 1, &people[9]).await;
    assert_eq!((r.status, r.body["error"].as_str()), (429, Some("rate_limited")), "{r:?}");
    assert!(app.notifications_of(&people[9], "seat_invitation").await.is_empty());
    app.state.clock.advance(60_000);
    assert_eq!(invite(&app, &host, &room, 1, &people[9]).await.status, 201);
    // A lapsed invitation can be sent again.
    app.state.clock.advance(61_000);
    assert_eq!(invite(&app, &host, &room, 1, &people[0]).await.status, 201);
    assert_eq!(app.notifications_of(&people[0], "seat_invitation").await.len(), 2);
}

#[tokio::test]
async fn a_guest_off_the_seat_takes_no_gift_from_the_very_next_request() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (host, guest, fan) = (app.host("Hana").await, app.user("Gail").await, app.user("Fay").await);
    app.grant(&admin, &fan, 1_000).await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    let room = party_room(&app, &host, 2).await;
    for removed_by in [&guest, &host] {
        assert_eq!(ask(&app, &guest, &room).await.status, 201);
        assert_eq!(approve(&app, &host, &room, &guest, 1).await.status, 200);
        let body = json!({"gift_id": rose, "quantity": 1, "room_id": room});
        assert_eq!(send(&app, &fan, &guest, body.clone()).await.status, 201);
        let r = app.call("DELETE", &format!("/rooms/{room}/seats/1"), Some(&removed_by.access), None).await;
        assert_eq!(r.status, 204);
        let r = send(&app, &fan, &guest, body).await;
        assert_eq!(r.status, 400, "{r:?}");
    }
    assert_eq!(app.wallet(&fan).await.0, 980);
}
