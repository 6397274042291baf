//! Rate limits: fixed-window counters in the table (one atomic `ADD` each,
//! expiring with TTL), so every function instance sees the same count.
//! Exceeded → 429 `rate_limited` with `Retry-After`.
//!
//! Per-IP limits are generous: phones behind a carrier's NAT share addresses;
//! the per-login limits are what stop guessing. Sign-in's per-login limit is
//! the lockout (`accounts::LOCKOUT_FAILURES` failures in 15 minutes, for
//! unknown logins too), which a success clears.

use crate::http::Ctx;
use crate::kernel::error::DomainResult;
use crate::{AppState, DomainError};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// At most `max` hits per `window_ms` for one key of `scope`.
pub struct Limit {
    pub scope: &'static str,
    pub max: i64,
    pub window_ms: i64,
}

pub const REGISTER_PER_IP: Limit = Limit { scope: "register-ip", max: 30, window_ms: HOUR_MS };
pub const LOGIN_PER_IP: Limit = Limit { scope: "login-ip", max: 300, window_ms: HOUR_MS };
pub const FORGOT_PER_IP: Limit = Limit { scope: "forgot-ip", max: 20, window_ms: HOUR_MS };
pub const FORGOT_PER_LOGIN: Limit = Limit { scope: "forgot", max: 5, window_ms: HOUR_MS };
pub const RESET_PER_IP: Limit = Limit { scope: "reset-ip", max: 30, window_ms: HOUR_MS };
pub const RESET_PER_LOGIN: Limit = Limit { scope: "reset", max: 10, window_ms: HOUR_MS };
/// SMS pumping: texts asked for one number, and for all numbers (`SMS_HOURLY_BUDGET`).
pub const SMS_PER_PHONE: Limit = Limit { scope: "sms-phone", max: 5, window_ms: HOUR_MS };
pub const SMS_OVERALL_SCOPE: &str = "sms-all";
/// Invitations a host sends (to seats and to PK battles together), so a
/// host cannot flood anyone's notifications.
pub const INVITES_PER_HOST: Limit = Limit { scope: "invites", max: 10, window_ms: 60_000 };
/// One new-follower push per follower and followed account a day.
pub const FOLLOW_PUSH: Limit = Limit { scope: "follow-push", max: 1, window_ms: DAY_MS };

/// Counts a hit; `false` once `max` hits are past in the window.
pub async fn allow(state: &AppState, limit: &Limit, key: &str) -> DomainResult<bool> {
    Ok(state.db.hit_rate_counter(limit.scope, key, limit.window_ms, state.now()).await? <= limit.max)
}

/// Counts a hit against each `(limit, key)` and refuses with 429 when any is exceeded.
pub async fn check(state: &AppState, limits: &[(&Limit, &str)]) -> DomainResult<()> {
    for (limit, key) in limits {
        if !allow(state, limit, key).await? {
            let now = state.now();
            let window_end = now - now.rem_euclid(limit.window_ms) + limit.window_ms;
            return Err(DomainError::rate_limited(
                "too many requests; try again later",
                (window_end - now + 999) / 1000,
            ));
        }
    }
    Ok(())
}

/// Counts the request against its per-IP limit (unless the deployment turned
/// those off: `RATE_LIMITS=off`, load tests from one machine) and against
/// `per_login` (keyed by a hash: no address or number in the key).
pub async fn guard(state: &AppState, ctx: &Ctx, per_ip: &Limit, per_login: Option<(&Limit, &str)>) -> DomainResult<()> {
    let hashed = per_login.map(|(l, login)| (l, crate::kernel::auth::token_hash(login)));
    let mut limits: Vec<(&Limit, &str)> = Vec::new();
    if state.config.ip_rate_limits {
        limits.push((per_ip, ctx.source_ip.as_str()));
    }
    limits.extend(hashed.as_ref().map(|(l, h)| (*l, h.as_str())));
    check(state, &limits).await
}
