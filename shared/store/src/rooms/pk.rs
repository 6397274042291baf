//! PK battles: two live hosts linked for a few minutes; the coins of gifts
//! sent into either side's room between the start and the end (by the gift
//! event's time) are that side's score.
//!
//! Starting one claims both hosts (`PK_BUSY`, `host_busy`), and writes the
//! battle, its two side items and, under each room, the battle's window
//! (`room_pk`): new items only, on the hosts' and the battle's partitions, so
//! nothing a crowd shares is in it. The aggregator finds a gift's battle by its
//! room's windows and adds to the side's score in the transaction that credits
//! the payee (`crate::wallet::events`), and to the side's top gifters in the sender's.
//! The result is written once (`result_at`), when every event up to the end
//! has been applied, with the PK boards and the winner's bonus.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::table::{GSI1, GSI3};
use crate::wallet::balance::WalletChange;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PkInvitation {
    pub id: String,
    pub from_host_id: String,
    pub to_host_id: String,
    pub duration_secs: i64,
    /// pending, accepted, declined or cancelled (a pending one past `expires_at` is expired)
    pub state: String,
    pub expires_at: i64,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battle_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PkSide {
    pub host_id: String,
    pub room_id: String,
    pub channel: String,
    /// Read from the side's item (the aggregator's).
    #[serde(default)]
    pub score: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PkBattle {
    pub id: String,
    pub started_at: i64,
    pub ends_at: i64,
    /// active or ended
    pub state: String,
    pub sides: Vec<PkSide>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub winner_host_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_at: Option<i64>,
    /// Coins the winner got from the platform.
    #[serde(default)]
    pub bonus: i64,
    /// `invitation` or `match`
    pub source: String,
}

/// A battle's window in one room, as the aggregator reads it.
#[derive(Clone, Debug, Deserialize)]
pub struct PkWindow {
    pub pk_id: String,
    pub host_id: String,
    pub started_at: i64,
    pub ends_at: i64,
}

/// A host waiting for a random opponent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PkWaiting {
    pub host_id: String,
    pub room_id: String,
    pub since: i64,
    /// The length the host asked for (a battle takes the shorter of the two).
    #[serde(default = "default_duration")]
    pub duration_secs: i64,
}

fn default_duration() -> i64 {
    300
}

/// One host's line on a PK board.
#[derive(Clone, Debug, Deserialize)]
pub struct PkStanding {
    pub host_id: String,
    #[serde(default)]
    pub wins: i64,
    #[serde(default)]
    pub battles: i64,
    #[serde(default)]
    pub score: i64,
}

/// What a finished battle writes (`Db::finish_pk`).
pub struct PkResult<'a> {
    pub winner: Option<&'a str>,
    /// Whether the winner may take the win on the boards and the bonus: a
    /// host not banned (checked in the transaction, `winner_ineligible`).
    pub winner_counts: bool,
    pub scores: Vec<(String, i64)>,
    /// The winner's bonus (an earnings change), if any.
    pub bonus: Option<WalletChange>,
    pub buckets: Vec<String>,
    pub now: i64,
}

