//! `JWT_JWKS_URL` against a local JWKS server: keys by `kid`, rotation mid-run, unknown `kid`,
//! the provider down at cold start, oversized or malformed key sets.

use super::public_keys::{asymmetric, provider_claims};
use super::*;
use axum::{Router, extract::State, http::StatusCode, response::IntoResponse, routing::get};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server answers on `/jwks`.
#[derive(Clone)]
enum Served {
    Keys(Vec<Jwk>),
    Status(StatusCode),
    Raw(String),
    /// Accepts the request and never answers (a hung provider).
    Hang,
}

#[derive(Clone)]
struct Provider {
    served: Arc<Mutex<Served>>,
    hits: Arc<AtomicUsize>,
}

impl Provider {
    /// Starts the server on a free loopback port; it lives as long as the test's runtime.
    async fn start(served: Served) -> (Self, String) {
        let provider = Self {
            served: Arc::new(Mutex::new(served)),
            hits: Arc::default(),
        };
        let app = Router::new()
            .route("/jwks", get(answer))
            .with_state(provider.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (provider, url)
    }

    fn serve(&self, served: Served) {
        *self.served.lock().unwrap() = served;
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn answer(State(p): State<Provider>) -> axum::response::Response {
    p.hits.fetch_add(1, Ordering::SeqCst);
    let served = p.served.lock().unwrap().clone();
    match served {
        Served::Keys(keys) => axum::Json(JwkSet { keys }).into_response(),
        Served::Status(status) => status.into_response(),
        Served::Raw(body) => body.into_response(),
        Served::Hang => std::future::pending().await,
    }
}

/// The public JWK of a TEST-ONLY private key, named `kid`.
fn jwk(alg: Algorithm, private_pem: &str, kid: &str) -> Jwk {
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let key = match alg {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(private_pem.as_bytes()),
        _ => EncodingKey::from_ec_pem(private_pem.as_bytes()),
    };
    let mut jwk = Jwk::from_encoding_key(&key.unwrap(), alg).unwrap();
    jwk.common.key_id = Some(kid.into());
    jwk
}

/// A token signed with `private_pem`, its header naming `kid` (None: no `kid`).
fn signed(alg: Algorithm, private_pem: &str, kid: Option<&str>) -> String {
    let key = match alg {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(private_pem.as_bytes()),
        _ => EncodingKey::from_ec_pem(private_pem.as_bytes()),
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    encode(&header, &provider_claims(), &key.unwrap()).unwrap()
}

/// An authenticator for `alg` on `url`, re-fetching at most once per `min_refresh`, each fetch
/// bounded by `timeout` (generous: a loaded CI machine must not turn a good fetch into a refusal).
async fn authenticator_with(
    alg: &str,
    url: &str,
    min_refresh: Duration,
    timeout: Duration,
) -> Authenticator {
    let mut settings = asymmetric(alg, "JWT_JWKS_URL", url);
    let JwtKey::Jwks(jwks) = &mut settings.key else {
        panic!("expected JWKS settings")
    };
    jwks.min_refresh = min_refresh;
    jwks.timeout = timeout;
    Authenticator::new(&settings).await.unwrap()
}

async fn authenticator(alg: &str, url: &str, min_refresh: Duration) -> Authenticator {
    authenticator_with(alg, url, min_refresh, Duration::from_secs(10)).await
}

fn assert_503(result: Result<Principal, ApiError>) {
    let resp = result.expect_err("must fail closed").to_response("req");
    assert_problem(&resp, 503, "upstream_unavailable");
    assert_eq!(header(&resp, "retry-after"), Some("5"));
}

const UNKNOWN_KEY: Option<&str> = Some("The access token is signed with an unknown key.");

#[tokio::test]
async fn keys_are_chosen_by_kid_and_a_rotation_is_picked_up() {
    let k1 = jwk(Algorithm::ES256, EC_PRIVATE, "k1");
    let (provider, url) = Provider::start(Served::Keys(vec![k1])).await;
    let a = authenticator("ES256", &url, Duration::ZERO).await;
    assert_eq!(provider.hits(), 1, "fetched once at cold start");
    let t1 = signed(Algorithm::ES256, EC_PRIVATE, Some("k1"));
    assert_eq!(
        a.authenticate_seller(&bearer(&t1)).await.unwrap().user_id,
        "user_1"
    );
    assert_eq!(provider.hits(), 1, "a known kid needs no fetch");

    // The provider rotates: k2 is published, k1 withdrawn.
    provider.serve(Served::Keys(vec![jwk(
        Algorithm::ES256,
        EC_OTHER_PRIVATE,
        "k2",
    )]));
    let t2 = signed(Algorithm::ES256, EC_OTHER_PRIVATE, Some("k2"));
    assert!(a.authenticate(&bearer(&t2)).await.is_ok());
    assert_eq!(provider.hits(), 2, "the unknown kid fetched the new set");
    assert_401(
        a.authenticate(&bearer(&t1)).await,
        "token_invalid",
        UNKNOWN_KEY,
    );
    // A token naming k2 but signed with the withdrawn key does not verify.
    let forged = signed(Algorithm::ES256, EC_PRIVATE, Some("k2"));
    assert_401(
        a.authenticate(&bearer(&forged)).await,
        "token_invalid",
        BAD_SIGNATURE,
    );
}

#[tokio::test]
async fn unknown_kids_refetch_at_most_once_per_interval() {
    let (provider, url) =
        Provider::start(Served::Keys(vec![jwk(Algorithm::ES256, EC_PRIVATE, "k1")])).await;
    let a = authenticator("ES256", &url, Duration::from_secs(3600)).await;
    for i in 0..10 {
        let token = signed(Algorithm::ES256, EC_PRIVATE, Some(&format!("attacker-{i}")));
        assert_401(
            a.authenticate(&bearer(&token)).await,
            "token_invalid",
            UNKNOWN_KEY,
        );
    }
    assert_eq!(provider.hits(), 1, "no fetch within the interval");
    let no_kid = signed(Algorithm::ES256, EC_PRIVATE, None);
    assert_401(
        a.authenticate(&bearer(&no_kid)).await,
        "token_invalid",
        Some("The access token does not name its signing key (kid)."),
    );
}

#[tokio::test]
async fn a_provider_down_at_cold_start_fails_closed_until_it_answers() {
    let (provider, url) = Provider::start(Served::Status(StatusCode::INTERNAL_SERVER_ERROR)).await;
    let a = authenticator("RS256", &url, Duration::ZERO).await;
    let token = signed(Algorithm::RS256, RSA_PRIVATE, Some("r1"));
    assert_503(a.authenticate(&bearer(&token)).await);
    provider.serve(Served::Keys(vec![jwk(Algorithm::RS256, RSA_PRIVATE, "r1")]));
    assert!(a.authenticate_seller(&bearer(&token)).await.is_ok());
    assert_eq!(provider.hits(), 3);
}

#[tokio::test]
async fn an_unreachable_or_hung_provider_does_not_hold_the_cold_start() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/jwks", listener.local_addr().unwrap())
    };
    let (_hung, hung) = Provider::start(Served::Hang).await;
    for url in [closed, hung] {
        let a = tokio::time::timeout(
            Duration::from_secs(10),
            authenticator_with(
                "ES256",
                &url,
                Duration::from_secs(3600),
                Duration::from_millis(300),
            ),
        )
        .await
        .expect("the fetch is bounded by its timeout");
        let token = signed(Algorithm::ES256, EC_PRIVATE, Some("k1"));
        assert_503(a.authenticate(&bearer(&token)).await);
    }
}

#[tokio::test]
async fn oversized_malformed_or_unusable_sets_are_refused_and_the_old_keys_stay() {
    let k1 = jwk(Algorithm::ES256, EC_PRIVATE, "k1");
    let (provider, url) = Provider::start(Served::Keys(vec![k1.clone()])).await;
    let a = authenticator("ES256", &url, Duration::ZERO).await;
    let hmac = serde_json::json!({"keys": [{"kty": "oct", "kid": "k2", "k": "c2VjcmV0"}]});
    let mut wrong_use = jwk(Algorithm::ES256, EC_OTHER_PRIVATE, "k2");
    wrong_use.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Encryption);
    // Valid and naming k2: only the size limit refuses it.
    let mut padded = vec![k1.clone(); 700];
    padded.push(jwk(Algorithm::ES256, EC_OTHER_PRIVATE, "k2"));
    let size = serde_json::to_vec(&JwkSet {
        keys: padded.clone(),
    })
    .unwrap()
    .len();
    assert!((64 * 1024..128 * 1024).contains(&size), "{size} bytes");
    let refusals = [
        Served::Keys(padded),
        Served::Raw("{\"keys\": [".into()),
        Served::Raw(hmac.to_string()),
        Served::Keys(vec![wrong_use]),
        Served::Keys(vec![jwk(Algorithm::RS256, RSA_PRIVATE, "k2")]),
    ];
    let t1 = signed(Algorithm::ES256, EC_PRIVATE, Some("k1"));
    let t2 = signed(Algorithm::ES256, EC_OTHER_PRIVATE, Some("k2"));
    for (i, refused) in refusals.into_iter().enumerate() {
        provider.serve(refused);
        assert_401(
            a.authenticate(&bearer(&t2)).await,
            "token_invalid",
            UNKNOWN_KEY,
        );
        assert_eq!(provider.hits(), i + 2, "case {i} was fetched");
        assert!(
            a.authenticate(&bearer(&t1)).await.is_ok(),
            "case {i}: k1 still verifies"
        );
    }
}

#[tokio::test]
async fn the_algorithm_stays_pinned_with_a_jwks() {
    let (_provider, url) =
        Provider::start(Served::Keys(vec![jwk(Algorithm::ES256, EC_PRIVATE, "k1")])).await;
    let a = authenticator("ES256", &url, Duration::ZERO).await;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".into());
    let hs = encode(
        &header,
        &provider_claims(),
        &EncodingKey::from_secret(b"k1"),
    )
    .unwrap();
    assert_401(
        a.authenticate(&bearer(&hs)).await,
        "token_invalid",
        WRONG_ALG,
    );
}
