//! Live rooms: one per host at a time, viewers counted once each, the room's
//! gift total and gifters (written by the aggregator, `crate::wallet::events`; the
//! total on its own item), listed by viewers.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::GSI3;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Room {
    pub id: String,
    pub host_id: String,
    pub channel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub viewers: i64,
    /// Coins of the gifts sent in the room.
    #[serde(default)]
    pub host_earning: i64,
    pub live: bool,
    pub started_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    /// video or audio (a party room: everyone on audio only)
    #[serde(default = "video")]
    pub kind: String,
    /// Guest seats (`crate::rooms::seats`).
    #[serde(default)]
    pub seats: i64,
    /// Seconds each account waits between chat lines (0: off; `crate::live::chat`).
    #[serde(default)]
    pub slow_mode_secs: i64,
    /// The wealth level an account needs to chat here (0: anyone; the host always may).
    #[serde(default)]
    pub min_chat_level: i64,
}

fn video() -> String {
    "video".into()
}

fn t() -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::Bool(true)
}

/// A live room's place in the list, kept in `list_rank` and copied into its
/// GSI3 sort key: viewers × `RANK_STEP` + start time (mod `RANK_STEP`), so
/// rooms with as many viewers sort newest first and (but for two started in
/// the same millisecond) no two rooms share a rank, which the sharded list's
/// cursor relies on. A join adds `RANK_STEP` (the update keeps the two equal).
const RANK_STEP: i128 = 10_000_000_000_000;

fn rank_step(sign: i128) -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::N((sign * RANK_STEP).to_string())
}

