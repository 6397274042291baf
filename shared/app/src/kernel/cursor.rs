//! Opaque, signed pagination cursors. The signature covers the list's scope
//! (which list of which account), so a cursor from another list or a
//! tampered one is a 400, never a query with a forged start key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use store::PageKey;

use crate::kernel::error::DomainError;

fn mac(secret: &[u8], scope: &str, payload: &[u8]) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    m.update(b"cursor\n");
    m.update(scope.as_bytes());
    m.update(b"\n");
    m.update(payload);
    m
}

pub fn encode(secret: &[u8], scope: &str, key: &PageKey) -> String {
    let payload = serde_json::to_vec(key).expect("string map");
    let tag = mac(secret, scope, &payload).finalize().into_bytes();
    format!("{}.{}", B64.encode(&payload), B64.encode(&tag[..16]))
}

pub fn decode(secret: &[u8], scope: &str, cursor: &str) -> Result<PageKey, DomainError> {
    let bad = || DomainError::invalid("cursor: not a cursor of this list");
    let (payload, tag) = cursor.split_once('.').ok_or_else(bad)?;
    let payload = B64.decode(payload).map_err(|_| bad())?;
    let tag = B64.decode(tag).map_err(|_| bad())?;
    if tag.len() != 16 {
        return Err(bad());
    }
    mac(secret, scope, &payload).verify_truncated_left(&tag).map_err(|_| bad())?;
    serde_json::from_slice(&payload).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PageKey {
        PageKey::from([("pk".to_string(), "ACCOUNT#a".to_string()), ("sk".to_string(), "FOLLOWS#b".to_string())])
    }

    #[test]
    fn a_cursor_round_trips_only_in_its_own_scope_and_key() {
        let c = encode(b"k1", "followers:a", &key());
        assert_eq!(decode(b"k1", "followers:a", &c).unwrap(), key());
        assert_eq!(decode(b"k1", "followers:b", &c).unwrap_err().kind, crate::kernel::error::ErrorKind::Invalid);
        assert_eq!(decode(b"k2", "followers:a", &c).unwrap_err().kind, crate::kernel::error::ErrorKind::Invalid);
    }

    #[test]
    fn a_shortened_signature_is_refused() {
        let c = encode(b"k1", "s", &key());
        let (payload, tag) = c.split_once('.').unwrap();
        let short = format!("{payload}.{}", &tag[..4]);
        assert_eq!(decode(b"k1", "s", &short).unwrap_err().kind, crate::kernel::error::ErrorKind::Invalid);
    }
}
