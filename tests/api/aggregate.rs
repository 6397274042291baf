//! The aggregator: the host's side of gifts applied from their events,
//! exactly once whatever the stream, Lambda or the sweeper do.

use futures::future::join_all;
use serde_json::json;

use crate::gifts::{gift, ledger, send};
use crate::support::*;

/// The events written so far and not applied yet, as the stream would hand them over.
async fn pending(app: &TestApp) -> Vec<store::MoneyEvent> {
    let mut events = app.state.db.pending_events(app.state.now() + 1, 1000).await.unwrap();
    events.sort_by(|a, b| a.id.cmp(&b.id));
    events
}

async fn live_room(app: &TestApp, host: &User) -> String {
    let r = app.post("/rooms", Some(&host.access), json!({})).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["room"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_crowd_gifting_one_host_in_a_room_is_all_201_and_exact_once_drained() {
    let app = TestApp::start().await;
    let (admin, host) = (app.admin().await, app.host("Hana").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    let room = live_room(&app, &host).await;
    let mut fans = Vec::new();
    for i in 0..12 {
        let f = app.user(&format!("Fan{i}")).await;
        app.grant(&admin, &f, 100).await;
        fans.push(f);
    }
    app.contend(25).await;
    // Three waves of every fan at once.
    for _ in 0..3 {
        let sends = fans
            .iter()
            .enumerate()
            .map(|(i, f)| send(&app, f, &host, json!({"gift_id": heart, "quantity": 1 + i % 2, "room_id": room})));
        let rs = join_all(sends).await;
        assert!(rs.iter().all(|r| r.status == 201), "{rs:?}");
    }
    let (cancelled, _) = app.conflicts().await;
    assert_eq!(cancelled, 0, "no two senders' transactions share an item");
    app.drain().await;
    app.contend(0).await;
    // Fans 0, 2, ... sent 3 × 1 heart, fans 1, 3, ... 3 × 2: 6 × 30 + 6 × 60 coins.
    let total = 6 * 30 + 6 * 60;
    assert_eq!(app.wallet(&host).await, (0, total));
    let r = app.get(&format!("/rooms/{room}"), &host.access).await;
    assert_eq!(r.body["host_earning"], total, "{r:?}");
    let top = app.get(&format!("/leaderboards/gifters?room_id={room}"), &host.access).await;
    assert_eq!(top.body["items"][0]["coins"], 60, "{top:?}");
    let boards = app.get("/leaderboards/hosts?period=day", &host.access).await;
    assert_eq!(boards.body["items"][0]["coins"], total, "{boards:?}");
    assert_eq!(app.gift_counts(&heart).await, (54, total));
    let stats = app.get("/admin/stats?days=1", &admin.access).await.body;
    assert_eq!(
        (stats["today"]["gifts_sent"].as_i64(), stats["today"]["host_earnings"].as_i64()),
        (Some(36), Some(total))
    );
    // The host hears of them in a few notifications, not 36.
    let notes = app.notifications_of(&host, "gift").await;
    let coins: i64 = notes.iter().map(|n| n["data"]["coins"].as_str().unwrap().parse::<i64>().unwrap()).sum();
    assert_eq!(coins, total);
    assert!(notes.len() < 36, "{} notifications", notes.len());
    assert!(pending(&app).await.is_empty());
}

#[tokio::test]
async fn a_redelivered_batch_a_half_done_invocation_and_two_racing_apply_each_event_once() {
    let app = TestApp::start().await;
    let (admin, host) = (app.admin().await, app.host("Hana").await);
    let rose = gift(&app, &admin, "Rose", 1).await;
    let mut fans = Vec::new();
    for i in 0..4 {
        let f = app.user(&format!("Fan{i}")).await;
        app.grant(&admin, &f, 100).await;
        fans.push(f);
    }
    for (i, f) in fans.iter().enumerate() {
        for _ in 0..5 {
            let r = send(&app, f, &host, json!({"gift_id": rose, "quantity": i + 1})).await;
            assert_eq!(r.status, 201);
        }
    }
    let batch: Vec<store::MoneyEvent> = pending(&app).await.into_iter().filter(|e| e.credit.is_some()).collect();
    assert_eq!(batch.len(), 20);
    assert_eq!(app.wallet(&host).await, (0, 0), "nothing applied before the aggregator runs");
    // An invocation that died after its first part...
    assert_eq!(app::operations::apply(&app.state, batch[..7].to_vec()).await.unwrap(), 7);
    assert_eq!(app.wallet(&host).await.1, batch[..7].iter().map(|e| e.credit.as_ref().unwrap().amount).sum::<i64>());
    // ...then the whole batch twice at once (the retry, and an overlapping invocation).
    let (a, b) = tokio::join!(
        app::operations::apply(&app.state, batch.clone()),
        app::operations::apply(&app.state, batch.clone())
    );
    assert_eq!(a.unwrap() + b.unwrap(), 13, "the 13 left, each applied by one of the two");
    // ...and the stream delivering all of it once more.
    app.drain().await;
    assert_eq!(app::operations::apply(&app.state, batch.clone()).await.unwrap(), 0);
    let total = 5 * (1 + 2 + 3 + 4);
    assert_eq!(app.wallet(&host).await, (0, total));
    let received: Vec<serde_json::Value> =
        ledger(&app, &host).await.into_iter().filter(|e| e["type"] == "gift_received").collect();
    assert_eq!(received.iter().map(|e| e["amount"].as_i64().unwrap()).sum::<i64>(), total);
    let stats = app.get("/admin/stats?days=1", &admin.access).await.body;
    assert_eq!(
        (stats["today"]["gifts_sent"].as_i64(), stats["today"]["host_earnings"].as_i64()),
        (Some(20), Some(total))
    );
    let (coins, earnings, _) = app.state.db.sum_balances().await.unwrap();
    assert_eq!(coins + earnings, 400, "conservation");
    for e in &batch {
        let stored = app.state.db.get_event(&e.id, Some(&host.id)).await.unwrap().unwrap();
        assert_eq!(stored.outcome.as_deref(), Some("credited"));
        assert!(stored.ranked_at.is_some() && stored.counted_at.is_some(), "{stored:?}");
    }
    // The senders' side (the gifters board) counted each gift once too.
    for (i, f) in fans.iter().enumerate() {
        let entry = app.state.db.get_board_entry(store::BoardKind::Gifters, &f.id).await.unwrap().unwrap();
        assert_eq!(entry.all_coins, 5 * (i as i64 + 1), "{entry:?}");
    }
}

#[tokio::test]
async fn a_gift_that_reaches_a_host_banned_meanwhile_goes_back_to_its_sender() {
    let app = TestApp::start().await;
    let (admin, host, fan) = (app.admin().await, app.host("Hana").await, app.user("Fan").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    app.grant(&admin, &fan, 100).await;
    let r = send(&app, &fan, &host, json!({"gift_id": heart, "quantity": 3})).await;
    assert_eq!((r.status, r.body["wallet"]["coins"].as_i64()), (201, Some(70)));
    let ban = app.post(&format!("/admin/users/{}/ban", host.id), Some(&admin.access), json!({"reason": "abuse"})).await;
    assert_eq!(ban.status, 200, "{ban:?}");
    app.drain().await;
    assert_eq!(app.wallet(&fan).await, (100, 0), "the coins came back");
    assert_eq!(app.stored_wallet(&host.id).await, (0, 0), "the banned host earned nothing");
    let entries = ledger(&app, &fan).await;
    let back = entries.iter().find(|e| e["type"] == "gift_refunded").expect("a refund entry");
    assert_eq!(
        (back["type"].as_str(), back["amount"].as_i64(), back["counterparty_id"].as_str()),
        (Some("gift_refunded"), Some(30), Some(host.id.as_str())),
        "{entries:?}"
    );
    let stats = app.get("/admin/stats?days=1", &admin.access).await.body;
    assert_eq!((stats["today"]["gifts_sent"].as_i64(), stats["today"]["host_earnings"].as_i64()), (Some(0), Some(0)));
    assert_eq!(stats["wallet_coins"], 100);
    let events = app.state.db.pending_events(app.state.now() + 1, 10).await.unwrap();
    assert!(events.is_empty());
}

#[tokio::test]
async fn the_sweeper_applies_what_the_stream_did_not_and_settlements_wait_for_it() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (owner, _) = crate::agencies::agency(&app, &admin, "SWEEP1", 10).await;
    let host = crate::agencies::onboarded(&app, &owner, "SWEEP1", "Hana").await;
    let fan = app.user("Fan").await;
    let rose = gift(&app, &admin, "Rose", 1).await;
    app.grant(&admin, &fan, 100).await;
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 40})).await.status, 201);
    // Not applied yet: nothing to settle.
    let path = format!("/agency/hosts/{}/settlements", host.id);
    let s = app.post(&path, Some(&owner.access), json!({})).await;
    assert_eq!(s.body["error"], "nothing_to_settle", "{s:?}");
    assert_eq!(app.stored_wallet(&host.id).await, (0, 0));
    // Too young for the sweeper (the stream's job)...
    assert_eq!(app::routes::as_event_function("sweep-events", app::operations::sweep(&app.state)).await.unwrap(), 0);
    // ...a minute later it is the sweeper's.
    app.state.clock.advance(app::operations::SWEEP_AFTER_MS + 1);
    let waiting = pending(&app).await.len();
    assert!(waiting > 1, "the gift and the sign-ups, grants and settlement-free events before it");
    assert_eq!(
        app::routes::as_event_function("sweep-events", app::operations::sweep(&app.state)).await.unwrap(),
        waiting
    );
    assert_eq!(app.stored_wallet(&host.id).await, (0, 40));
    let s = app.post(&path, Some(&owner.access), json!({})).await;
    assert_eq!((s.status, s.body["coins"].as_i64()), (201, Some(40)), "{s:?}");
    // The stream's copy of the same event changes nothing.
    app.drain().await;
    assert_eq!(app.stored_wallet(&host.id).await, (0, 0));
}

