//! The signed `state` carried by the Account Link's `refresh_url` and `return_url`.
//!
//! The callback is a browser redirect from Stripe with no bearer token, so the only thing that
//! says whose onboarding it is must be unforgeable: an HS256 JWT signed with
//! `ONBOARDING_STATE_SECRET`, naming the user (`sub`), for one audience, expiring after
//! [`STATE_LIFETIME_SECS`]. A bare account id in the query string is never trusted.
//!
//! A state is a bearer credential, so it must not be reusable: its random `nonce` lets the
//! callback mint a refresh link once per state ([`VerifiedState::nonce`]), and a return (which
//! mints nothing, it only re-reads the account) accepts an authentic state even once it expired,
//! so a seller who took longer than the lifetime on Stripe's forms still gets their status.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// How long a state (hence a refresh/return URL) stays usable: long enough to fill in Stripe's
/// forms, short enough that a leaked URL is soon worthless.
pub const STATE_LIFETIME_SECS: i64 = 30 * 60;

/// The `aud` claim: a state is good for the onboarding callback and nothing else (a token
/// minted for another purpose with the same secret is refused).
pub const STATE_AUDIENCE: &str = "veza-onboarding-callback";

/// Clock skew tolerated on `exp`: the state is minted and checked by our own functions.
const LEEWAY_SECS: u64 = 5;

/// Longest `state` accepted, so an attacker cannot make us parse megabytes of query string.
const MAX_STATE_LEN: usize = 2048;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    aud: String,
    iat: i64,
    exp: i64,
    /// Random per state: two links minted in the same second still carry different states.
    nonce: String,
}

/// Why a state was refused. The message is safe to show (it never echoes the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("the onboarding link has expired; start onboarding again from the seller page")]
    Expired,
    #[error("the onboarding state is missing, malformed or not signed by us")]
    Invalid,
    #[error("this onboarding link was already used; continue from the seller page")]
    Used,
}

impl StateError {
    /// The stable problem code (`state_expired` / `state_invalid` / `state_used`).
    pub fn code(self) -> &'static str {
        match self {
            StateError::Expired => "state_expired",
            StateError::Invalid => "state_invalid",
            StateError::Used => "state_used",
        }
    }
}

/// An authentic state (signature and audience checked), expired or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedState {
    pub user_id: String,
    /// Unique per state: the key that makes a state single-use where it mints something.
    pub nonce: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub expired: bool,
}

/// Issues and verifies states. Built once per cold start.
#[derive(Clone)]
pub struct StateSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for StateSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StateSigner([redacted])")
    }
}