impl Db {
    /// Creates the room and claims the host's one live room (`host_live` when
    /// the host has one already).
    pub async fn start_room(&self, room: &Room) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(room)?;
        item.extend(Self::key(keys::room(&room.id), keys::ROOM));
        let rank = aws_sdk_dynamodb::types::AttributeValue::N(
            (room.viewers as i128 * RANK_STEP + room.started_at as i128 % RANK_STEP).to_string(),
        );
        item.insert(crate::core::table::GSI2.pk.into(), str_av(keys::channel(&room.channel)));
        item.insert(crate::core::table::GSI2.sk.into(), str_av(keys::ROOM));
        item.insert(GSI3.pk.into(), str_av(keys::live_rooms_of(&room.id)));
        item.insert(GSI3.sk.into(), rank.clone());
        item.insert("list_rank".into(), rank);
        let mut live = Self::key(keys::account(&room.host_id), keys::LIVE_ROOM);
        live.insert("room_id".into(), str_av(&room.id));
        let mut items = vec![
            Action::put(self, live).when("attribute_not_exists(pk)").because("host_live"),
            Action::put(self, item).when("attribute_not_exists(pk)").because("host_live"),
        ];
        items.extend(self.seat_puts(&room.id, room.seats));
        self.transact(items).await
    }

    /// The id of the host's live room, if any.
    pub async fn live_room_of(&self, host_id: &str) -> Result<Option<String>> {
        let item = self.get(keys::account(host_id), keys::LIVE_ROOM).await?;
        Ok(item.and_then(|i| i.get("room_id")?.as_s().ok().cloned()))
    }

    /// The room item alone: live or not, host, channel, kind and seats (no
    /// gift total, the list's viewer count). For checks that need no more.
    pub async fn get_room_item(&self, id: &str) -> Result<Option<Room>> {
        self.get_as(keys::room(id), keys::ROOM).await
    }

    pub async fn get_room(&self, id: &str) -> Result<Option<Room>> {
        let Some(room) = self.get_room_item(id).await? else { return Ok(None) };
        let mut rooms = [room];
        let (totals, viewers) =
            futures_util::future::join(self.with_room_totals(&mut rooms), self.count_viewers(id)).await;
        totals?;
        let [mut room] = rooms;
        // Exact here; the list shows the room item's count.
        room.viewers = viewers?;
        Ok(Some(room))
    }

    /// A room's host earnings so far (its `ROOM_TOTAL`).
    pub async fn room_host_earning(&self, room_id: &str) -> Result<i64> {
        let item = self.get(keys::room(room_id), keys::ROOM_TOTAL).await?;
        Ok(item.and_then(|i| crate::core::db::attr_n(&i, "host_earning")).unwrap_or(0))
    }

    /// Fills in the rooms' gift totals from their `ROOM_TOTAL` items.
    async fn with_room_totals(&self, rooms: &mut [Room]) -> Result<()> {
        if rooms.is_empty() {
            return Ok(());
        }
        let keys = rooms.iter().map(|r| Self::key(keys::room(&r.id), keys::ROOM_TOTAL)).collect();
        for item in self.batch_get(keys).await? {
            let pk = item.get(crate::core::table::PK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            let total = item.get("host_earning").and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok());
            if let Some(r) = rooms.iter_mut().find(|r| keys::room(&r.id) == pk) {
                r.host_earning = total.unwrap_or(0);
            }
        }
        Ok(())
    }

    /// Ends a live room (`room_ended` if it was not live) and frees its host;
    /// `live_minutes` (UTC day, minutes) go to the host's day items, the
    /// monthly target's valid time (`payouts::months`).
    pub async fn end_room(&self, room: &Room, now: i64, live_minutes: &[(String, i64)]) -> Result<()> {
        let days = live_minutes.iter().map(|(day, minutes)| {
            Action::update(
                self,
                keys::account(&room.host_id),
                &keys::earning_day(day),
                "SET #day = :day ADD live_minutes :m",
            )
            .name("#day", "day")
            .val(":day", str_av(day))
            .val(":m", num_av(*minutes))
            .because("room_ended")
        });
        self.transact(
            days.chain(vec![
                Action::update(
                    self,
                    keys::room(&room.id),
                    keys::ROOM,
                    "SET live = :false, ended_at = :now REMOVE gsi3pk, gsi3sk",
                )
                .when("live = :true")
                .val(":true", t())
                .val(":false", aws_sdk_dynamodb::types::AttributeValue::Bool(false))
                .val(":now", num_av(now))
                .because("room_ended"),
                Action::delete(self, keys::account(&room.host_id), keys::LIVE_ROOM)
                    .when("attribute_not_exists(pk) OR room_id = :room")
                    .val(":room", str_av(&room.id))
                    .because("room_ended"),
            ])
            .collect(),
        )
        .await
    }

    /// Counts a viewer in: `Ok(false)` when they were in already (counted
    /// once), `blocked` when its host blocked the viewer, `kicked` while a
    /// kick keeps the viewer out. The room was read live by the caller. The
    /// transaction touches the viewer's items and one of the room's
    /// `VIEWER_SHARDS` count shards; the room item's count (the live list's
    /// order) follows in a single update, which a crowd's joins queue on
    /// instead of cancelling each other, and which `roll_up_viewers` repairs.
    pub async fn join_room(&self, room: &Room, viewer_id: &str, now: i64) -> Result<bool> {
        let room_id = room.id.as_str();
        let mut viewing = Self::key(keys::account(viewer_id), keys::viewing(room_id));
        viewing.insert("joined_at".into(), num_av(now));
        let res = self
            .transact(vec![
                Action::put(self, viewing).when("attribute_not_exists(pk)").because("already_viewing"),
                self.viewer_shard_add(room_id, viewer_id, 1),
                self.not_blocked(&room.host_id, viewer_id),
                self.not_kicked(room_id, viewer_id, now),
            ])
            .await;
        match res {
            Ok(()) => {
                self.room_count_add(room_id, 1).await;
                Ok(true)
            }
            Err(Error::Condition("already_viewing")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Counts a viewer out: `Ok(false)` when they were not in. With
    /// `periods`, the minutes watched since joining (at most `max_minutes`)
    /// go to the viewer's `watch_minutes` task progress, once with the leave.
    pub async fn leave_room(
        &self,
        room_id: &str,
        viewer_id: &str,
        watched: Option<(&crate::core::keys::Periods, i64, i64)>,
    ) -> Result<bool> {
        let mut items = vec![self.viewer_shard_add(room_id, viewer_id, -1)];
        let leave = Action::delete(self, keys::account(viewer_id), &keys::viewing(room_id));
        match watched {
            Some((periods, now, max_minutes)) => {
                let Some(viewing) = self.get(keys::account(viewer_id), &keys::viewing(room_id)).await? else {
                    return Ok(false);
                };
                let joined = crate::core::db::attr_n(&viewing, "joined_at").unwrap_or(now);
                let minutes = ((now - joined) / 60_000).clamp(0, max_minutes);
                // Conditioned on the join read: a leave and a rejoin meanwhile count apart.
                items
                    .insert(0, leave.when("joined_at = :joined").val(":joined", num_av(joined)).because("not_viewing"));
                items.extend(self.task_progress_items(viewer_id, periods, &[("watch_minutes", minutes)], now));
            }
            None => items.insert(0, leave.when("attribute_exists(pk)").because("not_viewing")),
        }
        let res = self.transact(items).await;
        match res {
            Ok(()) => {
                self.room_count_add(room_id, -1).await;
                Ok(true)
            }
            Err(Error::Condition("not_viewing")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn viewer_shard_add(&self, room_id: &str, viewer_id: &str, delta: i64) -> crate::core::db::TxItem {
        let shard = keys::shard_of(viewer_id, keys::VIEWER_SHARDS);
        Action::update(self, keys::room_viewers(room_id, shard), keys::VIEWERS, "ADD viewers :d")
            .val(":d", num_av(delta))
            .because("not_viewing")
    }

    /// The room item's count and list rank moved by `delta`: one update, no
    /// transaction; if it fails the count is repaired by `roll_up_viewers`.
    async fn room_count_add(&self, room_id: &str, delta: i64) {
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::room(room_id), keys::ROOM)))
            // The viewer count is also the list's sort key, kept equal in the same update.
            .update_expression("SET viewers = viewers + :d, list_rank = list_rank + :step, gsi3sk = list_rank + :step")
            .condition_expression("live = :true")
            .expression_attribute_values(":true", t())
            .expression_attribute_values(":d", num_av(delta))
            .expression_attribute_values(":step", rank_step(delta as i128))
            .send()
            .await;
        if let Err(e) = res
            && !e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception())
        {
            tracing::warn!(room_id, error = %e, "the room's viewer count waits for its roll-up");
        }
    }

    /// A room's exact viewer count: the sum of its shards.
    pub async fn count_viewers(&self, room_id: &str) -> Result<i64> {
        let keys = (0..keys::VIEWER_SHARDS).map(|k| Self::key(keys::room_viewers(room_id, k), keys::VIEWERS)).collect();
        let items = self.batch_get(keys).await?;
        Ok(items.iter().filter_map(|i| i.get("viewers")?.as_n().ok()?.parse::<i64>().ok()).sum())
    }

    /// Sets a live room's count and list rank to its shards' sum, if they differ.
    pub async fn roll_up_viewers(&self, room: &Room) -> Result<bool> {
        let viewers = self.count_viewers(&room.id).await?;
        if viewers == room.viewers {
            return Ok(false);
        }
        let rank = aws_sdk_dynamodb::types::AttributeValue::N(
            (viewers as i128 * RANK_STEP + room.started_at as i128 % RANK_STEP).to_string(),
        );
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::room(&room.id), keys::ROOM)))
            .update_expression("SET viewers = :v, list_rank = :rank, gsi3sk = :rank")
            .condition_expression("live = :true")
            .expression_attribute_values(":true", t())
            .expression_attribute_values(":v", num_av(viewers))
            .expression_attribute_values(":rank", rank)
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Live rooms, most viewers first: the top of every shard at once,
    /// merged. The cursor is the last room's rank and id; the next page takes
    /// what ranks below it.
    pub async fn list_live_rooms(&self, limit: usize, start: Option<PageKey>) -> Result<Page<Room>> {
        let after = match start {
            None => None,
            Some(k) => {
                let rank = k.get("list_rank").and_then(|r| r.parse::<i128>().ok());
                match (rank, k.get("id")) {
                    (Some(rank), Some(id)) if k.len() == 2 => Some((rank, id.clone())),
                    _ => return Err(Error::Condition("bad_cursor")),
                }
            }
        };
        let shards = (0..keys::LIVE_ROOM_SHARDS).map(|k| self.live_rooms_in(k, after.as_ref().map(|a| a.0), limit + 1));
        let mut rooms: Vec<(i128, Room)> = Vec::new();
        for items in futures_util::future::try_join_all(shards).await? {
            for item in items {
                let rank = item.get("list_rank").and_then(|r| r.as_n().ok()).and_then(|r| r.parse().ok());
                let rank = rank.ok_or_else(|| Error::Corrupt("live room without list_rank".into()))?;
                let room: Room = serde_dynamo::from_item(item)?;
                if after.as_ref().is_none_or(|(r, id)| rank < *r || (rank == *r && room.id < *id)) {
                    rooms.push((rank, room));
                }
            }
        }
        rooms.sort_by(|a, b| (b.0, &b.1.id).cmp(&(a.0, &a.1.id)));
        let next = (rooms.len() > limit).then(|| {
            let (rank, room) = &rooms[limit - 1];
            PageKey::from([("list_rank".to_string(), rank.to_string()), ("id".to_string(), room.id.clone())])
        });
        rooms.truncate(limit);
        let mut items: Vec<Room> = rooms.into_iter().map(|(_, r)| r).collect();
        self.with_room_totals(&mut items).await?;
        Ok(Page { items, next })
    }

    /// Up to `limit` live rooms of one shard ranked at or below `upto`, highest first.
    async fn live_rooms_in(&self, shard: u32, upto: Option<i128>, limit: usize) -> Result<Vec<Item>> {
        let mut q = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI3.name)
            .key_condition_expression("gsi3pk = :pk")
            .expression_attribute_values(":pk", str_av(keys::live_rooms(shard)));
        if let Some(upto) = upto {
            q = q
                .key_condition_expression("gsi3pk = :pk AND gsi3sk <= :upto")
                .expression_attribute_values(":upto", aws_sdk_dynamodb::types::AttributeValue::N(upto.to_string()));
        }
        let out = q.scan_index_forward(false).limit(limit as i32).send().await?;
        Ok(out.items.unwrap_or_default())
    }

    /// A room's biggest gifters: (sender id, coins), most coins first (equal
    /// coins by id), merged from the top of every shard.
    pub async fn top_gifters(&self, room_id: &str, n: usize) -> Result<Vec<(String, i64)>> {
        self.top_of((0..keys::ROOM_GIFTER_SHARDS).map(|shard| keys::room_gifters(room_id, shard)).collect(), n).await
    }

    /// What `sender` gifted in the room, and how many gifted more.
    pub async fn room_gifter_standing(&self, room_id: &str, sender: &str) -> Result<(i64, i64)> {
        let item = self.get(keys::room_gifter(room_id, sender), keys::GIFTER).await?;
        let coins: i64 = item.and_then(|i| i.get("coins")?.as_n().ok()?.parse().ok()).unwrap_or(0);
        if coins == 0 {
            return Ok((0, 0));
        }
        let counts = (0..keys::ROOM_GIFTER_SHARDS)
            .map(|shard| self.count_in(&GSI3, keys::room_gifters(room_id, shard), Some(coins)));
        Ok((coins, futures_util::future::try_join_all(counts).await?.into_iter().sum()))
    }
}
