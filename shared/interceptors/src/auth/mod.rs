//! Bearer-token authentication: verifies the web app's JWT itself (algorithm pinned from
//! [`JwtSettings`]; one static key, or the identity provider's JWKS chosen by `kid`) and maps
//! every failure to a distinct 401 code, 403 `not_a_seller`, or 503 when the provider's keys
//! cannot be fetched.

mod claims;
mod jwks;
#[cfg(test)]
mod tests;

use crate::error::ApiError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderMap;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use jwks::{JwksKeys, KeyError};
use settings::{ConfigError, JwtAlgorithm, JwtKey, JwtSettings};

/// The realm in every challenge.
const REALM: &str = "veza";
/// Tokens longer than this are refused before any parsing (cheap DoS guard).
const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No token needed (webhooks, the onboarding callback).
    Public,
    /// A valid bearer token with the seller role.
    Seller,
}

/// The principal `auth` requires: none for [`Auth::Public`], a verified seller for
/// [`Auth::Seller`] (500 when no authenticator is configured: a wiring bug must not open a route).
pub async fn principal_for(
    auth: Auth,
    authenticator: Option<&Authenticator>,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    match (auth, authenticator) {
        (Auth::Public, _) => Ok(None),
        (Auth::Seller, Some(a)) => a.authenticate_seller(headers).await.map(Some),
        (Auth::Seller, None) => Err(ApiError::internal("seller route without an Authenticator")),
    }
}

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The `sub` claim.
    pub user_id: String,
    /// The `email` claim, if a string.
    pub email: Option<String>,
    /// The `country` claim, if a string.
    pub country: Option<String>,
    /// The configured role claim (a string of space-separated roles, or an array of strings).
    pub roles: Vec<String>,
}

impl Principal {
    /// Whether the caller has `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// Where the verification key comes from.
enum Keys {
    /// `JWT_SECRET` or `JWT_PUBLIC_KEY`: one key, any (or no) `kid`.
    Static(DecodingKey),
    /// `JWT_JWKS_URL`: the key the token's `kid` names.
    Jwks(Box<JwksKeys>),
}

/// Verifies bearer tokens; built once at cold start from [`JwtSettings`].
pub struct Authenticator {
    keys: Keys,
    algorithm: Algorithm,
    validation: Validation,
    role_claim: String,
    seller_role: String,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("algorithm", &self.algorithm)
            .field("role_claim", &self.role_claim)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Builds the verifier (with a JWKS: fetches it once, bounded by its timeout; an unreachable
    /// provider is logged and retried on the next token, never trusted). A public key that does
    /// not parse is a [`ConfigError`] on `JWT_PUBLIC_KEY`.
    pub async fn new(settings: &JwtSettings) -> Result<Self, ConfigError> {
        // Pin aws-lc-rs explicitly: if feature unification ever enables a second jsonwebtoken
        // backend, automatic selection would panic at the first verification. Err = already set.
        let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
        let bad_key = |what: &str| {
            ConfigError::invalid(
                "JWT_PUBLIC_KEY",
                format!("not a valid {what} public key PEM"),
            )
        };
        let algorithm = match settings.algorithm {
            JwtAlgorithm::Hs256 => Algorithm::HS256,
            JwtAlgorithm::Rs256 => Algorithm::RS256,
            JwtAlgorithm::Es256 => Algorithm::ES256,
        };
        let keys = match (settings.algorithm, &settings.key) {
            (JwtAlgorithm::Hs256, JwtKey::HmacSecret(secret)) => {
                Keys::Static(DecodingKey::from_secret(secret.expose().as_bytes()))
            }
            (JwtAlgorithm::Rs256, JwtKey::PublicKeyPem(pem)) => {
                Keys::Static(DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| bad_key("RSA"))?)
            }
            (JwtAlgorithm::Es256, JwtKey::PublicKeyPem(pem)) => Keys::Static(
                DecodingKey::from_ec_pem(pem.as_bytes()).map_err(|_| bad_key("EC P-256"))?,
            ),
            (JwtAlgorithm::Rs256 | JwtAlgorithm::Es256, JwtKey::Jwks(jwks)) => {
                Keys::Jwks(Box::new(
                    JwksKeys::connect(jwks, algorithm)
                        .await
                        .map_err(|reason| ConfigError::invalid("JWT_JWKS_URL", reason))?,
                ))
            }
            _ => {
                return Err(ConfigError::invalid(
                    "JWT_ALGORITHM",
                    "does not match the configured key",
                ));
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.leeway = settings.leeway_seconds;
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        // jsonwebtoken only checks iss/aud when present: require them when configured.
        if let Some(iss) = &settings.issuer {
            validation.set_issuer(&[iss]);
            required.push("iss");
        }
        match &settings.audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        Ok(Self {
            keys,
            algorithm,
            validation,
            role_claim: settings.role_claim.clone(),
            seller_role: settings.seller_role.clone(),
        })
    }

    /// Verifies `Authorization: Bearer <jwt>`: 401 `token_missing` / `token_malformed` /
    /// `token_expired` / `token_invalid` with a `WWW-Authenticate` challenge.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Principal, ApiError> {
        let token = bearer_token(headers)?;
        let kid = self.check_header(token)?;
        let jwks_key;
        let key = match (&self.keys, kid) {
            (Keys::Static(key), _) => key,
            (Keys::Jwks(_), None) => {
                return Err(invalid(
                    "token_invalid",
                    "The access token does not name its signing key (kid).",
                ));
            }
            (Keys::Jwks(jwks), Some(kid)) => {
                jwks_key = jwks.key(&kid).await.map_err(key_error)?;
                &jwks_key
            }
        };
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token,
            key,
            &self.validation,
        )
        .map_err(|e| map_jwt_error(e.kind()))?;
        claims::principal(&data.claims, &self.role_claim)
            .ok_or_else(|| invalid("token_invalid", "The access token has no usable subject."))
    }

