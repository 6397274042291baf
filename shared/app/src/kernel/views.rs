//! How resources look in answers (PRODUCT.md's field names).

use crate::kernel::levels::Levels;
use serde::Serialize;
use serde_json::Value;
use store::{Account, Role};
use utoipa::ToSchema;

/// A typed answer as the JSON body it is: the document declares the type.
pub fn body<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("a plain struct")
}

pub fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Who someone is, the one view of a person: alone, or flattened into every
/// view that shows one (a profile, a list entry, a board's place).
#[derive(Serialize, ToSchema)]
pub struct Person {
    pub id: String,
    pub name: String,
    /// user, host, agency or admin
    #[schema(schema_with = crate::kernel::vocab::role)]
    pub role: &'static str,
    pub avatar_id: Option<String>,
    /// From paid coins spent (1 XP a coin), shown beside the name
    #[schema(minimum = 1, maximum = 50)]
    pub wealth_level: i64,
    /// From earnings of paid coins received
    #[schema(minimum = 1, maximum = 50)]
    pub charm_level: i64,
}

/// `a` as lists show a person, with its levels in `levels`' tables.
pub fn person(a: &Account, levels: &Levels) -> Person {
    Person {
        id: a.id.clone(),
        name: a.name.clone(),
        role: a.role.as_str(),
        avatar_id: a.avatar_id.clone(),
        wealth_level: levels.wealth_level(a.wealth_xp),
        charm_level: levels.charm_level(a.charm_xp),
    }
}

/// The public profile anyone signed in may see.
#[derive(Serialize, ToSchema)]
pub struct Profile {
    #[serde(flatten)]
    pub person: Person,
    pub bio: String,
    pub followers: i64,
    pub following: i64,
    pub posts: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Hosts only: coins a minute of a call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_price: Option<i64>,
    /// Hosts only: taking calls now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online: Option<bool>,
    /// Whether the caller follows this account (not on the caller's own profile).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_following: Option<bool>,
}

pub fn profile(a: &Account, is_following: Option<bool>, levels: &Levels) -> Profile {
    let host = a.role == Role::Host;
    Profile {
        person: person(a, levels),
        bio: a.bio.clone(),
        followers: a.followers,
        following: a.following,
        posts: a.posts,
        created_at: time(a.created_at),
        call_price: a.call_price.filter(|_| host),
        online: host.then_some(a.online),
        is_following,
    }
}

/// The owner's own view: the public profile plus private fields.
#[derive(Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub person: Person,
    pub bio: String,
    pub followers: i64,
    pub following: i64,
    pub posts: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Hosts only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_price: Option<i64>,
    /// Hosts only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online: Option<bool>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The account proved it receives mail at `email` (`POST /me/verification`)
    pub email_verified: bool,
    /// ... and texts at `phone`
    pub phone_verified: bool,
    /// A new e-mail or phone asked for (`PUT /me/email`, `PUT /me/phone`), waiting for its code
    pub pending_email: Option<String>,
    pub pending_phone: Option<String>,
    #[schema(schema_with = crate::kernel::vocab::gender_or_null)]
    pub gender: Option<String>,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub birthday: Option<String>,
    pub language: Option<String>,
    pub interest_ids: Vec<String>,
    /// What the apps set as the purchase's account id: Google Play's
    /// `obfuscatedAccountId` and the App Store's `appAccountToken` (a UUID)
    pub store_account_ref: String,
    /// Identity check for withdrawals (`POST /me/kyc`)
    #[schema(schema_with = crate::kernel::vocab::kyc_status)]
    pub kyc_status: &'static str,
}

/// Where an account's identity check stands at `now` (a verified document past its expiry is `expired`).
pub fn kyc_status(a: &Account, now: i64) -> &'static str {
    match a.kyc_status.as_deref() {
        Some("verified") if a.kyc_expires_at > 0 && a.kyc_expires_at <= now => "expired",
        Some(s) => crate::kernel::vocab::KYC_STATUSES.iter().find(|w| **w == s).copied().unwrap_or("none"),
        None => "none",
    }
}

pub fn me(a: &Account, levels: &Levels, now: i64) -> Me {
    let p = profile(a, None, levels);
    Me {
        person: p.person,
        bio: p.bio,
        followers: p.followers,
        following: p.following,
        posts: p.posts,
        created_at: p.created_at,
        call_price: p.call_price,
        online: p.online,
        email: a.email.clone(),
        phone: a.phone.clone(),
        email_verified: a.email_verified,
        phone_verified: a.phone_verified,
        pending_email: a.pending_email.clone(),
        pending_phone: a.pending_phone.clone(),
        gender: a.gender.clone(),
        birthday: a.birthday.clone(),
        language: a.language.clone(),
        interest_ids: a.interest_ids.clone(),
        store_account_ref: crate::kernel::views::account_ref(&a.id),
        kyc_status: kyc_status(a, now),
    }
}

/// An entry of a followers/following list.
#[derive(Serialize, ToSchema)]
pub struct AccountSummary {
    #[serde(flatten)]
    pub person: Person,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub followed_at: String,
}

pub fn account_summary(a: &Account, followed_at: i64, levels: &Levels) -> AccountSummary {
    AccountSummary { person: person(a, levels), followed_at: time(followed_at) }
}

