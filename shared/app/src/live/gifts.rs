//! A room's `gifts` messages, from the gift batches the aggregator writes as
//! it credits (`store::GiftBatch`, off the stream): what a window of gifts
//! looked like, merged and packed so the channel carries at most one message
//! a slot (10 a second) however fast gifts come, each under AppSync's 5 KB
//! billing unit, nothing dropped and each gift in exactly one message.
//!
//! Merging: a gift of at least `big_gift_coins` is always its own entry;
//! smaller gifts of one sender, gift type and recipient merge into one entry
//! whose `quantity` and `coins` are exact sums (`combo`: how many sends).
//! Packing: a batch's entries are cut by sender bucket into parts of at most
//! `PART_BYTES`, each claimed once (`GIFTS#batch#bucket#part`); a message
//! takes whole parts, a bucket's from every batch together (so a sender's
//! gifts merge across batches), while it stays under `MESSAGE_BYTES`; the
//! rest goes in the next slots. A retried record finds its parts claimed and
//! sends nothing again.

use std::collections::BTreeMap;

use serde_json::Value;
use store::GiftBatch;

use super::channels::{Pace, Sent, publish_claimed, room_channel};
use super::messages::{GiftEntry, GiftsMessage, GiftsTopGifter};
use crate::AppState;
use crate::kernel::error::DomainResult;
use crate::kernel::views::Names;

/// A message's most bytes (AppSync Events bills by 5 KB).
pub const MESSAGE_BYTES: usize = 5 * 1024;
/// A part's entries' most bytes: small, so messages fill up part by part.
pub const PART_BYTES: usize = 1024;
/// What a message's envelope (type, seq, at, room, earning, the top 3 with
/// their names) takes at most.
const ENVELOPE_BYTES: usize = 800;

/// A message's gifts and the claims of the parts they come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed {
    pub claims: Vec<String>,
    pub gifts: Vec<GiftEntry>,
}

/// Gift ids → their animation keys (the catalog's, read once a batch).
pub type Animations = BTreeMap<String, Option<String>>;

fn size(entries: &[GiftEntry]) -> usize {
    serde_json::to_string(entries).map_or(usize::MAX, |s| s.len())
}

/// Merges `gifts` in order of first appearance (see the module).
fn merge<'a>(gifts: impl Iterator<Item = GiftEntry> + 'a, big: i64, mut into: Vec<GiftEntry>) -> Vec<GiftEntry> {
    for g in gifts {
        let mergeable = |e: &GiftEntry| {
            e.coins / e.combo.max(1) < big && e.sender_id == g.sender_id && e.gift_id == g.gift_id && e.to_id == g.to_id
        };
        match into.iter_mut().find(|e| g.coins < big && mergeable(e)) {
            Some(e) => {
                e.quantity += g.quantity;
                e.coins += g.coins;
                e.combo += g.combo;
            }
            None => into.push(g),
        }
    }
    into
}

/// Buckets of senders a batch's parts are cut by: the parts of one bucket
/// from many batches hold the same senders, so they merge when packed together.
const SENDER_BUCKETS: u64 = 32;

/// A sender's bucket: the same in every process (FNV-1a).
fn bucket_of(sender: &str) -> u64 {
    sender.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
        % SENDER_BUCKETS
}

/// A batch's parts: its gifts merged, cut by sender bucket, and each
/// bucket's entries into parts of at most `PART_BYTES`, each with its claim.
fn parts(batch: &GiftBatch, big: i64, animations: &Animations) -> Vec<(u64, Packed)> {
    let entries = batch.gifts.iter().map(|g| GiftEntry {
        sender_id: g.sender_id.clone(),
        sender_name: g.sender_name.clone(),
        gift_id: g.gift_id.clone(),
        gift_name: g.gift_name.clone(),
        animation_key: animations.get(&g.gift_id).cloned().flatten(),
        quantity: g.quantity,
        combo: 1,
        coins: g.coins,
        to_id: g.to_id.clone(),
        wealth_level: g.sender_wealth_level,
    });
    let mut buckets: BTreeMap<u64, Vec<GiftEntry>> = BTreeMap::new();
    for e in merge(entries, big, Vec::new()) {
        buckets.entry(bucket_of(&e.sender_id)).or_default().push(e);
    }
    let mut out = Vec::new();
    for (bucket, entries) in buckets {
        let mut part: Vec<GiftEntry> = Vec::new();
        let mut cut = Vec::new();
        for e in entries {
            part.push(e);
            if part.len() > 1 && size(&part) > PART_BYTES {
                let e = part.pop().expect("just pushed");
                cut.push(std::mem::take(&mut part));
                part.push(e);
            }
        }
        cut.push(part);
        for (i, gifts) in cut.into_iter().enumerate() {
            out.push((bucket, Packed { claims: vec![format!("GIFTS#{}#{bucket}#{i}", batch.id)], gifts }));
        }
    }
    out
}

