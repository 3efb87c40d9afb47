use std::time::Duration;

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
    /// `JWT_JWKS_URL` (RS256/ES256): the identity provider's rotating key set, keys chosen by `kid`.
    Jwks(JwksSettings),
}

/// Where and how often the identity provider's key set is fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksSettings {
    /// `JWT_JWKS_URL`: `https://`, or `http://` on loopback only (a local identity provider).
    pub url: String,
    /// `JWT_JWKS_REFRESH_SECONDS` (default 60, 1..=3600): the least time between two fetches,
    /// so tokens naming unknown keys cannot make every request hit the identity provider.
    pub min_refresh: Duration,
    /// Bound on one fetch (connect + answer): a slow provider must not hold a cold start.
    pub timeout: Duration,
}

/// Settings for verifying the web app's bearer tokens.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// `JWT_ALGORITHM` (required).
    pub algorithm: JwtAlgorithm,
    /// `JWT_SECRET` or `JWT_PUBLIC_KEY`, whichever the algorithm needs.
    pub key: JwtKey,
    /// `JWT_ISSUER`: when set, the `iss` claim must be present and equal. Required for
    /// RS256/ES256: a public key (or a provider's JWKS) also verifies other tenants' tokens.
    pub issuer: Option<String>,
    /// `JWT_AUDIENCE`: when set, the `aud` claim must be present and contain it. Required for
    /// RS256/ES256 (the same provider signs tokens for other applications).
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
        let jwks_refresh = env.number("JWT_JWKS_REFRESH_SECONDS", Some(60), 1..=3600)?;
        let key = match algorithm {
            JwtAlgorithm::Hs256 => JwtKey::HmacSecret(env.strong_secret("JWT_SECRET", 32)?),
            JwtAlgorithm::Rs256 | JwtAlgorithm::Es256 => asymmetric_key(&env, jwks_refresh)?,
        };
        let (issuer, audience) = (env.optional("JWT_ISSUER"), env.optional("JWT_AUDIENCE"));
        if algorithm != JwtAlgorithm::Hs256 {
            issuer
                .as_ref()
                .ok_or(ConfigError::Missing { var: "JWT_ISSUER" })?;
            audience.as_ref().ok_or(ConfigError::Missing {
                var: "JWT_AUDIENCE",
            })?;
        }
        let role_claim = env
            .optional("JWT_ROLE_CLAIM")
            .unwrap_or_else(|| "roles".into());
        let seller_role = env
            .optional("JWT_SELLER_ROLE")
            .unwrap_or_else(|| "seller".into());
        Ok(Self {
            algorithm,
            key,
            issuer,
            audience,
            role_claim,
            seller_role,
            leeway_seconds: env.number("JWT_LEEWAY_SECONDS", Some(30), 0..=300)?,
        })
    }
}

/// `JWT_JWKS_URL` when set (and then not `JWT_PUBLIC_KEY` too: which one verifies would be a
/// guess), else `JWT_PUBLIC_KEY`.
fn asymmetric_key(env: &Env<'_>, refresh_seconds: u64) -> Result<JwtKey, ConfigError> {
    const VAR: &str = "JWT_JWKS_URL";
    let Some(url) = env.optional(VAR) else {
        return Ok(JwtKey::PublicKeyPem(public_key(env)?));
    };
    if env.optional("JWT_PUBLIC_KEY").is_some() {
        return Err(ConfigError::invalid(
            VAR,
            "set either JWT_JWKS_URL or JWT_PUBLIC_KEY, not both",
        ));
    }
    let loopback = [
        "http://127.0.0.1:",
        "http://127.0.0.1/",
        "http://localhost:",
        "http://localhost/",
        "http://[::1]:",
    ];
    if !url.starts_with("https://") && !loopback.iter().any(|p| url.starts_with(p)) {
        return Err(ConfigError::invalid(
            VAR,
            "must be an https:// URL (http:// only on loopback)",
        ));
    }
    Ok(JwtKey::Jwks(JwksSettings {
        url,
        min_refresh: Duration::from_secs(refresh_seconds),
        timeout: Duration::from_secs(2),
    }))
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
    fn asymmetric_algorithms_require_issuer_and_audience() {
        let base = [
            ("JWT_ALGORITHM", "RS256"),
            ("JWT_PUBLIC_KEY", PEM),
            ("JWT_ISSUER", "https://auth.example.com"),
            ("JWT_AUDIENCE", "veza"),
        ];
        assert!(load(&base).is_ok());
        for var in ["JWT_ISSUER", "JWT_AUDIENCE"] {
            assert_eq!(
                load(&with(&base, var, None)).unwrap_err(),
                ConfigError::Missing { var }
            );
        }
    }

    #[test]
    fn jwks_url_replaces_the_public_key() {
        let base = [
            ("JWT_ALGORITHM", "ES256"),
            (
                "JWT_JWKS_URL",
                "https://tenant.example.com/.well-known/jwks.json",
            ),
            ("JWT_ISSUER", "https://tenant.example.com/"),
            ("JWT_AUDIENCE", "veza"),
        ];
        let s = load(&base).unwrap();
        let JwtKey::Jwks(jwks) = &s.key else {
            panic!("expected a JWKS")
        };
        assert_eq!(jwks.url, "https://tenant.example.com/.well-known/jwks.json");
        assert_eq!(jwks.min_refresh, Duration::from_secs(60));
        let s = load(&with(&base, "JWT_JWKS_REFRESH_SECONDS", Some("5"))).unwrap();
        assert!(matches!(&s.key, JwtKey::Jwks(j) if j.min_refresh == Duration::from_secs(5)));
        for local in ["http://127.0.0.1:8080/jwks", "http://localhost:3000/jwks"] {
            assert!(
                load(&with(&base, "JWT_JWKS_URL", Some(local))).is_ok(),
                "{local}"
            );
        }
        for bad in [
            "http://tenant.example.com/jwks",
            "ftp://x",
            "http://127.0.0.1.evil.com/",
        ] {
            assert_eq!(
                invalid_var(&with(&base, "JWT_JWKS_URL", Some(bad))),
                "JWT_JWKS_URL",
                "{bad}"
            );
        }
        assert_eq!(
            invalid_var(&with(&base, "JWT_PUBLIC_KEY", Some(PEM))),
            "JWT_JWKS_URL"
        );
        for refresh in ["0", "3601", "x"] {
            assert_eq!(
                invalid_var(&with(&base, "JWT_JWKS_REFRESH_SECONDS", Some(refresh))),
                "JWT_JWKS_REFRESH_SECONDS"
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
