//! What a room's channel says, from the table's stream (`publish-live`):
//! `room_ended` once, `viewers` at most once every 10 s while the count
//! changes, `seats` (the whole list after a change), `moderation` (kick,
//! mute, unmute), `pk` (both rooms of a battle: the scores at most 10 times a
//! second, then the result once), and to the kicked account its own `kicked`;
//! and on a call's parties' channels each state after ringing (`call`); on
//! an account's own channel its balances after each ledger entry (`wallet`)
//! and its ban (`banned`). Each stream
//! record publishes once however often it is handed over (a claim on its
//! sequence number; one per room for the end, one per 10 s for viewers).

use serde_json::Value;
use store::RoomRecord;

use super::channels::{publish_once, room_channel, user_channel};
use super::messages as msg;
use crate::AppState;
use crate::kernel::error::DomainResult;
use crate::kernel::views::{self, Names};

/// The viewer count goes out at most this often a room.
pub const VIEWERS_EVERY_MS: i64 = 10_000;
/// A battle's scores go out at most this often (10 a second).
pub const PK_EVERY_MS: i64 = 100;

/// Publishes what the records say; answers how many messages went out.
/// A room's gift batches go out together, beside the rest (other channels,
/// or the same room's other slots), so a viewer's gifts wait for no wallet.
pub async fn publish_room_records(state: &AppState, records: Vec<(String, RoomRecord)>) -> DomainResult<usize> {
    let mut gifts: std::collections::BTreeMap<String, Vec<store::GiftBatch>> = Default::default();
    let mut rest = Vec::new();
    for (seq, record) in records {
        match record {
            RoomRecord::Gifts(batch) => gifts.entry(batch.room_id.clone()).or_default().push(batch),
            record => rest.push((seq, record)),
        }
    }
    let in_order = async {
        let mut sent = 0;
        for (seq, record) in rest {
            sent += publish_record(state, &seq, record).await?;
        }
        Ok::<usize, crate::DomainError>(sent)
    };
    // Rooms share nothing: at once, each waiting only for its own channel's slots.
    let rooms = futures_util::future::try_join_all(
        gifts.iter().map(|(room, batches)| super::gifts::publish_gifts(state, room, batches)),
    );
    let (sent, per_room) = futures_util::future::try_join(in_order, rooms).await?;
    Ok(sent + per_room.into_iter().sum::<usize>())
}

async fn publish_record(state: &AppState, seq: &str, record: RoomRecord) -> DomainResult<usize> {
    let once = |channel: String, key: String, messages: Vec<Value>| async move {
        let n = messages.len();
        Ok::<usize, crate::DomainError>(if publish_once(state, &channel, &key, messages).await? { n } else { 0 })
    };
    match record {
        RoomRecord::Room(room) if !room.live => {
            let at = views::time(room.ended_at.unwrap_or_else(|| state.now()));
            once(
                room_channel(&room.id),
                "ENDED".into(),
                vec![msg::json(&msg::RoomEndedMessage {
                    kind: "room_ended",
                    stamp: Default::default(),
                    room_id: room.id.clone(),
                    ended_at: at,
                })],
            )
            .await
        }
        RoomRecord::Room(room) => {
            let bucket = state.now().div_euclid(VIEWERS_EVERY_MS);
            let m = msg::json(&msg::ViewersMessage {
                kind: "viewers",
                stamp: Default::default(),
                room_id: room.id.clone(),
                count: room.viewers,
            });
            once(room_channel(&room.id), format!("VIEWERS#{bucket}"), vec![m]).await
        }
        RoomRecord::Seat { room_id } => {
            let seats = state.db.room_seats(&room_id).await?;
            let names = Names::of(&state.db, seats.iter().filter_map(|s| s.account_id.as_deref())).await?;
            let seats = seats
                .iter()
                .map(|s| msg::SeatState {
                    seat: s.seat,
                    account_id: s.account_id.clone(),
                    display_name: s.account_id.as_deref().and_then(|a| names.get(a)),
                    locked: s.locked,
                    muted: s.muted,
                })
                .collect();
            let m = msg::SeatsMessage { kind: "seats", stamp: Default::default(), room_id: room_id.clone(), seats };
            once(room_channel(&room_id), format!("REC#{seq}"), vec![msg::json(&m)]).await
        }
        RoomRecord::Kick(k) => {
            let key = format!("KICK#{}#{}", k.user_id, k.created_at);
            let kick = moderation("kick", &k.room_id, &k.user_id, None);
            let room = once(room_channel(&k.room_id), key.clone(), vec![kick]).await?;
            let until = views::time(k.until.min(253_402_300_799_000));
            let me =
                msg::KickedMessage { kind: "kicked", stamp: Default::default(), room_id: k.room_id.clone(), until };
            Ok(room + once(user_channel(&k.user_id), key, vec![msg::json(&me)]).await?)
        }
        RoomRecord::Mute(m) => {
            let mute = moderation("mute", &m.room_id, &m.user_id, Some((m.chat, m.mic)));
            once(room_channel(&m.room_id), format!("REC#{seq}"), vec![mute]).await
        }
        RoomRecord::PkScore { pk_id } => {
            // Scores are totals: at most one message a battle every 100 ms, each with the totals then.
            let Some(b) = state.db.get_pk(&pk_id).await? else { return Ok(0) };
            let key = format!("PK#{pk_id}#{}", state.now().div_euclid(PK_EVERY_MS));
            let m = pk_message(state, &b).await?;
            let mut n = 0;
            for side in &b.sides {
                n += once(room_channel(&side.room_id), key.clone(), vec![m.clone()]).await?;
            }
            Ok(n)
        }
        RoomRecord::PkBattle(b) if b.result_at.is_some() => {
            let Some(b) = state.db.get_pk(&b.id).await? else { return Ok(0) };
            let m = pk_message(state, &b).await?;
            let mut n = 0;
            for side in &b.sides {
                n += once(room_channel(&side.room_id), format!("PKRESULT#{}", b.id), vec![m.clone()]).await?;
            }
            Ok(n)
        }
        RoomRecord::PkBattle(_) => Ok(0),
        // Ringing reaches the host with its notification (`send-push`); every later state, both parties.
        RoomRecord::Call(c) if c.state == store::CallState::Ringing => Ok(0),
        RoomRecord::Call(c) => {
            let key = format!("CALL#{}#{}", c.id, c.state.as_str());
            let m = msg::json(&msg::CallMessage {
                kind: "call",
                stamp: Default::default(),
                call_id: c.id.clone(),
                state: c.state.as_str().to_string(),
                caller_id: c.caller_id.clone(),
                host_id: c.host_id.clone(),
                price_per_minute: c.price_per_minute,
                paid_minutes: c.paid_minutes,
                accepted_at: c.accepted_at.map(views::time),
            });
            let mut n = 0;
            for party in [&c.caller_id, &c.host_id] {
                n += once(user_channel(party), key.clone(), vec![m.clone()]).await?;
            }
            Ok(n)
        }
        RoomRecord::Gifts(batch) => super::gifts::publish_gifts(state, &batch.room_id.clone(), &[batch]).await,
        // The balances as they are when it goes out, with the entry that changed them.
        RoomRecord::Ledger(e) => {
            let Some(a) = state.db.get_account(&e.account_id).await? else { return Ok(0) };
            let m = msg::WalletMessage {
                kind: "wallet",
                stamp: Default::default(),
                coins: a.coins,
                earnings: a.earnings,
                coin_debt: a.coin_debt,
                entry: msg::WalletEntry {
                    id: e.id.clone(),
                    kind: e.kind.clone(),
                    balance: serde_json::to_value(e.balance)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    amount: e.amount,
                },
            };
            once(user_channel(&e.account_id), format!("LEDGER#{}", e.id), vec![msg::json(&m)]).await
        }
        RoomRecord::Banned { account_id, at } => {
            let m = msg::BannedMessage {
                kind: "banned",
                stamp: Default::default(),
                account_id: account_id.clone(),
                banned_at: views::time(at),
            };
            once(user_channel(&account_id), format!("BANNED#{at}"), vec![msg::json(&m)]).await
        }
        RoomRecord::Unmuted { room_id, user_id } => {
            let unmute = moderation("unmute", &room_id, &user_id, None);
            once(room_channel(&room_id), format!("REC#{seq}"), vec![unmute]).await
        }
    }
}