/// A ledger line as `GET /me/transactions` shows it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerLine {
    pub id: String,
    /// grant, correction, recharge, gift_sent, gift_received, gift_refunded, call_charge, call_earning, call_refund, settlement, ...
    #[serde(rename = "type")]
    #[schema(schema_with = crate::kernel::vocab::ledger_type)]
    pub kind: String,
    /// coins, earnings, coin_debt or bonus (bonus coins)
    #[schema(schema_with = crate::kernel::vocab::balance)]
    pub balance: &'static str,
    /// Signed: credits positive
    pub amount: i64,
    /// The balance right after (absent on a host's earnings entries: applied with ADD)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance_after: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterparty_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recharge_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// Call charges: which minute (1 = the first)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minute: Option<i64>,
    /// A host's `gift_received` (one per applied batch) and a sender's
    /// `gift_refunded`: the gifts it covers (their `gift_sent` entries' ids)
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
}

pub fn ledger_entry(e: &store::LedgerEntry) -> LedgerLine {
    LedgerLine {
        id: e.id.clone(),
        kind: e.kind.clone(),
        balance: match e.balance {
            store::Balance::Coins => "coins",
            store::Balance::Earnings => "earnings",
            store::Balance::Debt => "coin_debt",
            store::Balance::Bonus => "bonus",
            store::Balance::Payable => "payable",
        },
        amount: e.amount,
        balance_after: e.balance_after,
        counterparty_id: e.counterparty_id.clone(),
        gift_id: e.gift_id.clone(),
        gift_name: e.gift_name.clone(),
        quantity: e.quantity,
        room_id: e.room_id.clone(),
        reason: e.reason.clone(),
        recharge_id: e.recharge_id.clone(),
        call_id: e.call_id.clone(),
        minute: e.minute,
        events: e.events.clone(),
        created_at: time(e.created_at),
    }
}

/// An account's balances.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Wallet {
    /// Paid coins to spend (recharges, purchases): they buy anything but bonus gifts
    pub coins: i64,
    /// Promotional coins (check-in, tasks, offers, VIP): they buy only bonus gifts, expire, and are never cashed out
    pub bonus_coins: i64,
    /// A host's unsettled earnings, in coins
    pub earnings: i64,
    /// Coins a refund or chargeback took back that the balance could not
    /// cover; while above 0 no gifts or calls (402 `coin_debt`), and the next
    /// recharge pays it first
    pub coin_debt: i64,
}

impl Wallet {
    /// The balances `a` holds.
    pub fn of(a: &store::Account) -> Wallet {
        Wallet { coins: a.coins, bonus_coins: a.bonus_coins, earnings: a.earnings, coin_debt: a.coin_debt }
    }
}

/// The account reference the apps give the store with a purchase: the
/// account id (a ULID) written as a UUID, as Apple's `appAccountToken` must
/// be; Google's `obfuscatedAccountId` takes the same. It maps back to the
/// account, so a store notification for a purchase the app never reported
/// still finds its buyer.
pub fn account_ref(account_id: &str) -> String {
    let n = ulid::Ulid::from_string(account_id).map(u128::from).unwrap_or_default();
    let h = format!("{n:032x}");
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// Display names by account id, read in one BatchGetItem per 100 ids, so the
/// panels' lists name people rather than ids (an account gone has none).
#[derive(Default)]
pub struct Names(std::collections::HashMap<String, String>);

impl Names {
    pub async fn of<'a>(db: &store::Db, ids: impl IntoIterator<Item = &'a str>) -> Result<Names, store::Error> {
        let ids: std::collections::BTreeSet<&str> = ids.into_iter().filter(|id| !id.is_empty()).collect();
        let ids: Vec<String> = ids.into_iter().map(String::from).collect();
        Ok(Names(db.get_accounts(&ids).await?.into_iter().map(|a| (a.id, a.name)).collect()))
    }
    pub fn get(&self, id: &str) -> Option<String> {
        self.0.get(id).cloned()
    }
}

/// How long a presigned playback URL works (when there is no CDN).
pub const PLAY_TTL: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

/// Where the apps load media `key` from: the CDN, or a presigned GET (signed
/// here, no request to S3).
pub async fn playable_url(
    state: &crate::kernel::state::AppState,
    key: &str,
) -> crate::kernel::error::DomainResult<String> {
    state.media().playable_url(key, PLAY_TTL).await.map_err(crate::kernel::error::DomainError::internal)
}

/// Playback URLs of media keys, made before views that show them are built.
#[derive(Default)]
pub struct MediaUrls(std::collections::HashMap<String, String>);

impl MediaUrls {
    pub async fn of<'a>(
        state: &crate::kernel::state::AppState,
        keys: impl IntoIterator<Item = &'a str>,
    ) -> crate::kernel::error::DomainResult<MediaUrls> {
        let mut urls = std::collections::HashMap::new();
        for key in keys {
            if !urls.contains_key(key) {
                urls.insert(key.to_string(), playable_url(state, key).await?);
            }
        }
        Ok(MediaUrls(urls))
    }
    pub fn get(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_default()
    }
}

/// Board ranks over values sorted best first: 1, 2, …, equal values sharing one.
pub fn ranks<T: PartialEq>(sorted: &[T]) -> Vec<i64> {
    let mut ranks = Vec::with_capacity(sorted.len());
    for (i, v) in sorted.iter().enumerate() {
        let same = i > 0 && sorted[i - 1] == *v;
        ranks.push(if same { ranks[i - 1] } else { i as i64 + 1 });
    }
    ranks
}

#[cfg(test)]
mod rank_tests {
    #[test]
    fn equal_values_share_a_rank_and_the_next_skips_past_them() {
        assert_eq!(super::ranks(&[9, 7, 7, 3]), vec![1, 2, 2, 4]);
        assert_eq!(super::ranks(&[(2, 10), (2, 10), (1, 50)]), vec![1, 1, 3]);
        assert!(super::ranks::<i64>(&[]).is_empty());
    }
}