#[test]
fn the_sample_event_is_a_new_gift_event() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../events/aggregate.json")).unwrap();
    let work = app::operations::work_in(serde_json::from_str(&text).unwrap());
    assert_eq!(work.len(), 1);
    let app::operations::Work::Event(e) = &work[0].1 else { panic!("{work:?}") };
    assert_eq!(e.credit.as_ref().unwrap().amount, 1);
}

/// Followers and likes are counted from the stream: a crowd writes only its
/// own edges, and every edge counts once whatever the order, redeliveries and races.
#[tokio::test]
async fn followers_and_likes_count_each_edge_once_through_unfollows_redeliveries_and_races() {
    let app = TestApp::start().await;
    let host = app.host("Hana").await;
    let fans = join_all((0..12).map(|i| {
        let app = &app;
        async move { app.user(&format!("Fan{i}")).await }
    }))
    .await;
    let follow = format!("/users/{}/follow", host.id);
    let r = join_all(fans.iter().map(|f| app.post(&follow, Some(&f.access), json!({})))).await;
    assert!(r.iter().all(|r| r.status == 201), "{r:?}");
    let followers = |who: &User| {
        let (app, path) = (&app, format!("/users/{}", host.id));
        let token = who.access.clone();
        async move { app.get(&path, &token).await.body["followers"].as_i64() }
    };
    assert_eq!(followers(&fans[0]).await, Some(0), "the host's profile is not in a follow's transaction");
    assert_eq!(app.get("/me", &fans[0].access).await.body["following"], 1, "the follower's own count is at once");
    // Fan 0 changes its mind twice before the aggregator runs; fan 1 leaves.
    for _ in 0..2 {
        assert_eq!(app.call("DELETE", &follow, Some(&fans[0].access), None).await.status, 204);
        assert_eq!(app.post(&follow, Some(&fans[0].access), json!({})).await.status, 201);
    }
    assert_eq!(app.call("DELETE", &follow, Some(&fans[1].access), None).await.status, 204);
    app.drain().await;
    assert_eq!(followers(&fans[0]).await, Some(11));
    let list = app.get(&format!("/users/{}/followers?limit=50", host.id), &host.access).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 11, "the tombstone is in no list");
    let edges: Vec<(String, String)> =
        fans.iter().map(|f| (format!("ACCOUNT#{}", f.id), format!("FOLLOWS#{}", host.id))).collect();
    // The tombstone is gone once counted; the others are marked.
    assert_eq!(app.state.db.count_edges(edges.clone()).await.unwrap(), 0, "nothing left to count");
    // Fan 1 follows again after its tombstone was taken off: counted anew.
    assert_eq!(app.post(&follow, Some(&fans[1].access), json!({})).await.status, 201);
    let (a, b) = tokio::join!(app.state.db.count_edges(edges.clone()), app.state.db.count_edges(edges.clone()));
    assert_eq!(a.unwrap() + b.unwrap(), 1, "two racing invocations count the new edge once");
    // The whole stream delivered again from its start changes nothing.
    let mut again =
        local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Aggregate).await.unwrap();
    while again.poll(&app.state).await.unwrap() > 0 {}
    assert_eq!(followers(&fans[0]).await, Some(12));

    // Likes: the same, on the post.
    let p = crate::posts::post(&app, &host, "like me").await;
    let like = format!("/posts/{}/like", p["id"].as_str().unwrap());
    let r = join_all(fans.iter().take(5).map(|f| app.post(&like, Some(&f.access), json!({})))).await;
    assert!(r.iter().all(|r| r.status == 201), "{r:?}");
    assert_eq!(app.call("DELETE", &like, Some(&fans[0].access), None).await.status, 204);
    assert_eq!(app.post(&like, Some(&fans[0].access), json!({})).await.status, 201);
    assert_eq!(app.call("DELETE", &like, Some(&fans[1].access), None).await.status, 204);
    app.drain().await;
    let got = app.get(&format!("/posts/{}", p["id"].as_str().unwrap()), &fans[1].access).await;
    assert_eq!((got.body["likes"].as_i64(), got.body["is_liked"].as_bool()), (Some(4), Some(false)));
    let mut again =
        local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Aggregate).await.unwrap();
    while again.poll(&app.state).await.unwrap() > 0 {}
    let got = app.get(&format!("/posts/{}", p["id"].as_str().unwrap()), &fans[0].access).await;
    assert_eq!((got.body["likes"].as_i64(), got.body["is_liked"].as_bool()), (Some(4), Some(true)));
}