    /// [`Authenticator::authenticate`], then 403 `not_a_seller` unless the caller has the seller role.
    pub async fn authenticate_seller(&self, headers: &HeaderMap) -> Result<Principal, ApiError> {
        let principal = self.authenticate(headers).await?;
        if !principal.has_role(&self.seller_role) {
            return Err(ApiError::forbidden(
                "not_a_seller",
                "This account does not have the seller role.",
            )
            .with_www_authenticate(format!(
                "Bearer realm=\"{REALM}\", error=\"insufficient_scope\""
            )));
        }
        Ok(principal)
    }

    /// Refuses any `alg` other than the pinned one (including `none`) before touching the
    /// signature; returns the header's `kid`, if a string.
    fn check_header(&self, token: &str) -> Result<Option<String>, ApiError> {
        let malformed = || {
            invalid(
                "token_malformed",
                "The access token is not a well-formed JWT.",
            )
        };
        let mut parts = token.split('.');
        let (Some(header), Some(_), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let bytes = URL_SAFE_NO_PAD.decode(header).map_err(|_| malformed())?;
        let header: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| malformed())?;
        let alg = header
            .get("alg")
            .and_then(|a| a.as_str())
            .ok_or_else(malformed)?;
        if alg != format!("{:?}", self.algorithm) {
            return Err(invalid(
                "token_invalid",
                "The access token is signed with an unexpected algorithm.",
            ));
        }
        Ok(header
            .get("kid")
            .and_then(|k| k.as_str())
            .map(str::to_owned))
    }
}

/// An unknown key is the token's fault (401); an unreachable key set is the provider's (503, so
/// the web app retries instead of signing the seller out).
fn key_error(error: KeyError) -> ApiError {
    match error {
        KeyError::Unknown => invalid(
            "token_invalid",
            "The access token is signed with an unknown key.",
        ),
        KeyError::Unavailable => ApiError::new(
            http::StatusCode::SERVICE_UNAVAILABLE,
            "upstream_unavailable",
            crate::error::Category::Upstream,
            "The identity provider's signing keys are unavailable; retry later.",
        )
        .with_retryable(true)
        .with_retry_after(JWKS_RETRY_AFTER_SECS),
    }
}

/// `Retry-After` when the provider's keys are unavailable.
const JWKS_RETRY_AFTER_SECS: u32 = 5;

/// Extracts the token from exactly one `Authorization: Bearer <token>` header.
fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let mut values = headers.get_all(http::header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(ApiError::unauthorized(
            "token_missing",
            "An Authorization: Bearer token is required.",
            format!("Bearer realm=\"{REALM}\""),
        ));
    };
    let malformed = |detail: &'static str| invalid("token_malformed", detail);
    if values.next().is_some() {
        return Err(malformed("Send exactly one Authorization header."));
    }
    let value = value
        .to_str()
        .map_err(|_| malformed("The Authorization header is not valid text."))?;
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(malformed(
            "The Authorization header must use the Bearer scheme.",
        ));
    }
    let token = token.trim();
    if token.is_empty() || token.len() > MAX_TOKEN_LEN || token.contains(char::is_whitespace) {
        return Err(malformed(
            "The bearer token is empty, too long or contains spaces.",
        ));
    }
    Ok(token)
}

fn map_jwt_error(kind: &ErrorKind) -> ApiError {
    match kind {
        ErrorKind::ExpiredSignature => invalid("token_expired", "The access token has expired."),
        ErrorKind::InvalidToken
        | ErrorKind::Base64(_)
        | ErrorKind::Json(_)
        | ErrorKind::Utf8(_) => invalid(
            "token_malformed",
            "The access token is not a well-formed JWT.",
        ),
        ErrorKind::ImmatureSignature => {
            invalid("token_invalid", "The access token is not valid yet.")
        }
        ErrorKind::InvalidIssuer => {
            invalid("token_invalid", "The access token has the wrong issuer.")
        }
        ErrorKind::InvalidAudience => {
            invalid("token_invalid", "The access token has the wrong audience.")
        }
        ErrorKind::MissingRequiredClaim(_) | ErrorKind::InvalidClaimFormat(_) => {
            invalid("token_invalid", "The access token lacks a required claim.")
        }
        ErrorKind::InvalidAlgorithm => invalid(
            "token_invalid",
            "The access token is signed with an unexpected algorithm.",
        ),
        _ => invalid("token_invalid", "The access token signature is not valid."),
    }
}

/// A 401 with `error="invalid_token"`; `detail` is fixed text, safe to send and to quote in a header.
fn invalid(code: &'static str, detail: &'static str) -> ApiError {
    let challenge = format!(
        "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{detail}\""
    );
    ApiError::unauthorized(code, detail, challenge)
}
