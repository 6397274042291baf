use serde_json::{Value, json};

use crate::gifts::{gift, send};
use crate::rooms::{go_live, has_str, token_payload};
use crate::support::*;

/// Two live hosts (with their room ids) and a fan with coins.
async fn two_live_hosts(app: &TestApp) -> (User, String, User, String) {
    let (a, b) = (app.host("Aria").await, app.host("Bo").await);
    let ra = go_live(app, &a).await["room"]["id"].as_str().unwrap().to_string();
    let rb = go_live(app, &b).await["room"]["id"].as_str().unwrap().to_string();
    (a, ra, b, rb)
}

async fn battle_of(app: &TestApp, inviter: &User, invitee: &User, duration: i64) -> Value {
    let r = app
        .post("/pk/invitations", Some(&inviter.access), json!({"host_id": invitee.id, "duration_secs": duration}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = app
        .post(&format!("/pk/invitations/{}/accept", r.body["id"].as_str().unwrap()), Some(&invitee.access), json!({}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["battle"].clone()
}

fn side<'a>(battle: &'a Value, host: &User) -> &'a Value {
    battle["sides"].as_array().unwrap().iter().find(|s| s["host_id"] == host.id.as_str()).unwrap()
}

#[tokio::test]
async fn an_invited_pk_scores_each_rooms_gifts_in_its_window_and_pays_the_winner_once() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (a, ra, b, rb) = two_live_hosts(&app).await;
    let (fan, fan2) = (app.user("Fay").await, app.user("Gus").await);
    app.grant(&admin, &fan, 10_000).await;
    app.grant(&admin, &fan2, 10_000).await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    let r = app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"pk_winner_bonus_pct": 10}))).await;
    assert_eq!(
        (r.status, r.body["pk_winner_bonus_pct"].as_i64(), r.body["room_owner_share_pct"].as_i64()),
        (200, Some(10), Some(10))
    );
    // Before the battle: not counted.
    assert_eq!(send(&app, &fan, &a, json!({"gift_id": rose, "quantity": 5, "room_id": ra})).await.status, 201);
    app.state.clock.advance(1);

    let inv = app.post("/pk/invitations", Some(&a.access), json!({"host_id": b.id})).await;
    assert_eq!(inv.status, 201, "{inv:?}");
    assert_eq!((inv.body["state"].as_str(), inv.body["duration_secs"].as_i64()), (Some("pending"), Some(300)));
    let note = app.notifications_of(&b, "pk_invitation").await;
    assert_eq!(note[0]["data"]["invitation_id"], inv.body["id"], "the invitee is told");
    let current = app.get("/pk/current", &b.access).await;
    assert_eq!(
        (current.body["state"].as_str(), current.body["invitations"][0]["id"].clone()),
        (Some("idle"), inv.body["id"].clone())
    );
    let inv_id = inv.body["id"].as_str().unwrap();
    let r = app.post(&format!("/pk/invitations/{inv_id}/accept"), Some(&a.access), json!({})).await;
    assert_eq!(r.status, 404, "only the invitee accepts");
    let r = app.post(&format!("/pk/invitations/{inv_id}/accept"), Some(&b.access), json!({})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let battle = r.body["battle"].clone();
    let id = battle["id"].as_str().unwrap().to_string();
    assert_eq!(battle["state"], "active");
    assert_eq!(battle["sides"].as_array().unwrap().len(), 2);
    // The invitee's relay token is for the inviter's channel, as a subscriber.
    let room_a = app.get(&format!("/rooms/{ra}"), &a.access).await;
    let channel_a = room_a.body["channel"].as_str().unwrap();
    let p = token_payload(battle["relay"]["token"].as_str().unwrap());
    assert!(has_str(&p, channel_a) && battle["relay"]["channel"] == channel_a);
    assert_eq!(room_a.body["pk"]["id"], id.as_str(), "the room shows its battle");
    let r = app.post(&format!("/pk/invitations/{inv_id}/accept"), Some(&b.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("invitation_closed")));
    // Busy hosts take no second battle.
    let c = app.host("Cy").await;
    go_live(&app, &c).await;
    let r = app.post("/pk/invitations", Some(&c.access), json!({"host_id": a.id})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("host_busy")));

    // During: both rooms' gifts count, each for its side.
    for _ in 0..3 {
        assert_eq!(send(&app, &fan, &a, json!({"gift_id": rose, "quantity": 2, "room_id": ra})).await.status, 201);
    }
    assert_eq!(send(&app, &fan2, &b, json!({"gift_id": rose, "quantity": 4, "room_id": rb})).await.status, 201);
    // A gift to the host outside the room is not the room's.
    assert_eq!(send(&app, &fan2, &b, json!({"gift_id": rose, "quantity": 9})).await.status, 201);
    app.drain().await;
    let live = app.get(&format!("/pk/{id}"), &fan.access).await;
    assert_eq!(live.status, 200, "{live:?}");
    assert_eq!((side(&live.body, &a)["score"].as_i64(), side(&live.body, &b)["score"].as_i64()), (Some(60), Some(40)));
    assert_eq!(side(&live.body, &a)["top_gifters"][0]["account_id"], fan.id.as_str());
    assert_eq!(side(&live.body, &a)["top_gifters"][0]["coins"], 60);
    assert!(live.body.get("relay").is_none(), "a viewer gets no relay");
    assert_eq!(live.body["winner_host_id"], Value::Null);

    // A host ends it early; a gift after the end does not count.
    let r = app.post(&format!("/pk/{id}/end"), Some(&fan.access), json!({})).await;
    assert_eq!(r.status, 403, "{r:?}");
    let ended = app.post(&format!("/pk/{id}/end"), Some(&b.access), json!({})).await;
    assert_eq!((ended.status, ended.body["state"].as_str()), (200, Some("ended")));
    assert_eq!(ended.body["result_at"], Value::Null, "final only once the gifts before the end are applied");
    app.state.clock.advance(1);
    assert_eq!(send(&app, &fan2, &b, json!({"gift_id": rose, "quantity": 50, "room_id": rb})).await.status, 201);
    app.drain().await;
    app.state.clock.advance(app.state.config.pk_settle_ms);
    // A viewer's read writes nothing: the result waits for a host's read or the schedule.
    let seen = app.get(&format!("/pk/{id}"), &fan.access).await;
    assert_eq!((seen.body["state"].as_str(), seen.body["result_at"].clone()), (Some("ended"), Value::Null));
    let done = app.get(&format!("/pk/{id}"), &a.access).await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_eq!((side(&done.body, &a)["score"].as_i64(), side(&done.body, &b)["score"].as_i64()), (Some(60), Some(40)));
    assert_eq!(done.body["winner_host_id"], a.id.as_str());
    assert!(done.body["result_at"].is_string());
    assert_eq!(done.body["bonus"], 6, "10% of the winner's 60");
    // Read again (and by the schedule): the bonus is paid once.
    assert_eq!(app.get(&format!("/pk/{id}"), &a.access).await.body["bonus"], 6);
    app::rooms::end_pk_battles(&app.state).await.unwrap();
    app.drain().await;
    let bonuses: Vec<Value> =
        crate::gifts::ledger(&app, &a).await.into_iter().filter(|e| e["type"] == "pk_bonus").collect();
    assert_eq!(bonuses.len(), 1, "{bonuses:?}");
    assert_eq!(bonuses[0]["amount"], 6);
    // Both are free again, and the board counts the win.
    assert_eq!(app.get("/pk/current", &a.access).await.body["state"], "idle");
    let board = app.get("/leaderboards/pk?period=day", &fan.access).await;
    assert_eq!(board.status, 200, "{board:?}");
    assert_eq!(
        (board.body["items"][0]["id"].as_str(), board.body["items"][0]["wins"].as_i64()),
        (Some(a.id.as_str()), Some(1))
    );
    assert_eq!(
        (board.body["items"][1]["id"].as_str(), board.body["items"][1]["wins"].as_i64()),
        (Some(b.id.as_str()), Some(0))
    );
    assert_eq!(board.body["items"][1]["score"], 40);
    assert_eq!(app.get("/leaderboards/pk?period=year", &fan.access).await.status, 400);
    // And a new battle can start.
    battle_of(&app, &b, &a, 60).await;
}