/// Lambda's on-failure record of each stream shard's records so far, as the
/// aggregator's event source mapping puts a batch it gave up on in its dead-letter queue.
async fn dead_letter_everything(app: &TestApp, url: &str) -> usize {
    let table = app.state.db.client.describe_table().table_name(&app.state.db.table).send().await.unwrap();
    let arn = table.table().unwrap().latest_stream_arn().unwrap().to_string();
    let streams = aws_sdk_dynamodbstreams::Client::new(&integrations::aws::sdk_config());
    let d = streams.describe_stream().stream_arn(&arn).send().await.unwrap();
    let mut bodies = Vec::new();
    for shard in d.stream_description().unwrap().shards() {
        let id = shard.shard_id().unwrap();
        let it = streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(id)
            .shard_iterator_type(aws_sdk_dynamodbstreams::types::ShardIteratorType::TrimHorizon)
            .send()
            .await
            .unwrap();
        let out = streams.get_records().shard_iterator(it.shard_iterator().unwrap()).send().await.unwrap();
        let seqs: Vec<String> =
            out.records().iter().filter_map(|r| r.dynamodb()?.sequence_number().map(String::from)).collect();
        if let (Some(first), Some(last)) = (seqs.first(), seqs.last()) {
            bodies.push(
                json!({"version": "1.0", "requestContext": {"condition": "RetryAttemptsExhausted"},
                       "DDBStreamBatchInfo": {"shardId": id, "startSequenceNumber": first, "endSequenceNumber": last,
                                              "batchSize": seqs.len(), "streamArn": arn}})
                .to_string(),
            );
        }
    }
    app.state.queues().send_all(url, &bodies).await.unwrap();
    bodies.len()
}

