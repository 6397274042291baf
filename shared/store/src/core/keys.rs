//! Every partition and sort key of the single table. See `table.rs` for the
//! access-pattern table these serve.

pub fn account(id: &str) -> String {
    format!("ACCOUNT#{id}")
}
pub const PROFILE: &str = "PROFILE";
/// Under `account(id)`: the account's entry in the admin lists (GSI1 `ACCOUNTS`
/// by name, GSI2 `HOSTS`), apart from the profile so that moving coins (a
/// profile write) rewrites no index entry.
pub const DIRECTORY: &str = "DIRECTORY";
pub fn login(login: &str) -> String {
    format!("LOGIN#{login}")
}
pub const LOGIN: &str = "LOGIN";
pub const LOCKOUT: &str = "LOCKOUT";
pub const RESET: &str = "RESET";
/// Under `account(id)`: the code that verifies the account's e-mail or phone.
pub const VERIFY_EMAIL: &str = "VERIFY#email";
pub const VERIFY_PHONE: &str = "VERIFY#phone";
pub fn session(id: &str) -> String {
    format!("SESSION#{id}")
}
pub const SESSION_PREFIX: &str = "SESSION#";
pub fn refresh(hash: &str) -> String {
    format!("REFRESH#{hash}")
}
pub const REFRESH: &str = "REFRESH";
/// A device push token's one owner (an account and the login that registered it).
pub fn push_token_owner(hash: &str) -> String {
    format!("PUSHTOKEN#{hash}")
}
pub const PUSH_TOKEN_OWNER: &str = "OWNER";
pub fn push_token(hash: &str) -> String {
    format!("PUSH#{hash}")
}
pub const ADMIN_SENTINEL: &str = "SINGLETON#ADMIN";
pub fn follows(followee: &str) -> String {
    format!("FOLLOWS#{followee}")
}
pub fn followers_of(id: &str) -> String {
    format!("FOLLOWERS#{id}")
}
pub fn following_of(id: &str) -> String {
    format!("FOLLOWING#{id}")
}
/// Time-ordered sort key for "newest first" lists: fixed-width millis, then the
/// id so two entries in the same millisecond stay distinct.
pub fn by_time(ms: i64, id: &str) -> String {
    format!("{ms:015}#{id}")
}
pub fn ledger(entry_id: &str) -> String {
    format!("LEDGER#{entry_id}")
}
pub const LEDGER_PREFIX: &str = "LEDGER#";
/// Under `account(host)`: what the host earned on one UTC day (`yyyy-mm-dd`),
/// so the host panel never reads the ledger.
pub fn earning_day(day: &str) -> String {
    format!("DAY#{day}")
}
/// The UTC day (`yyyy-mm-dd`) of a time in ms.
pub fn day_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().format("%Y-%m-%d").to_string()
}
/// Under `account(id)`: a bonus-coin grant, by when it expires (`wallet::bonus`).
pub fn bonus_grant(expires_at: i64, id: &str) -> String {
    format!("BONUS#{}", by_time(expires_at, id))
}
pub const BONUS_PREFIX: &str = "BONUS#";
/// GSI1 partitions of bonus grants by the UTC day they expire (sharded by
/// account), by expiry time: the expiry schedule's work list.
pub const BONUS_DUE_SHARDS: u32 = 8;
pub fn bonus_due(day: &str, shard: u32) -> String {
    format!("BONUSDUE#{day}#{shard}")
}
/// Under `account(id)`: proof that a once-a-period reward was taken
/// (`checkin` / `vip` per economy day, a task per its period, the first recharge).
pub fn claim(kind: &str, period: &str) -> String {
    format!("CLAIM#{kind}#{period}")
}
/// A payment fingerprint (card, provider customer, store account) that took
/// the first-recharge offer: once per fingerprint across accounts.
pub fn offer_fingerprint(offer: &str, fingerprint: &str) -> String {
    format!("OFFERFP#{offer}#{fingerprint}")
}
pub const OFFER_FINGERPRINT: &str = "OFFERFP";
/// A rate limit's counter: one item per scope, key and fixed window.
pub fn rate(scope: &str, key: &str) -> String {
    format!("RATE#{scope}#{key}")
}
pub fn rate_window(start_ms: i64) -> String {
    format!("W#{start_ms}")
}
pub fn idempotency(account_id: &str, key: &str) -> String {
    format!("IDEM#{account_id}#{key}")
}
pub const IDEMPOTENCY: &str = "IDEM";
pub fn catalog_item(kind: &str, id: &str) -> String {
    format!("{kind}#{id}")
}
/// The GSI1 partition listing a catalog's active (or retired) items.
pub fn catalog_list(kind: &str, active: bool) -> String {
    if active { format!("CATALOG#{kind}") } else { format!("CATALOG#{kind}#RETIRED") }
}
pub fn room(id: &str) -> String {
    format!("ROOM#{id}")
}
pub const ROOM: &str = "ROOM";
/// Under `room(id)`: the room's gift total, apart from the room item (whose
/// index entries every gift would otherwise rewrite); the aggregator's alone.
pub const ROOM_TOTAL: &str = "TOTAL";
/// A room's gifter entry (`ROOMGIFTER#room#sender` / `GIFTER`): its own
/// partition, so a crowd's entries do not share the room's 1,000 writes/s.
pub fn room_gifter(room: &str, sender: &str) -> String {
    format!("ROOMGIFTER#{room}#{sender}")
}
pub const GIFTER: &str = "GIFTER";
/// Shards of a room's top-gifters index, by sender.
pub const ROOM_GIFTER_SHARDS: u32 = 8;
/// Under `account(viewer)`: the viewer is in the room (counted once). On the
/// viewer's partition, so a crowd joining one room shares no item but its
/// viewer-count shards.
pub fn viewing(room: &str) -> String {
    format!("VIEWING#{room}")
}
/// Shards of a room's viewer count: a join adds to the shard of its viewer.
pub const VIEWER_SHARDS: u32 = 16;
/// One shard of a room's viewer count (its own partition: the room's takes the rest).
pub fn room_viewers(room: &str, shard: u32) -> String {
    format!("ROOMVIEWERS#{room}#{shard}")
}
pub const VIEWERS: &str = "VIEWERS";
/// GSI3 partition (one of `ROOM_GIFTER_SHARDS`) of a room's gifters, by coins.
pub fn room_gifters(room: &str, shard: u32) -> String {
    format!("ROOM_GIFTERS#{room}#{shard}")
}
/// Shards of the live-room list: every join and leave rewrites the room's
/// GSI3 sort key, and one partition key takes ~1,000 writes/s (see docs/performance.md).
pub const LIVE_ROOM_SHARDS: u32 = 16;
/// GSI3 partition (one of `LIVE_ROOM_SHARDS`) of the live rooms, by viewers.
pub fn live_rooms(shard: u32) -> String {
    format!("ROOMS#LIVE#{shard}")
}
pub fn live_rooms_of(room: &str) -> String {
    live_rooms(shard_of(room, LIVE_ROOM_SHARDS))
}
/// Under `account(host)`: the host's live room.
pub const LIVE_ROOM: &str = "LIVE_ROOM";
pub fn call(id: &str) -> String {
    format!("CALL#{id}")
}
pub const CALL: &str = "CALL";
/// Under `account(a)`: one of a's calls (made or received), newest first.
pub fn call_ref(created_ms: i64, call_id: &str) -> String {
    format!("CALLREF#{}", by_time(created_ms, call_id))
}
pub const CALL_REF_PREFIX: &str = "CALLREF#";
/// Under `account(a)`: the active call a is in.
pub const BUSY: &str = "BUSY";
/// Under `account(caller)`: the caller's ringing request.
pub const RINGING: &str = "RINGING";
/// Under `account(host)`: a ringing request to the host.
pub fn incoming(call_id: &str) -> String {
    format!("INCOMING#{call_id}")
}
pub const INCOMING_PREFIX: &str = "INCOMING#";
/// Shards of the tick's call indexes: every call minute rewrites the active
/// call's GSI1 sort key (see docs/performance.md for the arithmetic).
pub const CALL_SHARDS: u32 = 16;
/// GSI1 partitions of calls the tick looks at: active by paid-until, ringing by creation.
pub fn active_calls(shard: u32) -> String {
    format!("CALLS#ACTIVE#{shard}")
}
pub fn ringing_calls(shard: u32) -> String {
    format!("CALLS#RINGING#{shard}")
}
/// Shards of a day log (`crate::daylog`): calls and recharges by the day they began.
pub const DAY_LOG_SHARDS: u32 = 16;
/// GSI3 partition of one shard of `kind`'s log of `day` (yyyy-mm-dd).
pub fn day_log(kind: &str, day: &str, shard: u32) -> String {
    format!("{kind}#DAY#{day}#{shard}")
}
pub const CALL_LOG: &str = "CALLS";
pub const RECHARGE_LOG: &str = "RECHARGES";
/// Which of `n` shards an id falls in: FNV-1a, stable across builds and
/// versions (std's hasher promises neither).
pub fn shard_of(id: &str, n: u32) -> u32 {
    let hash = id.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ b as u32).wrapping_mul(0x0100_0193));
    hash % n
}
/// The largest sort key of `by_time(ms, _)`: everything at or before `ms`.
pub fn by_time_upto(ms: i64) -> String {
    format!("{ms:015}#~")
}
pub fn recharge(id: &str) -> String {
    format!("RECHARGE#{id}")
}
pub const RECHARGE: &str = "RECHARGE";
/// An account's recharges, newest first (GSI2: the buyer's own list).
pub fn recharges_of(account: &str) -> String {
    format!("RECHARGES#{account}")
}
/// A provider's refund or dispute already applied to a recharge (deduplication).
pub fn refund_event(provider: &str, id: &str) -> String {
    format!("REFUNDEVT#{provider}#{id}")
}
pub const REFUND_EVENT: &str = "REFUNDEVT";
/// Which coin package sells a store's in-app product (one per product).
pub fn store_product(store: &str, product_id: &str) -> String {
    format!("STOREPRODUCT#{store}#{product_id}")
}
pub const STORE_PRODUCT: &str = "STOREPRODUCT";
/// GSI1 partition of a store's credited purchases not consumed yet (retried by a schedule).
pub fn unconsumed(store: &str) -> String {
    format!("UNCONSUMED#{store}")
}
/// A store notification already handled (its message id), kept a week.
pub fn store_message(store: &str, id: &str) -> String {
    format!("STOREMSG#{store}#{id}")
}
pub const STORE_MESSAGE: &str = "STOREMSG";
/// Where the voided-purchases backstop got to (`last_ms`).
pub fn store_checkpoint(store: &str) -> String {
    format!("STORECHECKPOINT#{store}")
}
pub fn payment_ref(provider: &str, reference: &str) -> String {
    format!("PAYREF#{provider}#{reference}")
}
pub const PAYMENT_REF: &str = "PAYREF";
pub fn post(id: &str) -> String {
    format!("POST#{id}")
}
pub const POST: &str = "POST";
/// Under `post(id)`: what hangs on a post (one like/view per account; comments and shares by ulid).
pub fn post_like(account: &str) -> String {
    format!("LIKE#{account}")
}
pub fn post_view(account: &str) -> String {
    format!("VIEW#{account}")
}
pub fn post_comment(comment_id: &str) -> String {
    format!("COMMENT#{comment_id}")
}
pub const COMMENT_PREFIX: &str = "COMMENT#";
pub fn post_share(share_id: &str) -> String {
    format!("SHARE#{share_id}")
}
/// GSI2 partition of an author's posts; GSI1 partitions of everyone's posts and of posts being deleted.
pub fn posts_by(author: &str) -> String {
    format!("POSTS_BY#{author}")
}
pub const ALL_POSTS: &str = "POSTS#ALL";
pub const DELETING_POSTS: &str = "POSTS#DELETING";
/// Under `account(follower)`: a followed account's post in the follower's feed.
pub fn feed_entry(created_ms: i64, post_id: &str) -> String {
    format!("FEED#{}", by_time(created_ms, post_id))
}
pub const FEED_PREFIX: &str = "FEED#";
/// GSI1 partition of a post's feed entries (to remove them with the post).
pub fn feed_of(post_id: &str) -> String {
    format!("FEEDOF#{post_id}")
}
pub fn site_page(slug: &str) -> String {
    format!("PAGE#{slug}")
}
pub const SITE_PAGE: &str = "PAGE";
/// The audit log's partition (admin and agency actions are few).
pub const AUDIT: &str = "AUDIT";
/// The partition of every broadcast, by time (`by_time`).
pub const BROADCASTS: &str = "BROADCASTS";
/// GSI1 partition of all accounts and GSI2 partition of hosts, by `name_key`.
pub const ACCOUNTS: &str = "ACCOUNTS";
pub const HOSTS: &str = "HOSTS";
/// Sorts and searches by name (case-insensitive); the id keeps equal names apart.
pub fn name_key(name: &str, id: &str) -> String {
    format!("{}#{id}", name.to_lowercase())
}
pub fn agency(id: &str) -> String {
    format!("AGENCY#{id}")
}
pub const AGENCY: &str = "AGENCY";
/// An agency's code, unique: `AGENCYCODE#code` / `AGENCYCODE` → agency id.
pub fn agency_code(code: &str) -> String {
    format!("AGENCYCODE#{code}")
}
pub const AGENCY_CODE: &str = "AGENCYCODE";
/// An agency invitation by the keyed hash of its one-time code → agency id.
pub fn agency_invite(code_hash: &str) -> String {
    format!("AGENCYINVITE#{code_hash}")
}
pub const AGENCY_INVITE: &str = "AGENCYINVITE";
/// GSI1 partition of agencies by name.
pub const AGENCIES: &str = "AGENCIES";
/// GSI2 of a sub-agency: its parent's sub-agencies, by name.
pub fn sub_agencies(parent: &str) -> String {
    format!("SUBAGENCIES#{parent}")
}
/// Under `SETTINGS`: the agency commission tiers.
pub const AGENCY_TIERS: &str = "AGENCYTIERS";
/// Under `agency(id)`: a current host; a former host whose earnings under the agency are unsettled.
pub fn agency_host(host: &str) -> String {
    format!("HOST#{host}")
}
pub const AGENCY_HOST_PREFIX: &str = "HOST#";
pub fn former_host(host: &str) -> String {
    format!("FORMER#{host}")
}
pub const FORMER_HOST_PREFIX: &str = "FORMER#";
pub fn host_application(id: &str) -> String {
    format!("HOSTAPP#{id}")
}
pub const HOST_APPLICATION: &str = "HOSTAPP";
/// Under `account(a)`: a's pending application (one at a time).
pub const PENDING_APPLICATION: &str = "HOSTAPP_PENDING";
/// GSI1: an agency's applications by status; GSI2: all by status; GSI3: an account's.
pub fn applications_of(agency: &str, status: &str) -> String {
    format!("HOSTAPPS#{agency}#{status}")
}
pub fn applications_by_status(status: &str) -> String {
    format!("HOSTAPPS#{status}")
}
pub fn applications_by(account: &str) -> String {
    format!("MYAPPS#{account}")
}
pub fn settlement(id: &str) -> String {
    format!("SETTLEMENT#{id}")
}
pub const SETTLEMENT: &str = "SETTLEMENT";
/// GSI1: an agency's settlements; GSI2: a host's; GSI3: all (admins).
pub fn settlements_of_agency(agency: &str) -> String {
    format!("SETTLEMENTS_OF_AGENCY#{agency}")
}
pub fn settlements_of_host(host: &str) -> String {
    format!("SETTLEMENTS_OF_HOST#{host}")
}
pub const SETTLEMENTS: &str = "SETTLEMENTS";
/// Under `account(a)`: one of a's notifications.
pub fn notification(id: &str) -> String {
    format!("NOTIF#{id}")
}
pub const NOTIFICATION_PREFIX: &str = "NOTIF#";
/// Shards of the platform's counters: every gift, recharge and call minute
/// adds to one, so a busy day is 16 items, not one hot one.
pub const STATS_SHARDS: u32 = 16;
/// One shard of one UTC day's platform counters (the admin dashboard).
pub fn stats_day(day: &str, shard: u32) -> String {
    format!("STATS#DAY#{day}#{shard}")
}
/// One shard of the running platform totals (unsettled earnings, coins in wallets).
pub fn stats_total(shard: u32) -> String {
    format!("STATS#TOTAL#{shard}")
}
pub const STATS: &str = "STATS";
/// One shard of the gift types' counters (`sent#<gift>`, `coins#<gift>`).
pub fn stats_gifts(shard: u32) -> String {
    format!("STATS#GIFTS#{shard}")
}
/// Under `account(blocker)`: a block of `blocked`.
pub fn block(blocked: &str) -> String {
    format!("BLOCK#{blocked}")
}
/// Under `account(blocked)`: the same block, seen from the blocked side (what
/// the blocked account's own transactions check, on their own partition).
pub fn blocked_by(blocker: &str) -> String {
    format!("BLOCKED_BY#{blocker}")
}
/// GSI1 partition of an account's blocks, newest first.
pub fn blocks_of(blocker: &str) -> String {
    format!("BLOCKS#{blocker}")
}
pub fn report(id: &str) -> String {
    format!("REPORT#{id}")
}
pub const REPORT: &str = "REPORT";
/// A reporter's one open report of a target (`type#id`): its claim.
pub fn open_report(reporter: &str, target_type: &str, target_id: &str) -> String {
    format!("REPORTOPEN#{reporter}#{target_type}#{target_id}")
}
pub const OPEN_REPORT: &str = "REPORTOPEN";
/// GSI1 partition of reports by status (`open`, `resolved`), oldest first.
pub fn reports(status: &str) -> String {
    format!("REPORTS#{status}")
}
/// GSI2 partition of a comment by its id alone (reports name comments so).
pub fn comment_by_id(comment_id: &str) -> String {
    format!("COMMENTID#{comment_id}")
}
/// GSI2 partition of the room or call that owns an Agora channel.
pub fn channel(name: &str) -> String {
    format!("CHANNEL#{name}")
}
/// Under `room(id)`: which account an Agora uid is (written when it joins).
pub fn room_uid(uid: u32) -> String {
    format!("UID#{uid}")
}
/// An Agora notification already handled (its noticeId), kept a week.
pub fn agora_notice(id: &str) -> String {
    format!("AGORANOTICE#{id}")
}
pub const AGORA_NOTICE: &str = "AGORANOTICE";
/// The last `clientSeq` handled for a uid in a channel (events come out of order).
pub fn agora_seq(channel: &str, uid: u32) -> String {
    format!("AGORASEQ#{channel}#{uid}")
}
pub const AGORA_SEQ: &str = "AGORASEQ";
/// Under `account(host)`: one of the host's room moderators.
pub fn moderator(user: &str) -> String {
    format!("MOD#{user}")
}
pub const MODERATOR_PREFIX: &str = "MOD#";
/// Under `room(id)`: a viewer kicked out (until when), a viewer muted.
pub fn room_kick(user: &str) -> String {
    format!("KICK#{user}")
}
/// Under `account(user)`: the same kick, seen from the kicked side (what a join checks).
pub fn kicked_from(room: &str) -> String {
    format!("KICKED#{room}")
}
pub fn room_mute(user: &str) -> String {
    format!("MUTE#{user}")
}
/// One gifter's or host's leaderboard entry: its day, week and all-time coins.
pub fn board(kind: &str, subject: &str) -> String {
    format!("BOARD#{kind}#{subject}")
}
pub const BOARD: &str = "BOARD";
/// Shards of each leaderboard's index partition: a busy day's gifts spread
/// over 32 partitions, never one; a subject's entry lives in one of them.
pub const BOARD_SHARDS: u32 = 32;
/// The index partition (GSI3 all time, GSI4 a week, GSI5 a day) of one shard of a board.
pub fn board_rank(kind: &str, period: &str, shard: u32) -> String {
    format!("LB#{kind}#{period}#{shard}")
}
/// The ISO week (`2026-W48`, UTC) of a time in ms.
pub fn week_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().format("%G-W%V").to_string()
}
/// A reconciliation run's report.
pub fn reconcile(run_id: &str) -> String {
    format!("RECONCILE#{run_id}")
}
pub const RECONCILE_REPORT: &str = "REPORT";
/// Where an unfinished run got to (one at a time).
pub const RECONCILE_CURRENT: &str = "RECONCILE";
pub const RECONCILE_CHECKPOINT: &str = "CHECKPOINT";
/// Beside it: the windowed reconciliation's watermark.
pub const RECONCILE_WINDOWS: &str = "WINDOWS";
/// A window's shards as their workers left them (`RECONCILE#SHARDS#hour` /
/// `SHARD#k`): where each got to and what it found so far.
pub fn reconcile_shards(hour: &str) -> String {
    format!("RECONCILE#SHARDS#{hour}")
}
pub fn reconcile_shard(shard: u32) -> String {
    format!("SHARD#{shard:02}")
}
/// A money movement's event (`event(id, host)` / `event_sk(id)`), written by
/// the payer's transaction and applied once by the aggregator
/// (`crate::wallet::events`). A credit's event lives in one of its host's
/// `HOST_EVENT_SHARDS` partitions: the stream hands the records of one
/// partition key to one invocation at a time, so at most that many apply a
/// host's side at once (instead of every invocation meeting on the host's
/// items), while each partition takes a fraction of the host's gift rate.
/// Other events have their own partition.
pub fn event(id: &str, host: Option<&str>) -> String {
    match host {
        Some(h) => format!("EVENTS#{h}#{}", shard_of(id, HOST_EVENT_SHARDS)),
        None => format!("EVENT#{id}"),
    }
}
pub fn event_sk(id: &str) -> String {
    format!("{EVENT_PREFIX}{id}")
}
pub const EVENT_PREFIX: &str = "EVENT#";
pub const HOST_EVENT_SHARDS: u32 = 16;
/// GSI2 partitions of every event by the hour it was written in (kept: the
/// windowed reconciliation reads a window's events, never the table), by id.
pub const WINDOW_SHARDS: u32 = 64;
pub fn events_at(hour: &str, shard: u32) -> String {
    format!("EVENTS#AT#{hour}#{shard}")
}
/// The hour (`yyyy-mm-ddThh`, UTC) of a time in ms.
pub fn hour_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().format("%Y-%m-%dT%H").to_string()
}
/// Under `account(id)`: where the windowed reconciliation last found the
/// account's balances equal to its ledger (balances and the last entry's key).
pub const CHECKPOINT: &str = "CHECKPOINT";
/// GSI1 partitions of events not applied yet (sharded: every money
/// transaction writes one entry), by creation time; the sweeper reads them.
pub const PENDING_SHARDS: u32 = 64;
pub fn pending_events(shard: u32) -> String {
    format!("EVENTS#PENDING#{shard}")
}
/// A PK invitation (`PKINVITE#id` / `INVITE`); GSI1 lists a host's incoming ones.
pub fn pk_invitation(id: &str) -> String {
    format!("PKINVITE#{id}")
}
pub const PK_INVITATION: &str = "INVITE";
pub fn pk_invitations_to(host: &str) -> String {
    format!("PKINVITES_TO#{host}")
}
/// A live channel's log (`/rooms/id`, `/users/id`): its seq counter and its
/// last 10 minutes of messages by seq (`crate::channels`).
pub fn channel_log(channel: &str) -> String {
    format!("CHANLOG#{channel}")
}
pub const CHANNEL_SEQ: &str = "SEQ";
pub fn channel_message(seq: i64) -> String {
    format!("{CHANNEL_MESSAGE_PREFIX}{seq:015}")
}
pub const CHANNEL_MESSAGE_PREFIX: &str = "MSG#";
/// Under `room(id)`: the gifts one aggregation transaction credited in the
/// room (`crate::channels::GiftBatch`), for its channel's `gifts` messages.
pub fn gift_batch(id: &str) -> String {
    format!("{GIFT_BATCH_PREFIX}{id}")
}
pub const GIFT_BATCH_PREFIX: &str = "GIFTBATCH#";
/// A room's chat lines (`chat_line`), apart from the room's own partition.
pub fn room_chat(room: &str) -> String {
    format!("CHAT#{room}")
}
pub fn chat_line(id: &str) -> String {
    format!("{CHAT_LINE_PREFIX}{id}")
}
pub const CHAT_LINE_PREFIX: &str = "LINE#";
/// Under `account(id)`: its last chat line's time in a room (slow mode).
pub fn chat_last(room: &str) -> String {
    format!("CHATLAST#{room}")
}
/// Under `SETTINGS`: the words masked in room chat.
pub const CHAT_WORDS: &str = "CHATWORDS";
pub fn channel_claim(key: &str) -> String {
    format!("CLAIM#{key}")
}
/// Two hosts' one pending invitation at a time, either way (`PKPAIR#a#b` / `INVITE`, ids in order).
pub fn pk_pair(a: &str, b: &str) -> String {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    format!("PKPAIR#{lo}#{hi}")
}
/// A PK battle (`PK#id` / `BATTLE`) and its sides (`SIDE#host`, the scores the aggregator adds to).
pub fn battle(id: &str) -> String {
    format!("PK#{id}")
}
pub const PK_BATTLE: &str = "BATTLE";
pub fn pk_side(host: &str) -> String {
    format!("SIDE#{host}")
}
pub const PK_SIDE_PREFIX: &str = "SIDE#";
/// Under `account(host)`: the host's one PK at a time (`host_busy`).
pub const PK_BUSY: &str = "PKBUSY";
/// Under `room(id)`: a PK the room took part in, by start (the aggregator
/// finds the battle a gift's event time falls in).
pub fn room_pk(started_ms: i64, pk_id: &str) -> String {
    format!("{ROOM_PK_PREFIX}{started_ms:015}#{pk_id}")
}
pub const ROOM_PK_PREFIX: &str = "PKWIN#";
/// GSI1: battles without a final result, by end time (the `end-pk-battles` schedule).
pub const OPEN_PKS: &str = "PKS#OPEN";
/// A sender's coins on one side of a battle (its own partition, like a room's gifters).
pub fn pk_gifter(pk: &str, side: &str, sender: &str) -> String {
    format!("PKGIFTER#{pk}#{side}#{sender}")
}
/// GSI3 partition (one of `PK_GIFTER_SHARDS`) of a side's gifters, by coins.
pub fn pk_gifters(pk: &str, side: &str, shard: u32) -> String {
    format!("PK_GIFTERS#{pk}#{side}#{shard}")
}
pub const PK_GIFTER_SHARDS: u32 = 4;
/// Hosts waiting for a random PK (`POST /pk/match`), one item per host.
pub const PK_QUEUE: &str = "PKQUEUE";
/// The PK board of a day (`day#2026-12-04`) or ISO week (`week#2026-W49`): one
/// entry per host; GSI3 sorts it by wins, then score (`PK_BOARD_RANK`).
pub fn pk_board(bucket: &str) -> String {
    format!("PKBOARD#{bucket}")
}
/// A win weighs more than any score a host could gather in a period.
pub const PK_BOARD_RANK: i64 = 10_000_000_000_000;
/// The admin's settings (percentages), one item.
pub const SETTINGS: &str = "SETTINGS";
/// Under `SETTINGS`: the wealth and charm level tables.
pub const LEVELS: &str = "LEVELS";
/// Under `SETTINGS`: the task catalog.
pub const TASKS: &str = "TASKS";
/// The task progress periods an event at some time counts in: its economy
/// day's, its week's and all time's (`D#yyyy-mm-dd`, `W#yyyy-Www`, `O`).
#[derive(Clone, Debug, PartialEq)]
pub struct Periods(pub Vec<String>);
/// Under `account(id)`: task progress in a period (`D#day`, `W#week`, `O`).
pub fn task_progress(period: &str) -> String {
    format!("TASKP#{period}")
}
/// Under `account(id)`: the reminder that VIP `tier` ends soon; GSI1 lists
/// the reminders by the day they are due (sharded by account), by time.
pub fn vip_reminder(tier: i64) -> String {
    format!("VIPREMIND#{tier}")
}
pub const VIP_REMINDER_SHARDS: u32 = 8;
pub fn vip_reminders_due(day: &str, shard: u32) -> String {
    format!("VIPREMIND#{day}#{shard}")
}
/// Under `SETTINGS`: the VIP tiers.
pub const VIP_TIERS: &str = "VIPTIERS";
/// Under `room(id)`: seat `n` of the room (`SEAT#01`).
pub fn seat(n: i64) -> String {
    format!("{SEAT_PREFIX}{n:02}")
}
pub const SEAT_PREFIX: &str = "SEAT#";
/// Under `account(id)`: the one seat the account holds (room and seat).
pub const SEATED: &str = "SEATED";
/// Under `room(id)`: a viewer's request for a seat.
pub fn seat_request(account: &str) -> String {
    format!("{SEAT_REQUEST_PREFIX}{account}")
}
pub const SEAT_REQUEST_PREFIX: &str = "SEATREQ#";
/// Under `room(id)`: the host's invitation of an account to a seat.
pub fn seat_invite(account: &str) -> String {
    format!("SEATINVITE#{account}")
}
/// Under `room(id)`: Agora rules that stop a former guest publishing there (lifted when seated again).
pub fn publish_bans(account: &str) -> String {
    format!("SEATBAN#{account}")
}
// Getting paid (KYC, payout accounts, withdrawals, statements): `payout_keys`.
pub use super::payout_keys::*;
