//! Credentials: argon2id password hashes, HS256 access tokens (algorithm
//! pinned), opaque refresh tokens stored only as hashes, and reset-code hashes.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::Role;

use crate::kernel::config::Config;
use crate::kernel::error::DomainError;

const ISSUER: &str = "streamly-api";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    /// The login (session) this token belongs to.
    pub sid: String,
}

/// Who is calling, as the access token says.
#[derive(Clone, Debug)]
pub struct Caller {
    pub id: String,
    pub role: Role,
    pub session_id: String,
}

pub fn issue_access_token(config: &Config, id: &str, role: Role, session_id: &str, now_ms: i64) -> String {
    let iat = now_ms / 1000;
    let claims = Claims {
        sub: id.into(),
        role,
        iss: ISSUER.into(),
        iat,
        exp: iat + config.access_ttl_secs,
        sid: session_id.into(),
    };
    integrations::jwt::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&config.jwt_secret))
        .expect("HS256 encoding cannot fail")
}

/// Accepts only HS256 tokens signed with our secret, issued by us and not
/// expired by our clock (the library's own expiry check reads the system
/// clock, so it is done here against `now_ms` instead).
pub fn verify_access_token(config: &Config, token: &str, now_ms: i64) -> Result<Caller, DomainError> {
    let mut v = Validation::new(Algorithm::HS256);
    v.validate_exp = false;
    v.set_issuer(&[ISSUER]);
    v.set_required_spec_claims(&["exp", "iss", "sub"]);
    let data = integrations::jwt::decode::<Claims>(token, &DecodingKey::from_secret(&config.jwt_secret), &v)
        .map_err(|_| DomainError::unauthenticated("access token is invalid"))?;
    if data.claims.exp <= now_ms / 1000 {
        return Err(DomainError::unauthenticated("access token has expired"));
    }
    Ok(Caller { id: data.claims.sub, role: data.claims.role, session_id: data.claims.sid })
}

/// A new opaque refresh token (256 random bits) and the hash we store.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = B64.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// `successor` sealed with `key` (the token it replaces): XOR with
/// HMAC-SHA256(key, "successor"), so only the holder of `key` can open it.
/// Opening is the same operation. `None` for a token of another shape.
pub fn seal_token(successor: &str, key: &str) -> Option<String> {
    let bytes = B64.decode(successor).ok().filter(|b| b.len() == 32)?;
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    m.update(b"successor");
    let pad = m.finalize().into_bytes();
    Some(B64.encode(bytes.iter().zip(pad.iter()).map(|(a, b)| a ^ b).collect::<Vec<u8>>()))
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Reset codes are only a million values, so they are keyed with our secret:
/// a leaked table alone does not give them away.
pub fn hash_reset_code(config: &Config, account_id: &str, code: &str) -> String {
    keyed(config, "reset", account_id, code)
}

/// An agency invitation's one-time code, keyed like reset codes.
pub fn hash_invite_code(config: &Config, code: &str) -> String {
    keyed(config, "agency-invite", "", code)
}

fn keyed(config: &Config, purpose: &str, account_id: &str, code: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(&config.jwt_secret).expect("any key length");
    m.update(purpose.as_bytes());
    m.update(b"\n");
    m.update(account_id.as_bytes());
    m.update(b"\n");
    m.update(code.as_bytes());
    hex(&m.finalize().into_bytes())
}

pub fn new_reset_code() -> String {
    format!("{:06}", rand::random_range(0..1_000_000u32))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// argon2id with the crate's defaults (19 MiB, 2 passes), off the async
/// threads because one hash takes tens of milliseconds.
pub async fn hash_password(password: &str) -> Result<String, DomainError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(DomainError::internal)?
    .map_err(DomainError::internal)
}

/// Verifies against a stored hash; with `None` it verifies against a fixed
/// dummy hash so an unknown account costs as much time as a known one.
pub async fn verify_password(password: &str, stored: Option<&str>) -> Result<bool, DomainError> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = match stored {
        Some(s) => s.to_owned(),
        None => DUMMY
            .get_or_init(|| {
                let salt = SaltString::generate(&mut OsRng);
                Argon2::default().hash_password(b"not a password", &salt).expect("hash").to_string()
            })
            .clone(),
    };
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(DomainError::internal)?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(DomainError::internal)?
}