impl StateSigner {
    /// `secret` is `ONBOARDING_STATE_SECRET` (settings enforce at least 32 bytes).
    pub fn new(secret: &[u8]) -> StateSigner {
        // Pinned to HS256: a token whose header names any other algorithm is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[STATE_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS;
        StateSigner {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// A state for `user_id`, valid from `now` (unix seconds) for [`STATE_LIFETIME_SECS`].
    /// Signing a plain struct with an HMAC key does not fail in practice; the error is kept
    /// (rather than a panic) so a broken crypto provider surfaces as a 500.
    pub fn issue(&self, user_id: &str, now: i64) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user_id.to_owned(),
            aud: STATE_AUDIENCE.to_owned(),
            iat: now,
            exp: now + STATE_LIFETIME_SECS,
            nonce: uuid::Uuid::new_v4().simple().to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user id the state names, if the signature, audience and expiry check out.
    /// Expiry is checked against the system clock.
    pub fn verify(&self, state: &str) -> Result<String, StateError> {
        let verified = self.verify_authentic(state)?;
        if verified.expired {
            return Err(StateError::Expired);
        }
        Ok(verified.user_id)
    }

    /// The state's claims if its signature and audience check out, whether or not it expired
    /// (`expired` says so, against the system clock with the same leeway).
    pub fn verify_authentic(&self, state: &str) -> Result<VerifiedState, StateError> {
        if state.is_empty() || state.len() > MAX_STATE_LEN {
            return Err(StateError::Invalid);
        }
        let mut validation = self.validation.clone();
        validation.validate_exp = false;
        let data = jsonwebtoken::decode::<Claims>(state, &self.decoding, &validation).map_err(
            |e| match e.kind() {
                ErrorKind::ExpiredSignature => StateError::Expired,
                _ => StateError::Invalid,
            },
        )?;
        let claims = data.claims;
        if claims.sub.is_empty() || claims.nonce.is_empty() {
            return Err(StateError::Invalid);
        }
        let now = i64::try_from(jsonwebtoken::get_current_timestamp()).unwrap_or(i64::MAX);
        let leeway = i64::try_from(LEEWAY_SECS).unwrap_or(0);
        Ok(VerifiedState {
            expired: claims.exp + leeway < now,
            user_id: claims.sub,
            nonce: claims.nonce,
            expires_at: claims.exp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"state-secret-for-tests-0123456789abcdef";

    fn now() -> i64 {
        jsonwebtoken::get_current_timestamp() as i64
    }

    #[test]
    fn round_trip_names_the_user() {
        let s = StateSigner::new(SECRET);
        let state = s.issue("user-1", now()).unwrap();
        assert_eq!(s.verify(&state).unwrap(), "user-1");
        assert_ne!(
            state,
            s.issue("user-1", now()).unwrap(),
            "the nonce makes every state unique"
        );
    }

    #[test]
    fn an_expired_state_is_still_authentic_with_its_nonce() {
        let s = StateSigner::new(SECRET);
        let old = s.issue("user-1", now() - STATE_LIFETIME_SECS - 60).unwrap();
        assert_eq!(s.verify(&old), Err(StateError::Expired));
        let v = s.verify_authentic(&old).unwrap();
        assert!(v.expired);
        assert_eq!(v.user_id, "user-1");
        assert_eq!(v.nonce.len(), 32);
        let fresh = s
            .verify_authentic(&s.issue("user-1", now()).unwrap())
            .unwrap();
        assert!(!fresh.expired);
        assert_ne!(fresh.nonce, v.nonce);
        let other = StateSigner::new(b"another-secret-0123456789abcdefghij");
        assert_eq!(other.verify_authentic(&old), Err(StateError::Invalid));
    }

    #[test]
    fn expired_state_is_refused_as_expired() {
        let s = StateSigner::new(SECRET);
        let state = s.issue("user-1", now() - STATE_LIFETIME_SECS - 60).unwrap();
        assert_eq!(s.verify(&state), Err(StateError::Expired));
        assert_eq!(StateError::Expired.code(), "state_expired");
    }

    #[test]
    fn other_secret_tampering_and_garbage_are_invalid() {
        let s = StateSigner::new(SECRET);
        let other = StateSigner::new(b"another-secret-0123456789abcdefghijkl");
        assert_eq!(
            s.verify(&other.issue("user-1", now()).unwrap()),
            Err(StateError::Invalid)
        );

        let state = s.issue("user-1", now()).unwrap();
        let mut parts: Vec<&str> = state.split('.').collect();
        let forged_claims = other.issue("user-2", now()).unwrap();
        parts[1] = forged_claims.split('.').nth(1).unwrap();
        assert_eq!(s.verify(&parts.join(".")), Err(StateError::Invalid));

        for junk in ["", "abc", "a.b.c", &"x".repeat(MAX_STATE_LEN + 1)] {
            assert_eq!(s.verify(junk), Err(StateError::Invalid), "{junk}");
        }
    }

    #[test]
    fn wrong_audience_or_algorithm_is_invalid() {
        let key = EncodingKey::from_secret(SECRET);
        let claims = Claims {
            sub: "user-1".into(),
            aud: "something-else".into(),
            iat: now(),
            exp: now() + 60,
            nonce: "n".into(),
        };
        let wrong_aud =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();
        let s = StateSigner::new(SECRET);
        assert_eq!(s.verify(&wrong_aud), Err(StateError::Invalid));

        let claims = Claims {
            aud: STATE_AUDIENCE.into(),
            ..claims
        };
        let hs512 = jsonwebtoken::encode(&Header::new(Algorithm::HS512), &claims, &key).unwrap();
        assert_eq!(s.verify(&hs512), Err(StateError::Invalid));
        let empty_sub = Claims {
            sub: String::new(),
            ..claims
        };
        let empty = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &empty_sub, &key).unwrap();
        assert_eq!(s.verify(&empty), Err(StateError::Invalid));
    }

    #[test]
    fn debug_does_not_leak_the_secret() {
        let s = StateSigner::new(SECRET);
        assert!(!format!("{s:?}").contains("state-secret"));
    }
}
