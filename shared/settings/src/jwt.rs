use crate::env::Env;
use crate::{ConfigError, Secret};

/// The one JWT algorithm this deployment accepts (pinned: a token with any other `alg` is refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlgorithm {
    /// HMAC-SHA256 with a shared secret.
    Hs256,
    /// RSA PKCS#1 v1.5 with SHA-256, verified with a public key.
    Rs256,
    /// ECDSA P-256 with SHA-256, verified with a public key.
    Es256,
}

/// The verification key matching [`JwtAlgorithm`].
#[derive(Debug, Clone)]
pub enum JwtKey {
    /// `JWT_SECRET` (HS256).
    HmacSecret(Secret),
    /// `JWT_PUBLIC_KEY` as PEM text (RS256/ES256), literal `\n` escapes already expanded.
    PublicKeyPem(String),
}

/// Settings for verifying the web app's bearer tokens.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// `JWT_ALGORITHM` (required).
    pub algorithm: JwtAlgorithm,
    /// `JWT_SECRET` or `JWT_PUBLIC_KEY`, whichever the algorithm needs.
    pub key: JwtKey,
    /// `JWT_ISSUER`: when set, the `iss` claim must be present and equal.
    pub issuer: Option<String>,
    /// `JWT_AUDIENCE`: when set, the `aud` claim must be present and contain it.
    pub audience: Option<String>,
    /// `JWT_ROLE_CLAIM` (default `roles`): a string or an array of strings.
    pub role_claim: String,
    /// `JWT_SELLER_ROLE` (default `seller`).
    pub seller_role: String,
    /// `JWT_LEEWAY_SECONDS` (default 30, at most 300) for `exp`/`nbf`.
    pub leeway_seconds: u64,
}

impl JwtSettings {
    /// Loads from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(crate::env_lookup)
    }

    /// Loads through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let raw_alg = env.required("JWT_ALGORITHM")?;
        let algorithm = match raw_alg.to_ascii_uppercase().as_str() {
            "HS256" => JwtAlgorithm::Hs256,
            "RS256" => JwtAlgorithm::Rs256,
            "ES256" => JwtAlgorithm::Es256,
            _ => {
                return Err(ConfigError::invalid(
                    "JWT_ALGORITHM",
                    format!("expected HS256, RS256 or ES256, got {raw_alg:?}"),
                ));
            }
        };
        let key = match algorithm {
            JwtAlgorithm::Hs256 => JwtKey::HmacSecret(env.strong_secret("JWT_SECRET", 32)?),
            JwtAlgorithm::Rs256 | JwtAlgorithm::Es256 => JwtKey::PublicKeyPem(public_key(&env)?),
        };
        let role_claim = env
            .optional("JWT_ROLE_CLAIM")
            .unwrap_or_else(|| "roles".into());
        let seller_role = env
            .optional("JWT_SELLER_ROLE")
            .unwrap_or_else(|| "seller".into());
        Ok(Self {
            algorithm,
            key,
            issuer: env.optional("JWT_ISSUER"),
            audience: env.optional("JWT_AUDIENCE"),
            role_claim,
            seller_role,
            leeway_seconds: env.number("JWT_LEEWAY_SECONDS", Some(30), 0..=300)?,
        })
    }
}

