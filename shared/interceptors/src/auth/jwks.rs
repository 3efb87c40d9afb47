//! The identity provider's signing keys (`JWT_JWKS_URL`): fetched at cold start, chosen by `kid`,
//! re-fetched when a token names an unknown `kid` (key rotation) at most once per
//! `min_refresh`, and failing closed: no key, no token.
//!
//! Hand-written on hyper (the client async-stripe already links, same TLS provider) rather than
//! a JWKS crate: those pull reqwest and a second TLS stack into every binary for one GET.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Empty, Limited};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use settings::JwksSettings;

/// A JWKS larger than this is refused (providers publish a few keys: a few KiB).
pub(crate) const MAX_JWKS_BYTES: usize = 64 * 1024;

/// Why no key verifies a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyError {
    /// The key set (as last fetched) has no usable key with this `kid`.
    Unknown,
    /// No key set could be fetched yet: the provider is unreachable or answers garbage.
    Unavailable,
}

/// Keys by `kid`, shared by every request of this instance.
pub(crate) struct JwksKeys {
    url: hyper::Uri,
    algorithm: Algorithm,
    min_refresh: Duration,
    timeout: Duration,
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    keys: RwLock<Arc<HashMap<String, DecodingKey>>>,
    /// When the last fetch was attempted; also serialises fetches (one at a time per instance).
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
}

impl JwksKeys {
    /// Fetches the key set once (bounded by the timeout). A failure is logged, not fatal: the
    /// instance starts with no key, refuses every token, and re-tries on the next token.
    pub(crate) async fn connect(
        settings: &JwksSettings,
        algorithm: Algorithm,
    ) -> Result<Self, String> {
        let url: hyper::Uri = settings
            .url
            .parse()
            .map_err(|_| "not a valid URL".to_owned())?;
        // The provider is named, not taken from the process default: a build that also links
        // ring (reqwest in tests) has no default, and rustls refuses to guess.
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(|e| format!("TLS set-up: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        let this = Self {
            url,
            algorithm,
            min_refresh: settings.min_refresh,
            timeout: settings.timeout,
            client: Client::builder(hyper_util::rt::TokioExecutor::new()).build(https),
            keys: RwLock::default(),
            last_fetch: tokio::sync::Mutex::new(None),
        };
        let mut last = this.last_fetch.lock().await;
        this.refresh(&mut last).await;
        drop(last);
        Ok(this)
    }

    /// The key for `kid`, re-fetching the set when `kid` is unknown and the last fetch is older
    /// than `min_refresh`.
    pub(crate) async fn key(&self, kid: &str) -> Result<DecodingKey, KeyError> {
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let mut last = self.last_fetch.lock().await;
        // Another request may have fetched while this one waited for the lock.
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        if last.is_none_or(|at| at.elapsed() >= self.min_refresh) {
            self.refresh(&mut last).await;
        }
        drop(last);
        match self.cached(kid) {
            Some(key) => Ok(key),
            None if self.snapshot().is_empty() => Err(KeyError::Unavailable),
            None => Err(KeyError::Unknown),
        }
    }

    fn snapshot(&self) -> Arc<HashMap<String, DecodingKey>> {
        Arc::clone(&self.keys.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn cached(&self, kid: &str) -> Option<DecodingKey> {
        self.snapshot().get(kid).cloned()
    }

    /// One fetch; on success the new set replaces the old one (keys the provider dropped stop
    /// verifying), on failure the old set stays.
    async fn refresh(&self, last: &mut Option<Instant>) {
        *last = Some(Instant::now());
        match tokio::time::timeout(self.timeout, self.fetch()).await {
            Ok(Ok(keys)) => {
                tracing::info!(keys = keys.len(), "fetched the JWKS");
                *self.keys.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(keys);
            }
            Ok(Err(reason)) => tracing::error!(url = %self.url, %reason, "JWKS refused"),
            Err(_) => {
                tracing::error!(url = %self.url, timeout_ms = self.timeout.as_millis() as u64, "JWKS fetch timed out")
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, String> {
        let response = self
            .client
            .get(self.url.clone())
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status()));
        }
        let body = Limited::new(response.into_body(), MAX_JWKS_BYTES)
            .collect()
            .await
            .map_err(|e| format!("body not read (over {MAX_JWKS_BYTES} bytes?): {e}"))?
            .to_bytes();
        usable_keys(&body, self.algorithm)
    }
}

/// The keys of a JWKS document that can verify `algorithm`, by `kid`. A document that does not
/// parse, or has no such key, is refused as a whole (the previous set stays in use).
pub(crate) fn usable_keys(
    body: &[u8],
    algorithm: Algorithm,
) -> Result<HashMap<String, DecodingKey>, String> {
    let set: JwkSet = serde_json::from_slice(body).map_err(|e| format!("not a JWKS: {e}"))?;
    let keys: HashMap<_, _> = set
        .keys
        .iter()
        .filter(|jwk| fits(jwk, algorithm))
        .filter_map(|jwk| {
            let kid = jwk.common.key_id.clone()?;
            DecodingKey::from_jwk(jwk).ok().map(|key| (kid, key))
        })
        .collect();
    if keys.is_empty() {
        return Err(format!("no {algorithm:?} signing key with a kid"));
    }
    Ok(keys)
}

/// A key verifies `algorithm` only when its type (and curve) match, its `alg` (if any) is that
/// algorithm and its `use` (if any) is `sig`: a symmetric or encryption key is never accepted.
fn fits(jwk: &jsonwebtoken::jwk::Jwk, algorithm: Algorithm) -> bool {
    let type_fits = match (&jwk.algorithm, algorithm) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(p), Algorithm::ES256) => p.curve == EllipticCurve::P256,
        _ => false,
    };
    let alg_fits = match jwk.common.key_algorithm {
        None => true,
        Some(KeyAlgorithm::RS256) => algorithm == Algorithm::RS256,
        Some(KeyAlgorithm::ES256) => algorithm == Algorithm::ES256,
        Some(_) => false,
    };
    let use_fits = matches!(
        jwk.common.public_key_use,
        None | Some(PublicKeyUse::Signature)
    );
    type_fits && alg_fits && use_fits
}
