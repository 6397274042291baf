use futures::future::join_all;
use serde_json::{Value, json};

use crate::gifts::gift;
use crate::rooms::go_live;
use crate::support::*;

const DAY_MS: i64 = 86_400_000;

async fn board(app: &TestApp, who: &User, query: &str) -> Value {
    let r = app.get(&format!("/leaderboards/{query}"), &who.access).await;
    assert_eq!(r.status, 200, "{query}: {r:?}");
    r.body
}

/// (id, coins) of a board's items, in order.
fn rows(b: &Value) -> Vec<(String, i64)> {
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().into(), p["coins"].as_i64().unwrap()))
        .collect()
}

fn sum(b: &Value) -> i64 {
    rows(b).iter().map(|r| r.1).sum()
}

async fn send(app: &TestApp, from: &User, to: &User, gift: &str, quantity: i64) {
    let r = app
        .post(&format!("/users/{}/gifts", to.id), Some(&from.access), json!({"gift_id": gift, "quantity": quantity}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
}

#[tokio::test]
async fn boards_are_exact_under_concurrent_gifts_and_rank_equal_coins_alike() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    let hosts = [app.host("H1").await, app.host("H2").await];
    let mut senders = Vec::new();
    for i in 0..6 {
        let u = app.user(&format!("S{i}")).await;
        app.grant(&admin, &u, 10_000).await;
        senders.push(u);
    }
    // Every sender sends i+1 roses to each host, all at once.
    let sends = senders.iter().enumerate().flat_map(|(i, s)| {
        let rose = rose.clone();
        hosts.iter().map(move |h| (i, s, h, rose.clone()))
    });
    join_all(sends.map(|(i, s, h, rose)| {
        let app = &app;
        async move { send(app, s, h, &rose, i as i64 + 1).await }
    }))
    .await;
    app.drain().await;
    let total: i64 = (1..=6).map(|q| q * 10 * 2).sum();
    for period in ["day", "week", "all"] {
        let g = board(&app, &senders[0], &format!("gifters?period={period}")).await;
        assert_eq!(sum(&g), total, "{period}: {g}");
        let want: Vec<(String, i64)> = (0..6).rev().map(|i| (senders[i].id.clone(), (i as i64 + 1) * 20)).collect();
        assert_eq!(rows(&g), want, "{period}");
        assert_eq!(g["items"][0]["rank"], 1);
        assert_eq!((g["me"]["rank"].as_i64(), g["me"]["coins"].as_i64()), (Some(6), Some(20)));
        let h = board(&app, &senders[0], &format!("hosts?period={period}")).await;
        assert_eq!(sum(&h), total, "{period}: {h}");
        // Both hosts received the same: one rank.
        assert_eq!(
            h["items"].as_array().unwrap().iter().map(|p| p["rank"].as_i64().unwrap()).collect::<Vec<_>>(),
            vec![1, 1]
        );
    }
    // The default period is today; the caller with no gifts has no rank.
    let d = board(&app, &hosts[0], "gifters").await;
    assert_eq!((d["period"].as_str(), d["bucket"].as_str()), (Some("day"), Some(&*store::day_of(app.state.now()))));
    assert_eq!((d["me"]["rank"].as_i64(), d["me"]["coins"].as_i64()), (None, Some(0)));
    assert_eq!(app.get("/leaderboards/gifters?period=month", &hosts[0].access).await.status, 400);
    assert_eq!(app.get("/leaderboards/planets", &hosts[0].access).await.status, 404);
}

#[tokio::test]
async fn a_day_board_starts_over_at_midnight_utc_while_the_week_and_all_time_keep_counting() {
    let app = TestApp::start().await;
    // Ten seconds before the next midnight (UTC), then the accounts (tokens are short-lived).
    let now = app.state.now();
    app.state.clock.advance(DAY_MS - now.rem_euclid(DAY_MS) - 10_000);
    let admin = app.admin().await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    let host = app.host("Night").await;
    let (late, early) = (app.user("Late").await, app.user("Early").await);
    for u in [&late, &early] {
        app.grant(&admin, u, 1_000).await;
    }
    let before = app.state.now();
    send(&app, &late, &host, &rose, 3).await; // 30 coins yesterday
    app.state.clock.advance(20_000);
    let after = app.state.now();
    assert_ne!(store::day_of(before), store::day_of(after));
    send(&app, &early, &host, &rose, 1).await; // 10 coins today
    send(&app, &late, &host, &rose, 2).await; // 20 more today
    app.drain().await;

    let day = board(&app, &early, "gifters?period=day").await;
    assert_eq!(rows(&day), vec![(late.id.clone(), 20), (early.id.clone(), 10)]);
    assert_eq!(sum(&board(&app, &early, "hosts?period=day").await), 30);
    let all = board(&app, &early, "gifters?period=all").await;
    assert_eq!(rows(&all), vec![(late.id.clone(), 50), (early.id.clone(), 10)]);
    let week = board(&app, &early, "gifters?period=week").await;
    let same_week = store::week_of(before) == store::week_of(after);
    let late_week = if same_week { 50 } else { 20 };
    assert_eq!(rows(&week), vec![(late.id.clone(), late_week), (early.id.clone(), 10)]);
    assert_eq!(sum(&board(&app, &early, "hosts?period=week").await), if same_week { 60 } else { 30 });
    // A gifter quiet today is not on today's board at all.
    app.state.clock.advance(DAY_MS);
    let next = board(&app, &app.user("Next").await, "gifters?period=day").await;
    assert!(rows(&next).is_empty(), "{next}");
}

#[tokio::test]
async fn the_top_is_fifty_and_the_caller_outside_it_sees_their_own_rank() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let rose = gift(&app, &admin, "Rose", 1).await;
    let host = app.host("Star").await;
    let users = join_all((0..52).map(|i| {
        let app = &app;
        async move { app.user(&format!("Fan{i}")).await }
    }))
    .await;
    join_all(users.iter().enumerate().map(|(i, u)| {
        let (app, admin, host, rose) = (&app, &admin, &host, &rose);
        async move {
            app.grant(admin, u, 1_000).await;
            send(app, u, host, rose, i as i64 + 1).await
        }
    }))
    .await;
    app.drain().await;
    let b = board(&app, &users[0], "gifters?period=week").await;
    assert_eq!(b["items"].as_array().unwrap().len(), 50);
    assert_eq!(rows(&b)[0], (users[51].id.clone(), 52));
    assert_eq!(rows(&b)[49], (users[2].id.clone(), 3));
    // Fan0 sent 1 coin: 52nd.
    assert_eq!((b["me"]["rank"].as_i64(), b["me"]["coins"].as_i64()), (Some(52), Some(1)));
    let host_board = board(&app, &users[0], "hosts?period=all").await;
    assert_eq!(rows(&host_board), vec![(host.id.clone(), (1..=52).sum())]);
}

#[tokio::test]
async fn a_rooms_board_is_its_gifters_over_its_life() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    let host = app.host("Roomy").await;
    let (a, b) = (app.user("A").await, app.user("B").await);
    for u in [&a, &b] {
        app.grant(&admin, u, 1_000).await;
    }
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    for (u, q) in [(&a, 2), (&b, 5)] {
        let r = app
            .post(
                &format!("/users/{}/gifts", host.id),
                Some(&u.access),
                json!({"gift_id": rose, "quantity": q, "room_id": room}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    send(&app, &a, &host, &rose, 7).await; // outside the room
    app.drain().await;
    let g = board(&app, &a, &format!("gifters?room_id={room}")).await;
    assert_eq!(rows(&g), vec![(b.id.clone(), 50), (a.id.clone(), 20)]);
    assert_eq!((g["me"]["rank"].as_i64(), g["room_id"].as_str()), (Some(2), Some(&*room)));
    let h = board(&app, &a, &format!("hosts?room_id={room}&period=all")).await;
    assert_eq!(rows(&h), vec![(host.id.clone(), 70)]);
    let r = app.get(&format!("/leaderboards/gifters?room_id={room}&period=day"), &a.access).await;
    assert_eq!(r.status, 400, "{r:?}");
}