#[tokio::test]
async fn a_battle_ends_on_time_counting_a_gift_at_the_boundary_by_its_own_time() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (a, ra, b, rb) = two_live_hosts(&app).await;
    let fan = app.user("Fay").await;
    app.grant(&admin, &fan, 10_000).await;
    let rose = gift(&app, &admin, "Rose", 7).await;
    let battle = battle_of(&app, &a, &b, 60).await;
    let id = battle["id"].as_str().unwrap().to_string();
    app.state.clock.advance(60_000);
    // Exactly at the end: counts.
    assert_eq!(send(&app, &fan, &b, json!({"gift_id": rose, "quantity": 1, "room_id": rb})).await.status, 201);
    app.state.clock.advance(1);
    assert_eq!(send(&app, &fan, &a, json!({"gift_id": rose, "quantity": 3, "room_id": ra})).await.status, 201);
    // Not applied yet: the result waits, even for a host's read (which would settle it).
    app.state.clock.advance(app.state.config.pk_settle_ms);
    let r = app.get(&format!("/pk/{id}"), &a.access).await;
    assert_eq!((r.body["state"].as_str(), r.body["result_at"].clone()), (Some("ended"), Value::Null), "{r:?}");
    app.drain().await;
    // A gift elsewhere, sent before the end and not applied yet, holds nothing up.
    let c = app.host("Cy").await;
    let rc = go_live(&app, &c).await["room"]["id"].as_str().unwrap().to_string();
    let back = app.state.config.pk_settle_ms + 2;
    app.state.clock.advance(-back);
    assert_eq!(send(&app, &fan, &c, json!({"gift_id": rose, "quantity": 1, "room_id": rc})).await.status, 201);
    app.state.clock.advance(back);
    assert_eq!(app::rooms::end_pk_battles(&app.state).await.unwrap(), 1, "the schedule settles it");
    let r = app.get(&format!("/pk/{id}"), &fan.access).await;
    assert_eq!((side(&r.body, &a)["score"].as_i64(), side(&r.body, &b)["score"].as_i64()), (Some(0), Some(7)));
    assert_eq!(r.body["winner_host_id"], b.id.as_str());
    assert_eq!(r.body["bonus"], 0, "no bonus unless an admin sets one");
}