#[tokio::test]
async fn a_dead_lettered_aggregator_batch_is_replayed_by_redrive_once_however_often_it_runs() {
    let sdk = integrations::aws::sdk_config();
    let url = integrations::queue::Queues::new(&sdk).ensure(&format!("dlq-{}", ulid::Ulid::new())).await.unwrap();
    let app = TestApp::start_with(|c| c.aggregate_dlq_url = Some(url.clone())).await;
    let (admin, host, fan) = (app.admin().await, app.host("Hana").await, app.user("Fay").await);
    let rose = gift(&app, &admin, "Rose", 10).await;
    app.grant(&admin, &fan, 100).await;
    for _ in 0..3 {
        assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
    }
    // The aggregator gave up on everything so far: nothing reached the host.
    let batches = dead_letter_everything(&app, &url).await;
    assert!(batches >= 1);
    assert_eq!(app.stored_wallet(&host.id).await.1, 0);
    let r = app.post("/admin/redrive", Some(&fan.access), json!({})).await;
    assert_eq!(r.status, 403);
    let r = app.post("/admin/redrive", Some(&admin.access), json!({"limit": 0})).await;
    assert_eq!(r.status, 400, "{r:?}");
    let r = app.post("/admin/redrive", Some(&admin.access), json!({})).await;
    assert_eq!(
        (r.status, r.body["batches"].as_i64(), r.body["expired"].as_i64()),
        (200, Some(batches as i64), Some(0)),
        "{r:?}"
    );
    assert!(r.body["records"].as_i64().unwrap() >= 3 && r.body["applied"].as_i64().unwrap() >= 3, "{r:?}");
    assert_eq!(app.stored_wallet(&host.id).await.1, 30, "the three gifts, applied by the replay");
    // Replayed again (the same batch twice), then the stream itself: each gift once.
    dead_letter_everything(&app, &url).await;
    let r = app.post("/admin/redrive", Some(&admin.access), json!({})).await;
    assert_eq!((r.status, r.body["applied"].as_i64()), (200, Some(0)), "{r:?}");
    let r = app.post("/admin/redrive", Some(&admin.access), json!({})).await;
    assert_eq!(r.body["batches"], 0, "the queue is empty: {r:?}");
    app.drain().await;
    assert_eq!(app.stored_wallet(&host.id).await.1, 30);
    let received: Vec<serde_json::Value> =
        ledger(&app, &host).await.into_iter().filter(|e| e["type"] == "gift_received").collect();
    assert_eq!(received.iter().map(|e| e["amount"].as_i64().unwrap()).sum::<i64>(), 30, "{received:?}");
}