/// The messages `batches` (in stream order) go out as: their parts bucket
/// by bucket (a bucket's parts from every batch together, so a sender's
/// gifts merge across batches), merged, as many as keep a message under
/// `MESSAGE_BYTES`; parts whose claims are in `sent` went out before and are
/// left out.
pub fn pack(batches: &[GiftBatch], big: i64, animations: &Animations, sent: &[String]) -> Vec<Packed> {
    let mut all: Vec<(u64, Packed)> = batches.iter().flat_map(|b| parts(b, big, animations)).collect();
    // Stable: within a bucket, the batches' order.
    all.sort_by_key(|(bucket, _)| *bucket);
    let mut out: Vec<Packed> = Vec::new();
    let mut current: Option<Packed> = None;
    for (_, part) in all {
        if part.claims.iter().any(|c| sent.contains(c)) {
            continue;
        }
        current = Some(match current.take() {
            None => part,
            Some(mut m) => {
                let merged = merge(part.gifts.iter().cloned(), big, m.gifts.clone());
                if size(&merged) + ENVELOPE_BYTES <= MESSAGE_BYTES && m.claims.len() < store::APPEND_MAX - 2 {
                    m.gifts = merged;
                    m.claims.extend(part.claims);
                    m
                } else {
                    out.push(m);
                    part
                }
            }
        });
    }
    out.extend(current);
    out
}

/// Publishes a room's gift batches on its channel; answers how many messages went out.
pub async fn publish_gifts(state: &AppState, room_id: &str, batches: &[GiftBatch]) -> DomainResult<usize> {
    if batches.is_empty() {
        return Ok(0);
    }
    let mut ids: Vec<String> = batches.iter().flat_map(|b| b.gifts.iter().map(|g| g.gift_id.clone())).collect();
    ids.sort();
    ids.dedup();
    let (settings, animations) = futures_util::future::try_join(
        async { Ok::<_, crate::DomainError>(state.db.get_settings().await?) },
        animations(state, &ids),
    )
    .await?;
    let big = settings.big_gift_coins;
    let channel = room_channel(room_id);
    let mut sent_before: Vec<String> = Vec::new();
    let mut messages = 0;
    // A message that finds some of its parts claimed (a retried record) is packed again without them.
    'repack: for _ in 0..8 {
        for m in pack(batches, big, &animations, &sent_before) {
            let body = gifts_message(state, room_id, &m.gifts).await?;
            match publish_claimed(state, &channel, &m.claims, vec![body], Pace::Wait).await? {
                Sent::Sent(_) => {
                    messages += 1;
                    sent_before.extend(m.claims);
                }
                Sent::Claimed(taken) => {
                    sent_before.extend(taken);
                    continue 'repack;
                }
                Sent::Busy => unreachable!("Pace::Wait is never busy"),
            }
        }
        return Ok(messages);
    }
    Err(crate::DomainError::unavailable("a room's gifts kept meeting claims; the record is retried"))
}

async fn animations(state: &AppState, ids: &[String]) -> DomainResult<Animations> {
    let reads = ids.iter().map(|id| async move {
        let gift: Option<store::Gift> = state.db.get_catalog_entry(store::Catalog::Gift, id).await?;
        Ok::<_, crate::DomainError>((id.clone(), gift.and_then(|g| g.animation_key)))
    });
    Ok(futures_util::future::try_join_all(reads).await?.into_iter().collect())
}

