mod claims;
mod jwks;
mod public_keys;

use super::*;
use crate::test_support::{assert_problem, header};
use http::HeaderValue;
use jsonwebtoken::{EncodingKey, Header, encode, get_current_timestamp};
use serde_json::{Value, json};
use settings::JwtSettings;

const SECRET: &str = "test-only-hs256-secret-0123456789abcdef";
const RSA_PRIVATE: &str = include_str!("../../../tests/keys/rsa_private.pem");
const RSA_PUBLIC: &str = include_str!("../../../tests/keys/rsa_public.pem");
const EC_PRIVATE: &str = include_str!("../../../tests/keys/ec_private.pem");
const EC_PUBLIC: &str = include_str!("../../../tests/keys/ec_public.pem");
const EC_OTHER_PRIVATE: &str = include_str!("../../../tests/keys/ec_other_private.pem");

fn settings(pairs: &[(&str, &str)]) -> JwtSettings {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    JwtSettings::from_lookup(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
        .unwrap()
}

async fn hs256() -> Authenticator {
    Authenticator::new(&settings(&[
        ("JWT_ALGORITHM", "HS256"),
        ("JWT_SECRET", SECRET),
    ]))
    .await
    .unwrap()
}

fn now() -> i64 {
    i64::try_from(get_current_timestamp()).unwrap()
}

fn claims() -> Value {
    json!({"sub": "user_1", "email": "s@example.com", "country": "FR", "roles": ["seller"], "exp": now() + 600})
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    if value.is_null() {
        claims.as_object_mut().unwrap().remove(key);
    } else {
        claims[key] = value;
    }
    claims
}

fn mint(alg: Algorithm, key: &EncodingKey, claims: &Value) -> String {
    encode(&Header::new(alg), claims, key).unwrap()
}

fn hs(claims: &Value) -> String {
    mint(
        Algorithm::HS256,
        &EncodingKey::from_secret(SECRET.as_bytes()),
        claims,
    )
}

fn bearer(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        http::header::AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    h
}

/// Asserts a 401 with `code` and the exact challenge for `description` (None: bare challenge).
fn assert_401(result: Result<Principal, ApiError>, code: &str, description: Option<&str>) {
    let err = result.expect_err("must be rejected");
    let resp = err.to_response("req");
    assert_problem(&resp, 401, code);
    let expected = match description {
        None => "Bearer realm=\"veza\"".to_owned(),
        Some(d) => {
            format!("Bearer realm=\"veza\", error=\"invalid_token\", error_description=\"{d}\"")
        }
    };
    assert_eq!(header(&resp, "www-authenticate"), Some(expected.as_str()));
}

const MALFORMED: Option<&str> = Some("The access token is not a well-formed JWT.");
const BAD_SIGNATURE: Option<&str> = Some("The access token signature is not valid.");
const WRONG_ALG: Option<&str> = Some("The access token is signed with an unexpected algorithm.");
const MISSING_CLAIM: Option<&str> = Some("The access token lacks a required claim.");

#[tokio::test]
async fn valid_hs256_seller_token() {
    let p = hs256()
        .await
        .authenticate_seller(&bearer(&hs(&claims())))
        .await
        .unwrap();
    assert_eq!(
        p,
        Principal {
            user_id: "user_1".into(),
            email: Some("s@example.com".into()),
            country: Some("FR".into()),
            roles: vec!["seller".into()],
        }
    );
    // scheme is case-insensitive; a string role claim works too
    let mut h = HeaderMap::new();
    let token = hs(&with(claims(), "roles", json!("buyer seller")));
    h.insert(
        http::header::AUTHORIZATION,
        HeaderValue::from_str(&format!("bearer  {token} ")).unwrap(),
    );
    assert!(
        hs256()
            .await
            .authenticate_seller(&h)
            .await
            .unwrap()
            .has_role("buyer")
    );
}

#[tokio::test]
async fn missing_header_gets_bare_challenge() {
    assert_401(
        hs256().await.authenticate(&HeaderMap::new()).await,
        "token_missing",
        None,
    );
}

#[tokio::test]
async fn malformed_headers_and_tokens() {
    let a = hs256().await;
    let raw = |v: &[u8]| {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_bytes(v).unwrap(),
        );
        h
    };
    let long = format!("Bearer {}", "a".repeat(MAX_TOKEN_LEN + 1));
    let scheme = Some("The Authorization header must use the Bearer scheme.");
    let shape = Some("The bearer token is empty, too long or contains spaces.");
    let cases: Vec<(HeaderMap, Option<&str>)> = vec![
        (raw(b"Basic dXNlcjpwdw=="), scheme),
        (raw(b"Token abc.def.ghi"), scheme),
        (raw(b"Bearer"), shape),
        (raw(b"Bearer "), shape),
        (raw(b"Bearer a b"), shape),
        (raw(long.as_bytes()), shape),
        (
            raw(b"Bearer \xff\xfe"),
            Some("The Authorization header is not valid text."),
        ),
        (bearer("abc"), MALFORMED),
        (bearer("a.b"), MALFORMED),
        (bearer("a.b.c.d"), MALFORMED),
        (bearer("!!!.e30.sig"), MALFORMED),
        (
            bearer(&format!("{}.e30.sig", URL_SAFE_NO_PAD.encode("not json"))),
            MALFORMED,
        ),
        (
            bearer(&format!(
                "{}.e30.sig",
                URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT"}"#)
            )),
            MALFORMED,
        ),
    ];
    for (headers, description) in cases {
        assert_401(
            a.authenticate(&headers).await,
            "token_malformed",
            description,
        );
    }
    // a well-formed header with a garbage payload fails on its signature first
    let garbage = bearer(&format!(
        "{}.%%%.sig",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#)
    ));
    assert_401(
        a.authenticate(&garbage).await,
        "token_invalid",
        BAD_SIGNATURE,
    );
    let mut two = bearer(&hs(&claims()));
    two.append(
        http::header::AUTHORIZATION,
        HeaderValue::from_static("Bearer x.y.z"),
    );
    assert_401(
        a.authenticate(&two).await,
        "token_malformed",
        Some("Send exactly one Authorization header."),
    );
}

