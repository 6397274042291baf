//! JSON Web Tokens on *ring*, the crypto the TLS stack already links.
//!
//! jsonwebtoken's bundled providers are RustCrypto (rsa, p256, p384,
//! ed25519-dalek, num-bigint: ~0.35 MB of every function binary, all
//! algorithms linked wherever a token is checked) or AWS-LC (jitter-seeded,
//! see docs/performance.md). This provider does the three algorithms we use: HS256
//! (our access tokens), RS256 (Google service accounts, Play's push tokens)
//! and ES256 (App Store Server API keys). Every other algorithm is refused.
//! Use `encode` / `decode` here, never jsonwebtoken's own: they install the
//! provider first (jsonwebtoken panics without one).

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::signature::{Error as SigError, Signer, Verifier};
use jsonwebtoken::{
    Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey, Header, TokenData, Validation,
};
use ring::rand::SystemRandom;
use ring::{hmac, signature};
use serde::Serialize;
use serde::de::DeserializeOwned;

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    // JWK thumbprints and key-to-JWK conversion: not used.
    key_utils: KeyUtils::new_unimplemented(),
};

fn install() {
    // Err only when it is installed already (by an earlier call).
    let _ = PROVIDER.install_default();
}

pub fn encode<T: Serialize>(header: &Header, claims: &T, key: &EncodingKey) -> Result<String> {
    install();
    jsonwebtoken::encode(header, claims, key)
}

pub fn decode<T: DeserializeOwned>(token: &str, key: &DecodingKey, validation: &Validation) -> Result<TokenData<T>> {
    install();
    jsonwebtoken::decode(token, key, validation)
}

fn family(want: AlgorithmFamily, got: AlgorithmFamily) -> Result<()> {
    if want == got { Ok(()) } else { Err(ErrorKind::InvalidKeyFormat.into()) }
}

fn signer(alg: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    let signer = match alg {
        Algorithm::HS256 => {
            family(AlgorithmFamily::Hmac, key.family())?;
            Sign::Hs256(hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes()))
        }
        Algorithm::RS256 => {
            family(AlgorithmFamily::Rsa, key.family())?;
            let pair =
                signature::RsaKeyPair::from_der(key.as_bytes()).map_err(|e| ErrorKind::InvalidRsaKey(e.to_string()))?;
            Sign::Rs256(pair)
        }
        Algorithm::ES256 => {
            family(AlgorithmFamily::Ec, key.family())?;
            let pair = signature::EcdsaKeyPair::from_pkcs8(
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                key.as_bytes(),
                &SystemRandom::new(),
            )
            .map_err(|_| ErrorKind::InvalidEcdsaKey)?;
            Sign::Es256(pair)
        }
        _ => return Err(ErrorKind::InvalidAlgorithm.into()),
    };
    Ok(Box::new(signer))
}

fn verifier(alg: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    let want = match alg {
        Algorithm::HS256 => AlgorithmFamily::Hmac,
        Algorithm::RS256 => AlgorithmFamily::Rsa,
        Algorithm::ES256 => AlgorithmFamily::Ec,
        _ => return Err(ErrorKind::InvalidAlgorithm.into()),
    };
    family(want, key.family())?;
    Ok(Box::new(Verify(*alg, key.clone())))
}

enum Sign {
    Hs256(hmac::Key),
    Rs256(signature::RsaKeyPair),
    Es256(signature::EcdsaKeyPair),
}

impl Signer<Vec<u8>> for Sign {
    fn try_sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, SigError> {
        match self {
            Sign::Hs256(k) => Ok(hmac::sign(k, msg).as_ref().to_vec()),
            Sign::Rs256(pair) => {
                let mut sig = vec![0; pair.public().modulus_len()];
                pair.sign(&signature::RSA_PKCS1_SHA256, &SystemRandom::new(), msg, &mut sig)
                    .map_err(|_| SigError::new())?;
                Ok(sig)
            }
            Sign::Es256(pair) => {
                Ok(pair.sign(&SystemRandom::new(), msg).map_err(|_| SigError::new())?.as_ref().to_vec())
            }
        }
    }
}

impl JwtSigner for Sign {
    fn algorithm(&self) -> Algorithm {
        match self {
            Sign::Hs256(_) => Algorithm::HS256,
            Sign::Rs256(_) => Algorithm::RS256,
            Sign::Es256(_) => Algorithm::ES256,
        }
    }
}

struct Verify(Algorithm, DecodingKey);

impl Verifier<Vec<u8>> for Verify {
    fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> std::result::Result<(), SigError> {
        let Verify(alg, key) = self;
        let checked = match (alg, key.kind()) {
            (Algorithm::HS256, DecodingKeyKind::SecretOrDer(secret)) => {
                hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, secret), msg, sig)
            }
            (Algorithm::RS256, DecodingKeyKind::SecretOrDer(der)) => {
                signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der).verify(msg, sig)
            }
            (Algorithm::RS256, DecodingKeyKind::RsaModulusExponent { n, e }) => {
                signature::RsaPublicKeyComponents { n, e }.verify(&signature::RSA_PKCS1_2048_8192_SHA256, msg, sig)
            }
            (Algorithm::ES256, DecodingKeyKind::SecretOrDer(point)) => {
                signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point).verify(msg, sig)
            }
            _ => return Err(SigError::new()),
        };
        checked.map_err(|_| SigError::new())
    }
}

impl JwtVerifier for Verify {
    fn algorithm(&self) -> Algorithm {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn roundtrip(alg: Algorithm, enc: &EncodingKey, dec: &DecodingKey) -> Result<Value> {
        let token = encode(&Header::new(alg), &json!({"sub": "u1", "exp": 4_000_000_000i64}), enc)?;
        let mut v = Validation::new(alg);
        v.set_required_spec_claims(&["sub"]);
        decode::<Value>(&token, dec, &v).map(|d| d.claims)
    }

    #[test]
    fn hs256_signs_and_checks_and_refuses_another_secret() {
        let claims = roundtrip(Algorithm::HS256, &EncodingKey::from_secret(b"k1"), &DecodingKey::from_secret(b"k1"));
        assert_eq!(claims.unwrap()["sub"], "u1");
        let wrong = roundtrip(Algorithm::HS256, &EncodingKey::from_secret(b"k1"), &DecodingKey::from_secret(b"k2"));
        assert!(matches!(wrong.unwrap_err().kind(), ErrorKind::InvalidSignature));
    }

    #[test]
    fn es256_signs_with_a_pkcs8_key_and_checks_with_its_public_point() {
        let rng = SystemRandom::new();
        let pkcs8 = signature::EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair =
            signature::EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
                .unwrap();
        use signature::KeyPair;
        let public = DecodingKey::from_ec_der(pair.public_key().as_ref());
        let claims = roundtrip(Algorithm::ES256, &EncodingKey::from_ec_der(pkcs8.as_ref()), &public).unwrap();
        assert_eq!(claims["sub"], "u1");
    }

    #[test]
    fn an_algorithm_we_do_not_use_is_refused_not_a_panic() {
        let r = roundtrip(Algorithm::HS512, &EncodingKey::from_secret(b"k"), &DecodingKey::from_secret(b"k"));
        assert!(matches!(r.unwrap_err().kind(), ErrorKind::InvalidAlgorithm));
    }
}
