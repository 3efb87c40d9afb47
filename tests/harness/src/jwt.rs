//! JWT minting for tests: HS256 tokens signed like the web app's, with the claims the
//! `interceptors` auth module reads (`sub`, `roles`, `email`, `country`, `exp`, ...).

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// The HS256 secret the tests configure as `JWT_SECRET`.
pub const SECRET: &str = "test-jwt-secret-0123456789abcdef0123";

/// A seller token for `sub`, with email and country claims, valid for 10 minutes.
pub fn seller_token(sub: &str) -> String {
    token(json!({
        "sub": sub,
        "roles": ["seller"],
        "email": format!("{sub}@example.com"),
        "country": "FR",
    }))
}

/// A token with `claims` signed with [`SECRET`].
pub fn token(claims: Value) -> String {
    hs256(claims, SECRET)
}

/// A token with `claims` (plus `exp` in 10 minutes unless given) signed with `secret`.
pub fn hs256(mut claims: Value, secret: &str) -> String {
    if claims.get("exp").is_none() {
        claims["exp"] = json!(unix_now() + 600);
    }
    let key = EncodingKey::from_secret(secret.as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("token")
}

/// Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
