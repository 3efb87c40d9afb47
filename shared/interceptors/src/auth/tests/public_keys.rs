//! RS256 and ES256 with the TEST-ONLY keys in tests/keys/.

use super::*;

/// `iss` and `aud`, required settings for RS256/ES256.
pub(super) const ISSUER: &str = "https://id.example.com/";
pub(super) const AUDIENCE: &str = "veza-api";

/// The settings for `alg` with `key_var` = `key`, plus the required issuer and audience.
pub(super) fn asymmetric(alg: &str, key_var: &str, key: &str) -> JwtSettings {
    settings(&[
        ("JWT_ALGORITHM", alg),
        (key_var, key),
        ("JWT_ISSUER", ISSUER),
        ("JWT_AUDIENCE", AUDIENCE),
    ])
}

/// [`claims`] with the expected issuer and audience.
pub(super) fn provider_claims() -> Value {
    with(with(claims(), "iss", json!(ISSUER)), "aud", json!(AUDIENCE))
}

#[tokio::test]
async fn rs256_with_public_key() {
    let escaped = RSA_PUBLIC.replace('\n', "\\n"); // as a single-line env var would carry it
    let a = Authenticator::new(&asymmetric("RS256", "JWT_PUBLIC_KEY", &escaped))
        .await
        .unwrap();
    let token = mint(
        Algorithm::RS256,
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
        &provider_claims(),
    );
    assert_eq!(
        a.authenticate_seller(&bearer(&token))
            .await
            .unwrap()
            .user_id,
        "user_1"
    );
    // algorithm confusion: HS256 "signed" with the public key text must not verify
    let confused = mint(
        Algorithm::HS256,
        &EncodingKey::from_secret(RSA_PUBLIC.as_bytes()),
        &provider_claims(),
    );
    assert_401(
        a.authenticate(&bearer(&confused)).await,
        "token_invalid",
        WRONG_ALG,
    );
    let es = mint(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap(),
        &provider_claims(),
    );
    assert_401(
        a.authenticate(&bearer(&es)).await,
        "token_invalid",
        WRONG_ALG,
    );
}

#[tokio::test]
async fn es256_with_public_key() {
    let a = Authenticator::new(&asymmetric("ES256", "JWT_PUBLIC_KEY", EC_PUBLIC))
        .await
        .unwrap();
    let token = mint(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap(),
        &provider_claims(),
    );
    assert_eq!(
        a.authenticate_seller(&bearer(&token))
            .await
            .unwrap()
            .country
            .as_deref(),
        Some("FR")
    );
    let other = mint(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(EC_OTHER_PRIVATE.as_bytes()).unwrap(),
        &provider_claims(),
    );
    assert_401(
        a.authenticate(&bearer(&other)).await,
        "token_invalid",
        BAD_SIGNATURE,
    );
    let expired = mint(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap(),
        &with(provider_claims(), "exp", json!(now() - 3600)),
    );
    assert_401(
        a.authenticate(&bearer(&expired)).await,
        "token_expired",
        Some("The access token has expired."),
    );
}

#[tokio::test]
async fn unusable_public_keys_are_config_errors() {
    let cases = [
        ("RS256", EC_PUBLIC),
        ("ES256", RSA_PUBLIC),
        (
            "RS256",
            "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----",
        ),
    ];
    for (alg, pem) in cases {
        let err = Authenticator::new(&asymmetric(alg, "JWT_PUBLIC_KEY", pem))
            .await
            .unwrap_err();
        assert_eq!(err.var(), "JWT_PUBLIC_KEY", "{alg}");
    }
}

#[tokio::test]
async fn provider_tokens_need_the_configured_issuer_and_audience() {
    let a = Authenticator::new(&asymmetric("ES256", "JWT_PUBLIC_KEY", EC_PUBLIC))
        .await
        .unwrap();
    let key = EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap();
    let cases = [
        (with(provider_claims(), "iss", Value::Null), MISSING_CLAIM),
        (with(provider_claims(), "aud", Value::Null), MISSING_CLAIM),
        (
            with(
                provider_claims(),
                "iss",
                json!("https://other-tenant.example.com/"),
            ),
            Some("The access token has the wrong issuer."),
        ),
        (
            with(provider_claims(), "aud", json!("another-app")),
            Some("The access token has the wrong audience."),
        ),
    ];
    for (claims, description) in cases {
        let token = mint(Algorithm::ES256, &key, &claims);
        assert_401(
            a.authenticate(&bearer(&token)).await,
            "token_invalid",
            description,
        );
    }
}