#[tokio::test]
async fn expiry_is_distinct_and_honours_leeway() {
    let a = hs256().await;
    let expired = hs(&with(claims(), "exp", json!(now() - 120)));
    assert_401(
        a.authenticate(&bearer(&expired)).await,
        "token_expired",
        Some("The access token has expired."),
    );
    let within_leeway = hs(&with(claims(), "exp", json!(now() - 10)));
    assert!(a.authenticate(&bearer(&within_leeway)).await.is_ok());
    // an expired token with a bad signature is invalid, not expired: signatures are checked first
    let forged = mint(
        Algorithm::HS256,
        &EncodingKey::from_secret(b"another-secret-0123456789abcdef!"),
        &with(claims(), "exp", json!(now() - 120)),
    );
    assert_401(
        a.authenticate(&bearer(&forged)).await,
        "token_invalid",
        BAD_SIGNATURE,
    );
}

#[tokio::test]
async fn not_before_in_future_is_invalid() {
    let a = hs256().await;
    let future = hs(&with(claims(), "nbf", json!(now() + 120)));
    assert_401(
        a.authenticate(&bearer(&future)).await,
        "token_invalid",
        Some("The access token is not valid yet."),
    );
    let within_leeway = hs(&with(claims(), "nbf", json!(now() + 10)));
    assert!(a.authenticate(&bearer(&within_leeway)).await.is_ok());
}

#[tokio::test]
async fn bad_signature_and_wrong_algorithms_are_invalid() {
    let a = hs256().await;
    let other = mint(
        Algorithm::HS256,
        &EncodingKey::from_secret(b"another-secret-0123456789abcdef!"),
        &claims(),
    );
    assert_401(
        a.authenticate(&bearer(&other)).await,
        "token_invalid",
        BAD_SIGNATURE,
    );
    let hs384 = mint(
        Algorithm::HS384,
        &EncodingKey::from_secret(SECRET.as_bytes()),
        &claims(),
    );
    assert_401(
        a.authenticate(&bearer(&hs384)).await,
        "token_invalid",
        WRONG_ALG,
    );
    let rs = mint(
        Algorithm::RS256,
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
        &claims(),
    );
    assert_401(
        a.authenticate(&bearer(&rs)).await,
        "token_invalid",
        WRONG_ALG,
    );
    // alg "none" with an empty signature
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims().to_string())
    );
    assert_401(
        a.authenticate(&bearer(&none)).await,
        "token_invalid",
        WRONG_ALG,
    );
    // a valid token with its payload swapped keeps the old signature
    let good = hs(&claims());
    let parts: Vec<&str> = good.split('.').collect();
    let admin = URL_SAFE_NO_PAD.encode(with(claims(), "sub", json!("admin")).to_string());
    let tampered = format!("{}.{admin}.{}", parts[0], parts[2]);
    assert_401(
        a.authenticate(&bearer(&tampered)).await,
        "token_invalid",
        BAD_SIGNATURE,
    );
}
