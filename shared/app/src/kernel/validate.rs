//! Input rules shared by the use cases. Each answers a 400 naming the field.

use crate::kernel::error::DomainError;
use crate::kernel::error::DomainResult;

pub const PASSWORD_MIN: usize = 8;
/// argon2 would take longer inputs; a cap keeps one request from costing much.
pub const PASSWORD_MAX: usize = 128;

pub fn email(field: &str, raw: &str) -> Result<String, DomainError> {
    let e = raw.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok { Ok(e) } else { Err(DomainError::invalid(format!("{field}: not a valid e-mail address"))) }
}

/// E.164: `+`, a country code not starting with 0, 8–15 digits in all.
pub fn phone(field: &str, raw: &str) -> Result<String, DomainError> {
    let p = raw.trim();
    let digits = p.strip_prefix('+').unwrap_or("");
    let ok = (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
    if ok {
        Ok(p.to_string())
    } else {
        Err(DomainError::invalid(format!("{field}: must be an E.164 phone number like +14155550100")))
    }
}

pub fn password(field: &str, p: &str) -> Result<(), DomainError> {
    let n = p.chars().count();
    if n < PASSWORD_MIN {
        Err(DomainError::invalid(format!("{field}: must be at least {PASSWORD_MIN} characters")))
    } else if n > PASSWORD_MAX {
        Err(DomainError::invalid(format!("{field}: must be at most {PASSWORD_MAX} characters")))
    } else {
        Ok(())
    }
}

/// Trimmed text of `min..=max` characters.
pub fn text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, DomainError> {
    let t = raw.trim();
    let n = t.chars().count();
    if n < min || n > max {
        let msg = if min == 0 {
            format!("{field}: at most {max} characters")
        } else {
            format!("{field}: {min} to {max} characters")
        };
        return Err(DomainError::invalid(msg));
    }
    if t.chars().any(|c| (c.is_control() && c != '\n') || bidi_control(c)) {
        return Err(DomainError::invalid(format!(
            "{field}: control and bidirectional-override characters are not allowed"
        )));
    }
    Ok(t.to_string())
}

/// The invisible characters that reorder displayed text (embeddings,
/// overrides, isolates and marks): a name or caption carrying them can show
/// as something else ("Castle" sent by "nimda"). Letters of right-to-left
/// scripts need none of them.
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// An id as the apps send it: 1–64 of `[A-Za-z0-9_-]`.
pub fn id(field: &str, raw: &str) -> Result<String, DomainError> {
    let ok = (1..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(raw.to_string()) } else { Err(DomainError::invalid(format!("{field}: not a valid id"))) }
}

/// Exactly one of e-mail or phone, normalised: (login, is_email).
pub fn email_or_phone(email_v: Option<&str>, phone_v: Option<&str>) -> Result<(String, bool), DomainError> {
    match (email_v, phone_v) {
        (Some(e), None) => Ok((email("email", e)?, true)),
        (None, Some(p)) => Ok((phone("phone", p)?, false)),
        _ => Err(DomainError::invalid("email or phone: give exactly one of them")),
    }
}

/// The `login` field of sign-in: an e-mail when it has an `@`, else a phone.
pub fn login(raw: &str) -> Result<String, DomainError> {
    if raw.contains('@') { email("login", raw) } else { phone("login", raw) }
}

/// The ids in their first-seen order, each once: a batch naming one item twice
/// is DynamoDB's ValidationException, never the caller's 500.
pub fn unique(ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().filter(|i| seen.insert(i.clone())).collect()
}

/// A whole number from 1 to `max` (prices, coins, counts).
pub fn positive(field: &str, v: i64, max: i64) -> DomainResult<i64> {
    if (1..=max).contains(&v) {
        Ok(v)
    } else {
        Err(DomainError::invalid(format!("{field}: a whole number from 1 to {max}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_must_look_like_addresses() {
        assert_eq!(email("email", " Ada@Example.COM ").unwrap(), "ada@example.com");
        for bad in ["", "ada", "@example.com", "ada@", "ada@example", "ada@.com", "a da@example.com", "a@b@c.com"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_must_be_e164() {
        assert_eq!(phone("phone", "+919876543210").unwrap(), "+919876543210");
        for bad in ["919876543210", "+0123456789", "+1234", "+1 415 555 0100", "+1234567890123456"] {
            assert!(phone("phone", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn login_picks_email_or_phone_by_its_at_sign() {
        assert_eq!(login("A@B.co").unwrap(), "a@b.co");
        assert_eq!(login("+14155550100").unwrap(), "+14155550100");
        assert!(login("nobody").is_err());
    }
}

/// An edit's body (every field optional) that creates a record, so the fields
/// a new record needs are required: the update takes `T`, the create
/// `New<T>`, and the document shows each its own schema
/// (`http::schema::new_schema_of` reads the same `REQUIRED`).
pub trait Creatable: serde::Serialize {
    const REQUIRED: &'static [&'static str];
}

pub struct New<T>(T);

impl<T: Creatable> New<T> {
    /// 400 naming the first required field left out (or null).
    pub fn check(input: T) -> DomainResult<New<T>> {
        let fields = serde_json::to_value(&input).unwrap_or_default();
        match T::REQUIRED.iter().find(|f| fields.get(**f).is_none_or(serde_json::Value::is_null)) {
            Some(f) => Err(DomainError::invalid(format!("{f}: required"))),
            None => Ok(New(input)),
        }
    }
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// A UTC day typed as yyyy-mm-dd.
pub fn day(field: &str, raw: &str) -> DomainResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::invalid(format!("{field}: a date like 2026-12-31")))
}

/// One of a closed set of words (`kernel::vocab`).
pub fn word(field: &str, raw: &str, words: &[&str]) -> DomainResult<String> {
    match words.iter().find(|w| **w == raw.trim()) {
        Some(w) => Ok(w.to_string()),
        None => Err(DomainError::invalid(format!("{field}: one of {}", words.join(", ")))),
    }
}

/// The most days a dashboard's series covers.
pub const MAX_DAYS: i64 = 90;

/// `?days=`: how many UTC days up to today a series covers (30 when left out).
pub fn days(raw: Option<&String>) -> DomainResult<i64> {
    match raw {
        None => Ok(30),
        Some(d) => d
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=MAX_DAYS).contains(d))
            .ok_or_else(|| DomainError::invalid(format!("days: must be an integer from 1 to {MAX_DAYS}"))),
    }
}