/// PEM public key; single-line env values may carry literal `\n` escapes.
fn public_key(env: &Env<'_>) -> Result<String, ConfigError> {
    const VAR: &str = "JWT_PUBLIC_KEY";
    let pem = env.required(VAR)?.replace("\\n", "\n");
    if pem.contains("PRIVATE KEY") {
        // Refuse (without echoing) a private key pasted by mistake: it must not sit in config.
        return Err(ConfigError::invalid(
            VAR,
            "contains a private key; set the public key",
        ));
    }
    if !pem.starts_with("-----BEGIN ")
        || !pem.contains("PUBLIC KEY-----")
        || !pem.contains("-----END ")
    {
        return Err(ConfigError::invalid(
            VAR,
            "must be a PEM public key (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)",
        ));
    }
    Ok(pem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::test_support::{lookup, with};

    const SECRET: &str = "SENTINEL-jwt-secret-0123456789abcdef";
    const HS: &[(&str, &str)] = &[("JWT_ALGORITHM", "HS256"), ("JWT_SECRET", SECRET)];
    const PEM: &str = "-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\\n-----END PUBLIC KEY-----\\n";

    fn load(pairs: &[(&str, &str)]) -> Result<JwtSettings, ConfigError> {
        JwtSettings::from_lookup(lookup(pairs))
    }

    fn invalid_var(pairs: &[(&str, &str)]) -> &'static str {
        match load(pairs) {
            Err(e @ ConfigError::Invalid { .. }) => e.var(),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn hs256_defaults() {
        let s = load(HS).unwrap();
        assert_eq!(s.algorithm, JwtAlgorithm::Hs256);
        assert!(matches!(&s.key, JwtKey::HmacSecret(k) if k.expose() == SECRET));
        assert_eq!((s.issuer, s.audience), (None, None));
        assert_eq!(s.role_claim, "roles");
        assert_eq!(s.seller_role, "seller");
        assert_eq!(s.leeway_seconds, 30);
    }

    #[test]
    fn public_key_algorithms_expand_escapes() {
        for alg in ["RS256", "es256"] {
            let s = load(&[
                ("JWT_ALGORITHM", alg),
                ("JWT_PUBLIC_KEY", PEM),
                ("JWT_ISSUER", "https://auth.example.com"),
                ("JWT_AUDIENCE", "veza"),
                ("JWT_ROLE_CLAIM", "realm_access.roles"),
                ("JWT_SELLER_ROLE", "vendor"),
                ("JWT_LEEWAY_SECONDS", "300"),
            ])
            .unwrap();
            let JwtKey::PublicKeyPem(pem) = &s.key else {
                panic!("expected a PEM")
            };
            assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\nMFkw"));
            assert_eq!(s.issuer.as_deref(), Some("https://auth.example.com"));
            assert_eq!(s.audience.as_deref(), Some("veza"));
            assert_eq!(
                (s.role_claim.as_str(), s.seller_role.as_str()),
                ("realm_access.roles", "vendor")
            );
            assert_eq!(s.leeway_seconds, 300);
        }
    }

    #[test]
    fn bad_values_name_their_variable() {
        assert_eq!(
            load(&[]).unwrap_err(),
            ConfigError::Missing {
                var: "JWT_ALGORITHM"
            }
        );
        assert_eq!(
            invalid_var(&with(HS, "JWT_ALGORITHM", Some("HS512"))),
            "JWT_ALGORITHM"
        );
        assert_eq!(
            invalid_var(&with(HS, "JWT_ALGORITHM", Some("none"))),
            "JWT_ALGORITHM"
        );
        assert_eq!(
            load(&with(HS, "JWT_SECRET", None)).unwrap_err(),
            ConfigError::Missing { var: "JWT_SECRET" }
        );
        assert_eq!(
            invalid_var(&with(HS, "JWT_SECRET", Some("short-SENTINEL"))),
            "JWT_SECRET"
        );
        for leeway in ["301", "-1", "x"] {
            assert_eq!(
                invalid_var(&with(HS, "JWT_LEEWAY_SECONDS", Some(leeway))),
                "JWT_LEEWAY_SECONDS"
            );
        }
        let rs = [("JWT_ALGORITHM", "RS256")];
        assert_eq!(
            load(&rs).unwrap_err(),
            ConfigError::Missing {
                var: "JWT_PUBLIC_KEY"
            }
        );
        for pem in [
            "not a pem",
            "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----",
        ] {
            assert_eq!(
                invalid_var(&with(&rs, "JWT_PUBLIC_KEY", Some(pem))),
                "JWT_PUBLIC_KEY"
            );
        }
    }

    #[test]
    fn private_key_is_refused_without_echo() {
        let private = "-----BEGIN PRIVATE KEY-----\\nSENTINELprivate\\n-----END PRIVATE KEY-----";
        let err = load(&[("JWT_ALGORITHM", "ES256"), ("JWT_PUBLIC_KEY", private)]).unwrap_err();
        assert_eq!(err.var(), "JWT_PUBLIC_KEY");
        assert!(!err.to_string().contains("SENTINEL"));
        assert!(!format!("{err:?}").contains("SENTINEL"));
    }
}