#[tokio::test]
async fn invitations_are_refused_when_a_host_is_off_air_blocked_or_too_late() {
    let app = TestApp::start().await;
    let (a, b, c) = (app.host("Aria").await, app.host("Bo").await, app.host("Cy").await);
    go_live(&app, &a).await;
    let r = app.post("/pk/invitations", Some(&a.access), json!({"host_id": b.id})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("not_live")), "{r:?}");
    go_live(&app, &b).await;
    for (body, field) in [
        (json!({"host_id": b.id, "duration_secs": 59}), "duration_secs"),
        (json!({"host_id": b.id, "duration_secs": 901}), "duration_secs"),
        (json!({"host_id": a.id}), "host_id"),
    ] {
        let r = app.post("/pk/invitations", Some(&a.access), body).await;
        assert_eq!(r.status, 400, "{r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with(field), "{r:?}");
    }
    let fan = app.user("Fay").await;
    assert_eq!(app.post("/pk/invitations", Some(&fan.access), json!({"host_id": b.id})).await.status, 403);
    let r = app.post("/pk/invitations", Some(&a.access), json!({"host_id": fan.id})).await;
    assert_eq!(r.status, 404, "only hosts are invited");
    // Declined, cancelled, expired.
    let inv = app.post("/pk/invitations", Some(&a.access), json!({"host_id": b.id})).await.body;
    let r =
        app.post(&format!("/pk/invitations/{}/decline", inv["id"].as_str().unwrap()), Some(&b.access), json!({})).await;
    assert_eq!((r.status, r.body["state"].as_str()), (200, Some("declined")));
    let inv = app.post("/pk/invitations", Some(&a.access), json!({"host_id": b.id})).await.body;
    let r =
        app.post(&format!("/pk/invitations/{}/cancel", inv["id"].as_str().unwrap()), Some(&b.access), json!({})).await;
    assert_eq!(r.status, 404, "only the inviter cancels");
    let r =
        app.post(&format!("/pk/invitations/{}/cancel", inv["id"].as_str().unwrap()), Some(&a.access), json!({})).await;
    assert_eq!((r.status, r.body["state"].as_str()), (200, Some("cancelled")));
    let inv = app.post("/pk/invitations", Some(&a.access), json!({"host_id": b.id})).await.body;
    app.state.clock.advance(30_000);
    let r =
        app.post(&format!("/pk/invitations/{}/accept", inv["id"].as_str().unwrap()), Some(&b.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("invitation_expired")), "{r:?}");
    // Blocked either way.
    go_live(&app, &c).await;
    assert_eq!(app.post(&format!("/users/{}/block", a.id), Some(&c.access), json!({})).await.status, 201);
    let r = app.post("/pk/invitations", Some(&a.access), json!({"host_id": c.id})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("blocked")));
    // An accepted invitation whose inviter went off air meanwhile starts nothing.
    let inv = app.post("/pk/invitations", Some(&a.access), json!({"host_id": b.id})).await.body;
    let room = app.get("/pk/current", &a.access).await;
    assert_eq!(room.body["state"], "idle");
    let live = app.post("/rooms", Some(&a.access), json!({})).await.body["room"]["id"].as_str().unwrap().to_string();
    assert_eq!(app.post(&format!("/rooms/{live}/end"), Some(&a.access), json!({})).await.status, 200);
    let r =
        app.post(&format!("/pk/invitations/{}/accept", inv["id"].as_str().unwrap()), Some(&b.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("not_live")));
    assert_eq!(app.get("/pk/current", &b.access).await.body["state"], "idle", "nothing half done");
}

