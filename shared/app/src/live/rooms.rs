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

use serde_json::{Value, json};
use store::RoomRecord;

use super::channels::{publish_once, room_channel, user_channel};
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
                vec![json!({"type": "room_ended", "room_id": room.id, "ended_at": at})],
            )
            .await
        }
        RoomRecord::Room(room) => {
            let bucket = state.now().div_euclid(VIEWERS_EVERY_MS);
            let m = json!({"type": "viewers", "room_id": room.id, "count": room.viewers});
            once(room_channel(&room.id), format!("VIEWERS#{bucket}"), vec![m]).await
        }
        RoomRecord::Seat { room_id } => {
            let seats = state.db.room_seats(&room_id).await?;
            let names = Names::of(&state.db, seats.iter().filter_map(|s| s.account_id.as_deref())).await?;
            let list: Vec<Value> = seats
                .iter()
                .map(|s| {
                    json!({"seat": s.seat, "account_id": s.account_id,
                           "display_name": s.account_id.as_deref().and_then(|a| names.get(a)),
                           "locked": s.locked, "muted": s.muted})
                })
                .collect();
            once(
                room_channel(&room_id),
                format!("REC#{seq}"),
                vec![json!({"type": "seats", "room_id": room_id, "seats": list})],
            )
            .await
        }
        RoomRecord::Kick(k) => {
            let key = format!("KICK#{}#{}", k.user_id, k.created_at);
            let room =
                once(room_channel(&k.room_id), key.clone(), vec![moderation("kick", &k.room_id, &k.user_id)]).await?;
            let until = views::time(k.until.min(253_402_300_799_000));
            let me = json!({"type": "kicked", "room_id": k.room_id, "until": until});
            Ok(room + once(user_channel(&k.user_id), key, vec![me]).await?)
        }
        RoomRecord::Mute(m) => {
            let mut msg = moderation("mute", &m.room_id, &m.user_id);
            msg["chat"] = m.chat.into();
            msg["mic"] = m.mic.into();
            once(room_channel(&m.room_id), format!("REC#{seq}"), vec![msg]).await
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
            let m = json!({
                "type": "call", "call_id": c.id, "state": c.state.as_str(), "caller_id": c.caller_id,
                "host_id": c.host_id, "price_per_minute": c.price_per_minute, "paid_minutes": c.paid_minutes,
                "accepted_at": c.accepted_at.map(views::time),
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
            let m = json!({
                "type": "wallet", "coins": a.coins, "earnings": a.earnings, "coin_debt": a.coin_debt,
                "entry": {"id": e.id, "type": e.kind, "balance": e.balance, "amount": e.amount},
            });
            once(user_channel(&e.account_id), format!("LEDGER#{}", e.id), vec![m]).await
        }
        RoomRecord::Banned { account_id, at } => {
            let m = json!({"type": "banned", "account_id": account_id, "at": views::time(at)});
            once(user_channel(&account_id), format!("BANNED#{at}"), vec![m]).await
        }
        RoomRecord::Unmuted { room_id, user_id } => {
            once(room_channel(&room_id), format!("REC#{seq}"), vec![moderation("unmute", &room_id, &user_id)]).await
        }
    }
}

/// A battle's `pk` message: both sides' scores and top gifter, its end, and
/// once final its result.
async fn pk_message(state: &AppState, b: &store::PkBattle) -> DomainResult<Value> {
    let mut sides = Vec::new();
    for side in &b.sides {
        let top = state.db.pk_top_gifters(&b.id, &side.host_id, 1).await?;
        let top = top.first().map(|(id, coins)| json!({"account_id": id, "coins": coins}));
        sides.push(json!({"host_id": side.host_id, "room_id": side.room_id, "score": side.score, "top_gifter": top}));
    }
    Ok(json!({
        "type": "pk", "battle_id": b.id, "state": b.state, "ends_at": views::time(b.ends_at), "sides": sides,
        "winner_host_id": b.winner_host_id, "result_at": b.result_at.map(views::time), "bonus": b.bonus,
    }))
}

fn moderation(kind: &str, room_id: &str, account_id: &str) -> Value {
    json!({"type": "moderation", "kind": kind, "room_id": room_id, "account_id": account_id})
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
