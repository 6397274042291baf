//! Guest seats of a room: up to 8 video guests or 12 on the mic of an audio
//! party room. Each seat is its own item under the room (written when the
//! room starts), so seats change hands without touching the room item or
//! each other; a guest's one seat at a time is an item on the guest's own
//! partition (`SEATED`). Taking a seat is one transaction over the seat (free,
//! unlocked, room not ended), the guest's claim, and the request or
//! invitation it answers; ending the room closes every seat.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Seat {
    pub seat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub muted: bool,
    /// The room ended: the seat takes no one.
    #[serde(default)]
    pub closed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i64>,
}

/// A viewer's request for a seat, or the host's invitation to one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SeatAsk {
    pub account_id: String,
    /// The seat offered (an invitation); a request names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat: Option<i64>,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// What a guest taking a seat answers: a request approved or an invitation accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeatClaim {
    Request,
    Invitation,
}

fn f() -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::Bool(false)
}

impl Db {
    /// The seat items a room starts with.
    pub(crate) fn seat_puts(&self, room_id: &str, seats: i64) -> Vec<TxItem> {
        (1..=seats)
            .map(|seat| {
                let mut item = Self::key(keys::room(room_id), keys::seat(seat));
                item.insert("seat".into(), num_av(seat));
                item.insert("locked".into(), f());
                item.insert("muted".into(), f());
                Action::put(self, item).when("attribute_not_exists(pk)").because("host_live")
            })
            .collect()
    }

    /// A room's seats, in order.
    pub async fn room_seats(&self, room_id: &str) -> Result<Vec<Seat>> {
        let page = self.query_page(None, keys::room(room_id), 20, Some(keys::SEAT_PREFIX), None, false).await?;
        page.items.into_iter().map(|i| Ok(serde_dynamo::from_item(i)?)).collect()
    }

    pub async fn get_seat(&self, room_id: &str, seat: i64) -> Result<Option<Seat>> {
        self.get_as(keys::room(room_id), &keys::seat(seat)).await
    }

    /// The room and seat `account` holds, if any.
    pub async fn seated_in(&self, account: &str) -> Result<Option<(String, i64)>> {
        let item = self.get(keys::account(account), keys::SEATED).await?;
        Ok(item.and_then(|i| Some((i.get("room_id")?.as_s().ok()?.clone(), i.get("seat")?.as_n().ok()?.parse().ok()?))))
    }

    /// Seats `account` (`seat_changed`: taken, locked or closed meanwhile;
    /// `already_seated`: the guest holds a seat; `no_request`/`no_invitation`:
    /// what it answers is gone).
    pub async fn take_seat(
        &self,
        room: (&str, &str),
        seat: i64,
        account: &str,
        claim: SeatClaim,
        now: i64,
    ) -> Result<()> {
        let (room_id, host_id) = room;
        let mut lock = Self::key(keys::account(account), keys::SEATED);
        lock.insert("room_id".into(), str_av(room_id));
        lock.insert("seat".into(), num_av(seat));
        let answered = match claim {
            SeatClaim::Request => Action::delete(self, keys::room(room_id), &keys::seat_request(account))
                .when("attribute_exists(pk)")
                .because("no_request"),
            SeatClaim::Invitation => Action::delete(self, keys::room(room_id), &keys::seat_invite(account))
                .when("attribute_exists(pk) AND seat = :seat AND expires_at > :now")
                .val(":seat", num_av(seat))
                .val(":now", num_av(now))
                .because("no_invitation"),
        };
        let mut items = vec![
            Action::update(self, keys::room(room_id), &keys::seat(seat), "SET account_id = :a, since = :now")
                .when("attribute_exists(pk) AND attribute_not_exists(account_id) AND locked = :false AND attribute_not_exists(closed)")
                .val(":a", str_av(account))
                .val(":now", num_av(now))
                .val(":false", f())
                .because("seat_changed"),
            Action::put(self, lock).when("attribute_not_exists(pk)").because("already_seated"),
            answered,
        ];
        items.extend(self.may_take_stage(room_id, host_id, account, now));
        self.transact(items).await
    }

