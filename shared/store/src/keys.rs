//! Every partition and sort key of the single table. See `table.rs` for the
//! access-pattern table these serve.

pub fn account(id: &str) -> String {
    format!("ACCOUNT#{id}")
}
pub const PROFILE: &str = "PROFILE";
pub fn login(login: &str) -> String {
    format!("LOGIN#{login}")
}
pub const LOGIN: &str = "LOGIN";
pub const LOCKOUT: &str = "LOCKOUT";
pub const RESET: &str = "RESET";
pub fn session(id: &str) -> String {
    format!("SESSION#{id}")
}
pub const SESSION_PREFIX: &str = "SESSION#";
pub fn refresh(hash: &str) -> String {
    format!("REFRESH#{hash}")
}
pub const REFRESH: &str = "REFRESH";
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
pub fn room_gifter(sender: &str) -> String {
    format!("GIFTER#{sender}")
}
pub fn room_viewer(viewer: &str) -> String {
    format!("VIEWER#{viewer}")
}
/// GSI3 partition of a room's gifters, by coins.
pub fn room_gifters(room: &str) -> String {
    format!("ROOM_GIFTERS#{room}")
}
/// GSI3 partition of the live rooms, by viewers.
pub const LIVE_ROOMS: &str = "ROOMS#LIVE";
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
/// GSI1 partitions of calls the tick looks at: active by paid-until, ringing by creation.
pub const ACTIVE_CALLS: &str = "CALLS#ACTIVE";
pub const RINGING_CALLS: &str = "CALLS#RINGING";
/// The largest sort key of `by_time(ms, _)`: everything at or before `ms`.
pub fn by_time_upto(ms: i64) -> String {
    format!("{ms:015}#~")
}
pub fn recharge(id: &str) -> String {
    format!("RECHARGE#{id}")
}
pub const RECHARGE: &str = "RECHARGE";
pub fn payment_ref(provider: &str, reference: &str) -> String {
    format!("PAYREF#{provider}#{reference}")
}
pub const PAYMENT_REF: &str = "PAYREF";