/// A battle's `pk` message: both sides' scores and top gifter, its end, and
/// once final its result.
async fn pk_message(state: &AppState, b: &store::PkBattle) -> DomainResult<Value> {
    let mut sides = Vec::new();
    for side in &b.sides {
        let top = state.db.pk_top_gifters(&b.id, &side.host_id, 1).await?;
        sides.push(msg::PkSideScore {
            host_id: side.host_id.clone(),
            room_id: side.room_id.clone(),
            score: side.score,
            top_gifter: top.first().map(|(id, coins)| msg::PkTopGifter { account_id: id.clone(), coins: *coins }),
        });
    }
    Ok(msg::json(&msg::PkMessage {
        kind: "pk",
        stamp: Default::default(),
        battle_id: b.id.clone(),
        state: b.state.clone(),
        ends_at: views::time(b.ends_at),
        sides,
        winner_host_id: b.winner_host_id.clone(),
        result_at: b.result_at.map(views::time),
        bonus: b.bonus,
    }))
}

/// A `moderation` message; a mute's says what it mutes (chat, mic).
fn moderation(action: &'static str, room_id: &str, account_id: &str, mute: Option<(bool, bool)>) -> Value {
    msg::json(&msg::ModerationMessage {
        kind: "moderation",
        stamp: Default::default(),
        action,
        room_id: room_id.to_string(),
        account_id: account_id.to_string(),
        chat: mute.map(|m| m.0),
        mic: mute.map(|m| m.1),
    })
}

/// `publish-live`: the table's stream hands it room, seat, kick, mute, PK,
/// call and gift batch records.
pub async fn publish_live_event(
    state: std::sync::Arc<AppState>,
    event: aws_lambda_events::event::dynamodb::Event,
) -> DomainResult<aws_lambda_events::event::streams::DynamoDbEventResponse> {
    use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
    #[derive(serde::Deserialize)]
    struct Keys {
        pk: String,
        sk: String,
    }
    let mut records = Vec::new();
    for r in event.records {
        let seq = r.change.sequence_number.clone().unwrap_or_default();
        let Ok(keys) = serde_dynamo::from_item::<_, Keys>(r.change.keys) else { continue };
        let image = Some(r.change.new_image).filter(|i| !i.is_empty());
        if let Some(record) = store::room_record(&r.event_name, &keys.pk, &keys.sk, image) {
            records.push((seq, record));
        }
    }
    let mut response = DynamoDbEventResponse::default();
    let first = records.first().map(|(seq, _)| seq.clone());
    if let Err(e) = publish_room_records(&state, records).await {
        // The batch again from its first record: what went out is claimed, so it goes out once.
        tracing::error!(error = %e.message, "publishing a room's change failed; the batch is retried");
        let mut f = DynamoDbBatchItemFailure::default();
        f.item_identifier = first;
        response.batch_item_failures.push(f);
    }
    Ok(response)
}