/// Sets `attr` of the one item that has `attr` and mentions `id` in its key
/// (a room's total: the item apart from the room's, which names its host), behind the app's back.
async fn corrupt(app: &TestApp, id: &str, attr: &str, value: i64) {
    use aws_sdk_dynamodb::types::AttributeValue;
    let db = &app.state.db;
    let out = db
        .client
        .scan()
        .table_name(&db.table)
        .filter_expression("contains(pk, :id) AND attribute_exists(#a) AND attribute_not_exists(host_id)")
        .expression_attribute_names("#a", attr)
        .expression_attribute_values(":id", AttributeValue::S(id.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    let items = out.items.unwrap_or_default();
    assert_eq!(items.len(), 1, "one item with {attr} for {id}");
    let key = items[0].iter().filter(|(k, _)| *k == "pk" || *k == "sk").map(|(k, v)| (k.clone(), v.clone())).collect();
    db.client
        .update_item()
        .table_name(&db.table)
        .set_key(Some(key))
        .update_expression("SET #a = :v")
        .expression_attribute_names("#a", attr)
        .expression_attribute_values(":v", AttributeValue::N(value.to_string()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn corrupted_counters_of_a_post_an_account_and_a_room_are_counted_again_and_a_second_recount_changes_nothing() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (author, host) = (app.user("Ava").await, app.host("Hana").await);
    let fans = join_all((0..3).map(|i| {
        let app = &app;
        async move { app.user(&format!("Fan{i}")).await }
    }))
    .await;
    let id = crate::posts::post(&app, &author, "hi").await["id"].as_str().unwrap().to_string();
    for f in &fans {
        assert_eq!(app.post(&format!("/posts/{id}/like"), Some(&f.access), json!({})).await.status, 201);
        assert_eq!(app.post(&format!("/users/{}/follow", author.id), Some(&f.access), json!({})).await.status, 201);
    }
    assert_eq!(app.call("DELETE", &format!("/posts/{id}/like"), Some(&fans[0].access), None).await.status, 204);
    assert_eq!(app.post(&format!("/posts/{id}/share"), Some(&fans[1].access), json!({})).await.status, 201);
    assert_eq!(app.post(&format!("/posts/{id}/view"), Some(&fans[2].access), json!({})).await.status, 200);
    let r = app.post(&format!("/posts/{id}/comments"), Some(&fans[1].access), json!({"text": "nice"})).await;
    assert_eq!(r.status, 201);
    let rose = gift(&app, &admin, "Rose", 10).await;
    app.grant(&admin, &fans[0], 100).await;
    let room = crate::rooms::go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    for _ in 0..2 {
        let r = send(&app, &fans[0], &host, json!({"gift_id": rose, "quantity": 1, "room_id": room})).await;
        assert_eq!(r.status, 201);
    }
    app.drain().await;
    let counts = |b: &serde_json::Value| ["likes", "shares", "views", "comments"].map(|k| b[k].as_i64().unwrap());
    let post_before = counts(&app.get(&format!("/posts/{id}"), &author.access).await.body);
    assert_eq!(post_before, [2, 1, 1, 1]);
    // Broken behind the app's back.
    corrupt(&app, &id, "likes", 999).await;
    corrupt(&app, &id, "comments", -4).await;
    corrupt(&app, &author.id, "followers", 77).await;
    corrupt(&app, &room, "host_earning", 12_345).await;

    for (body, want) in [
        (json!({"post_id": id}), vec![("likes", 999, 2), ("views", 1, 1), ("shares", 1, 1), ("comments", -4, 1)]),
        (json!({"account_id": author.id}), vec![("followers", 77, 3), ("following", 0, 0), ("posts", 1, 1)]),
        (json!({"room_id": room}), vec![("host_earning", 12_345, 20)]),
    ] {
        let r = app.post("/admin/recount", Some(&admin.access), body.clone()).await;
        assert_eq!(r.status, 200, "{r:?}");
        let got: Vec<(&str, i64, i64)> = r.body["counters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["counter"].as_str().unwrap(), c["before"].as_i64().unwrap(), c["after"].as_i64().unwrap()))
            .collect();
        assert_eq!(got, want, "{body}");
        // Again: nothing to change.
        let again = app.post("/admin/recount", Some(&admin.access), body).await;
        assert!(again.body["counters"].as_array().unwrap().iter().all(|c| c["before"] == c["after"]), "{again:?}");
    }
    assert_eq!(counts(&app.get(&format!("/posts/{id}"), &author.access).await.body), post_before);
    assert_eq!(app.get(&format!("/users/{}", author.id), &admin.access).await.body["followers"], 3);
    assert_eq!(app.get(&format!("/rooms/{room}"), &admin.access).await.body["host_earning"], 20);
    // Bad input changes nothing.
    for body in [json!({}), json!({"post_id": id, "room_id": room}), json!({"post_id": "no such!"})] {
        assert_eq!(app.post("/admin/recount", Some(&admin.access), body).await.status, 400);
    }
    let r = app.post("/admin/recount", Some(&admin.access), json!({"post_id": "01JDX3K9Q7N2M5P8R4T6V1W3Y0"})).await;
    assert_eq!(r.status, 404, "{r:?}");
    assert_eq!(app.post("/admin/recount", Some(&host.access), json!({"room_id": room})).await.status, 403);
}