#[tokio::test]
async fn random_matches_pair_waiting_hosts_and_a_room_ending_ends_its_battle() {
    let app = TestApp::start().await;
    let (a, _ra, b, rb) = two_live_hosts(&app).await;
    let r = app.post("/pk/match", Some(&a.access), json!({})).await;
    assert_eq!((r.status, r.body["state"].as_str()), (202, Some("waiting")), "{r:?}");
    assert_eq!(app.get("/pk/current", &a.access).await.body["state"], "waiting");
    assert_eq!(app.call("DELETE", "/pk/match", Some(&a.access), None).await.status, 204);
    assert_eq!(app.get("/pk/current", &a.access).await.body["state"], "idle");
    assert_eq!(app.post("/pk/match", Some(&a.access), json!({"duration_secs": 120})).await.status, 202);
    let r = app.post("/pk/match", Some(&b.access), json!({"duration_secs": 120})).await;
    assert_eq!((r.status, r.body["state"].as_str()), (202, Some("matched")), "{r:?}");
    let id = r.body["battle"]["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["battle"]["source"], "match");
    let current = app.get("/pk/current", &a.access).await;
    assert_eq!(
        (current.body["state"].as_str(), current.body["battle"]["id"].as_str()),
        (Some("in_battle"), Some(id.as_str()))
    );
    assert!(current.body["battle"]["relay"]["token"].is_string());
    let r = app.post("/pk/match", Some(&a.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("host_busy")));
    // The battle ends with either room.
    assert_eq!(app.post(&format!("/rooms/{rb}/end"), Some(&b.access), json!({})).await.status, 200);
    let r = app.get(&format!("/pk/{id}"), &a.access).await;
    assert_eq!(r.body["state"], "ended", "{r:?}");
    assert_eq!(app.get("/pk/current", &a.access).await.body["state"], "idle");
}

#[tokio::test]
async fn admins_set_the_pk_bonus_and_the_room_owners_share_within_bounds() {
    let app = TestApp::start().await;
    let (admin, host) = (app.admin().await, app.host("Hal").await);
    let r = app.get("/admin/settings", &admin.access).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!((r.body["pk_winner_bonus_pct"].as_i64(), r.body["room_owner_share_pct"].as_i64()), (Some(0), Some(10)));
    assert_eq!(r.body["updated_at"], Value::Null);
    for (body, field) in [
        (json!({"pk_winner_bonus_pct": 51}), "pk_winner_bonus_pct"),
        (json!({"room_owner_share_pct": -1}), "room_owner_share_pct"),
    ] {
        let r = app.call("PUT", "/admin/settings", Some(&admin.access), Some(body)).await;
        assert_eq!(r.status, 400, "{r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with(field), "{r:?}");
    }
    assert_eq!(app.get("/admin/settings", &admin.access).await.body["pk_winner_bonus_pct"], 0, "nothing changed");
    let r = app.call("PUT", "/admin/settings", Some(&host.access), Some(json!({"pk_winner_bonus_pct": 5}))).await;
    assert_eq!(r.status, 403);
    let r = app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"room_owner_share_pct": 20}))).await;
    assert_eq!(
        (r.status, r.body["room_owner_share_pct"].as_i64(), r.body["pk_winner_bonus_pct"].as_i64()),
        (200, Some(20), Some(0))
    );
    assert!(r.body["updated_at"].is_string());
    // The audit log shows the value each change replaced.
    let r = app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"room_owner_share_pct": 30}))).await;
    assert_eq!(r.status, 200);
    let audit = app.get("/admin/audit?limit=100", &admin.access).await;
    let changes: Vec<&Value> =
        audit.body["items"].as_array().unwrap().iter().filter(|e| e["action"] == "put-settings").collect();
    let pairs: Vec<(i64, i64)> = changes
        .iter()
        .map(|e| {
            (
                e["before"]["room_owner_share_pct"].as_i64().unwrap(),
                e["after"]["room_owner_share_pct"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(pairs.contains(&(10, 20)) && pairs.contains(&(20, 30)), "{audit:?}");
}

#[tokio::test]
async fn a_battle_past_its_end_frees_its_hosts_even_unread_and_ends_later_without_touching_the_next() {
    let app = TestApp::start().await;
    let (a, _, b, _) = two_live_hosts(&app).await;
    let c = app.host("Cy").await;
    go_live(&app, &c).await;
    let first = battle_of(&app, &a, &b, 60).await["id"].as_str().unwrap().to_string();
    app.state.clock.advance(60_001);
    // Nobody read the first battle since its end: its hosts are free all the same.
    let second = battle_of(&app, &c, &a, 120).await["id"].as_str().unwrap().to_string();
    let r = app.get(&format!("/pk/{first}"), &b.access).await;
    assert_eq!(r.body["state"], "ended", "{r:?}");
    let current = app.get("/pk/current", &a.access).await;
    assert_eq!(
        (current.body["state"].as_str(), current.body["battle"]["id"].as_str()),
        (Some("in_battle"), Some(second.as_str()))
    );
    assert_eq!(app.get("/pk/current", &b.access).await.body["state"], "idle");
}

#[tokio::test]
async fn a_waiting_host_who_accepts_an_invitation_leaves_the_match_queue() {
    let app = TestApp::start().await;
    let (a, _, b, _) = two_live_hosts(&app).await;
    let c = app.host("Cy").await;
    go_live(&app, &c).await;
    assert_eq!(app.post("/pk/match", Some(&a.access), json!({})).await.body["state"], "waiting");
    let id = battle_of(&app, &b, &a, 60).await["id"].as_str().unwrap().to_string();
    let r = app.post("/pk/match", Some(&c.access), json!({})).await;
    assert_eq!((r.status, r.body["state"].as_str()), (202, Some("waiting")), "{r:?}");
    assert_eq!(app.post(&format!("/pk/{id}/end"), Some(&a.access), json!({})).await.status, 200);
    assert_eq!(app.get("/pk/current", &a.access).await.body["state"], "idle", "not waiting on from before");
}

#[tokio::test]
async fn a_gift_to_a_guest_on_a_pk_sides_stage_counts_whole_for_that_side() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (a, b, guest, fan) =
        (app.host("Aria").await, app.host("Bo").await, app.user("Gail").await, app.user("Fay").await);
    app.grant(&admin, &fan, 1_000).await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    let ra =
        app.post("/rooms", Some(&a.access), json!({"seats": 2})).await.body["room"]["id"].as_str().unwrap().to_string();
    go_live(&app, &b).await;
    assert_eq!(app.post(&format!("/rooms/{ra}/seat-requests"), Some(&guest.access), json!({})).await.status, 201);
    let approve = format!("/rooms/{ra}/seat-requests/{}/approve", guest.id);
    assert_eq!(app.post(&approve, Some(&a.access), json!({"seat": 1})).await.status, 200);
    let id = battle_of(&app, &a, &b, 300).await["id"].as_str().unwrap().to_string();
    assert_eq!(send(&app, &fan, &guest, json!({"gift_id": rose, "quantity": 3, "room_id": ra})).await.status, 201);
    app.drain().await;
    let r = app.get(&format!("/pk/{id}"), &fan.access).await;
    assert_eq!(side(&r.body, &a)["score"], 30, "the guest's 27 and the owner's 3: {r:?}");
    assert_eq!(side(&r.body, &a)["top_gifters"][0]["coins"], 30);
    assert_eq!((app.wallet(&guest).await.1, app.wallet(&a).await.1), (27, 3));
}

#[tokio::test]
async fn a_banned_winner_keeps_the_result_but_takes_no_bonus_and_no_board_win() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (a, ra, b, _) = two_live_hosts(&app).await;
    let fan = app.user("Fay").await;
    app.grant(&admin, &fan, 1_000).await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"pk_winner_bonus_pct": 10}))).await;
    let id = battle_of(&app, &a, &b, 60).await["id"].as_str().unwrap().to_string();
    assert_eq!(send(&app, &fan, &a, json!({"gift_id": rose, "quantity": 5, "room_id": ra})).await.status, 201);
    app.drain().await;
    let r = app.post(&format!("/admin/users/{}/ban", a.id), Some(&admin.access), json!({"reason": "fraud"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    app.state.clock.advance(60_000 + app.state.config.pk_settle_ms);
    app::rooms::end_pk_battles(&app.state).await.unwrap();
    app.drain().await;
    let done = app.get(&format!("/pk/{id}"), &b.access).await;
    assert_eq!(
        (done.body["winner_host_id"].as_str(), done.body["bonus"].as_i64(), done.body["result_at"].is_string()),
        (Some(a.id.as_str()), Some(0), true),
        "{done:?}"
    );
    let r = app.get(&format!("/admin/users/{}/transactions?limit=100", a.id), &admin.access).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(r.body["items"].as_array().unwrap().iter().all(|e| e["type"] != "pk_bonus"), "{r:?}");
    let board = app.get("/leaderboards/pk?period=day", &fan.access).await;
    let line = board.body["items"].as_array().unwrap().iter().find(|l| l["id"] == a.id.as_str()).cloned();
    assert_eq!(line.map(|l| l["wins"].as_i64()), Some(Some(0)), "{board:?}");
}

#[tokio::test]
async fn two_hosts_have_one_waiting_invitation_and_a_host_sends_ten_invitations_a_minute() {
    let app = TestApp::start().await;
    let (a, _, b, _) = two_live_hosts(&app).await;
    let first = app.post("/pk/invitations", Some(&a.access), json!({"host_id": b.id})).await;
    assert_eq!(first.status, 201, "{first:?}");
    for (from, to) in [(&a, &b), (&b, &a)] {
        let r = app.post("/pk/invitations", Some(&from.access), json!({"host_id": to.id})).await;
        assert_eq!((r.status, r.body["error"].as_str()), (409, Some("already_invited")), "{r:?}");
    }
    assert_eq!(app.notifications_of(&b, "pk_invitation").await.len(), 1);
    assert!(app.notifications_of(&a, "pk_invitation").await.is_empty());
    // Declined, the pair may invite again; so once the invitation has lapsed.
    let id = first.body["id"].as_str().unwrap();
    assert_eq!(app.post(&format!("/pk/invitations/{id}/decline"), Some(&b.access), json!({})).await.status, 200);
    assert_eq!(app.post("/pk/invitations", Some(&b.access), json!({"host_id": a.id})).await.status, 201);
    app.state.clock.advance(30_000);
    assert_eq!(app.post("/pk/invitations", Some(&a.access), json!({"host_id": b.id})).await.status, 201);

    // Seat and PK invitations share the host's ten a minute.
    app.state.clock.advance(60_000);
    let c = app.host("Cy").await;
    let room = app.post("/rooms", Some(&c.access), json!({"kind": "audio", "seats": 12})).await.body["room"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let guests = futures::future::join_all((0..10).map(|i| {
        let app = &app;
        async move { app.user(&format!("Guest{i}")).await }
    }))
    .await;
    for g in &guests {
        let r = app.post(&format!("/rooms/{room}/seats/1/invite"), Some(&c.access), json!({"account_id": g.id})).await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let r = app.post("/pk/invitations", Some(&c.access), json!({"host_id": a.id})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (429, Some("rate_limited")), "{r:?}");
    assert_eq!(app.notifications_of(&a, "pk_invitation").await.len(), 1, "only b's invitation reached a");
}

#[tokio::test]
async fn hosts_asking_for_a_match_at_the_same_moment_are_paired_for_the_shorter_length() {
    let app = TestApp::start().await;
    for round in 0..5 {
        let hosts = futures::future::join_all((0..2).map(|i| {
            let app = &app;
            async move { app.host(&format!("H{round}{i}")).await }
        }))
        .await;
        for h in &hosts {
            go_live(&app, h).await;
        }
        let asks = futures::future::join_all(
            hosts
                .iter()
                .zip([60, 600])
                .map(|(h, d)| app.post("/pk/match", Some(&h.access), json!({"duration_secs": d}))),
        )
        .await;
        assert!(asks.iter().all(|r| r.status == 202), "{asks:?}");
        let mut battles = Vec::new();
        for h in &hosts {
            let current = app.get("/pk/current", &h.access).await;
            assert_eq!(current.body["state"], "in_battle", "round {round}: {asks:?} {current:?}");
            battles.push(current.body["battle"].clone());
        }
        assert_eq!(battles[0]["id"], battles[1]["id"]);
        let length = chrono::DateTime::parse_from_rfc3339(battles[0]["ends_at"].as_str().unwrap()).unwrap()
            - chrono::DateTime::parse_from_rfc3339(battles[0]["started_at"].as_str().unwrap()).unwrap();
        assert_eq!(length.num_seconds(), 60, "the shorter of 60 and 600");
    }
    // Three at once: two are paired, the third waits and is paired with the next.
    let hosts = futures::future::join_all((0..4).map(|i| {
        let app = &app;
        async move { app.host(&format!("T{i}")).await }
    }))
    .await;
    for h in &hosts {
        go_live(&app, h).await;
    }
    let asks =
        futures::future::join_all(hosts[..3].iter().map(|h| app.post("/pk/match", Some(&h.access), json!({})))).await;
    let waiting = asks.iter().filter(|r| r.body["state"] == "waiting").count();
    let matched = asks.iter().filter(|r| r.body["state"] == "matched").count();
    assert!(waiting <= 2 && matched >= 1, "{asks:?}");
    let r = app.post("/pk/match", Some(&hosts[3].access), json!({})).await;
    assert_eq!(r.body["state"], "matched", "{r:?}");
    for h in &hosts {
        assert_eq!(app.get("/pk/current", &h.access).await.body["state"], "in_battle");
    }
}