/// A `gifts` message: the entries, the room's host earnings and top 3 gifters after them.
async fn gifts_message(state: &AppState, room_id: &str, gifts: &[GiftEntry]) -> DomainResult<Value> {
    let (earning, top) =
        futures_util::future::try_join(state.db.room_host_earning(room_id), state.db.top_gifters(room_id, 3)).await?;
    let names = Names::of(&state.db, top.iter().map(|(id, _)| id.as_str())).await?;
    let top = top
        .iter()
        .map(|(id, coins)| GiftsTopGifter { account_id: id.clone(), display_name: names.get(id), coins: *coins })
        .collect();
    Ok(gifts_body(room_id, gifts, earning, top))
}

/// A `gifts` message's body (its `seq` and `at` are the channel's).
pub fn gifts_body(room_id: &str, gifts: &[GiftEntry], host_earning: i64, top_gifters: Vec<GiftsTopGifter>) -> Value {
    super::messages::json(&GiftsMessage {
        kind: "gifts",
        stamp: Default::default(),
        room_id: room_id.to_string(),
        gifts: gifts.to_vec(),
        host_earning,
        top_gifters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(id: &str, gifts: &[(&str, &str, i64, i64)]) -> GiftBatch {
        GiftBatch {
            id: id.into(),
            room_id: "r".into(),
            created_at: 0,
            gifts: gifts
                .iter()
                .enumerate()
                .map(|(i, (sender, gift, quantity, coins))| store::RoomGift {
                    event_id: format!("{id}{i}"),
                    sender_id: sender.to_string(),
                    sender_name: format!("Sender {sender} with a longer display name"),
                    gift_id: gift.to_string(),
                    gift_name: gift.to_string(),
                    quantity: *quantity,
                    coins: *coins,
                    to_id: "host".into(),
                    at: 0,
                    sender_wealth_level: 1,
                })
                .collect(),
        }
    }

    #[test]
    fn small_gifts_of_a_sender_merge_and_big_ones_stand_alone() {
        let b = batch(
            "b",
            &[("a", "rose", 1, 10), ("a", "rose", 2, 20), ("a", "castle", 1, 1000), ("a", "castle", 1, 1000)],
        );
        let packed = pack(&[b], 1000, &Animations::new(), &[]);
        assert_eq!(packed.len(), 1);
        let g = &packed[0].gifts;
        assert_eq!(g.len(), 3);
        assert_eq!((g[0].quantity, g[0].coins, g[0].combo), (3, 30, 2));
        assert_eq!((g[1].coins, g[2].coins), (1000, 1000));
        assert_eq!(packed[0].claims, vec![format!("GIFTS#b#{}#0", bucket_of("a"))]);
    }

    #[test]
    fn messages_stay_under_5_kb_and_every_coin_is_in_one() {
        let senders: Vec<String> = (0..300).map(|i| format!("sender-{i:04}-01JABCDEFGHJKMNPQRSTVWXYZ")).collect();
        let gifts: Vec<(&str, &str, i64, i64)> = senders.iter().map(|s| (s.as_str(), "rose", 1, 7)).collect();
        let batches = vec![batch("x", &gifts[..150]), batch("y", &gifts[150..])];
        let packed = pack(&batches, 1000, &Animations::new(), &[]);
        assert!(packed.len() > 2);
        for m in &packed {
            assert!(size(&m.gifts) + ENVELOPE_BYTES <= MESSAGE_BYTES, "{}", size(&m.gifts));
        }
        assert_eq!(packed.iter().flat_map(|m| &m.gifts).map(|g| g.coins).sum::<i64>(), 300 * 7);
        // A part sent before is left out, the rest goes again.
        let sent = packed[0].claims.clone();
        let again = pack(&batches, 1000, &Animations::new(), &sent);
        let left: i64 = again.iter().flat_map(|m| &m.gifts).map(|g| g.coins).sum();
        assert_eq!(left + packed[0].gifts.iter().map(|g| g.coins).sum::<i64>(), 300 * 7);
    }
}
