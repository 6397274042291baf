//! How resources look in answers (PRODUCT.md's field names).

use serde_json::{Value, json};
use store::{Account, Role};

pub fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The public profile anyone signed in may see.
pub fn profile(a: &Account, is_following: Option<bool>) -> Value {
    let mut v = json!({
        "id": a.id,
        "name": a.name,
        "role": a.role,
        "bio": a.bio,
        "avatar_id": a.avatar_id,
        "followers": a.followers,
        "following": a.following,
        "posts": a.posts,
        "created_at": time(a.created_at),
    });
    if a.role == Role::Host {
        v["call_price"] = json!(a.call_price);
        v["online"] = json!(a.online);
    }
    if let Some(f) = is_following {
        v["is_following"] = json!(f);
    }
    v
}

/// The owner's own view: the public profile plus private fields.
pub fn me(a: &Account) -> Value {
    let mut v = profile(a, None);
    v["email"] = json!(a.email);
    v["phone"] = json!(a.phone);
    v["gender"] = json!(a.gender);
    v["birthday"] = json!(a.birthday);
    v["language"] = json!(a.language);
    v["interest_ids"] = json!(a.interest_ids);
    v
}

/// An entry of a followers/following list.
pub fn account_summary(a: &Account, followed_at: i64) -> Value {
    json!({
        "id": a.id,
        "name": a.name,
        "role": a.role,
        "avatar_id": a.avatar_id,
        "followed_at": time(followed_at),
    })
}

/// A ledger line as `GET /me/transactions` shows it.
pub fn ledger_entry(e: &store::LedgerEntry) -> Value {
    let mut v = serde_json::to_value(e).expect("plain struct");
    v.as_object_mut().expect("object").remove("account_id");
    v["created_at"] = json!(time(e.created_at));
    v
}