    /// The conditions of `account` coming on `host`'s stage in the room: no
    /// block either way (`blocked`), not kicked out (`kicked`), not banned
    /// (`banned`). Each reads an item of its own (the mirrors on the guest's
    /// and the host's partitions, the guest's profile), so a crowd asking
    /// shares none.
    fn may_take_stage(&self, room_id: &str, host_id: &str, account: &str, now: i64) -> Vec<TxItem> {
        vec![
            self.not_blocked(host_id, account),
            self.not_blocked(account, host_id),
            self.not_kicked(room_id, account, now),
            Action::check(self, keys::account(account), keys::PROFILE)
                .when("attribute_exists(pk) AND NOT (banned = :true)")
                .val(":true", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
                .because("banned"),
        ]
    }

    /// Frees the seat `account` holds (`not_seated` when it does not).
    pub async fn free_seat(&self, room_id: &str, seat: i64, account: &str) -> Result<()> {
        self.transact(vec![
            Action::update(self, keys::room(room_id), &keys::seat(seat), "REMOVE account_id, since")
                .when("account_id = :a")
                .val(":a", str_av(account))
                .because("not_seated"),
            Action::delete(self, keys::account(account), keys::SEATED)
                .when("attribute_not_exists(pk) OR room_id = :room")
                .val(":room", str_av(room_id))
                .because("not_seated"),
        ])
        .await
    }

    /// Locks or unlocks, mutes or unmutes a seat of a room not ended (`seat_changed` otherwise).
    pub async fn set_seat(&self, room_id: &str, seat: i64, locked: Option<bool>, muted: Option<bool>) -> Result<Seat> {
        let b = aws_sdk_dynamodb::types::AttributeValue::Bool;
        let changes: Vec<(&str, bool)> =
            [("locked", locked), ("muted", muted)].into_iter().filter_map(|(f, v)| Some((f, v?))).collect();
        if !changes.is_empty() {
            let sets: Vec<String> = changes.iter().map(|(f, _)| format!("{f} = :{f}")).collect();
            let a = Action::update(self, keys::room(room_id), &keys::seat(seat), format!("SET {}", sets.join(", ")));
            let a = changes.iter().fold(a, |a, (f, v)| a.val(&format!(":{f}"), b(*v)));
            self.write_one(a.when("attribute_exists(pk) AND attribute_not_exists(closed)").because("seat_changed"))
                .await?;
        }
        self.get_seat(room_id, seat).await?.ok_or(Error::Condition("seat_changed"))
    }

    /// Closes every seat of an ended room, freeing its guests: answers who was seated.
    pub async fn close_seats(&self, room_id: &str) -> Result<Vec<(i64, String)>> {
        let mut freed = Vec::new();
        for seat in self.room_seats(room_id).await?.into_iter().filter(|s| !s.closed) {
            let mut items = vec![
                Action::update(
                    self,
                    keys::room(room_id),
                    &keys::seat(seat.seat),
                    "SET closed = :t REMOVE account_id, since",
                )
                .val(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
                .because("seat_changed"),
            ];
            if let Some(guest) = &seat.account_id {
                items.push(
                    Action::delete(self, keys::account(guest), keys::SEATED)
                        .when("attribute_not_exists(pk) OR room_id = :room")
                        .val(":room", str_av(room_id))
                        .because("seat_changed"),
                );
            }
            self.transact(items).await?;
            if let Some(guest) = seat.account_id {
                freed.push((seat.seat, guest));
            }
        }
        Ok(freed)
    }

    /// A viewer asks for a seat (`already_requested` when asked already), or
    /// the host invites one to a seat (`already_invited` while an earlier
    /// invitation to them waits); either way refused as `take_seat` refuses
    /// a guest (`blocked`, `kicked`, `banned`).
    pub async fn put_seat_ask(&self, room: (&str, &str), ask: &SeatAsk, now: i64) -> Result<()> {
        let (room_id, host_id) = room;
        let mut item: Item = serde_dynamo::to_item(ask)?;
        let sk =
            if ask.seat.is_some() { keys::seat_invite(&ask.account_id) } else { keys::seat_request(&ask.account_id) };
        item.extend(Self::key(keys::room(room_id), sk));
        let put = Action::put(self, item);
        // A request stands once; an invitation once at a time (a lapsed one is replaced).
        let put = if ask.seat.is_some() {
            put.when("attribute_not_exists(pk) OR expires_at <= :now")
                .val(":now", num_av(now))
                .because("already_invited")
        } else {
            put.when("attribute_not_exists(pk)").because("already_requested")
        };
        // The stage's refusals first: they say more than a repeat does.
        let mut items = self.may_take_stage(room_id, host_id, &ask.account_id, now);
        items.push(put);
        self.transact(items).await
    }

    /// The room's open seat requests, oldest first.
    pub async fn seat_requests(&self, room_id: &str, limit: usize) -> Result<Vec<SeatAsk>> {
        let page =
            self.query_page(None, keys::room(room_id), limit, Some(keys::SEAT_REQUEST_PREFIX), None, false).await?;
        let mut out: Vec<SeatAsk> =
            page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        out.sort_by_key(|a| a.created_at);
        Ok(out)
    }

    /// A request turned down (`no_request` when there was none).
    pub async fn delete_seat_request(&self, room_id: &str, account: &str) -> Result<()> {
        self.write_one(
            Action::delete(self, keys::room(room_id), &keys::seat_request(account))
                .when("attribute_exists(pk)")
                .because("no_request"),
        )
        .await
    }
}

impl Db {
    /// Records Agora rules that stop `guest` publishing in the room (added to any recorded).
    pub async fn put_publish_bans(&self, room_id: &str, guest: &str, rule_ids: &[i64]) -> Result<()> {
        if rule_ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<aws_sdk_dynamodb::types::AttributeValue> = rule_ids.iter().map(|i| num_av(*i)).collect();
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::room(room_id), keys::publish_bans(guest))))
            .update_expression("SET rule_ids = list_append(if_not_exists(rule_ids, :empty), :ids)")
            .expression_attribute_values(":empty", aws_sdk_dynamodb::types::AttributeValue::L(vec![]))
            .expression_attribute_values(":ids", aws_sdk_dynamodb::types::AttributeValue::L(ids))
            .send()
            .await?;
        Ok(())
    }

    /// The rules recorded against `guest` in the room, forgotten as they are read.
    pub async fn take_publish_bans(&self, room_id: &str, guest: &str) -> Result<Vec<i64>> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::room(room_id), keys::publish_bans(guest))))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await?;
        let rules =
            out.attributes.and_then(|a| a.get("rule_ids").and_then(|r| r.as_l().ok()).cloned()).unwrap_or_default();
        Ok(rules.iter().filter_map(|r| r.as_n().ok()?.parse().ok()).collect())
    }
}
