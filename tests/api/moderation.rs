use serde_json::json;

use crate::rooms::{go_live, join};
use crate::support::*;

async fn add_mod(app: &TestApp, host: &User, user: &User) -> Resp {
    app.post("/host/moderators", Some(&host.access), json!({"user_id": user.id})).await
}

async fn viewers(app: &TestApp, who: &User, room: &str) -> i64 {
    app.get(&format!("/rooms/{room}"), &who.access).await.body["viewers"].as_i64().unwrap()
}

#[tokio::test]
async fn a_host_names_at_most_five_moderators_and_removes_them() {
    let app = TestApp::start().await;
    let host = app.host("Hana").await;
    let mut mods = Vec::new();
    for i in 0..6 {
        mods.push(app.user(&format!("Mod{i}")).await);
    }
    for m in &mods[..5] {
        let r = add_mod(&app, &host, m).await;
        assert_eq!((r.status, r.body["user"]["id"].as_str()), (201, Some(&*m.id)), "{r:?}");
    }
    assert_eq!(add_mod(&app, &host, &mods[0]).await.status, 200, "naming one again");
    let sixth = add_mod(&app, &host, &mods[5]).await;
    assert_eq!((sixth.status, sixth.body["error"].as_str()), (409, Some("too_many_moderators")), "{sixth:?}");
    let list = app.get("/host/moderators", &host.access).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 5, "{list:?}");
    let first = app.get("/host/moderators?limit=3", &host.access).await;
    let cursor = first.body["next_cursor"].as_str().expect("a second page").to_string();
    let second = app.get(&format!("/host/moderators?limit=3&cursor={cursor}"), &host.access).await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 2, "{second:?}");
    assert_eq!(app.get("/host/moderators?limit=zero", &host.access).await.status, 400);
    let r = app.call("DELETE", &format!("/host/moderators/{}", mods[0].id), Some(&host.access), None).await;
    assert_eq!(r.status, 204);
    let r = app.call("DELETE", &format!("/host/moderators/{}", mods[0].id), Some(&host.access), None).await;
    assert_eq!(r.status, 404);
    assert_eq!(add_mod(&app, &host, &mods[5]).await.status, 201);
    assert_eq!(add_mod(&app, &mods[1], &mods[2]).await.status, 403, "only hosts name moderators");
    assert_eq!(add_mod(&app, &host, &host).await.status, 400);
}

#[tokio::test]
async fn a_kick_removes_the_viewer_from_the_room_and_the_agora_channel_and_keeps_them_out_for_ten_minutes() {
    let (app, agora) = TestApp::start_with_agora().await;
    let host = app.host("Hana").await;
    let (moderator, rude, other) = (app.user("Mo").await, app.user("Rude").await, app.user("Olly").await);
    assert_eq!(add_mod(&app, &host, &moderator).await.status, 201);
    let live = go_live(&app, &host).await;
    let (room, channel) = (live["room"]["id"].as_str().unwrap(), live["room"]["channel"].as_str().unwrap());
    for v in [&moderator, &rude, &other] {
        assert_eq!(join(&app, v, room).await.status, 200);
    }
    // A viewer who is not a moderator cannot kick; nobody kicks the host.
    let path = format!("/rooms/{room}/kick");
    let r = app.post(&path, Some(&other.access), json!({"user_id": rude.id})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("not_moderator")), "{r:?}");
    let r = app.post(&path, Some(&moderator.access), json!({"user_id": host.id})).await;
    assert_eq!(r.status, 400, "{r:?}");
    // Nor one moderator another.
    let second = app.user("Mo2").await;
    assert_eq!(add_mod(&app, &host, &second).await.status, 201);
    let r = app.post(&path, Some(&moderator.access), json!({"user_id": second.id})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("not_moderator")), "{r:?}");
    assert!(agora.rules().is_empty());

    let r = app.post(&path, Some(&moderator.access), json!({"user_id": rude.id})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(viewers(&app, &host, room).await, 2);
    let rules = agora.rules();
    assert_eq!(rules.len(), 1);
    assert_eq!(
        (rules[0].cname.as_str(), rules[0].uid, rules[0].privileges.clone(), rules[0].secs),
        (channel, integrations::agora::uid_for(&rude.id), vec!["join_channel".to_string()], 600)
    );
    assert_eq!(r.body["agora_rule_id"].as_i64(), Some(rules[0].id));
    let back = join(&app, &rude, room).await;
    assert_eq!((back.status, back.body["error"].as_str()), (403, Some("kicked")), "{back:?}");
    assert_eq!(viewers(&app, &host, room).await, 2);
    app.state.clock.advance(9 * 60_000);
    assert_eq!(join(&app, &rude, room).await.status, 403);
    app.state.clock.advance(61_000);
    assert_eq!(join(&app, &rude, room).await.status, 200, "ten minutes later");
    assert_eq!(viewers(&app, &host, room).await, 3);

    // For the room's life: still out an hour later.
    let r = app.post(&path, Some(&host.access), json!({"user_id": rude.id, "for_room": true})).await;
    assert_eq!((r.status, r.body["for_room"].as_bool()), (200, Some(true)), "{r:?}");
    assert_eq!(agora.rules().last().unwrap().secs, 86_430);
    app.state.clock.advance(3600_000);
    let again = app.login(&rude.login, "password-123").await;
    let rude = User { access: again.body["access_token"].as_str().unwrap().into(), ..rude };
    let r = join(&app, &rude, room).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("kicked")), "{r:?}");
}

#[tokio::test]
async fn a_muted_viewer_is_told_so_on_joining_their_mic_is_banned_in_agora_and_unmuting_lifts_it() {
    let (app, agora) = TestApp::start_with_agora().await;
    let host = app.host("Hana").await;
    let loud = app.user("Loud").await;
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    let joined = join(&app, &loud, &room).await;
    assert_eq!((joined.body["chat_muted"].as_bool(), joined.body["mic_muted"].as_bool()), (Some(false), Some(false)));
    let r = app.post(&format!("/rooms/{room}/mute"), Some(&host.access), json!({"user_id": loud.id})).await;
    assert_eq!((r.status, r.body["chat"].as_bool(), r.body["mic"].as_bool()), (200, Some(true), Some(true)), "{r:?}");
    let rules = agora.rules();
    assert_eq!((rules.len(), rules[0].privileges.clone()), (1, vec!["publish_audio".to_string()]));
    let joined = join(&app, &loud, &room).await;
    assert_eq!((joined.body["chat_muted"].as_bool(), joined.body["mic_muted"].as_bool()), (Some(true), Some(true)));
    // Chat only: the mic rule goes.
    let r =
        app.post(&format!("/rooms/{room}/mute"), Some(&host.access), json!({"user_id": loud.id, "mic": false})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(agora.rules().is_empty());
    let r = app.post(&format!("/rooms/{room}/unmute"), Some(&host.access), json!({"user_id": loud.id})).await;
    assert_eq!(r.status, 204, "{r:?}");
    let joined = join(&app, &loud, &room).await;
    assert_eq!((joined.body["chat_muted"].as_bool(), joined.body["mic_muted"].as_bool()), (Some(false), Some(false)));
    let r = app.post(&format!("/rooms/{room}/mute"), Some(&loud.access), json!({"user_id": host.id})).await;
    assert_eq!(r.status, 403, "{r:?}");
}
