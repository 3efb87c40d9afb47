//! Seller tokens the functions accept: HS256 with the configured `JWT_SECRET`, the seller role
//! in `JWT_ROLE_CLAIM` (a dotted name nests, like `interceptors::auth` reads it), and `iss`/`aud`
//! when `JWT_ISSUER`/`JWT_AUDIENCE` are configured. Local use only: real tokens come from the
//! web app's identity provider.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};

use crate::devenv::DevEnv;

/// Signs tokens the way the running functions verify them.
#[derive(Clone)]
pub struct Minter {
    secret: String,
    role_claim: String,
    seller_role: String,
    issuer: Option<String>,
    audience: Option<String>,
}

impl std::fmt::Debug for Minter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minter")
            .field("role_claim", &self.role_claim)
            .finish_non_exhaustive()
    }
}

/// What goes into one token.
#[derive(Clone, Debug)]
pub struct TokenSpec {
    pub sub: String,
    /// Defaults to the configured seller role when empty.
    pub roles: Vec<String>,
    pub email: Option<String>,
    pub ttl_seconds: i64,
}

impl TokenSpec {
    /// A seller token for `sub`, valid for an hour.
    pub fn seller(sub: &str) -> TokenSpec {
        TokenSpec {
            sub: sub.to_owned(),
            roles: Vec::new(),
            email: None,
            ttl_seconds: 3600,
        }
    }
}

impl Minter {
    /// An HS256 minter with the default claims (`roles`, `seller`, no `iss`/`aud`).
    pub fn hs256(secret: &str) -> Minter {
        Minter {
            secret: secret.to_owned(),
            role_claim: "roles".into(),
            seller_role: "seller".into(),
            issuer: None,
            audience: None,
        }
    }

    /// From `JWT_ALGORITHM` (must be HS256), `JWT_SECRET`, `JWT_ROLE_CLAIM`, `JWT_SELLER_ROLE`,
    /// `JWT_ISSUER` and `JWT_AUDIENCE`.
    pub fn from_env(env: &DevEnv) -> Result<Minter, String> {
        let algorithm = env.get("JWT_ALGORITHM").unwrap_or_else(|| "HS256".into());
        if algorithm != "HS256" {
            return Err(format!(
                "JWT_ALGORITHM is {algorithm}: only HS256 tokens can be minted locally \
                 (RS256/ES256 tokens come from your identity provider)"
            ));
        }
        let secret = env
            .get("JWT_SECRET")
            .ok_or("JWT_SECRET is not set (run `make dev` first, or export it)")?;
        Ok(Minter {
            role_claim: env.get("JWT_ROLE_CLAIM").unwrap_or_else(|| "roles".into()),
            seller_role: env
                .get("JWT_SELLER_ROLE")
                .unwrap_or_else(|| "seller".into()),
            issuer: env.get("JWT_ISSUER"),
            audience: env.get("JWT_AUDIENCE"),
            ..Minter::hs256(&secret)
        })
    }

    /// A signed token for `spec`, issued now.
    pub fn mint(&self, spec: &TokenSpec) -> Result<String, String> {
        // Err = a provider is installed already, which is as good.
        let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
        let now = crate::unix_now();
        let mut claims = Map::new();
        claims.insert("sub".into(), json!(spec.sub));
        claims.insert("iat".into(), json!(now));
        claims.insert("exp".into(), json!(now + spec.ttl_seconds));
        if let Some(email) = &spec.email {
            claims.insert("email".into(), json!(email));
        }
        if let Some(iss) = &self.issuer {
            claims.insert("iss".into(), json!(iss));
        }
        if let Some(aud) = &self.audience {
            claims.insert("aud".into(), json!(aud));
        }
        let roles = if spec.roles.is_empty() {
            vec![self.seller_role.clone()]
        } else {
            spec.roles.clone()
        };
        insert_nested(&mut claims, &self.role_claim, json!(roles));
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(self.secret.as_bytes()),
        )
        .map_err(|e| format!("cannot sign the token: {e}"))
    }
}

/// `a.b.c` → `{"a":{"b":{"c":value}}}`.
fn insert_nested(claims: &mut Map<String, Value>, dotted: &str, value: Value) {
    let mut parts: Vec<&str> = dotted.split('.').collect();
    let last = parts.pop().unwrap_or(dotted);
    let mut map = claims;
    for part in parts {
        let entry = map
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(inner) = entry else { return };
        map = inner;
    }
    map.insert(last.to_owned(), value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    fn decode(token: &str, secret: &str) -> Map<String, Value> {
        let mut v = Validation::new(Algorithm::HS256);
        v.validate_aud = false;
        jsonwebtoken::decode::<Map<String, Value>>(
            token,
            &DecodingKey::from_secret(secret.as_bytes()),
            &v,
        )
        .expect("valid token")
        .claims
    }

    #[test]
    fn mints_a_seller_token() {
        let token = Minter::hs256("s3cret")
            .mint(&TokenSpec::seller("usr_a"))
            .unwrap();
        let claims = decode(&token, "s3cret");
        assert_eq!(claims["sub"], "usr_a");
        assert_eq!(claims["roles"], json!(["seller"]));
        assert!(claims["exp"].as_i64().unwrap() > crate::unix_now());
    }

    #[test]
    fn nests_a_dotted_role_claim_and_adds_iss_aud() {
        let minter = Minter {
            role_claim: "realm_access.roles".into(),
            issuer: Some("https://idp.example".into()),
            audience: Some("veza".into()),
            ..Minter::hs256("k")
        };
        let spec = TokenSpec {
            roles: vec!["buyer".into()],
            email: Some("a@example.com".into()),
            ..TokenSpec::seller("u")
        };
        let claims = decode(&minter.mint(&spec).unwrap(), "k");
        assert_eq!(claims["realm_access"], json!({"roles": ["buyer"]}));
        assert_eq!(claims["iss"], "https://idp.example");
        assert_eq!(claims["aud"], "veza");
        assert_eq!(claims["email"], "a@example.com");
    }
}