impl Db {
    /// A new invitation, the pair's only pending one (`already_invited` while
    /// another between the two hosts, either way, is pending and not expired).
    pub async fn put_pk_invitation(&self, inv: &PkInvitation) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(inv)?;
        item.extend(Self::key(keys::pk_invitation(&inv.id), keys::PK_INVITATION));
        item.insert(GSI1.pk.into(), str_av(keys::pk_invitations_to(&inv.to_host_id)));
        item.insert(GSI1.sk.into(), str_av(keys::by_time(inv.created_at, &inv.id)));
        let mut pair = Self::key(keys::pk_pair(&inv.from_host_id, &inv.to_host_id), keys::PK_INVITATION);
        pair.insert("invitation_id".into(), str_av(&inv.id));
        pair.insert("expires_at".into(), num_av(inv.expires_at));
        self.transact(vec![
            Action::put(self, item).when("attribute_not_exists(pk)").because("duplicate_entry"),
            Action::put(self, pair)
                .when("attribute_not_exists(pk) OR expires_at <= :now")
                .val(":now", num_av(inv.created_at))
                .because("already_invited"),
        ])
        .await
    }

    /// Frees the pair's claim of invitation `inv` (a claim another invitation holds stays).
    fn free_pk_pair(&self, inv: &PkInvitation) -> TxItem {
        Action::delete(self, keys::pk_pair(&inv.from_host_id, &inv.to_host_id), keys::PK_INVITATION)
            .when("attribute_not_exists(pk) OR invitation_id = :id")
            .val(":id", str_av(&inv.id))
            .because("invitation_closed")
    }

    pub async fn get_pk_invitation(&self, id: &str) -> Result<Option<PkInvitation>> {
        self.get_as(keys::pk_invitation(id), keys::PK_INVITATION).await
    }

    /// A pending invitation declined or cancelled (`invitation_closed` when it was not pending).
    pub async fn close_pk_invitation(&self, inv: &PkInvitation, state: &str) -> Result<()> {
        self.transact(vec![
            Action::update(self, keys::pk_invitation(&inv.id), keys::PK_INVITATION, "SET #state = :to")
                .name("#state", "state")
                .when("#state = :pending")
                .val(":to", str_av(state))
                .val(":pending", str_av("pending"))
                .because("invitation_closed"),
            self.free_pk_pair(inv),
        ])
        .await
    }

    /// The newest invitations to `host`, up to `limit`.
    pub async fn pk_invitations_to(&self, host: &str, limit: usize) -> Result<Vec<PkInvitation>> {
        let page = self.query_page(Some(&GSI1), keys::pk_invitations_to(host), limit, None, None, true).await?;
        page.items.into_iter().map(|i| Ok(serde_dynamo::from_item(i)?)).collect()
    }

    /// The id of the host's battle and when it ends, if the host is in one.
    pub async fn pk_of_host(&self, host: &str) -> Result<Option<(String, i64)>> {
        let item = self.get(keys::account(host), keys::PK_BUSY).await?;
        Ok(item.and_then(|i| {
            let id = i.get("pk_id")?.as_s().ok()?.clone();
            let ends = i.get("ends_at")?.as_n().ok()?.parse().ok()?;
            Some((id, ends))
        }))
    }

    /// Starts `b` in one transaction: claims both hosts (`host_busy`; a claim
    /// past its end is stale and taken over), checks both still host their
    /// room (`not_live`), writes the battle, its sides and the rooms'
    /// windows; and, as the case may be, accepts the invitation
    /// (`invitation_closed`) or takes the waiting host off the queue (`match_taken`).
    pub async fn start_pk(&self, b: &PkBattle, invitation: Option<&PkInvitation>, matched: Option<&str>) -> Result<()> {
        let mut items: Vec<TxItem> = Vec::new();
        let mut battle: Item = serde_dynamo::to_item(b)?;
        battle.extend(Self::key(keys::battle(&b.id), keys::PK_BATTLE));
        battle.insert(GSI1.pk.into(), str_av(keys::OPEN_PKS));
        battle.insert(GSI1.sk.into(), str_av(keys::by_time(b.ends_at, &b.id)));
        items.push(Action::put(self, battle).when("attribute_not_exists(pk)").because("duplicate_entry"));
        for side in &b.sides {
            let mut busy = Self::key(keys::account(&side.host_id), keys::PK_BUSY);
            busy.insert("pk_id".into(), str_av(&b.id));
            busy.insert("ends_at".into(), num_av(b.ends_at));
            items.push(
                Action::put(self, busy)
                    .when("attribute_not_exists(pk) OR ends_at < :now")
                    .val(":now", num_av(b.started_at))
                    .because("host_busy"),
            );
            items.push(
                Action::check(self, keys::account(&side.host_id), keys::LIVE_ROOM)
                    .when("room_id = :room")
                    .val(":room", str_av(&side.room_id))
                    .because("not_live"),
            );
            let mut score = Self::key(keys::battle(&b.id), keys::pk_side(&side.host_id));
            score.insert("score".into(), num_av(0));
            items.push(Action::put(self, score).because("duplicate_entry"));
            let mut window = Self::key(keys::room(&side.room_id), keys::room_pk(b.started_at, &b.id));
            window.insert("pk_id".into(), str_av(&b.id));
            window.insert("host_id".into(), str_av(&side.host_id));
            window.insert("started_at".into(), num_av(b.started_at));
            window.insert("ends_at".into(), num_av(b.ends_at));
            items.push(Action::put(self, window).because("duplicate_entry"));
        }
        if let Some(inv) = invitation {
            items.push(self.free_pk_pair(inv));
            items.push(
                Action::update(
                    self,
                    keys::pk_invitation(&inv.id),
                    keys::PK_INVITATION,
                    "SET #state = :to, battle_id = :b",
                )
                .name("#state", "state")
                .when("#state = :pending AND expires_at > :now")
                .val(":to", str_av("accepted"))
                .val(":b", str_av(&b.id))
                .val(":pending", str_av("pending"))
                .val(":now", num_av(b.started_at))
                .because("invitation_closed"),
            );
        }
        if let Some(host) = matched {
            items.push(
                Action::delete(self, keys::PK_QUEUE.to_string(), host)
                    .when("attribute_exists(pk)")
                    .because("match_taken"),
            );
        }
        self.transact(items).await
    }

    /// A battle with its sides' scores as they stand.
    pub async fn get_pk(&self, id: &str) -> Result<Option<PkBattle>> {
        let page = self.query_page(None, keys::battle(id), 10, None, None, false).await?;
        let mut battle: Option<PkBattle> = None;
        let mut scores: Vec<(String, i64)> = Vec::new();
        for item in page.items {
            let sk = item.get(crate::core::table::SK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            if sk == keys::PK_BATTLE {
                battle = Some(serde_dynamo::from_item(item)?);
            } else if let Some(host) = sk.strip_prefix(keys::PK_SIDE_PREFIX) {
                let score = item.get("score").and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
                scores.push((host.to_string(), score));
            }
        }
        Ok(battle.map(|mut b| {
            for side in &mut b.sides {
                side.score = scores.iter().find(|(h, _)| *h == side.host_id).map_or(0, |(_, v)| *v);
            }
            b
        }))
    }

    /// Ends an active battle at `at` (`pk_ended` when it was not active): the
    /// rooms' windows close at `at` too, and both hosts are free (a host's
    /// claim that a later battle took over, past this one's end, stays).
    pub async fn end_pk(&self, b: &PkBattle, at: i64) -> Result<()> {
        match self.end_pk_items(b, at, true).await {
            Err(Error::Condition("claim_moved")) => self.end_pk_items(b, at, false).await,
            other => other,
        }
    }

    async fn end_pk_items(&self, b: &PkBattle, at: i64, free_hosts: bool) -> Result<()> {
        let mut items = vec![
            Action::update(
                self,
                keys::battle(&b.id),
                keys::PK_BATTLE,
                "SET #state = :ended, ended_at = :at, ends_at = :at, gsi1sk = :sk",
            )
            .name("#state", "state")
            .when("#state = :active")
            .val(":ended", str_av("ended"))
            .val(":active", str_av("active"))
            .val(":at", num_av(at))
            .val(":sk", str_av(keys::by_time(at, &b.id)))
            .because("pk_ended"),
        ];
        for side in &b.sides {
            if free_hosts {
                items.push(
                    Action::delete(self, keys::account(&side.host_id), keys::PK_BUSY)
                        .when("attribute_not_exists(pk) OR pk_id = :id")
                        .val(":id", str_av(&b.id))
                        .because("claim_moved"),
                );
            }
            items.push(
                Action::update(
                    self,
                    keys::room(&side.room_id),
                    &keys::room_pk(b.started_at, &b.id),
                    "SET ends_at = :at",
                )
                .val(":at", num_av(at))
                .because("pk_ended"),
            );
        }
        self.transact(items).await
    }

    /// Writes an ended battle's result once (`pk_finished` when it has one):
    /// the final scores, the winner, each host's line on the PK boards and
    /// the winner's bonus with its ledger entry.
    pub async fn finish_pk(&self, b: &PkBattle, r: PkResult<'_>) -> Result<()> {
        let bonus = r.bonus.filter(|_| r.winner_counts);
        let mut items = vec![{
            let mut a = Action::update(
                self,
                keys::battle(&b.id),
                keys::PK_BATTLE,
                "SET result_at = :now, bonus = :bonus, sides = :sides, winner_host_id = :winner REMOVE gsi1pk, gsi1sk",
            )
            .name("#state", "state")
            .when("#state = :ended AND attribute_not_exists(result_at)")
            .val(":ended", str_av("ended"))
            .val(":now", num_av(r.now))
            .val(":bonus", num_av(bonus.as_ref().map_or(0, |c| c.entry.amount)));
            let sides: Vec<PkSide> = b
                .sides
                .iter()
                .map(|side| PkSide {
                    score: r.scores.iter().find(|(h, _)| *h == side.host_id).map_or(0, |(_, v)| *v),
                    ..side.clone()
                })
                .collect();
            a = a.val(":sides", serde_dynamo::to_attribute_value(&sides)?);
            a = a.val(":winner", r.winner.map_or(aws_sdk_dynamodb::types::AttributeValue::Null(true), str_av));
            a.because("pk_finished")
        }];
        // The bonus's own update of the winner's account carries the same guard.
        if let (Some(w), true, None) = (r.winner, r.winner_counts, &bonus) {
            items.push(
                Action::check(self, keys::account(w), keys::PROFILE)
                    .when("#role = :host AND NOT (banned = :true)")
                    .name("#role", "role")
                    .val(":host", str_av("host"))
                    .val(":true", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
                    .because("winner_ineligible"),
            );
        }
        for (host, score) in &r.scores {
            let won = r.winner_counts && r.winner == Some(host.as_str());
            let rank = if won { keys::PK_BOARD_RANK } else { 0 } + score;
            for bucket in &r.buckets {
                items.push(
                    Action::update(
                        self,
                        keys::pk_board(bucket),
                        host,
                        "SET host_id = :host, gsi3pk = :board ADD wins :won, battles :one, score :score, gsi3sk :rank",
                    )
                    .val(":host", str_av(host))
                    .val(":board", str_av(keys::pk_board(bucket)))
                    .val(":won", num_av(i64::from(won)))
                    .val(":one", num_av(1))
                    .val(":score", num_av(*score))
                    .val(":rank", num_av(rank))
                    .because("pk_finished"),
                );
            }
        }
        if let Some(bonus) = bonus {
            let winner = bonus.entry.account_id.clone();
            items.extend(self.wallet_items(&[bonus], &[&winner])?);
        }
        self.transact(items).await
    }

    /// Battles without a result whose end is at or before `upto`, soonest first.
    pub async fn open_pks(&self, upto: i64, limit: usize) -> Result<Vec<PkBattle>> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1.name)
            .key_condition_expression("gsi1pk = :pk AND gsi1sk <= :upto")
            .expression_attribute_values(":pk", str_av(keys::OPEN_PKS))
            .expression_attribute_values(":upto", str_av(keys::by_time_upto(upto)))
            .limit(limit as i32)
            .send()
            .await?;
        out.items.unwrap_or_default().into_iter().map(|i| Ok(serde_dynamo::from_item(i)?)).collect()
    }

    /// The room's battles that started at or before `upto`, latest first (a few).
    pub async fn room_pk_windows(&self, room: &str, upto: i64) -> Result<Vec<PkWindow>> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", str_av(keys::room(room)))
            .expression_attribute_values(":from", str_av(keys::ROOM_PK_PREFIX))
            .expression_attribute_values(":to", str_av(format!("{}~", keys::room_pk(upto, ""))))
            .scan_index_forward(false)
            .limit(4)
            .consistent_read(true)
            .send()
            .await?;
        out.items.unwrap_or_default().into_iter().map(|i| Ok(serde_dynamo::from_item(i)?)).collect()
    }

    /// A side's biggest gifters: (sender, coins), most first.
    pub async fn pk_top_gifters(&self, pk: &str, side: &str, n: usize) -> Result<Vec<(String, i64)>> {
        self.top_of((0..keys::PK_GIFTER_SHARDS).map(|shard| keys::pk_gifters(pk, side, shard)).collect(), n).await
    }

    /// Waiting hosts, oldest first.
    pub async fn pk_queue(&self, limit: usize) -> Result<Vec<PkWaiting>> {
        let page = self.query_page(None, keys::PK_QUEUE.to_string(), limit, None, None, false).await?;
        let mut out: Vec<PkWaiting> =
            page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        out.sort_by(|a, b| a.since.cmp(&b.since).then_with(|| a.host_id.cmp(&b.host_id)));
        Ok(out)
    }

    pub async fn join_pk_queue(&self, w: &PkWaiting) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(w)?;
        item.extend(Self::key(keys::PK_QUEUE.to_string(), &w.host_id));
        self.write_one(Action::put(self, item).because("duplicate_entry")).await
    }

    /// Off the queue; `Ok(false)` when the host was not on it.
    pub async fn leave_pk_queue(&self, host: &str) -> Result<bool> {
        match self
            .write_one(
                Action::delete(self, keys::PK_QUEUE.to_string(), host)
                    .when("attribute_exists(pk)")
                    .because("not_waiting"),
            )
            .await
        {
            Ok(()) => Ok(true),
            Err(Error::Condition("not_waiting")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn pk_waiting(&self, host: &str) -> Result<Option<PkWaiting>> {
        self.get_as(keys::PK_QUEUE.to_string(), host).await
    }

    /// The top `limit` hosts of a PK board bucket: most wins, then score.
    pub async fn pk_board(&self, bucket: &str, limit: usize) -> Result<Vec<PkStanding>> {
        let page = self.query_page(Some(&GSI3), keys::pk_board(bucket), limit, None, None, true).await?;
        page.items.into_iter().map(|i| Ok(serde_dynamo::from_item(i)?)).collect()
    }

    /// (sender, coins) entries of the given GSI3 partitions, most coins first
    /// (equal coins by id), the top `n` of their merge.
    pub(crate) async fn top_of(&self, partitions: Vec<String>, n: usize) -> Result<Vec<(String, i64)>> {
        let shards = partitions.into_iter().map(|p| self.query_page(Some(&GSI3), p, n, None, None, true));
        let mut all: Vec<(String, i64)> = Vec::new();
        for page in futures_util::future::try_join_all(shards).await? {
            all.extend(page.items.iter().filter_map(|i| {
                let id = i.get("sender_id")?.as_s().ok()?.clone();
                let coins = i.get("coins")?.as_n().ok()?.parse().ok()?;
                Some((id, coins))
            }));
        }
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(n);
        Ok(all)
    }
}
